"""Paths as the repository sees them: every file a review names, moved under one prefix.

Readers record files relative to the folder they scanned (`admin.tf`); GitHub code scanning,
workflow annotations and JUnit viewers resolve paths from the repository root (`infra/admin.tf`).
`relocated` applies the scanned folder's path in the repository, once, to every location, the
suppressions' sources and the coverage lists, so that every format agrees.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace
from pathlib import PurePosixPath

from tfreview.core.findings import ChangeEntry, Finding, Review
from tfreview.core.plan import Location


def join(prefix: str, path: str) -> str:
    """`path` (relative to the scanned folder) under `prefix`; `./` and `\\` normalised away."""
    posix = path.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    if not prefix or PurePosixPath(posix).is_absolute():
        return posix
    joined = f"{prefix.strip('/')}/{posix}"
    # a module outside the scanned folder (`../../main.tf` from `examples/x`) is named from the repository
    return posixpath.normpath(joined) if "../" in posix else joined


def relocated(review: Review, prefix: str) -> Review:
    """`review` with every file path under `prefix` (the scanned folder, from the repository root)."""
    prefix = normalise_prefix(prefix)
    if not prefix:
        return review
    coverage = review.coverage
    return replace(
        review,
        findings=[_finding(f, prefix) for f in review.findings],
        suppressed=[_finding(f, prefix) for f in review.suppressed],
        changes=[_change(c, prefix) for c in review.changes],
        drift=[_change(c, prefix) for c in review.drift],
        coverage=replace(
            coverage,
            files_parsed=tuple(join(prefix, f) for f in coverage.files_parsed),
            files_skipped=tuple((join(prefix, f), why) for f, why in coverage.files_skipped),
        ),
    )


def normalise_prefix(prefix: str) -> str:
    posix = prefix.replace("\\", "/").strip()
    while posix.startswith("./"):
        posix = posix[2:]
    posix = posix.strip("/")
    return "" if posix in ("", ".") else posix


def _location(location: Location | None, prefix: str) -> Location | None:
    if location is None:
        return None
    return replace(location, file=join(prefix, location.file))


def _finding(finding: Finding, prefix: str) -> Finding:
    why = finding.suppressed
    if why is not None and why.by == "inline":
        why = replace(why, source=join(prefix, why.source))
    return replace(finding, location=_location(finding.location, prefix), suppressed=why)


def _change(change: ChangeEntry, prefix: str) -> ChangeEntry:
    return replace(change, location=_location(change.location, prefix))
