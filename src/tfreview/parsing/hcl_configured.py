"""What a read of a Terraform tree gives (`hcl_configuration.read_configuration`): each managed resource instance
as a `ConfiguredResource` with its values in plan JSON shape, and the `Configuration` that holds them with what
the read noted, skipped, and found for the blast-radius graph.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tfreview.core.plan import InlineSuppression, Location

# a `dynamic` block with an unknown `for_each`: (path, type, values without a block and their unknown mask, values
# with one block and their unknown mask), judged both ways (ADR 0452)
OpenValues = tuple[str, str, dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class ConfiguredResource:
    address: str
    type: str
    name: str
    module_address: str | None
    values: dict[str, Any]
    unknown: dict[str, Any]
    references: dict[str, tuple[str, ...]]
    location: Location
    prevent_destroy: bool
    suppressions: tuple[InlineSuppression, ...]
    unknown_sources: tuple[tuple[str, str], ...]  # (item, source) of items whose value is unknown
    # top-level attribute → the text its unknown string value is known to start with (ADR 0330)
    known_prefixes: Mapping[str, str] = field(default_factory=dict)
    # the root variables whose defaults leave it out (by its count/for_each or a module call's): it exists
    # only when -var, TF_VAR_ or tfvars outside the tree set them (ADR 0360)
    condition: tuple[str, ...] = ()
    # nested blocks that exist only when a caller sets root variables: (path, values, unknown, condition) of the
    # resource with that one block added, reviewed apart (ADR 0407)
    conditional_blocks: tuple[tuple[str, dict[str, Any], dict[str, Any], tuple[str, ...]], ...] = ()
    # `dynamic` blocks whose for_each is unknown: (path, type, values without a block and their unknown mask,
    # values with one block and their unknown mask), judged both ways (ADR 0452)
    open_blocks: tuple[OpenValues, ...] = ()


@dataclass(slots=True)
class Configuration:
    resources: dict[str, ConfiguredResource] = field(default_factory=dict)
    files_parsed: list[str] = field(default_factory=list)
    files_skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sensitive_values: set[str] = field(default_factory=set)  # of `sensitive = true` variables and outputs
    moved: list[tuple[str, str]] = field(default_factory=list)  # (from, to) of each `moved` block (ADR 0518)
    forgotten: list[str] = field(default_factory=list)  # `from` of each `removed` block with `destroy = false`
    imports: list[tuple[str, str | None]] = field(default_factory=list)  # (to, id) of the root's `import` blocks
    # blast-radius graph edges beyond resources' references (hcl_graph): outputs, whole modules, a resource's
    # module outputs and `depends_on`, data sources; and (resource, module) of each `depends_on = [module.m]`
    graph: dict[str, dict[str, None]] = field(default_factory=dict)
    module_dependents: list[tuple[str, str]] = field(default_factory=list)
    # config addresses of the data sources read (for references only: they are not changes), which a
    # `depends_on = [module.m]` waits for as it waits for the resources in module.m (ADR 0710)
    data_sources: dict[str, None] = field(default_factory=dict)
