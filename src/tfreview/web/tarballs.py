"""Checks on an uploaded tarball of Terraform files, before anything is stored.

Nothing is extracted to disk here; the archive is read in memory with hard limits: the gzip
stream may not expand past the upload limit (no decompression bombs) nor be followed by a second
gzip member (which the plan store's reader would inflate unchecked), members must be regular files
or directories with relative paths and no `..`, there is a cap on their number, and at least one
`.tf` / `.tf.json` file must be present.
"""

from __future__ import annotations

import io
import tarfile
import zlib
from pathlib import PurePosixPath

from tfreview.core.errors import InputError

MAX_MEMBERS = 10_000
_GZIP_MAGIC = b"\x1f\x8b"


def gunzip_bounded(data: bytes, limit: int) -> bytes:
    """Decompress a gzip stream, refusing to produce more than `limit` bytes."""
    inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise InputError(f"the gzip stream is corrupt: {exc}") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise InputError(f"the archive expands past {limit} bytes")
    if not inflater.eof:
        raise InputError("the gzip stream ends early; the upload looks truncated")
    if inflater.unused_data.strip(b"\0"):
        # A second gzip member would be skipped here but inflated, unbounded, by the plan store's reader.
        raise InputError("the upload holds data after the end of its gzip stream; send one .tar.gz")
    return out


def check_tarball(data: bytes, limit: int) -> list[str]:
    """The names of the Terraform files in a (gzipped) tar archive; InputError when it is unsafe or empty."""
    raw = gunzip_bounded(data, limit) if data[:2] == _GZIP_MAGIC else data
    names: list[str] = []
    terraform = 0
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as archive:
            for count, member in enumerate(archive, start=1):
                if count > MAX_MEMBERS:
                    raise InputError(f"the archive has more than {MAX_MEMBERS} entries")
                name = member.name
                _check_name(name)
                if member.isdir():
                    continue
                if not member.isfile():
                    raise InputError(f"{name}: only regular files and directories are accepted (no links or devices)")
                total += member.size
                if total > limit:
                    raise InputError(f"the archive's files add up to more than {limit} bytes")
                names.append(name)
                if name.endswith((".tf", ".tf.json")):
                    terraform += 1
    except (tarfile.TarError, EOFError, OSError, ValueError, UnicodeError) as exc:
        raise InputError(f"not a readable tar archive: {type(exc).__name__}") from None
    if terraform == 0:
        raise InputError("the archive holds no .tf or .tf.json file")
    return names


def _check_name(name: str) -> None:
    if not name or "\x00" in name:
        raise InputError("an archive entry has an empty or invalid name")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise InputError(f"{name}: absolute paths are not accepted")
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        raise InputError(f"{name}: paths with '..' are not accepted")
