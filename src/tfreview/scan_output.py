"""Where `tfreview scan` writes its reports: each format to its file or to stdout, whole or not at all."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from tfreview.core.errors import InputError


def emit(args: argparse.Namespace, formats: list[str], files: list[str], text_of: Callable[[str, bool], str]) -> None:
    """Each -o format to its --output-file (or stdout); colour only on a terminal."""
    for index, fmt in enumerate(formats):
        target = files[index] if index < len(files) else "-"
        color = target == "-" and sys.stdout.isatty() and not args.no_color and not os.environ.get("NO_COLOR")
        text = text_of(fmt, color)
        if target == "-":
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        else:
            write_whole(Path(target), text)
    sys.stdout.flush()


def write_whole(path: Path, text: str) -> None:
    """Write whole or not at all: a temporary file renamed into place."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror}", path=str(path)) from None
