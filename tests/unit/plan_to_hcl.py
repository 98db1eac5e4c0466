"""The HCL a real plan was made from, written back from the plan's `configuration` section.

A plan's configuration records what the user wrote: literals as `constant_value`, an expression as the
list of what it refers to. An expression that is one reference (`var.names`, `each.key`, `count.index`)
is written back as that reference; a literal as itself; anything else cannot be rebuilt, and the resource
(or the module call) holding it in `count`/`for_each` is left out and listed in `skipped`. Root variables
take the value the plan was made with, as a default. Used to check that HCL mode names the instances
Terraform named (`test_hcl_instances`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

_SINGLE_REFERENCES = ("var.", "each.key", "each.value", "count.index")


@dataclass
class Rebuilt:
    files: dict[str, str] = field(default_factory=dict)
    resources: set[str] = field(default_factory=set)  # config addresses written back (module path kept)
    attributes: dict[str, list[str]] = field(default_factory=dict)  # config address → literal attributes written
    skipped: list[str] = field(default_factory=list)


def rebuild(plan: dict[str, Any]) -> Rebuilt:
    out = Rebuilt()
    root = plan.get("configuration", {}).get("root_module", {})
    values = {name: v.get("value") for name, v in plan.get("variables", {}).items()}
    _module(root, "", "", values, frozenset(values), out)
    return out


def literal(value: Any) -> str:
    """A JSON value as an HCL literal."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return json.dumps(value)


def expression(expr: Any) -> str | None:
    if not isinstance(expr, dict):
        return None
    if "constant_value" in expr:
        return literal(expr["constant_value"])
    references = expr.get("references", [])
    if len(references) == 1 and references[0].startswith(_SINGLE_REFERENCES) and "[" not in references[0]:
        return str(references[0])
    return None


def _module(
    config: dict[str, Any],
    directory: str,
    address: str,
    root_values: dict[str, Any],
    known: frozenset[str],
    out: Rebuilt,
) -> None:
    """`known`: the variables of this module whose value the rebuilt source determines."""
    lines: list[str] = []
    used: set[str] = set()
    for resource in config.get("resources", []):
        if resource.get("mode") != "managed":
            continue
        body, refs = _meta(resource, known)
        config_address = address + resource["address"]
        if body is None:
            out.skipped.append(config_address)
            continue
        written: list[str] = []
        for name, expr in resource.get("expressions", {}).items():
            text = expression(expr)
            if text is not None and name not in ("count", "for_each"):
                body.append(f"  {name} = {text}")
                refs.append(text)
                if "constant_value" in expr:  # a single reference may stand for `"${each.key}-x"`: not exact
                    written.append(name)
        lines += [f'resource "{resource["type"]}" "{resource["name"]}" {{', *body, "}", ""]
        used |= {r.split(".")[1] for r in refs if r.startswith("var.")}
        out.resources.add(config_address)
        out.attributes[config_address] = written
    for name, call in config.get("module_calls", {}).items():
        body, refs = _meta(call, known)
        if body is None:
            out.skipped.append(f"{address}module.{name}")
            continue
        child = f"{directory}modules/{name}/"
        body.insert(0, f'  source = "./modules/{name}"')
        given: set[str] = set()
        for argument, expr in call.get("expressions", {}).items():
            text = expression(expr)
            if text is not None:
                body.append(f"  {argument} = {text}")
                refs.append(text)
                if not text.startswith("var.") or text.split(".")[1] in known:
                    given.add(argument)
        lines += [f'module "{name}" {{', *body, "}", ""]
        used |= {r.split(".")[1] for r in refs if r.startswith("var.")}
        _module(call.get("module", {}), child, f"{address}module.{name}.", {}, frozenset(given), out)
    for variable in sorted(used):
        default = f"  default = {literal(root_values[variable])}" if variable in root_values else ""
        lines += [f'variable "{variable}" {{', default, "}", ""]
    out.files[f"{directory}main.tf"] = "\n".join(lines)


def _meta(block: dict[str, Any], known: frozenset[str]) -> tuple[list[str] | None, list[str]]:
    """The `count`/`for_each` line of a resource or module call; None when it cannot be written back
    with the value Terraform gave it."""
    for key, name in (("count_expression", "count"), ("for_each_expression", "for_each")):
        if key in block:
            text = expression(block[key])
            if text is None or (text.startswith("var.") and text.split(".")[1] not in known):
                return None, []
            return [f"  {name} = {text}"], [text]
    return [], []
