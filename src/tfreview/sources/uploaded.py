"""The `api` PlanSource: a plan uploaded through `POST /api/v1/plans`, read back from the PlanStore.

Two kinds of upload: the JSON of `terraform show -json PLANFILE`, or a tarball (optionally gzipped)
of `.tf` files. The tarball is unpacked into a private temporary directory with hard limits: only
regular files and directories, no absolute paths, no `..`, no links or devices, bounded count and size.
Its modules are read from that directory only: a `source = "../../elsewhere"` in an upload names the
server's own disk, which is not the uploader's to read (the call is noted as not followed, as a GitHub
pull request's module outside its repository is).

`fetch` is `prepare(...).fetched()`: `prepare` reads the stored bytes (the worker's process: it holds the store),
`UploadedInput.fetched` parses them — in a review process when the worker has them (ADR 0702), which is handed the
bytes through its pipe and never opens the store.
"""

from __future__ import annotations

import io
import tarfile
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from tfreview.core.errors import InputError
from tfreview.core.plan import ChangeSet
from tfreview.parsing.source_tree import (
    DirectoryFiles,
    DirectoryReader,
    is_terraform_file,
    is_unread_configuration,
    terraform_text,
)
from tfreview.ports.job_types import source_fields
from tfreview.ports.records import StoredReview
from tfreview.ports.service import Fetched, PlanStore

PLAN_JSON_KINDS = frozenset({"plan", "plan_json", "json"})
TARBALL_KINDS = frozenset({"tarball", "tar", "tar.gz", "tgz", "hcl", "hcl_tarball"})
MAX_TAR_MEMBERS = 10_000
MAX_TAR_BYTES = 256 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"


class UploadedPlanSource:
    """Reads the (already redacted) upload named by the job payload's `plan_id` (or the review's)."""

    kind = "api"
    unavailable: str | None = None

    def __init__(self, plans: PlanStore) -> None:
        self._plans = plans

    def fetch(self, review: StoredReview, payload: dict[str, object]) -> Fetched:
        return self.prepare(review, payload).fetched()

    def prepare(self, review: StoredReview, payload: Mapping[str, object]) -> UploadedInput:
        """The stored (redacted) upload the review reads: InputError when the review names none or it is gone."""
        plan_id = source_fields(payload).plan_id or review.plan_id
        if not isinstance(plan_id, str) or not plan_id:
            raise InputError(f"review {review.id} names no uploaded plan")
        stored = self._plans.get(plan_id)
        if stored is None:
            raise InputError(f"uploaded plan {plan_id} was not found (deleted or never stored)")
        content, kind, _metadata = stored
        label = review.source.label(f"upload {plan_id}")  # the stack and run a Spacelift user knows
        return UploadedInput(plan_id, content, kind, label)


@dataclass(frozen=True, slots=True)
class UploadedInput:
    """An upload's stored bytes, read and not yet parsed (a `PreparedInput`, ports.review_processes)."""

    plan_id: str
    content: bytes
    kind: str
    label: str

    def __repr__(self) -> str:  # a log line or a traceback never carries the plan itself
        return f"UploadedInput({self.plan_id!r}, {len(self.content)} bytes, {self.kind!r})"

    def fetched(self) -> Fetched:
        content, kind, label = self.content, self.kind, self.label
        if kind in TARBALL_KINDS or (kind not in PLAN_JSON_KINDS and _looks_like_tar(content)):
            return Fetched(change_set_from_tarball(content, label=label))
        from tfreview.parsing.plan_json import load_plan  # the parsers at the first review, not at the start (ADR 0753)

        return Fetched(replace(load_plan(content, path=f"upload {self.plan_id}"), label=label))


def change_set_in_memory(content: bytes, *, label: str) -> ChangeSet:
    """`change_set_from_tarball`'s review with the files read in memory, never written to disk: for the original of
    an upload (before redaction), which a process killed mid-review would otherwise leave in clear under $TMPDIR
    (ADR 0472). Read with the same limits; only Terraform files are kept (the reader reads nothing else)."""
    texts: dict[str, str] = {}
    tops: set[str] = set()
    unread: list[str] = []  # "main.tf (not UTF-8 text)": Terraform files the review cannot read
    try:
        with tarfile.open(fileobj=io.BytesIO(content), mode="r:*") as archive:
            for member, relative in _members(archive, label):
                tops.add(relative.parts[0])
                path = str(relative)
                if member.isdir() or not (is_terraform_file(path) or is_unread_configuration(path)):
                    continue
                source = archive.extractfile(member)
                text = terraform_text(source.read(member.size)) if source is not None else ("",)
                if isinstance(text, str):
                    texts[path] = text
                elif path.endswith(".tf"):
                    unread.append(f"{path} ({text[0] or 'not read'})")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InputError(f"not a plan JSON nor a readable tarball of .tf files ({exc})", path=label) from None
    prefix = _root_prefix(texts, tops, label, unread)
    inside = {path[len(prefix) :]: text for path, text in texts.items() if path.startswith(prefix)}
    from tfreview.parsing.hcl import changeset_from_sources  # at the first review, not at the start (ADR 0753)

    return changeset_from_sources(inside, label=label)


def _root_prefix(texts: dict[str, str], tops: set[str], label: str, unread: Sequence[str] = ()) -> str:
    """`_terraform_root` for files in memory: "" (the archive root) or "folder/" (its single top-level folder).
    `unread`: the .tf files left out as not text, named in the error (ADR 0496)."""
    if any("/" not in path and path.endswith(".tf") for path in texts):
        return ""
    if len(tops) == 1:
        prefix = f"{next(iter(tops))}/"
        if any(p.startswith(prefix) and "/" not in p[len(prefix) :] and p.endswith(".tf") for p in texts):
            return prefix
    why = f"; not read: {', '.join(unread[:3])}{' …' if len(unread) > 3 else ''}" if unread else ""
    raise InputError(f"the tarball holds no .tf files at its top level (or in its single top folder){why}", path=label)


def change_set_from_tarball(content: bytes, *, label: str) -> ChangeSet:
    """Unpack a tarball of Terraform source safely and review every resource in it (as creates)."""
    from tfreview.parsing.hcl import load_directory  # at the first review, not at the start (ADR 0753)

    with tempfile.TemporaryDirectory(prefix="tfreview-upload-") as scratch:
        root = Path(scratch)
        _extract(content, root, label)
        top = _terraform_root(root, label)
        return replace(load_directory(top, reader=ConfinedReader(DirectoryReader(top), root)), label=label)


class ConfinedReader:
    """A DirectoryReader that reads nothing outside `boundary` (the unpacked upload): a module directory that
    resolves outside it reads as empty, whether it exists or not, so the answer tells nothing of the disk."""

    def __init__(self, inner: DirectoryReader, boundary: Path) -> None:
        self._inner = inner
        self._boundary = boundary.resolve()

    def read_dir(self, reldir: str) -> DirectoryFiles:
        directory = (self._inner.root / reldir).resolve() if reldir else self._inner.root.resolve()
        if not directory.is_relative_to(self._boundary):
            return DirectoryFiles()
        return self._inner.read_dir(reldir)


def _looks_like_tar(content: bytes) -> bool:
    if content.startswith(_GZIP_MAGIC):
        return True
    return len(content) > 262 and content[257:262] == b"ustar"


def _extract(content: bytes, root: Path, label: str) -> None:
    try:
        with tarfile.open(fileobj=io.BytesIO(content), mode="r:*") as archive:
            _extract_members(archive, root, label)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InputError(f"not a plan JSON nor a readable tarball of .tf files ({exc})", path=label) from None


def _extract_members(archive: tarfile.TarFile, root: Path, label: str) -> None:
    for member, relative in _members(archive, label):
        target = root.joinpath(*relative.parts)
        if member.isdir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        source = archive.extractfile(member)
        if source is None:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with source, open(target, "wb") as sink:
            sink.write(source.read(member.size))


def _members(archive: tarfile.TarFile, label: str) -> Iterator[tuple[tarfile.TarInfo, PurePosixPath]]:
    """The archive's directories and regular files with their safe relative paths, within the entry and byte
    limits (links, devices, fifos: never read nor materialised)."""
    members = archive.getmembers()
    if len(members) > MAX_TAR_MEMBERS:
        raise InputError(f"the tarball has more than {MAX_TAR_MEMBERS} entries", path=label)
    total = 0
    for member in members:
        relative = _safe_relative(member.name, label)
        if relative is None or not (member.isfile() or member.isdir()):
            continue
        if member.isfile():
            total += member.size
            if total > MAX_TAR_BYTES:
                raise InputError(f"the tarball unpacks to more than {MAX_TAR_BYTES} bytes", path=label)
        yield member, relative


def _safe_relative(name: str, label: str) -> PurePosixPath | None:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name:
        raise InputError(f"the tarball entry {name!r} points outside the archive", path=label)
    parts = [p for p in path.parts if p not in ("", ".")]
    return PurePosixPath(*parts) if parts else None


def _terraform_root(root: Path, label: str) -> Path:
    """The directory holding the .tf files: the archive root, or its single top-level folder."""
    if any(p.is_file() for p in root.glob("*.tf")):
        return root
    entries = list(root.iterdir())
    if len(entries) == 1 and entries[0].is_dir() and any(p.is_file() for p in entries[0].glob("*.tf")):
        return entries[0]
    raise InputError("the tarball holds no .tf files at its top level (or in its single top folder)", path=label)
