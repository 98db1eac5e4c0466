"""S5: a pull request's tree may be deep. `tfreview scan .` over folders nested 1,100 deep (a path of ~2,200
characters, inside Linux's 4,096) stopped with "internal error: RecursionError" (exit 3): the search for root
modules recursed once per level. It now walks without recursion and reviews the deepest root like any other."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tfreview.cli import main
from tfreview.parsing.source_tree import subdirectories_with_terraform
from tfreview.parsing.terraform_roots import find_roots

BUCKET = 'resource "aws_s3_bucket" "{name}" {{\n  bucket = "{name}"\n}}\n'
DEPTH = 1_100  # past the recursion limit (1,000) that `Path.rglob` hit one frame per level


def _deep_tree(top: Path) -> str:
    """`top/d/d/…/d/deep.tf`, DEPTH folders down; built through directory descriptors (no long paths, no chdir)."""
    descriptor = os.open(top, os.O_RDONLY)
    try:
        for _level in range(DEPTH):
            os.mkdir("d", dir_fd=descriptor)
            inner = os.open("d", os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
        file = os.open("deep.tf", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=descriptor)
        os.write(file, BUCKET.format(name="deep").encode())
        os.close(file)
    finally:
        os.close(descriptor)
    return "/".join(["d"] * DEPTH)


@pytest.fixture(autouse=True)
def _flattened_after(tmp_path: Path) -> Iterator[None]:
    """The tree made shallow again after the test: pytest removes old temporary folders with a recursive
    `shutil.rmtree`, which a tree this deep would overflow in a later run."""
    yield
    current = tmp_path / "d"
    moved = 0
    while (current / "d").is_dir():
        moved += 1
        os.rename(current / "d", tmp_path / f"level-{moved}")
        current = tmp_path / f"level-{moved}"


def test_roots_are_found_at_any_depth(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(BUCKET.format(name="top"))
    deep = _deep_tree(tmp_path)
    assert find_roots(tmp_path).roots == (".", deep)
    assert subdirectories_with_terraform(tmp_path, limit=5) == [deep, "."]


def test_scan_of_a_deep_tree_reviews_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text(BUCKET.format(name="top"))
    _deep_tree(tmp_path)
    code = main(["scan", str(tmp_path), "-o", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    addresses = {change["address"] for change in json.loads(out)["changes"]}
    assert addresses == {"aws_s3_bucket.top", "aws_s3_bucket.deep"}
