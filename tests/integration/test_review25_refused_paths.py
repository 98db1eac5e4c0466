"""A path the system refuses to look up (`[Errno 36] File name too long`), given to a real `tfreview scan` as PATH,
--base, --source or --output-file: the command's input error, exit 2, in one line naming the path (cut) and the
reason — not "internal error: OSError", exit 3, with the whole 3,000-character path (review25)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.served import child_env

PLAN = Path(__file__).resolve().parents[1] / "data" / "plans" / "tfjson__actions__plan.json"
LONG = "n" * 300  # one name past NAME_MAX (255)
DEEP = "d/" * 3000  # a path past PATH_MAX (4096)


def _scan(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    folder = tmp_path / "infra"
    folder.mkdir(exist_ok=True)
    (folder / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n', encoding="utf-8")
    command = [sys.executable, "-m", "tfreview", "scan", *argv]
    env = child_env()
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(
    "argv",
    [
        [LONG],
        [DEEP],
        [str(PLAN), "--source", LONG],
        ["infra", "--base", LONG],
        ["infra", "--base", f"infra/{LONG}"],
        ["infra", "-o", "json", "--output-file", LONG],
    ],
    ids=["path", "deep-path", "source", "base", "base-inside", "output-file"],
)
def test_a_path_the_system_refuses_is_an_input_error(tmp_path: Path, argv: list[str]) -> None:
    done = _scan(tmp_path, *argv)
    assert done.returncode == 2, (done.returncode, done.stderr[:500])
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("tfreview: error: ")
    assert line.endswith("…: File name too long")
    assert len(line) < 300
    assert not any(path.name.startswith(("n" * 10, ".n")) for path in tmp_path.rglob("*"))  # nothing written
