"""Mutated real plans for the fuzz harnesses (tests/unit/test_scan_fuzz.py, tests/integration/test_upload_fuzz.py,
benchmarks/fuzz_plans.py): deterministic for a seed, built from the fixtures' real plans, each case a name that
says what was done to which plan and the bytes to feed.

What a mutation does: cut the bytes at a random offset, flip a byte, or parse the plan and, one to three times,
delete a key or put a hostile value (a wrong type, null, a number past a double's range, a 5,000-digit integer,
a lone surrogate, 900-deep nesting, a 200 KB string, a policy document cut open) at a random place or at one of
the keys Terraform 1.x and OpenTofu add (`resource_drift`, `checks`, `deferred_changes`, `importing`, …)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PLANS = Path(__file__).parent / "data" / "plans"  # the suite's own and, in corpus/, the fixtures' real plans

# Written as JSON text after json.dumps (json.dumps cannot write them): a marker string is replaced whole.
_RAW = {
    '"@inf@"': "1e999",
    '"@-inf@"': "-1e999",
    '"@digits@"': "9" * 5000,
    '"@-zero@"': "-0",
    '"@deep@"': "[" * 900 + "]" * 900,
    '"@deep-object@"': '{"a":' * 900 + '"x"' + "}" * 900,
    '"@deep-policy@"': json.dumps(json.dumps({"Statement": [{"Effect": "Allow", "Action": "*"}]})[:-1] + "[" * 600),
    '"@surrogate@"': '"\\ud800"',
    '"@long@"': json.dumps("A" * 200_000),
}
HOSTILE: tuple[Any, ...] = (
    None,
    [],
    {},
    "",
    "x",
    0,
    -1,
    True,
    2**63,
    1e308,
    [None],
    [[]],
    {"a": None},
    "${var.x}",
    "0.0.0.0/0",
    "*",
    *(marker.strip('"') for marker in _RAW),
    ["@inf@"],
    {"@digits@": "@deep@"},
)
TOP_KEYS = (
    "format_version",
    "terraform_version",
    "resource_changes",
    "resource_drift",
    "output_changes",
    "prior_state",
    "planned_values",
    "configuration",
    "variables",
    "checks",
    "deferred_changes",
    "relevant_attributes",
    "complete",
    "applyable",
    "errored",
)
CHANGE_KEYS = (
    "address",
    "previous_address",
    "module_address",
    "mode",
    "type",
    "name",
    "index",
    "deposed",
    "provider_name",
    "action_reason",
    "change",
    "change.actions",
    "change.before",
    "change.after",
    "change.after_unknown",
    "change.before_sensitive",
    "change.after_sensitive",
    "change.replace_paths",
    "change.importing",
    "change.generated_config",
)


@dataclass(frozen=True)
class Case:
    name: str
    body: bytes


def real_plans() -> list[Path]:
    """Every real plan the suite holds, sorted: the same list on every machine."""
    return sorted(PLANS.glob("*.json")) + sorted((PLANS / "corpus").glob("*.json"))


def cases(seed: int, count: int) -> Iterator[Case]:
    rng = random.Random(seed)
    plans = real_plans()
    for number in range(count):
        plan = rng.choice(plans)
        name, body = _mutated(rng, plan.read_bytes())
        yield Case(f"{number}:{plan.name}:{name}", body)


def _mutated(rng: random.Random, raw: bytes) -> tuple[str, bytes]:
    kind = rng.random()
    if kind < 0.12:
        cut = rng.randrange(len(raw) + 1)
        return f"cut-at-{cut}", raw[:cut]
    if kind < 0.18:
        spot = rng.randrange(max(len(raw), 1))
        flipped = bytearray(raw)
        flipped[spot : spot + 1] = bytes([rng.randrange(256)])
        return f"byte-{spot}", bytes(flipped)
    try:
        document = json.loads(raw.removeprefix(b"\xef\xbb\xbf"))  # json finds UTF-16 and UTF-32 by itself
    except ValueError:  # a plan the fixtures hold in another encoding: sent as it is
        return "as-is", raw
    done = []
    for _ in range(rng.randint(1, 3)):
        document, what = _changed(rng, document)
        done.append(what)
    text = json.dumps(document)
    for marker, written in _RAW.items():
        text = text.replace(marker, written)
    return "+".join(done), text.encode("utf-8", "surrogatepass")


def _changed(rng: random.Random, document: Any) -> tuple[Any, str]:
    value = rng.choice(HOSTILE)
    if not isinstance(document, dict) or rng.random() < 0.02:
        return value, f"whole={value!r:.20}"
    aim = rng.random()
    if aim < 0.25 or not document:
        key = rng.choice(TOP_KEYS)
        return _put(rng, document, (key,), value), f"{key}={value!r:.20}"
    changes = document.get("resource_changes")
    if aim < 0.55 and isinstance(changes, list) and changes:
        index = rng.randrange(len(changes))
        path = (index, *rng.choice(CHANGE_KEYS).split("."))
        put = _put(rng, changes, path, value)
        return {**document, "resource_changes": put}, f"resource_changes.{'.'.join(map(str, path))}={value!r:.20}"
    places = list(_places(document, ()))
    path = rng.choice(places)
    return _put(rng, document, path, value), f"{'.'.join(map(str, path))}={value!r:.20}"


def _places(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    if path:
        yield path
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _places(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value[:4]):
            yield from _places(inner, (*path, index))


def _put(rng: random.Random, document: Any, path: tuple[Any, ...], value: Any) -> Any:
    """`document` with `value` at `path` (or the key there deleted, one time in four); a path through something
    that is not a container puts nothing."""
    parent = document
    for step in path[:-1]:
        inside = (isinstance(parent, dict) and step in parent) or (
            isinstance(parent, list) and isinstance(step, int) and step < len(parent)
        )
        if not inside:
            return document
        parent = parent[step]
    last = path[-1]
    if isinstance(parent, dict):
        if rng.random() < 0.25:
            parent.pop(last, None)
        else:
            parent[last] = value
    elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        parent[last] = value
    return document
