"""The quick reading of a plan JSON file: only the sections a review reads, the rest left as bytes (ADR 0584).

`terraform show -json PLANFILE` writes every resource's values three or four times: in `resource_changes` (what
the review reads), in `planned_values` (the state after, which it reads only when a plan has no
`resource_changes`), in `prior_state` (the state before, of which it reads the module addresses and each
resource's `depends_on`) and, for a plan that read a state, in `relevant_attributes`/`checks`. Parsing all of it
into Python objects was a third of a scan's CPU on a 10,000-resource plan.

Here msgspec walks the top level once (it checks the JSON's syntax as it skips each value, without making
objects), orjson parses the sections the review reads exactly as the whole-file parse would, and `prior_state`
is decoded into the few fields the review reads (`msgspec` skips the values). The result is the document the
whole-file parse makes, except that the sections not read hold their `msgspec.Raw` bytes.

`read_sections` says None whenever it cannot vouch that the whole-file parse (`plan_json.parse_json`) would give
the same reading, and the caller then runs that parse, so every message about a malformed file stays that parse's:
anything msgspec refuses (its syntax checks are orjson's, its nesting limit is lower), bytes that are not UTF-8
(msgspec does not check them in a value it skips; orjson refuses them anywhere), a document without
`format_version` or `resource_changes` (not a plan, or one read from `planned_values`), and any section orjson
refuses: a number past a double's range (ADR 0420), a lone escaped surrogate (which the whole-file parse reads
as U+FFFD, ADR 0370; msgspec refuses one in `prior_state`'s strings as orjson does). Either in a section not read
changes nothing a review says.
"""

from __future__ import annotations

import sys
from typing import Any, TypedDict

import msgspec
import orjson

# read by nobody when a plan has `resource_changes`: left as the bytes msgspec found them in
NOT_READ = frozenset({"planned_values", "relevant_attributes", "checks", "variables"})
_ORJSON_MAX_DEPTH = 1024  # orjson's nesting limit; msgspec's is the interpreter's recursion limit, lower


class _StateResource(TypedDict, total=False):
    address: Any
    depends_on: Any


class _StateModule(TypedDict, total=False):
    address: Any
    resources: list[_StateResource]
    child_modules: list[_StateModule]


class _StateValues(TypedDict, total=False):
    root_module: _StateModule


class _PriorState(TypedDict, total=False):
    values: _StateValues


_TOP_LEVEL = msgspec.json.Decoder(dict[str, msgspec.Raw])
_PRIOR_STATE = msgspec.json.Decoder(_PriorState)


def read_sections(data: bytes) -> dict[str, Any] | None:
    """The plan document `data` holds, its unread sections as bytes; None when the whole-file parse must read it."""
    if sys.getrecursionlimit() > _ORJSON_MAX_DEPTH:
        return None  # msgspec would nest deeper than orjson reads
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    try:
        top = _TOP_LEVEL.decode(data)
    except (msgspec.DecodeError, RecursionError):
        return None
    if "format_version" not in top or "resource_changes" not in top:
        return None
    document: dict[str, Any] = {}
    try:
        for key, raw in top.items():
            if key in NOT_READ:
                document[key] = raw
            elif key == "prior_state":
                document[key] = _prior_state(raw)
            else:
                document[key] = orjson.loads(memoryview(raw))
    except orjson.JSONDecodeError:
        return None
    return document


def _prior_state(raw: msgspec.Raw) -> Any:
    """What the review reads of `prior_state` (module addresses, each resource's address and `depends_on`), as
    the whole-file parse reads them; where the section has another shape than Terraform's, all of it."""
    try:
        return _PRIOR_STATE.decode(raw)
    except (msgspec.DecodeError, RecursionError):
        return orjson.loads(memoryview(raw))
