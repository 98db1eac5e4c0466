"""`.tfreview.toml`: found upward from the scanned path (or given with --config), turned into a Policy.

```toml
fail_on = "high"            # critical | high | medium | low | info
fail_on_existing = false    # existing findings warn; set true to fail on them too
fail_on_uncovered = false   # fail when a resource's type is checked by no rule

[rules]
disable = ["TFR-AWS-010", "CKV_AWS_21"]   # ids, long ids or Checkov/Trivy ids
only = []                                 # when non-empty, run only these

[providers]
disable = ["azure"]                       # aws | azure | gcp | kubernetes | change

[severity]
"TFR-AWS-011" = "medium"

[advisor]                                 # this repository's AI review (`tfreview scan`)
name = "builtin"                          # none | builtin | openai | anthropic | bedrock | chain
ai_can_fail = false                       # may AI concerns fail the review? (off by default)

[[suppress]]
rule = "TFR-AWS-001"
address = "aws_s3_bucket.site*"           # glob; default "*"
reason = "public static website"
expires = 2026-12-31                      # optional; an expired entry stops suppressing, and says so
```
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tfreview.core.errors import ConfigError
from tfreview.core.policy import Policy, Suppression
from tfreview.core.severity import Severity
from tfreview.plumbing.small_files import read_small_text

CONFIG_NAME = ".tfreview.toml"
MAX_CONFIG_BYTES = 1024 * 1024  # a .tfreview.toml is a few KiB; --config /dev/zero must not fill the memory
_TOP_KEYS = {
    "fail_on",
    "fail_on_existing",
    "fail_on_uncovered",
    "rules",
    "providers",
    "severity",
    "suppress",
    "advisor",
}
_PROVIDERS = {"aws", "azure", "gcp", "kubernetes", "terraform", "change"}
_SUPPRESS_KEYS = {"rule", "address", "reason", "expires"}


def find_config(start: Path) -> Path | None:
    """The nearest `.tfreview.toml` at or above `start`, not going past the repository root."""
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / CONFIG_NAME
        if path.is_file():
            return path
        if (candidate / ".git").exists():
            return None
    return None


@dataclass(frozen=True, slots=True)
class RepositoryConfig:
    """A `.tfreview.toml` read once: the policy and the `[advisor]` overrides (a scan reads both)."""

    path: Path | None
    policy: Policy
    advisor: Mapping[str, Any]


def load_repository_config(path: Path | None, *, today: date | None = None) -> RepositoryConfig:
    """Read and check `path` once (defaults when None). Raises ConfigError with the file and the problem."""
    data = _read_toml(path) if path is not None else {}
    policy = Policy(today=today or date.today())
    if path is not None:
        policy = policy_from_mapping(data, source=str(path), base=policy)
    return RepositoryConfig(path, policy, _advisor_table(data, path))


def load_policy(path: Path | None, *, today: date | None = None) -> Policy:
    """The policy in `path` (defaults when None). Raises ConfigError with the file and the problem."""
    return load_repository_config(path, today=today).policy


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # here: a scan without a .tfreview.toml does not import it (22 M instructions, ADR 0469)

    try:
        return tomllib.loads(read_small_text(path, MAX_CONFIG_BYTES, "a .tfreview.toml"))
    except FileNotFoundError:
        raise ConfigError("configuration file not found", path=str(path)) from None
    except (ValueError, UnicodeDecodeError) as exc:  # TOMLDecodeError; an integer past 4,300 digits
        raise ConfigError(f"not valid TOML: {exc}", path=str(path)) from None
    except RecursionError:  # tomllib reads nested arrays and inline tables recursively
        raise ConfigError("not valid TOML: nested too deeply", path=str(path)) from None
    except OSError as exc:  # a directory, no permission
        raise ConfigError(f"cannot read: {exc.strerror}", path=str(path)) from None


def policy_from_mapping(data: Mapping[str, Any], *, source: str, base: Policy) -> Policy:
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ConfigError(
            f"unknown setting(s) {_guesses(unknown, _TOP_KEYS)}; known: {', '.join(sorted(_TOP_KEYS))}", path=source
        )
    changes: dict[str, Any] = {}
    if "fail_on" in data:
        changes["fail_on"] = _severity(data["fail_on"], "fail_on", source)
    for flag in ("fail_on_existing", "fail_on_uncovered"):
        if flag in data:
            if not isinstance(data[flag], bool):
                raise ConfigError(f"{flag} must be true or false", path=source)
            changes[flag] = data[flag]
    rules = _table(data, "rules", source, {"disable", "only"})
    if "disable" in rules:
        changes["disabled_rules"] = frozenset(_names(rules["disable"], "rules.disable", source))
    if rules.get("only"):
        changes["only_rules"] = frozenset(_names(rules["only"], "rules.only", source))
    providers = _table(data, "providers", source, {"disable", "only"})
    for key, field in (("disable", "disabled_providers"), ("only", "only_providers")):
        if key in providers:
            names = set(_names(providers[key], f"providers.{key}", source))
            if names - _PROVIDERS:
                raise ConfigError(
                    f"providers.{key}: unknown provider(s) {', '.join(sorted(names - _PROVIDERS))} "
                    f"(known: {', '.join(sorted(_PROVIDERS))})",
                    path=source,
                )
            changes[field] = frozenset(names)
    severity = data.get("severity", {})
    if not isinstance(severity, Mapping):
        raise ConfigError('[severity] must be a table of rule = "level"', path=source)
    if severity:
        changes["severity_overrides"] = {str(k): _severity(v, f"severity.{k}", source) for k, v in severity.items()}
    entries = data.get("suppress", [])
    if not isinstance(entries, list):
        raise ConfigError("suppress must be an array of tables ([[suppress]])", path=source)
    changes["suppressions"] = tuple(_suppression(e, i, source) for i, e in enumerate(entries))
    return replace(base, **changes)


def _table(data: Mapping[str, Any], key: str, source: str, allowed: set[str]) -> Mapping[str, Any]:
    table = data.get(key, {})
    if not isinstance(table, Mapping):
        raise ConfigError(f"[{key}] must be a table", path=source)
    unknown = set(table) - allowed
    if unknown:
        raise ConfigError(f"[{key}]: unknown key(s) {_guesses(unknown, allowed)}", path=source)
    return table


def _guesses(unknown: set[str], known: set[str]) -> str:
    """The unknown keys, each with the known key it most likely meant: `fail_onn (did you mean fail_on?)`."""
    import difflib  # here: a valid configuration never pays for it

    shown = []
    for key in sorted(unknown, key=str):
        close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.75)
        shown.append(f"{key} (did you mean {close[0]}?)" if close else str(key))
    return ", ".join(shown)


def _names(value: Any, where: str, source: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings", path=source)
    return list(value)


def _severity(value: Any, where: str, source: str) -> Severity:
    try:
        return Severity.parse(str(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}", path=source) from None


def _suppression(entry: Any, index: int, source: str) -> Suppression:
    where = f"suppress[{index}]"
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{where} must be a table", path=source)
    unknown = set(entry) - _SUPPRESS_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {_guesses(unknown, _SUPPRESS_KEYS)}", path=source)
    rule, reason = entry.get("rule"), entry.get("reason")
    if not isinstance(rule, str) or not rule:
        raise ConfigError(f"{where}: `rule` is required", path=source)
    if not isinstance(reason, str) or not reason.strip():
        raise ConfigError(f"{where}: `reason` is required — say why {rule} does not apply", path=source)
    expires = entry.get("expires")
    if isinstance(expires, str):
        try:
            expires = date.fromisoformat(expires)
        except ValueError:
            raise ConfigError(f"{where}: expires must be a date like 2026-12-31", path=source) from None
    # TOML date-times load as datetime, a subclass of date that cannot be compared with one
    if expires is not None and (not isinstance(expires, date) or isinstance(expires, datetime)):
        raise ConfigError(f"{where}: expires must be a date like 2026-12-31", path=source)
    address = entry.get("address", "*")
    if not isinstance(address, str):
        raise ConfigError(f"{where}: address must be a string (a glob)", path=source)
    return Suppression(rule=rule, reason=reason.strip(), address=address, expires=expires, source=source)


_ADVISOR_KEYS = {"name", "ai_can_fail", "max_input_tokens", "max_output_tokens", "prompt_version"}


def load_advisor_overrides(path: Path | None) -> dict[str, Any]:
    """The `[advisor]` table of a `.tfreview.toml` (a repository may choose its advisor; keys live elsewhere)."""
    if path is None:
        return {}
    return dict(_advisor_table(_read_toml(path), path))


def _advisor_table(data: Mapping[str, Any], path: Path | None) -> dict[str, Any]:
    table = data.get("advisor", {})
    if not isinstance(table, Mapping):
        raise ConfigError("[advisor] must be a table", path=str(path))
    unknown = set(table) - _ADVISOR_KEYS
    if unknown:
        raise ConfigError(
            f"[advisor]: unknown key(s) {_guesses(unknown, _ADVISOR_KEYS)}; provider keys and models are "
            "service settings, not repository settings",
            path=str(path),
        )
    return dict(table)
