"""The report's findings and change entries written as bytes (render.json_text, ADR 0500) are the bytes orjson
writes for the report's document, whatever the strings hold."""

from __future__ import annotations

from dataclasses import replace

import orjson
import pytest

from tests.unit.test_render import big_review, located, sample_review
from tfreview.core.blast import BlastRadius
from tfreview.core.findings import ChangeEntry, Evidence, Finding, Review, Suppressed, fingerprint, fingerprints
from tfreview.core.plan import ChangeKind, Location
from tfreview.render.json_report import render_json_bytes, review_document

# every character class orjson escapes or keeps: control characters, quote, backslash, DEL, C1, line and paragraph
# separators, a character outside ASCII and one outside the basic plane
AWKWARD = "".join(chr(code) for code in range(0x20)) + '"\\/\x7f\x85\u2028\u2029é—😀 end'


def _orjson(review: Review) -> bytes:
    return orjson.dumps(review_document(review), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def _awkward(finding: Finding, index: int) -> Finding:
    """`finding` with awkward text in every string it has, and each optional part set or not by turn."""
    return replace(
        finding,
        title=f"{finding.title} {AWKWARD}",
        address=f'{finding.address}["{AWKWARD}"]',
        message=f"{AWKWARD} {finding.message}",
        remediation=AWKWARD if index % 2 else finding.remediation,
        evidence=Evidence(path=f"tags.{AWKWARD}", value=None if index % 3 == 0 else AWKWARD),
        location=None if index % 2 else Location(f"mod/{AWKWARD}.tf", 3 + index, None if index % 4 else 9),
        references=() if index % 3 == 1 else (AWKWARD, "CKV_AWS_1"),
        suppressed=None
        if index % 2
        else Suppressed("inline", AWKWARD, f"main.tf:{index}", None if index % 4 else "2027-01-01"),
    )


def _entry(entry: ChangeEntry, index: int) -> ChangeEntry:
    blast = BlastRadius(dependents=(AWKWARD, "aws_instance.b"), total=7, direct=2, exposed_by=("output.url",))
    return replace(
        entry,
        address=f"{entry.address}.{AWKWARD}",
        action_reason=None if index % 2 else AWKWARD,
        replace_paths=() if index % 2 else (AWKWARD, "ingress.0"),
        location=None if index % 3 else Location(AWKWARD, 1, 2),
        blast=None if index % 2 else (BlastRadius() if index % 4 else blast),
    )


def test_the_same_bytes_as_orjson_for_the_sample_reviews() -> None:
    for result in (sample_review(), located(sample_review()), big_review(2_000)):
        assert render_json_bytes(result) == _orjson(result)


def test_the_same_bytes_as_orjson_whatever_the_strings_hold() -> None:
    result = sample_review()
    awkward = replace(
        result,
        findings=[_awkward(f, i) for i, f in enumerate(result.findings)],
        suppressed=[_awkward(f, i) for i, f in enumerate(result.suppressed)],
        changes=[_entry(c, i) for i, c in enumerate(result.changes)],
        drift=[_entry(c, i) for i, c in enumerate([*result.changes, *result.drift])],
        label=AWKWARD,
    )
    assert len(awkward.findings) > 4
    assert awkward.changes
    assert awkward.drift
    rendered = render_json_bytes(awkward)
    assert rendered == _orjson(awkward)
    assert orjson.loads(rendered)["findings"][1]["message"].startswith(AWKWARD)


def test_empty_lists_are_written_as_orjson_writes_them() -> None:
    result = replace(sample_review(), findings=[], suppressed=[], changes=[], drift=[])
    rendered = render_json_bytes(result)
    assert rendered == _orjson(result)
    assert b'\n  "findings": [],\n  "suppressed": [],\n  "changes": [],\n  "drift": [],\n' in rendered


def test_a_lone_surrogate_is_refused_as_orjson_refuses_it() -> None:
    result = sample_review()
    broken = replace(result, findings=[replace(result.findings[0], message="half \ud800 a pair")])
    with pytest.raises(orjson.JSONEncodeError) as written:
        render_json_bytes(broken)
    with pytest.raises(orjson.JSONEncodeError) as dumped:
        _orjson(broken)
    assert str(written.value) == str(dumped.value)


def test_a_change_kind_is_written_by_its_value() -> None:
    result = sample_review()
    entry = ChangeEntry("aws_s3_bucket.a", "aws_s3_bucket", ChangeKind.NOOP)
    one = replace(result, changes=[entry])
    assert b'"change": "no-op"' in render_json_bytes(one)
    assert render_json_bytes(one) == _orjson(one)


def test_the_fingerprints_of_a_report_are_each_findings_own() -> None:
    findings = [_awkward(f, i) for i, f in enumerate(big_review(300).findings)]
    findings.append(replace(findings[0], evidence=Evidence(path="ingress.0.cidr_blocks", value=None)))
    expected = [fingerprint(f.rule_id, f.address, f.evidence.path) for f in findings]
    assert fingerprints(findings) == expected
    assert [f.fingerprint for f in findings] == expected
    assert fingerprints([]) == []


def test_references_equal_to_another_findings_remediation_and_path_or_type_and_change() -> None:
    """The runs shared between findings are kept by their values: references that are the same tuple as another
    finding's (remediation, evidence path) or (resource type, change) are still written as references."""
    result = sample_review()
    first = replace(result.findings[0], location=None)
    second = result.findings[1]
    for references in ((first.remediation, first.evidence.path), (first.resource_type, first.change.value)):
        both = replace(result, findings=[first, replace(second, references=references, location=None)])
        rendered = render_json_bytes(both)
        assert rendered == _orjson(both)
        assert orjson.loads(rendered)["findings"][1]["references"] == list(references)
