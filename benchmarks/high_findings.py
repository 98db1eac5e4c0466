"""Every high and critical finding tfreview reports on the shared fixtures, one line each, judged.

    .venv/bin/python benchmarks/high_findings.py [FIXTURES_DIR]   # default: ../shared/fixtures

Reviews every plan of FIXTURES_DIR/plans and every Terraform root under FIXTURES_DIR/hcl (Checkov's and
conftest's example trees, and the `examples/*` roots of the public module corpus, which call the modules
around them), with the whole rule library. Prints one line per high/critical finding: source, rule,
severity, address, evidence, message and the judgement recorded for it in
benchmarks/high_findings_judgements.tsv (TP / FP with the reason, or `?` when not judged yet), then
the false-positive rate over the judged findings.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from tfreview.core.errors import InputError
from tfreview.core.findings import Finding, Status
from tfreview.core.plan import ChangeSet
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.severity import Severity
from tfreview.parsing.hcl import load_directory
from tfreview.parsing.plan_json import load_plan
from tfreview.rules import load_rules

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
JUDGEMENTS = Path(__file__).with_name("high_findings_judgements.tsv")
Key = tuple[str, str, str, str]  # source, rule id, address, evidence path


def sources(folder: Path) -> Iterator[tuple[str, ChangeSet]]:
    for path in sorted((folder / "plans").glob("*.json")):
        try:
            yield f"plans/{path.name}", load_plan(path.read_bytes(), path.name)
        except InputError:
            continue
    roots = {p.parent for p in (folder / "hcl").rglob("*.tf")}
    for root in sorted(roots):
        relative = root.relative_to(folder)
        parts = relative.parts
        if parts[1] == "corpus" and "examples" not in parts:
            continue  # a module of the corpus: reviewed through the examples that call it
        try:
            yield str(relative), load_directory(root)
        except InputError:
            continue


def judgements() -> dict[Key, tuple[str, str]]:
    if not JUDGEMENTS.exists():
        return {}
    with JUDGEMENTS.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return {(r[0], r[1], r[2], r[3]): (r[4], r[5] if len(r) > 5 else "") for r in rows if len(r) >= 5}


def high_findings(folder: Path) -> Iterator[tuple[str, Finding]]:
    rules = load_rules()
    for source, change_set in sources(folder):
        for finding in review(change_set, rules, Policy()).findings:
            if finding.status is not Status.RESOLVED and finding.severity >= Severity.HIGH:
                yield source, finding


def _one_line(text: str) -> str:
    return " ".join(text.split())


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else DEFAULT
    judged = judgements()
    by_rule: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    for source, finding in high_findings(folder):
        key = (source, finding.rule_id, finding.address, finding.evidence.path)
        verdict, reason = judged.get(key, ("?", ""))
        by_rule[finding.rule_id] += 1
        verdicts[verdict] += 1
        evidence = _one_line(f"{finding.evidence.path}={finding.evidence.value}")[:160]
        print("\t".join((*key[:3], finding.severity.value, evidence, _one_line(finding.message), verdict, reason)))
    total = sum(by_rule.values())
    print(f"{total} high/critical findings: " + ", ".join(f"{r} {n}" for r, n in sorted(by_rule.items())))
    done = verdicts["TP"] + verdicts["FP"]
    rate = f"{100 * verdicts['FP'] / done:.1f} %" if done else "n/a"
    print(
        f"judged {done} of {total}: {verdicts['TP']} true, {verdicts['FP']} false positives ({rate}); "
        f"{verdicts['?']} not judged"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
