"""The files a change review could not read, one entry per file (`Coverage.files_skipped`).

A review of a change reads two sides: a file it cannot read at head is `(file, reason)`, in base
`(file, "in base: reason")`. A file unread on both sides is still one file not reviewed: listed twice it was
counted twice ("2 files could not be parsed and were not reviewed: main.tf (…); main.tf (in base: …)").

    >>> one_per_file([("main.tf", "line 3: x"), ("main.tf", "in base: line 3: x"), ("b.tf", "in base: y")])
    [('main.tf', 'line 3: x; in base too'), ('b.tf', 'in base: y')]
    >>> one_per_file([("main.tf", "in base: line 2: y"), ("main.tf", "line 3: x")])
    [('main.tf', 'line 3: x; in base: line 2: y')]
"""

from __future__ import annotations

from collections.abc import Iterable

IN_BASE = "in base: "


def one_per_file(skipped: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """`skipped` (file, reason) with one entry per file, in the order the files first come: the head's reasons
    first, then the base's ("in base: …"), a base reason the head's already says written "in base too"."""
    reasons: dict[str, list[str]] = {}
    for file, reason in skipped:
        found = reasons.setdefault(file, [])
        if reason not in found:
            found.append(reason)
    return [(file, _joined(found)) for file, found in reasons.items()]


def _joined(reasons: list[str]) -> str:
    head = [reason for reason in reasons if not reason.startswith(IN_BASE)]
    base = [reason.removeprefix(IN_BASE) for reason in reasons if reason.startswith(IN_BASE)]
    if not head or not base:
        return "; ".join(reasons)
    if base == head:
        return "; ".join(head) + "; in base too"
    return "; ".join(head) + "; " + "; ".join(IN_BASE + reason for reason in base)
