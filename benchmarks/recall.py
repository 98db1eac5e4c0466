"""Recall against Checkov, side by side on the same files (`make bench`; issue 12).

Material: every tree under `../shared/fixtures/hcl` (each `corpus/<module>`, `checkov`, `conftest`) and
every plan in `../shared/fixtures/plans`; with `--extra DIR` (repeatable) also every subfolder of DIR as one
more HCL tree, e.g. `benchmarks/heldout` (public code the project never tuned rules on; its `PROVENANCE.md`
files say where each comes from). Figures are printed for the fixtures, for each extra folder and for all
together.

* **Checkov** 3.3.30 runs once per tree (`checkov -d TREE --framework terraform`) and once per 25 plans
  (`checkov -f PLAN -f PLAN … --framework terraform_plan`, split by file afterwards), `-o json --quiet
  --compact --skip-download`; its JSON is cached in `benchmarks/out/checkov/<hcl|plan>-<name>.json` and
  reused (delete the file to run it again).
* **tfreview** runs in this process on the same material, the way `tfreview scan` does: each directory of
  a tree that holds `.tf` files is reviewed as a root module (as Checkov's `-d` reads every file), each
  plan as a plan.

A *pair* is (resource, Checkov check id). A resource is named by its file and its address without
instance keys; in HCL also without the `module.…` prefix, since the file already tells the module (a module
reviewed through two callers is one resource in its file). A module call is a resource too (ADR 0431):
Checkov's module checks name it `vpc` or `module.eks.kms`, tfreview `module.vpc` or `module.eks.module.kms`;
both become `module.<name>` in HCL (`module.eks.module.kms` in a plan). tfreview reports a pair when a finding on that
resource comes from a rule whose `references` name the check, or that subsumed such a rule's hit (its
finding's `references` then name the check too). A check is *covered* when a rule names it.

Prints the Checkov checks that fail on the material, how many tfreview covers, recall of Checkov's failed
pairs on the covered checks, and the covered checks with the most misses. `--write-data` stores the
ranking in `docs/reference/coverage.json`, from which `make docs` generates `docs/reference/coverage.md`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "checkov"
FIXTURES = ROOT.parent / "shared" / "fixtures"
DATA = ROOT / "docs" / "reference" / "coverage.json"
CHECKOV_VERSION = "3.3.30"

Pair = tuple[str, str, str]  # (file, address, check id)


@dataclass(frozen=True)
class Target:
    kind: str  # "hcl" | "plan"
    path: Path
    group: str = "fixtures"  # "fixtures", or the name of the `--extra` folder the tree comes from

    @property
    def name(self) -> str:
        prefix = self.kind if self.group == "fixtures" else f"{self.group}-{self.kind}"
        return f"{prefix}-{self.path.stem if self.kind == 'plan' else self.path.name}"


@dataclass
class Tally:
    checkov: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))  # check → resources
    names: dict[str, str] = field(default_factory=dict)  # check → Checkov's title
    tfreview: set[Pair] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)


def targets(fixtures: Path) -> list[Target]:
    hcl = fixtures / "hcl"
    trees = sorted(p for p in (hcl / "corpus").iterdir() if p.is_dir())
    trees += [p for p in (hcl / "checkov", hcl / "conftest") if p.is_dir()]
    plans = sorted((fixtures / "plans").glob("*.json"))
    return [Target("hcl", p) for p in trees] + [Target("plan", p) for p in plans]


def extra_targets(folder: Path) -> list[Target]:
    """One HCL tree per subfolder of `folder` (its Checkov results are cached as `<folder name>-hcl-<tree>`)."""
    if not folder.is_dir():
        raise SystemExit(f"--extra {folder}: not a folder")
    trees = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    return [Target("hcl", p, folder.name) for p in trees]


_INDEX = re.compile(r"\[[^\]]*\]")
_MODULE = re.compile(r"^(module\.[^.\[]+(\[[^\]]*\])?\.)+")


def address_key(address: str, *, hcl: bool) -> str:
    """`module.a.aws_s3_bucket.b["x"]` → `aws_s3_bucket.b` (HCL) or `module.a.aws_s3_bucket.b` (plan)."""
    if hcl:
        address = _MODULE.sub("", address)
    address = _INDEX.sub("", address)
    return address.removeprefix("data.") if hcl else address


def module_call_key(resource: str, *, hcl: bool) -> str:
    """Checkov's name of a module call (a module check's `resource`) as tfreview's address key (ADR 0431): the call's
    name (`vpc`), or its name through the calls that reach it (`module.eks.kms`, the `kms` call in the module that
    `module.eks` calls) → `module.kms` (HCL: the file tells the module) or `module.eks.module.kms` (plan)."""
    names = [name for name in _INDEX.sub("", resource).split(".") if name != "module"]
    if hcl:
        return f"module.{names[-1]}" if names else resource
    return ".".join(f"module.{name}" for name in names)


def is_module_check(failed: dict[str, Any]) -> bool:
    """A check of module calls (`module` blocks), whose `resource` names the call, not a resource."""
    return str(failed.get("check_class") or "").startswith("checkov.terraform.checks.module.")


# ------------------------------------------------------------------ Checkov


def checkov_report(target: Target, checkov: str | None) -> list[dict[str, Any]]:
    """Checkov's JSON reports for the target, from the cache or by running it (cached afterwards)."""
    cached = OUT / f"{target.name}.json"
    if not cached.exists() or cached.stat().st_size == 0:
        if checkov is None:
            raise SystemExit(f"no cached Checkov result {cached} and no --checkov to produce it")
        OUT.mkdir(parents=True, exist_ok=True)
        if target.kind == "hcl":
            command = [checkov, "-d", str(target.path), "--framework", "terraform"]
        else:
            command = [checkov, "-f", str(target.path), "--framework", "terraform_plan"]
        command += ["-o", "json", "--quiet", "--compact", "--skip-download", "--soft-fail"]
        result = subprocess.run(command, capture_output=True, check=False, env={**os.environ, "NO_COLOR": "1"})
        cached.write_bytes(result.stdout)
    text = cached.read_text(encoding="utf-8").strip()
    if not text:
        return []
    document = json.loads(text)
    reports = document if isinstance(document, list) else [document]
    return [r for r in reports if isinstance(r, dict) and "results" in r]


def fill_plan_cache(plans: list[Target], checkov: str, chunk: int = 25) -> None:
    """Run Checkov once per `chunk` uncached plans (`-f a -f b …`: one start-up instead of one per plan, which
    dominates on small plans) and cache each plan's failed checks apart, split by `file_abs_path`."""
    todo = [t for t in plans if t.kind == "plan" and not _cached(t)]
    OUT.mkdir(parents=True, exist_ok=True)
    for start in range(0, len(todo), chunk):
        batch = todo[start : start + chunk]
        command = [checkov, *(a for t in batch for a in ("-f", str(t.path))), "--framework", "terraform_plan"]
        command += ["-o", "json", "--quiet", "--compact", "--skip-download", "--soft-fail"]
        result = subprocess.run(command, capture_output=True, check=False, env={**os.environ, "NO_COLOR": "1"})
        text = result.stdout.decode("utf-8", "replace").strip()
        document = json.loads(text) if text else []
        reports = document if isinstance(document, list) else [document]
        failed: dict[str, list[Any]] = {os.path.realpath(t.path): [] for t in batch}
        for report in reports:
            if isinstance(report, dict) and "results" in report:
                for check in report["results"].get("failed_checks", []):
                    failed.setdefault(os.path.realpath(str(check.get("file_abs_path") or "")), []).append(check)
        for target in batch:
            checks = failed[os.path.realpath(target.path)]
            cached = {"check_type": "terraform_plan", "results": {"failed_checks": checks}, "batched": len(batch)}
            (OUT / f"{target.name}.json").write_text(json.dumps(cached), encoding="utf-8")


def _checked_file(target: Target, failed: dict[str, Any]) -> str:
    """The file a cached HCL result names, under the tree as it is now: Checkov's `file_path` is relative to
    the `-d` folder, so a cache filled from another checkout (another worktree, another machine) still
    matches; `file_abs_path` only where `file_path` is missing."""
    relative = str(failed.get("file_path") or "").lstrip("/")
    if relative:
        return str(target.path / relative)
    return str(failed.get("file_abs_path") or "")


def checkov_failures(target: Target, reports: Iterable[dict[str, Any]]) -> Iterator[tuple[str, str, str, str]]:
    """(check id, check name, file, address key) of every failed check in the reports."""
    hcl = target.kind == "hcl"
    for report in reports:
        for failed in report["results"].get("failed_checks", []):
            resource = str(failed.get("resource") or "")
            file = os.path.realpath(_checked_file(target, failed) if hcl else target.path)
            key = module_call_key(resource, hcl=hcl) if is_module_check(failed) else address_key(resource, hcl=hcl)
            yield str(failed["check_id"]), str(failed.get("check_name") or ""), file, key


# ------------------------------------------------------------------ tfreview


def terraform_dirs(tree: Path) -> list[Path]:
    found = []
    for folder, subfolders, files in os.walk(tree):
        subfolders[:] = sorted(s for s in subfolders if not s.startswith("."))
        if any(f.endswith(".tf") for f in files):
            found.append(Path(folder))
    return found


def tfreview_pairs(target: Target, rules: list[Any], errors: list[str]) -> Iterator[Pair]:
    from tfreview.core.errors import TfreviewError
    from tfreview.core.findings import Status
    from tfreview.core.policy import Policy
    from tfreview.parsing.inputs import load_change_set
    from tfreview.service.assessment import assess

    by_id = {r.id: r for r in rules}
    roots = terraform_dirs(target.path) if target.kind == "hcl" else [target.path]
    for root in roots:
        try:
            review = assess(load_change_set(str(root)), rules, Policy(), None).review
        except TfreviewError as exc:
            errors.append(f"{root}: {exc}")
            continue
        for finding in review.findings:
            if finding.status is Status.RESOLVED:
                continue
            checks = by_id[finding.rule_id].references.checkov if finding.rule_id in by_id else ()
            # a finding that subsumed other rules' hits (one cause, one finding) carries their ids too
            checks += tuple(r for r in finding.references if r.startswith("CKV") and r not in checks)
            if target.kind == "hcl":
                if finding.location is None:
                    continue
                file = os.path.realpath(root / finding.location.file)
                key = address_key(finding.address, hcl=True)
            else:
                file, key = os.path.realpath(target.path), address_key(finding.address, hcl=False)
            for check in checks:
                yield file, key, check


# ------------------------------------------------------------------ the measure


def measure(material: list[Target], checkov: str | None) -> dict[str, Tally]:
    """One tally per group of material (the fixtures, each `--extra` folder)."""
    from tfreview.rules import load_rules

    rules = load_rules()
    tallies: dict[str, Tally] = {}
    if checkov is not None:
        fill_plan_cache(material, checkov)
    for target in material:
        tally = tallies.setdefault(target.group, Tally())
        for check, name, file, key in checkov_failures(target, checkov_report(target, checkov)):
            tally.checkov[check].add((file, key))
            tally.names.setdefault(check, name)
        tally.tfreview.update(tfreview_pairs(target, rules, tally.errors))
    return tallies


def merged(tallies: Iterable[Tally]) -> Tally:
    """The union of several groups' tallies (their files differ, so no pair is counted twice)."""
    total = Tally()
    for tally in tallies:
        for check, resources in tally.checkov.items():
            total.checkov[check].update(resources)
        for check, name in tally.names.items():
            total.names.setdefault(check, name)
        total.tfreview.update(tally.tfreview)
        total.errors.extend(tally.errors)
    return total


def summarise(tally: Tally, rules: list[Any], material: list[Target]) -> dict[str, Any]:
    covering: dict[str, list[str]] = defaultdict(list)
    for rule in rules:
        for check in rule.references.checkov:
            covering[check].append(rule.id)
    checks: list[dict[str, Any]] = []
    for check, resources in tally.checkov.items():
        found = sum(1 for file, key in resources if (file, key, check) in tally.tfreview)
        checks.append(
            {
                "check": check,
                "name": tally.names.get(check, ""),
                "failed": len(resources),
                "found": found,
                "rules": sorted(covering.get(check, [])),
            }
        )
    checks.sort(key=lambda c: (-c["failed"], c["check"]))
    covered = [c for c in checks if c["rules"]]
    pairs_covered = sum(c["failed"] for c in covered)
    found_covered = sum(c["found"] for c in covered)
    pairs_all = sum(c["failed"] for c in checks)
    extra = sum(1 for file, key, check in tally.tfreview if (file, key) not in tally.checkov.get(check, ()))
    trees = sum(1 for t in material if t.kind == "hcl")
    return {
        "checkov_version": CHECKOV_VERSION,
        "material": {"hcl_trees": trees, "plans": len(material) - trees},
        "pairs_found_not_failed_by_checkov": extra,
        "checks_failing": len(checks),
        "checks_failing_covered": len(covered),
        "checkov_ids_referenced": len(covering),
        "pairs_failed": pairs_all,
        "pairs_failed_on_covered": pairs_covered,
        "pairs_found_on_covered": found_covered,
        "recall_on_covered": round(found_covered / pairs_covered, 4) if pairs_covered else None,
        "recall_overall": round(found_covered / pairs_all, 4) if pairs_all else None,
        "checks": checks,
    }


def misses(tally: Tally, check: str) -> list[tuple[str, str]]:
    return sorted((f, k) for f, k in tally.checkov[check] if (f, k, check) not in tally.tfreview)


def report(summary: dict[str, Any], tally: Tally, top: int, material: list[Target], title: str = "material") -> str:
    trees = sum(1 for t in material if t.kind == "hcl")
    lines = [
        f"{title}: {trees} HCL trees, {len(material) - trees} plans (Checkov {CHECKOV_VERSION}, same files)",
        f"Checkov checks failing on the material: {summary['checks_failing']} "
        f"({summary['pairs_failed']} failed resource/check pairs)",
        f"covered by a tfreview rule: {summary['checks_failing_covered']} of them; "
        f"Checkov ids referenced by tfreview rules: {summary['checkov_ids_referenced']} (goal >= 300)",
        f"recall on covered checks: {summary['pairs_found_on_covered']}/{summary['pairs_failed_on_covered']} = "
        f"{summary['recall_on_covered']} (goal >= 0.95); of every failed pair: {summary['recall_overall']}",
        f"pairs tfreview reports that Checkov does not fail: {summary['pairs_found_not_failed_by_checkov']}",
    ]
    missed = [(c["failed"] - c["found"], c) for c in summary["checks"] if c["rules"] and c["found"] < c["failed"]]
    missed.sort(key=lambda m: (-m[0], m[1]["check"]))
    if missed:
        lines.append(f"covered checks with misses (top {top}):")
    for count, check in missed[:top]:
        example = ", ".join(f"{Path(f).name}:{k}" for f, k in misses(tally, check["check"])[:3])
        rules = ",".join(check["rules"])
        lines.append(f"  {check['check']:<14} {count:>4} missed of {check['failed']:<4} {rules}  e.g. {example}")
    uncovered = [c for c in summary["checks"] if not c["rules"]]
    if uncovered:
        lines.append(f"most frequent uncovered checks (top {top}):")
    for check in uncovered[:top]:
        lines.append(f"  {check['check']:<14} {check['failed']:>4}  {check['name'][:90]}")
    if tally.errors:
        lines.append(f"tfreview refused {len(tally.errors)} root(s): " + "; ".join(tally.errors[:5]))
    return "\n".join(lines)


def _cached(target: Target) -> bool:
    path = OUT / f"{target.name}.json"
    return path.is_file() and path.stat().st_size > 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=FIXTURES, help="the shared fixtures folder")
    parser.add_argument("--checkov", help="the checkov executable, to fill the cache for material not in it")
    parser.add_argument("--cached-only", action="store_true", help="skip material Checkov has no cached result for")
    parser.add_argument("--top", type=int, default=25, help="how many checks to list with misses")
    parser.add_argument("--write-data", action="store_true", help=f"write the ranking to {DATA.relative_to(ROOT)}")
    parser.add_argument(
        "--misses", help="list every missed resource of this Checkov check id (`all`: of every covered check)"
    )
    parser.add_argument(
        "--extra",
        type=Path,
        action="append",
        default=[],
        help="a folder whose every subfolder is one more HCL tree (repeatable), e.g. benchmarks/heldout",
    )
    parser.add_argument("--no-fixtures", action="store_true", help="measure only the --extra material")
    parser.add_argument(
        "--tree",
        action="append",
        default=[],
        help="keep only these --extra trees (subfolder names; repeatable): measure one batch of held-out material",
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    from tfreview.rules import load_rules

    material = [] if args.no_fixtures else targets(args.fixtures)
    for folder in args.extra:
        material += extra_targets(folder.resolve())
    if args.tree:
        unknown = set(args.tree) - {t.path.name for t in material if t.group != "fixtures"}
        if unknown:
            raise SystemExit(f"--tree: no such --extra tree: {', '.join(sorted(unknown))}")
        material = [t for t in material if t.group == "fixtures" or t.path.name in args.tree]
    if args.cached_only:
        material = [t for t in material if _cached(t)]
    tallies = measure(material, args.checkov)
    rules = load_rules()
    groups = list(tallies)
    sections = [(g, tallies[g], [t for t in material if t.group == g]) for g in groups]
    if len(groups) > 1:
        sections.append(("all together", merged(tallies.values()), material))
    summary: dict[str, Any] = {}
    by_group: dict[str, dict[str, Any]] = {}
    for title, tally, part in sections:
        summary = summarise(tally, rules, part)
        by_group[title] = {
            **summary["material"],
            **{k: summary[k] for k in ("pairs_failed_on_covered", "pairs_found_on_covered", "recall_on_covered")},
        }
        print(report(summary, tally, args.top, part, title))
        if args.misses:
            wanted = [args.misses]
            if args.misses == "all":
                wanted = sorted(c["check"] for c in summary["checks"] if c["rules"] and c["found"] < c["failed"])
            for check in wanted:
                for file, key in misses(tally, check):
                    print(f"  {check:<14} {file}  {key}" if args.misses == "all" else f"  {file}  {key}")
        print()
    if args.write_data:
        # the coverage page ranks every measured material together (the last summary printed)
        summary["by_group"] = by_group
        DATA.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {DATA.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
