"""A repository's `.tfreview.toml` at the pull request's head → the Policy its review runs with.

Found like the CLI finds it: upward from each touched directory to the repository root. When the
touched directories have different nearest files, the one nearest to their common ancestor wins and
the review says so (a coverage note). A bad file is the author's error: ConfigError (permanent), as in
the CLI, naming the file — never a silent fallback to defaults.
"""

from __future__ import annotations

import posixpath
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from tfreview.config import CONFIG_NAME, MAX_CONFIG_BYTES, policy_from_mapping
from tfreview.core.errors import ConfigError
from tfreview.core.policy import Policy, unknown_rule_names
from tfreview.rules import load_rules

ReadFile = Callable[[str], str | None]  # repository path → text at head, None when absent


@dataclass(frozen=True, slots=True)
class RepoPolicy:
    policy: Policy
    path: str | None  # the file used, None for the defaults
    notes: list[str] = field(default_factory=list)


def candidates(directory: str) -> list[str]:
    """`.tfreview.toml` paths from `directory` up to the repository root, nearest first."""
    folder = posixpath.normpath(directory) if directory else ""
    out: list[str] = []
    while True:
        folder = "" if folder in (".", "/") else folder
        out.append(posixpath.join(folder, CONFIG_NAME) if folder else CONFIG_NAME)
        if not folder:
            return out
        folder = posixpath.dirname(folder)


def common_directory(directories: Iterable[str]) -> str:
    parts = [d.split("/") if d else [] for d in directories]
    if not parts:
        return ""
    prefix: list[str] = []
    for column in zip(*parts, strict=False):
        if len(set(column)) != 1:
            break
        prefix.append(column[0])
    return "/".join(prefix)


def nearest(directory: str, read: ReadFile, cache: dict[str, str | None]) -> tuple[str, str] | None:
    for path in candidates(directory):
        if path not in cache:
            cache[path] = read(path)
        text = cache[path]
        if text is not None:
            return path, text
    return None


def repo_policy(directories: Iterable[str], read: ReadFile, *, today: date | None = None) -> RepoPolicy:
    """The policy for a change touching `directories` (repository-relative, "" for the root)."""
    dirs = sorted(set(directories))
    base = Policy(today=today or date.today())
    cache: dict[str, str | None] = {}
    found = {d: nearest(d, read, cache) for d in dirs}
    distinct = {hit[0] for hit in found.values() if hit is not None}
    notes: list[str] = []
    chosen = nearest(common_directory(dirs), read, cache) if dirs else nearest("", read, cache)
    if len(distinct) > 1:
        used = chosen[0] if chosen else "the defaults"
        notes.append(
            f"the touched directories have different {CONFIG_NAME} files ({', '.join(sorted(distinct))}); "
            f"this review uses {used}"
        )
    elif len(distinct) == 1:
        only = next(iter(distinct))
        chosen = (only, cache[only] or "")
    if chosen is None:
        return RepoPolicy(base, None, notes)
    path, text = chosen
    policy = policy_from_text(text, path, base)
    for setting, ids in unknown_rule_names(policy, load_rules()).items():  # the CLI refuses these (exit 2)
        notes.append(f"{path}: {setting}: unknown rule(s) {', '.join(ids)}; they match no rule")
    return RepoPolicy(policy, path, notes)


def policy_from_text(text: str, path: str, base: Policy) -> Policy:
    """The Policy `text` sets. Whatever the file holds, a ConfigError naming it (the author's, permanent) or a Policy:
    bounded as the CLI bounds it (`config.MAX_CONFIG_BYTES`), nesting and integers past Python's limits included."""
    if len(text) > MAX_CONFIG_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"larger than {MAX_CONFIG_BYTES // 1024 // 1024} MiB; a .tfreview.toml is a few KiB", path=path
        )
    try:
        data = tomllib.loads(text)
    except ValueError as exc:  # TOMLDecodeError; an integer past 4,300 digits
        raise ConfigError(f"not valid TOML: {exc}", path=path) from None
    except RecursionError:  # tomllib reads nested arrays and inline tables recursively
        raise ConfigError("not valid TOML: nested too deeply", path=path) from None
    data.pop("advisor", None)  # a repository does not choose the service's model (the operator does)
    return policy_from_mapping(data, source=path, base=base)
