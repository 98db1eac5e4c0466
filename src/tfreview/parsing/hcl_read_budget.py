"""The bounds of one read of a Terraform tree (`hcl_configuration.read_configuration`): module instances, resource
instances and characters parsed, and the coverage notes that say what they left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from tfreview.parsing import evaluation_budget

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


def past_source_budget(read: int) -> str:
    """Why a file is not parsed: the files read before it leave too little of MAX_SOURCE_CHARACTERS.

    >>> past_source_budget(4_000_000)  # doctest: +ELLIPSIS
    'not parsed: one review parses at most 4,194,304 characters of Terraform, and ... before it hold 4,000,000'
    """
    return (
        f"not parsed: one review parses at most {MAX_SOURCE_CHARACTERS:,} characters of Terraform, and the files read "
        f"before it hold {read:,}"
    )


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


class LeftOut:
    """What one read's bounds left out, in reading order, noted once at its end. A plain class, not a dataclass:
    a dataclass's methods are compiled when its module is imported, at every scan."""

    __slots__ = ("not_expanded", "not_followed", "not_followed_resources")

    def __init__(self) -> None:
        self.not_followed: list[str] = []  # module instance addresses past the budget
        self.not_followed_resources: list[str] = []  # those past the resource instances' bound
        self.not_expanded: list[str] = []  # resources read once, without a key, at that bound

    def notes(self, budget: ModuleBudget, spent: evaluation_budget.Spent) -> list[str]:
        """The coverage notes of the evaluation budget `spent` and of what was left out under `budget`."""
        notes: list[str] = []
        if spent.outcomes_left_out:
            notes.append(
                f"{spent.outcomes_left_out} `dynamic` block{'s' if spent.outcomes_left_out > 1 else ''} with a "
                "for_each unknown until plan or empty by a default not checked apart: one block body is checked in "
                f"at most {evaluation_budget.MAX_OUTCOMES} such outcomes"
            )
        if spent.refused:
            notes.append(
                f"{spent.refused} `for` expression{'s' if spent.refused > 1 else ''} or `dynamic` block"
                f"{'s' if spent.refused > 1 else ''} read as unknown: one review evaluates at most "
                f"{spent.limit} `for` elements and expands at most {spent.block_limit} `dynamic` blocks, nested ones "
                "multiplying; what they build is not reviewed"
            )
        if spent.text_refused:
            notes.append(
                f"{spent.text_refused} function call{'s' if spent.text_refused > 1 else ''} read as unknown: the "
                f"function calls of one review take in at most {spent.text_limit:,} characters of text; what they "
                "return is not reviewed"
            )
        if spent.built_refused:
            notes.append(
                f"{spent.built_refused} template{'s' if spent.built_refused > 1 else ''} read as unknown: the "
                f"templates of one review build at most {spent.built_limit:,} characters of text; what they build is "
                "not reviewed"
            )
        if self.not_followed:
            count = len(self.not_followed)
            span = self.not_followed[0] if count == 1 else f"{self.not_followed[0]} to {self.not_followed[-1]}"
            notes.append(
                f"{count} module instance{'s' if count > 1 else ''} not followed ({span}): {budget.describe()}; "
                "the resources in them and the modules they call are not reviewed"
            )
        bound = f"one review expands at most {budget.resource_limit} resource instances"
        if self.not_expanded:
            notes.append(f"{_counted(self.not_expanded, 'resource')} reviewed once, without an instance key: {bound}")
        if self.not_followed_resources:
            notes.append(
                f"{_counted(self.not_followed_resources, 'module instance')} not followed: {bound}; the resources "
                "in them and the modules they call are not reviewed"
            )
        return notes


def _counted(items: list[str], noun: str) -> str:
    """`3 module instances (a to c)`: how many, the first and the last."""
    span = items[0] if len(items) == 1 else f"{items[0]} to {items[-1]}"
    return f"{len(items)} {noun}{'s' if len(items) > 1 else ''} ({span})"
