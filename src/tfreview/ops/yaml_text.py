"""A small YAML writer for the export's files (rules, Alertmanager routes, promtool tests).

Only what those files hold: mappings, sequences, strings, numbers and booleans. Every string is written
double-quoted with JSON escapes, which YAML reads the same, so no value can change meaning (`on`, `1e3`,
`- x`, a newline, a quote). Keeps the project free of a YAML dependency for writing three files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

Node = Mapping[str, "Node"] | Sequence["Node"] | str | int | float | bool


def dump(node: Node) -> str:
    return "\n".join(_lines(node, 0)) + "\n"


def _scalar(node: str | int | float | bool) -> str:
    if isinstance(node, bool):
        return "true" if node else "false"
    if isinstance(node, int | float):
        return repr(node)
    return json.dumps(node, ensure_ascii=False)


def _lines(node: Node, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(node, Mapping):
        if not node:
            return [pad + "{}"]
        lines: list[str] = []
        for key, value in node.items():
            if _is_block(value):
                lines.append(f"{pad}{_scalar(key)}:")
                lines.extend(_lines(value, indent + 2))
            else:
                lines.append(f"{pad}{_scalar(key)}: {_inline(value)}")
        return lines
    if isinstance(node, Sequence) and not isinstance(node, str):
        if not node:
            return [pad + "[]"]
        lines = []
        for item in node:
            if _is_block(item):
                inner = _lines(item, indent + 2)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines.extend(inner[1:])
            else:
                lines.append(f"{pad}- {_inline(item)}")
        return lines
    return [pad + _scalar(node)]


def _is_block(node: Node) -> bool:
    return isinstance(node, Mapping | list | tuple) and bool(node)


def _inline(node: Node) -> str:
    if isinstance(node, Mapping):
        return "{}"
    if isinstance(node, Sequence) and not isinstance(node, str):
        return "[]"
    return _scalar(node)
