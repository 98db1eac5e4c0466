"""The rule library's files read once: what each declares, and the parsed TOML of each declarative rule.

Finding which rules concern a plan reads every rule file for its `resource_types`, and loading a declarative
rule parses its TOML (examples included): tens of milliseconds per `tfreview scan`, the same every time. Both
are kept beside the bytecode, in `rules/__pycache__/library.<cache tag>.json`, and trusted as Python trusts
bytecode: a file's entry holds while its modification time (ns) and size are what they were (ADR 0290);
an entry of a file changed in the 2 s before the index is written is not written (ADR 0305).

The index is a cache, never a source: a missing, unreadable or foreign file is ignored, and the index is
written only where Python writes bytecode (not with `PYTHONDONTWRITEBYTECODE`, not on a read-only install),
atomically (a temporary file, then a rename). What it holds is exactly what parsing gives: TOML that JSON
cannot hold unchanged (dates, times, non-finite floats, integers beyond 64 bits) is parsed every time.

Like `python -m compileall`, `python -m tfreview.rules` writes it whatever
`PYTHONDONTWRITEBYTECODE` says (an image build, a benchmark).
"""

from __future__ import annotations

import math
import os
import re
import sys
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from tfreview.plumbing.cache_files import write_cache_file

_FORMAT = 2  # bump when what an entry holds changes (2: the TOML as JSON text, ADR 0469)
_INT64 = 2**63
# A file changed less than this before the index is written may change again within its timestamp's
# granularity (coarse kernel ticks, 2 s on FAT) with the same size: its entry is not written ("racy git").
_RACY_NS = 2_000_000_000


def wait_until_settled(
    base: Path, *, clock: Callable[[], int] = time.time_ns, sleep: Callable[[float], None] = time.sleep
) -> float:
    """Sleep until every rule file under `base` was last modified more than the racy window ago, so that an index
    written next holds every entry; the seconds slept (at most the window). A fresh checkout, image build or
    install writes its files moments before `python -m tfreview.rules` runs: without the wait every entry is
    too recent to be written and the index comes out empty (ADR 0305)."""
    newest = max(
        (entry.stat().st_mtime_ns for entry in base.rglob("*") if entry.suffix in (".py", ".toml")),
        default=0,
    )
    wait_ns = min(newest + _RACY_NS - clock(), _RACY_NS)
    if wait_ns <= 0:
        return 0.0
    seconds = (wait_ns + 1_000_000) / 1e9  # a millisecond past the window's end
    sleep(seconds)
    return seconds


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file parsed (errors as tomllib and the file system raise them). tomllib is imported here, when a
    file is parsed: a scan whose rules all come from the index does not import it (ADR 0469)."""
    import tomllib

    return tomllib.loads(path.read_text(encoding="utf-8"))


def index_path(base: Path) -> Path | None:
    """Where the index of the library under `base` lives; None when the interpreter has no cache tag."""
    tag = sys.implementation.cache_tag
    return base / "__pycache__" / f"library.{tag}.json" if tag else None


class LibraryIndex:
    """Per rule file (by its path under `base`): its stamp, its declared types, its parsed TOML."""

    def __init__(self, base: Path, path: Path | None) -> None:
        self._base = base
        self._path = path
        self._files: dict[str, dict[str, Any]] = _read(path)
        self._checked: dict[str, dict[str, Any]] = {}  # entries whose stamp this process has compared
        self._dirty = False

    @property
    def path(self) -> Path | None:
        return self._path

    def declared_types(self, name: str, pattern: re.Pattern[str]) -> tuple[str, ...] | None:
        """The literal `resource_types` list in the file `name` (a path under the library, `/`-separated);
        None when it is not a literal list: load the rule to know."""
        file = os.path.join(self._base, name)
        entry = self._entry(name, file)
        key = f"types:{pattern.pattern}"
        if key in entry:
            types = entry[key]
            return None if types is None else tuple(types)
        with open(file, encoding="utf-8") as source:
            found = declared_types(source.read(), pattern)
        entry[key] = None if found is None else list(found)
        self._dirty = True
        return found

    def toml(self, file: Path) -> dict[str, Any]:
        """`file` parsed as TOML: from the index while the file is unchanged, else parsed (and kept). The index
        holds each file's TOML as JSON text, read only for the files asked for: a scan loads the rules of its
        resource types, and reading every rule's document (examples included) cost more than those (ADR 0469)."""
        entry = self._entry(file.relative_to(self._base).as_posix(), file)
        text = entry.get("toml")
        if isinstance(text, str):
            try:
                data = orjson.loads(text)
            except orjson.JSONDecodeError:
                data = None  # a damaged entry: parse the file again
            if isinstance(data, dict):
                return data
        parsed = read_toml(file)
        if _plain(parsed):  # else JSON would not give it back unchanged: parse it each time
            entry["toml"] = orjson.dumps(parsed).decode()
            self._dirty = True
        return parsed

    def save(self, *, force: bool = False) -> bool:
        """Write the index if this process added to it and Python may write bytecode here (or `force`);
        never fail. True when it was written."""
        if not (self._dirty or force) or self._path is None or (sys.dont_write_bytecode and not force):
            return False
        self._dirty = False
        settled = time.time_ns() - _RACY_NS
        files = {**self._files, **{name: entry for name, entry in self._checked.items() if _settled(entry, settled)}}
        document = orjson.dumps({"format": _FORMAT, "files": files})
        # a read-only install: the library is parsed each time, as without an index
        return write_cache_file(self._path, document, self._base)

    def _entry(self, name: str, file: str | Path) -> dict[str, Any]:
        entry = self._checked.get(name)
        if entry is not None:
            return entry
        status = os.stat(file)
        stamp = [status.st_mtime_ns, status.st_size]
        entry = self._files.get(name)
        if not isinstance(entry, dict) or entry.get("stamp") != stamp:
            entry = {"stamp": stamp}
            self._dirty = True
        self._checked[name] = entry
        return entry


def _settled(entry: dict[str, Any], before_ns: int) -> bool:
    """True when the entry's file was last modified before `before_ns`: a later change shows in its stamp."""
    stamp = entry.get("stamp")
    return isinstance(stamp, list) and len(stamp) == 2 and isinstance(stamp[0], int) and stamp[0] < before_ns


@cache
def _quoted() -> re.Pattern[str]:
    return re.compile(r'"([A-Za-z0-9_]+)"')


def declared_types(text: str, pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """The names in the literal list `pattern` finds in `text`; None when it is not a literal list of names."""
    found = pattern.search(text)
    if found is None or _quoted().sub("", found.group(1)).replace(",", "").strip():
        return None  # not a literal list of names (a constant, a call): load the rule to know
    return tuple(_quoted().findall(found.group(1)))


def _read(path: Path | None) -> dict[str, dict[str, Any]]:
    if path is None:
        return {}
    try:
        document = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    if not isinstance(document, dict) or document.get("format") != _FORMAT:
        return {}
    files = document.get("files")
    return files if isinstance(files, dict) else {}


def _plain(value: Any) -> bool:
    """True when JSON gives `value` back unchanged: tables, arrays, strings, booleans, 64-bit integers and
    finite floats."""
    if isinstance(value, dict):
        return all(type(key) is str and _plain(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    if isinstance(value, (bool, str)):
        return True
    if isinstance(value, int):
        return -_INT64 <= value < _INT64
    if isinstance(value, float):
        return math.isfinite(value)
    return False
