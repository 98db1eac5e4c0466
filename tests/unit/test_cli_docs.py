"""The CLI reference is generated from the parser; it must be up to date (run scripts/generate_cli_docs.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "generate_cli_docs.py"


def test_cli_reference_is_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("generate_cli_docs", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.TARGET.read_text(encoding="utf-8") == module.render(), "run: make docs"
