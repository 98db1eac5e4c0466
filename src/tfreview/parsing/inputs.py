"""Choose the reader for what the user points at: a plan JSON file, stdin, or a directory of `.tf` files."""

from __future__ import annotations

import codecs
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from tfreview.core.errors import InputError
from tfreview.core.plan import ChangeSet
from tfreview.core.unicode_text import scrub
from tfreview.parsing.plan_look_alikes import quoted_start

_MAX_PLAN_BYTES = 2 * 1024 * 1024 * 1024  # 2 GiB: larger is not a plan we can hold in memory


_SNIFF_BYTES = 64 * 1024
_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_JSON_STARTS = frozenset(b'{["-0123456789tfn')


def read_bytes(path: str) -> bytes:
    """The bytes of a plan file (read at once), `-` (stdin), a pipe (`<(terraform show -json …)`) or a device
    (read in pieces): at most 2 GiB, and refused at the first 64 KiB when they cannot begin a JSON document (a
    zero-filled sparse file, /dev/zero, a binary) instead of reading all of it first."""
    if path == "-":
        if sys.stdin is None:  # `<&-`: was an internal error's AttributeError
            raise InputError("standard input is closed", path=path)
        return _read_stream(sys.stdin.buffer, path)
    file = Path(path)
    if not file.exists():
        raise InputError("no such file or directory", path=path)
    info = file.stat()
    if info.st_size > _MAX_PLAN_BYTES:
        raise InputError("file is larger than 2 GiB; not a plan tfreview can review in memory", path=path)
    try:
        with file.open("rb") as stream:
            return _read_file(stream, path, info.st_size) if stat.S_ISREG(info.st_mode) else _read_stream(stream, path)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None


def _read_file(stream: BinaryIO, path: str, size: int) -> bytes:
    """A regular file of `size` bytes (as measured): sniffed as `_read_stream` does, then read whole into one
    buffer of the file's size. Read in 16 MiB pieces and joined, a 20 MB plan cost 20 ms CPU (fresh pages for the
    pieces and for the join) against 3 ms read at once (issue 13). A file that has grown since it was measured
    (still being written, or a /proc file, sized 0) reads its remainder in pieces, bounded as a pipe's are."""
    data = stream.read(_SNIFF_BYTES)
    if len(data) == _SNIFF_BYTES:  # else the whole file: a regular file reads short only at its end
        _sniff(data, path)
        stream.seek(0)
        data = stream.read(size + 1)  # one buffer of the measured size; the extra byte tells a file grown since
        if len(data) > size:
            return _read_rest(stream, path, data)
    return data


def _read_stream(stream: BinaryIO, path: str) -> bytes:
    first = stream.read(_SNIFF_BYTES)
    if len(first) == _SNIFF_BYTES:
        _sniff(first, path)
    return _read_rest(stream, path, first)


def _read_rest(stream: BinaryIO, path: str, first: bytes) -> bytes:
    """`first` and the rest of the stream, read in 16 MiB pieces: InputError once they pass 2 GiB."""
    pieces, size = [first], len(first)
    if size > _MAX_PLAN_BYTES:
        raise InputError("more than 2 GiB; not a plan tfreview can review in memory", path=path)
    while first:
        first = stream.read(16 * 1024 * 1024)
        size += len(first)
        if size > _MAX_PLAN_BYTES:
            raise InputError("more than 2 GiB; not a plan tfreview can review in memory", path=path)
        pieces.append(first)
    return b"".join(pieces)


def _sniff(head: bytes, path: str) -> None:
    """InputError unless `head` (a full first piece) can begin JSON text in UTF-8, UTF-16 or UTF-32."""
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    start = head.lstrip(b" \t\r\n\x00")
    if not start:
        raise InputError(
            "not JSON: the first 64 KiB are NUL bytes or blanks (a zero-filled or sparse file?)", path=path
        )
    if start[0] not in _JSON_STARTS:
        raise InputError(
            f"not JSON (starts with {quoted_start(start.decode('utf-8', 'backslashreplace'))}); expected the JSON of "
            "`terraform show -json PLANFILE`",
            path=path,
        )


def load_change_set(
    path: str, *, base: str | None = None, source: str | None = None, keep: list[object] | None = None
) -> ChangeSet:
    """A plan file (or `-`) or an HCL directory; `base` makes an HCL change; `source` enriches a plan. `keep`
    receives a plan's parsed document, for a process that leaves without freeing it (cli, ADR 0315)."""
    target = Path(path)
    if path != "-" and target.is_dir():
        from tfreview.parsing.hcl import load_change, load_directory

        return load_change(base, target) if base is not None else load_directory(target)
    if base is not None:
        raise InputError(
            "--base compares two Terraform directories; PATH must be a directory, not a plan file", path=path
        )
    from tfreview.parsing.plan_json import parse_json, plan_from_document

    label = "stdin" if path == "-" else scrub(path)
    document = parse_json(read_bytes(path), label)
    if keep is not None:
        keep.append(document)
    change_set = plan_from_document(document, label)
    if source is not None:
        from tfreview.parsing.enrich import enrich_plan

        change_set = enrich_plan(change_set, source)
    return change_set
