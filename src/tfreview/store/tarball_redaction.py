"""What an uploaded tarball of Terraform sources is turned into BEFORE it is stored (split from
`store/plan_redaction.py`, ADR 0736): every text member is scrubbed of secret-shaped strings, of values assigned to
secret-named attributes and of the values its Terraform calls sensitive (`sensitive = true` variables and outputs);
links, devices and binary members are dropped.
"""

from __future__ import annotations

import gzip
import io
import posixpath
import re
import tarfile
from typing import Final

from tfreview.core.errors import InputError
from tfreview.core.redact import REDACTED, is_secret_name, scrub_text
from tfreview.store.source_masking import mask_source, sensitive_values_of_tree

_MAX_MEMBER_BYTES: Final = 16 * 1024 * 1024
# `password = "…"` / `"password": "…"` in HCL, tfvars or JSON sources
_ASSIGNMENT = re.compile(r'(?P<name>[A-Za-z_][A-Za-z0-9_-]*)(?P<quote>"?)(?P<op>\s*[=:]\s*)"(?P<value>[^"\n]*)"')


def scrub_source(text: str) -> str:
    """Terraform source text with secret-named assignments and secret-shaped strings redacted."""

    def replace(match: re.Match[str]) -> str:
        value = match.group("value")
        if not value or value.startswith("${") or not is_secret_name(match.group("name")):
            return match.group(0)
        return f'{match.group("name")}{match.group("quote")}{match.group("op")}"{REDACTED}"'

    return scrub_text(_ASSIGNMENT.sub(replace, text))


def redact_tarball(content: bytes) -> bytes:
    """The tarball as it may be stored: text members scrubbed, and every value its Terraform calls sensitive
    masked in every member (`sensitive = true` variables and outputs, provider-sensitive and secret-named
    arguments, evaluated: ADR 0472), their names and references kept."""
    return tarball_and_secrets(content)[0]


def tarball_and_secrets(content: bytes) -> tuple[bytes, frozenset[str]]:
    """The tarball as it may be stored, and the sensitive values masked in it."""
    members: list[tuple[tarfile.TarInfo, str | None]] = []
    try:
        with tarfile.open(fileobj=io.BytesIO(content), mode="r:*") as source:
            for member in source:
                if member.isdir():
                    members.append((member, None))
                    continue
                if not member.isfile() or member.size > _MAX_MEMBER_BYTES:
                    continue
                stream = source.extractfile(member)
                if stream is None:
                    continue
                try:
                    members.append((member, stream.read().decode("utf-8")))
                except UnicodeDecodeError:
                    continue  # not a text file: not something a review reads
    except (tarfile.TarError, EOFError, OSError, gzip.BadGzipFile) as exc:
        raise InputError(f"the upload is not a readable tar archive: {exc}") from None
    tree = sensitive_values_of_tree({m.name: text for m, text in members if text is not None})
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as target:
        for member, text in members:
            info = _clean_info(member)
            if text is None:
                target.addfile(info)
                continue
            name = posixpath.normpath(member.name)
            masked = mask_source(
                member.name,
                text,
                tree.values,
                unread=name in tree.unread,
                spans=tree.spans.get(name, ()),
                composed=tree.composed,
            )
            data = scrub_source(masked).encode()
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))
    return out.getvalue(), tree.values


def _clean_info(member: tarfile.TarInfo) -> tarfile.TarInfo:
    info = tarfile.TarInfo(member.name)
    info.type = member.type
    info.mode = member.mode & 0o755
    info.mtime = member.mtime
    return info
