"""A plan's bytes are parsed as read: seeing whether the file is empty copies nothing (issue 13, ADR 0692).

`terraform show -json` ends its document with a newline, and `bytes.strip()` returns the same object only when
there is nothing to strip: every real plan was copied whole (and the copy dropped at once) before orjson read it,
18.6 MB of fresh pages for the generated 10,000-resource plan, ~4,500 page faults and ~10 ms. The copy is freed
before orjson allocates (~12 times the document), so tracemalloc's peak does not show it; the pages a scan touches
do: a `tfreview scan` process of a plan with a newline after it against the same plan without, each in its own
process (page faults of a process are counted by the kernel, the same from run to run within a few).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tfreview.core.errors import InputError
from tfreview.parsing.plan_json import parse_json
from tfreview.submit import read_plan

PLAN = Path(__file__).parent.parent / "data" / "plans" / "tfjson__actions__plan.json"
_PADDING = 8 << 20  # bytes of a variable's value: a plan of ~8 MiB, a copy of it ~2,050 pages


def _scan_faults(plan: Path, tmp_path: Path) -> int:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt
    subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", str(plan), "-o", "json", "--output-file", str(tmp_path / "r.json")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt - before


@pytest.mark.parametrize("ending", ["\n", "\r\n", " \n\n"])
def test_a_plan_ending_in_white_space_is_scanned_without_a_copy_of_its_bytes(ending: str, tmp_path: Path) -> None:
    document = json.loads(PLAN.read_text())
    document["variables"] = {"padding": {"value": "x" * _PADDING}}
    text = json.dumps(document)
    bare, ended = tmp_path / "bare.json", tmp_path / "ended.json"
    bare.write_text(text)
    ended.write_text(text + ending)
    faults = _scan_faults(ended, tmp_path) - _scan_faults(bare, tmp_path)
    assert faults < _PADDING // 4096 // 4  # a copy of the plan touched ~2,050 pages more


@pytest.mark.parametrize("data", [b"", b" ", b"\n", b"\r\n\t \x0b\x0c"])
def test_a_file_of_white_space_alone_is_still_empty(data: bytes, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="the file is empty; expected the JSON of `terraform show -json PLANFILE`"):
        parse_json(data, "plan.json")
    (tmp_path / "plan.json").write_bytes(data)
    with pytest.raises(InputError, match="empty file; expected the output of `terraform show -json PLANFILE`"):
        read_plan(str(tmp_path / "plan.json"))


@pytest.mark.parametrize("data", [b"\x00", b"\n\x85", b"\xa0", b"\x1c"])
def test_a_file_of_other_bytes_is_not_called_empty(data: bytes, tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        parse_json(data, "plan.json")
    assert "empty" not in str(raised.value)
    (tmp_path / "plan.json").write_bytes(data)
    with pytest.raises(InputError) as raised:
        read_plan(str(tmp_path / "plan.json"))
    assert "empty" not in str(raised.value)
