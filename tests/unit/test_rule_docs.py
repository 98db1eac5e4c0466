"""The rule reference pages are generated, and the committed ones are up to date."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from tfreview.rules import load_rules

ROOT = Path(__file__).parents[2]
COMMITTED = ROOT / "docs" / "reference" / "rules"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_rule_docs", ROOT / "scripts" / "generate_rule_docs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_pages_are_up_to_date(tmp_path: Path) -> None:
    generator = _generator()
    assert generator.main(["--out", str(tmp_path)]) == 0
    fresh = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.md")}
    committed = {p.name: p.read_text(encoding="utf-8") for p in COMMITTED.glob("*.md")}
    hint = "run `python scripts/generate_rule_docs.py` and commit docs/reference/rules/"
    assert sorted(committed) == sorted(fresh), hint
    outdated = [name for name in fresh if committed[name] != fresh[name]]
    assert not outdated, f"{outdated}: {hint}"
    assert generator.main(["--check", "--out", str(COMMITTED)]) == 0


def test_every_rule_has_a_page_with_its_examples(tmp_path: Path) -> None:
    generator = _generator()
    pages = generator.pages(load_rules())
    for rule in load_rules():
        page = pages[f"{rule.id}.md"]
        assert rule.title in page
        assert rule.remediation.strip() in page
        assert f"[{rule.id}]({rule.id}.md)" in pages["index.md"]
        if rule.examples_file is not None:
            assert "### Flagged:" in page
            assert "### Not flagged:" in page


def test_check_reports_stale_and_extra_pages(tmp_path: Path) -> None:
    generator = _generator()
    generator.main(["--out", str(tmp_path)])
    assert generator.main(["--check", "--out", str(tmp_path)]) == 0
    (tmp_path / "TFR-GONE-999.md").write_text("old", encoding="utf-8")
    assert generator.main(["--check", "--out", str(tmp_path)]) == 1
    generator.main(["--out", str(tmp_path)])
    assert not (tmp_path / "TFR-GONE-999.md").exists()
