"""Every renderer over one realistic review: the registry, secrets never leaking, ANSI only on demand.

`sample_review()` and `big_review()` are shared by the per-format tests (`test_render_*.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from tfreview.core.errors import ConfigError
from tfreview.core.findings import Finding, Review, Status
from tfreview.core.plan import ChangeSet, Location, ResourceChange
from tfreview.core.policy import Policy, Suppression
from tfreview.core.review import review
from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.parsing.plan_json import plan_from_document
from tfreview.render import RENDERERS, render, render_text
from tfreview.rules import load_rules

AWS_KEY = "AKIAABCDEFGHIJKLMNOP"
PASSWORD = "canary-s3cr3t-value-123"
HOSTILE_KEY = "<b>@octocat</b>|x"
HOSTILE_NAME = "**@octocat** <img src=x onerror=alert(1)> #1 https://evil.example `x` | y"
PUBLIC = f'aws_s3_bucket.public["{HOSTILE_KEY}"]'


def _public_acl(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.get("acl") in ("public-read", "public-read-write"):
        yield Hit("acl", f"bucket {resource.get('bucket')} is readable by anyone")


def _versioning(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.get("versioning.0.enabled") is False:
        yield Hit("versioning.0.enabled", "versioning is off")


def _password(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.get("password"):
        yield Hit("password", "the master password is written in the configuration")


def _user_data(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    value = resource.get("user_data")
    if isinstance(value, str) and "AKIA" in value:
        yield Hit("user_data", f"user_data holds an AWS access key: {value}")


def _explodes(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    raise ValueError("rule bug")
    yield Hit()  # pragma: no cover


def _destroyed(change: ResourceChange, change_set: ChangeSet) -> Iterator[Hit]:
    if change.kind.destroys:
        yield Hit("", f"the database is {change.kind.value}d: its data goes with it")


def _rule(id: str, severity: Severity, types: tuple[str, ...], **kwargs: Any) -> Rule:
    number = id.rsplit("-", 1)[-1]
    defaults: dict[str, Any] = {
        "long_id": f"test-rule-{number}",
        "title": f"Test rule {number}",
        "provider": "aws",
        "category": "general",
        "remediation": f"Do the right thing for rule {number}.\nSecond line of the remediation.",
        "description": f"Why rule {number} matters.",
        "references": References(checkov=(f"CKV_AWS_{number}",)),
    }
    defaults.update(kwargs)
    return Rule(id=id, severity=severity, resource_types=types, **defaults)


RULES = [
    _rule("TFR-TEST-001", Severity.HIGH, ("aws_s3_bucket",), category="networking", check=_public_acl),
    _rule("TFR-TEST-002", Severity.MEDIUM, ("aws_db_instance",), category="secrets", check=_password),
    _rule("TFR-TEST-003", Severity.CRITICAL, ("aws_instance",), category="secrets", check=_user_data),
    _rule("TFR-TEST-004", Severity.HIGH, ("aws_instance",), check=_explodes),
    _rule("TFR-TEST-006", Severity.LOW, ("aws_s3_bucket",), category="backup", check=_versioning),
    _rule(
        "TFR-CHG-001",
        Severity.CRITICAL,
        ("aws_db_instance",),
        provider="change",
        category="change",
        check_change=_destroyed,
        references=References(),
    ),
    _rule("TFR-TEST-009", Severity.INFO, ("aws_lambda_function",), check=_versioning),  # never fires
]
RULES_BY_ID = {r.id: r for r in RULES}


def _rc(address: str, actions: list[str], before: Any, after: Any, **change: Any) -> dict[str, Any]:
    type_name = address.split(".", maxsplit=1)[0]
    name = address.split(".")[1].split("[", maxsplit=1)[0]
    return {
        "address": address,
        "type": type_name,
        "name": name,
        "mode": "managed",
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {"actions": actions, "before": before, "after": after, "after_unknown": {}, **change},
        **({"action_reason": change.pop("action_reason")} if "action_reason" in change else {}),
    }


def plan_document() -> dict[str, Any]:
    public = {"bucket": HOSTILE_NAME, "acl": "public-read", "versioning": [{"enabled": False}]}
    db_before = {"engine": "mysql", "password": PASSWORD}
    delete = _rc("aws_db_instance.main", ["delete"], db_before, None, before_sensitive={"password": True})
    delete["action_reason"] = "delete_because_no_resource_config"
    replica = _rc(
        "aws_db_instance.replica",
        ["delete", "create"],
        db_before,
        {"engine": "postgres", "password": PASSWORD},
        before_sensitive={"password": True},
        after_sensitive={"password": True},
        replace_paths=[["engine"]],
    )
    replica["action_reason"] = "replace_because_cannot_update"
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "resource_changes": [
            _rc(PUBLIC, ["create"], None, public),
            _rc(
                "aws_s3_bucket.old",
                ["update"],
                {"bucket": "old", "acl": "public-read"},
                {"bucket": "old", "acl": "public-read", "tags": {}},
            ),
            _rc(
                "aws_s3_bucket.fixed",
                ["update"],
                {"bucket": "fixed", "acl": "public-read"},
                {"bucket": "fixed", "acl": "private"},
            ),
            _rc("aws_s3_bucket.allowed", ["create"], None, {"bucket": "site", "acl": "public-read"}),
            delete,
            replica,
            _rc("aws_instance.web", ["create"], None, {"user_data": f"export AWS_ACCESS_KEY_ID={AWS_KEY}"}),
        ],
        "resource_drift": [
            _rc(
                "aws_s3_bucket.old",
                ["update"],
                {"bucket": "old", "acl": "private"},
                {"bucket": "old", "acl": "public-read"},
            ),
        ],
    }


def sample_review(**policy: Any) -> Review:
    change_set = plan_from_document(plan_document(), "plans/plan.json")
    coverage = change_set.coverage
    coverage = replace(
        coverage,
        files_skipped=(*coverage.files_skipped, ("modules/broken/main.tf", "HCL syntax error at line 3")),
        notes=(*coverage.notes, "2 output changes are not reviewed"),
    )
    change_set = replace(change_set, coverage=coverage)
    suppressions = (
        Suppression("TFR-TEST-001", "public website for @team", "aws_s3_bucket.allowed", source=".tfreview.toml"),
        Suppression("TFR-TEST-006", "old exception", "aws_s3_bucket.public*", expires=date(2020, 1, 1)),
    )
    settings: dict[str, Any] = {"suppressions": suppressions, "today": date(2025, 1, 1)}
    settings.update(policy)
    return review(change_set, RULES, Policy(**settings))


def located(result: Review) -> Review:
    """The same review as if scanned from source: every finding with a file and line."""
    findings = [
        replace(f, location=Location(f"infra/{f.resource_type}.tf", 10 + i, 20 + i))
        for i, f in enumerate(result.findings)
    ]
    return replace(result, findings=findings)


def big_review(count: int = 50_000) -> Review:
    """A review with `count` introduced findings (plus the sample's others), for size limits."""
    base = sample_review()
    template = next(f for f in base.findings if f.status is Status.INTRODUCED and f.rule_id == "TFR-TEST-001")
    many: list[Finding] = [
        replace(template, address=f'aws_s3_bucket.b["{i:05d}"]', severity=Severity.HIGH) for i in range(count)
    ]
    return replace(base, findings=many + base.findings)


def test_sample_review_has_every_kind_of_thing() -> None:
    result = sample_review()
    statuses = {f.status for f in result.findings}
    assert statuses == {Status.INTRODUCED, Status.EXISTING, Status.RESOLVED}
    assert result.suppressed
    assert result.suppressed[0].suppressed is not None
    assert result.notices, "the expired suppression is a notice"
    assert result.diagnostics, "the exploding rule is a diagnostic"
    assert {c.kind.value for c in result.destroys} == {"delete", "replace"}
    assert result.drift
    assert result.verdict.value == "fail"


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_no_secret_leaves_through_any_format(fmt: str) -> None:
    for result in (sample_review(), located(sample_review())):
        for rules in (RULES_BY_ID, None):
            out = render(fmt, result, rules)
            assert AWS_KEY not in out
            assert PASSWORD not in out


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_every_format_renders_an_empty_review(fmt: str) -> None:
    change_set = plan_from_document({"format_version": "1.2", "resource_changes": []}, "empty.json")
    result = review(change_set, RULES, Policy())
    out = render(fmt, result, RULES)
    assert isinstance(out, str)
    if fmt == "github":
        assert out == ""
    else:
        assert out.strip()


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_every_format_accepts_the_real_rule_library(fmt: str) -> None:
    library = {r.id: r for r in load_rules()}
    assert render(fmt, sample_review(), library)


def test_render_rejects_an_unknown_format() -> None:
    with pytest.raises(ConfigError, match="unknown output format 'yaml'"):
        render("yaml", sample_review())


def test_colour_only_on_request() -> None:
    result = sample_review()
    assert "\x1b[" not in render("text", result, RULES)
    assert "\x1b[" in render("text", result, RULES, color=True)


def test_text_follows_the_order_a_reviewer_reads() -> None:
    out = render_text(sample_review(), RULES_BY_ID)
    order = [
        "Verdict: FAIL",
        "Introduced by this change (",
        "CRITICAL (",
        "HIGH (",
        "Destroys and replaces",
        "Introduced by this change and suppressed (1)",  # the plan creates it: shown in the open (ADR 0562)
        "Already there (existing) (",
        "Resolved by this change (",
        "Changed outside Terraform",
        "Coverage",
        "Diagnostics (1)",
        "Notices (1)",
    ]
    positions = [out.index(marker) for marker in order]
    assert positions == sorted(positions), out
    assert "tfreview — plans/plan.json (plan · Terraform 1.9.5)" in out
    assert "!! DELETE   aws_db_instance.main" in out
    assert "!! REPLACE  aws_db_instance.replica" in out
    assert "replace because cannot update; forced by engine" in out
    assert "user_data = export AWS_ACCESS_KEY_ID=(redacted)" in out
    assert "fix: Do the right thing for rule 001." in out
    assert "Second line of the remediation" not in out
    assert "public website for @team" in out
    assert "modules/broken/main.tf: HCL syntax error at line 3" in out
    assert "expired on 2020-01-01" in out


def test_text_shows_file_and_line_when_known() -> None:
    out = render_text(located(sample_review()))
    assert "at infra/aws_instance.tf:" in out


def test_text_strips_terminal_control_sequences_from_plan_values() -> None:
    result = sample_review()
    evil = replace(result.findings[0], address="aws_s3_bucket.x\x1b[2J\x1b]0;pwned\x07", message="bad\rthing")
    out = render_text(replace(result, findings=[evil, *result.findings[1:]]))
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "\r" not in out


def test_text_caps_each_section_and_keeps_counts_exact() -> None:
    result = big_review(50_000)
    out = render_text(result, limit=20)
    introduced = sum(1 for f in result.findings if f.status is Status.INTRODUCED)
    assert f"Introduced by this change ({introduced:,})" in out
    assert f"HIGH ({introduced - 2:,})" in out or "more" in out
    assert "… and " in out
    assert len(out.splitlines()) < 400
