"""Change mode against a git revision: the base is read with `git ls-tree` / `git show`, never checked out."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tfreview.core.errors import InputError
from tfreview.parsing.hcl import load_change

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=tfreview", "-c", "user.email=tests@tfreview.invalid", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    infra = tmp_path / "infra"
    (infra / "modules" / "db").mkdir(parents=True)
    git(tmp_path, "init", "-q")
    (infra / "main.tf").write_text(
        'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'
        'resource "aws_s3_bucket" "old" {\n  bucket = "old"\n}\n'
        'module "db" {\n  source = "./modules/db"\n}\n'
    )
    (infra / "modules" / "db" / "main.tf").write_text(
        'resource "aws_db_instance" "main" {\n  storage_encrypted = true\n}\n'
    )
    (tmp_path / "README.md").write_text("not terraform\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    (infra / "main.tf").write_text(
        'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl = "public-read"\n}\n'
        'resource "aws_s3_bucket" "new" {\n  bucket = "new"\n}\n'
        'module "db" {\n  source = "./modules/db"\n}\n'
    )
    (infra / "modules" / "db" / "main.tf").write_text(
        'resource "aws_db_instance" "main" {\n  storage_encrypted = false\n}\n'
    )
    git(tmp_path, "commit", "-q", "-am", "head")
    return tmp_path


def test_base_as_a_git_ref(repo: Path) -> None:
    change_set = load_change("HEAD~1", repo / "infra")
    actions = {c.address: c.actions for c in change_set.changes}
    assert actions == {
        "aws_s3_bucket.b": ("update",),
        "aws_s3_bucket.new": ("create",),
        "aws_s3_bucket.old": ("delete",),
        "module.db.aws_db_instance.main": ("update",),
        "module.db": ("no-op",),  # the module call, a pseudo resource (ADR 0431): its source did not change
    }
    database = next(c for c in change_set.changes if c.address == "module.db.aws_db_instance.main")
    assert database.before == {"storage_encrypted": True}
    assert database.after == {"storage_encrypted": False}
    assert database.location is not None
    assert database.location.file == "modules/db/main.tf"


def test_same_ref_as_head_changes_nothing(repo: Path) -> None:
    change_set = load_change("HEAD", repo / "infra")
    assert {c.actions for c in change_set.changes} == {("no-op",)}


def test_base_as_a_directory(repo: Path, tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    (base / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    actions = {c.address: c.actions for c in load_change(base, repo / "infra").changes}
    assert actions["aws_s3_bucket.b"] == ("update",)
    assert actions["aws_s3_bucket.new"] == ("create",)


@pytest.mark.parametrize("ref", ["no-such-branch", "--output=/tmp/x"])
def test_unknown_ref_is_an_input_error(repo: Path, ref: str) -> None:
    with pytest.raises(InputError, match=f"unknown git ref {ref}"):
        load_change(ref, repo / "infra")


def test_ref_outside_a_repository_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    with pytest.raises(InputError, match="not in a git repository"):
        load_change("main", tmp_path)
