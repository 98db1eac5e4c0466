"""review20a: `tfreview scan DIR` over trees a pull request shapes, run as a real process on real bytes.

- A local module source longer than a file name may be (`source = "./<300 characters>"`) stopped the scan with
  "internal error: OSError: [Errno 36] File name too long" (exit 3): the reader asked `is_dir()` of the folder,
  which raises on ENAMETOOLONG (and EACCES on a folder above it) instead of answering no.
- The JUnit report of several root modules was written again from the roots' own reports: a root folder's name
  went into it raw (an escape sequence and a bell are not even XML 1.0: the report did not parse, and printed
  to a CI log the ESC reached the terminal), and the roots' `&#58;:` and `#&#35;[` (ADR 0506's workflow
  commands written inert) were read back as `::` and `##[`, so a file named `x\\n::error::…` or a value
  holding `##[error]` wrote a workflow command into the CI log when the report was printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

PUBLIC = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl    = "public-read"\n}\n'
_ENV = {**os.environ, "TFREVIEW_LOG_FORMAT": "text", "NO_COLOR": "1"}


def _scan(*argv: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", *argv], capture_output=True, timeout=300, check=False, env=_ENV
    )


def _command_lines(text: str) -> list[str]:
    # a runner reads a workflow command from a line starting with `::` (blanks trimmed), and `##[` anywhere
    return [line for line in text.splitlines() if line.lstrip().startswith("::") or "##[" in line]


def test_a_module_source_longer_than_a_file_name_is_not_followed_and_said_so(tmp_path: Path) -> None:
    long_name = "m" * 300  # NAME_MAX is 255 on Linux and macOS
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.tf").write_text(f'module "long" {{\n  source = "./{long_name}"\n}}\n' + PUBLIC)
    done = _scan("-o", "text", str(tmp_path))
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "internal error" not in err
    assert "Traceback" not in err
    assert f"{long_name} (a folder that could not be read (File name too long); not read)" in err
    allowed = _scan("-o", "text", "--allow-parse-errors", str(tmp_path))
    out = allowed.stdout.decode()
    assert allowed.returncode == 1, allowed.stderr.decode()
    assert "TFR-AWS-001 aws_s3_bucket.b" in out  # the rest is reviewed
    assert "a folder that could not be read (File name too long)" in out  # and the report says what was not


def test_the_junit_report_of_several_roots_is_xml_and_writes_no_workflow_command(tmp_path: Path) -> None:
    hostile_root = "r\x1b]0;TITLE\x07\x1b[2J ::error::root"
    for folder in ("ok", hostile_root):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "main.tf").write_text(PUBLIC)
    (tmp_path / "ok" / "x\n::error title=INJECTED::file.tf").write_text("resource {\n")  # not parsable
    (tmp_path / "ok" / "tags.tf").write_text(
        'resource "aws_s3_bucket" "t" {\n  for_each = { "##[error]forged" = 1 }\n'
        '  bucket = "t"\n  acl = "public-read"\n}\n'
    )
    done = _scan("-o", "junit", "--allow-parse-errors", str(tmp_path))
    assert done.returncode == 1, done.stderr.decode()
    out = done.stdout.decode()
    tree = ET.fromstring(out)  # XML 1.0: no ESC, no BEL
    assert "\x1b" not in out
    assert "\x07" not in out
    assert _command_lines(out) == []
    names = {suite.get("name", "") for suite in tree.iter("testsuite")}
    assert "r]0;TITLE[2J ::error::root: tfreview.aws" in names  # the folder, named, without its controls
    err = tree.find("system-err")
    assert err is not None
    assert err.text is not None
    assert "\n::error title=INJECTED::file.tf: not reviewed" in err.text  # read back as it is, inert in the bytes
    for single in ("ok", hostile_root):  # each root alone was inert already
        alone = _scan("-o", "junit", "--allow-parse-errors", str(tmp_path / single)).stdout.decode()
        assert _command_lines(alone) == []
