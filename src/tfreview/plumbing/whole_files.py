"""Files written whole or not at all (`scan --output-file`, `baseline`, backup manifests, exports, reports).

A temporary file beside the target, fsync'd, renamed over it, then the directory fsync'd: a process killed at
any point (SIGKILL, a power cut) leaves under the final name either the previous file or the complete new one,
never a truncated one (ADR 0519). The temporary's name is fixed per target, so a run killed before its rename
leaves at most one `.NAME.tmp`, which the next write to NAME reuses and renames away.

The temporary is opened without following a link (a `.NAME.tmp` planted as a link to another file is removed,
never written through), locked while it is written (two processes writing NAME at once each rename a whole
version, the last one wins), and given the mode of the file it replaces (a 0600 file stays 0600). A target
that is a link is written where it points: the link stays (ADR 0532). The lock is waited for at most
LOCK_WAIT_SECONDS: a writer stopped (SIGSTOP, a hung file system) while it holds it makes the others fail with a
message naming the temporary, the target unchanged, instead of hanging for ever (ADR 0542).
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

from tfreview.core.errors import InputError

# a whole write of the largest file written this way (a report, a manifest) takes well under a second; a holder
# still writing after this long is stopped or hung, and will not let go
LOCK_WAIT_SECONDS: Final = 30.0
_LOCK_POLL_SECONDS: Final = (0.001, 0.05)  # first and longest pause between tries
_IOV_MAX: Final = max(os.sysconf("SC_IOV_MAX"), 0) or 1024  # pieces one writev takes (1,024 on Linux; -1: no limit)


def write_whole(path: Path, content: str | bytes | Sequence[bytes], *, lock_wait: float = LOCK_WAIT_SECONDS) -> None:
    """Write whole or not at all: a temporary file renamed into place. A path that is not a file to replace (a
    pipe such as a process substitution's `/dev/fd/63`, `/dev/stdout`, a FIFO, a device) is written as it is:
    renaming over it would fail, or replace the FIFO or device node with a file. `content` as a sequence of
    pieces (a JSON report, ADR 0500) is written from them, never joined into one more copy (ADR 0692)."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    pieces = (content,) if isinstance(content, bytes) else content
    if _stream(path):
        try:
            with path.open("wb", buffering=0) as out:
                write_pieces(out.fileno(), pieces)
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror}", path=str(path)) from None
        return
    if path.is_symlink():
        path = Path(os.path.realpath(path))  # the link stays a link: its file gets the new bytes
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        descriptor = _locked_temporary(temporary, time.monotonic() + lock_wait)
    except _LockHeld:
        raise InputError(
            f"cannot write: another process writing this file held {temporary.name} locked through the "
            f"{lock_wait:g} s this write waited (stopped or hung?); the file is unchanged",
            path=str(path),
        ) from None
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", path=str(path)) from None
    try:
        os.ftruncate(descriptor, 0)  # what a killed run left in it
        _keep_mode(descriptor, path)
        write_pieces(descriptor, pieces)
        os.fsync(descriptor)  # the bytes are on disk before the name points at them
        os.replace(temporary, path)  # under the lock: no other writer is between its write and its rename
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror}", path=str(path)) from None
    finally:
        os.close(descriptor)  # releases the lock
    sync_directory(path.parent)


def write_pieces(
    descriptor: int,
    pieces: Sequence[bytes],
    *,
    writev: Callable[[int, list[bytes | memoryview]], int] = os.writev,
    most: int = _IOV_MAX,
) -> None:
    """Every byte of `pieces`, in order, to `descriptor`: up to `most` pieces a system call, no copy of them made;
    a short write (a signal, a pipe) goes on from the first byte it did not write. `writev`: a test's stand-in."""
    start = 0
    while start < len(pieces):
        batch: list[bytes | memoryview] = list(pieces[start : start + most])
        start += len(batch)
        total = sum(map(len, batch))
        written = writev(descriptor, batch)
        while written < total:  # short: what is left of the batch, from the first byte not written
            total -= written
            while written >= len(batch[0]):
                written -= len(batch[0])
                del batch[0]
            batch[0] = memoryview(batch[0])[written:]
            written = writev(descriptor, batch)


class _LockHeld(Exception):
    """Another writer of the same target kept the temporary locked past the deadline."""


def _locked_temporary(temporary: Path, deadline: float) -> int:
    """`temporary` opened for writing and exclusively locked, never through a link. A writer that waited for the
    lock while another renamed the file away reopens the name (the file it locked is the target now). _LockHeld
    when the lock is still taken at `deadline` (time.monotonic)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        try:
            descriptor = os.open(temporary, flags, 0o666)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            temporary.unlink(missing_ok=True)  # a link where our temporary goes: removed, never followed
            continue
        try:
            opened = os.fstat(descriptor)
            if not stat.S_ISREG(opened.st_mode):
                raise OSError(errno.EINVAL, "the temporary name is taken by something that is not a file")
            _lock(descriptor, deadline)
            now = os.stat(temporary, follow_symlinks=False)
            if (now.st_dev, now.st_ino) == (opened.st_dev, opened.st_ino):
                os.set_blocking(descriptor, True)
                return descriptor
        except FileNotFoundError:
            pass  # renamed away by the writer that held the lock
        except BaseException:
            os.close(descriptor)
            raise
        os.close(descriptor)
    raise OSError(errno.EBUSY, "the temporary file kept changing under other writers")


def _lock(descriptor: int, deadline: float) -> None:
    """An exclusive flock on `descriptor`, tried until `deadline` (a blocking flock has no timeout, and an alarm
    signal is no help off the main thread, where `serve` writes backup manifests)."""
    pause, longest = _LOCK_POLL_SECONDS
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise _LockHeld from None
            time.sleep(pause)
            pause = min(pause * 2, longest)


def _keep_mode(descriptor: int, path: Path) -> None:
    """The new file gets the permissions of the one it replaces (a new name keeps what the umask gave it)."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return
    os.fchmod(descriptor, mode)


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


def is_stream(path: Path) -> bool:
    """`path` names a stream or device (written as it is, so two writes to it are two reports on it), not a file
    that a write replaces whole."""
    return _stream(path)


def _stream(path: Path) -> bool:
    """`path` names an existing stream or device rather than a file to replace."""
    if str(path).startswith(("/dev/", "/proc/")):
        return True
    try:
        return not stat.S_ISREG(path.stat().st_mode)  # follows links: what is written to
    except (OSError, ValueError):
        return False  # absent (the usual case: a new file), or a name the OS refuses: the rename reports it
