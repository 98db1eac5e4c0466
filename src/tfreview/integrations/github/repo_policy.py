"""A repository's `.tfreview.toml` at the pull request's head → the Policy its review runs with.

Found like the CLI finds it: upward from each touched directory to the repository root. When the
touched directories have different nearest files (or some have none: the defaults), the review runs
under the strictest combination of those policies and says so (a coverage note, ADR 0577). A bad file
is the author's error: ConfigError (permanent), as in the CLI, naming the file — never a silent
fallback to defaults.
"""

from __future__ import annotations

import posixpath
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from tfreview.config import CONFIG_NAME, MAX_CONFIG_BYTES, policy_from_mapping
from tfreview.core.errors import ConfigError
from tfreview.core.policy import Policy, Suppression, unknown_rule_names
from tfreview.core.severity import Severity
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


def nearest(directory: str, read: ReadFile, cache: dict[str, str | None]) -> tuple[str, str] | None:
    for path in candidates(directory):
        if path not in cache:
            cache[path] = read(path)
        text = cache[path]
        if text is not None:
            return path, text
    return None


def repo_policy(directories: Iterable[str], read: ReadFile, *, today: date | None = None) -> RepoPolicy:
    """The policy for a change touching `directories` (repository-relative, "" for the root). When they are under
    different files (or some under none: the defaults), the strictest combination of those policies (ADR 0577)."""
    dirs = sorted(set(directories))
    base = Policy(today=today or date.today())
    cache: dict[str, str | None] = {}
    found = {d: nearest(d, read, cache) for d in dirs} if dirs else {"": nearest("", read, cache)}
    distinct = sorted({hit[0] for hit in found.values() if hit is not None})
    defaults = any(hit is None for hit in found.values())  # a touched folder under no file: the defaults judge it
    notes: list[str] = []
    parsed: list[Policy] = []
    for path in distinct:
        policy = policy_from_text(cache[path] or "", path, base)
        for setting, ids in unknown_rule_names(policy, load_rules()).items():  # the CLI refuses these (exit 2)
            notes.append(f"{path}: {setting}: unknown rule(s) {', '.join(ids)}; they match no rule")
        parsed.append(policy)
    if not parsed:
        return RepoPolicy(base, None, notes)
    if len(parsed) == 1 and not defaults:
        return RepoPolicy(parsed[0], distinct[0], notes)
    named = [*distinct, *(["the defaults"] if defaults else [])]
    notes.insert(
        0,
        f"the touched directories have different {CONFIG_NAME} files ({', '.join(named)}); this review runs under "
        "the strictest of their settings: no directory is judged more leniently than under its own",
    )
    return RepoPolicy(strictest([*parsed, *([base] if defaults else [])]), " + ".join(named), notes)


def strictest(policies: Sequence[Policy]) -> Policy:
    """The combination that fails whenever one of `policies` would: the lowest `fail_on`, any `fail_on_existing` or
    `fail_on_uncovered`; a rule or provider left out only when every policy leaves it out; each rule at the highest
    severity any policy gives it (an override, else the rule's own); a suppression only when every policy has it."""
    first = policies[0]
    rules = load_rules()
    by_name = {name: rule for rule in rules for name in rule.names()}

    def severity(policy: Policy, rule_id: str) -> Severity:
        rule = by_name[rule_id]
        return policy.severity_of(rule)

    overridden = {by_name[name].id for policy in policies for name in policy.severity_overrides if name in by_name}
    overrides = {rule_id: max(severity(p, rule_id) for p in policies) for rule_id in sorted(overridden)}
    overrides = {k: v for k, v in overrides.items() if v != by_name[k].severity}

    def suppression_key(entry: Suppression) -> tuple[object, ...]:
        return (entry.rule, entry.address, entry.reason, entry.expires)

    shared = set.intersection(*({suppression_key(s) for s in p.suppressions} for p in policies))
    return Policy(
        fail_on=min((p.fail_on for p in policies), key=lambda s: s.rank),
        fail_on_existing=any(p.fail_on_existing for p in policies),
        fail_on_uncovered=any(p.fail_on_uncovered for p in policies),
        only_rules=_union_or_all([p.only_rules for p in policies]),
        disabled_rules=frozenset.intersection(*(p.disabled_rules for p in policies)),
        only_providers=_union_or_all([p.only_providers for p in policies]),
        disabled_providers=frozenset.intersection(*(p.disabled_providers for p in policies)),
        severity_overrides=overrides,
        suppressions=tuple(s for s in first.suppressions if suppression_key(s) in shared),
        today=first.today,
    )


def _union_or_all(sets: Sequence[frozenset[str] | None]) -> frozenset[str] | None:
    """None (everything) when one of `sets` is None, else their union."""
    return None if any(s is None for s in sets) else frozenset().union(*(s for s in sets if s is not None))


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
