"""The providers of a Terraform tree as pseudo resources (`provider.<name>`, type `<name>_provider`): what every
module's `required_providers` asks for, carried to the provider blocks that configure them and to those no block
configures (ADR 0331), each typed by the provider its `source` names (ADR 0365).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from tfreview.core.plan import Location
from tfreview.parsing.hcl_configured import ConfiguredResource
from tfreview.parsing.hcl_syntax import Attribute, Block, body_items
from tfreview.parsing.hcl_values import Evaluator, Scope


class ProviderRequirements:
    """The `required_providers` entries of every module read, in reading order."""

    def __init__(self) -> None:
        self.required: dict[str, list[str]] = {}  # provider name -> `required_providers` version constraints
        self.required_at: dict[str, Location] = {}  # provider name -> the first `terraform` block requiring it
        # local name -> provider type, from a `required_providers` entry's `source` (`gcp = { source =
        # "hashicorp/google" }`: the `gcp` provider is the google provider; ADR 0365)
        self.local_types: dict[str, str] = {}

    def read(self, path: str, block: Block) -> None:
        """A `terraform` block's `required_providers { google = { version = "~> 4.0" } }` (or `google = "~> 4.0"`)."""
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
                    self.required_at.setdefault(item.name, Location(path, block.line, block.end_line))

    def apply(self, resources: dict[str, ConfiguredResource]) -> None:
        """Once every module is read: each provider's version constraints on the pseudo resource that configures
        it, as a plan's `version_constraint` has them, or on one of its own when no block does; then each typed."""
        configured: set[str] = set()
        for resource in resources.values():
            name = resource.type.removesuffix("_provider")
            if resource.type.endswith("_provider"):
                configured.add(name)
                if name in self.required and "version" not in resource.values:
                    resource.values["version"] = ", ".join(dict.fromkeys(self.required[name]))
        for name, constraints in self.required.items():
            if name not in configured and f"provider.{name}" not in resources:
                resources[f"provider.{name}"] = self._implicit_provider(name, ", ".join(dict.fromkeys(constraints)))
        self._type_by_source(resources)

    def _type_by_source(self, resources: dict[str, ConfiguredResource]) -> None:
        """A provider pseudo resource's type is `<provider type>_provider`, the type its `source` names, not its
        local name: `gcp = { source = "hashicorp/google" }` with `provider "gcp" {}` is `google_provider`, as a
        plan's `provider_config` names it (ADR 0365). The address keeps the local name the code wrote."""
        for address, resource in list(resources.items()):
            local = resource.type.removesuffix("_provider")
            kind = self.local_types.get(local)
            if resource.type.endswith("_provider") and kind is not None and kind != local:
                resources[address] = replace(resource, type=f"{kind}_provider")

    def _implicit_provider(self, name: str, version: str) -> ConfiguredResource:
        """A provider that `required_providers` constrains but no provider block configures: Terraform still
        configures it (empty), and a plan lists it in `provider_config` with its `version_constraint`; the
        pseudo resource `provider.<name>` carries that constraint to the rules here too (ADR 0331)."""
        return ConfiguredResource(
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
