"""The nodes of the blast-radius graph (core/blast.py) that an HCL expression names beyond resources: a module's
output (`module.db.endpoint` → `module.db.output.endpoint`) and a whole module (`module.db`, `module.db[0]`,
`module.db[*].x`, `values(module.db)` → `module.db`), as a plan's `configuration` section names them
(parsing/plan_configuration.py). The evaluator follows resources and variables; these are read from the syntax
alone, since a module's outputs are never evaluated in HCL mode.
"""

from __future__ import annotations

from typing import Any

from tfreview.parsing.hcl_syntax import traversal

_TRAVERSALS = ("get_attr_expr_term", "index_expr_term")


def module_nodes(node: Any, prefix: str) -> list[str]:
    """The module outputs and whole modules `node` (an expression or a body) refers to, as graph nodes of the
    module at `prefix` (its config address and a dot: `module.app.`, keys stripped)."""
    found: dict[str, None] = {}
    stack = [node]
    while stack:
        current = stack.pop()
        if not hasattr(current, "children"):
            continue
        if current.lark_name() in _TRAVERSALS:
            steps = traversal(current)
            if steps is not None and steps[0] == "module":
                named = module_node(steps[1], prefix)
                if named is not None:
                    found[named] = None
                # not below: `module.db[0]` inside `module.db[0].x` is not a reference of its own; its keys may be
                stack.extend(value for kind, value in reversed(steps[1]) if kind == "index")
                continue
        stack.extend(child for child in reversed(current.children) if child is not None)
    return list(found)


def module_node(steps: list[tuple[str, Any]], prefix: str) -> str | None:
    """`module.db` (steps `.db`, `.db[0]`) → `module.db`; `module.db[0].x` → `module.db.output.x`."""
    if not steps or steps[0][0] != "attr":
        return None
    rest = steps[1:]
    if rest and rest[0][0] == "index":  # an instance: `module.db[0]`, `module.db["k"]`
        rest = rest[1:]
    base = f"{prefix}module.{steps[0][1]}"
    return f"{base}.output.{rest[0][1]}" if rest and rest[0][0] == "attr" else base
