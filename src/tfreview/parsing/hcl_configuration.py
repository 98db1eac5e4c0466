"""A Terraform configuration read from source: the root module and the local modules it calls.

Each managed resource instance becomes a `ConfiguredResource` with its values in plan JSON shape.
`count` and `for_each` known from the source expand as Terraform expands them (`hcl_instances`):
`aws_s3_bucket.b["a"]`, `module.db[0].aws_db_instance.main`; unknown ones leave one object at the config
address, noted under coverage. A block left out only by a root variable's default is read once as
conditional (ADR 0360), and so is everything in a module called so. Data sources are read for references
only; they are not changes.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from tfreview.core.module_calls import MODULE_CALL_TYPE, is_registry_source, module_call_address, shown_source
from tfreview.core.plan import InlineSuppression, Location, strip_index
from tfreview.parsing import evaluation_budget
from tfreview.parsing.hcl_configured import Configuration, ConfiguredResource
from tfreview.parsing.hcl_dynamic import GatedBlock
from tfreview.parsing.hcl_graph import ModuleGraph, Named
from tfreview.parsing.hcl_instances import SINGLE, Expansion, Instance, expand
from tfreview.parsing.hcl_policy_documents import PolicyDocuments
from tfreview.parsing.hcl_providers import ProviderRequirements
from tfreview.parsing.hcl_read_budget import MAX_SOURCE_CHARACTERS, LeftOut, ModuleBudget, past_source_budget
from tfreview.parsing.hcl_refactoring import forgotten_address, import_targets, moved_pair
from tfreview.parsing.hcl_resource_facts import block_key, known_prefixes, open_values, prevent_destroy, unknown_sources
from tfreview.parsing.hcl_syntax import Attribute, Block, HclSyntaxError, body_items, parse_blocks
from tfreview.parsing.hcl_values import EVALUATION_ERRORS, Evaluator, Input, Scope
from tfreview.parsing.hcl_variables import default, sensitive_values, typed
from tfreview.parsing.inline_suppressions import suppressions_in
from tfreview.parsing.module_calls import module_call_values
from tfreview.parsing.source_tree import SourceReader, real_directory
from tfreview.parsing.tfvars import read_tfvars
from tfreview.parsing.unknown_mask import split_unknown

_MODULE_META_ARGUMENTS = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})
_MAX_MODULE_DEPTH = 16


@dataclass(frozen=True, slots=True)
class _File:
    path: str
    lines: list[str]
    blocks: list[Block]


def read_configuration(reader: SourceReader, budget: ModuleBudget | None = None) -> Configuration:
    """Parse the root module of `reader` and every local module it calls; skip files that do not parse.
    Module instances past `budget` (a root's share of one scan's; else this read's own) are noted, not read."""
    return _ConfigurationReader(reader, budget or ModuleBudget()).read()


class _ConfigurationReader:
    def __init__(self, reader: SourceReader, budget: ModuleBudget) -> None:
        self.reader = reader
        self.budget = budget
        self.configuration = Configuration()
        self.modules: dict[str, tuple[list[_File], list[tuple[str, str]]]] = {}
        self.real_directories: dict[str, str] = {}  # module directory -> the directory it is on disk
        self.declared: set[str] = set()  # config addresses of the resources read, instances or not
        self.providers = ProviderRequirements()
        self.left_out = LeftOut()  # what the budget left out, noted once at the end (ADR 0414, 0677)
        self.named: dict[int, Named] = {}  # what each syntax node walked for the graph names (hcl_graph)
        self.source_characters = 0  # of the texts parsed so far (ADR 0684)
        # each block's suppression comments, read once for all its instances and module calls (a 1 MB line in a
        # block of `count = 1000` was read a thousand times: minutes of scan)
        self.suppressions: dict[tuple[str, int, int], tuple[InlineSuppression, ...]] = {}

    def _suppressions(
        self, file: _File, block: Block, items: list[tuple[str, int, int]]
    ) -> tuple[InlineSuppression, ...]:
        key = (file.path, block.line, block.end_line)
        found = self.suppressions.get(key)
        if found is None:
            found = self.suppressions[key] = suppressions_in(file.lines, file.path, block.line, block.end_line, items)
        return found

    def read(self) -> Configuration:
        with evaluation_budget.budget(self.budget.evaluation_limit, self.budget.block_limit) as spent:
            self._module("", None, None, (), ())
        self.configuration.notes.extend(self.left_out.notes(self.budget, spent))
        self.providers.apply(self.configuration.resources)
        return self.configuration

    def _files(self, reldir: str) -> tuple[list[_File], list[tuple[str, str]]]:
        """Parsed .tf files and raw .tfvars texts of one directory, parsed once however often it is called."""
        if reldir not in self.modules:
            found = self.reader.read_dir(reldir)
            self.configuration.files_skipped.extend(found.unreadable)
            self.configuration.notes.extend(
                f"{path}: {'Terraform JSON syntax' if path.endswith('.tf.json') else 'an OpenTofu file'} is not read; "
                "the configuration in it is not reviewed"
                for path in found.unread
            )
            files: list[_File] = []
            tfvars: list[tuple[str, str]] = []
            for path, text in found.texts.items():
                if self.source_characters + len(text) > MAX_SOURCE_CHARACTERS:
                    self.configuration.files_skipped.append((path, past_source_budget(self.source_characters)))
                    continue
                self.source_characters += len(text)
                if not path.endswith(".tf"):
                    tfvars.append((path, text))
                    continue
                try:
                    files.append(_File(path, text.splitlines(), parse_blocks(text)))
                except HclSyntaxError as exc:
                    self.configuration.files_skipped.append((path, str(exc)))
                    continue
                self.configuration.files_parsed.append(path)
            self.modules[reldir] = (files, tfvars)
        return self.modules[reldir]

    def _real(self, reldir: str) -> str:
        real = self.real_directories.get(reldir)
        if real is None:
            real = self.real_directories[reldir] = real_directory(self.reader, reldir)
        return real

    def _module(
        self,
        reldir: str,
        address: str | None,
        inputs: Mapping[str, Input] | None,
        callers: tuple[str, ...],
        condition: tuple[str, ...],
    ) -> None:
        """Read the module in `reldir`; `callers` are the directories of the modules that call it, root first."""
        files, tfvars = self._files(reldir)
        blocks = [(file, block) for file in files for block in file.blocks]
        given = dict(inputs) if inputs is not None else read_tfvars(tfvars, self.configuration)
        variables: dict[str, Input] = {}
        local_expressions: dict[str, Any] = {}
        prefix = f"{address}." if address else ""
        for _, block in blocks:
            if block.kind == "variable" and block.labels:
                name = block.labels[0]
                # only a root's defaults are open: a module call that omits an argument fixes the default
                received = given[name] if name in given else default(block, f"var.{name}" if not address else None)
                variables[name] = typed(block, received)
            elif block.kind == "locals":
                for item in body_items(block.body):
                    if isinstance(item, Attribute):
                        local_expressions[item.name] = item.expression
        scope = Scope(variables, local_expressions, prefix)
        scope.data_attribute = PolicyDocuments(scope, [block for _, block in blocks]).attribute
        self.configuration.sensitive_values |= sensitive_values([block for _, block in blocks], scope)
        graph = ModuleGraph(self.configuration, scope, self.named)
        for file, block in blocks:
            if block.kind == "resource" and len(block.labels) == 2:
                self._resource(file, block, graph, address, condition)
            elif block.kind == "module" and block.labels:
                self._call(file, reldir, block, graph, (*callers, reldir), condition)
            elif block.kind == "output" and block.labels:
                graph.output(file.lines, block, address)
            elif block.kind == "data" and len(block.labels) == 2:
                graph.data_source(file.lines, block)
            elif block.kind == "provider" and len(block.labels) == 1:
                self._provider(file, block, scope, address)
            elif block.kind == "terraform":
                self.providers.read(file.path, block)
            elif block.kind == "moved":
                pair = moved_pair(block, prefix)
                if pair is not None:
                    self.configuration.moved.append(pair)
            elif block.kind == "removed":
                forgotten = forgotten_address(block, scope)
                if forgotten is not None:
                    self.configuration.forgotten.append(forgotten)
            elif block.kind == "import":
                self.configuration.imports.extend(import_targets(block, scope))
        for name, reason in scope.oversized_locals.items():
            self.configuration.notes.append(f"{prefix}local.{name} could not be read ({reason}); read as unknown")

    def _resource(
        self, file: _File, block: Block, graph: ModuleGraph, module_address: str | None, condition: tuple[str, ...]
    ) -> None:
        scope = graph.scope
        type_name, name = block.labels
        address = f"{scope.prefix}{type_name}.{name}"
        if address in self.declared:
            self.configuration.notes.append(
                f"{address} is declared twice ({file.path}:{block.line}); the first is reviewed"
            )
            return
        self.declared.add(address)
        graph.resource(file.lines, block, strip_index(address))
        try:
            expansion = self._expansion(file, block, scope, address)
        except EVALUATION_ERRORS as exc:  # as for a module call: read once rather than not at all
            self.configuration.notes.append(
                f"{address} ({file.path}:{block.line}): count or for_each could not be read "
                f"({type(exc).__name__}); reviewed once, without an instance key"
            )
            expansion = SINGLE
        expansion = self._bounded(file, block, address, expansion)
        try:
            gated = _joined(condition, expansion.condition)
            body_scope = _gates_open(scope, expansion.condition)
            for instance in expansion.instances:
                instance_scope = (
                    replace(body_scope, instance=instance.bindings, instance_defaults=expansion.defaults)
                    if instance.bindings
                    else body_scope
                )
                self._add_resource(
                    file, block, instance_scope, module_address, address + instance.suffix, condition=gated
                )
        except EVALUATION_ERRORS as exc:
            reason = f"{type(exc).__name__}: {exc}"
            self.configuration.notes.append(f"{address} ({file.path}:{block.line}) could not be read: {reason}")

    def _bounded(self, file: _File, block: Block, address: str, expansion: Expansion) -> Expansion:
        """`expansion`, or its one instance without a key when its instances would take the read past its bound
        of resource instances (ADR 0677); counted."""
        count = len(expansion.instances)
        budget = self.budget
        if count > 1 and budget.resources + count > budget.resource_limit:
            self.left_out.not_expanded.append(f"{address} ({file.path}:{block.line}, {count} instances)")  # noted last
            expansion = replace(expansion, instances=(Instance(),))
            count = 1
        budget.resources += count
        return expansion

    def _expansion(self, file: _File, block: Block, scope: Scope, address: str) -> Expansion:
        """The instances of a resource or module block, with a coverage note when there are none or they
        are known only at plan time (then the block is read once, at its address without a key)."""
        expansion = expand(block, scope)
        if expansion.is_empty:
            self.configuration.notes.append(f"{address}: count or for_each is empty, so there is nothing to review")
        elif expansion.condition:
            self.configuration.notes.append(
                f"{address} ({file.path}:{block.line}): count or for_each is empty only by the default of "
                f"{', '.join(expansion.condition)}; reviewed as one conditional instance "
                f"{address + expansion.instances[0].suffix}"
            )
        elif expansion.unknown is not None:
            self.configuration.notes.append(
                f"{address} ({file.path}:{block.line}): instances unknown until plan ({expansion.unknown}); "
                "reviewed once, without an instance key"
            )
        return expansion

    def _provider(self, file: _File, block: Block, scope: Scope, module_address: str | None) -> None:
        """A provider block becomes the pseudo resource `provider.<name>[.<alias>]` of type `<name>_provider`,
        so rules such as "no static credentials in the provider" read it like any resource."""
        (label,) = block.labels
        alias = next(
            (
                item.expression
                for item in body_items(block.body)
                if isinstance(item, Attribute) and item.name == "alias"
            ),
            None,
        )
        alias_value = Evaluator(scope).evaluate(alias) if alias is not None else None
        name = alias_value if isinstance(alias_value, str) else label
        address = f"{scope.prefix}provider.{label}" + (f".{alias_value}" if isinstance(alias_value, str) else "")
        if address in self.configuration.resources:
            return
        try:
            self._add_resource(file, block, scope, module_address, address, (f"{label}_provider", name))
        except EVALUATION_ERRORS as exc:
            self.configuration.notes.append(
                f"{address} ({file.path}:{block.line}) could not be read: {type(exc).__name__}"
            )

    def _add_resource(
        self,
        file: _File,
        block: Block,
        scope: Scope,
        module_address: str | None,
        address: str,
        labels: tuple[str, str] | None = None,
        condition: tuple[str, ...] = (),
    ) -> None:
        type_name, name = labels or block.labels
        evaluator = Evaluator(scope)
        body = evaluator.body(block.body, top_level=True)
        for path, reason in evaluator.unreadable:
            self.configuration.notes.append(
                f"{address}: `{path}` ({file.path}:{block.line}) could not be read ({reason}); reviewed as unknown"
            )
        values, mask = split_unknown(body.values)
        gated = self._conditional_blocks(file, block, address, body.conditional)
        items = [
            (item.name if isinstance(item, Attribute) else block_key(item), item.line, item.end_line)
            for item in body_items(block.body)
        ]
        self.configuration.resources[address] = ConfiguredResource(
            address=address,
            type=type_name,
            name=name,
            module_address=module_address,
            values=values,
            unknown=mask or {},
            references=body.references,
            location=Location(file.path, block.line, block.end_line),
            prevent_destroy=prevent_destroy(block),
            suppressions=self._suppressions(file, block, items),
            unknown_sources=unknown_sources(block, body.values),
            known_prefixes=known_prefixes(block, body.values, scope),
            condition=condition,
            conditional_blocks=gated,
            open_blocks=tuple(open_values(found) for found in body.open),
        )

    def _conditional_blocks(
        self, file: _File, block: Block, address: str, conditional: list[GatedBlock]
    ) -> tuple[tuple[str, dict[str, Any], dict[str, Any], tuple[str, ...]], ...]:
        """Each `dynamic` block empty only by root defaults, at any depth, as the resource's values with that block
        added (after the known blocks of its type), with a coverage note (ADR 0407, 0422)."""
        found = []
        for gated in conditional:
            with_block, mask = split_unknown(gated.values)
            found.append((gated.path, with_block, mask or {}, gated.condition))
            parent = gated.path.rsplit(".", 2)[0] if gated.path.count(".") > 1 else ""
            self.configuration.notes.append(
                f'{address} ({file.path}:{block.line}): dynamic "{gated.name}"{f" in {parent}" if parent else ""} '
                f"is empty only by the default of {', '.join(gated.condition)}; its content is reviewed once as "
                "conditional"
            )
        return tuple(found)

    def _call(
        self,
        file: _File,
        reldir: str,
        block: Block,
        graph: ModuleGraph,
        chain: tuple[str, ...],
        condition: tuple[str, ...],
    ) -> None:
        """A module call in the module in `reldir` (`graph`'s); `chain` is the directories of the modules on the way
        to this call, root first, `reldir` last."""
        scope = graph.scope
        prefix = scope.prefix
        name = block.labels[0]
        address = f"{prefix}module.{name}"
        arguments = {item.name: item for item in body_items(block.body) if isinstance(item, Attribute)}
        source_item = arguments.get("source")
        source = Evaluator(Scope()).evaluate(source_item.expression) if source_item is not None else None
        self._module_call(file, block, prefix, arguments, source)
        if not isinstance(source, str):
            self.configuration.notes.append(f"{address}: the module source is not a literal string; not followed")
            return
        if not source.startswith(("./", "../")):
            kind = "registry" if is_registry_source(source) else "remote"
            shown = shown_source(source)  # never a credential the source holds (ADR 0431)
            self.configuration.notes.append(
                f"{address}: module from {kind} source {shown!r} not reviewed (not on disk; not followed)"
            )
            return
        if len(chain) > _MAX_MODULE_DEPTH:
            self.configuration.notes.append(f"{address}: modules nested deeper than {_MAX_MODULE_DEPTH}; not followed")
            return
        child = posixpath.normpath(posixpath.join(reldir, source))
        child = "" if child == "." else child
        if child in chain or self._real(child) in {self._real(caller) for caller in chain}:
            # A module that calls itself, directly or through others: Terraform loops on it (`init` never ends);
            # followed, each level's calls multiply (two calls of `./` are 2^16 modules at the depth bound). By
            # the directory on disk too: a symbolic link `self -> .` called twice was 2^16 modules (a 1 GB report).
            self.configuration.notes.append(
                f"{address}: module source {source!r} is {child or '.'!r}, a module on its own call path "
                "(a module source loop); not followed"
            )
            return
        try:
            expansion = self._expansion(file, block, scope, address)
        except EVALUATION_ERRORS as exc:
            self.configuration.notes.append(
                f"{address}: count or for_each could not be read ({type(exc).__name__}); read once, without a key"
            )
            expansion = SINGLE
        if expansion.is_empty:
            return  # not read: a scan of the repository reviews the module on its own (scan_roots)
        files, _ = self._files(child)
        if not files:
            self.configuration.notes.append(f"{address}: no parsable .tf files in {source!r}; not followed")
            return
        call_scope = _gates_open(scope, expansion.condition)
        passed = {argument: graph.argument_nodes(file.lines, item) for argument, item in arguments.items()}
        for instance in expansion.instances:
            if self.budget.used >= self.budget.limit:
                self.left_out.not_followed.append(address + instance.suffix)  # noted once, in read()
                continue
            if self.budget.resources >= self.budget.resource_limit:
                self.left_out.not_followed_resources.append(address + instance.suffix)  # noted once, in read()
                continue
            self.budget.used += 1
            instance_scope = (
                replace(call_scope, instance=instance.bindings, instance_defaults=expansion.defaults)
                if instance.bindings
                else call_scope
            )
            inputs: dict[str, Input] = {}
            for argument, item in arguments.items():
                if argument in _MODULE_META_ARGUMENTS:
                    continue
                evaluator = Evaluator(instance_scope)
                value = evaluator.attribute(item)
                for path, reason in evaluator.unreadable:
                    self.configuration.notes.append(
                        f"{address + instance.suffix}: argument `{path}` ({file.path}:{item.line}) could not be "
                        f"read ({reason}); passed as unknown"
                    )
                references = tuple(dict.fromkeys(evaluator.references))
                defaults = tuple(dict.fromkeys(evaluator.defaults))
                inputs[argument] = Input(value, references, defaults, nodes=passed[argument])
            self._module(child, address + instance.suffix, inputs, chain, _joined(condition, expansion.condition))

    def _module_call(
        self, file: _File, block: Block, prefix: str, arguments: Mapping[str, Attribute], source: Any
    ) -> None:
        """The call itself as the pseudo resource `module.NAME` of type `module` (ADR 0431), its `source` and
        `version` as values: once for every instance of the modules around it, as `terraform init` installs it."""
        name = block.labels[0]
        address = module_call_address(prefix, name)
        if address in self.configuration.resources:
            return
        version_item = arguments.get("version")
        version = Evaluator(Scope()).evaluate(version_item.expression) if version_item is not None else None
        values, unknown = module_call_values(source, version)
        items = [
            (item.name if isinstance(item, Attribute) else block_key(item), item.line, item.end_line)
            for item in body_items(block.body)
        ]
        self.configuration.resources[address] = ConfiguredResource(
            address=address,
            type=MODULE_CALL_TYPE,
            name=name,
            module_address=address.rpartition(".module.")[0] or None,
            values=values,
            unknown=unknown,
            references={},
            location=Location(file.path, block.line, block.end_line),
            prevent_destroy=False,
            suppressions=self._suppressions(file, block, items),
            unknown_sources=(),
        )


def _gates_open(scope: Scope, condition: tuple[str, ...]) -> Scope:
    """The scope a conditional block's body is read in: its gate variables unknown, since wherever it exists
    some of them differ from their defaults (`encrypted = !var.not_encrypted` gated by `var.not_encrypted`
    is not known to be true there); the scope itself for an unconditional block."""
    return (scope.opened(frozenset(condition)) or scope) if condition else scope


def _joined(outer: tuple[str, ...], inner: tuple[str, ...]) -> tuple[str, ...]:
    """The condition of a block inside a conditional module call: both sets of variables, in order."""
    return tuple(dict.fromkeys(outer + inner)) if inner else outer
