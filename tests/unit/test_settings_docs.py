"""The settings reference is generated from the settings model; it must be up to date (make docs)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "generate_settings_docs.py"


def test_settings_reference_is_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("generate_settings_docs", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.render()
    assert module.TARGET.read_text(encoding="utf-8") == text, "run: make docs"
    for variable in (
        "TFREVIEW_DATABASE__URL",
        "TFREVIEW_GITHUB_APP__PRIVATE_KEYS",
        "TFREVIEW_ADVISOR__NAME",
        "TFREVIEW_SPACELIFT_API__API_KEY_SECRET",
        "TFREVIEW_WORKER__LEASE_SECONDS",
    ):
        assert f"`{variable}`" in text
