"""The stored-review codec (ports.review_codec, docs/adr/0250): exact round trip, the old shape, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.rule_examples import change_set_of, examples_of
from tfreview.core.blast import BlastRadius
from tfreview.core.errors import InputError, TfreviewError
from tfreview.core.findings import Advice, ChangeEntry, Concern, Evidence, Finding, Review, Status, Suppressed, Verdict
from tfreview.core.plan import ChangeKind, Coverage, Location
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.severity import Severity
from tfreview.core.usage import AdviceUsage, Omission
from tfreview.parsing.inputs import load_change_set
from tfreview.plumbing.hashing import canonical_json
from tfreview.ports.review_codec import (
    VERSION,
    decode,
    encode,
    finding_keys,
    report_document,
    report_json,
    version_of,
)
from tfreview.render.json_report import review_document
from tfreview.render.stored_report import review_from_report
from tfreview.rules import load_rules

DATA = Path(__file__).resolve().parents[1] / "data"
RULES = load_rules()
PLANS = sorted((DATA / "plans").rglob("*.json")) + sorted((DATA / "spacelift").rglob("*.json"))


def _stored(document: dict[str, Any]) -> Any:
    """The document as a store gives it back: its canonical text, parsed again."""
    return json.loads(canonical_json(document))


def _check(result: Review) -> None:
    document = encode(result)
    assert document["v"] == VERSION
    assert decode(document) == result
    assert decode(_stored(document)) == result
    # the API's report field and the JSON download: what the stored JSON report read back used to be
    assert report_document(_stored(document)) == _stored(review_document(result))
    assert json.dumps(report_document(_stored(document))) == json.dumps(_stored(review_document(result)))
    # ... and as the API sends it: the same document, keys in the same order
    assert json.dumps(json.loads(report_json(_stored(document)))) == json.dumps(report_document(_stored(document)))


def _plans() -> list[tuple[str, Review]]:
    out = []
    for path in PLANS:
        try:
            change_set = load_change_set(str(path))
        except TfreviewError:
            continue  # not a plan (a Spacelift webhook body, a deliberately broken file)
        out.append((path.name, review(change_set, RULES, Policy())))
    return out


def test_every_rule_example_round_trips_exactly() -> None:
    checked = 0
    for rule in RULES:
        for example in examples_of(rule):
            _check(review(change_set_of(example), [rule], Policy()))
            checked += 1
    assert checked > 300


def test_every_fixture_plan_round_trips_exactly() -> None:
    reviews = _plans()
    assert len(reviews) > 50
    assert sum(len(r.findings) for _, r in reviews) > 100
    assert any(c.blast for _, r in reviews for c in r.changes), "a blast radius among the fixtures"
    for _, result in reviews:
        _check(result)


def _full_review() -> Review:
    """Every optional part present: what version 0 (the JSON report) could not give back."""
    usage = AdviceUsage(
        provider="openai",
        model="gpt-4o",
        input_tokens=1200,
        output_tokens=300,
        latency_seconds=2.5,
        attempts=3,
        fallbacks_used=("anthropic/claude",),
        estimated_cost_usd=0.0125,
        prompt_version="v7",
        prompt_tokens_estimate=1100,
        omission=Omission(resources=("aws_s3_bucket.a",), by_kind={"create": 1}, facts=2, drift=1, extras=("pr_body",)),
        concerns_dropped=1,
        failures=("anthropic/claude: throttled (3 attempts)",),
    )
    finding = Finding(
        rule_id="TFR-AWS-001",
        long_id="aws-s3-public",
        title="Public bucket — ünïcode",
        severity=Severity.HIGH,
        provider="aws",
        category="exposure",
        address='module.a["x.y"].aws_s3_bucket.b[0]',
        resource_type="aws_s3_bucket",
        message="is public",
        remediation="block it\nsecond line",
        evidence=Evidence(path="acl", value=None),
        status=Status.INTRODUCED,
        change=ChangeKind.REPLACE,
        location=Location("main.tf", 3, None),
        references=("CKV_AWS_20",),
    )
    suppressed = Finding(
        rule_id="TFR-AWS-002",
        long_id="",
        title="",
        severity=Severity.LOW,
        provider="aws",
        category="",
        address="aws_iam_role.r",
        resource_type="aws_iam_role",
        message="",
        remediation="",
        evidence=Evidence(path="a.0.b", value="***"),
        status=Status.EXISTING,
        change=ChangeKind.NOOP,
        location=Location("iam.tf", 1, 9),
        suppressed=Suppressed(by="inline", reason="accepted", source="iam.tf:1", expires="2030-01-01"),
    )
    return Review(
        findings=[finding],
        suppressed=[suppressed],
        changes=[
            ChangeEntry(
                address=finding.address,
                type="aws_s3_bucket",
                kind=ChangeKind.REPLACE,
                action_reason="replace_because_cannot_update",
                replace_paths=("acl",),
                location=Location("main.tf", 3, 7),
                blast=BlastRadius(dependents=("aws_s3_object.o",), total=4, direct=1, exposed_by=("output.url",)),
            )
        ],
        drift=[ChangeEntry(address="aws_vpc.v", type="aws_vpc", kind=ChangeKind.UPDATE)],
        coverage=Coverage(
            resources_total=3,
            resources_reviewed=2,
            resources_covered=1,
            uncovered_types=("aws_vpc",),
            files_parsed=("main.tf",),
            files_skipped=(("bad.tf", "syntax error"),),
            notes=("a note",),
        ),
        verdict=Verdict.FAIL,
        fail_on=Severity.MEDIUM,
        source="plan",
        label="acme/app#7 @ 0123456789ab",
        terraform_version="1.9.0",
        diagnostics=["d"],
        notices=["n"],
        advice=Advice(
            summary="risky",
            risk=Severity.CRITICAL,
            concerns=(Concern("aws_s3_bucket.b", "exposure", "public", Severity.HIGH),),
            source="openai",
            is_llm=True,
            unavailable_reason=None,
            retry_later=True,
            usage=usage,
        ),
        counts={"findings": {"introduced": 1}, "suppressed": 1, "changes": {"replace": 1}, "drift": 1},
        fail_on_existing=True,
    )


def test_a_review_with_every_part_round_trips_where_the_json_report_lost_some() -> None:
    full = _full_review()
    _check(full)
    old = review_from_report(_stored(review_document(full)))  # version 0: what the service stored before
    assert old != full
    assert old.counts == {}
    assert old.advice is not None
    assert not old.advice.retry_later
    assert old.advice.usage is not None
    assert old.advice.usage.omission.resources == ()
    assert decode(encode(full)).advice == full.advice


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(max_size=40),
    line=st.integers(min_value=1, max_value=10**9),
    latency=st.floats(allow_nan=False, allow_infinity=False),
    tokens=st.integers(min_value=0, max_value=2**53),
    counts=st.dictionaries(st.text(max_size=8), st.integers() | st.text(max_size=8), max_size=4),
)
def test_any_text_and_number_round_trip(
    text: str, line: int, latency: float, tokens: int, counts: dict[str, Any]
) -> None:
    full = _full_review()
    finding = full.findings[0]
    changed = Finding(
        **{**_fields(finding), "message": text, "address": text, "location": Location(text, line, line + 1)}
    )
    advice = full.advice
    assert advice is not None
    assert advice.usage is not None
    usage = AdviceUsage(**{**_fields(advice.usage), "latency_seconds": latency, "input_tokens": tokens})
    result = Review(
        **{
            **_fields(full),
            "findings": [changed],
            "label": text,
            "counts": counts,
            "advice": Advice(**{**_fields(advice), "summary": text, "usage": usage}),
        }
    )
    assert decode(_stored(encode(result))) == result


def _fields(value: Any) -> dict[str, Any]:
    return {name: getattr(value, name) for name in value.__dataclass_fields__}


def test_the_json_report_stored_before_the_codec_still_reads() -> None:
    full = _full_review()
    document = _stored(review_document(full))
    assert version_of(document) == 0
    assert decode(document) == review_from_report(document)
    assert report_document(document) == document  # shown as it was stored
    assert json.dumps(json.loads(report_json(document))) == json.dumps(document)
    beyond = {**document, "terraform_version": 2**70, "label": "é"}  # what orjson cannot write; not ASCII-escaped
    assert report_json(beyond) == json.dumps(beyond, ensure_ascii=False, separators=(",", ":")).encode()
    assert [k.fingerprint for k in finding_keys(document)] == [f.fingerprint for f in full.findings]
    assert finding_keys(encode(full)) == finding_keys(document)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"v": 2, "review": {}},
            r"codec version 2; this tfreview \(.*\) reads versions 0, 1: it was written by a newer",
        ),
        ({"v": "1"}, "codec version '1', not a number"),
        ({"v": True}, "codec version True, not a number"),
        ([1, 2], "not a JSON object but list"),
        (None, "not a JSON object but NoneType"),
        ({"v": 1}, r"codec version 1\) is not valid: KeyError"),
        ({"v": 1, "review": []}, r"codec version 1\) is not valid"),
        ({"schema_version": "0"}, "schema version '0'"),
    ],
)
def test_what_cannot_be_read_is_one_precise_input_error(document: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decode(document)
    assert finding_keys(document) == [] or isinstance(document, dict)


def _damaged(draw: st.DrawFn) -> Any:
    document = _stored(encode(_full_review()))
    node: Any = document["review"]
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        if isinstance(node, dict) and node:
            node = node[draw(st.sampled_from(sorted(node)))]
        elif isinstance(node, list) and node:
            node = node[draw(st.integers(min_value=0, max_value=len(node) - 1))]
    if isinstance(node, dict) and node:
        key = draw(st.sampled_from(sorted(node)))
        if draw(st.booleans()):
            del node[key]
        else:
            node[key] = draw(
                st.none() | st.booleans() | st.integers() | st.text(max_size=5) | st.just([]) | st.just({})
            )
    return document


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_a_damaged_document_is_an_input_error_or_a_review_never_a_traceback(data: st.DataObject) -> None:
    document = data.draw(st.composite(_damaged)())
    try:
        result: Review | str = decode(document)
    except InputError as exc:
        result = str(exc)
    assert isinstance(result, Review) or result.startswith("stored review (codec version 1) is not valid: ")


def test_an_integer_beyond_64_bits_still_renders_the_same_report() -> None:
    full = _full_review()
    assert full.advice is not None
    assert full.advice.usage is not None
    usage = AdviceUsage(**{**_fields(full.advice.usage), "input_tokens": 2**70})
    _check(Review(**{**_fields(full), "advice": Advice(**{**_fields(full.advice), "usage": usage})}))
