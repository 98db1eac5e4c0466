"""Turning a rule's examples file into change sets (shared by the tests and the docs generator)."""

from __future__ import annotations

import json
import tomllib
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
    from tfreview.parsing.hcl import changeset_from_sources

    assert example.hcl is not None, f"{example.test_id}: an example needs `plan` or `hcl`"
    base = {"main.tf": example.base_hcl} if example.base_hcl is not None else None
    return changeset_from_sources({"main.tf": example.hcl}, base=base, label=example.test_id)
