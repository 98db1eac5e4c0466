"""The `github` PlanSource: a pull request's Terraform change, read through the GitHub API.

    the job (repository, number, head/base SHA, installation) → the PR's changed files (paginated)
    → the directories holding changed `.tf`/`.tfvars` files → each one read at head and at base, with
    the local modules it calls (the parser asks for exactly the directories it follows, inside the
    repository; remote sources are noted in coverage), each side parsed once
    → `compare_configurations(head, base)` per root → one ChangeSet, every location repository-relative (so
    check-run annotations land on the lines).

A directory that is itself a module of another touched directory is reviewed once, as that module.
The repository's `.tfreview.toml` at head becomes the review's Policy, returned with the change set (`Fetched`).
Nothing but the configured GitHub API is contacted (the client builds every URL; none is taken from a
payload). Limits bound what one pull request may make us read; what is left out is said in coverage.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Protocol, runtime_checkable

from tfreview.config import CONFIG_NAME
from tfreview.core.errors import ConfigError, InputError, NotFound
from tfreview.core.plan import ChangeSet, Coverage, Location, ResourceChange
from tfreview.core.policy import Policy
from tfreview.integrations.github.auth import LentToken
from tfreview.integrations.github.models import ChangedFile, FileListing, PullRequest
from tfreview.integrations.github.repo_policy import RepoPolicy, repo_policy
from tfreview.parsing.hcl import compare_configurations
from tfreview.parsing.hcl_configuration import read_configuration
from tfreview.parsing.hcl_configured import Configuration
from tfreview.parsing.skipped_files import one_per_file
from tfreview.parsing.source_tree import DirectoryFiles, is_terraform_file
from tfreview.ports.job_types import source_fields
from tfreview.ports.records import StoredReview
from tfreview.ports.service import Fetched

logger = logging.getLogger("tfreview.github")

_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}")
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_TENANT = re.compile(r"github:(\d{1,20})")
_TREE_SUFFIXES = (".tf", ".tfvars", ".tfvars.json", CONFIG_NAME)  # Terraform files and the repository's .tfreview.toml
GITHUB_FILES_CAP = 3000  # GitHub lists at most 3,000 files of a pull request


class PullRequestReader(Protocol):
    """What this source needs of `GitHubClient`."""

    def get_pull_request(self, repo: str, number: int) -> PullRequest | None: ...

    def list_pull_request_files(self, repo: str, number: int) -> list[ChangedFile]: ...

    def get_tree(self, repo: str, ref: str, suffixes: Sequence[str] = ...) -> FileListing: ...

    def list_directory(self, repo: str, directory: str, ref: str) -> FileListing: ...

    def get_file(self, repo: str, path: str, ref: str) -> str | None: ...


ClientFactory = Callable[[int | None], PullRequestReader]


@runtime_checkable
class _LendsTokens(Protocol):
    """What `GitHubClient` adds for review processes (ADR 0690)."""

    def lend_token(self) -> LentToken | None: ...

    def adopt_token(self, lent: LentToken) -> None: ...

    def returned_token(self, lent: LentToken) -> LentToken | None: ...

    def take_back_token(self, lent: LentToken, returned: LentToken) -> None: ...


@dataclass(frozen=True, slots=True)
class SourceLimits:
    max_roots: int = 50  # directories reviewed per pull request
    max_files: int = 2_000  # files fetched per pull request (head and base together)
    max_file_chars: int = 1_000_000
    max_total_chars: int = 32_000_000


@dataclass(frozen=True, slots=True)
class PullRequestTarget:
    repository: str
    number: int
    head_sha: str | None
    base_sha: str | None
    installation_id: int | None


def target_of(review: StoredReview, payload: Mapping[str, object]) -> PullRequestTarget:
    """Where the review's pull request is: the job payload first, else the stored review's source and tenant."""
    fields = source_fields(payload)
    repository = fields.repository or review.source.repository
    number = fields.pull_request or review.source.pull_request
    if not isinstance(repository, str) or _REPOSITORY.fullmatch(repository) is None:
        raise InputError(f"review {review.id} names no GitHub repository (owner/name)")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise InputError(f"review {review.id} names no pull request number")
    head = fields.head_sha or review.source.commit_sha
    base = fields.base_sha
    return PullRequestTarget(
        repository=repository,
        number=number,
        head_sha=head if isinstance(head, str) and _SHA.fullmatch(head) else None,
        base_sha=base if isinstance(base, str) and _SHA.fullmatch(base) else None,
        installation_id=installation_of(review.tenant_id, payload),
    )


def installation_of(tenant_id: str, payload: Mapping[str, object] | None = None) -> int | None:
    """The App installation: the payload's `installation_id`, else the tenant id `github:<installation>`."""
    value = source_fields(payload or {}).installation_id
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _TENANT.fullmatch(tenant_id)
    return int(match[1]) if match else None


def terraform_directories(files: list[ChangedFile]) -> list[str]:
    """Directories (repository-relative, "" = root) holding a changed Terraform file, before or after a rename."""
    dirs: set[str] = set()
    for changed in files:
        for path in (changed.filename, changed.previous_filename):
            if path and (is_terraform_file(path) or path.endswith((".tfvars", ".tfvars.json"))):
                directory = posixpath.dirname(path)
                dirs.add("" if directory == "." else directory)
    return sorted(dirs)


class _Budget:
    def __init__(self, limits: SourceLimits) -> None:
        self.limits = limits
        self.files = 0
        self.chars = 0
        self.exhausted = False


@dataclass
class _RepoReader:
    """A SourceReader over one commit of the repository, rooted at `root`; records the directories it read."""

    client: PullRequestReader
    repository: str
    ref: str
    tree: FileListing  # the recursive tree; when GitHub truncated it, each directory is listed on its own
    root: str
    cache: dict[tuple[str, str], str | None]
    budget: _Budget
    listings: dict[tuple[str, str], FileListing] = field(default_factory=dict)  # (ref, directory) → its files
    directories: set[str] = field(default_factory=set)  # repository-relative directories read

    def read_dir(self, reldir: str) -> DirectoryFiles:
        out = DirectoryFiles()
        in_repo = posixpath.normpath(posixpath.join(self.root, reldir)) if (self.root or reldir) else ""
        in_repo = "" if in_repo == "." else in_repo
        if in_repo.startswith(("..", "/")):
            return out  # outside the repository: never requested (the parser notes the module as not followed)
        self.directories.add(in_repo)
        listing = self._files_in(in_repo)
        if not listing.complete:  # a file GitHub did not list may exist: said, and the review is no pass (ADR 0608)
            shown = f"{in_repo}/" if in_repo else "./"
            out.unreadable.append((shown, "GitHub lists only part of this directory: some files may not be reviewed"))
        for path in listing.paths:
            if posixpath.dirname(path) != in_repo or not is_terraform_file(path):
                continue
            relpath = posixpath.join(reldir, posixpath.basename(path)) if reldir else posixpath.basename(path)
            text = self._fetch(path)
            if text is None:
                out.unreadable.append((relpath, self._why_not(path)))
                continue
            out.texts[relpath] = text
        return out

    def _files_in(self, directory: str) -> FileListing:
        if self.tree.complete:
            return self.tree
        key = (self.ref, directory)
        if key not in self.listings:
            self.listings[key] = self.client.list_directory(self.repository, directory, self.ref)
        return self.listings[key]

    def _fetch(self, path: str) -> str | None:
        key = (self.ref, path)
        if key not in self.cache:
            if self.budget.files >= self.budget.limits.max_files:
                self.budget.exhausted = True
                return None
            self.budget.files += 1
            text = self.client.get_file(self.repository, path, self.ref)
            if text is not None and len(text) > self.budget.limits.max_file_chars:
                text = None
                self.cache[(self.ref, path + "\0too-large")] = ""
            elif text is not None:
                if self.budget.chars + len(text) > self.budget.limits.max_total_chars:
                    self.budget.exhausted = True
                    return None
                self.budget.chars += len(text)
            self.cache[key] = text
        return self.cache[key]

    def _why_not(self, path: str) -> str:
        if (self.ref, path + "\0too-large") in self.cache:
            return f"larger than {self.budget.limits.max_file_chars:,} characters"
        if (self.ref, path) not in self.cache:
            return "not read: the pull request's read limits were reached"
        return "could not be read (not UTF-8 text, or gone)"


class GitHubPlanSource:
    """PlanSource for `github` reviews. `clients(installation_id)` gives a client for that installation
    (None: the plain-token setup). `fetch` returns the change set with the Policy read from the repository."""

    kind = "github"
    unavailable: str | None = None

    def __init__(
        self,
        clients: ClientFactory,
        *,
        limits: SourceLimits | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._clients = clients
        self._limits = limits or SourceLimits()
        self._today = today

    def fetch(self, review: StoredReview, payload: dict[str, object]) -> Fetched:
        target = target_of(review, payload)
        client = self._clients(target.installation_id)
        pull = self._pull_request(client, target)
        head = target.head_sha or pull.head_sha
        base = target.base_sha or pull.base_sha
        if not head or not base:
            raise InputError(f"{target.repository}#{target.number}: the pull request's head or base commit is unknown")
        label = f"{target.repository}#{target.number} @ {head[:12]}"
        files = client.list_pull_request_files(target.repository, target.number)
        directories = terraform_directories(files)
        notes: list[str] = []
        if len(files) >= GITHUB_FILES_CAP:
            notes.append(f"GitHub lists only the first {GITHUB_FILES_CAP:,} changed files; later files not reviewed")
        if not directories:
            notes.insert(0, "this pull request changes no Terraform file (.tf, .tfvars): nothing to review")
            nothing = ChangeSet(changes=[], source="hcl", coverage=Coverage(notes=tuple(notes)), label=label)
            return Fetched(nothing, self._defaults())
        head_tree = client.get_tree(target.repository, head, _TREE_SUFFIXES)
        base_tree = client.get_tree(target.repository, base, _TREE_SUFFIXES)
        for name, commit, tree in (("head", head, head_tree), ("base", base, base_tree)):
            if not tree.complete:
                notes.append(
                    f"GitHub's file tree of the {name} commit {commit[:12]} is truncated (too large to list at once): "
                    "the directories reviewed were listed one by one"
                )

        head_paths, base_paths = frozenset(head_tree.paths), frozenset(base_tree.paths)

        def read_at_head(path: str) -> str | None:  # a path a truncated tree leaves out is asked for all the same
            known = path in head_paths or not head_tree.complete
            return client.get_file(target.repository, path, head) if known else None

        def read_at_base(path: str) -> str | None:
            known = path in base_paths or not base_tree.complete
            return client.get_file(target.repository, path, base) if known else None

        policy = repo_policy(directories, read_at_head, today=self._today())  # the PR's own file: checked (ADR 0031)
        try:
            merged: RepoPolicy | None = repo_policy(directories, read_at_base, today=self._today())
        except ConfigError as error:  # the base's file does not read: the PR may be its fix; it cannot be the gate
            merged = None
            notes.append(
                f"the policy at its base commit does not read ({error}); this review runs under the pull request's "
                f"({policy.path or 'the defaults'})"
            )
        if merged is not None and merged.policy != policy.policy:  # the PR changes its own gate: the base's applies
            notes.append(  # (ADR 0563)
                f"this pull request changes its review policy ({policy.path or 'the defaults'} at head); it is "
                f"reviewed under the policy at its base commit ({merged.path or 'the defaults'}): a policy change "
                "applies to the pull requests after it is merged"
            )
            policy = merged
        notes.extend(policy.notes)
        change_set = self._read(client, target.repository, (head, head_tree), (base, base_tree), directories, notes)
        return Fetched(replace(change_set, label=label), policy.policy)

    def lend_token(self, review: StoredReview, payload: Mapping[str, object]) -> LentToken | None:
        """The installation token the review's fetch would use (fetched now if none is cached), for the review
        process that fetches it instead (ADR 0690); None: nothing to lend (a plain token, no installation)."""
        target = target_of(review, payload)
        if target.installation_id is None:
            return None
        client = self._clients(target.installation_id)
        return client.lend_token() if isinstance(client, _LendsTokens) else None

    def adopt_token(self, lent: LentToken) -> None:
        """Fetch with the token a worker lent (ADR 0690) until it is stale or refused."""
        client = self._clients(lent.installation_id)
        if isinstance(client, _LendsTokens):
            client.adopt_token(lent)

    def returned_token(self, lent: LentToken) -> LentToken | None:
        """In the review process: the token it fetched in place of `lent` (GitHub refused it, or it went stale), for
        the worker to use and lend from now on (ADR 0713); None: it still holds `lent`, or holds nothing fresh."""
        client = self._clients(lent.installation_id)
        return client.returned_token(lent) if isinstance(client, _LendsTokens) else None

    def take_back_token(self, lent: LentToken, returned: LentToken) -> None:
        """In the worker: the review process fetched `returned` in place of `lent` (ADR 0713): lend that one next,
        not the token GitHub refused — which every review process would meet again, and replace with one of its own."""
        client = self._clients(lent.installation_id)
        if isinstance(client, _LendsTokens):
            client.take_back_token(lent, returned)

    def _defaults(self) -> Policy:
        """The Policy of a repository without `.tfreview.toml`."""
        return Policy(today=self._today())

    def _pull_request(self, client: PullRequestReader, target: PullRequestTarget) -> PullRequest:
        try:
            pull = client.get_pull_request(target.repository, target.number)
        except NotFound:
            pull = None
        if pull is None:
            raise InputError(f"pull request {target.repository}#{target.number} was not found (or is not visible)")
        return pull

    def _read(
        self,
        client: PullRequestReader,
        repository: str,
        head_commit: tuple[str, FileListing],
        base_commit: tuple[str, FileListing],
        directories: list[str],
        notes: list[str],
    ) -> ChangeSet:
        (head, head_tree), (base, base_tree) = head_commit, base_commit
        cache: dict[tuple[str, str], str | None] = {}
        listings: dict[tuple[str, str], FileListing] = {}
        budget = _Budget(self._limits)
        roots = directories[: self._limits.max_roots]
        if len(directories) > len(roots):
            notes.append(
                f"{len(directories) - len(roots):,} more changed directories not reviewed (limit {len(roots)})"
            )
        readers: dict[str, tuple[_RepoReader, _RepoReader]] = {}
        read: dict[str, tuple[Configuration, Configuration]] = {}
        for root in roots:
            pair = (
                _RepoReader(client, repository, head, head_tree, root, cache, budget, listings),
                _RepoReader(client, repository, base, base_tree, root, cache, budget, listings),
            )
            # reads exactly the directories the parser follows; what it read is what is compared (parsed once)
            read[root] = (read_configuration(pair[0]), read_configuration(pair[1]))
            readers[root] = pair
        merged = _Merged(notes=list(notes))
        for root, (head_configuration, base_configuration) in read.items():
            caller = _called_by(root, readers)
            if caller is not None:
                merged.notes.append(f"{_shown(root)} is reviewed as a module called from {_shown(caller)}")
                continue
            # the files a side could not read are in its configuration's files_skipped (base ones said "in base")
            merged.add(compare_configurations(head_configuration, base_configuration), root)
        if budget.exhausted:
            merged.notes.append(
                f"read limits reached ({self._limits.max_files:,} files, {self._limits.max_total_chars:,} characters): "
                "some files were not reviewed"
            )
        return merged.change_set()


def _called_by(root: str, readers: Mapping[str, tuple[_RepoReader, _RepoReader]]) -> str | None:
    """Another touched root whose configuration reads `root` as a local module (at head), if any."""
    for other, (head_reader, _) in readers.items():
        if other != root and root in head_reader.directories and other not in readers[root][0].directories:
            return other
    return None


def _shown(directory: str) -> str:
    return directory or "the repository root"


def _in_repo(root: str, path: str) -> str:
    joined = posixpath.normpath(posixpath.join(root, path)) if root else posixpath.normpath(path)
    return "" if joined == "." else joined


def _relocate(location: Location | None, root: str) -> Location | None:
    if location is None or not root:
        return location
    return replace(location, file=_in_repo(root, location.file))


def _relocated(change: ResourceChange, root: str) -> ResourceChange:
    if not root:
        return change
    suppressions = tuple(replace(s, location=_relocate(s.location, root) or s.location) for s in change.suppressions)
    return replace(change, location=_relocate(change.location, root), suppressions=suppressions)


@dataclass
class _Merged:
    """The roots' change sets gathered into one (the lists grow here; the ChangeSet is built once, frozen)."""

    changes: list[ResourceChange] = field(default_factory=list)
    files_parsed: list[str] = field(default_factory=list)
    files_skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    imports: list[tuple[str, str | None]] = field(default_factory=list)

    def add(self, part: ChangeSet, root: str) -> None:
        self.changes.extend(_relocated(c, root) for c in part.changes)
        self.imports.extend(part.imports)
        for parsed in (_in_repo(root, f) for f in part.coverage.files_parsed):
            if parsed not in self.files_parsed:
                self.files_parsed.append(parsed)
        # one entry a file: unread at head and in base (too large, or not parsed) is one file not reviewed
        skipped = one_per_file((_in_repo(root, f), why) for f, why in part.coverage.files_skipped)
        listed = {file for file, _ in self.files_skipped}  # a module two roots read is listed by the first
        self.files_skipped.extend(sorted(s for s in skipped if s[0] not in listed))
        prefix = f"{root}: " if root else ""
        self.notes.extend(f"{prefix}{note}" for note in part.coverage.notes if f"{prefix}{note}" not in self.notes)

    def change_set(self) -> ChangeSet:
        coverage = Coverage(
            files_parsed=tuple(self.files_parsed), files_skipped=tuple(self.files_skipped), notes=tuple(self.notes)
        )
        return ChangeSet(changes=self.changes, source="hcl", coverage=coverage, imports=tuple(self.imports))
