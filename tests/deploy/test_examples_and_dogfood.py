"""The examples call the module with what it declares, and `tfreview scan deploy/aws` reviews tfreview's own
module with no high or critical finding (dogfood: fix the module, never suppress blindly)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import hcl2
import pytest

from tests.deploy.module import MODULE, load_module, unquote

MOD = load_module()
EXAMPLES = sorted(path for path in (MODULE / "examples").iterdir() if path.is_dir())
META = {"source", "providers", "count", "for_each", "depends_on", "version"}


def test_there_are_a_minimal_and_a_disaster_recovery_example() -> None:
    assert [path.name for path in EXAMPLES] == ["minimal", "with-dr"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.name)
def test_each_example_passes_declared_variables_and_every_required_one(example: Path) -> None:
    text = (example / "main.tf").read_text(encoding="utf-8")
    document = hcl2.loads(text)
    required = {name for name, body in MOD.variables.items() if "default" not in body}
    calls = [body for block in document["module"] for body in block.values()]
    assert calls
    for call in calls:
        assert unquote(call["source"]) == "../.."
        arguments = {key for key in call if not key.startswith("__")} - META
        assert arguments <= set(MOD.variables), arguments - set(MOD.variables)
        assert required <= arguments, required - arguments
        providers = {key.removeprefix("${").removesuffix("}") for key in call["providers"]}
        assert {"aws", "aws.us_east_1", "aws.dr"} <= set(providers), providers
    for name in set(re.findall(r"\bmodule\.[a-z_]+\.([a-z_]+)", text)):
        assert name in MOD.outputs, f"{example.name}: module output {name} is not declared"


def test_tfreview_reviews_its_own_module_with_no_high_or_critical_finding() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", str(MODULE), "-o", "json", "--fail-on", "high", "--no-color"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    report = json.loads(done.stdout)
    severe = [f for f in report["findings"] if f["severity"] in ("high", "critical")]
    assert severe == []
    assert report["coverage"], "the review covered nothing"
    assert not report["diagnostics"], report["diagnostics"]
    reviewed = {finding["resource_type"] for finding in report["findings"]}
    assert reviewed  # it did review: the remaining findings are medium or low, each documented in the how-to
    for suppressed in report["suppressed"]:  # a suppression always carries its reason
        assert suppressed.get("reason"), suppressed
