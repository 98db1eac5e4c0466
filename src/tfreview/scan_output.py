"""Where `tfreview scan` writes its reports: each format to its file or to stdout, whole or not at all."""

from __future__ import annotations

import argparse
import os
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
    """Write whole or not at all: a temporary file renamed into place."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror}", path=str(path)) from None
