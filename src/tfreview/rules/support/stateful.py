"""Shared by the change rules (not a rule: it exports no RULE).

The table of stateful resource types lives in `stateful_types.toml` beside this module, as data;
this module loads it once and words Terraform's `action_reason` values in plain English.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from tfreview.core.plan import ResourceChange
from tfreview.core.severity import Severity

TABLE_FILE = Path(__file__).with_name("stateful_types.toml")


@dataclass(frozen=True, slots=True)
class Stateful:
    """What a stateful resource type holds."""

    type: str
    kind: str  # database, key, object-store, …
    data: str  # what is lost with it: "the database and all its data"
    severity: Severity


def _parse(document: Mapping[str, Any]) -> dict[str, Stateful]:
    kinds = document.get("kinds", {})
    out: dict[str, Stateful] = {}
    for type_name, entry in document.get("types", {}).items():
        spec: Mapping[str, Any] = {"kind": entry} if isinstance(entry, str) else entry
        kind_name = spec.get("kind")
        if kind_name not in kinds:
            raise ValueError(f"{TABLE_FILE.name}: {type_name} has unknown kind {kind_name!r}")
        kind = kinds[kind_name]
        severity = Severity.parse(str(spec.get("severity", kind.get("severity", "high"))))
        out[type_name] = Stateful(type_name, str(kind_name), str(kind["data"]), severity)
    return out


@lru_cache(maxsize=1)
def stateful_types() -> Mapping[str, Stateful]:
    """Every stateful type in the table, by type name (loaded once; the parsed table is kept in the library's
    index while the file is unchanged: a scan that loads a rule on stateful types no longer parses it)."""
    from tfreview.rules import library_toml  # the library's package, imported by then: it loads this module's rules

    return _parse(library_toml(TABLE_FILE))


def stateful(type_name: str) -> Stateful | None:
    return stateful_types().get(type_name)


def stateful_type_names() -> tuple[str, ...]:
    return tuple(sorted(stateful_types()))


_REASONS = {
    "delete_because_no_resource_config": "its resource block was removed from the configuration",
    "delete_because_wrong_repetition": "the resource switched between count, for_each and a single instance, "
    "so this instance key no longer exists",
    "delete_because_count_index": "its index is no longer below the resource's `count`",
    "delete_because_each_key": "its key is no longer in the resource's `for_each`",
    "delete_because_no_module": "the module (or module instance) that held it was removed",
    "delete_because_no_move_target": "a `moved` block points it at an address that is not in the configuration",
    "replace_because_cannot_update": "the provider cannot change these attributes in place",
    "replace_because_tainted": "the object is tainted (a create failed part-way, or `terraform taint` marked it)",
    "replace_by_request": "replacement was requested with `-replace=…`",
    "replace_by_triggers": "an entry of `lifecycle.replace_triggered_by` changed",
}


def reason_text(change: ResourceChange) -> str | None:
    """Terraform's `action_reason` in plain words (to follow "because"), or None when the plan gives none."""
    if change.action_reason is None:
        return None
    return _REASONS.get(change.action_reason, f"of `{change.action_reason}`")


def render_path(path: tuple[str | int, ...]) -> str:
    """A `replace_paths` entry as a dotted path: ("ebs_block_device", 0, "size") → `ebs_block_device.0.size`."""
    return ".".join(str(part) for part in path)


def creates_first(change: ResourceChange) -> bool:
    """True for a create-before-destroy replace (`["create", "delete"]`)."""
    actions = change.actions
    return "create" in actions and "delete" in actions and actions.index("create") < actions.index("delete")
