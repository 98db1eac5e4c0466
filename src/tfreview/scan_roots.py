"""`tfreview scan DIR` over a repository: every root module under DIR, reviewed on its own.

The roots are found by `parsing.terraform_roots` (docs/adr/0215-root-modules.md). Each is read with its
local modules, reviewed with the same rules and policy, and its paths put under the repository root. A
directory no root reached (called only from a cycle of modules) is reviewed as a root too, and says so
under its coverage; modules from a registry or another remote source are listed under each root's
coverage ("not reviewed"), never skipped silently. DIR holding one root is the single review it always was.
Each root reads at most its fair share of the module instances one scan reads (`fair_share`, ADR 0421).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from tfreview.core.errors import InputError
from tfreview.core.findings import Review
from tfreview.core.locations import join
from tfreview.core.plan import ChangeSet
from tfreview.core.unicode_text import scrub
from tfreview.parsing.file_bound import FileCount
from tfreview.parsing.hcl import load_directory
from tfreview.parsing.hcl_read_budget import MAX_MODULE_INSTANCES, MAX_SCAN_MODULE_INSTANCES, ModuleBudget
from tfreview.parsing.repository_paths import folder_prefix
from tfreview.parsing.source_tree import DirectoryReader, RecordingReader
from tfreview.parsing.terraform_roots import find_roots, normalise
from tfreview.render.roots import RootReview
from tfreview.scan_guards import in_repository, refuse_unparsed

Assess = Callable[[ChangeSet], Review]
_FILE_IN_NOTE = re.compile(r"\(([^()\s]+?\.tf):(\d+)\)")  # "(../../main.tf:12)"


def _terraform_json_hint(base: Path) -> str:
    """For a folder of Terraform JSON only (`cdktf synth`'s `cdk.tf.json`): what is there and what to scan instead."""
    found = next((p for p in base.rglob("*.tf.json") if ".terraform" not in p.parts), None)
    if found is None:
        return ""
    shown = found.relative_to(base).as_posix()
    return (
        f"; Terraform written as JSON ({shown}, e.g. `cdktf synth`'s output) is not read: scan its plan instead "
        "(`terraform plan -out=tfplan && terraform show -json tfplan > plan.json` in that folder)"
    )


def review_roots(
    base: Path,
    assess: Assess,
    *,
    allow_parse_errors: bool = False,
    path_prefix: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[RootReview]:
    """The review of every root module under `base`, in path order ("." first)."""
    layout = find_roots(base)
    if not layout.directories:
        raise InputError(f"no .tf files in {base} or below{_terraform_json_hint(base)}")
    refuse_unparsed(layout.unlisted, allowed=allow_parse_errors)  # a folder not listed: its files are not read
    unlisted_notes = [
        f"{folder}/ in the scanned folder: {why}; any Terraform in it is not reviewed"
        for folder, why in layout.unlisted
    ]
    pending = list(layout.roots) or list(layout.directories[:1])  # no root at all: a cycle of modules
    done: list[str] = []
    read: set[str] = set()
    out: list[RootReview] = []
    used = 0  # module instances read by the roots reviewed so far (ADR 0421)
    count = FileCount(scrub(str(base)))  # Terraform files read by every root, its modules' too (ADR 0604)
    while pending:
        root = pending.pop(0)
        if progress is not None and len(layout.roots) > 1:
            progress(f"reviewing root {root} ({len(done) + 1} of {len(layout.roots)}+)")
        budget = fair_share(root, MAX_SCAN_MODULE_INSTANCES - used, 1 + len(pending))  # pending: roots after it
        reader = RecordingReader(DirectoryReader(base / root if root != "." else base, count=count))
        change_set = load_directory(base / root if root != "." else base, reader=reader, budget=budget)
        used += budget.used
        refuse_unparsed(_from_base(root, change_set.coverage.files_skipped), allowed=allow_parse_errors)
        read |= {normalise(root, reldir) for reldir in reader.read}
        notes = _unreached_note(root, layout.callers) if root not in layout.roots else []
        if not done:  # the first root's review carries the folders the scan could not list
            notes = [*unlisted_notes, *notes]
        out.append(_placed(base, root, assess(change_set), notes, path_prefix))
        done.append(root)
        # the parse trees of this root hold cycles (nodes know their parents) and `scan` runs with the
        # cyclic collector off: collect the young generation so a repository costs one root's memory
        gc.collect(0)
        if not pending:
            pending = layout.unreached(read | set(done))[:1]
    return out


def _from_base(root: str, skipped: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """The files a root could not read, named from the scanned folder: every root has its `main.tf`."""
    return [(join(scrub(root), file) if root != "." else file, reason) for file, reason in skipped]


def fair_share(root: str, left: int, roots: int) -> ModuleBudget:
    """The module instances `root` may read: at most a root's bound, and what the scan has `left` less an equal
    part of it kept for each of the other `roots` still to review (`roots` counts this one). Every root is thus
    sure of its equal part, and a root may use what the roots before it left unread: no root starves another,
    and a root needing more than the average is not cut while the others need little (ADR 0421)."""
    roots = max(roots, 1)
    left = max(left, 0)
    kept = left // roots  # for each root after this one
    share = min(MAX_MODULE_INSTANCES, left - (roots - 1) * kept)
    name = scrub(root)
    if share == MAX_MODULE_INSTANCES:
        reason = f"root {name} reads at most {share} module instances, the bound of one root"
    else:
        after = roots - 1
        reason = (
            f"root {name} reads at most {share} module instances: what is left of the {MAX_SCAN_MODULE_INSTANCES} "
            f"one scan reads ({left}), less {kept} kept for each of the {after} root{'s' if after != 1 else ''} "
            "after it"
        )
    return ModuleBudget(limit=share, reason=reason)


def _unreached_note(root: str, callers: dict[str, tuple[str, ...]]) -> list[str]:
    by = ", ".join(callers.get(root, ()))
    return [
        f"{root}: no root module's review reached it (called as a module only by {by}, with an empty count or "
        "for_each, or in a cycle); reviewed as a root"
    ]


def _placed(base: Path, root: str, review: Review, notes: list[str], path_prefix: str | None) -> RootReview:
    """The root's review labelled with the root, its paths from the repository root (from DIR when DIR is
    in no repository and not under the current directory, so two roots' files never read alike)."""
    folder = base / root if root != "." else base
    root = scrub(root)  # from here on the root names output: a name that is not UTF-8 reads with U+FFFD (ADR 0370)
    base_prefix = path_prefix if path_prefix is not None else folder_prefix(base)
    prefix = join(base_prefix, root) if root != "." else base_prefix
    placed, plan_path = in_repository(review, str(folder), None, prefix)
    if root != ".":  # notes name files from the root (`../../main.tf:3`): name them as findings do
        notes = [
            _FILE_IN_NOTE.sub(lambda m: f"({join(prefix, m[1])}:{m[2]})", n) for n in placed.coverage.notes
        ] + notes
        coverage = replace(placed.coverage, notes=tuple(notes))
    else:
        coverage = replace(placed.coverage, notes=(*placed.coverage.notes, *notes)) if notes else placed.coverage
    label = root if root != "." else placed.label
    return RootReview(root, replace(placed, label=label, coverage=coverage), plan_path)
