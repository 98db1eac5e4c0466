"""One `tfreview scan DIR` reads a bounded number of module instances, all roots and levels together (ADR 0414):
a legitimate tree calling two children per level, 20 levels deep, is 2^20 instances; past the bound further
module calls are not followed and each root's coverage says which, once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfreview.cli import main
from tfreview.parsing.hcl_configuration import MAX_MODULE_INSTANCES, ModuleBudget, read_configuration
from tfreview.parsing.source_tree import MappingReader

BUCKET = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'
TWO_CALLS = 'module "a" {\n  source = "./m"\n}\nmodule "b" {\n  source = "./m"\n}\n'


def _fan_out(root: Path, levels: int) -> None:
    directory = root
    for _ in range(levels):
        (directory / "m").mkdir()
        (directory / "main.tf").write_text(TWO_CALLS + BUCKET)
        directory = directory / "m"
    (directory / "main.tf").write_text(BUCKET)


def _budget_notes(notes: list[str]) -> list[str]:
    return [note for note in notes if "one scan reads at most" in note]


def test_a_fan_out_tree_twenty_levels_deep_ends_with_a_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fan_out(tmp_path, 20)
    code = main(["scan", "--soft-fail", "-o", "json", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    report = json.loads(captured.out)
    first = report["roots"][0]
    assert first["root"] == "."
    notes = _budget_notes(first["coverage"]["notes"])
    assert len(notes) == 1  # once per root, not once per call left out
    assert notes[0].endswith(
        f"one scan reads at most {MAX_MODULE_INSTANCES} module instances; the resources in them and the modules "
        "they call are not reviewed"
    )
    assert notes[0].startswith(f"{notes[0].split()[0]} module instances not followed (module.a.")
    addresses = {finding["address"] for finding in first["findings"]}
    assert "aws_s3_bucket.b" in addresses
    assert "module.a.aws_s3_bucket.b" in addresses
    # the budget is for the whole scan: a root reviewed later follows no module call at all
    later = [root for root in report["roots"][1:] if _budget_notes(root["coverage"]["notes"])]
    assert later
    assert all(
        _budget_notes(root["coverage"]["notes"])[0].startswith("2 module instances not followed (module.a to module.b)")
        for root in later
    )


def test_the_note_counts_every_instance_left_out_and_names_the_first_and_last() -> None:
    sources = {"main.tf": 'module "c" {\n  source = "./m"\n  count = 3\n}\n' + BUCKET, "m/main.tf": BUCKET}
    configuration = read_configuration(MappingReader(sources), ModuleBudget(limit=1))
    assert "module.c[0].aws_s3_bucket.b" in configuration.resources
    assert "module.c[1].aws_s3_bucket.b" not in configuration.resources
    assert configuration.notes == [
        "2 module instances not followed (module.c[1] to module.c[2]): one scan reads at most 1 module instances; "
        "the resources in them and the modules they call are not reviewed"
    ]


def test_a_tree_within_the_bound_is_read_whole_and_says_nothing() -> None:
    sources = {"main.tf": TWO_CALLS, "m/main.tf": BUCKET}
    budget = ModuleBudget(limit=2)
    configuration = read_configuration(MappingReader(sources), budget)
    assert {"module.a.aws_s3_bucket.b", "module.b.aws_s3_bucket.b"} <= set(configuration.resources)
    assert configuration.notes == []
    assert budget.used == 2
