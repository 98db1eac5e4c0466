"""S5: a pull request's tree decides which files a `.tf` name opens. A symbolic link named `env.tf` to
`/proc/self/environ` put the scanning process's environment (the CI job's tokens) into the "could not be parsed"
reason, and so into the report and the PR comment; a link to a file elsewhere on the runner read that file; a 1 GiB
file was read whole. Now: a link that leaves the repository is not read, a file whose content is not its size
(/proc, /sys) is not read, a file past the size limit is not read — each listed as not read, the scan exits 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tfreview.parsing.source_tree import MAX_TERRAFORM_FILE_BYTES, DirectoryReader, read_regular_file

BUCKET = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl    = "public-read"\n}\n'
CANARY = "r16-supply-canary-6f1d2a"


def _repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "infra").mkdir()
    (repo / "infra" / "main.tf").write_text(BUCKET)
    return repo


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="no /proc on this system")
def test_a_link_to_the_process_environment_leaks_nothing(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    (repo / "infra" / "env.tf").symlink_to("/proc/self/environ")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TFREVIEW_")}
    result = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", "--allow-parse-errors", "-o", "json", str(repo / "infra")],
        env={**env, "R16_SUPPLY_CANARY": CANARY},
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert CANARY.encode() not in result.stdout + result.stderr
    skipped = {s["file"]: s["reason"] for s in json.loads(result.stdout)["coverage"]["files_skipped"]}
    assert skipped == {"infra/env.tf": "a symbolic link to a file outside the repository; not read"}


def test_a_link_out_of_the_repository_is_not_read_and_one_inside_is(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    secret = tmp_path / "elsewhere" / "credentials.auto.tfvars"
    secret.parent.mkdir()
    secret.write_text(f'token = "{CANARY}"\n')
    (repo / "common").mkdir()
    (repo / "common" / "providers.tf").write_text('provider "aws" {\n  region = "eu-west-1"\n}\n')
    (repo / "infra" / "credentials.auto.tfvars").symlink_to(secret)
    (repo / "infra" / "providers.tf").symlink_to("../common/providers.tf")
    found = DirectoryReader(repo / "infra").read_dir("")
    assert sorted(found.texts) == ["main.tf", "providers.tf"]
    assert found.unreadable == [
        ("credentials.auto.tfvars", "a symbolic link to a file outside the repository; not read")
    ]
    assert CANARY not in repr(found)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="no /proc on this system")
def test_a_file_whose_content_is_not_its_size_is_not_read() -> None:
    assert read_regular_file(Path("/proc/self/environ")) == (
        "not an ordinary file (its content is not its size, as in /proc or /sys); not read"
    )


def test_a_file_past_the_size_limit_is_not_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.tf"
    with huge.open("wb") as sink:
        sink.truncate(MAX_TERRAFORM_FILE_BYTES + 1)  # sparse: nothing written, nothing read
    assert read_regular_file(huge) == f"larger than {MAX_TERRAFORM_FILE_BYTES // 1024 // 1024} MiB; not read"
    small = tmp_path / "small.tf"
    small.write_text(BUCKET)
    assert read_regular_file(small, limit=10) == "larger than 10 bytes; not read"
    assert read_regular_file(small) == BUCKET.encode()
