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
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from tfreview.core.module_calls import MODULE_CALL_TYPE, is_registry_source, module_call_address, shown_source
from tfreview.core.plan import InlineSuppression, Location, strip_index
from tfreview.core.redact import sensitive_strings
from tfreview.core.values import UNKNOWN, contains_unknown
from tfreview.parsing import evaluation_budget
from tfreview.parsing.hcl_dynamic import GatedBlock, OpenDynamic
from tfreview.parsing.hcl_graph import module_nodes
from tfreview.parsing.hcl_instances import SINGLE, Expansion, Instance, expand
from tfreview.parsing.hcl_policy_documents import PolicyDocuments
from tfreview.parsing.hcl_prefixes import known_prefix
from tfreview.parsing.hcl_refactoring import forgotten_address, import_targets, moved_pair
from tfreview.parsing.hcl_syntax import Attribute, Block, HclSyntaxError, body_items, parse_blocks
from tfreview.parsing.hcl_types import convert, parse_type
from tfreview.parsing.hcl_values import EVALUATION_ERRORS, Evaluator, Input, Scope
from tfreview.parsing.inline_suppressions import suppressions_in
from tfreview.parsing.module_calls import module_call_values
from tfreview.parsing.source_tree import SourceReader, real_directory
from tfreview.parsing.unknown_mask import split_unknown

_MODULE_META_ARGUMENTS = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})
_MAX_MODULE_DEPTH = 16
# module instances one root reads, all levels together: a legitimate tree calling two children per level, 16 levels
# deep, is 2^16 instances (minutes, a report of hundreds of MB); real trees read far fewer (ADR 0414). The roots
# of one `scan DIR` read at most MAX_SCAN_MODULE_INSTANCES together, each its fair share (ADR 0421).
MAX_MODULE_INSTANCES = 1_000
MAX_SCAN_MODULE_INSTANCES = 4_000
# resource instances one read expands from `count` and `for_each`: each block expands at most
# `hcl_instances.MAX_INSTANCES`, but module instances multiply it (1,000 module instances of a module with a
# `count = 1000` resource were a million resources: minutes of CPU and gigabytes, ADR 0677). Past it, a resource
# is reviewed once without an instance key, and no further module instance is followed.
MAX_RESOURCE_INSTANCES = 20_000
# characters of Terraform (.tf and .tfvars texts) one read parses, its modules' with them (ADR 0684): a parse holds
# ~230 bytes of memory per character for as long as the review runs (four 1 MB files: 933 MB), and each file is held
# to 1 MiB alone (`source_tree.MAX_TERRAFORM_FILE_BYTES`, ADR 0683); the largest root of the shared fixtures parses
# 247 KB. A file that would take the read past it is not parsed: named with the reason, as a file not read is.
MAX_SOURCE_CHARACTERS = 4 * 1024 * 1024


def _past_source_budget(read: int) -> str:
    """Why a file is not parsed: the files read before it leave too little of MAX_SOURCE_CHARACTERS.

    >>> _past_source_budget(4_000_000)  # doctest: +ELLIPSIS
    'not parsed: one review parses at most 4,194,304 characters of Terraform, and ... before it hold 4,000,000'
    """
    return (
        f"not parsed: one review parses at most {MAX_SOURCE_CHARACTERS:,} characters of Terraform, and the files read "
        f"before it hold {read:,}"
    )


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
    # module outputs and `depends_on`; and (resource, module) of each `depends_on = [module.m]`
    graph: dict[str, dict[str, None]] = field(default_factory=dict)
    module_dependents: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _File:
    path: str
    lines: list[str]
    blocks: list[Block]


@dataclass(slots=True)
class ModuleBudget:
    """The module instances one read may follow (ADR 0414; a root of `scan DIR` gets its share, ADR 0421)."""

    limit: int = MAX_MODULE_INSTANCES
    used: int = 0
    resource_limit: int = MAX_RESOURCE_INSTANCES  # resource instances expanded (ADR 0677)
    resources: int = 0
    evaluation_limit: int = evaluation_budget.MAX_EVALUATIONS  # `for` elements (ADR 0678)
    block_limit: int = evaluation_budget.MAX_DYNAMIC_BLOCKS  # `dynamic` blocks expanded (ADR 0678)
    # why the limit is what it is, ending the coverage note ("" : one read's own bound)
    reason: str = ""

    def describe(self) -> str:
        return self.reason or f"one review reads at most {self.limit} module instances"


def _counted(items: list[str], noun: str) -> str:
    """`3 module instances (a to c)`: how many, the first and the last."""
    span = items[0] if len(items) == 1 else f"{items[0]} to {items[-1]}"
    return f"{len(items)} {noun}{'s' if len(items) > 1 else ''} ({span})"


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
        self.required: dict[str, list[str]] = {}  # provider name -> `required_providers` version constraints
        self.required_at: dict[str, Location] = {}  # provider name -> the first `terraform` block requiring it
        # local name -> provider type, from a `required_providers` entry's `source` (`gcp = { source =
        # "hashicorp/google" }`: the `gcp` provider is the google provider; ADR 0365)
        self.local_types: dict[str, str] = {}
        self.not_followed: list[str] = []  # module instance addresses past the budget, in reading order
        self.not_followed_resources: list[str] = []  # those past the resource instances' bound (ADR 0677)
        self.not_expanded: list[str] = []  # resources read once, without a key, at that bound (ADR 0677)
        self.source_characters = 0  # of the texts parsed so far (ADR 0684)

    def read(self) -> Configuration:
        with evaluation_budget.budget(self.budget.evaluation_limit, self.budget.block_limit) as spent:
            self._module("", None, None, (), ())
        if spent.outcomes_left_out:
            self.configuration.notes.append(
                f"{spent.outcomes_left_out} `dynamic` block{'s' if spent.outcomes_left_out > 1 else ''} with a "
                "for_each unknown until plan or empty by a default not checked apart: one block body is checked in "
                f"at most {evaluation_budget.MAX_OUTCOMES} such outcomes"
            )
        if spent.refused:
            self.configuration.notes.append(
                f"{spent.refused} `for` expression{'s' if spent.refused > 1 else ''} or `dynamic` block"
                f"{'s' if spent.refused > 1 else ''} read as unknown: one review evaluates at most "
                f"{spent.limit} `for` elements and expands at most {spent.block_limit} `dynamic` blocks, nested ones "
                "multiplying; what they build is not reviewed"
            )
        if self.not_followed:
            count = len(self.not_followed)
            span = self.not_followed[0] if count == 1 else f"{self.not_followed[0]} to {self.not_followed[-1]}"
            self.configuration.notes.append(
                f"{count} module instance{'s' if count > 1 else ''} not followed ({span}): {self.budget.describe()}; "
                "the resources in them and the modules they call are not reviewed"
            )
        bound = f"one review expands at most {self.budget.resource_limit} resource instances"
        if self.not_expanded:
            self.configuration.notes.append(
                f"{_counted(self.not_expanded, 'resource')} reviewed once, without an instance key: {bound}"
            )
        if self.not_followed_resources:
            self.configuration.notes.append(
                f"{_counted(self.not_followed_resources, 'module instance')} not followed: {bound}; the resources "
                "in them and the modules they call are not reviewed"
            )
        configured: set[str] = set()
        for resource in self.configuration.resources.values():  # as a plan's `version_constraint` has it
            name = resource.type.removesuffix("_provider")
            if resource.type.endswith("_provider"):
                configured.add(name)
                if name in self.required and "version" not in resource.values:
                    resource.values["version"] = ", ".join(dict.fromkeys(self.required[name]))
        for name, constraints in self.required.items():
            if name not in configured and f"provider.{name}" not in self.configuration.resources:
                self._implicit_provider(name, ", ".join(dict.fromkeys(constraints)))
        self._type_by_source()
        return self.configuration

    def _type_by_source(self) -> None:
        """A provider pseudo resource's type is `<provider type>_provider`, the type its `source` names, not its
        local name: `gcp = { source = "hashicorp/google" }` with `provider "gcp" {}` is `google_provider`, as a
        plan's `provider_config` names it (ADR 0365). The address keeps the local name the code wrote."""
        resources = self.configuration.resources
        for address, resource in list(resources.items()):
            local = resource.type.removesuffix("_provider")
            kind = self.local_types.get(local)
            if resource.type.endswith("_provider") and kind is not None and kind != local:
                resources[address] = replace(resource, type=f"{kind}_provider")

    def _implicit_provider(self, name: str, version: str) -> None:
        """A provider that `required_providers` constrains but no provider block configures: Terraform still
        configures it (empty), and a plan lists it in `provider_config` with its `version_constraint`; the
        pseudo resource `provider.<name>` carries that constraint to the rules here too (ADR 0331)."""
        self.configuration.resources[f"provider.{name}"] = ConfiguredResource(
            address=f"provider.{name}",
            type=f"{name}_provider",
            name=name,
            module_address=None,
            values={"version": version},
            unknown={},
            references={},
            location=self.required_at[name],
            prevent_destroy=False,
            suppressions=(),
            unknown_sources=(),
        )

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
                    self.configuration.files_skipped.append((path, _past_source_budget(self.source_characters)))
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
        given = dict(inputs) if inputs is not None else self._tfvars(tfvars)
        variables: dict[str, Input] = {}
        local_expressions: dict[str, Any] = {}
        prefix = f"{address}." if address else ""
        for _, block in blocks:
            if block.kind == "variable" and block.labels:
                name = block.labels[0]
                # only a root's defaults are open: a module call that omits an argument fixes the default
                received = given[name] if name in given else _default(block, f"var.{name}" if not address else None)
                variables[name] = _typed(block, received)
            elif block.kind == "locals":
                for item in body_items(block.body):
                    if isinstance(item, Attribute):
                        local_expressions[item.name] = item.expression
        scope = Scope(variables, local_expressions, prefix)
        scope.data_attribute = PolicyDocuments(scope, [block for _, block in blocks]).attribute
        self._sensitive(blocks, scope)
        for file, block in blocks:
            if block.kind == "resource" and len(block.labels) == 2:
                self._resource(file, block, scope, address, condition)
            elif block.kind == "module" and block.labels:
                self._call(file, reldir, block, scope, prefix, (*callers, reldir), condition)
            elif block.kind == "output" and block.labels:
                self._output(file, block, scope, address)
            elif block.kind == "provider" and len(block.labels) == 1:
                self._provider(file, block, scope, address)
            elif block.kind == "terraform":
                self._required_versions(file, block)
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

    def _required_versions(self, file: _File, block: Block) -> None:
        """`required_providers { google = { version = "~> 4.0" } }` (or `google = "~> 4.0"`), every module's."""
        for inner in body_items(block.body):
            if not isinstance(inner, Block) or inner.kind != "required_providers":
                continue
            for item in body_items(inner.body):
                if not isinstance(item, Attribute):
                    continue
                value = Evaluator(Scope()).evaluate(item.expression)
                source = value.get("source") if isinstance(value, Mapping) else None
                if isinstance(source, str) and source.strip():
                    self.local_types.setdefault(item.name, source.strip().rsplit("/", 1)[-1].lower())
                version = value.get("version") if isinstance(value, Mapping) else value
                if isinstance(version, str) and version.strip():
                    self.required.setdefault(item.name, []).append(version.strip())
                    self.required_at.setdefault(item.name, Location(file.path, block.line, block.end_line))

    def _sensitive(self, blocks: list[tuple[_File, Block]], scope: Scope) -> None:
        """The values of `sensitive = true` variables and outputs: they are masked wherever they occur."""
        for _, block in blocks:
            if block.kind not in ("variable", "output") or not block.labels or not _is_sensitive(block, scope):
                continue
            if block.kind == "variable":
                value = scope.variables[block.labels[0]].value if block.labels[0] in scope.variables else None
            else:
                value = next(
                    (
                        Evaluator(scope).attribute(item)
                        for item in body_items(block.body)
                        if isinstance(item, Attribute) and item.name == "value"
                    ),
                    None,
                )
            # a number too, as it prints: its copies are masked, a message quoting one hides it (ADR 0495)
            self.configuration.sensitive_values |= sensitive_strings(value, True, numbers=True)

    def _tfvars(self, tfvars: list[tuple[str, str]]) -> dict[str, Input]:
        """Root variables from terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) in name order, as
        Terraform loads them (a later file's value wins)."""
        out: dict[str, Input] = {}
        for path, text in sorted(tfvars, key=_tfvars_order):
            if path.endswith(".json"):
                self._json_tfvars(path, text, out)
                continue
            try:
                wrapped = parse_blocks("tfvars {\n" + text + "\n}\n")
            except HclSyntaxError as exc:
                line = f"line {exc.line - 1}: " if exc.line and exc.line > 1 else ""
                self.configuration.files_skipped.append((path, line + exc.message))
                continue
            self.configuration.files_parsed.append(path)
            evaluator = Evaluator(Scope())
            for item in body_items(wrapped[0].body):
                if isinstance(item, Attribute):
                    out[item.name] = Input(evaluator.evaluate(item.expression))
        return out

    def _json_tfvars(self, path: str, text: str, out: dict[str, Input]) -> None:
        """A `.tfvars.json` file: one JSON object, variable name → value."""
        try:
            document = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            self.configuration.files_skipped.append((path, f"not JSON: {exc}"))
            return
        if not isinstance(document, dict):
            self.configuration.files_skipped.append((path, "not a JSON object of variable values"))
            return
        self.configuration.files_parsed.append(path)
        for name, value in document.items():
            out[name] = Input(value)

    def _resource(
        self, file: _File, block: Block, scope: Scope, module_address: str | None, condition: tuple[str, ...]
    ) -> None:
        type_name, name = block.labels
        address = f"{scope.prefix}{type_name}.{name}"
        if address in self.declared:
            self.configuration.notes.append(
                f"{address} is declared twice ({file.path}:{block.line}); the first is reviewed"
            )
            return
        self.declared.add(address)
        self._graph_edges(file, block, scope, strip_index(address))
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

    def _output(self, file: _File, block: Block, scope: Scope, address: str | None) -> None:
        """An output as a node of the blast-radius graph: what its value refers to (resources, through variables
        too, module outputs, whole modules); in a module, the module itself (`module.db`) refers to it."""
        here = strip_index(scope.prefix)
        node = f"{here}output.{block.labels[0]}"
        if address is not None:
            self._edge(strip_index(address), [node])
        value = next((i for i in body_items(block.body) if isinstance(i, Attribute) and i.name == "value"), None)
        if value is None:
            return
        evaluator = Evaluator(scope)
        try:
            evaluator.collect(value.expression)
        except EVALUATION_ERRORS:
            evaluator.references = []  # what it refers to through variables is left out; the syntax still says
        modules = module_nodes(value.expression, here) if _mentions(file, value, "module.") else []
        self._edge(node, [*evaluator.references, *modules])

    def _graph_edges(self, file: _File, block: Block, scope: Scope, config_address: str) -> None:
        """A resource's edges that its references do not hold: module outputs and whole modules it refers to, and
        its `depends_on` (a whole module there: every resource in it, resolved once all are read)."""
        if not _mentions(file, block, "module.") and not _mentions(file, block, "depends_on"):
            return  # most resources: no module reference, no depends_on, no walk of the body
        here = strip_index(scope.prefix)
        for item in body_items(block.body):
            if not isinstance(item, Attribute) or item.name != "depends_on":
                if _mentions(file, item, "module."):  # only the arguments and blocks that may name one
                    node = item.expression if isinstance(item, Attribute) else item.body
                    self._edge(config_address, module_nodes(node, here))
                continue
            evaluator = Evaluator(scope)
            try:
                evaluator.collect(item.expression)
            except EVALUATION_ERRORS:
                evaluator.references = []
            self._edge(config_address, evaluator.references)
            for node in module_nodes(item.expression, here):
                if ".output." in node.removeprefix(here):
                    self._edge(config_address, [node])
                else:
                    self.configuration.module_dependents.append((config_address, node))

    def _edge(self, node: str, targets: list[str]) -> None:
        if targets:
            self.configuration.graph.setdefault(node, {}).update(dict.fromkeys(t for t in targets if t != node))

    def _bounded(self, file: _File, block: Block, address: str, expansion: Expansion) -> Expansion:
        """`expansion`, or its one instance without a key when its instances would take the read past its bound
        of resource instances (ADR 0677); counted."""
        count = len(expansion.instances)
        budget = self.budget
        if count > 1 and budget.resources + count > budget.resource_limit:
            self.not_expanded.append(f"{address} ({file.path}:{block.line}, {count} instances)")  # noted in read()
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
            (item.name if isinstance(item, Attribute) else _block_key(item), item.line, item.end_line)
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
            prevent_destroy=_prevent_destroy(block),
            suppressions=suppressions_in(file.lines, file.path, block.line, block.end_line, items),
            unknown_sources=_unknown_sources(block, body.values),
            known_prefixes=_known_prefixes(block, body.values, scope),
            condition=condition,
            conditional_blocks=gated,
            open_blocks=tuple(_open_values(found) for found in body.open),
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
        scope: Scope,
        prefix: str,
        chain: tuple[str, ...],
        condition: tuple[str, ...],
    ) -> None:
        """A module call in the module in `reldir`; `chain` is the directories of the modules on the way to this
        call, root first, `reldir` last."""
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
        for instance in expansion.instances:
            if self.budget.used >= self.budget.limit:
                self.not_followed.append(address + instance.suffix)  # noted once, in read()
                continue
            if self.budget.resources >= self.budget.resource_limit:
                self.not_followed_resources.append(address + instance.suffix)  # noted once, in read()
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
                inputs[argument] = Input(value, references, tuple(dict.fromkeys(evaluator.defaults)))
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
            (item.name if isinstance(item, Attribute) else _block_key(item), item.line, item.end_line)
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
            suppressions=suppressions_in(file.lines, file.path, block.line, block.end_line, items),
            unknown_sources=(),
        )


def _mentions(file: _File, item: Attribute | Block, text: str) -> bool:
    """Whether `text` occurs in the source lines of `item`: a walk of its syntax is needed only then."""
    return any(text in line for line in file.lines[item.line - 1 : item.end_line])


def _tfvars_order(item: tuple[str, str]) -> tuple[int, str]:
    """terraform.tfvars, terraform.tfvars.json, then the `*.auto.tfvars(.json)` files by name."""
    name = posixpath.basename(item[0])
    return ({"terraform.tfvars": 0, "terraform.tfvars.json": 1}.get(name, 2), name)


def _is_sensitive(block: Block, scope: Scope) -> bool:
    return any(
        isinstance(item, Attribute) and item.name == "sensitive" and Evaluator(scope).attribute(item) is True
        for item in body_items(block.body)
    )


def _default(block: Block, name: str | None) -> Input:
    """A variable nobody sets: its declared default, marked as one by `name` (`var.x`) in the root module,
    where -var, TF_VAR_ or tfvars outside the tree may set it; inside a module the call fixes it (ADR 0360)."""
    for item in body_items(block.body):
        if isinstance(item, Attribute) and item.name == "default":
            value = Evaluator(Scope()).evaluate(item.expression)
            return Input(value, (), (name,) if name is not None and value is not UNKNOWN else ())
    return Input(UNKNOWN)  # set from outside (-var, tfvars, the environment)


def _gates_open(scope: Scope, condition: tuple[str, ...]) -> Scope:
    """The scope a conditional block's body is read in: its gate variables unknown, since wherever it exists
    some of them differ from their defaults (`encrypted = !var.not_encrypted` gated by `var.not_encrypted`
    is not known to be true there); the scope itself for an unconditional block."""
    return (scope.opened(frozenset(condition)) or scope) if condition else scope


def _joined(outer: tuple[str, ...], inner: tuple[str, ...]) -> tuple[str, ...]:
    """The condition of a block inside a conditional module call: both sets of variables, in order."""
    return tuple(dict.fromkeys(outer + inner)) if inner else outer


def _typed(block: Block, received: Input) -> Input:
    """The value a variable receives, converted to its `type` as Terraform converts it (`hcl_types`)."""
    if received.value is UNKNOWN:
        return received
    for item in body_items(block.body):
        if isinstance(item, Attribute) and item.name == "type":
            spec = parse_type(item.expression, Evaluator(Scope()).evaluate)
            if spec is None:
                return received
            collection = spec.kind in ("list", "set", "map")  # never `==` a `[…]` or `{…}` literal (ADR 0554)
            return replace(received, value=convert(received.value, spec), collection=collection)
    return received


def _block_key(block: Block) -> str:
    return block.labels[0] if block.kind == "dynamic" and block.labels else block.kind


def _prevent_destroy(block: Block) -> bool:
    for item in body_items(block.body):
        if isinstance(item, Block) and item.kind == "lifecycle":
            for setting in body_items(item.body):
                if isinstance(setting, Attribute) and setting.name == "prevent_destroy":
                    return Evaluator(Scope()).evaluate(setting.expression) is True
    return False


def _open_values(found: OpenDynamic) -> OpenValues:
    """A `dynamic` block with an unknown `for_each` (ADR 0452): both outcomes split into values and masks."""
    absent, absent_mask = split_unknown(found.absent)
    present, present_mask = split_unknown(found.present)
    return (found.path, found.name, absent, absent_mask or {}, present, present_mask or {})


def _unknown_sources(block: Block, values: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The source text of each top-level item whose value is unknown, so base and head can be compared."""
    out: list[tuple[str, str]] = []
    for item in body_items(block.body):
        key = item.name if isinstance(item, Attribute) else _block_key(item)
        if key in values and contains_unknown(values[key]):
            out.append((key, _source_text(item.node)))
    return tuple(sorted(out))


def _known_prefixes(block: Block, values: Mapping[str, Any], scope: Scope) -> dict[str, str]:
    """The known beginning of each top-level attribute whose string value is unknown (ADR 0330)."""
    found: dict[str, str] = {}
    for item in body_items(block.body):
        if isinstance(item, Attribute) and values.get(item.name) is UNKNOWN:
            try:
                prefix = known_prefix(Evaluator(scope), item.expression)
            except EVALUATION_ERRORS:
                continue  # the attribute did not evaluate either: unknown, noted
            if prefix is not None:
                found[item.name] = prefix
    return found


def _source_text(node: Any) -> str:
    from hcl2.utils import SerializationOptions

    try:
        return repr(node.serialize(SerializationOptions(with_comments=False)))
    except (RuntimeError, ValueError, TypeError, AttributeError):
        return ""
