"""A Cloud Armor backend security policy should block Log4j exploit attempts (the `cve-canary` WAF rule)."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN, terraform_bool

_POLICY = "google_compute_security_policy"
_RULE = "google_compute_security_policy_rule"
_CANARY = "cve-canary"  # the preconfigured WAF rule for CVE-2021-44228 and CVE-2021-45046 (Log4j)


def _judge(action: object, preview: object) -> str | None:
    """Why a rule matching `cve-canary` does not block; "" when it blocks; None when it cannot be told."""
    if action is UNKNOWN or preview is UNKNOWN:
        return None
    if terraform_bool(preview) is True:
        return "its `cve-canary` rule is in preview mode (it only logs)"
    if not (isinstance(action, str) and action.startswith("deny")):
        return f"its `cve-canary` rule's action is `{action}`, not a deny"
    return ""


def _inline(policy: Resource) -> str | None:
    """The verdict of the policy's own `rule` blocks on `cve-canary`: "" blocks, a reason, None unknown or absent."""
    found: str | None = None
    for index, _ in enumerate(policy.blocks("rule")):
        expression = policy.get(f"rule.{index}.match.0.expr.0.expression")
        if expression is UNKNOWN:
            return ""  # a rule whose expression is known only after apply may be the one: not judged
        if not (isinstance(expression, str) and _CANARY in expression):
            continue
        verdict = _judge(policy.get(f"rule.{index}.action"), policy.get(f"rule.{index}.preview"))
        if verdict is None or verdict == "":
            return ""
        found = verdict
    return found


def _separate(policy: Resource, snapshot: Snapshot) -> str | None:
    """The same verdict over `google_compute_security_policy_rule` resources of this policy."""
    found: str | None = None
    for rule in snapshot.linked(policy, _RULE, "security_policy", ("name", "id", "self_link")):
        expression = rule.get("match.0.expr.0.expression")
        if expression is UNKNOWN:
            return ""
        if not (isinstance(expression, str) and _CANARY in expression):
            continue
        verdict = _judge(rule.get("action"), rule.get("preview"))
        if verdict is None or verdict == "":
            return ""
        found = verdict
    return found


def _unlinked_rule(policy: Resource, snapshot: Snapshot) -> bool:
    """A separate rule whose policy is known only after apply and comes through an input: it may be this one's."""
    return any(
        rule.get("security_policy") is UNKNOWN
        and not any(ref.split(".")[-2:-1] == [_POLICY] for ref in rule.refs("security_policy"))
        for rule in snapshot.present_with(policy, _RULE)
    )


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    kind = resource.get("type")
    if kind is UNKNOWN and resource.setting_of("type", kind) is Setting.UNSET:
        kind = None  # not written: the provider's default, a backend (CLOUD_ARMOR) policy
    if kind is UNKNOWN or kind not in (None, "CLOUD_ARMOR"):
        return  # edge and network policies cannot evaluate preconfigured WAF rules
    rules = resource.get("rule")
    if rules is UNKNOWN:
        # a plan computes `rule` when none is written: the policy then has only the provider's default rule
        if resource.setting_of("rule", rules) is not Setting.UNSET:
            return
        separate = _separate(resource, snapshot)
        if separate == "" or (separate is None and _unlinked_rule(resource, snapshot)):
            return
        why = separate or "`rule` not set: the policy has only the provider's default rule, none evaluates `cve-canary`"
        yield Hit("rule", f"{why}: Log4j (CVE-2021-44228) exploit attempts reach the backends", unset=True)
        return
    inline = _inline(resource)
    if inline == "":
        return
    separate = _separate(resource, snapshot)
    if separate == "":
        return
    if inline is None and separate is None and _unlinked_rule(resource, snapshot):
        return
    why = inline or separate or "no rule evaluates the preconfigured `cve-canary` WAF rule with a deny action"
    yield Hit("", f"{why}: Log4j (CVE-2021-44228) exploit attempts reach the backends")


RULE = Rule(
    id="TFR-GCP-234",
    long_id="gcp-cloud-armor-log4j",
    title="Cloud Armor security policy does not block Log4j exploit attempts (cve-canary)",
    severity=Severity.LOW,
    provider="gcp",
    category="networking",
    resource_types=(_POLICY,),
    remediation='Add a rule with `action = "deny(403)"`, `match { expr { expression = '
    "\"evaluatePreconfiguredWaf('cve-canary')\" } }` and a priority above the default rule (not in preview), to "
    "the policy or as a `google_compute_security_policy_rule` of it.",
    description="LOW: Google Cloud Armor's preconfigured WAF rule `cve-canary` detects and blocks exploit attempts "
    "of the Apache Log4j vulnerabilities CVE-2021-44228 and CVE-2021-45046 (Cloud Armor documentation, "
    '"Preconfigured WAF rules": the `cve-canary` rule set; Google Cloud security advisory for Log4j recommends it '
    "for backends behind a load balancer). A backend security policy (`type` unset or `CLOUD_ARMOR`) has no WAF "
    "rule unless one is written: its default rule allows or denies everything by source range only. A policy "
    "with no rule whose expression evaluates `cve-canary`, or whose `cve-canary` rule is in preview or does not "
    "deny, lets those payloads through; a policy that writes no `rule` (a plan then shows it computed) has only the "
    "provider's default rule and is judged so. Low: defence in depth (patching Log4j is the fix, and the backends may "
    "not run Java). Edge and network policies, which cannot evaluate preconfigured WAF rules, are not judged; a "
    "rule whose expression or action is known only after apply, and a separate "
    "`google_compute_security_policy_rule` whose policy comes through an input, silence the rule. Checkov's "
    "CKV_GCP_73 asks the same.",
    defaults=(("rule", "none but the default rule: a security policy has no WAF rule unless written"),),
    references=References(checkov=("CKV_GCP_73",)),
    check=check,
)
