"""Where Terraform source comes from: a mapping of texts, a directory, or a git revision.

A reader answers one question — the Terraform files directly in one directory — so only the root
module and the module directories actually called are ever read. Paths are POSIX and relative to
the scanned root; a module outside it reads as `../modules/x/main.tf`.
"""

from __future__ import annotations

import codecs
import errno
import os
import posixpath
import stat
import subprocess
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tfreview.core.errors import InputError, UpstreamError
from tfreview.core.unicode_text import scrub
from tfreview.parsing import file_bound
from tfreview.parsing.file_bound import FileCount, TooManyFiles
from tfreview.parsing.repository_paths import repository_root

_GIT_TIMEOUT_SECONDS = 60
# a .tf or .tfvars file past it is not read (ADR 0683): parsing HCL holds ~500 bytes of memory per byte of source, so
# a 32 MiB file (the bound until session 20) needed ~16 GB; the largest file of the shared corpus is 103 KB
MAX_TERRAFORM_FILE_BYTES = 1024 * 1024


def is_terraform_file(path: str) -> bool:
    """`.tf` files and the variable files Terraform loads by itself (`terraform.tfvars`, `*.auto.tfvars`, and
    their `.json` forms)."""
    name = posixpath.basename(path)
    return name.endswith((".tf", ".auto.tfvars", ".auto.tfvars.json")) or name in _TFVARS_FILES


_TFVARS_FILES = ("terraform.tfvars", "terraform.tfvars.json")
# configuration Terraform or OpenTofu loads that this reader does not: listed in the coverage, never skipped silently
_UNREAD_SUFFIXES = (".tf.json", ".tofu", ".tofu.json")


def listed_names(directory: Path, keep: Callable[[str], bool]) -> list[str]:
    """The names in `directory` that `keep` accepts, streamed from the listing (OSError: it cannot be listed)."""
    with os.scandir(directory) as entries:
        return [entry.name for entry in entries if keep(entry.name)]


def _read_or_noted(name: str) -> bool:
    return is_terraform_file(name) or is_unread_configuration(name)


def is_unread_configuration(path: str) -> bool:
    """Terraform JSON syntax (`.tf.json`) and OpenTofu's own files (`.tofu`, `.tofu.json`): not read here."""
    return posixpath.basename(path).endswith(_UNREAD_SUFFIXES)


@dataclass(slots=True)
class DirectoryFiles:
    """The Terraform files directly in one directory, and those that could not be read as text."""

    texts: dict[str, str] = field(default_factory=dict)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # configuration in a syntax not read (`is_unread_configuration`)


class SourceReader(Protocol):
    def read_dir(self, reldir: str) -> DirectoryFiles:
        """The Terraform files directly in `reldir` ("" is the root), keyed by path relative to the root."""
        ...


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def terraform_text(data: bytes) -> str | tuple[str]:
    """The text of a Terraform file, or (why it is not read,): Terraform reads UTF-8 only. A UTF-16 file, as
    Windows editors and PowerShell's `>` write it, is named as such — with or without a BOM (ASCII text in
    UTF-16 without one is valid UTF-8, full of NULs, and would read as a syntax error)."""
    head = data[:64]
    half = len(head) // 2
    utf_16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        len(head) >= 4 and half in (head[1::2].count(0), head[0::2].count(0))
    )
    if utf_16 and head.count(0) == len(head):
        return ("NUL bytes, not text",)
    if utf_16:
        return ("UTF-16 text; Terraform reads .tf files as UTF-8 only",)
    text = _decode(data)
    return ("not UTF-8 text",) if text is None else text


@dataclass(slots=True)
class MappingReader:
    """Files given as a mapping of relative path → text (tests, rule examples, a PR's files)."""

    files: Mapping[str, str]

    def read_dir(self, reldir: str) -> DirectoryFiles:
        out = DirectoryFiles()
        for path in sorted(self.files):
            clean = posixpath.normpath(path.replace("\\", "/"))
            if posixpath.dirname(clean) == reldir and is_terraform_file(clean):
                out.texts[clean] = self.files[path]
            elif posixpath.dirname(clean) == reldir and is_unread_configuration(clean):
                out.unread.append(clean)
        return out


@dataclass(slots=True)
class DirectoryReader:
    """Files on disk under `root`. A symbolic link is read only when its file is inside `boundary`: the repository
    holding `root` (the nearest `.git`), else `root` itself (S5: the tree is the pull request's to shape)."""

    root: Path
    boundary: Path | None = None
    count: FileCount | None = None  # the scan's, shared by its roots' readers; None: this reader's own
    _real_root: str = ""

    def _boundary(self) -> Path:
        if self.boundary is None:
            self.boundary = repository_root(self.root) or self.root.resolve()
        return self.boundary

    def _unlinked(self, reldir: str, name: str) -> str:
        """Where the file would be with no symbolic link below the root: a link above it (`/tmp` → `/private/tmp`,
        a linked checkout) is the reader's own layout, not the tree's."""
        if not self._real_root:
            self._real_root = os.path.realpath(self.root)
        return os.path.normpath(os.path.join(self._real_root, reldir, name))

    def read_dir(self, reldir: str) -> DirectoryFiles:
        out = DirectoryFiles()
        directory = self.root / reldir if reldir else self.root
        try:  # `is_dir` answers no for a missing folder, but raises for a name too long or a folder above it locked
            is_folder = directory.is_dir()
        except OSError as exc:  # a module `source = "./<300 characters>"` was an internal error (review20a)
            why = exc.strerror or type(exc).__name__
            out.unreadable.append((scrub(reldir or "."), f"a folder that could not be read ({why}); not read"))
            return out
        if not is_folder:
            return out
        real = os.path.realpath(directory)
        if real != self._unlinked(reldir, "") and not Path(real).is_relative_to(self._boundary()):
            # a link to a folder elsewhere: not even its listing (the names of its files) is read
            out.unreadable.append(
                (scrub(reldir or "."), "a symbolic link to a folder outside the repository; not read")
            )
            return out
        try:  # only the names read or noted are kept and sorted: not a Path per entry of 10 million others
            listed = sorted(directory / name for name in listed_names(directory, _read_or_noted))
        except OSError as exc:  # no permission, a mount gone: the folder is not read, and the review says so
            why = exc.strerror or type(exc).__name__
            out.unreadable.append((scrub(reldir or "."), f"a folder that could not be listed ({why}); not read"))
            return out
        files = sum(1 for path in listed if is_terraform_file(path.name) and not path.is_dir())
        if files > file_bound.MAX_SCAN_FILES:
            raise TooManyFiles(scrub(reldir or str(self.root)))  # a module's folder too, inside the scanned one or not
        if self.count is None:
            self.count = FileCount(scrub(str(self.root)))
        self.count.take(files)
        for path in listed:
            if is_unread_configuration(path.name) and not path.is_dir():
                out.unread.append(scrub(posixpath.join(reldir, path.name) if reldir else path.name))
                continue
            if not is_terraform_file(path.name) or path.is_dir():  # a directory named `x.tf` is not Terraform
                continue
            # the path names the file in output: a name that is not UTF-8 reads with U+FFFD (ADR 0370)
            relpath = scrub(posixpath.join(reldir, path.name) if reldir else path.name)
            data = read_regular_file(path, boundary=self._boundary(), unlinked=self._unlinked(reldir, path.name))
            text = terraform_text(data) if isinstance(data, bytes) else (data,)
            if isinstance(text, tuple):
                out.unreadable.append((relpath, text[0]))
            else:
                out.texts[relpath] = text
        return out


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe (FIFO), not a regular file; not read"),
    (stat.S_ISSOCK, "a socket, not a regular file; not read"),
    (stat.S_ISCHR, "a character device, not a regular file; not read"),
    (stat.S_ISBLK, "a block device, not a regular file; not read"),
)


def read_regular_file(
    path: Path, *, limit: int = MAX_TERRAFORM_FILE_BYTES, boundary: Path | None = None, unlinked: str = ""
) -> bytes | str:
    """The bytes of `path` (symbolic links followed), or why it was not read: a FIFO, socket or device is never
    read (a pipe with no writer would block the scan for ever), nor a broken or looping link. Opened without
    blocking and checked on the open file, so a file swapped for a FIFO after a check cannot block either.
    Nor (S5, the tree is a pull request's): a file past `limit` bytes; a file whose content is not its size (a
    /proc or /sys file: `/proc/self/environ` is the process's environment); with `boundary`, a file reached
    through a symbolic link that leaves it (`unlinked`: the real path the file has when no link is on its way)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        return _open_problem(path, exc)
    try:
        status = os.fstat(descriptor)
        mode = status.st_mode
        for test, reason in _NOT_REGULAR:
            if test(mode):
                return reason
        if not stat.S_ISREG(mode):
            return "not a regular file; not read"
        if boundary is not None:
            leaves = _leaves(path, boundary, unlinked, status)
            if leaves:
                return leaves
        if status.st_size > limit:
            return f"larger than {_size_text(limit)}; not read"
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            data = stream.read(status.st_size + 1)
        if len(data) != status.st_size:
            return "not an ordinary file (its content is not its size, as in /proc or /sys); not read"
        return data
    except OSError as exc:
        return f"could not be read ({exc.strerror or type(exc).__name__})"
    finally:
        os.close(descriptor)


def _leaves(path: Path, boundary: Path, unlinked: str, opened: os.stat_result) -> str:
    """Why `path` is not read: a symbolic link (the file's or a folder's on its way) takes it out of `boundary`
    (resolved), or the path no longer names the file `opened` (swapped for another file or link after the open: the
    path checked must be the file read); "" when it is read."""
    real = os.path.realpath(path)
    try:
        now = os.stat(real)
    except OSError:
        now = None
    if now is None or (now.st_dev, now.st_ino) != (opened.st_dev, opened.st_ino):
        return "changed while it was read; not read"
    if real == (unlinked or os.path.abspath(path)):
        return ""  # no link on the way: a module beside the scanned folder is the user's own layout
    return "" if Path(real).is_relative_to(boundary) else "a symbolic link to a file outside the repository; not read"


def _size_text(limit: int) -> str:
    return f"{limit // 1024 // 1024} MiB" if limit % (1024 * 1024) == 0 else f"{limit:,} bytes"


def _open_problem(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link that loops; not read"
    if exc.errno == errno.ENOENT and path.is_symlink():
        return f"a broken symbolic link (to {scrub(os.readlink(path))}); not read"
    if exc.errno == errno.ENXIO:  # a socket, or a FIFO opened for writing only
        return "a socket, not a regular file; not read"
    return f"could not be opened ({exc.strerror or type(exc).__name__})"


@dataclass(slots=True)
class RecordingReader:
    """Another reader, remembering the directories read: which modules a root's review reached."""

    reader: SourceReader
    read: list[str] = field(default_factory=list)

    def read_dir(self, reldir: str) -> DirectoryFiles:
        found = self.reader.read_dir(reldir)
        if found.texts or found.unreadable or found.unread:
            self.read.append(reldir)
        return found


def real_directory(reader: SourceReader, reldir: str) -> str:
    """Which directory `reldir` is: on disk, its real path (a symbolic link to a folder is that folder, so a
    module's `self -> .` is the module itself); read from elsewhere (git, a mapping), `reldir` as it is."""
    while isinstance(reader, RecordingReader):
        reader = reader.reader
    if isinstance(reader, DirectoryReader):
        return os.path.realpath(reader.root / reldir if reldir else reader.root)
    return reldir


def subdirectories_with_terraform(root: Path, limit: int = 5) -> list[str]:
    """A few subdirectories of `root` holding .tf files, for a helpful error message."""
    found: list[str] = []
    for path in sorted(tf_entries(root, lambda name: name.startswith("."))):
        if not path.is_file():  # a directory named `x.tf` is not Terraform
            continue
        name = path.parent.relative_to(root).as_posix()
        if name not in found:
            found.append(name)
        if len(found) >= limit:
            break
    return found


def tf_entries(
    root: Path,
    skip: Callable[[str], bool],
    unlisted: list[tuple[str, str]] | None = None,
    *,
    at_most: int | None = None,
) -> Iterator[Path]:
    """Every entry named `*.tf` under `root`, at any depth, without recursion (a tree 1,900 folders deep overflowed
    `Path.rglob`'s stack, S5). Folders whose name `skip` accepts are not entered, nor symbolic links to folders (as
    `rglob`); a folder below `root` that cannot be listed is passed over, and added to `unlisted` (its path from
    `root`, why) when given: the review says so. With `at_most`: TooManyFiles once more Terraform files (.tf and
    the variable files Terraform loads) than that are listed."""
    pending = [root]
    counted = 0
    while pending:
        folder = pending.pop()
        try:  # kept: the folders to enter and the Terraform names, not every entry of a folder of millions
            with os.scandir(folder) as entries:
                listed = [
                    (entry.name, is_folder)
                    for entry, is_folder in _kinds(entries)
                    if is_folder or is_terraform_file(entry.name)
                ]
        except OSError as exc:
            if unlisted is not None and folder != root:
                why = exc.strerror or type(exc).__name__
                unlisted.append(
                    (scrub(folder.relative_to(root).as_posix()), f"a folder that could not be listed ({why}); not read")
                )
            continue
        for name, is_folder in listed:
            if is_folder and not skip(name):
                pending.append(folder / name)
            if at_most is not None and not is_folder and is_terraform_file(name):
                counted += 1
                if counted > at_most:
                    raise TooManyFiles(scrub(str(root)))
            if name.endswith(".tf"):
                yield folder / name


def _kinds(entries: Iterator[os.DirEntry[str]]) -> Iterator[tuple[os.DirEntry[str], bool]]:
    """Each entry, and whether it is a folder (not a link to one)."""
    for entry in entries:
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_folder = False
        yield entry, is_folder


@dataclass(slots=True)
class GitReader:
    """Files of directory `reldir` of repository `repo` at revision `ref` (`git ls-tree` + `git show`).

    The listing is read NUL-separated: git quotes a name it prints one a line (`"r\\303\\251seau.tf"` for
    `réseau.tf`, `"a\\"q.tf"`), and such a base file was passed over in silence, every finding in it then read
    as introduced by the change (review20a). A symbolic link is followed inside the revision's tree as the
    working tree's reader follows it on disk (its target's text read as HCL was a parse error), never out of it;
    a submodule is not read, and said so."""

    repo: Path
    ref: str
    reldir: str  # the scanned root, relative to the repository root ("" for the root)
    _listings: dict[str, list[_GitEntry]] = field(default_factory=dict)
    _count: FileCount | None = None

    def read_dir(self, reldir: str) -> DirectoryFiles:
        out = DirectoryFiles()
        in_repo = posixpath.normpath(posixpath.join(self.reldir, reldir)) if (self.reldir or reldir) else ""
        if in_repo == "." or not in_repo:
            in_repo = ""
        if in_repo.startswith(".."):
            return out  # outside the repository
        listed = [entry for entry in self._list(in_repo) if posixpath.dirname(entry.path) == in_repo]
        files = sum(1 for entry in listed if is_terraform_file(entry.path))
        if files > file_bound.MAX_SCAN_FILES:  # each is a `git show`
            raise TooManyFiles(scrub(f"{reldir or '.'} at {self.ref}"))
        if self._count is None:
            self._count = FileCount(scrub(f"{self.reldir or '.'} at {self.ref}"))
        self._count.take(files)
        for entry in listed:
            name = posixpath.basename(entry.path)
            relpath = scrub(posixpath.join(reldir, name) if reldir else name)
            if is_unread_configuration(entry.path):
                out.unread.append(relpath)
                continue
            if not is_terraform_file(entry.path):
                continue
            data = self._blob(entry)
            text = terraform_text(data) if isinstance(data, bytes) else (data,)
            if isinstance(text, tuple):
                out.unreadable.append((relpath, text[0]))
            else:
                out.texts[relpath] = text
        return out

    def _blob(self, entry: _GitEntry) -> bytes | str:
        """The file's bytes at the revision, or why it is not read (as `read_regular_file` says it on disk)."""
        if entry.mode == _GIT_SUBMODULE:
            return "a git submodule, not a file; not read"
        if entry.mode == _GIT_SYMLINK:
            return self._linked(entry.path)
        if entry.size > MAX_TERRAFORM_FILE_BYTES:
            return f"larger than {_size_text(MAX_TERRAFORM_FILE_BYTES)}; not read"
        return _git(self.repo, "show", f"{self.ref}:{entry.path}")

    def _linked(self, path: str) -> bytes | str:
        """The file a symbolic link of the revision names, followed by git inside the revision's tree only."""
        answer = _git(self.repo, "cat-file", "--batch", "--follow-symlinks", stdin=f"{self.ref}:{path}\n".encode())
        header, _, rest = answer.partition(b"\n")
        words = header.split()
        if len(words) == 3 and words[1] == b"blob" and words[2].isdigit():
            size = int(words[2])
            if size > MAX_TERRAFORM_FILE_BYTES:
                return f"larger than {_size_text(MAX_TERRAFORM_FILE_BYTES)}; not read"
            return rest[:size]
        kind = words[0] if words else b""
        if kind == b"symlink":  # a target outside the tree: an absolute path, or `../` past its top
            return "a symbolic link to a file outside the repository; not read"
        if kind == b"loop":
            return "a symbolic link that loops; not read"
        if len(words) == 3 and words[1] != b"blob":
            return "a symbolic link to a folder, not a file; not read"
        return "a broken symbolic link; not read"  # `dangling`, `missing`, `notdir`

    def _list(self, in_repo: str) -> list[_GitEntry]:
        if in_repo not in self._listings:
            args = ["ls-tree", "-r", "-z", "-l", self.ref, "--"]
            if in_repo:
                args.append(in_repo)
            listing = _git(self.repo, *args)
            self._listings[in_repo] = [_GitEntry.read(line) for line in listing.split(b"\0") if line]
        return self._listings[in_repo]


_GIT_SYMLINK = "120000"
_GIT_SUBMODULE = "160000"


@dataclass(frozen=True, slots=True)
class _GitEntry:
    """One line of `git ls-tree -l -z`: `<mode> <type> <object> <size>\\t<path>`; the path as the file system
    names it (a name that is not UTF-8 keeps its bytes, for git; `scrub` shows it)."""

    mode: str
    size: int
    path: str

    @classmethod
    def read(cls, line: bytes) -> _GitEntry:
        head, _, path = line.partition(b"\t")
        words = head.split()
        size = int(words[3]) if len(words) > 3 and words[3].isdigit() else 0
        return cls(words[0].decode("ascii", "replace") if words else "", size, os.fsdecode(path))


def git_reader(head: Path, ref: str) -> GitReader:
    """A reader of `head`'s directory at git revision `ref` of the repository holding `head`."""
    if not ref or ref.startswith("-"):
        raise InputError(f"unknown git ref {ref}")
    try:
        top = _git(head, "rev-parse", "--show-toplevel").decode().strip()
    except UpstreamError:
        raise InputError(f"{ref!r} is not a directory, and {head} is not in a git repository") from None
    repo = Path(top)
    try:
        _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except UpstreamError:
        raise InputError(f"unknown git ref {ref}") from None
    reldir = head.resolve().relative_to(repo.resolve()).as_posix()
    return GitReader(repo, ref, "" if reldir == "." else reldir)


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        completed = subprocess.run(
            ["git", "-C", str(cwd), *args],
            input=stdin,
            capture_output=True,
            check=False,
            timeout=_GIT_TIMEOUT_SECONDS,
        )
    except FileNotFoundError as exc:
        raise UpstreamError("git is not installed; give the base as a directory instead of a git ref") from exc
    except subprocess.TimeoutExpired as exc:
        raise UpstreamError(f"git {args[0]} took more than {_GIT_TIMEOUT_SECONDS}s") from exc
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UpstreamError(f"git {args[0]} failed: {message[0] if message else completed.returncode}")
    return completed.stdout
