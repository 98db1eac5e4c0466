"""A `for_each` key reads the same in plan mode and in HCL mode: the address Terraform writes (ADR 0594).

Terraform writes an instance key as HCL would quote it (`internal/addrs/instance_key.go`, `toHCLQuotedString`):
`${` and `%{` doubled (`["$${x}"]`), a character Go does not print (NBSP, a zero-width space, a control
character) as `\\u00a0`. HCL mode wrote the key as JSON does: `module.site["${x}"]` where the plan says
`module.site["$${x}"]`. The two disagreed on the address, so on the fingerprint: a baseline made with
`tfreview baseline create DIR` left the plan's findings of those instances introduced, and a finding of the
PR's HCL review and of its plan were two findings.

The plan (tests/data/plans/real17/odd_keys/plan.json) is what Terraform 1.9 writes for the tree beside it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tfreview.cli import main
from tfreview.core.plan import instance_key, strip_index
from tfreview.parsing.plan_json import plan_from_document

TREE = Path(__file__).resolve().parents[1] / "data" / "plans" / "real17" / "odd_keys"


@pytest.mark.parametrize(
    ("key", "address"),
    [
        ("a.b", '["a.b"]'),
        ('q"uote', '["q\\"uote"]'),
        ("back\\slash", '["back\\\\slash"]'),
        ("br]ack[et", '["br]ack[et"]'),
        ("ünï", '["ünï"]'),
        ("${x}", '["$${x}"]'),
        ("50%{y}", '["50%%{y}"]'),
        ("$x and %y", '["$x and %y"]'),  # no brace: not doubled
        ("nb\u00a0sp", '["nb\\u00a0sp"]'),
        ("zero\u200bwidth", '["zero\\u200bwidth"]'),
        ("bell\x07\b\f", '["bell\\u0007\\u0008\\u000c"]'),
        ("line\nfeed\r\ttab", '["line\\nfeed\\r\\ttab"]'),
        ("tag\U000e0041", '["tag\\U000e0041"]'),
        ("", '[""]'),
        (7, "[7]"),
    ],
)
def test_a_key_is_quoted_as_terraform_quotes_it(key: str | int, address: str) -> None:
    assert instance_key(key) == address


def _report(capsys: pytest.CaptureFixture[str], *arguments: str) -> dict[str, Any]:
    code = main(["scan", "-o", "json", *arguments])
    captured = capsys.readouterr()
    assert code in (0, 1), captured.err
    report = json.loads(captured.out)
    assert isinstance(report, dict)
    return report


def test_hcl_mode_names_the_instances_the_plan_names(capsys: pytest.CaptureFixture[str]) -> None:
    plan = json.loads((TREE / "plan.json").read_text(encoding="utf-8"))
    planned = {r["address"] for r in plan["resource_changes"]}
    hcl = _report(capsys, str(TREE))
    from_plan = _report(capsys, str(TREE / "plan.json"), "--source", str(TREE))
    assert {c["address"] for c in hcl["changes"]} == planned
    assert {c["address"] for c in from_plan["changes"]} == planned
    assert len({strip_index(a) for a in planned}) == 1
    assert {f["fingerprint"] for f in hcl["findings"]} == {f["fingerprint"] for f in from_plan["findings"]}


def test_a_baseline_of_the_tree_holds_the_findings_of_its_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = tmp_path / "baseline.json"
    assert main(["baseline", "create", str(TREE), "-f", str(baseline)]) == 0
    capsys.readouterr()
    report = _report(capsys, str(TREE / "plan.json"), "--source", str(TREE), "--baseline", str(baseline))
    summary = report["summary"]
    assert summary["findings"]["introduced"] == 0, [f["address"] for f in report["findings"]]
    assert summary["suppressed"] == 24


def test_a_drift_entry_without_address_is_named_as_terraform_names_it() -> None:
    """Terraform 1.0.0 wrote `resource_drift` entries without `address`: rebuilt from its parts, a string index is
    quoted as Terraform quotes it (it was put between quotes as it was: `["a"b"]`)."""
    change = {"actions": ["update"], "before": {"bucket": "x"}, "after": {"bucket": "y"}}
    document = {
        "format_version": "0.2",
        "terraform_version": "1.0.0",
        "resource_changes": [],
        "resource_drift": [
            {"module_address": 'module.m["k"]', "mode": "managed", "type": "aws_s3_bucket", "name": "b", "index": key}
            | {"change": change}
            for key in ('a"b', "${x}", 3)
        ],
    }
    drift = plan_from_document(document, "plan.json").drift
    assert [c.address for c in drift] == [
        'module.m["k"].aws_s3_bucket.b["a\\"b"]',
        'module.m["k"].aws_s3_bucket.b["$${x}"]',
        'module.m["k"].aws_s3_bucket.b[3]',
    ]
