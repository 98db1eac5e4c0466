"""Where the scanned files sit in their repository: the prefix that makes their paths repository-relative.

The repository root is the nearest folder holding `.git` (a folder, or a file in a worktree or a
submodule); without one, the current directory stands in when the files are under it. A path is
never made absolute: outside both, only the file's name is left.
"""

from __future__ import annotations

import os
from pathlib import Path

from tfreview.core.unicode_text import scrub


def repository_root(start: Path) -> Path | None:
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def folder_prefix(folder: Path) -> str:
    """`folder`'s path from its repository root (or the current directory), '' at the root."""
    resolved = folder.resolve()
    base = _base(resolved)
    if base is None:
        return ""
    relative = Path(os.path.relpath(resolved, base)).as_posix()
    return "" if relative == "." else scrub(relative)  # a name that is not UTF-8 reads with U+FFFD (ADR 0370)


def file_path(file: Path) -> str:
    """`file`'s path from its repository root (or the current directory), else its name."""
    resolved = file.resolve()
    base = _base(resolved.parent)
    if base is None:
        return scrub(file.name)
    return scrub(Path(os.path.relpath(resolved, base)).as_posix())


def _base(folder: Path) -> Path | None:
    root = repository_root(folder)
    if root is not None:
        return root
    cwd = Path.cwd().resolve()
    return cwd if folder == cwd or cwd in folder.parents else None
