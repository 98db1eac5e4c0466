"""review16a, S5 (4): a module folder the scan cannot list (no permission, as a checkout with a `chmod 000` folder or
a mount the CI user cannot read) stopped `tfreview scan` with "internal error: PermissionError" (exit 3). Now the
folder is listed as not read, as an unreadable file is: exit 2, or reviewed without it with --allow-parse-errors.
(The tests run as root, who reads any folder: the refusal is simulated where the reader lists a folder.)"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tfreview.cli import main
from tfreview.parsing import source_tree
from tfreview.parsing.source_tree import DirectoryReader

ROOT = 'module "m" {\n  source = "./mod"\n}\nresource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n'
MODULE = 'resource "aws_s3_bucket" "m" {\n  bucket = "y"\n}\n'


@pytest.fixture
def infra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "infra" / "mod").mkdir(parents=True)
    (tmp_path / "infra" / "main.tf").write_text(ROOT)
    (tmp_path / "infra" / "mod" / "m.tf").write_text(MODULE)
    listed = source_tree.listed_names

    def names(directory: Path, keep: Callable[[str], bool]) -> list[str]:
        if directory.name == "mod":
            raise PermissionError(errno.EACCES, "Permission denied", str(directory))
        return listed(directory, keep)

    monkeypatch.setattr(source_tree, "listed_names", names)
    return tmp_path / "infra"


def test_a_folder_that_cannot_be_listed_is_not_read_and_said_so(infra: Path) -> None:
    found = DirectoryReader(infra).read_dir("mod")
    assert found.texts == {}
    assert found.unreadable == [("mod", "a folder that could not be listed (Permission denied); not read")]


def test_the_scan_exits_2_naming_the_folder_and_reviews_the_rest_when_allowed(
    infra: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", str(infra)]) == 2
    err = capsys.readouterr().err
    assert "internal error" not in err
    assert "mod (a folder that could not be listed (Permission denied); not read)" in err
    assert main(["scan", str(infra), "--allow-parse-errors", "-o", "json"]) in (0, 1)
    report = json.loads(capsys.readouterr().out)
    assert {"file": "infra/mod", "reason": "a folder that could not be listed (Permission denied); not read"} in (
        report["coverage"]["files_skipped"]
    )
    assert "aws_s3_bucket.b" in {f["address"] for f in report["findings"]}


def test_a_repository_scan_names_a_folder_it_cannot_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`scan .` passed such a folder over in silence: the Terraform in it was simply not reviewed."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "main.tf").write_text(MODULE)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "main.tf").write_text(MODULE)
    scandir = os.scandir

    def refusing(path: object) -> object:
        if Path(str(path)).name == "locked":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return scandir(path)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "scandir", refusing)
    assert main(["scan", str(tmp_path)]) == 2
    assert "locked (a folder that could not be listed (Permission denied); not read)" in capsys.readouterr().err
    assert main(["scan", str(tmp_path), "--allow-parse-errors", "-o", "json"]) in (0, 1)
    notes = json.loads(capsys.readouterr().out)["coverage"]["notes"]
    assert any(
        "locked/ in the scanned folder: a folder that could not be listed (Permission denied)" in n for n in notes
    )
