"""deploy/aws/ read with python-hcl2 (the same parser `tfreview scan` uses): blocks by kind, names unquoted."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / "deploy" / "aws"
_COMMENT = re.compile(r"(?m)^\s*(?:#|//)[^\n]*$| # [^\n]*$")  # whole-line comments and trailing " # …" ones


def unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


@dataclass
class Module:
    """The module's blocks: `resources[type][name]`, `data[type][name]`, variables, locals, outputs, text."""

    resources: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    data: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)  # file name → its text without comments

    def resource(self, kind: str, name: str) -> dict[str, Any]:
        return self.resources[kind][name]


@functools.cache  # read once per test process: two test modules load it at import (1 to 2 s of HCL parsing each)
def load_module(directory: Path = MODULE) -> Module:
    found = Module()
    for path in sorted(directory.glob("*.tf")):
        raw = path.read_text(encoding="utf-8")
        found.text[path.name] = _COMMENT.sub("", raw)
        document = hcl2.loads(raw)
        for kind, into in (("resource", found.resources), ("data", found.data)):
            for block in document.get(kind, []):
                for block_type, named in block.items():
                    for name, body in named.items():
                        into.setdefault(unquote(block_type), {})[unquote(name)] = body
        for block in document.get("variable", []):
            found.variables.update({unquote(k): v for k, v in block.items()})
        for block in document.get("output", []):
            found.outputs.update({unquote(k): v for k, v in block.items()})
        for block in document.get("locals", []):
            found.locals.update({k: v for k, v in block.items() if not k.startswith("__")})
    alarms = json.loads((directory / "alarms.tf.json").read_text(encoding="utf-8"))
    found.text["alarms.tf.json"] = json.dumps(alarms)
    for kind, named in alarms["resource"].items():
        for name, body in named.items():
            found.resources.setdefault(kind, {})[name] = body
    return found


def walk(value: Any) -> list[Any]:
    """Every nested value (dicts' values, lists' items), the value itself first."""
    found = [value]
    if isinstance(value, dict):
        for item in value.values():
            found += walk(item)
    elif isinstance(value, list):
        for item in value:
            found += walk(item)
    return found
