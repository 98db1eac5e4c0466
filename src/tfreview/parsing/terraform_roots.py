"""The root modules of a repository: where `terraform plan` would be run (docs/adr/0215-root-modules.md).

A directory holding `.tf` files is a root unless another directory on disk calls it as a local module
(`source = "../modules/x"`): then it is reviewed as part of its caller, with the caller's arguments.
A directory called only from directories that are not reviewed themselves (a cycle) would be lost that
way, so the caller of `find_roots` reviews such a leftover as a root too (`unreached`).

Calls are found with a light scan of the text (`module "x" {` … `source = "…"`), not the full parser:
a repository of a thousand directories is sorted in the time it takes to read it. A mistaken call
costs nothing: the callee is then reviewed as a root, or through the caller that reads it.

    envs/prod/main.tf        module "net" { source = "../../modules/net" }   → root envs/prod
    envs/staging/main.tf     module "net" { source = "../../modules/net" }   → root envs/staging
    modules/net/main.tf      (called by both)                                → not a root
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tfreview.parsing import file_bound
from tfreview.parsing.source_tree import is_terraform_file, read_regular_file, tf_entries

_MODULE = re.compile(r'^\s*module\s+"[^"]*"\s*\{', re.MULTILINE)
_SOURCE = re.compile(r'^\s*source\s*=\s*"([^"]*)"', re.MULTILINE)
_SKIPPED_DIRECTORIES = frozenset({"node_modules"})  # and every hidden one: .terraform, .git, .github


@dataclass(frozen=True, slots=True)
class Layout:
    """The Terraform directories under a scanned folder (POSIX, relative; "." for the folder itself)."""

    directories: tuple[str, ...]
    roots: tuple[str, ...]
    callers: dict[str, tuple[str, ...]]  # directory → the directories calling it as a local module
    unlisted: tuple[tuple[str, str], ...] = ()  # folders that could not be listed (path, why): their files unread

    def unreached(self, read: Iterable[str]) -> list[str]:
        """Directories no review has read: called only from directories that are not roots (a cycle)."""
        seen = set(read)
        return [d for d in self.directories if d not in seen]


def find_roots(base: Path) -> Layout:
    """The root modules under `base` (itself included) by the rule above."""
    unlisted: list[tuple[str, str]] = []
    directories = terraform_directories(base, unlisted)
    callers: dict[str, list[str]] = {}
    for directory in directories:
        for called in local_calls(base, directory):
            if called != directory and called in directories:
                callers.setdefault(called, []).append(directory)
    roots = tuple(d for d in directories if d not in callers)
    return Layout(tuple(directories), roots, {k: tuple(v) for k, v in callers.items()}, tuple(unlisted))


def terraform_directories(base: Path, unlisted: list[tuple[str, str]] | None = None) -> list[str]:
    """Directories under `base` with at least one `.tf` file, hidden ones (`.terraform`) skipped, sorted; the
    folders that could not be listed are added to `unlisted` when given."""
    found: dict[str, None] = {}
    # hidden folders and node_modules are not entered; past MAX_SCAN_FILES, TooManyFiles before any file is read
    for path in tf_entries(base, _skipped, unlisted, at_most=file_bound.MAX_SCAN_FILES):
        if path.is_dir():
            continue  # a FIFO or device named `x.tf` counts: the review lists it as not read (ADR 0423)
        found[path.parent.relative_to(base).as_posix()] = None
    return sorted(found, key=lambda d: (d != ".", d))


def _skipped(name: str) -> bool:
    return name.startswith(".") or name in _SKIPPED_DIRECTORIES


def local_calls(base: Path, directory: str) -> set[str]:
    """The directories (relative to `base`) that `directory`'s module blocks name as local sources."""
    out: set[str] = set()
    folder = base / directory
    try:  # the `.tf` names only are kept and sorted (a folder may hold millions of other files)
        with os.scandir(folder) as entries:
            listed = sorted(folder / e.name for e in entries if e.name.endswith(".tf") and is_terraform_file(e.name))
    except OSError:  # listed a moment ago, not now: its root's review says the folder was not read
        return out
    for path in listed:
        if not path.name.endswith(".tf") or not is_terraform_file(path.name) or path.is_dir():
            continue
        data = read_regular_file(path)  # never a FIFO or device: the review notes those
        if not isinstance(data, bytes):
            continue
        text = data.decode("utf-8", errors="replace")
        for match in _MODULE.finditer(text):
            source = _SOURCE.search(text, match.end())
            if source is None or not source.group(1).startswith(("./", "../")):
                continue
            target = posixpath.normpath(posixpath.join(directory, source.group(1)))
            out.add(target)
    return out


def normalise(root: str, reldir: str) -> str:
    """A directory a review of `root` read (relative to the root) as a path relative to the scanned folder."""
    return posixpath.normpath(posixpath.join(root, reldir)) if reldir else root
