"""`tfreview submit` refuses exactly the plans `scan` and the service refuse, with their words.

It checked the plan with a bare `orjson.loads`: a plan with a UTF-8 BOM, in UTF-16 (what Windows PowerShell's
`terraform show -json … > plan.json` writes), or holding a number past a double's range (Terraform writes them,
ADR 0420) was refused "not JSON; a binary plan must go through `terraform show -json`" — plans `scan` reviews and
the service accepts — and a truncated plan, or one holding NaN, was called a binary plan too."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from tfreview.core.errors import InputError
from tfreview.parsing.plan_json import load_plan
from tfreview.submit import read_plan

PLAN = Path(__file__).resolve().parents[1] / "data" / "plans" / "corpus" / "tfjson__120_basic__plan.json"


def _variants() -> dict[str, bytes]:
    plan = PLAN.read_bytes()
    return {
        "bom": codecs.BOM_UTF8 + plan,
        "utf-16": plan.decode("utf-8").encode("utf-16"),
        "past-a-double": plan.replace(b'"format_version"', b'"x": 1e999, "format_version"', 1),
        "long-integer": plan.replace(b'"format_version"', b'"x": ' + b"9" * 5000 + b', "format_version"', 1),
    }


@pytest.mark.parametrize("name", sorted(_variants()))
def test_a_plan_scan_reads_is_sent_as_it_is(tmp_path: Path, name: str) -> None:
    content = _variants()[name]
    load_plan(content, name)  # what scan and the service read
    (tmp_path / "plan.json").write_bytes(content)
    assert read_plan(str(tmp_path / "plan.json")) == content


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (PLAN.read_bytes()[:500], "the JSON ends early at line"),
        (b'{"format_version": NaN}', "`NaN` is not a JSON value"),
        (b'\xef\xbb\xbf{"a": 1,, "b": 2}', "invalid JSON at line 1, column 9"),
    ],
)
def test_a_plan_that_is_not_json_is_refused_in_scan_s_words(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "plan.json").write_bytes(content)
    with pytest.raises(InputError, match=message) as refused:
        read_plan(str(tmp_path / "plan.json"))
    assert "binary plan" not in str(refused.value)
