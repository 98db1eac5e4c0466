"""A hard token budget per review: the riskiest parts first, the rest named exactly (incl. 50k resources)."""

from __future__ import annotations

import re

from tfreview.advisor.budget import estimate_tokens
from tfreview.advisor.context import build_context
from tfreview.advisor.prompt import BuiltPrompt, build_prompt
from tfreview.core.plan import ChangeSet, Coverage, ResourceChange
from tfreview.core.ports import AdviceContext

from .doubles import change, finding

_TYPES = ("aws_instance", "aws_s3_bucket", "aws_iam_role_policy", "aws_security_group_rule", "aws_sqs_queue")


def _big_change_set(count: int) -> ChangeSet:
    changes: list[ResourceChange] = []
    for i in range(count):
        type_name = _TYPES[i % len(_TYPES)]
        kind = "delete" if i % 2_500 == 7 else "replace" if i % 2_500 == 11 else ("create", "update", "no-op")[i % 3]
        before = {"name": f"r{i}", "size": i, "tags": {"owner": "team-a", "index": str(i)}}
        after = {"name": f"r{i}", "size": i + 1, "tags": {"owner": "team-b", "index": str(i)}, "blob": "x" * 300}
        changes.append(change(f"{type_name}.r{i}", kind, before=before, after=after))
    return ChangeSet(changes=changes, drift=[change(f"aws_instance.d{i}", "update") for i in range(50)])


def _section(built: BuiltPrompt, name: str) -> str:
    match = re.search(rf"<<<DATA-{built.nonce} {name}\n(.*?)\nDATA-{built.nonce}>>>", built.prompt.user, re.DOTALL)
    return match.group(1) if match else ""


def _listed(built: BuiltPrompt, name: str = "changes") -> set[str]:
    return set(re.findall(r"^- (\S+): (?:create|update|delete|replace|forget)", _section(built, name), re.MULTILINE))


def test_estimate_is_a_quarter_of_the_utf8_bytes_rounded_up() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("abcde") == 2
    assert estimate_tokens("é" * 4) == 2  # 8 bytes: other scripts are estimated high, not low


def test_50k_resources_never_exceed_the_budget_and_the_rest_is_named_exactly() -> None:
    cs = _big_change_set(50_000)
    findings = tuple(finding(c.address) for c in cs.changes[::997] if c.kind.value not in ("no-op", "read"))
    context = build_context(AdviceContext(cs, findings, Coverage()))
    built = build_prompt(context, max_input_tokens=12_000)

    assert built.estimated_tokens <= 12_000
    assert estimate_tokens(built.prompt.system) + estimate_tokens(built.prompt.user) <= 12_000
    changed = {c.address for c in cs.changes if c.kind.value not in ("no-op", "read")}
    seen = _listed(built)
    omitted = set(built.omission.resources)
    assert seen | omitted == changed
    assert not seen & omitted
    assert len(built.omission.resources) == len(omitted)  # no address counted twice
    assert sum(built.omission.by_kind.values()) == len(omitted)
    destroys = {c.address for c in cs.changes if c.kind.destroys}
    assert destroys <= seen  # deletes and replaces come first
    assert built.omission.drift + len(_listed(built, "drift")) == 50
    assert "Left out for the token budget" in built.prompt.user


def test_ranking_keeps_iam_and_network_before_the_rest() -> None:
    changes = [change(f"aws_instance.r{i:03d}", "update", after={"blob": "y" * 400}) for i in range(200)]
    changes += [change("aws_iam_policy.p", "update"), change("aws_security_group.g", "update")]
    context = build_context(AdviceContext(ChangeSet(changes=changes), (), Coverage()))
    built = build_prompt(context, max_input_tokens=2_000)
    seen = _listed(built)
    assert {"aws_iam_policy.p", "aws_security_group.g"} <= seen
    assert built.omission.resources  # the budget was tight
    assert built.estimated_tokens <= 2_000


def test_a_small_change_is_sent_whole() -> None:
    context = build_context(AdviceContext(ChangeSet(changes=[change("aws_s3_bucket.a")]), (), Coverage()))
    built = build_prompt(context, max_input_tokens=12_000)
    assert built.omission.empty
    assert "Left out" not in built.prompt.user
