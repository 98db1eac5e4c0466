"""The blast radius of a destroy or replace: what depends on the resource that goes.

The change set carries a dependency graph (`ChangeSet.dependencies`): node → the nodes its configuration
refers to. Nodes are configuration addresses: resources (`module.db.aws_db_instance.main`), data sources,
outputs (`output.url`, `module.db.output.endpoint`), module inputs (`module.app.var.db_host`) and whole modules
(`module.db` → its outputs, as `value = module.db`, `module.db[0]` or `values(module.db)` refer to it; a
`depends_on = [module.db]` refers to every resource in it instead). A plan's `configuration` section gives them
all; an HCL tree gives the resources' references (already followed through module variables) and the rest from
its outputs and `depends_on` (parsing/hcl_graph.py). Locals are not in a plan's configuration, so a chain
through a `local` ends there.

`blast_radius` inverts the graph once and walks it from every destroyed or replaced resource, up to `depth`
resource hops (outputs, module inputs and whole modules pass through without counting as a hop): the resources
that refer to it, directly or through others, and the outputs and modules that expose it. One pass over
the graph to invert it, then a bounded walk per destroy: linear in the graph for the usual handful of
destroys.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tfreview.core.plan import ChangeKind, ChangeSet, ResourceChange, strip_index

DEPTH = 3  # resource hops followed from a destroyed resource
NAMED = 50  # dependents named per destroy (the count says how many there are in all)


@dataclass(frozen=True, slots=True)
class BlastRadius:
    """What a destroyed or replaced resource takes with it."""

    dependents: tuple[str, ...] = ()  # resource addresses, nearest first, at most NAMED
    total: int = 0  # every dependent resource found within DEPTH hops
    direct: int = 0  # of those, the ones whose configuration refers to it directly
    exposed_by: tuple[str, ...] = ()  # outputs (`output.url`) and modules (`module.db`) that expose it

    def __bool__(self) -> bool:
        return bool(self.total or self.exposed_by)


def blast_radius(change_set: ChangeSet, depth: int = DEPTH) -> dict[str, BlastRadius]:
    """Instance address of each destroy/replace → its blast radius (only those that touch something; never a
    deposed object's delete, whose address is the current object's)."""
    if not change_set.dependencies:
        return {}
    # one pass over the changes (10,000s): the kinds compared by identity and the config address read in place,
    # not through the `destroys` and `config_address` properties (two Python calls per change)
    destroyed: list[ResourceChange] = []
    instances: dict[str, list[str]] = {}
    delete, replace = ChangeKind.DELETE, ChangeKind.REPLACE
    for change in change_set.changes:
        if change.mode == "managed":
            address = change.address
            instances.setdefault(strip_index(address) if "[" in address else address, []).append(address)
            kind = change.kind
            # a deposed object's delete takes nothing with it: what refers to the address refers to the current
            # object, which stays (ADR 0616)
            if (kind is delete or kind is replace) and change.deposed is None:
                destroyed.append(change)
    if not destroyed:
        return {}
    dependents = _invert(change_set.dependencies)
    out: dict[str, BlastRadius] = {}
    for change in destroyed:
        radius = _walk(change.config_address, dependents, instances, depth, exclude=change.address)
        if radius:
            out[change.address] = radius
    return out


def _invert(graph: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    inverted: dict[str, list[str]] = {}
    for node, targets in graph.items():
        for target in dict.fromkeys(targets):
            if target != node:
                inverted.setdefault(target, []).append(node)
    return inverted


def _walk(
    start: str, dependents: Mapping[str, list[str]], instances: Mapping[str, list[str]], depth: int, exclude: str
) -> BlastRadius:
    seen = {start}
    queue: deque[tuple[str, int]] = deque([(start, 0)])
    found: list[tuple[int, str]] = []  # (hops, config address) of dependent resources
    exposed: dict[str, None] = {}
    while queue:
        node, hops = queue.popleft()
        for referrer in dependents.get(node, ()):
            if referrer in seen:
                continue
            seen.add(referrer)
            kind = node_kind(referrer)
            if kind == "output":
                exposed[_exposer(referrer)] = None
                queue.append((referrer, hops))
            elif kind in ("input", "module"):
                queue.append((referrer, hops))
            elif hops < depth:
                found.append((hops + 1, referrer))
                queue.append((referrer, hops + 1))
    addresses: list[str] = []
    direct = 0
    for hops, config_address in sorted(found, key=lambda pair: (pair[0], pair[1])):
        names = [a for a in instances.get(config_address, [config_address]) if a != exclude]
        addresses.extend(names)
        if hops == 1:
            direct += len(names)
    return BlastRadius(
        dependents=tuple(addresses[:NAMED]),
        total=len(addresses),
        direct=direct,
        exposed_by=tuple(sorted(exposed)),
    )


def node_kind(node: str) -> str:
    """`output` (an output, root or module), `input` (a module's variable), `module` (a whole module, as
    `value = module.db` refers to it: its outputs), else `resource`."""
    parts = strip_index(node).split(".")
    while len(parts) >= 2 and parts[0] == "module":
        parts = parts[2:]
    if not parts:
        return "module"
    if parts and parts[0] == "output":
        return "output"
    if parts and parts[0] == "var":
        return "input"
    return "resource"


def _exposer(output: str) -> str:
    """`output.url` stays; `module.db.output.endpoint` → `module.db` (the module exposes it to its caller)."""
    head, _, _ = output.rpartition("output.")
    return head.rstrip(".") or output


def enclosing_modules(config_address: str) -> list[str]:
    """The modules a resource is in, outermost first: `module.a.module.b.aws_x.y` → `module.a`, `module.a.module.b`
    (what a `depends_on = [module.a]` waits for is every resource these name)."""
    parts = config_address.split(".")
    return [".".join(parts[:end]) for end in range(2, len(parts) - 1, 2) if parts[end - 2] == "module"]
