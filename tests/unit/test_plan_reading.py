"""The quick reading of a plan (ADR 0584): the review's change set is the one the whole-file parse gives, on
every plan in tests/data and on every malformed input the whole-file parse has a message for, and the sections
a review does not read are left as bytes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest

from tests.plan_mutations import cases
from tfreview.core.errors import InputError
from tfreview.parsing.plan_json import parse_json, parse_plan, plan_from_document
from tfreview.parsing.plan_reading import read_sections

PLANS = sorted((Path(__file__).resolve().parents[1] / "data" / "plans").rglob("*.json"))


def _outcome(read: Any, data: bytes) -> Any:
    """The change set `read` gives, or the error message it raises."""
    try:
        return plan_from_document(read(data, "plan.json"), "plan.json")
    except InputError as exc:
        return f"error: {exc}"


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_every_plan_reads_as_the_whole_file_parse_reads_it(path: Path) -> None:
    data = path.read_bytes()
    assert _outcome(parse_plan, data) == _outcome(parse_json, data)


def _plan(**sections: Any) -> dict[str, Any]:
    change: dict[str, Any] = {"actions": ["no-op"], "before": {"bucket": "b"}, "after": {"bucket": "b"}}
    change["after_unknown"] = {}
    resource: dict[str, Any] = {"address": "module.m.aws_s3_bucket.b", "module_address": "module.m", "mode": "managed"}
    resource |= {"type": "aws_s3_bucket", "name": "b", "provider_name": "aws", "change": change}
    state = {"values": {"root_module": {"child_modules": [{"address": "module.m", "resources": [
        {"address": "module.m.aws_s3_bucket.b", "values": {"bucket": "b"}, "depends_on": ["module.m.aws_iam_role.gone"]}
    ]}]}}}  # fmt: skip
    configuration = {"root_module": {"module_calls": {"m": {"source": "./m", "module": {}}}}}
    document: dict[str, Any] = {
        "format_version": "1.2",
        "planned_values": {"root_module": {}},
        "resource_changes": [resource],
    }
    return document | {"prior_state": state, "configuration": configuration} | sections


def _bytes(document: dict[str, Any], **replaced: bytes) -> bytes:
    """`document` as JSON, each `replaced` section's value written as the raw bytes given."""
    markers = {key: f"@@{key}@@" for key in replaced}
    text = json.dumps(document | markers).encode()
    for key, raw in replaced.items():
        text = text.replace(json.dumps(markers[key]).encode(), raw)
    return text


# what the whole-file parse refuses or reads its own way, in a section the quick reading reads (resource_changes,
# prior_state) and in one it does not (planned_values)
_VALUES = {
    "NaN": b"NaN",
    "Infinity": b"[Infinity]",
    "a 400-digit integer": b"1" + b"0" * 400,
    "1e999": b"[1e999]",
    "a lone surrogate": b'"\\ud800"',
    "a lone low surrogate": b'{"address": "\\udc00"}',
    "a control character": b'"a\x01b"',
    "a bad escape": b'"\\x"',
    "invalid UTF-8": b'"\xff\xfe"',
    "an encoded surrogate": b'"\xed\xa0\x80"',
    "a leading zero": b"[01]",
    "a trailing comma": b"[1,]",
    "nesting of 1,030": b"[" * 1030 + b"]" * 1030,
    "nesting of 1,000": b"[" * 1000 + b"]" * 1000,
    "nesting of 990": b"[" * 990 + b"]" * 990,
    "duplicate keys": b'{"root_module": {}, "root_module": 1}',
    "a string": b'"x"',
}


@pytest.mark.parametrize("section", ["planned_values", "prior_state", "resource_changes", "configuration"])
@pytest.mark.parametrize("name", list(_VALUES))
def test_a_section_the_whole_file_parse_refuses_or_reads_its_way_reads_the_same(section: str, name: str) -> None:
    data = _bytes(_plan(), **{section: _VALUES[name]})
    assert _outcome(parse_plan, data) == _outcome(parse_json, data)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   ",
        b"PK\x03\x04rest",
        b'\xef\xbb\xbf{"format_version": "1.2", "resource_changes": []}',
        json.dumps({"format_version": "1.2", "resource_changes": []}).encode("utf-16"),
        b'{"format_version": "1.2", "resource_changes": []} x',
        b'{"format_version": "1.2", "resource_changes": []}{}',
        b'{"format_version": "1.2", "resource_changes": [], "format_version": "9"}',
        b'{"format_version": "1.2", "resource_changes": [] ',
        b'{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{}]}}}',
        b'{"lineage": "x", "serial": 1}',
        b"[1, 2]",
        b'{"format_version": "1.2", "resource_changes": [], "errored": true}',
        b'{"format_version": "1.2", "resource_changes": [], "stacks": {"a": 1e999}}',
        b'{"format_version": "1.2", "resource_changes": [], "prior_state": {"values": {"root_module": []}}}',
        b'{"format_version": "1.2", "resource_changes": [], "prior_state": {"values": {"root_module": {"resources":'
        b' [1, {"address": 7, "depends_on": "x"}]}}}}',
    ],
    ids=repr,
)
def test_a_document_reads_as_the_whole_file_parse_reads_it(data: bytes) -> None:
    assert _outcome(parse_plan, data) == _outcome(parse_json, data)


def test_the_sections_a_review_does_not_read_are_left_as_bytes() -> None:
    document = read_sections(_bytes(_plan(variables={"v": {"value": "x"}})))
    assert document is not None
    assert isinstance(document["planned_values"], msgspec.Raw)
    assert isinstance(document["variables"], msgspec.Raw)
    assert document["prior_state"] == {
        "values": {"root_module": {"child_modules": [{"address": "module.m", "resources": [
            {"address": "module.m.aws_s3_bucket.b", "depends_on": ["module.m.aws_iam_role.gone"]}
        ]}]}}
    }  # fmt: skip
    change_set = plan_from_document(document, "plan.json")
    assert change_set.dependencies == plan_from_document(json.loads(_bytes(_plan())), "plan.json").dependencies


def test_past_a_recursion_limit_deeper_than_orjson_reads_the_whole_file_parse_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "getrecursionlimit", lambda: 5000)
    assert read_sections(_bytes(_plan())) is None


_PROBE = """
import json, sys
from tfreview.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def test_a_scan_of_a_plan_smaller_than_the_quick_reading_pays_does_not_import_msgspec(tmp_path: Path) -> None:
    """Importing msgspec costs more CPU than it saves on a small plan (ADR 0584): `tfreview scan` of one reads it
    whole with orjson."""
    plan = tmp_path / "plan.json"
    plan.write_bytes(_bytes(_plan()))
    report = tmp_path / "report.json"
    command = [sys.executable, "-c", _PROBE, "scan", str(plan), "-o", "json", "--output-file", str(report)]
    done = subprocess.run([*command, "--soft-fail"], capture_output=True, text=True, timeout=120, check=False)
    probe = json.loads(done.stderr.strip().splitlines()[-1])
    assert probe["code"] == 0, done.stderr
    assert json.loads(report.read_text())["schema_version"] == "1"
    assert not [m for m in probe["modules"] if m.split(".")[0] == "msgspec"]


def test_every_mutated_plan_of_the_fuzz_harness_reads_as_the_whole_file_parse_reads_it() -> None:
    """The fuzz harness's mutations (cut bytes, flipped bytes, hostile values: wrong types, numbers past a
    double's range, lone surrogates, deep nesting) at each place, through both readings."""
    differing = [
        case.name for case in cases(17, 600) if _outcome(parse_plan, case.body) != _outcome(parse_json, case.body)
    ]
    assert differing == []
