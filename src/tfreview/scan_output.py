"""Where `tfreview scan` writes its reports: each format to its file or to stdout, whole or not at all."""

from __future__ import annotations

import argparse
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path

from tfreview.core.errors import InputError


def emit(
    args: argparse.Namespace,
    formats: list[str],
    files: list[str],
    text_of: Callable[[str, bool], str],
    *,
    bytes_of: Callable[[str, bool], bytes] | None = None,
) -> None:
    """Each -o format to its --output-file (or stdout); colour only on a terminal. `bytes_of`, when given, makes
    a file's content straight as bytes (no decoding and encoding again of a report of many MB)."""
    to_stdout = False
    for index, fmt in enumerate(formats):
        target = files[index] if index < len(files) else "-"
        if target != "-":  # stdout is not touched: it may be closed (`>&-`, sys.stdout None) when all go to files
            write_whole(Path(target), bytes_of(fmt, False) if bytes_of is not None else text_of(fmt, False))
            continue
        color = sys.stdout.isatty() and not args.no_color and not os.environ.get("NO_COLOR")
        text = text_of(fmt, color)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        to_stdout = True
    if to_stdout:
        sys.stdout.flush()


def write_whole(path: Path, content: str | bytes) -> None:
    """Write whole or not at all: a temporary file renamed into place. A path that is not a file to replace (a
    pipe such as a process substitution's `/dev/fd/63`, `/dev/stdout`, a FIFO, a device) is written as it is:
    renaming over it would fail, or replace the FIFO or device node with a file."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if _stream(path):
        try:
            with path.open("wb") as out:
                out.write(data)
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror}", path=str(path)) from None
        return
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror}", path=str(path)) from None


def _stream(path: Path) -> bool:
    """`path` names an existing stream or device rather than a file to replace."""
    if str(path).startswith(("/dev/", "/proc/")):
        return True
    try:
        return not stat.S_ISREG(path.stat().st_mode)  # follows links: what is written to
    except (OSError, ValueError):
        return False  # absent (the usual case: a new file), or a name the OS refuses: the rename reports it
