"""The JSON report validates against its shipped schema, and the schema is documented."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

import tfreview
from tests.unit.test_render import PASSWORD, RULES_BY_ID, big_review, located, sample_review
from tfreview.core.findings import Review
from tfreview.render.json_report import json_schema, render_json

DOC = Path(__file__).parents[2] / "docs" / "reference" / "json-schema.md"


def _valid(text: str) -> dict[str, Any]:
    schema = json_schema()
    Draft202012Validator.check_schema(schema)
    document: dict[str, Any] = json.loads(text)
    errors = list(Draft202012Validator(schema).iter_errors(document))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    return document


def test_report_validates_in_plan_and_source_mode() -> None:
    for result in (sample_review(), located(sample_review())):
        _valid(render_json(result, RULES_BY_ID))
        _valid(render_json(result, indent=False))


def test_report_content() -> None:
    result = sample_review()
    document = _valid(render_json(result))
    assert document["schema_version"] == "1"
    assert document["tool"] == {"name": "tfreview", "version": tfreview.__version__}
    assert document["verdict"] == "fail"
    assert document["fail_on"] == "high"
    assert document["terraform_version"] == "1.9.5"
    assert document["summary"]["findings"] == {"introduced": 5, "existing": 2, "resolved": 2}
    assert document["summary"]["introduced_severity"]["critical"] == 3
    assert document["summary"]["destroys"] == 2
    assert document["summary"]["suppressed"] == 1
    finding = document["findings"][0]
    assert finding["location"] is None
    assert any(f["references"] == ["CKV_AWS_001"] for f in document["findings"])
    assert len(finding["fingerprint"]) == 20
    assert document["suppressed"][0]["suppressed"]["by"] == "config"
    assert {c["change"] for c in document["changes"]} >= {"delete", "replace", "create", "update"}
    assert document["drift"][0]["address"] == "aws_s3_bucket.old"
    assert document["coverage"]["files_skipped"] == [
        {"file": "modules/broken/main.tf", "reason": "HCL syntax error at line 3"}
    ]
    evidence = {f["evidence"]["path"]: f["evidence"]["value"] for f in document["findings"]}
    assert evidence["password"] == "(sensitive value)"
    assert PASSWORD not in json.dumps(document)


def test_big_report_renders() -> None:
    document = json.loads(render_json(big_review(50_000), indent=False))
    assert document["summary"]["findings"]["introduced"] == 50_005


def _properties(schema: dict[str, Any]) -> set[str]:
    names = set(schema["properties"])
    for definition in schema["$defs"].values():
        names |= set(definition.get("properties", {}))
    return names


def test_every_field_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+)`", doc))
    missing = _properties(json_schema()) - documented
    assert not missing, f"fields missing from {DOC.name}: {sorted(missing)}"


def test_counts_and_fingerprints_agree_with_the_findings() -> None:
    """The summary is counted in one pass over (status, severity) pairs and the fingerprints are computed for the
    report: each agrees with the findings read one by one (`Finding.fingerprint`, the users' baseline keys). The
    small reviews are also checked against the schema; the 50,005 findings of the big one, made by the same code as
    theirs, are parsed only (the schema validator took ~8 s of CPU over them, ADR 0669)."""
    checks: list[tuple[Review, Callable[[str], dict[str, Any]]]] = [
        (sample_review(), _valid),
        (located(sample_review()), _valid),
        (big_review(), json.loads),
    ]
    for result, check in checks:
        document = check(render_json(result))
        findings = [*result.findings, *result.suppressed]
        assert [f["fingerprint"] for f in (*document["findings"], *document["suppressed"])] == [
            f.fingerprint for f in findings
        ]
        open_ = [f for f in result.findings if f.status.value != "resolved"]
        assert document["summary"]["severity"] == {
            s: sum(1 for f in open_ if f.severity.value == s) for s in document["summary"]["severity"]
        }
        assert document["summary"]["introduced_severity"] == {
            s: sum(1 for f in open_ if f.severity.value == s and f.status.value == "introduced")
            for s in document["summary"]["introduced_severity"]
        }
        assert document["summary"]["findings"] == {
            s: sum(1 for f in result.findings if f.status.value == s) for s in ("introduced", "existing", "resolved")
        }
        kinds = sorted({c.kind.value for c in result.changes})
        assert document["summary"]["changes"] == {k: sum(1 for c in result.changes if c.kind.value == k) for k in kinds}
