"""Choose the reader for what the user points at: a plan JSON file, stdin, or a directory of `.tf` files."""

from __future__ import annotations

import sys
from pathlib import Path

from tfreview.core.errors import InputError
from tfreview.core.plan import ChangeSet
from tfreview.core.unicode_text import scrub

_MAX_PLAN_BYTES = 2 * 1024 * 1024 * 1024  # 2 GiB: larger is not a plan we can hold in memory


def read_bytes(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    file = Path(path)
    if not file.exists():
        raise InputError("no such file or directory", path=path)
    if file.stat().st_size > _MAX_PLAN_BYTES:
        raise InputError("file is larger than 2 GiB; not a plan tfreview can review in memory", path=path)
    try:
        return file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None


def load_change_set(
    path: str, *, base: str | None = None, source: str | None = None, keep: list[object] | None = None
) -> ChangeSet:
    """A plan file (or `-`) or an HCL directory; `base` makes an HCL change; `source` enriches a plan. `keep`
    receives a plan's parsed document, for a process that leaves without freeing it (cli, ADR 0315)."""
    target = Path(path)
    if path != "-" and target.is_dir():
        from tfreview.parsing.hcl import load_change, load_directory

        return load_change(base, target) if base is not None else load_directory(target)
    if base is not None:
        raise InputError(
            "--base compares two Terraform directories; PATH must be a directory, not a plan file", path=path
        )
    from tfreview.parsing.plan_json import parse_json, plan_from_document

    label = "stdin" if path == "-" else scrub(path)
    document = parse_json(read_bytes(path), label)
    if keep is not None:
        keep.append(document)
    change_set = plan_from_document(document, label)
    if source is not None:
        from tfreview.parsing.enrich import enrich_plan

        change_set = enrich_plan(change_set, source)
    return change_set
