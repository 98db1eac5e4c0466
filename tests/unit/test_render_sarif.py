"""SARIF 2.1.0: valid against the official schema, and shaped the way GitHub code scanning needs."""

from __future__ import annotations

import json
from typing import Any

from tests.github_code_scanning import SCHEMA, upload_problems
from tests.unit.test_render import RULES_BY_ID, located, sample_review
from tfreview.render.sarif import FINGERPRINT_KEY, render_sarif


def _valid(text: str) -> dict[str, Any]:
    problems = upload_problems(text)
    assert not problems, "\n".join(problems[:10])
    log: dict[str, Any] = json.loads(text)
    return log


def test_the_stored_schema_is_the_official_one() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert list(schema["definitions"]["suppression"]["properties"]) == [
        "guid",
        "kind",
        "status",
        "justification",
        "location",
        "properties",
    ]
    assert (SCHEMA.parent / "PROVENANCE.md").exists()


def test_plan_mode_output_is_valid_and_every_result_has_a_location() -> None:
    result = sample_review()
    log = _valid(render_sarif(result, RULES_BY_ID))
    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    results = run["results"]
    open_findings = [f for f in result.findings if f.status.value != "resolved"]
    assert len(results) == len(open_findings) + len(result.suppressed)
    for item in results:
        (location,) = item["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": "plans/plan.json", "uriBaseId": "%SRCROOT%"}
        assert physical["region"]["startLine"] == 1
        assert item["partialFingerprints"][FINGERPRINT_KEY]
        assert item["properties"]["status"] in ("introduced", "existing")
    assert {r["properties"]["status"] for r in results} == {"introduced", "existing"}


def test_source_mode_points_at_file_and_line() -> None:
    log = _valid(render_sarif(located(sample_review()), RULES_BY_ID))
    first = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert first["artifactLocation"]["uri"].startswith("infra/")
    assert first["region"]["startLine"] >= 10
    assert first["region"]["endLine"] >= first["region"]["startLine"]


def test_rules_carry_help_severity_and_tags() -> None:
    log = _valid(render_sarif(sample_review(), RULES_BY_ID))
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    rule = rules["TFR-TEST-001"]
    assert rule["name"] == "test-rule-001"
    assert rule["shortDescription"]["text"] == "Test rule 001"
    assert rule["fullDescription"]["text"] == "Why rule 001 matters."
    assert "Do the right thing for rule 001." in rule["help"]["text"]
    assert "**Remediation:**" in rule["help"]["markdown"]
    assert "CKV_AWS_001" in rule["help"]["text"]
    assert rule["properties"]["security-severity"] == "8.0"
    assert rules["TFR-CHG-001"]["properties"]["security-severity"] == "9.5"
    assert {"aws", "networking"} <= set(rule["properties"]["tags"])
    assert "helpUri" not in rule
    results = log["runs"][0]["results"]
    for item in results:
        assert rules[item["ruleId"]] == log["runs"][0]["tool"]["driver"]["rules"][item["ruleIndex"]]


def test_levels_follow_the_threshold() -> None:
    log = _valid(render_sarif(sample_review(), RULES_BY_ID))
    levels = {(r["ruleId"], r["properties"]["status"]): r["level"] for r in log["runs"][0]["results"]}
    assert levels[("TFR-CHG-001", "introduced")] == "error"
    assert levels[("TFR-TEST-002", "existing")] == "warning"
    assert levels[("TFR-TEST-006", "introduced")] == "note"


def test_suppressed_findings_are_results_with_suppressions() -> None:
    log = _valid(render_sarif(sample_review()))
    suppressed = [r for r in log["runs"][0]["results"] if "suppressions" in r]
    assert len(suppressed) == 1
    (suppression,) = suppressed[0]["suppressions"]
    assert suppression["kind"] == "external"
    assert suppression["justification"] == "public website for @team"


def test_resolved_findings_are_not_results() -> None:
    log = _valid(render_sarif(sample_review()))
    addresses = {r["properties"]["address"] for r in log["runs"][0]["results"]}
    assert "aws_s3_bucket.fixed" not in addresses


def test_diagnostics_and_notices_become_notifications() -> None:
    log = _valid(render_sarif(sample_review()))
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert "rule bug" in invocation["toolExecutionNotifications"][0]["message"]["text"]
    texts = [n["message"]["text"] for n in invocation["toolConfigurationNotifications"]]
    assert any("expired" in t for t in texts)
    assert any("modules/broken/main.tf" in t for t in texts)


def test_paths_become_uris() -> None:
    log = _valid(render_sarif(sample_review(), plan_path="./my plans/plan.json"))
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20plans/plan.json"
    log = _valid(render_sarif(sample_review(), plan_path="/abs/plan.json"))
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "plan.json", "uriBaseId": "%SRCROOT%"}  # never a file:// URI of this machine
