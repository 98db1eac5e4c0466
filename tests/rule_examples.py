"""Turning a rule's examples file into change sets (shared by the tests and the docs generator)."""

from __future__ import annotations

import functools
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tfreview.core.plan import ChangeSet
from tfreview.core.rules import Rule
from tfreview.parsing.plan_json import plan_from_document


@dataclass(frozen=True)
class Example:
    rule: Rule
    kind: str  # "bad" | "good"
    number: int
    name: str
    flags: frozenset[str]
    plan: str | None
    hcl: str | None
    base_hcl: str | None

    @property
    def test_id(self) -> str:
        return f"{self.rule.id}-{self.kind}{self.number}"


def examples_of(rule: Rule) -> list[Example]:
    if rule.examples_file is None:
        return []
    data = tomllib.loads(Path(rule.examples_file).read_text(encoding="utf-8"))
    out = []
    for kind in ("bad", "good"):
        for number, entry in enumerate(data.get(kind, []), start=1):
            out.append(
                Example(
                    rule,
                    kind,
                    number,
                    entry.get("name", ""),
                    frozenset(entry.get("flags", [])),
                    entry.get("plan"),
                    entry.get("hcl"),
                    entry.get("base_hcl"),
                )
            )
    return out


def _complete(item: dict[str, Any]) -> dict[str, Any]:
    address: str = item["address"]
    parts = address.split(".")
    if parts[-2:-1] and "type" not in item:
        item["type"] = parts[-2]
    item.setdefault("name", parts[-1].split("[")[0])
    item.setdefault("mode", "data" if len(parts) > 2 and parts[-3] == "data" else "managed")
    return item


def change_set_of(example: Example) -> ChangeSet:
    if example.plan is not None:
        document: Any = json.loads(example.plan)
        if isinstance(document, list):
            document = {"format_version": "1.2", "resource_changes": document}
        document["resource_changes"] = [_complete(i) for i in document.get("resource_changes", [])]
        return plan_from_document(document, f"{example.test_id}.json")
    assert example.hcl is not None, f"{example.test_id}: an example needs `plan` or `hcl`"
    return _hcl_change_set(example.hcl, example.base_hcl, example.test_id)


@functools.cache
def _hcl_change_set(hcl: str, base_hcl: str | None, label: str) -> ChangeSet:
    """An HCL example parsed once per test process (ADR 0630): four test modules read every example, and the HCL
    parse is most of their time. A ChangeSet is frozen and the review reads it without changing it."""
    from tfreview.parsing.hcl import changeset_from_sources

    base = {"main.tf": base_hcl} if base_hcl is not None else None
    return changeset_from_sources({"main.tf": hcl}, base=base, label=label)


def _expressions(values: Any, unknown: Any, references: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    """The `configuration` expressions Terraform would write for a resource body given in HCL."""
    out: dict[str, Any] = {}
    keys = set(values) | (set(unknown) if isinstance(unknown, dict) else set())
    for key in sorted(keys):
        value = values.get(key)
        mask = unknown.get(key) if isinstance(unknown, dict) else None
        scalars_unknown = isinstance(mask, list) and any(item is True for item in mask)  # `[x, aws_y.z.id]`
        if key in references and (mask is True or scalars_unknown):
            out[key] = {"references": [f"{address}.id" for address in references[key]]}
        elif mask is True:
            out[key] = {"references": [f"var.{key}"]}
        elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            masks = mask if isinstance(mask, list) else [None] * len(value)
            out[key] = [_expressions(item, item_mask, {}) for item, item_mask in zip(value, masks, strict=False)]
        elif value is not None:
            out[key] = {"constant_value": value}
    return out


def plan_of_hcl(example: Example) -> ChangeSet:
    """An HCL example as `terraform show -json` would give it: values, masks and the `configuration`
    section; every top-level attribute a declarative rule reads and the user did not write is shown
    as computed by the provider (`after_unknown: true`), the hardest case for plan mode."""
    hcl = change_set_of(example)
    read = {
        path.split(".")[0].split(" ")[0]
        for path, _ in example.rule.defaults
        for path in (path.split(", "),)
        for path in path
    }
    changes: list[dict[str, Any]] = []
    resources: list[dict[str, Any]] = []
    providers: dict[str, Any] = {}
    module_calls: dict[str, Any] = {}
    for change in hcl.changes:
        if change.address.startswith("provider.") and change.after is not None:
            name = change.type.removesuffix("_provider")
            expressions = _expressions(change.after, change.after_unknown, change.references)
            key = change.address.removeprefix("provider.")
            alias = {"alias": key.split(".", 1)[1]} if "." in key else {}
            providers[key] = {"name": name, **alias, "expressions": expressions}
            continue
        if change.type == "module" and change.after is not None:  # a module call (ADR 0431): `module_calls`
            _add_module_call(module_calls, change.address, change.after)
            continue
        if change.mode != "managed":
            continue
        if change.condition:
            continue  # exists only when a caller sets variables (ADR 0360): a plan made with the defaults lacks it
        after = change.after
        unknown = dict(change.after_unknown or {}) if after is not None else None
        if after is not None and unknown is not None:
            for key in read:
                if key not in after and key not in unknown:
                    unknown[key] = True
        changes.append(
            {
                "address": change.address,
                "type": change.type,
                "name": change.name,
                "mode": "managed",
                "change": {
                    "actions": list(change.actions),
                    "before": change.before,
                    "after": after,
                    "after_unknown": unknown or {},
                },
            }
        )
        if after is not None:
            expressions = _expressions(after, change.after_unknown, change.references)
            for key, addresses in change.references.items():  # references made inside blocks
                blocks = expressions.get(key)
                if isinstance(blocks, list) and blocks:
                    blocks[0]["__reference"] = {"references": [f"{address}.id" for address in addresses]}
            resources.append({"address": change.address, "expressions": expressions})
    document = {
        "format_version": "1.2",
        "resource_changes": changes,
        "configuration": {
            "root_module": {"resources": resources, "module_calls": module_calls},
            "provider_config": providers,
        },
    }
    return plan_from_document(json.loads(json.dumps(document)), f"{example.test_id}-as-plan.json")


def _add_module_call(calls: dict[str, Any], address: str, values: Mapping[str, Any]) -> None:
    """`module.a.module.b` with `source`/`version` as Terraform writes it: `module_calls.a.module.module_calls.b`."""
    names = address.split(".")[1::2]
    for name in names[:-1]:
        calls = calls.setdefault(name, {"source": "./" + name, "module": {}})["module"].setdefault("module_calls", {})
    call = calls.setdefault(names[-1], {"module": {}})
    call["source"] = values.get("source")
    if "version" in values:
        call["version_constraint"] = values["version"]
