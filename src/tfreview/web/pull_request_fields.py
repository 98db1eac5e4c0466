"""The fields of a GitHub `pull_request` delivery that the intake reads, without the rest of the document (ADR 0622).

A real delivery is ~25 KB of JSON (users, repositories, links, labels…) of which the intake reads eleven values.
Turning all of it into Python objects (orjson) was the largest single cost of the event loop's work per delivery;
msgspec's decoder into the small structures below checks the WHOLE document's syntax (and the UTF-8 of every
string it reads) but makes Python objects only for the values named here, and skips the rest in C.

`read(body)` gives those values as the plain mapping a full parse would have given for them (absent keys absent,
`null` as None), so `github_events` checks them with the same field readers and the same messages. It gives None
— and the caller parses the body the full way, whose answer is then the one given — whenever the fast read is not
certain to agree with it: a body that is not JSON or not an object, a named field of an unexpected shape, bytes
that are not UTF-8 anywhere in the body, a float among the values read. One difference stays, on purpose: a
number outside the float range (`1e400`) in a field the intake never reads is not refused (orjson refuses the
whole body); the body is stored as it arrived either way.

Nesting: orjson refuses a document nested more than 1,024 levels deep; msgspec has no such bound of its own, only
the interpreter's recursion limit (1,000 by default, so a body that deep fails here first and goes to the full
parse). A process that raises that limit (hypothesis does, in every property test) would have let the lean read
accept what orjson refuses; above 1,024 a body with more than 1,024 `[`/`{` goes to the full parse (review18a).
"""

from __future__ import annotations

import sys
from typing import Any

import msgspec
from msgspec import UNSET, Struct, UnsetType


class _Ref(Struct):
    sha: Any = UNSET
    ref: Any = UNSET


class _Login(Struct):
    login: Any = UNSET


class _Pull(Struct):
    number: Any = UNSET
    draft: Any = UNSET
    head: _Ref | UnsetType | None = UNSET
    base: _Ref | UnsetType | None = UNSET


class _Repository(Struct):
    full_name: Any = UNSET
    owner: _Login | UnsetType | None = UNSET


class _Installation(Struct):
    id: Any = UNSET
    account: _Login | UnsetType | None = UNSET


class _Delivery(Struct):
    action: Any = UNSET
    pull_request: _Pull | UnsetType | None = UNSET
    repository: _Repository | UnsetType | None = UNSET
    installation: _Installation | UnsetType | None = UNSET


_DECODER = msgspec.json.Decoder(_Delivery)
_ORJSON_DEPTH = 1024  # orjson refuses a document nested deeper than this


class _Unsure(Exception):
    """A value the fast read will not vouch for: the full parse decides."""


def read(body: bytes) -> dict[str, Any] | None:
    """The read fields of a `pull_request` delivery as a mapping, or None: parse it the full way (see above)."""
    if sys.getrecursionlimit() > _ORJSON_DEPTH and body.count(b"[") + body.count(b"{") > _ORJSON_DEPTH:
        return None  # it may be nested deeper than orjson allows, and msgspec's bound is not there (see above)
    try:
        if not body.isascii():
            body.decode("utf-8")  # orjson refuses invalid UTF-8 anywhere, in skipped strings too
        return _plain(_DECODER.decode(body))
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError, _Unsure):
        return None


def _plain(node: Struct) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in node.__struct_fields__:
        value = getattr(node, name)
        if value is UNSET:
            continue
        if isinstance(value, Struct):
            value = _plain(value)
        elif isinstance(value, float):  # no field read is a float; an out-of-range one orjson refuses
            raise _Unsure()
        found[name] = value
    return found
