"""Every high and critical finding tfreview reports on the shared plan fixtures, one line each, to judge.

    .venv/bin/python benchmarks/high_findings.py [FIXTURES_DIR]   # default: ../shared/fixtures/plans

Prints file, rule, severity, address, attribute path, evidence and message; the judgement of each
line (true or false positive) and the resulting rate are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from tfreview.core.errors import InputError
from tfreview.core.findings import Status
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.severity import Severity
from tfreview.parsing.plan_json import load_plan
from tfreview.rules import load_rules

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "plans"


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else DEFAULT
    rules = load_rules()
    by_rule: Counter[str] = Counter()
    for path in sorted(folder.glob("*.json")):
        try:
            change_set = load_plan(path.read_bytes(), path.name)
        except InputError:
            continue
        for finding in review(change_set, rules, Policy()).findings:
            if finding.status is Status.RESOLVED or finding.severity < Severity.HIGH:
                continue
            by_rule[finding.rule_id] += 1
            evidence = f"{finding.evidence.path}={finding.evidence.value}"
            print(
                f"{path.name[:60]}\t{finding.rule_id}\t{finding.severity.value}\t{finding.address}\t{evidence}\t{finding.message}"
            )
    print(
        f"{sum(by_rule.values())} high/critical findings: " + ", ".join(f"{r} {n}" for r, n in sorted(by_rule.items()))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
