"""Which state rules judge a resource by its own values alone, and which changes leave those values alike.

A resource whose two sides are alike (a no-op: the same values, nothing unknown, the same sensitivity) gets
the same hits on both sides from a rule that reads nothing but those values: the engine runs such a rule on the
after side only and replays its hits on the before side (ADR 0470). A rule that reads anything else does run on
both sides: the snapshot (other resources, which may differ between the sides), or the `Resource` fields the two
sides are built with differently (`configured`, `unknown`, `known_prefixes`: the plan's configuration, its
unknown mask and HCL's known prefixes are given to the after side only).

What a rule reads is found from its code, once per check function:

* a declarative rule's check is a closure of `core.condition_compiling` / `core.condition_judging` /
  `core.conditions`: it never reads the snapshot, and reads `configured` and `known_prefixes` only for a value
  that is unknown (`Resource.setting_of`'s rule), which an alike resource has none of;
* a Python rule's check must be a plain function that never loads its snapshot parameter (so no code it calls
  can reach the snapshot), and neither its module nor the rule-library modules that module names may name
  `configured`, `unknown` or `known_prefixes` (a global or an attribute, in any function or class of theirs).
  `Resource.get`, `lookup` and `setting_of`, which read them from the core, give the same answers on both sides
  of an alike resource: a mask that marks nothing reads as no mask. Anything the code cannot show (a
  `functools.partial`, a callable object, `locals()`, `eval`) counts as reading the snapshot.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from opcode import opmap as _OPMAP
from types import CodeType, FunctionType, ModuleType
from typing import Any

from tfreview.core.plan import ChangeKind, ResourceChange
from tfreview.core.rules import Rule

# names whose presence in a rule's code means it may read what the two sides are built with differently, or
# reach its caller's frame
_SIDE_FIELDS = frozenset({"configured", "unknown", "known_prefixes"})
_FRAME_READERS = frozenset({"locals", "vars", "eval", "exec", "_getframe", "currentframe", "f_locals", "f_back"})
_CONDITION_MODULES = frozenset(
    {"tfreview.core.condition_compiling", "tfreview.core.condition_judging", "tfreview.core.conditions"}
)
_LIBRARY = "tfreview.rules"

_alone: dict[Any, bool] = {}  # check function -> judged by its resource's values alone
_module_clean: dict[str, bool] = {}  # module name -> neither it nor a library module it reaches names a side field
_modules: dict[str, tuple[bool, tuple[str, ...]]] = {}  # module name -> (its own code clean, library modules named)


def reads_values_alone(rule: Rule) -> bool:
    """True when the rule's check reads nothing of a resource but what is alike on the two sides of an alike
    resource, and nothing of the snapshot (found once per check function)."""
    check = rule.check
    if check is None:
        return False
    known = _alone.get(check)
    if known is None:
        known = _alone[check] = _judge(check)
    return known


def sides_alike(change: ResourceChange) -> bool:
    """True when the change's two sides make resources a values-alone rule cannot tell apart: both sides present,
    equal values of the same JSON types with nothing unknown in them or in the after side's unknown mask, and
    equal sensitivity masks (ADR 0470)."""
    kind = change.kind
    if kind is ChangeKind.CREATE or kind is ChangeKind.DELETE:
        return False
    before, after = change.before, change.after
    if before is None or after is None or before != after:  # `!=` in C first: most updates differ at once
        return False
    return (
        not _marks(change.after_unknown)
        and _same_json(before, after)
        and change.before_sensitive == change.after_sensitive
        and _same_json(change.before_sensitive, change.after_sensitive)
    )


def _marks(mask: Any) -> bool:
    """True when an unknown mask is `true` anywhere (the whole mask walked: no bound, unlike `holds_unknown`)."""
    stack = [mask]
    while stack:
        node = stack.pop()
        if node is True:
            return True
        kind = type(node)
        if kind is dict:
            stack.extend(node.values())
        elif kind is list:
            stack.extend(node)
        elif node is not None and kind is not bool:
            return True  # not a mask's shape: taken as marking something, never as marking nothing
    return False


_LEAVES = (str, int, float, bool, type(None))


def _same_json(left: Any, right: Any) -> bool:
    """For `left == right`: True when the two also have the same types all the way down (`1`, `1.0` and `true`
    are equal in Python but not to a rule) and hold nothing but JSON values (no UNKNOWN)."""
    stack = [(left, right)]
    while stack:
        one, other = stack.pop()
        kind = type(one)
        if kind is not type(other):
            return False
        if kind is dict:
            for key, value in one.items():
                if type(key) is not str:
                    return False
                theirs = other[key]
                if type(value) is str and type(theirs) is str:
                    continue  # the common leaf, without a push
                stack.append((value, theirs))
        elif kind is list:
            stack.extend(zip(one, other, strict=True))
        elif kind not in _LEAVES:
            return False
    return True


def _judge(check: Any) -> bool:
    if type(check) is not FunctionType:
        return False
    module = check.__module__
    if module in _CONDITION_MODULES:
        return True
    code = check.__code__
    if code.co_argcount < 2 or _loads(code, code.co_varnames[1]):
        return False
    return _clean(module)


def _loads(code: CodeType, name: str) -> bool:
    """True when the function's own code reads local `name` (or hands it to a closure, or may reach its frame)."""
    if name in code.co_cellvars or not _FRAME_READERS.isdisjoint(code.co_names):
        return True
    index = code.co_varnames.index(name)
    if sys.version_info[:2] == (3, 11) and index < 256:
        # the bytecode as two-byte units (an opcode, its argument; `co_code` has no specialised instructions):
        # an access to local `index` is one of the three `*_FAST` units with that argument, not after an
        # EXTENDED_ARG (which would make it a local past 255)
        raw = code.co_code
        for opname in ("LOAD_FAST", "STORE_FAST", "DELETE_FAST"):
            unit = bytes((_OPMAP[opname], index))
            at = raw.find(unit)
            while at != -1:
                if at % 2 == 0 and (at == 0 or raw[at - 2] != _OPMAP["EXTENDED_ARG"]):
                    return True
                at = raw.find(unit, at + 1)
        return False
    import dis  # other interpreters: their own instruction set, read through `dis`

    for instruction in dis.get_instructions(code):
        if "FAST" in instruction.opname or "CLOSURE" in instruction.opname:
            value = instruction.argval
            if value == name or (isinstance(value, tuple) and name in value):
                return True
    return False


def _clean(name: str) -> bool:
    """True when the module and the rule-library modules it names (followed through) name no side field."""
    known = _module_clean.get(name)
    if known is None:
        seen = {name}
        pending = [name]
        known = True
        while pending and known:
            clean, neighbours = _own(pending.pop())
            known = clean
            for neighbour in neighbours:
                if neighbour not in seen:
                    seen.add(neighbour)
                    pending.append(neighbour)
        _module_clean[name] = known
    return known


def _own(name: str) -> tuple[bool, tuple[str, ...]]:
    """Whether the module's own functions and classes name no side field, and the library modules it names."""
    found = _modules.get(name)
    if found is not None:
        return found
    module = sys.modules.get(name)
    clean = module is not None
    neighbours: dict[str, None] = {}
    for value in _members(vars(module).values()) if module is not None else ():
        if isinstance(value, ModuleType):
            if value.__name__.startswith(_LIBRARY):
                neighbours[value.__name__] = None
            continue
        owner = getattr(value, "__module__", None)
        if not isinstance(owner, str) or not (owner == name or owner.startswith(_LIBRARY)):
            continue  # the standard library's, the core's (argued in the module's docstring)
        if owner != name:
            neighbours[owner] = None
        elif clean and not all(_code_clean(code) for code in _codes_of(value)):
            clean = False
    found = _modules[name] = (clean, tuple(neighbours))
    return found


def _members(values: Iterable[Any]) -> Iterator[Any]:
    """A module's globals, with what a wrapper (`lru_cache`, `partial`) or a container (a table of functions)
    holds, one level down."""
    for value in values:
        yield value
        wrapped = getattr(value, "__wrapped__", None) or getattr(value, "func", None)
        if wrapped is not None:
            yield wrapped
        if type(value) in (dict, list, tuple, set, frozenset):
            for item in value.values() if type(value) is dict else value:
                if isinstance(item, (FunctionType, type)):
                    yield item


def _codes_of(value: Any) -> list[CodeType]:
    """The code objects of a function, or of every function and property of a class."""
    if isinstance(value, FunctionType):
        return [value.__code__]
    if isinstance(value, type):
        codes: list[CodeType] = []
        for member in vars(value).values():
            for held in (member.fget, member.fset) if isinstance(member, property) else (member,):
                target = getattr(held, "__func__", held)  # staticmethod, classmethod
                if isinstance(target, FunctionType):
                    codes.append(target.__code__)
        return codes
    return []


def _code_clean(code: CodeType) -> bool:
    stack = [code]
    while stack:
        current = stack.pop()
        names = current.co_names
        if not _SIDE_FIELDS.isdisjoint(names) or not _FRAME_READERS.isdisjoint(names):
            return False
        stack.extend(const for const in current.co_consts if isinstance(const, CodeType))
    return True
