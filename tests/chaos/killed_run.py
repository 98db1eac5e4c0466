"""`python -m tests.chaos.killed_run ARGS…`: the real `tfreview ARGS…` (its own entry point, in its own process;
`--module M ARGS…` for `python -m M ARGS…`, `--code CODE` for `python -c CODE`)
that SIGKILLs itself at its Nth *write point* — a deterministic kill mid-write instead of a lucky random delay.

Write points, in the order the process reaches them, each taken just BEFORE the operation runs:
- a file opened for writing, a rename/replace, a link, an unlink, a mkdir, a chmod, a copy, a SQLite connect —
  any whose path lies under a watched directory (audit events, PEP 578);
- once such a file is open: each `write`/`writelines`/`flush`/`truncate`/`close`/`__exit__` on a file under
  a watched directory or opened from a descriptor (`os.fdopen`), and each `os.fsync` and `os.writev` (profile
  `c_call` events);
- with KILL_SQL=1, once a SQLite database under a watched directory is connected: each `execute*`/`commit`
  on a SQLite connection or cursor (every statement a migration runs).

Environment: KILL_WATCH (directories, `os.pathsep`-separated), KILL_AT (the 0-based point to die at; absent or
-1: never), KILL_POINTS_FILE (a count run writes the points it reached there, one a line, at exit).
"""

from __future__ import annotations

import atexit
import os
import signal
import sqlite3
import sys
import threading
from types import FrameType
from typing import Any

_WATCH = tuple(os.path.abspath(d) + os.sep for d in os.environ.get("KILL_WATCH", "").split(os.pathsep) if d)
_AT = int(os.environ.get("KILL_AT", "-1"))
_POINTS_FILE = os.environ.get("KILL_POINTS_FILE")
_SQL = os.environ.get("KILL_SQL") == "1"
_PATH_EVENTS = {
    "os.rename": 2,
    "os.remove": 1,
    "os.rmdir": 1,
    "os.mkdir": 1,
    "os.link": 2,
    "os.truncate": 1,
    "os.chmod": 1,
    "shutil.copyfile": 2,
    "shutil.rmtree": 1,
    "sqlite3.connect": 1,
}
_FILE_CALLS = {"write", "writelines", "flush", "truncate", "close", "__exit__"}
_SQL_CALLS = {"execute", "executemany", "executescript", "commit"}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

_reached: list[str] = []
_armed: list[bool] = []  # one entry once the profile hook is set


def _watched(path: object) -> bool:
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, str | os.PathLike) or not _WATCH:
        return False
    return (os.path.abspath(os.fspath(path)) + os.sep).startswith(_WATCH)


def _point(what: str) -> None:
    if len(_reached) == _AT:
        os.kill(os.getpid(), signal.SIGKILL)
    _reached.append(what)


def _arm() -> None:
    if not _armed:
        _armed.append(True)
        sys.setprofile(_profile)
        threading.setprofile(_profile)


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "open":
        path, mode, flags = args
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS
        )
        if writing and _watched(path):
            _point(f"open {os.path.basename(os.fspath(path))}")
            _arm()
        return
    arity = _PATH_EVENTS.get(event)
    if arity is not None and any(_watched(a) for a in args[:arity]):
        _point(f"{event} {' '.join(os.path.basename(os.fspath(a)) for a in args[:arity] if isinstance(a, str))}")
        _arm()


def _profile(frame: FrameType, event: str, arg: Any) -> None:
    if event != "c_call":
        return
    name = getattr(arg, "__name__", "")
    owner = getattr(arg, "__self__", None)
    if name in ("fsync", "writev") and getattr(owner, "__name__", "") in ("posix", "nt"):
        _point(name)  # writev: a whole file written from its pieces (ADR 0692)
    elif name in _FILE_CALLS and _watched(getattr(owner, "name", None)):
        _point(f"{name} {os.path.basename(owner.name)}")
    elif name in _FILE_CALLS and type(getattr(owner, "name", None)) is int and owner.name > 2:
        _point(f"{name} fd")  # a file `os.fdopen`ed (after a watched open: the process's own files mostly)
    elif _SQL and name in _SQL_CALLS and isinstance(owner, sqlite3.Connection | sqlite3.Cursor):
        _point(f"sqlite {name}")


def _write_points() -> None:
    if _POINTS_FILE:
        sys.setprofile(None)
        with open(_POINTS_FILE, "w", encoding="utf-8") as out:
            out.write("".join(f"{p}\n" for p in _reached))


if __name__ == "__main__":
    atexit.register(_write_points)
    sys.addaudithook(_audit)
    if sys.argv[1:2] == ["--module"]:  # `python -m MODULE ARGS…` instead of `tfreview ARGS…`
        import runpy

        sys.argv = sys.argv[2:]
        runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
        sys.exit(0)
    if sys.argv[1:2] == ["--code"]:  # `python -c CODE`
        code = sys.argv[2]
        sys.argv = ["-c"]
        exec(compile(code, "<string>", "exec"), {"__name__": "__main__"})
        sys.exit(0)
    from tfreview.cli import run

    sys.argv[0] = "tfreview"
    sys.exit(run())
