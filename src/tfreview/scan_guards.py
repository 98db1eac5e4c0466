"""What `tfreview scan` refuses before it reports, and where its paths start.

- a rule id that names no rule (`--rule`, `--skip-rule`, `[rules]`, `[severity]`, `[[suppress]]`):
  a typo that silently disables nothing is refused, saying where it was written;
- a file that could not be read: a partial review must not read as a pass (`--allow-parse-errors`);
- paths from the repository root (the git root, or `--path-prefix`), so annotations land on files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tfreview.core.errors import ConfigError, InputError
from tfreview.core.findings import Review
from tfreview.core.locations import join, relocated
from tfreview.core.policy import Policy, unknown_rule_names
from tfreview.parsing.repository_paths import file_path, folder_prefix
from tfreview.render.digest import unparsed_files_text


def refuse_unknown_rules(policy: Policy, where: str, names: dict[str, str] | None = None) -> None:
    """ConfigError naming the first setting (renamed by `names`, e.g. `--skip-rule`) that names no rule."""
    if not unknown_rule_names(policy, ()):
        return  # the policy names no rule: nothing to check, and no need to load the whole library
    from tfreview.rules import load_rules

    for setting, ids in unknown_rule_names(policy, load_rules()).items():
        label = (names or {}).get(setting, setting)
        raise ConfigError(f"{where}{label}: unknown rule(s) {', '.join(ids)}; see `tfreview rules list`")


def refuse_unparsed(skipped: Sequence[tuple[str, str]], *, allowed: bool) -> None:
    """InputError when a file could not be read (`skipped`: file, reason), unless `allowed`; nothing is written."""
    unparsed = unparsed_files_text(skipped)
    if unparsed and not allowed:
        raise InputError(f"{unparsed}; fix it, or pass --allow-parse-errors to review the rest")


def in_repository(review: Review, path: str, source: str | None, path_prefix: str | None) -> tuple[Review, str | None]:
    """`review` with file paths from the repository root, and the plan file's own path there (or None)."""
    target = None if path == "-" else Path(path)
    is_folder = target is not None and target.is_dir()
    scanned = target if is_folder else (Path(source) if source else None)
    prefix = path_prefix if path_prefix is not None else folder_prefix(scanned) if scanned is not None else ""
    if ".." in prefix.replace("\\", "/").split("/"):
        raise ConfigError(f"--path-prefix {prefix!r}: give a path inside the repository, without '..'")
    review = relocated(review, prefix)
    if target is None or is_folder:
        return review, None
    if path_prefix is not None:
        return review, join(path_prefix, target.name)
    return review, file_path(target)
