"""S5, review16a: the link check ran on the path after the file was opened. A file that was a symbolic link out of
the repository when it was opened, and a plain file inside it by the time the check looked (swapped in between),
was read: the check saw the plain file, the read took the open descriptor, the file outside. Now the file checked is
the file opened (same device and inode), or it is not read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tfreview.parsing import source_tree
from tfreview.parsing.source_tree import DirectoryReader

CANARY = "review16a-swap-canary-3b9e"


def test_a_link_out_swapped_for_a_file_after_the_open_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    secret = tmp_path / "elsewhere" / "secret.auto.tfvars"
    secret.parent.mkdir()
    secret.write_text(f'token = "{CANARY}"\n')
    swapped = repo / "secret.auto.tfvars"
    swapped.symlink_to(secret)
    real_open = os.open

    def open_then_swap(path: object, flags: int, *args: object) -> int:
        descriptor = real_open(path, flags, *args)  # type: ignore[arg-type]
        if Path(str(path)) == swapped:  # the attacker wins the race: the link becomes a plain file in the tree
            swapped.unlink()
            swapped.write_text('token = "harmless"\n')
        return descriptor

    monkeypatch.setattr(source_tree.os, "open", open_then_swap)
    found = DirectoryReader(repo).read_dir("")
    assert CANARY not in repr(found)
    assert found.texts == {}
    assert found.unreadable == [("secret.auto.tfvars", "changed while it was read; not read")]


def test_a_plain_file_and_a_link_inside_the_repository_still_read(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "common").mkdir()
    (repo / "common" / "shared.tf").write_text("locals {\n  a = 1\n}\n")
    (repo / "main.tf").write_text("locals {\n  b = 2\n}\n")
    (repo / "shared.tf").symlink_to("common/shared.tf")
    assert sorted(DirectoryReader(repo).read_dir("").texts) == ["main.tf", "shared.tf"]


def test_a_link_to_a_folder_outside_lists_nothing_of_it(tmp_path: Path) -> None:
    """A module `source = "./linked"` whose folder is a link out of the repository: its files were refused one by
    one, each named in the report — the listing of a folder elsewhere on the runner. Now the folder is refused."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / f"{CANARY}.tf").write_text("locals {\n  a = 1\n}\n")
    (repo / "linked").symlink_to(elsewhere, target_is_directory=True)
    found = DirectoryReader(repo).read_dir("linked")
    assert CANARY not in repr(found)
    assert found.unreadable == [("linked", "a symbolic link to a folder outside the repository; not read")]
