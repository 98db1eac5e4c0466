"""HCL expressions → values in plan JSON shape, with UNKNOWN wherever Terraform would know only after apply.

What resolves: literals, `var.x` (module argument, tfvars or default), `local.x`, `count.index` and
`each.key`/`each.value` of an expanded instance (`hcl_instances`), templates whose parts all resolve,
conditionals and operators on known values, and the functions of `hcl_functions`.
`for` expressions over known collections (`hcl_for`), and `dynamic` blocks over them (`hcl_dynamic`).
Everything else — other resources, data sources, splats — is UNKNOWN.
While evaluating, the addresses of the resources an expression refers to are collected.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from typing import Any

from tfreview.core.plan import strip_index
from tfreview.core.values import UNKNOWN, contains_unknown
from tfreview.parsing import evaluation_budget
from tfreview.parsing.hcl_dynamic import (
    BlockValues,
    GatedBlock,
    OpenDynamic,
    conditional_dynamic,
    expand_dynamic,
    gated_blocks,
    iterator_name,
    open_blocks,
    open_dynamic,
    open_known,
)
from tfreview.parsing.hcl_for import evaluate_for
from tfreview.parsing.hcl_functions import (
    MAX_VALUE_SIZE,
    NOT_A_BOOL,
    FunctionError,
    as_bool,
    attempt,
    index_value,
    logical,
    normalise_number,
    number_literal,
    operand_number,
    operated,
    oversized,
    to_template_string,
)
from tfreview.parsing.hcl_syntax import (
    Attribute,
    Block,
    body_items,
    legacy_index,
    token_text,
    traversal,
)
from tfreview.parsing.hcl_templates import evaluate_template, heredoc_body, unescape
from tfreview.parsing.hcl_try import evaluate_try, holds
from tfreview.parsing.plan_configuration import reference_address

NO_KEY: Any = object()  # a data source read without an instance key (`data_attribute`)

# What evaluating an expression Terraform accepts may still raise here: a chain of locals deeper than Python's
# stack (RecursionError), a value of a shape no handler expected. Caught per attribute: that attribute is
# unknown and noted, the rest of the resource is reviewed (a deep tag used to leave a public bucket unread).
EVALUATION_ERRORS = (AttributeError, IndexError, KeyError, TypeError, ValueError, ArithmeticError, RecursionError)

RESOURCE_META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "provider"})
RESOURCE_META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})


@dataclass(frozen=True, slots=True)
class Input:
    """A variable's value as a module call (or tfvars) gives it, with the references it carries.

    `defaulted`: the variables (`var.create`, `module.m.var.create`) whose declared default the value is or
    is built from, none when a caller, tfvars or a literal set it (ADR 0360). `collection`: the variable's `type`
    is a list, set or map, which Terraform's `==` never finds equal to a `[…]` tuple or `{…}` object (ADR 0554).
    `nodes`: the blast-radius graph nodes beyond resources the value carries, whole modules and module outputs
    (`db = module.db`), which `hcl_graph` follows where the variable is used (ADR 0709)."""

    value: Any
    references: tuple[str, ...] = ()
    defaulted: tuple[str, ...] = ()
    collection: bool = False
    nodes: tuple[str, ...] = ()


@dataclass(slots=True)
class Scope:
    """What `var.*` and `local.*` mean inside one module instance."""

    variables: Mapping[str, Input] = field(default_factory=dict)
    local_expressions: Mapping[str, Any] = field(default_factory=dict)
    prefix: str = ""  # "module.a." inside module a, 'module.a["x"].' inside its instance "x"
    instance: Mapping[str, Any] = field(default_factory=dict)  # `count`/`each` of the instance evaluated
    # the root defaults its `count`/`for_each` was built from, which `count.*`/`each.*` carry too (ADR 0360)
    instance_defaults: tuple[str, ...] = ()
    _locals: dict[str, Input] = field(default_factory=dict)
    _resolving: set[str] = field(default_factory=set)
    # local name -> why its value was too large to hold (ADR 0411): it reads as unknown
    oversized_locals: dict[str, str] = field(default_factory=dict)
    # `data.<type>.<name>.<attribute>` known from source (policy documents: hcl_policy_documents), else None
    data_attribute: Callable[..., Input | None] | None = None  # (type, name, attribute[, instance key])

    def opened(self, only: AbstractSet[str] | None = None) -> Scope | None:
        """This scope with every variable that holds (or is built from) a root variable's declared default made
        unknown, as setting it from outside leaves it before plan; `only`: of those defaults alone. None when
        no variable holds such a default (ADR 0360)."""

        def opens(given: Input) -> bool:
            return bool(given.defaulted) and (only is None or not only.isdisjoint(given.defaulted))

        if not any(opens(given) for given in self.variables.values()):
            return None
        variables = {name: Input(UNKNOWN) if opens(given) else given for name, given in self.variables.items()}
        return Scope(
            variables,
            self.local_expressions,
            self.prefix,
            self.instance,
            self.instance_defaults,
            data_attribute=self.data_attribute,
            oversized_locals=self.oversized_locals,
        )

    def local(self, name: str) -> Input:
        if name in self._locals:
            return self._locals[name]
        expression = self.local_expressions.get(name)
        if expression is None or name in self._resolving:
            return Input(UNKNOWN)
        if not self._resolving:
            self._resolve_needed(name)
            if name in self._locals:
                return self._locals[name]
        self._resolving.add(name)
        evaluator = Evaluator(self)
        try:
            value = evaluator.evaluate(expression)
        finally:  # raised past (too deep): asked again, it is evaluated again, not taken for a cycle
            self._resolving.discard(name)
        too_large = oversized(value)
        if too_large is not None:  # doubled through a chain of locals, it would be walked 2^n times
            self.oversized_locals[name] = too_large
            value = UNKNOWN
        self._locals[name] = Input(value, tuple(evaluator.references), tuple(dict.fromkeys(evaluator.defaults)))
        return self._locals[name]

    def _resolve_needed(self, name: str) -> None:
        """Evaluate the locals `name` needs, and those they need, before it, the furthest down first, so that
        a chain of locals (`a2 = [local.a1]`, `a1 = [local.a0]`, …) costs no stack depth per link: Terraform
        walks locals as a graph, and a chain of a hundred used to exhaust Python's stack."""
        order, seen = [name], {name}
        for current in order:  # grows as it goes: breadth first over the locals named in each expression
            for needed in _local_names(self.local_expressions[current]):
                if needed not in seen and needed in self.local_expressions and needed not in self._locals:
                    seen.add(needed)
                    order.append(needed)
        for needed in reversed(order[1:]):
            if needed not in self._locals:
                self.local(needed)


def _local_names(expression: Any) -> list[str]:
    """The names of the locals an expression refers to (`local.x`, `local.x.y[0]`: x), walked without recursion."""
    names: list[str] = []
    stack = [expression]
    while stack:
        node = stack.pop()
        if not hasattr(node, "children"):
            continue
        if node.lark_name() == "get_attr_expr_term":
            found = traversal(node)
            if found is not None and found[0] == "local" and found[1] and found[1][0][0] == "attr":
                names.append(str(found[1][0][1]))
        stack.extend(child for child in node.children if child is not None)
    return names


@dataclass(slots=True)
class BodyValues:
    """A block body in plan shape: values with UNKNOWN inside, and per top-level key the references.
    `conditional`: the `dynamic` blocks empty only by root defaults, in this body or any block in it, each as
    this body's values with the block added — not in `values` (ADR 0407, 0422). `open`: the `dynamic` blocks
    whose `for_each` is unknown (UNKNOWN in `values`), in this body or any block in it, each as this body's values
    without the block and with one (ADR 0452)."""

    values: dict[str, Any]
    references: dict[str, tuple[str, ...]]
    conditional: list[GatedBlock] = field(default_factory=list)
    open: list[OpenDynamic] = field(default_factory=list)


class Evaluator:
    """Evaluates expressions of one scope; `references` collects what they refer to."""

    def __init__(self, scope: Scope, bound: frozenset[str] = frozenset(), closed: bool = False) -> None:
        self.scope = scope
        # reading the content of an open `dynamic` block: the open blocks inside it are not read (ADR 0452)
        self.closed = closed
        self.references: list[str] = []
        self.bound = bound  # names of `for` iterators and `dynamic` blocks, which are not resources
        self.failures = 0  # steps Terraform would reject (a missing key, a bad argument): what `try` skips
        self.defaults: list[str] = []  # the defaulted variables read (`Input.defaulted` of each `var.x`)
        # (attribute path, reason) of the attributes whose evaluation raised: read as unknown (EVALUATION_ERRORS)
        self.unreadable: list[tuple[str, str]] = []

    def fresh(self) -> Evaluator:
        """An evaluator of the same scope and bound names, with its own references and failures."""
        return Evaluator(self.scope, self.bound, self.closed)

    def opened(self, only: AbstractSet[str] | None = None) -> Evaluator | None:
        """An evaluator of this scope with the root defaults (`only` those) unknown (`Scope.opened`); None when
        no variable holds such a default."""
        scope = self.scope.opened(only)
        return None if scope is None else Evaluator(scope, self.bound, self.closed)

    def binding(self, names: Mapping[str, Any]) -> Evaluator:
        """An evaluator of the same scope in which `names` (a `for` expression's iterators) hold values."""
        scope = replace(self.scope, instance={**self.scope.instance, **names})
        return Evaluator(scope, self.bound - names.keys(), self.closed)

    def evaluate(self, node: Any) -> Any:
        kind = node.lark_name()
        handler = _HANDLERS.get(kind)
        if handler is None:
            self.collect(node)
            return UNKNOWN
        return handler(self, node)

    def collect(self, node: Any) -> None:
        """Record the references of an expression that is not evaluated."""
        if not hasattr(node, "children"):
            return
        if node.lark_name() in ("for_tuple_expr", "for_object_expr"):
            saved = self.bound
            self.bound = saved | _iterators(node)
            for child in node.children:
                if child is not None:
                    self.collect(child)
            self.bound = saved
            return
        if node.lark_name() in ("get_attr_expr_term", "index_expr_term") or _bare_identifier(node):
            steps = traversal(node)
            if steps is not None:
                self._resolve(*steps)
                return
        for child in node.children:
            if child is not None:
                self.collect(child)

    # -- traversals: var.x, local.y["k"], aws_s3_bucket.b.arn --------------------------------------

    def _resolve(self, root: str, steps: list[tuple[str, Any]]) -> Any:
        if root in self.scope.instance and root not in self.bound:  # count.index, each.key, each.value
            if root in ("count", "each"):  # not a `for` or `dynamic` iterator, which `binding` puts there too
                self.defaults.extend(self.scope.instance_defaults)
            return self._walk(self.scope.instance[root], steps)
        if root == "var" and steps and steps[0][0] == "attr":
            given = self.scope.variables.get(steps[0][1], Input(UNKNOWN))
            self.references.extend(given.references)
            self.defaults.extend(given.defaulted)
            return self._walk(given.value, steps[1:])
        if root == "local" and steps and steps[0][0] == "attr":
            found = self.scope.local(steps[0][1])
            self.references.extend(found.references)
            self.defaults.extend(found.defaulted)
            return self._walk(found.value, steps[1:])
        if root == "data" and self.scope.data_attribute is not None and _attrs(steps[:3]):
            known = self.scope.data_attribute(*(str(value) for _, value in steps[:3]))
            if known is not None:
                self.references.append(f"{strip_index(self.scope.prefix)}data.{steps[0][1]}.{steps[1][1]}")
                return self._walk(known.value, steps[3:])
        if root == "data" and self.scope.data_attribute is not None and _keyed_attrs(steps[:4]):
            # `data.<type>.<name>[key].<attribute>`: one instance of a data source with count/for_each (ADR 0735)
            key = self.evaluate(steps[2][1])
            known = self.scope.data_attribute(str(steps[0][1]), str(steps[1][1]), str(steps[3][1]), key)
            if known is not None:
                self.references.append(f"{strip_index(self.scope.prefix)}data.{steps[0][1]}.{steps[1][1]}")
                return self._walk(known.value, steps[4:])
        names = [root] + [str(value) for kind, value in steps if kind == "attr"]
        address = reference_address(".".join(names))
        if address is not None and root not in self.bound and ("_" in root or root == "data"):
            self.references.append(strip_index(self.scope.prefix) + address)  # graph nodes are config addresses
        for kind, value in steps:
            if kind == "index":
                self.collect(value)
        return UNKNOWN

    def _walk(self, value: Any, steps: list[tuple[str, Any]]) -> Any:
        for kind, step in steps:
            key = step if kind == "attr" else self.evaluate(step)
            if value is UNKNOWN or key is UNKNOWN:
                return UNKNOWN
            found = index_value(value, key)
            if found is UNKNOWN and not holds(value, key):
                self.failures += 1
            value = found
        return value

    # -- literals ---------------------------------------------------------------------------------

    def _expr_term(self, node: Any) -> Any:
        inner = node.expression
        if inner.lark_name() == "identifier":
            return self._resolve(token_text(inner), [])
        return self.evaluate(inner)

    def _string(self, node: Any) -> Any:
        if len(node.string_parts) == 1 and node.string_parts[0].content.lark_name() == "interpolation":
            # `"${expr}"` alone is the value of `expr`, not its text (HCL: template interpolation unwrapping):
            # `"${1}" == 1` (ADR 0735), and `"${null}"` is null — an argument set to it is unset, its provider
            # default applies. A list or an object is the collection itself (`"${[…]}"`, `"${{…}}"`, `"${var.list}"`
            # as Terraform 0.11 wrote it; ADR 0758).
            value = self.evaluate(node.string_parts[0].content.expression)
            if value is None or isinstance(value, (bool, int, float, list, Mapping)):
                return value
            text = to_template_string(value)
            return UNKNOWN if text is UNKNOWN or len(text) > MAX_VALUE_SIZE else text
        parts: list[Any] = []
        for part in node.string_parts:
            content = part.content
            kind = content.lark_name()
            if kind == "STRING_CHARS":
                parts.append(unescape(str(content.value)))
            elif kind in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):  # `$${x}` is the text `${x}`
                parts.append(unescape(str(content.value)[1:]))
            elif kind == "interpolation":
                parts.append(to_template_string(self.evaluate(content.expression)))
            else:  # %{ if } / %{ for } directives
                self.collect(content)
                parts.append(UNKNOWN)
        if any(p is UNKNOWN for p in parts):
            return UNKNOWN
        size = sum(len(p) for p in parts)
        if size > MAX_VALUE_SIZE:
            return UNKNOWN  # too long: a string doubled through locals filled the memory (ADR 0411)
        if len(parts) > 1 and not evaluation_budget.take_built(size):
            return UNKNOWN  # a new string each time: a read's templates build so much at most (review24)
        return "".join(parts)

    def _heredoc(self, node: Any) -> Any:
        body = heredoc_body(str(node.children[0].value))
        return UNKNOWN if body is None else evaluate_template(self, body)

    def _int(self, node: Any) -> Any:
        return number_literal(str(node.children[0].value))

    def _float(self, node: Any) -> Any:
        return normalise_number(float(str(node.children[0].value)))

    def _literal(self, node: Any) -> Any:
        return {"true": True, "false": False, "null": None}.get(str(node.children[0].value), UNKNOWN)

    def _tuple(self, node: Any) -> Any:
        return [self.evaluate(element) for element in node.elements]

    def _object(self, node: Any) -> Any:
        out: dict[str, Any] = {}
        unknown = False
        for element in node.elements:
            key_node = element.key
            if key_node.lark_name() == "object_elem_key":
                inner = key_node.value
                key: Any = self._string(inner) if inner.lark_name() == "string" else token_text(inner)
            else:
                key = self.evaluate(key_node.expression)
                if isinstance(key, (int, float)) and not isinstance(key, bool):
                    key = str(normalise_number(key))
            value = self.evaluate(element.expression)
            if not isinstance(key, str):
                unknown = True
                continue
            out[key] = value
        return UNKNOWN if unknown else out

    # -- operations -------------------------------------------------------------------------------

    def _function(self, node: Any) -> Any:
        name = "::".join(token_text(identifier) for identifier in node.identifiers)
        arguments = node.arguments
        if name in ("try", "can") and arguments is not None and not arguments.has_ellipsis:
            return evaluate_try(self, list(arguments.arguments), can=name == "can")
        values = [self.evaluate(a) for a in arguments.arguments] if arguments is not None else []
        if arguments is not None and arguments.has_ellipsis:
            return UNKNOWN
        text = sum(len(v) for v in values if type(v) is str)
        if text and not evaluation_budget.take_text(text):
            return UNKNOWN  # a read's functions take in so much text at most (review24)
        try:
            return attempt(name, values)
        except FunctionError:
            self.failures += 1
            return UNKNOWN

    def _conditional(self, node: Any) -> Any:
        condition = self.condition(self.evaluate(node.condition))
        before = self.failures
        if_true = self.evaluate(node.if_true)
        after_true = self.failures
        if_false = self.evaluate(node.if_false)
        if condition is True:
            self.failures = after_true  # an error in the branch not taken is no error
            return if_true
        if condition is False:
            self.failures = before + self.failures - after_true
            return if_false
        return UNKNOWN

    def condition(self, value: Any) -> Any:
        """`value` as a condition: True, False or UNKNOWN. One Terraform cannot convert to a bool, or null, is an
        error there ("Incorrect condition type", "Null condition"): UNKNOWN here, and a failure (`try` skips it)."""
        converted = as_bool(value)
        if converted is NOT_A_BOOL or converted is None:
            self.failures += 1
            return UNKNOWN
        return converted

    def _unary(self, node: Any) -> Any:
        operand = self.evaluate(node.expr_term)
        operator = node.operator.strip()
        if operator == "-" and (number := operand_number(operand)) is not None:
            return -number
        if operator == "-" and not contains_unknown(operand):
            self.failures += 1  # `-"a"`, `-null`: Terraform needs a number (ADR 0758)
            return UNKNOWN
        if operator == "!":
            operand = self.condition(operand)  # `!` takes a bool as a condition does; null is an error too
            return not operand if isinstance(operand, bool) else UNKNOWN
        return UNKNOWN

    def _binary(self, node: Any) -> Any:
        left = self.evaluate(node.expr_term)
        operator = str(node.binary_term.binary_operator.token.value).strip()
        right = self.evaluate(node.binary_term.expr_term)
        if operator in ("&&", "||"):
            value, failed = logical(operator, left, right)  # `false && unknown` is false, as Terraform has it
            self.failures += failed
            return value
        if contains_unknown(left) or contains_unknown(right):
            return UNKNOWN
        if operator in ("==", "!=") and self._kinds_differ(node.expr_term, node.binary_term.expr_term):
            return operator == "!="
        value, failed = operated(operator, left, right)  # `0 / 0`, `"a" + 1`: errors `try` falls back from (ADR 0758)
        self.failures += failed
        return value

    def _kinds_differ(self, left: Any, right: Any) -> bool:
        """One side a list, set or map (a variable of that `type`, a `tolist`/`toset`/`tomap` call), the other a
        `[…]` or `{…}` literal (a tuple, an object): two types, so never equal in Terraform, whatever the values
        (`var.subnets == []` is false for an empty `list(string)`; ADR 0554)."""
        return (_constructor(left) and self._collection(right)) or (_constructor(right) and self._collection(left))

    def _collection(self, node: Any) -> bool:
        node = _unparenthesised(node)
        if node.lark_name() == "function_call":
            return "::".join(token_text(identifier) for identifier in node.identifiers) in _CONVERTERS
        steps = traversal(node) if node.lark_name() == "get_attr_expr_term" else None
        if steps is None or steps[0] != "var" or len(steps[1]) != 1:
            return False
        given = self.scope.variables.get(str(steps[1][0][1]))
        return given is not None and given.collection

    def _splat(self, node: Any) -> Any:
        self.collect(node)
        return UNKNOWN

    # -- bodies -----------------------------------------------------------------------------------

    def body(self, body: Any, *, top_level: bool = False) -> BodyValues:
        """A block body as plan JSON shapes it: attributes as values, nested blocks as lists of objects."""
        values: dict[str, Any] = {}
        references: dict[str, list[str]] = {}
        dynamic: list[str] = []
        own: list[tuple[str, BlockValues, tuple[str, ...]]] = []  # gated `dynamic` blocks of this body
        nested: list[tuple[str, int, GatedBlock]] = []  # gated blocks inside the block at values[type][index]
        unknown_own: list[tuple[str, BlockValues]] = []  # `dynamic` blocks of this body with an unknown for_each
        unknown_nested: list[tuple[str, int, OpenDynamic]] = []  # open blocks inside the block at values[type][index]
        for item in body_items(body):
            self.references = []
            if isinstance(item, Attribute):
                if top_level and item.name in RESOURCE_META_ARGUMENTS:
                    continue
                name = item.name
                values[name] = self.attribute(item)
            else:
                if top_level and item.kind in RESOURCE_META_BLOCKS:
                    continue
                name = item.labels[0] if item.kind == "dynamic" and item.labels else item.kind
                expanded = expand_dynamic(self, item) if item.kind == "dynamic" else None
                if expanded is not None:
                    blocks = values.setdefault(name, [])  # in source order among static blocks
                    nested.extend(
                        (name, len(blocks) + i, gated) for i, b in enumerate(expanded) for gated in b.conditional
                    )
                    unknown_nested.extend(
                        (name, len(blocks) + i, inner) for i, b in enumerate(expanded) for inner in b.open
                    )
                    blocks.extend(b.values for b in expanded)
                    if not expanded and (opened := conditional_dynamic(self, item)) is not None:
                        own.append((name, *opened))
                elif item.kind == "dynamic":
                    saved = self.bound
                    self.bound = saved | {name, iterator_name(item)}
                    self.collect(item.body)
                    self.bound = saved
                    dynamic.append(name)
                    if not self.closed and (content := open_dynamic(self, item)) is not None:
                        unknown_own.append((name, content))
                else:
                    blocks = values.setdefault(name, [])
                    block = self._block(item)
                    nested.extend((name, len(blocks), gated) for gated in block.conditional)
                    unknown_nested.extend((name, len(blocks), inner) for inner in block.open)
                    blocks.append(block.values)
            if self.references:
                references.setdefault(name, []).extend(self.references)
        known = {name: values[name] for name, _, _ in own if isinstance(values.get(name), list)}
        known.update((name, values[name]) for name, _, _ in nested if isinstance(values.get(name), list))
        beside, unknown_own = open_known(values, dynamic, unknown_own, unknown_nested)
        for name in dynamic:
            values[name] = UNKNOWN  # its blocks depend on a for_each known only at plan time
        self.references = []
        conditional = gated_blocks(values, known, own, nested) if own or nested else []
        unknown = open_blocks(values, beside, unknown_own, unknown_nested) if unknown_own or unknown_nested else []
        return BodyValues(values, {k: tuple(dict.fromkeys(v)) for k, v in references.items()}, conditional, unknown)

    def attribute(self, item: Attribute) -> Any:
        """The value of an attribute; unknown, and listed in `unreadable`, when it raises or is too large."""
        try:
            value = self.evaluate(item.expression)
        except EVALUATION_ERRORS as exc:
            reason = "nested too deeply to evaluate" if isinstance(exc, RecursionError) else type(exc).__name__
            self.unreadable.append((item.name, reason))
            return UNKNOWN
        too_large = oversized(value)
        if too_large is not None:
            self.unreadable.append((item.name, too_large))
            return UNKNOWN
        return value

    def _block(self, block: Block) -> BodyValues:
        collected = self.references
        nested = Evaluator(self.scope, self.bound, self.closed)
        result = nested.body(block.body)
        self.unreadable.extend((f"{block.kind}.{path}", reason) for path, reason in nested.unreadable)
        for found in result.references.values():
            collected.extend(found)
        self.references = collected
        return result


def _attrs(steps: list[tuple[str, Any]]) -> bool:
    return len(steps) == 3 and all(kind == "attr" for kind, _ in steps)


def _keyed_attrs(steps: list[tuple[str, Any]]) -> bool:
    return len(steps) == 4 and [kind for kind, _ in steps] == ["attr", "attr", "index", "attr"]


def _iterators(node: Any) -> frozenset[str]:
    names: set[str] = set()
    for child in node.children:
        if child is not None and hasattr(child, "lark_name") and child.lark_name() == "for_intro":
            names.add(token_text(child.first_iterator))
            if child.second_iterator is not None:
                names.add(token_text(child.second_iterator))
    return frozenset(names)


def _bare_identifier(node: Any) -> bool:
    return bool(node.lark_name() == "expr_term" and node.expression.lark_name() == "identifier")


def _traverse(evaluator: Evaluator, node: Any) -> Any:
    steps = traversal(node)
    if steps is None:  # a traversal of a computed value: (expr).attr, [1, 2][0]
        base = node.children[0]
        value = evaluator.evaluate(base)
        step = node.children[1]
        if step.lark_name() == "get_attr":
            return evaluator._walk(value, [("attr", token_text(step.identifier))])
        if step.lark_name() == "short_index":
            return evaluator._walk(value, [("attr", legacy_index(str(step.index.value)))])
        return evaluator._walk(value, [("index", step.index_expression)])
    return evaluator._resolve(*steps)


_CONVERTERS = frozenset({"tolist", "toset", "tomap"})  # their results are lists, sets, maps: never tuples or objects


def _unparenthesised(node: Any) -> Any:
    while node.lark_name() == "expr_term":
        node = node.expression
    return node


def _constructor(node: Any) -> bool:
    """A `[…]` or `{…}` literal: a tuple or an object to Terraform."""
    return _unparenthesised(node).lark_name() in ("tuple", "object")


_HANDLERS: dict[str, Any] = {
    "expr_term": Evaluator._expr_term,
    "string": Evaluator._string,
    "heredoc_template": Evaluator._heredoc,
    "heredoc_template_trim": Evaluator._heredoc,
    "int_lit": Evaluator._int,
    "float_lit": Evaluator._float,
    "literal_value": Evaluator._literal,
    "tuple": Evaluator._tuple,
    "object": Evaluator._object,
    "function_call": Evaluator._function,
    "conditional": Evaluator._conditional,
    "unary_op": Evaluator._unary,
    "binary_op": Evaluator._binary,
    "get_attr_expr_term": _traverse,
    "index_expr_term": _traverse,
    "attr_splat_expr_term": Evaluator._splat,
    "full_splat_expr_term": Evaluator._splat,
    "identifier": lambda evaluator, node: evaluator._resolve(token_text(node), []),
    "for_tuple_expr": evaluate_for,
    "for_object_expr": evaluate_for,
}
