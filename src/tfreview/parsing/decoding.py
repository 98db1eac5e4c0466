"""Bytes to text: UTF-8 with or without BOM, UTF-16 with or without BOM (Windows PowerShell writes it), UTF-32."""

from __future__ import annotations

import codecs

from tfreview.core.errors import InputError


def decode(data: bytes, path: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data, "utf-8", path, skipped=len(codecs.BOM_UTF8))
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE starts both
        return _decode(data, "utf-32", path)
    if len(data) >= 4 and data[0] != 0 and data[1:4] == b"\0\0\0":
        return _decode(data, "utf-32-le", path)
    if len(data) >= 4 and data[:3] == b"\0\0\0" and data[3] != 0:
        return _decode(data, "utf-32-be", path)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16", path)
    if len(data) >= 4 and data[1] == 0 and data[3] == 0 and data[0] != 0:
        return _decode(data, "utf-16-le", path)
    if len(data) >= 4 and data[0] == 0 and data[2] == 0 and data[1] != 0:
        return _decode(data, "utf-16-be", path)
    return _decode(data, "utf-8", path)


def _decode(data: bytes, encoding: str, path: str, *, skipped: int = 0) -> str:
    """`data[skipped:]` decoded; a byte that is not `encoding` is named by its place in `data` (the file)."""
    try:
        return data[skipped:].decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid {encoding.upper()} text (byte {skipped + exc.start}); expected the JSON of "
            "`terraform show -json`",
            path=path,
        ) from None
