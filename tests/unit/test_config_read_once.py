"""`tfreview scan` finds and reads the repository's `.tfreview.toml` once (issue 8: it was up to three times).

Counted with an audit hook on `open` (no patching): every open of the file by the process is seen."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tfreview.cli import main

_opened: list[str] = []
_watching: dict[str, str] = {}


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and _watching and str(args[0]) == _watching.get("path"):
        _opened.append(str(args[0]))


sys.addaudithook(_hook)


def test_scan_with_an_advisor_reads_the_repository_settings_once(tmp_path: Path, capsys: Any) -> None:
    (tmp_path / ".git").mkdir()
    config = tmp_path / ".tfreview.toml"
    config.write_text('[rules]\ndisable = ["TFR-AWS-017"]\n\n[advisor]\nname = "builtin"\n')
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    _watching["path"] = str(config.resolve())
    try:
        code = main(["scan", str(tmp_path), "--soft-fail", "-o", "json"])
    finally:
        _watching.clear()
    assert code == 0
    assert '"source": "builtin"' in capsys.readouterr().out  # the [advisor] table was honoured
    assert len(_opened) == 1
