"""A plan's changes, completed from the Terraform source that produced it: file and line, inline
suppressions and `prevent_destroy`, which plan JSON does not carry (`tfreview scan plan.json --source DIR`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tfreview.core.plan import ChangeSet, Coverage, ResourceChange
from tfreview.parsing.hcl import load_directory


def enrich_plan(change_set: ChangeSet, source_dir: str | Path) -> ChangeSet:
    """`change_set` with location, suppressions and prevent_destroy filled from the HCL in `source_dir`."""
    source = load_directory(source_dir)
    by_address = {change.address: change for change in source.changes}
    by_config = {change.config_address: change for change in reversed(source.changes)}  # first instance wins

    def enriched(change: ResourceChange) -> ResourceChange:
        found = by_address.get(change.address) or by_config.get(change.config_address)
        if found is None:
            return change
        return replace(
            change,
            location=found.location,
            suppressions=found.suppressions,
            prevent_destroy=found.prevent_destroy,
        )

    coverage = Coverage(
        resources_total=change_set.coverage.resources_total,
        resources_reviewed=change_set.coverage.resources_reviewed,
        files_parsed=(*change_set.coverage.files_parsed, *source.coverage.files_parsed),
        files_skipped=(*change_set.coverage.files_skipped, *source.coverage.files_skipped),
        notes=(*change_set.coverage.notes, *source.coverage.notes),
    )
    return replace(
        change_set,
        changes=[enriched(change) for change in change_set.changes],
        drift=[enriched(change) for change in change_set.drift],
        coverage=coverage,
    )
