"""Files written whole or not at all (`scan --output-file`, `baseline`, backup manifests, exports, reports).

A temporary file beside the target, fsync'd, renamed over it, then the directory fsync'd: a process killed at
any point (SIGKILL, a power cut) leaves under the final name either the previous file or the complete new one,
never a truncated one (ADR 0519). The temporary's name is fixed per target, so a run killed before its rename
leaves at most one `.NAME.tmp`, which the next write to NAME reuses and renames away.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tfreview.core.errors import InputError


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
        with temporary.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())  # the bytes are on disk before the name points at them
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror}", path=str(path)) from None
    sync_directory(path.parent)


def sync_directory(directory: Path) -> None:
    """fsync `directory`, so that a rename into it survives a power cut; a file system that cannot (some network
    and FUSE ones refuse to open a directory) is left to its own guarantees."""
    try:
        descriptor = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # EINVAL on file systems without directory fsync: the rename is as durable as they make it
    finally:
        os.close(descriptor)


def _stream(path: Path) -> bool:
    """`path` names an existing stream or device rather than a file to replace."""
    if str(path).startswith(("/dev/", "/proc/")):
        return True
    try:
        return not stat.S_ISREG(path.stat().st_mode)  # follows links: what is written to
    except (OSError, ValueError):
        return False  # absent (the usual case: a new file), or a name the OS refuses: the rename reports it
