"""A plan's `configuration` section read once: what each resource's expressions are, what they refer to,
and the dependency graph the blast radius of a destroy is walked on (core/blast.py).

One walk over every module's resources, module calls and outputs, and over each expression once: the
references a rule reads (config address → attribute → resource addresses), the expressions that tell
"unset" from "unknown", and the graph (node → nodes it refers to) whose nodes are resources, data
sources, outputs (`module.db.output.endpoint`), module inputs (`module.app.var.db_host`) and whole modules
(`module.db`: its outputs; a `depends_on = [module.db]`: every resource in it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from tfreview.core.blast import enclosing_modules
from tfreview.core.plan import strip_index

_NOT_RESOURCES = frozenset({"var", "local", "module", "each", "count", "path", "terraform", "self"})
_META_EXPRESSIONS = ("count_expression", "for_each_expression")


class ConfigurationIndex:
    """What `read_configuration` found (three dicts it fills). Plain classes here, not dataclasses: a dataclass's
    methods are compiled when its module is imported, ~2.6 M instructions for this one, in every scan."""

    __slots__ = ("dependencies", "expressions", "references")

    def __init__(self) -> None:
        self.references: dict[str, dict[str, tuple[str, ...]]] = {}
        self.expressions: dict[str, Mapping[str, Any]] = {}
        self.dependencies: dict[str, tuple[str, ...]] = {}


def read_configuration(configuration: Any) -> ConfigurationIndex:
    index = ConfigurationIndex()
    if not isinstance(configuration, Mapping):
        return index
    passed = _Passed.of(configuration.get("root_module"))
    expressions_of, references_of, graph = index.expressions, index.references, index.dependencies
    whole_modules: list[tuple[str, str]] = []  # (resource, module) of each `depends_on = [module.m]`
    for prefix, module in _modules(configuration.get("root_module")):
        for resource in _list(module.get("resources")):
            # exact types first: a parsed plan holds dicts, and this runs once per resource (10,000s)
            if not (type(resource) is dict or isinstance(resource, Mapping)):
                continue
            address = resource.get("address")
            if not isinstance(address, str):
                continue
            address = f"{prefix}{address}" if prefix else address
            expressions = resource.get("expressions")
            if type(expressions) is not dict:
                expressions = _mapping(expressions)
            expressions_of[address] = expressions
            refs: dict[str, tuple[str, ...]] = {}
            nodes: list[str] = []
            for attribute, expression in expressions.items():
                if type(expression) is dict and len(expression) == 1 and "constant_value" in expression:
                    continue  # a literal, as most arguments are: it refers to nothing
                # a bare reference, as most are: its list read once per distinct list (`_relative`, cached), without
                # the walk of `_raw_references`; the same few lists occur in every copy of a module
                given = expression.get("references") if type(expression) is dict and len(expression) == 1 else None
                relative = _relative_of(given) if type(given) is list else _relative(tuple(_raw_references(expression)))
                raw, addresses, relative_nodes, passing = relative
                if not raw:
                    continue
                if passing and passed.calls:  # a `var.`/`module.` reference: what the caller passed in or out too
                    found = [*map(prefix.__add__, addresses)] if prefix else [*addresses]
                    found += passed.resolve(list(raw), prefix)
                    if found:
                        refs[attribute] = tuple(dict.fromkeys(found))
                elif addresses:  # distinct already, and a prefix keeps them so
                    refs[attribute] = tuple(map(prefix.__add__, addresses)) if prefix else addresses
                nodes.extend(map(prefix.__add__, relative_nodes) if prefix else relative_nodes)
            if "count_expression" in resource or "for_each_expression" in resource:
                for meta in _META_EXPRESSIONS:
                    if meta in resource:
                        nodes.extend(_nodes(_raw_references(resource[meta]), prefix))
            if "depends_on" in resource:
                nodes.extend(_depends_on(resource["depends_on"], address, prefix, whole_modules))
            if refs:
                references_of[address] = refs
            if nodes:
                _add(graph, address, nodes)
        for name, call in _mapping(module.get("module_calls")).items():
            if not isinstance(call, Mapping):
                continue
            # `module.db` (the whole module, as `value = module.db` or `values(module.db)` refer to it) is its outputs
            _add(graph, f"{prefix}module.{name}", _outputs_of(call, f"{prefix}module.{name}"))
            for argument, expression in _mapping(call.get("expressions")).items():
                node = f"{prefix}module.{name}.var.{argument}"
                _add(index.dependencies, node, _nodes(_raw_references(expression), prefix))
        for name, output in _mapping(module.get("outputs")).items():
            if isinstance(output, Mapping):
                targets = _nodes(_raw_references(output.get("expression")), prefix)
                _add(index.dependencies, f"{prefix}output.{name}", targets)
    _add_whole_modules(graph, whole_modules, expressions_of)
    return index


def _add_whole_modules(
    graph: dict[str, tuple[str, ...]], whole_modules: list[tuple[str, str]], resources: Iterable[str]
) -> None:
    """`depends_on = [module.m]`: the resource depends on every resource in `module.m` and the modules it calls."""
    if not whole_modules:
        return  # most plans: no walk of the resources
    inside: dict[str, list[str]] = {}
    for address in resources:
        for module in enclosing_modules(address):
            inside.setdefault(module, []).append(address)
    for node, module in whole_modules:
        _add(graph, node, inside.get(module, []))


def _depends_on(targets: Any, address: str, prefix: str, whole_modules: list[tuple[str, str]]) -> list[str]:
    """The nodes of a resource's `depends_on`; a whole module there goes to `whole_modules`: every resource in it,
    as Terraform waits for them all, once every module is read."""
    nodes: list[str] = []
    for target in _list(targets):
        if isinstance(target, str) and _is_module(target):
            whole_modules.append((address, prefix + strip_index(target)))
        elif isinstance(target, str):
            nodes.extend(_nodes([target], prefix))
    return nodes


def _outputs_of(call: Mapping[str, Any], module: str) -> list[str]:
    """The output nodes of a called module (`module.db.output.endpoint`)."""
    return [f"{module}.output.{name}" for name in _mapping(_mapping(call.get("module")).get("outputs"))]


def _is_module(reference: str) -> bool:
    """`module.m` or `module.m[0]`: a whole module, not one of its outputs (`module.m.out`)."""
    parts = strip_index(reference).split(".")
    return len(parts) == 2 and parts[0] == "module"


class _Passed:
    """What module calls pass in (`module.s3.var.bucket` ← `aws_s3_bucket.b.id`) and outputs pass out, so a
    resource whose `bucket = var.bucket` refers, as in HCL mode, to the resource the caller gave."""

    __slots__ = ("calls", "outputs")

    def __init__(self) -> None:
        self.calls: dict[str, tuple[str, Mapping[str, list[str]]]] = {}  # child → parent, args
        self.outputs: dict[tuple[str, str], list[str]] = {}  # (module prefix, name) → refs

    @classmethod
    def of(cls, root: Any) -> _Passed:
        passed = cls()
        for prefix, module in _modules(root):
            for name, call in _mapping(module.get("module_calls")).items():
                if isinstance(call, Mapping):
                    arguments = _mapping(call.get("expressions")).items()
                    given = {argument: _raw_references(expression) for argument, expression in arguments}
                    passed.calls[f"{prefix}module.{name}."] = (prefix, given)
            for name, output in _mapping(module.get("outputs")).items():
                if isinstance(output, Mapping):
                    passed.outputs[(prefix, name)] = _raw_references(output.get("expression"))
        return passed

    def resolve(self, raw: list[str], prefix: str, depth: int = 0) -> list[str]:
        """The resource addresses that `var.*` and `module.*.*` references in `raw` stand for (not direct ones)."""
        out: list[str] = []
        for reference in raw:
            if not reference.startswith(_PASSED_ROOTS):
                continue  # a resource's own reference (most): no split for it
            parts = strip_index(reference).split(".")
            if depth >= _MAX_PASSES or len(parts) < 2 or parts[0] not in ("var", "module"):
                continue
            if parts[0] == "var" and prefix in self.calls:
                parent, given = self.calls[prefix]
                inner = given.get(parts[1], [])
                out += [parent + a for a in (reference_address(r) for r in inner) if a]
                out += self.resolve(inner, parent, depth + 1)
            elif parts[0] == "module" and len(parts) >= 3:
                child = f"{prefix}module.{parts[1]}."
                inner = self.outputs.get((child, parts[2]), [])
                out += [child + a for a in (reference_address(r) for r in inner) if a]
                out += self.resolve(inner, child, depth + 1)
        return out


_MAX_PASSES = 16
_PASSED_ROOTS = ("var", "module")  # what `var.x`, `var["x"]`, `module.m.out` start with (keys stripped or not)


def add_state_dependencies(index: ConfigurationIndex, prior_state: Any) -> None:
    """The `depends_on` Terraform records in the prior state (absolute addresses) on resources that are gone
    from the configuration: what a deleted resource was depended on by, which the configuration no longer
    says. Only those: the state's lists are transitive, the configuration says what refers to what."""
    graph = index.dependencies
    values = _mapping(prior_state).get("values")
    stack: list[Any] = [_mapping(values).get("root_module")]
    while stack:
        module = stack.pop()
        if not isinstance(module, Mapping):
            continue
        for resource in _list(module.get("resources")):
            if isinstance(resource, Mapping) and isinstance(resource.get("address"), str):
                targets = [strip_index(d) for d in _list(resource.get("depends_on")) if isinstance(d, str)]
                gone = [t for t in targets if t not in index.expressions]
                _add(graph, strip_index(resource["address"]), gone)
        stack.extend(_list(module.get("child_modules")))


@lru_cache(maxsize=16384)
def reference_address(reference: str) -> str | None:
    """`aws_s3_bucket.b.id` → `aws_s3_bucket.b`; `data.x.y.z` → `data.x.y`; `var.x` → None."""
    parts = strip_index(reference).split(".")
    if parts[0] in _NOT_RESOURCES or len(parts) < 2:
        return None
    if parts[0] == "data":
        return ".".join(parts[:3]) if len(parts) >= 3 else None
    return ".".join(parts[:2])


_Relative = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]


@lru_cache(maxsize=4096)
def _relative(references: tuple[Any, ...]) -> _Relative:
    """What an expression's `references` name, relative to its module, read once per distinct list: its strings
    (anything else is ignored), the distinct resource addresses and the graph nodes they name (each is the module's
    prefix + one of these: `reference_address` and `_node` of each), and whether one is a `var.`/`module.`
    reference, which only `_Passed.resolve` reads."""
    raw = tuple(r for r in references if isinstance(r, str))
    addresses = tuple(dict.fromkeys(a for a in map(reference_address, raw) if a))
    targets = tuple(n for n in (_node(r, "") for r in raw) if n)
    return raw, addresses, targets, any(r.startswith(_PASSED_ROOTS) for r in raw)


def _relative_of(references: list[Any]) -> _Relative:
    """`_relative` of a `references` list; a list holding something unhashable (a malformed plan) is read through
    its strings."""
    try:
        return _relative(tuple(references))
    except TypeError:
        return _relative(tuple(r for r in references if isinstance(r, str)))


def _node(reference: str, prefix: str) -> str | None:
    """A reference as a graph node: resources and data sources as above, `var.x` as this module's input,
    `module.m.out` as that module's output; locals, `each`, `count`, `path`, `self` are not nodes."""
    parts = strip_index(reference).split(".")
    if parts[0] == "var" and len(parts) >= 2:
        return f"{prefix}var.{parts[1]}"
    if parts[0] == "module" and len(parts) >= 2:  # one output, or the whole module (`module.m`, `module.m[0]`)
        return f"{prefix}module.{parts[1]}.output.{parts[2]}" if len(parts) >= 3 else f"{prefix}module.{parts[1]}"
    address = reference_address(reference)
    return prefix + address if address else None


def _nodes(references: list[str], prefix: str) -> list[str]:
    return [n for n in (_node(r, prefix) for r in references) if n]


def _add(graph: dict[str, tuple[str, ...]], node: str, targets: list[str]) -> None:
    if targets:
        graph[node] = tuple(dict.fromkeys(graph.get(node, ()) + tuple(targets)))


def _raw_references(expression: Any) -> list[str]:
    """Every `references` string of an expression, depth first; a loop, as a plan may nest ~1,000 levels."""
    found: list[str] = []
    stack: list[Any] = [expression]
    while stack:
        node = stack.pop()
        if type(node) is dict or isinstance(node, Mapping):
            if len(node) == 1 and "constant_value" in node:
                continue  # a literal (most expressions): nothing below it refers to anything
            for ref in _list(node.get("references")):
                if isinstance(ref, str):
                    found.append(ref)
            stack.extend(reversed([v for k, v in node.items() if k not in ("references", "constant_value")]))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    return found


def _modules(root: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    stack: list[tuple[str, Any]] = [("", root)]
    while stack:
        prefix, module = stack.pop()
        if not isinstance(module, Mapping):
            continue
        yield prefix, module
        for name, call in _mapping(module.get("module_calls")).items():
            if isinstance(call, Mapping):
                stack.append((f"{prefix}module.{name}.", call.get("module")))


def _list(value: Any) -> list[Any]:
    return value if type(value) is list or isinstance(value, list) else []


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if type(value) is dict or isinstance(value, Mapping) else {}
