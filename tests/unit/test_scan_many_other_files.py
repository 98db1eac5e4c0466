"""ADR 0587 bounds the Terraform files a scan reads and calls listing the rest cheap; it was not (review17b, ADR 0604):
every entry of a root or module folder was made a `Path` and sorted — twice, once to find module calls and once to
read the folder — and the root walk kept every entry of a folder in memory. 300,000 `.txt` files beside one
`main.tf` took 17 s and 99 MB for a one-file scan (55 s of CPU profiled, 40 s of it in `sorted`); 10 million, a pull
request's say-so, most of an hour and gigabytes. Only the names a scan reads or notes are kept and sorted now."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path

from tfreview.parsing.hcl import load_directory
from tfreview.parsing.source_tree import DirectoryReader
from tfreview.parsing.terraform_roots import find_roots

OTHER_FILES = 60_000


def _peak(work: Callable[[], object]) -> int:
    """The bytes `work` holds at its peak (no timing in tests: what the old code paid was a `Path` per entry,
    sorted, and that is memory as much as CPU; the CPU figures are in benchmarks/README.md)."""
    tracemalloc.start()
    try:
        began = tracemalloc.get_traced_memory()[0]
        work()
        return tracemalloc.get_traced_memory()[1] - began
    finally:
        tracemalloc.stop()


def test_a_folder_of_many_other_files_is_listed_without_a_path_per_entry(tmp_path: Path) -> None:
    for n in range(OTHER_FILES):
        (tmp_path / f"x{n:06d}.txt").write_bytes(b"")
    (tmp_path / "main.tf").write_text('module "m" {\n  source = "./m"\n}\n', encoding="utf-8")
    (tmp_path / "zz.tofu").write_bytes(b"")
    (tmp_path / "terraform.tfvars").write_text('x = "1"\n', encoding="utf-8")

    found = DirectoryReader(tmp_path).read_dir("")
    assert sorted(found.texts) == ["main.tf", "terraform.tfvars"]  # what is read is as before
    assert found.unread == ["zz.tofu"]
    assert find_roots(tmp_path).roots == (".",)

    # 60,000 `Path`s sorted held several MB; the names a scan reads or notes, a few KB
    reading = _peak(lambda: DirectoryReader(tmp_path).read_dir(""))
    finding = _peak(lambda: find_roots(tmp_path))
    assert reading < 1_000_000, f"{reading / 1e6:.1f} MB to read a folder of three Terraform files"
    assert finding < 1_000_000, f"{finding / 1e6:.1f} MB to find the roots of a folder of three Terraform files"


def test_a_folder_of_many_other_files_is_not_held_in_memory(tmp_path: Path) -> None:
    # `load_directory`'s check for a `.tf` file globbed the folder: a list of every entry (61 MB at 300,000)
    small, large = tmp_path / "small", tmp_path / "large"
    for folder in (small, large):
        folder.mkdir()
        (folder / "main.tf").write_text('variable "x" {}\n', encoding="utf-8")
    for n in range(OTHER_FILES):
        (large / f"x{n:06d}.txt").write_bytes(b"")
    load_directory(small)  # the parser's first use (imports, caches) is not the folder's cost
    tracemalloc.start()
    try:
        began = tracemalloc.get_traced_memory()[0]
        change_set = load_directory(large)
        peak = tracemalloc.get_traced_memory()[1] - began
    finally:
        tracemalloc.stop()
    assert change_set.coverage.files_parsed == ("main.tf",)
    assert peak < 1_000_000, f"{peak / 1e6:.1f} MB for a one-file folder beside {OTHER_FILES:,} other files"
