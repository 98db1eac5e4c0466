"""review20a: `tfreview scan --base REF DIR` reads the base from git as the head is read from disk.

- `git ls-tree` prints a name it must quote (not ASCII, a quote, a backslash, a tab, a newline) as a C string
  (`"infra/r\\303\\251seau.tf"`): that did not end in `.tf`, so the base file was passed over in silence and every
  finding in it read as *introduced* by a change that did not touch it.
- A `.tf` symbolic link committed to the repository was read at the base as its target's path (`../mods/x.tf`
  parsed as HCL: "unexpected '../mods/x.tf'", exit 2) while the head followed it. Now it is followed inside the
  revision's tree; out of it, looping or broken it is not read, and said so, as on disk.

Run as a real process on a real repository.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BUCKET = 'resource "aws_s3_bucket" "{name}" {{\n  bucket = "{name}"\n  acl    = "public-read"\n}}\n'
_ENV = {**os.environ, "TFREVIEW_LOG_FORMAT": "text", "NO_COLOR": "1"}
_GIT_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        check=True,
        capture_output=True,
        env=_GIT_ENV,
    )


def _scan(*argv: str) -> tuple[int, dict[str, object], str]:
    done = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", "-o", "json", *argv],
        capture_output=True,
        timeout=300,
        check=False,
        env=_ENV,
    )
    report = json.loads(done.stdout) if done.stdout.strip() else {}
    return done.returncode, report, done.stderr.decode()


def _statuses(report: dict[str, object]) -> dict[tuple[str, str], str]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return {(f["rule_id"], f["address"]): f["status"] for f in findings}


NAMES = ["réseau.tf", 'a"q.tf', "back\\slash.tf", "tab\tname.tf", "new\nline.tf", "plain.tf"]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q", ".")
    (tmp_path / "infra").mkdir()
    for index, name in enumerate(NAMES):
        (tmp_path / "infra" / name).write_text(BUCKET.format(name=f"b{index}"))
    (tmp_path / "infra" / os.fsdecode(b"latin\xe9.tf")).write_text(BUCKET.format(name="latin"))  # not UTF-8
    return tmp_path


def test_base_files_whose_names_git_quotes_are_read(repo: Path) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    with (repo / "infra" / "plain.tf").open("a") as stream:
        stream.write("# touched\n")
    code, report, err = _scan("--base", "HEAD", str(repo / "infra"))
    assert code == 0, err  # nothing introduced: the change only adds a comment
    statuses = _statuses(report)
    addresses = {address for _, address in statuses}
    assert addresses == {f"aws_s3_bucket.b{i}" for i in range(len(NAMES))} | {"aws_s3_bucket.latin"}
    assert set(statuses.values()) == {"existing"}


def test_a_committed_symbolic_link_is_followed_in_the_base_as_on_disk(repo: Path) -> None:
    (repo / "mods").mkdir()
    (repo / "mods" / "real.tf").write_text(BUCKET.format(name="linked"))
    (repo / "infra" / "link.tf").symlink_to("../mods/real.tf")
    (repo / "infra" / "loop.tf").symlink_to("loop.tf")
    (repo / "infra" / "dangling.tf").symlink_to("../mods/gone.tf")
    (repo / "infra" / "outside.tf").symlink_to("../../outside.tf")  # past the repository's top
    (repo.parent / "outside.tf").write_text(BUCKET.format(name="outside"))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    code, report, err = _scan("--base", "HEAD", "--allow-parse-errors", str(repo / "infra"))
    assert code == 0, err
    statuses = _statuses(report)
    assert statuses[("TFR-AWS-001", "aws_s3_bucket.linked")] == "existing"
    assert ("TFR-AWS-001", "aws_s3_bucket.outside") not in statuses
    coverage = report["coverage"]
    assert isinstance(coverage, dict)
    skipped = {entry["file"]: entry["reason"] for entry in coverage["files_skipped"]}
    assert len(skipped) == len(coverage["files_skipped"])  # one entry a file, its base's reason in it
    assert skipped["infra/outside.tf"] == "a symbolic link to a file outside the repository; not read; in base too"
    assert skipped["infra/loop.tf"] == "a symbolic link that loops; not read; in base too"
    assert skipped["infra/dangling.tf"] == (
        "a broken symbolic link (to ../mods/gone.tf); not read; in base: a broken symbolic link; not read"
    )
    assert not [reason for reason in skipped.values() if "unexpected" in reason]  # no link's target read as HCL
