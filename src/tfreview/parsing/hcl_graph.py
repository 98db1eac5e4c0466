"""The edges of the blast-radius graph (core/blast.py) that an HCL tree holds beyond resources' references:
outputs, and the nodes an expression names beyond resources: a module's output (`module.db.endpoint` →
`module.db.output.endpoint`) and a whole module (`module.db`, `module.db[0]`, `module.db[*].x`, `values(module.db)`
→ `module.db`), as a plan's `configuration` section names them (parsing/plan_configuration.py), and a resource's
`depends_on`. The evaluator follows resources and variables; module nodes are read from the syntax alone, since a
module's outputs are never evaluated in HCL mode.
"""

from __future__ import annotations

from typing import Any

from tfreview.core.plan import strip_index
from tfreview.parsing.hcl_configured import Configuration
from tfreview.parsing.hcl_syntax import Attribute, Block, body_items, traversal
from tfreview.parsing.hcl_values import EVALUATION_ERRORS, Evaluator, Scope

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


def output_edges(
    configuration: Configuration, lines: list[str], block: Block, scope: Scope, address: str | None
) -> None:
    """An output as a node of the blast-radius graph: what its value refers to (resources, through variables
    too, module outputs, whole modules); in a module, the module itself (`module.db`) refers to it. `lines` are
    the lines of the file holding `block`."""
    here = strip_index(scope.prefix)
    node = f"{here}output.{block.labels[0]}"
    if address is not None:
        _edge(configuration, strip_index(address), [node])
    value = next((i for i in body_items(block.body) if isinstance(i, Attribute) and i.name == "value"), None)
    if value is None:
        return
    evaluator = Evaluator(scope)
    try:
        evaluator.collect(value.expression)
    except EVALUATION_ERRORS:
        evaluator.references = []  # what it refers to through variables is left out; the syntax still says
    modules = module_nodes(value.expression, here) if mentions(lines, value, "module.") else []
    _edge(configuration, node, [*evaluator.references, *modules])


def resource_edges(
    configuration: Configuration, lines: list[str], block: Block, scope: Scope, config_address: str
) -> None:
    """A resource's edges that its references do not hold: module outputs and whole modules it refers to, and
    its `depends_on` (a whole module there: every resource in it, resolved once all are read)."""
    if not mentions(lines, block, "module.") and not mentions(lines, block, "depends_on"):
        return  # most resources: no module reference, no depends_on, no walk of the body
    here = strip_index(scope.prefix)
    for item in body_items(block.body):
        if not isinstance(item, Attribute) or item.name != "depends_on":
            if mentions(lines, item, "module."):  # only the arguments and blocks that may name one
                node = item.expression if isinstance(item, Attribute) else item.body
                _edge(configuration, config_address, module_nodes(node, here))
            continue
        evaluator = Evaluator(scope)
        try:
            evaluator.collect(item.expression)
        except EVALUATION_ERRORS:
            evaluator.references = []
        _edge(configuration, config_address, evaluator.references)
        for node in module_nodes(item.expression, here):
            if ".output." in node.removeprefix(here):
                _edge(configuration, config_address, [node])
            else:
                configuration.module_dependents.append((config_address, node))


def mentions(lines: list[str], item: Attribute | Block, text: str) -> bool:
    """Whether `text` occurs in the source lines of `item`: a walk of its syntax is needed only then."""
    return any(text in line for line in lines[item.line - 1 : item.end_line])


def _edge(configuration: Configuration, node: str, targets: list[str]) -> None:
    if targets:
        configuration.graph.setdefault(node, {}).update(dict.fromkeys(t for t in targets if t != node))
