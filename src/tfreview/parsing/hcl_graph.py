"""The edges of the blast-radius graph (core/blast.py) that an HCL tree holds beyond resources' references:
outputs, data sources, and the nodes an expression names beyond resources: a module's output (`module.db.endpoint`
→ `module.db.output.endpoint`) and a whole module (`module.db`, `module.db[0]`, `module.db[*].x`, `values(module.db)`
→ `module.db`), directly or through a variable its caller passed them in (ADR 0710), as a plan's `configuration`
section names them (parsing/plan_configuration.py), and a resource's `depends_on`. The evaluator follows resources
and variables; module nodes are read from the syntax alone, since a module's outputs are never evaluated in HCL mode.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.core.plan import strip_index
from tfreview.parsing.hcl_configured import Configuration
from tfreview.parsing.hcl_syntax import Attribute, Block, body_items, traversal
from tfreview.parsing.hcl_values import EVALUATION_ERRORS, Evaluator, Scope
from tfreview.parsing.plan_configuration import reference_address

_TRAVERSALS = ("get_attr_expr_term", "index_expr_term")

# what one expression or body names, from its syntax: ("module", a module node relative to its module: `module.db`,
# `module.db.output.x`), ("var", a variable's name) or ("ref", a resource or data source address)
Named = tuple[tuple[str, str], ...]


class ModuleGraph:
    """The edges one module instance's blocks add to `configuration.graph` (node → what it refers to) beyond its
    resources' references: outputs, the module outputs and whole modules an expression names, `depends_on`, data
    sources, and the module nodes a variable carries in from its caller (`module "app" { db = module.db }`: inside
    app, `var.db` refers to `module.db`, which the evaluator, following resources only, does not carry)."""

    __slots__ = ("carried", "configuration", "here", "named", "scope")

    def __init__(self, configuration: Configuration, scope: Scope, named: dict[int, Named]) -> None:
        self.configuration = configuration
        self.scope = scope
        # id of a syntax node → what it names: one walk of each per read, however many module instances read it (the
        # reader holds the nodes, so an id is not reused while it reads)
        self.named = named
        self.here = strip_index(scope.prefix)  # config address and a dot: `module.app.`, keys stripped
        # variable name → the module nodes its value carries (Input.nodes): most modules have none
        self.carried = {name: given.nodes for name, given in scope.variables.items() if given.nodes}

    def output(self, lines: list[str], block: Block, address: str | None) -> None:
        """An output as a node of the blast-radius graph: what its value refers to (resources, through variables
        too, module outputs, whole modules); in a module, the module itself (`module.db`) refers to it. `lines` are
        the lines of the file holding `block`, as for every method here."""
        node = f"{self.here}output.{block.labels[0]}"
        if address is not None:
            self._edge(strip_index(address), [node])
        value = next((i for i in body_items(block.body) if isinstance(i, Attribute) and i.name == "value"), None)
        if value is None:
            return
        evaluator = Evaluator(self.scope)
        try:
            evaluator.collect(value.expression)
        except EVALUATION_ERRORS:
            evaluator.references = []  # what it refers to through variables is left out; the syntax still says
        self._edge(node, [*evaluator.references, *self._named(lines, value, value.expression)])

    def resource(self, lines: list[str], block: Block, config_address: str) -> None:
        """A resource's edges that its references do not hold: module outputs and whole modules it refers to,
        directly or through a variable, and its `depends_on` (a whole module there: every resource and data source
        in it, resolved once all are read)."""
        through_variables = bool(self.carried) and mentions(lines, block, "var.")
        if not through_variables and not mentions(lines, block, "module.") and not mentions(lines, block, "depends_on"):
            return  # most resources: no module reference, no depends_on, no walk of the body
        for item in body_items(block.body):
            if not isinstance(item, Attribute) or item.name != "depends_on":
                node = item.expression if isinstance(item, Attribute) else item.body
                self._edge(config_address, self._named(lines, item, node))
                continue
            evaluator = Evaluator(self.scope)
            try:
                evaluator.collect(item.expression)
            except EVALUATION_ERRORS:
                evaluator.references = []
            self._edge(config_address, evaluator.references)
            for node in module_nodes(item.expression, self.here):
                if ".output." in node.removeprefix(self.here):
                    self._edge(config_address, [node])
                else:
                    self.configuration.module_dependents.append((config_address, node))

    def data_source(self, lines: list[str], block: Block) -> None:
        """A data source as a node, as a plan's `configuration` has it: what its body refers to (resources, through
        variables too, and module nodes) and its `depends_on`; listed, so that a `depends_on` on its module reaches it.
        It is read here for its references only: it is not a change."""
        node = f"{self.here}data.{block.labels[0]}.{block.labels[1]}"
        self.configuration.data_sources[node] = None
        self._edge(node, self._references(block.body))
        self.resource(lines, block, node)

    def argument_nodes(self, lines: list[str], argument: Attribute) -> tuple[str, ...]:
        """The module nodes a module call's argument passes in: the module outputs and whole modules it names, and
        those the variables it names carry (`db = var.db` hands on what the caller passed)."""
        return tuple(self._named(lines, argument, argument.expression))

    def _references(self, body: Any) -> list[str]:
        """The resources and data sources `body` refers to, directly or through a variable (the references its
        caller's argument named), read from the syntax alone: a data source's values are not needed, and nothing is
        evaluated for it (no local, no `for`, no policy document). A local ends the chain, as it does in a plan. A
        `for` or `dynamic` iterator named like a resource type gives a node no resource has."""
        found: dict[str, None] = {}
        variables = self.scope.variables
        for kind, name in self._names(body):
            if kind == "ref":
                found[self.here + name] = None
            elif kind == "var" and name in variables:
                found.update(dict.fromkeys(variables[name].references))
        return list(found)

    def _named(self, lines: list[str], item: Attribute | Block, node: Any) -> list[str]:
        """The module nodes `node` (`item`'s expression or body) names, directly or through a carrying variable;
        its syntax is walked only when its lines may name one."""
        modules = mentions(lines, item, "module.")
        variables = bool(self.carried) and mentions(lines, item, "var.")
        if not modules and not variables:
            return []
        found: dict[str, None] = {}
        for kind, name in self._names(node):
            if kind == "module":
                found[self.here + name] = None
            elif kind == "var" and variables:
                found.update(dict.fromkeys(self.carried.get(name, ())))
        return list(found)

    def _names(self, node: Any) -> Named:
        """What `node` names (`Named`), its syntax walked once per read."""
        named = self.named.get(id(node))
        if named is None:
            named = self.named[id(node)] = tuple(_named_in(node))
        return named

    def _edge(self, node: str, targets: list[str]) -> None:
        if targets:
            self.configuration.graph.setdefault(node, {}).update(dict.fromkeys(t for t in targets if t != node))


def _named_in(node: Any) -> Iterator[tuple[str, str]]:
    for root, steps in _traversals(node, None):
        if root == "module":
            named = module_node(steps, "")
            if named is not None:
                yield ("module", named)
        elif root == "var":
            if steps and steps[0][0] == "attr":
                yield ("var", steps[0][1])
        elif "_" in root or root == "data":
            address = reference_address(".".join([root] + [str(value) for kind, value in steps if kind == "attr"]))
            if address is not None:
                yield ("ref", address)


def module_nodes(node: Any, prefix: str) -> list[str]:
    """The module outputs and whole modules `node` (an expression or a body) refers to, as graph nodes of the
    module at `prefix` (its config address and a dot: `module.app.`, keys stripped)."""
    found = (module_node(steps, prefix) for _, steps in _traversals(node, ("module",)))
    return list(dict.fromkeys(named for named in found if named is not None))


def _traversals(node: Any, roots: tuple[str, ...] | None) -> Iterator[tuple[str, list[tuple[str, Any]]]]:
    """Each outermost traversal in `node` rooted in one of `roots` (None: in any name), as `hcl_syntax.traversal`
    gives it; not below it (`module.db[0]` inside `module.db[0].x` is not a reference of its own), but within its
    keys, which may be."""
    stack = [node]
    while stack:
        current = stack.pop()
        if not hasattr(current, "children"):
            continue
        if current.lark_name() in _TRAVERSALS:
            steps = traversal(current)
            if steps is not None and (roots is None or steps[0] in roots):
                yield steps
                stack.extend(value for kind, value in reversed(steps[1]) if kind == "index")
                continue
        stack.extend(child for child in reversed(current.children) if child is not None)


def module_node(steps: list[tuple[str, Any]], prefix: str) -> str | None:
    """`module.db` (steps `.db`, `.db[0]`) → `module.db`; `module.db[0].x` → `module.db.output.x`."""
    if not steps or steps[0][0] != "attr":
        return None
    rest = steps[1:]
    if rest and rest[0][0] == "index":  # an instance: `module.db[0]`, `module.db["k"]`
        rest = rest[1:]
    base = f"{prefix}module.{steps[0][1]}"
    return f"{base}.output.{rest[0][1]}" if rest and rest[0][0] == "attr" else base


def mentions(lines: list[str], item: Attribute | Block, text: str) -> bool:
    """Whether `text` occurs in the source lines of `item`: a walk of its syntax is needed only then."""
    return any(text in line for line in lines[item.line - 1 : item.end_line])
