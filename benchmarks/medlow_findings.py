"""A seeded random sample of the medium and low findings tfreview reports on the shared fixtures, judged.

    .venv/bin/python benchmarks/medlow_findings.py [FIXTURES_DIR]          # default: ../shared/fixtures
    .venv/bin/python benchmarks/medlow_findings.py --draw N [FIXTURES_DIR] # print a new sample of N (seed 16)

The material is high_findings.py's (every plan of FIXTURES_DIR/plans and every Terraform root under
FIXTURES_DIR/hcl), reviewed with the whole rule library. The sample is the list of
benchmarks/medlow_findings_judgements.tsv: drawn once with `--draw` (random.Random(16).sample over the
medium/low findings sorted by source, rule, address and evidence path), then each judged against the
resource and the provider documentation (TP / FP with the reason). A run prints, for each sampled finding,
whether tfreview still reports it, and the false-positive rate over the judged findings it still reports;
the rate "as drawn" counts every judged finding, so the two show what the fixes removed.
"""

from __future__ import annotations

import csv
import random
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from high_findings import DEFAULT, sources
from tfreview.core.findings import Finding, Status
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.severity import Severity
from tfreview.rules import load_rules

JUDGEMENTS = Path(__file__).with_name("medlow_findings_judgements.tsv")
SEED = 16
Key = tuple[str, str, str, str]  # source, rule id, address, evidence path


def medlow_findings(folder: Path) -> Iterator[tuple[Key, Finding]]:
    rules = load_rules()
    for source, change_set in sources(folder):
        for finding in review(change_set, rules, Policy()).findings:
            if finding.status is not Status.RESOLVED and finding.severity in (Severity.MEDIUM, Severity.LOW):
                yield (source, finding.rule_id, finding.address, finding.evidence.path), finding


def judgements() -> dict[Key, tuple[str, str]]:
    with JUDGEMENTS.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return {(r[0], r[1], r[2], r[3]): (r[4], r[5] if len(r) > 5 else "") for r in rows if len(r) >= 5}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _row(key: Key, finding: Finding) -> str:
    evidence = _one_line(f"{finding.evidence.path}={finding.evidence.value}")[:160]
    return "\t".join((*key, finding.severity.value, evidence, _one_line(finding.message)))


def draw(size: int, folder: Path) -> int:
    found = dict(medlow_findings(folder))
    population = sorted(found)
    for key in sorted(random.Random(SEED).sample(population, min(size, len(population)))):
        print(_row(key, found[key]))
    print(f"{min(size, len(population))} drawn of {len(population)} medium/low findings")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--draw"]:
        return draw(int(argv[1]), Path(argv[2]) if len(argv) > 2 else DEFAULT)
    folder = Path(argv[0]) if argv else DEFAULT
    judged = judgements()
    found = dict(medlow_findings(folder))
    drawn: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    for key, (verdict, reason) in sorted(judged.items()):
        drawn[verdict] += 1
        finding = found.get(key)
        if finding is not None:
            kept[verdict] += 1
            print(_row(key, finding) + f"\t{verdict}\t{reason}")
        else:
            print("\t".join((*key, "-", "-", "no longer reported", verdict, reason)))

    def rate(counts: Counter[str]) -> str:
        done = counts["TP"] + counts["FP"]
        share = f"{100 * counts['FP'] / done:.1f} %" if done else "n/a"
        return f"{done} judged: {counts['TP']} true, {counts['FP']} false positives ({share})"

    by_severity = Counter(f.severity.value for f in found.values())
    print(f"{len(found)} medium/low findings now ({', '.join(f'{s} {n}' for s, n in sorted(by_severity.items()))})")
    print(f"sample as drawn: {rate(drawn)}")
    print(f"sample still reported: {rate(kept)}; {sum(drawn.values()) - sum(kept.values())} no longer reported")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
