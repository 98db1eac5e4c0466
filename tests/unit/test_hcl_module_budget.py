"""One `tfreview scan DIR` reads a bounded number of module instances (ADR 0414): a legitimate tree calling two
children per level, 20 levels deep, is 2^20 instances; past the bound further module calls are not followed and
each root's coverage says which, once. Each root reads at most 1,000, and at most its fair share of the scan's
4,000, so one root cannot starve the others (ADR 0421)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfreview.cli import main
from tfreview.parsing.hcl_configuration import read_configuration
from tfreview.parsing.hcl_read_budget import MAX_MODULE_INSTANCES, MAX_SCAN_MODULE_INSTANCES, ModuleBudget
from tfreview.parsing.source_tree import MappingReader
from tfreview.scan_roots import fair_share

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
    return [note for note in notes if "module instances not followed" in note]


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
        f"root . reads at most {MAX_MODULE_INSTANCES} module instances, the bound of one root; the resources in "
        "them and the modules they call are not reviewed"
    )
    assert notes[0].startswith(f"{notes[0].split()[0]} module instances not followed (module.a.")
    addresses = {finding["address"] for finding in first["findings"]}
    assert "aws_s3_bucket.b" in addresses
    assert "module.a.aws_s3_bucket.b" in addresses
    # the folder past the depth bound is reviewed as a root, with its own share: its calls are all followed
    later = report["roots"][1:]
    assert later
    assert all(_budget_notes(root["coverage"]["notes"]) == [] for root in later)


def test_the_note_counts_every_instance_left_out_and_names_the_first_and_last() -> None:
    sources = {"main.tf": 'module "c" {\n  source = "./m"\n  count = 3\n}\n' + BUCKET, "m/main.tf": BUCKET}
    configuration = read_configuration(MappingReader(sources), ModuleBudget(limit=1))
    assert "module.c[0].aws_s3_bucket.b" in configuration.resources
    assert "module.c[1].aws_s3_bucket.b" not in configuration.resources
    assert configuration.notes == [
        "2 module instances not followed (module.c[1] to module.c[2]): one review reads at most 1 module instances; "
        "the resources in them and the modules they call are not reviewed"
    ]


def test_a_tree_within_the_bound_is_read_whole_and_says_nothing() -> None:
    sources = {"main.tf": TWO_CALLS, "m/main.tf": BUCKET}
    budget = ModuleBudget(limit=2)
    configuration = read_configuration(MappingReader(sources), budget)
    assert {"module.a.aws_s3_bucket.b", "module.b.aws_s3_bucket.b"} <= set(configuration.resources)
    assert configuration.notes == []
    assert budget.used == 2


def test_a_root_that_exhausts_its_bound_leaves_the_other_roots_their_share(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fan-out root read first (path order) used to take the whole scan's budget: the roots after it followed
    no module call, and a public bucket in their modules passed."""
    (tmp_path / "a_fan").mkdir()
    _fan_out(tmp_path / "a_fan", 20)
    for name in ("b_app", "c_app"):
        (tmp_path / name / "modules" / "store").mkdir(parents=True)
        (tmp_path / name / "main.tf").write_text('module "store" {\n  source = "./modules/store"\n  count = 3\n}\n')
        (tmp_path / name / "modules" / "store" / "main.tf").write_text(
            'resource "aws_s3_bucket" "public" {\n  bucket = "p"\n  acl    = "public-read"\n}\n'
        )
    code = main(["scan", "-o", "json", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 1, captured.err
    roots = {root["root"]: root for root in json.loads(captured.out)["roots"]}
    fan_notes = _budget_notes(roots["a_fan"]["coverage"]["notes"])
    assert len(fan_notes) == 1
    assert "root a_fan reads at most 1000 module instances" in fan_notes[0]
    for name in ("b_app", "c_app"):
        assert _budget_notes(roots[name]["coverage"]["notes"]) == []
        public = {f["address"] for f in roots[name]["findings"] if "public" in f["address"]}
        assert public == {f"module.store[{i}].aws_s3_bucket.public" for i in range(3)}


def test_each_root_is_sure_of_an_equal_part_and_may_use_what_the_others_leave() -> None:
    assert fair_share("a", MAX_SCAN_MODULE_INSTANCES, 2).limit == MAX_MODULE_INSTANCES
    many = fair_share("envs/x", MAX_SCAN_MODULE_INSTANCES, 250)  # 16 kept for each of the 249 after it
    assert many.limit == MAX_SCAN_MODULE_INSTANCES - 249 * (MAX_SCAN_MODULE_INSTANCES // 250)
    assert many.describe() == (
        f"root envs/x reads at most {many.limit} module instances: what is left of the "
        f"{MAX_SCAN_MODULE_INSTANCES} one scan reads ({MAX_SCAN_MODULE_INSTANCES}), less 16 kept for each of the "
        "249 roots after it"
    )
    assert fair_share("last", 37, 1).limit == 37  # the last root may use all that is left
    assert fair_share("z", 0, 1).limit == 0
    assert fair_share("z", -5, 3).limit == 0


def test_roots_that_all_fan_out_share_the_scan_equally(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = [f"r{i}" for i in range(5)]
    for name in names:
        (tmp_path / name).mkdir()
        _fan_out(tmp_path / name, 12)  # 2^12 module instances each
    code = main(["scan", "--soft-fail", "-o", "json", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    report = json.loads(captured.out)
    share = MAX_SCAN_MODULE_INSTANCES // len(names)
    for root in report["roots"]:
        if root["root"] not in names:
            continue  # a folder past the depth bound, reviewed as a root: the scan has nothing left for it
        notes = _budget_notes(root["coverage"]["notes"])
        assert len(notes) == 1, root["root"]
        assert f"root {root['root']} reads at most {share} module instances: what is left of the " in notes[0]
    assert [r["root"] for r in report["roots"]][: len(names)] == names
