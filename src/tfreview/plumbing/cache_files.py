"""A cache file next to the package, written whole or not at all (the rule index, the records' compiled code)."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def write_cache_file(path: Path, document: bytes, readable_as: Path) -> bool:
    """Write `document` to `path` atomically (a temporary file of this process's own, then a rename), readable as
    `readable_as` is, whatever the umask. False when it cannot be written (a read-only install): the caller then
    works without its cache, as it would have without one."""
    temporary = path.parent / f".{path.name}.{os.getpid()}.{id(document)}.tmp"  # this process's own
    try:
        path.parent.mkdir(exist_ok=True)
        mode = stat.S_IMODE(readable_as.stat().st_mode) & 0o666
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            os.fchmod(handle, mode)  # whatever the umask
            with os.fdopen(handle, "wb") as out:
                out.write(document)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        return False
    return True
