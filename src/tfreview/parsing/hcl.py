"""Terraform source (HCL) → ChangeSet, by comparing a base and a head configuration resource by resource.

Only in head → create; only in base → delete; in both → update when the values differ, else no-op.
Values are in plan JSON shape (see `hcl_values`), so the same rules read plans and source.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from tfreview.core.blast import enclosing_modules
from tfreview.core.errors import InputError
from tfreview.core.module_calls import MODULE_CALL_TYPE
from tfreview.core.open_renderings import MAX_COMBINED
from tfreview.core.plan import ChangeSet, ConditionalBlock, Coverage, OpenBlock, ResourceChange, strip_index
from tfreview.core.redact import mask_of
from tfreview.core.sensitive_attributes import merged_mask, source_mask
from tfreview.core.unicode_text import scrub
from tfreview.parsing.hcl_configuration import read_configuration
from tfreview.parsing.hcl_configured import Configuration, ConfiguredResource
from tfreview.parsing.hcl_read_budget import ModuleBudget
from tfreview.parsing.hcl_refactoring import is_forgotten, moved_to
from tfreview.parsing.policy_coverage import policy_notes
from tfreview.parsing.skipped_files import IN_BASE, one_per_file
from tfreview.parsing.source_tree import (
    DirectoryReader,
    MappingReader,
    SourceReader,
    git_reader,
    subdirectories_with_terraform,
)


def changeset_from_sources(
    head: Mapping[str, str], base: Mapping[str, str] | None = None, label: str = ""
) -> ChangeSet:
    """Review texts keyed by relative path ("main.tf", "modules/db/main.tf"); without `base` everything is created."""
    return _compare(
        read_configuration(MappingReader(head)),
        read_configuration(MappingReader(base)) if base is not None else None,
        label,
    )


def compare_configurations(head: Configuration, base: Configuration | None, label: str = "") -> ChangeSet:
    """The change from `base` (None: nothing, everything is created) to `head`, configurations already read (a pull
    request's source reads each side once to learn which files to fetch, and compares what it read)."""
    return _compare(head, base, label)


def load_directory(
    path: str | Path, *, reader: SourceReader | None = None, budget: ModuleBudget | None = None
) -> ChangeSet:
    """Every resource of the configuration in `path` (its own .tf files and the local modules they call), as creates.
    `reader` reads it instead of a plain directory reader (one that records what it read); `budget` bounds the
    module instances read (a root's share of one scan's, ADR 0414 and 0421)."""
    root = _directory(path)
    return _compare(read_configuration(reader or DirectoryReader(root), budget), None, scrub(str(path)))


def load_change(base: str | Path, head: str | Path) -> ChangeSet:
    """The change from `base` (a directory, or a git revision of the repository holding `head`) to `head`."""
    head_root = _directory(head)
    base_path = Path(base)
    reader: SourceReader = DirectoryReader(base_path) if base_path.is_dir() else git_reader(head_root, str(base))
    return _compare(read_configuration(DirectoryReader(head_root)), read_configuration(reader), f"{base}..{head}")


def _directory(path: str | Path) -> Path:
    root = Path(path)
    if not root.exists():
        raise InputError("no such file or directory", path=str(path))
    if not root.is_dir():
        raise InputError("not a directory; give the directory holding the .tf files", path=str(path))
    if not _holds_tf(root):
        below = subdirectories_with_terraform(root)
        hint = f" (subdirectories with .tf files: {', '.join(below)}; scan one of them)" if below else ""
        raise InputError(f"no .tf files in {path}{hint}")
    return root


def _holds_tf(root: Path) -> bool:
    """A `.tf` entry that is not a folder directly in `root` (a FIFO or device counts: the review lists it, ADR 0423).
    Streamed: a glob listed the folder whole, every entry of a folder of millions of other files (review17b)."""
    try:
        with os.scandir(root) as entries:
            return any(entry.name.endswith(".tf") and not _folder(entry) for entry in entries)
    except OSError:
        return False


def _folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # a link to a folder is one, as Path.is_dir() says
    except OSError:
        return False


def _compare(head: Configuration, base: Configuration | None, label: str) -> ChangeSet:
    skipped = list(head.files_skipped)
    notes = list(head.notes)
    before = base.resources if base is not None else {}
    if base is not None:
        skipped.extend((path, f"{IN_BASE}{reason}") for path, reason in base.files_skipped)
        skipped = one_per_file(skipped)  # unread on both sides: one file not reviewed
        notes.extend(f"in base: {note}" for note in base.notes if note not in head.notes)
        if base.files_skipped:
            notes.append("base files that do not parse make their resources look created")
    secrets = frozenset(head.sensitive_values | (base.sensitive_values if base is not None else set()))
    changes: list[ResourceChange] = []
    moves = _moves(head, before)  # base address -> head address (ADR 0518)
    moved_from = {new: old for old, new in moves.items()}
    imported = _imported(head, before, moved_from)
    for address in sorted(set(head.resources) | set(before), key=_address_order):
        if address in moves:
            continue  # the object is reviewed under its new address
        old_address = moved_from.get(address, address)
        if address in imported:  # the object is there already: as Terraform plans an import that matches it
            change = _change(head.resources[address], head.resources[address], secrets)
        else:
            change = _change(before.get(old_address), head.resources.get(address), secrets)
        if old_address != address:
            change = replace(change, previous_address=old_address)
        elif (
            change.actions == ("delete",) and change.type != MODULE_CALL_TYPE and is_forgotten(address, head.forgotten)
        ):
            change = replace(change, actions=("forget",))
        changes.append(change)
    notes.extend(_uncombined(changes))
    notes.extend(policy_notes(changes))  # what of a policy is known only after apply (ADR 0635)
    coverage = Coverage(files_parsed=tuple(head.files_parsed), files_skipped=tuple(skipped), notes=tuple(notes))
    return ChangeSet(
        changes=changes,
        source="hcl",
        coverage=coverage,
        label=label,
        sensitive_values=secrets,
        dependencies=_dependencies(head, base),
        imports=tuple(imported.items()),
    )


def _imported(
    head: Configuration, before: Mapping[str, ConfiguredResource], moved_from: Mapping[str, str]
) -> dict[str, str | None]:
    """Head address -> import id of each resource an `import` block brings under management: one the head
    configures and the base did not (an import the base holds already was applied: Terraform plans nothing)."""
    out: dict[str, str | None] = {}
    for address, given in head.imports:
        if address in head.resources and address not in before and address not in moved_from:
            out.setdefault(address, given)
    return out


def _moves(head: Configuration, before: Mapping[str, ConfiguredResource]) -> dict[str, str]:
    """Base address -> head address of each object a `moved` block of the head renames: only where the old
    address is gone from the head and the new one was not in the base, as Terraform plans it."""
    if not head.moved:
        return {}
    out: dict[str, str] = {}
    for address in before:
        if address in head.resources:
            continue
        target = moved_to(address, head.moved)
        if target is not None and target in head.resources and target not in before:
            out[address] = target
    return out


def _address_order(address: str) -> tuple[str, int]:
    """Instances in Terraform's order: `web[2]` before `web[10]`."""
    head, _, key = address.rpartition("[")
    if head and key.endswith("]") and key[:-1].isdigit():
        return (head, int(key[:-1]))
    return (address, -1)


def _dependencies(*configurations: Configuration | None) -> dict[str, tuple[str, ...]]:
    """Node → what it refers to, in the head and the base: a resource deleted by the change keeps the
    dependents it had in the base (references already followed through module variables). Resources' references,
    then outputs, whole modules and `depends_on` (`Configuration.graph`, hcl_graph)."""
    graph: dict[str, dict[str, None]] = {}
    for configuration in configurations:
        if configuration is None:
            continue
        for address, resource in configuration.resources.items():
            for targets in resource.references.values():  # nodes are config addresses: instances share one
                graph.setdefault(strip_index(address), {}).update(dict.fromkeys(targets))
        for node, edges in configuration.graph.items():  # outputs, whole modules, module outputs, depends_on
            graph.setdefault(node, {}).update(edges)
        if configuration.module_dependents:
            inside = _resources_by_module(configuration)
            for node, module in configuration.module_dependents:
                graph.setdefault(node, {}).update(dict.fromkeys(inside.get(module, ())))
    return {address: tuple(targets) for address, targets in graph.items()}


def _resources_by_module(configuration: Configuration) -> dict[str, list[str]]:
    """Module config address → the config addresses of the resources and data sources in it and in the modules it
    calls (what a `depends_on = [module.m]` waits for): neither module calls nor providers, pseudo resources here."""
    inside: dict[str, dict[str, None]] = {}
    for address, resource in configuration.resources.items():
        config_address = strip_index(address)
        parts = config_address.split(".")
        if resource.type == MODULE_CALL_TYPE or parts[-2] == "provider" or parts[-3:-2] == ["provider"]:
            continue  # `module.a.provider.aws`, `module.a.provider.aws.alias`
        for module in enclosing_modules(config_address):
            inside.setdefault(module, {})[config_address] = None
    for data_source in configuration.data_sources:  # as a plan's configuration lists them among the resources
        for module in enclosing_modules(data_source):
            inside.setdefault(module, {})[data_source] = None
    return {module: list(found) for module, found in inside.items()}


def sensitive_values_of_sources(texts: Mapping[str, str]) -> frozenset[str]:
    """The values every Terraform root among `texts` (relative path → text) calls sensitive: what an
    uploaded tarball must never keep in clear. Each folder holding .tf files is read as a root."""
    folders = {posixpath.dirname(path.replace("\\", "/")) for path in texts if path.endswith(".tf")}
    found: set[str] = set()
    for folder in folders:
        prefix = f"{folder}/" if folder else ""
        inside = {path[len(prefix) :]: text for path, text in texts.items() if path.startswith(prefix)}
        found |= read_configuration(MappingReader(inside)).sensitive_values
    return frozenset(found)


def _change(
    old: ConfiguredResource | None, new: ConfiguredResource | None, secrets: frozenset[str] = frozenset()
) -> ResourceChange:
    config = new if new is not None else old
    assert config is not None
    if old is None:
        actions: tuple[str, ...] = ("create",)
    elif new is None:
        actions = ("delete",)
    elif (old.values, old.unknown, old.unknown_sources, old.conditional_blocks, old.open_blocks) == (
        new.values,
        new.unknown,
        new.unknown_sources,
        new.conditional_blocks,
        new.open_blocks,
    ):
        actions = ("no-op",)
    else:
        actions = ("update",)
    return ResourceChange(
        address=config.address,
        type=config.type,
        name=config.name,
        actions=actions,
        before=old.values if old is not None else None,
        after=new.values if new is not None else None,
        # what a sensitive variable or output flows into is sensitive, as Terraform marks it in a plan, and so are
        # the arguments its provider's schema marks (ADR 0490)
        before_sensitive=_sensitive(config.type, old.values, secrets) if old is not None else None,
        after_sensitive=_sensitive(config.type, new.values, secrets) if new is not None else None,
        after_unknown=new.unknown if new is not None else None,
        module_address=config.module_address,
        # a deleted resource's lines are in the base only: never point at them in the new files
        location=new.location if new is not None else None,
        references=config.references,
        prevent_destroy=config.prevent_destroy,
        suppressions=config.suppressions,
        known_prefixes=new.known_prefixes if new is not None else {},
        # the base side reads an expression it cannot evaluate as unknown too, not as unset (ADR 0475)
        before_unknown=(old.unknown or None) if old is not None else None,
        before_known_prefixes=old.known_prefixes if old is not None else {},
        condition=config.condition,
        conditional_blocks=_conditional_blocks("before", old, secrets) + _conditional_blocks("after", new, secrets),
        open_blocks=_open_blocks("before", old, secrets) + _open_blocks("after", new, secrets),
    )


def _sensitive(resource_type: str, values: dict[str, Any], secrets: frozenset[str]) -> Any:
    """The sensitive mask of a resource's values read from source: every string holding a value of a sensitive
    variable or output, and what the provider's schema would mark (`core.sensitive_attributes.source_mask`:
    its sensitive arguments and the secret-named ones), as a plan has it (ADR 0490)."""
    return merged_mask(mask_of(values, secrets), source_mask(resource_type, values))


def _uncombined(changes: list[ResourceChange]) -> list[str]:
    """A note for each resource with more open `dynamic` blocks on one side than the review combines (ADR 0476):
    they are judged one at a time, the others unknown, not in every combination. Said once, for the head side
    when both sides have them."""
    out: list[str] = []
    for change in changes:
        for side, prefix in (("after", ""), ("before", "in base: ")):
            count = sum(1 for block in change.open_blocks if block.side == side)
            if count > MAX_COMBINED:
                out.append(
                    f"{prefix}{change.address}: {count} `dynamic` blocks whose for_each is known only at plan time "
                    f"are judged one at a time, not in every combination (at most {MAX_COMBINED} are judged "
                    "together)"
                )
                break
    return out


def _open_blocks(side: str, config: ConfiguredResource | None, secrets: frozenset[str]) -> tuple[OpenBlock, ...]:
    """The resource's `dynamic` blocks whose `for_each` is unknown (ADR 0452), on one side: its values without
    and with one block, each with its unknown mask (the base side's too, ADR 0475), sensitivity as the
    resource's."""
    if config is None:
        return ()
    return tuple(
        OpenBlock(
            side,
            path,
            name,
            absent,
            absent_unknown or None,
            _sensitive(config.type, absent, secrets),
            present,
            present_unknown or None,
            _sensitive(config.type, present, secrets),
        )
        for path, name, absent, absent_unknown, present, present_unknown in config.open_blocks
    )


def _conditional_blocks(
    side: str, config: ConfiguredResource | None, secrets: frozenset[str]
) -> tuple[ConditionalBlock, ...]:
    """The resource's blocks gated off by root defaults (ADR 0407), on one side, with their unknown mask (the
    base side's too, ADR 0475), sensitivity as the resource's."""
    if config is None:
        return ()
    return tuple(
        ConditionalBlock(side, path, values, unknown or None, _sensitive(config.type, values, secrets), condition)
        for path, values, unknown, condition in config.conditional_blocks
    )
