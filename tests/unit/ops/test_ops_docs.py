"""The operations docs: generated references up to date, one runbook per alert (and none without one),
and every metric the code records is in the catalogue (hence documented)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

from tfreview.ops.alert_table import load_alert_table
from tfreview.ops.metric_catalogue import BY_NAME, CATALOGUE
from tfreview.ops.settings import SloSettings
from tfreview.ops.slo import service_levels

ROOT = Path(__file__).resolve().parents[3]
RUNBOOKS = ROOT / "docs" / "runbooks"
SECTIONS = ("## Detection", "## First response", "## Recovery", "## Verification")


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_ops_docs", ROOT / "scripts" / "generate_ops_docs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_references_are_up_to_date() -> None:
    module = generator()
    for path, render in module.OUTPUTS.items():
        assert path.read_text(encoding="utf-8") == render(), f"{path.name} is stale: run make docs"


def test_every_metric_is_documented() -> None:
    text = (ROOT / "docs" / "reference" / "metrics.md").read_text()
    for spec in CATALOGUE:
        assert f"| `{spec.name}` |" in text


def alert_ids() -> set[str]:
    return {rule.id for rule in load_alert_table()} | {slo.alert_id for slo in service_levels(SloSettings())}


def test_every_alert_has_a_runbook_with_the_four_parts() -> None:
    for alert_id in alert_ids():
        path = RUNBOOKS / f"{alert_id}.md"
        assert path.exists(), f"alert {alert_id} has no runbook {path.relative_to(ROOT)}"
        text = path.read_text()
        for section in SECTIONS:
            assert section in text, f"{path.name} lacks {section}"
        assert "tfreview " in text or "$URL" in text, f"{path.name} names no command of this product"


def test_no_runbook_without_an_alert() -> None:
    orphans = {p.stem for p in RUNBOOKS.glob("*.md")} - alert_ids() - {"README"}
    assert not orphans, f"runbooks without an alert: {sorted(orphans)}"


def test_the_runbook_index_lists_every_alert_by_level() -> None:
    index = (RUNBOOKS / "README.md").read_text()
    for alert_id in alert_ids():
        assert f"[{alert_id}]({alert_id}.md)" in index
    assert index.index("## Level 1") < index.index("## Level 2") < index.index("## Level 3")


def test_every_metric_named_in_the_code_is_in_the_catalogue() -> None:
    named: set[str] = set()
    for path in (ROOT / "src" / "tfreview").rglob("*.py"):
        text = path.read_text()
        named |= set(re.findall(r'\.(?:count|set|observe)\(\s*"(tfreview_[a-z0-9_]+)"', text))
        named |= set(re.findall(r'MetricFamily\(\s*"(tfreview_[a-z0-9_]+)"', text))
    suffixes = ("_bucket", "_count", "_sum")
    unknown = {
        name
        for name in named
        if name not in BY_NAME and not any(name.endswith(s) and name.removesuffix(s) in BY_NAME for s in suffixes)
    }
    assert not unknown, f"metrics recorded but not in tfreview.ops.metric_catalogue: {sorted(unknown)}"
    assert len(named) > 25  # the scan sees the recording calls
