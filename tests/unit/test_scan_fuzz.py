"""Fuzz from the outside (ADR 0497): mutated real plans (tests/plan_mutations.py, a fixed seed) each through a
real `tfreview scan` process in every report format. Every case ends in the review (exit 0 or 1, a whole report)
or one precise line and exit 2; never exit 3, a traceback, a hang (the timeout) or more memory than the bound.
The longer run is benchmarks/fuzz_inputs.py; the defects it found are pinned below the harness."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.plan_mutations import Case, cases
from tfreview.parsing.plan_json import load_plan
from tfreview.scan_arguments import FORMATS

SEED = 13
COUNT = 42  # seven of each format; the bound that keeps the module under a minute on a loaded 2-core machine
TIMEOUT = 60.0  # seconds: a bound against a hang, not a threshold
MEMORY = 2 * 1024**3  # bytes of address space a scan process may take
CORPUS = Path(__file__).parents[1] / "data" / "plans" / "corpus"


def _bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _scan(path: Path, report: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", str(path), "-o", report],
        capture_output=True,
        check=False,
        timeout=TIMEOUT,
        preexec_fn=_bounded,
    )


def _assert_ended_well(answer: subprocess.CompletedProcess[bytes], report: str, what: str) -> None:
    stderr = answer.stderr.decode(errors="replace")
    assert answer.returncode in (0, 1, 2), f"{what}: exit {answer.returncode}: {stderr[-2000:]}"
    assert "Traceback" not in stderr, f"{what}: {stderr[-2000:]}"
    if answer.returncode == 2:
        assert stderr.startswith("tfreview: error: "), f"{what}: {stderr!r}"
        assert stderr.count("\n") == 1, f"{what}: {stderr!r}"
        assert answer.stdout == b"", f"{what}: a refused input wrote a report"
        return
    assert stderr == "", f"{what}: {stderr!r}"
    if report in ("json", "sarif"):
        json.loads(answer.stdout)
    elif report == "junit":
        ElementTree.fromstring(answer.stdout)  # our own report, parsed to prove it whole
    else:
        assert answer.stdout.strip(), what


_CASES = list(cases(SEED, COUNT))


@pytest.mark.parametrize(("case", "report"), [(c, FORMATS[i % len(FORMATS)]) for i, c in enumerate(_CASES)])
def test_a_mutated_real_plan_is_reviewed_or_refused_in_one_line(tmp_path: Path, case: Case, report: str) -> None:
    plan = tmp_path / "plan.json"
    plan.write_bytes(case.body)
    _assert_ended_well(_scan(plan, report), report, case.name)


def test_the_harness_covers_both_ends() -> None:
    """The seed's cases are not all refused at the first byte: some are reviewed, some refused."""
    names = " ".join(case.name for case in _CASES)
    assert "cut-at-" in names, names
    assert "resource_changes." in names, names


# --- the defects the fuzz found (session 13) --------------------------------------------------------------


def _plan_with(replace_paths: object) -> bytes:
    change = {"actions": ["delete", "create"], "before": {}, "after": {}, "after_unknown": {}}
    entry = {"address": "aws_instance.a", "mode": "managed", "type": "aws_instance", "name": "a"}
    plan = {"format_version": "1.2", "resource_changes": [{**entry, "change": {**change, "replace_paths": 0}}]}
    return json.dumps(plan).replace('"replace_paths": 0', f'"replace_paths": {json.dumps(replace_paths)}').encode()


@pytest.mark.parametrize("replace_paths", [7, 2**64, True, {"ami": 1}, "ami", [["ami", {"a": 1}]], [1, ["ami"]]])
def test_a_replace_paths_that_is_not_a_list_of_paths_is_left_out(replace_paths: object) -> None:
    (change,) = load_plan(_plan_with(replace_paths), path="plan.json").changes
    assert change.replace_paths == ((("ami",),) if replace_paths == [1, ["ami"]] else ())


def test_evidence_nested_deeper_than_the_stack_shows_its_first_levels(tmp_path: Path) -> None:
    source = CORPUS / "checkov__terraform__runner__resources__plan_nested_child_modules__tfplan.json"
    document = json.loads(source.read_bytes())
    document["resource_changes"][0]["change"]["after"]["enabled_cluster_log_types"] = ["api", "DEEP"]
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(document).replace('"DEEP"', "[" * 900 + "]" * 900))
    answer = _scan(plan, "json")
    _assert_ended_well(answer, "json", "900 levels under a flagged attribute")
    address = document["resource_changes"][0]["address"]
    findings = json.loads(answer.stdout)["findings"]
    (shown,) = (f["evidence"]["value"] for f in findings if (f["address"], f["rule_id"]) == (address, "TFR-AWS-108"))
    assert shown.startswith('["api",[[[['), shown
    assert shown.endswith("[…"), shown
