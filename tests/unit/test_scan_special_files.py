"""A `.tf` path that is a FIFO, socket, device, or a broken or looping link is never read and never skipped
silently (ADR 0423): it is listed as not read, like a file that is not UTF-8, so the scan exits 2 unless
--allow-parse-errors, and a FIFO with no writer never blocks the scan. Real processes, real files."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

BUCKET = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl    = "public-read"\n}\n'
REASONS = {
    "fifo.tf": "a named pipe (FIFO), not a regular file; not read",
    "socket.tf": "a socket, not a regular file; not read",
    "device.tf": "a character device, not a regular file; not read",
    "dangling.tf": "a broken symbolic link (to nowhere.tf); not read",
    "loop.tf": "a symbolic link that loops; not read",
}


def _scan(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", *args],
        capture_output=True,
        check=False,
        timeout=60,  # a FIFO read would block for ever: the timeout fails the test instead
    )


def _special_files(folder: Path) -> socket.socket:
    os.mkfifo(folder / "fifo.tf")
    (folder / "device.tf").symlink_to("/dev/zero")
    (folder / "dangling.tf").symlink_to("nowhere.tf")
    (folder / "loop.tf").symlink_to("loop.tf")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(folder / "socket.tf"))
    return listener


def test_special_files_are_listed_as_not_read_and_refused_by_default(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(BUCKET)
    with _special_files(tmp_path):
        refused = _scan(str(tmp_path))
        reviewed = _scan("--allow-parse-errors", "-o", "json", str(tmp_path))
    assert refused.returncode == 2, refused.stderr
    line = refused.stderr.decode()
    assert line.count("\n") == 1, line
    assert "5 files could not be parsed" in line, line
    assert "--allow-parse-errors" in line
    assert reviewed.returncode == 1, reviewed.stderr  # the public bucket in main.tf is reviewed
    report = json.loads(reviewed.stdout)
    skipped = {Path(s["file"]).name: s["reason"] for s in report["coverage"]["files_skipped"]}
    assert skipped == REASONS
    assert any(f["rule_id"] == "TFR-AWS-001" for f in report["findings"])


def test_a_folder_whose_only_tf_file_is_a_fifo_says_so(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "main.tf")
    answer = _scan(str(tmp_path))
    assert answer.returncode == 2, answer.stderr
    line = answer.stderr.decode()
    assert line.count("\n") == 1, line
    assert "main.tf (a named pipe (FIFO), not a regular file; not read)" in line


def test_a_module_folder_holding_a_fifo_is_read_without_blocking(tmp_path: Path) -> None:
    (tmp_path / "modules" / "store").mkdir(parents=True)
    (tmp_path / "main.tf").write_text('module "store" {\n  source = "./modules/store"\n}\n')
    (tmp_path / "modules" / "store" / "main.tf").write_text(BUCKET)
    os.mkfifo(tmp_path / "modules" / "store" / "calls.tf")  # read when looking for the roots, and by the review
    answer = _scan("--allow-parse-errors", "-o", "json", str(tmp_path))
    assert answer.returncode == 1, answer.stderr
    report = json.loads(answer.stdout)
    assert [Path(s["file"]).name for s in report["coverage"]["files_skipped"]] == ["calls.tf"]
    assert any(f["address"] == "module.store.aws_s3_bucket.b" for f in report["findings"])


def test_a_utf_16_tf_file_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(BUCKET)
    (tmp_path / "bom.tf").write_bytes(BUCKET.encode("utf-16"))
    (tmp_path / "le.tf").write_bytes(BUCKET.encode("utf-16-le"))  # no BOM: valid UTF-8, full of NULs
    (tmp_path / "binary.tf").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "zeros.tf").write_bytes(bytes(4096))
    answer = _scan("--allow-parse-errors", "-o", "json", str(tmp_path))
    assert answer.returncode == 1, answer.stderr
    skipped = {
        s["file"].rsplit("/", 1)[-1]: s["reason"] for s in json.loads(answer.stdout)["coverage"]["files_skipped"]
    }
    utf_16 = "UTF-16 text; Terraform reads .tf files as UTF-8 only"
    assert skipped == {
        "bom.tf": utf_16,
        "le.tf": utf_16,
        "binary.tf": "not UTF-8 text",
        "zeros.tf": "NUL bytes, not text",
    }
