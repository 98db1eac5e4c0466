"""The files a scan reads beside its input (`--config`, `--baseline`), hostile, through a real process: a device,
deep nesting, a 5,000-digit integer are one precise line and exit 2. They were exit 3 (MemoryError, RecursionError,
ValueError) or a hang on /dev/urandom (ADR 0497; found by hand after the fuzz harness's plans)."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

DEMO_PLAN = Path(__file__).resolve().parents[2] / "examples" / "demo" / "plan.json"
MEMORY = 2 * 1024**3  # bytes of address space the scan may take: /dev/zero read whole passes it


def _bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _written(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("option", "content", "words"),
    [
        ("--config", "/dev/zero", "larger than 1 MiB; not a .tfreview.toml"),
        ("--config", "/dev/urandom", "larger than 1 MiB; not a .tfreview.toml"),
        ("--baseline", "/dev/zero", "larger than 256 MiB; not a tfreview baseline"),
        ("--config", "a = " + "[" * 100_000 + "]" * 100_000 + "\n", "not valid TOML: nested too deeply"),
        ("--config", "fail_on = " + "9" * 5000 + "\n", "not valid TOML: Exceeds the limit (4300 digits)"),
        ("--baseline", '{"version": 1, "findings": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ],
)
def test_a_hostile_config_or_baseline_is_one_line_and_exit_2(
    tmp_path: Path, option: str, content: str, words: str
) -> None:
    target = content if content.startswith("/dev/") else _written(tmp_path, "side-file", content)
    answer = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", str(DEMO_PLAN), option, target, "-o", "json"],
        capture_output=True,
        check=False,
        timeout=120,
        preexec_fn=_bounded,
    )
    stderr = answer.stderr.decode()
    assert answer.returncode == 2, stderr
    assert stderr.count("\n") == 1, stderr
    assert words in stderr, stderr
    assert answer.stdout == b""
