"""The methods the standard library's `dataclasses` writes for tfreview's records, compiled once per install.

`@dataclass` writes each class's `__init__`, `__repr__`, `__eq__`, `__hash__`, `__setattr__`… as source text and
compiles it (`exec(text, module globals, namespace)`) in every process that defines the class: for the ~40 records
a plan scan imports that compiling was ~100 M instructions of the ~290 M its imports cost (ADR 0468). The code
compiled from a text depends only on that text and the interpreter, so it is kept, as Python keeps bytecode, in
`tfreview/__pycache__/records.<cache tag>.marshal` (the text → its code object) and reused: `install` gives the
`dataclasses` module an `exec` that looks the text up first. What runs is the very code `exec` of the text gives
(compiled with the same flags: none inherited, no `from __future__`), so the classes are the same.

Only texts compiled for tfreview's own modules are kept. The file is a cache, never a source: a missing, foreign
(another interpreter's magic number), damaged (its entries' CRC-32 or length not the header's) or unreadable one is
ignored. It is written where Python writes bytecode (not with `PYTHONDONTWRITEBYTECODE`, not on a read-only
install) by a process that compiled something new, at its exit, atomically; `python -m tfreview.rules` writes it
whatever PYTHONDONTWRITEBYTECODE says, after loading every rule and what a scan imports (the Makefile's `bytecode`
step, an image build).
"""

from __future__ import annotations

import atexit
import builtins
import marshal
import sys
import zlib
from pathlib import Path
from types import CodeType
from typing import Any

from tfreview.plumbing.cache_files import write_cache_file

_FORMAT = 2  # bump when what the file holds changes
# the file: this header, then the marshalled entries. `marshal.loads` trusts its input — a damaged file (one byte
# off, a torn copy) raised SystemError or crashed the interpreter (SIGSEGV) in every process that read it, so the
# entries are read only once their length and CRC-32 match the header's, and only by the interpreter that wrote them
_HEADER = b"tfreview-records"
_MAX_ENTRIES = 4096  # past this a save keeps only what its process used (texts of records since changed go)
_OWN = "tfreview."  # the modules whose records' texts are kept
# The scan's cache holds what a scan defines (~310 texts, 0.4 MB); the service's every module's (~1,300 texts,
# 1.5 MB: read in ~6 ms, which a scan would pay for nothing), for the service commands, `serve` and `worker`
# (ADR 0668)
SCAN_RECORDS = "records"
SERVICE_RECORDS = "service-records"


class RecordCode:
    """Source text → code object, read from `path` on first use and written back when new texts were compiled."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._code: dict[str, CodeType] | None = None  # None: not read yet
        self._new: dict[str, CodeType] = {}
        self._used: set[str] = set()
        self._exit_save = False

    def exec(self, source: Any, globals: Any = None, locals: Any = None, /) -> None:
        """`exec(source, globals, locals)` as `dataclasses` calls it, with the code of a text compiled for a tfreview
        module taken from the cache (compiled and kept when it is not there). A text is compiled here, never by
        `builtins.exec`, which would add this module's `from __future__` flags to what `dataclasses` compiles."""
        if type(source) is str:
            if type(globals) is dict and str(globals.get("__name__", "")).startswith(_OWN):
                source = self.code(source)
            else:
                source = compile(source, "<string>", "exec", dont_inherit=True)
        builtins.exec(source, globals, locals)

    def code(self, text: str) -> CodeType:
        """The code `exec(text)` compiles, from the cache when it holds it."""
        known = self._read()
        code = known.get(text)
        if code is None:
            code = self._new.get(text)
        if code is None:
            # as exec compiles a text: file "<string>", no future flags of this module, the interpreter's -O level
            code = compile(text, "<string>", "exec", dont_inherit=True)
            self._new[text] = code
            if not self._exit_save and not sys.dont_write_bytecode:
                self._exit_save = True
                atexit.register(self.save)
        self._used.add(text)
        return code

    def save(self, *, force: bool = False) -> bool:
        """Write what this process compiled beside what the file held (or `force`: whatever there is), where Python
        may write bytecode (or `force`); never fail. True when written."""
        if not (self._new or force) or self.path is None or (sys.dont_write_bytecode and not force):
            return False
        known = self._read()
        if len(known) + len(self._new) > _MAX_ENTRIES:
            known = {text: code for text, code in known.items() if text in self._used}
        entries = {**known, **self._new}
        body = marshal.dumps(entries)
        document = _header(len(body), zlib.crc32(body)) + body
        if not write_cache_file(self.path, document, self.path.parent.parent):
            return False  # a read-only install: the records are compiled each time, as without the cache
        self._code = entries
        self._new = {}
        return True

    def _read(self) -> dict[str, CodeType]:
        if self._code is None:
            self._code = _read(self.path)
        return self._code


def _read(path: Path | None) -> dict[str, CodeType]:
    if path is None:
        return {}
    try:
        document = path.read_bytes()
    except OSError:
        return {}
    size = len(document) - len(_header(0, 0))
    body = document[-size:] if size > 0 else b""
    if size <= 0 or document[:-size] != _header(size, zlib.crc32(body)):
        return {}  # another format, another interpreter's bytecode, or a damaged file: never given to marshal
    try:
        entries = marshal.loads(body)
    except Exception:  # a cache: whatever else marshal makes of the bytes, the records are compiled instead
        return {}
    if type(entries) is not dict:
        return {}
    return {text: code for text, code in entries.items() if type(text) is str and type(code) is CodeType}


def _header(size: int, crc: int) -> bytes:
    """What the file starts with: its format, the interpreter's magic number, the entries' length and CRC-32."""
    return _HEADER + bytes([_FORMAT]) + _magic() + size.to_bytes(8, "big") + crc.to_bytes(4, "big")


def _magic() -> bytes:
    """The interpreter's bytecode magic number: code marshalled by another interpreter is not read."""
    from importlib.util import MAGIC_NUMBER  # here: `tfreview --version` imports nothing it does not use

    return MAGIC_NUMBER


def cache_path(name: str = SCAN_RECORDS) -> Path | None:
    """Where the cache `name` of this install lives; None when the interpreter has no cache tag."""
    tag = sys.implementation.cache_tag
    return Path(__file__).resolve().parent.parent / "__pycache__" / f"{name}.{tag}.marshal" if tag else None


_INSTALLED: list[RecordCode] = []


def install(cache: RecordCode | None = None, *, service: bool = False) -> RecordCode:
    """Give `dataclasses` the `exec` of `cache` (by default this install's — its service cache for a `service`
    process — read when a record is first defined), once per process, and return the cache in use. Records defined
    before this are unaffected."""
    if not _INSTALLED:
        import dataclasses  # here: `tfreview --version` does not define a record

        cache = cache or RecordCode(cache_path(SERVICE_RECORDS if service else SCAN_RECORDS))
        setattr(dataclasses, "exec", cache.exec)  # noqa: B010 (shadows the builtin for that module's code only)
        _INSTALLED.append(cache)
    return _INSTALLED[0]
