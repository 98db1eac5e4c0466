"""The alert table's typed loader: `alerts.toml` → `AlertTable` of frozen `AlertRule`/`Condition` rows.

Standard library only (tomllib). Every error names the row (its id, or its position) and the key:
`alerts.toml: alert "intake-db-errors": condition.op must be one of > >= < <= == !=, got "=>"`.

A condition selects series of ONE metric from `metric_catalogue` (histograms also by their `_bucket`,
`_count` and `_sum` series) and reduces them to one number; the alert holds while `number op threshold`
has held for `for_seconds`. The reduction per kind — the watchdog and the PromQL export both follow it:

    value     sum of the selected series' current values
    rate      sum of per-second rates over window_seconds
    increase  sum of increases over window_seconds
    ratio     (sum of rates of the selection) / (sum of rates of the denominator's); no value when the
              denominator is 0 (nothing happened: nothing to alert on)
    age       now − max of the selected series' values (the series hold Unix timestamps); no value when
              no series exists yet
    absent    holds when no series matches the selection (op and threshold are not used)

Selection: `labels` are exact matches; `label_patterns` (an additive key) are anchored regular
expressions, as PromQL's `=~` (e.g. `status = "5.."`). `Condition.selects(labels)` is the one
implementation of that matching in Python.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast, get_args

from tfreview.core.errors import ConfigError
from tfreview.ops.metric_catalogue import BY_NAME, MetricSpec

Scenario = Literal[
    "service-down",
    "network-failure",
    "database-disruption",
    "job-timeouts",
    "ai-provider-failure",
    "identity-failure",
    "data-corruption",
    "unauthorized-access",
    "flood",
    "secrets-compromise",
    "webhook-failure",
    "high-latency",
    "high-error-rate",
]
Severity = Literal["critical", "high", "medium", "low"]
Channel = Literal["page", "chat", "email", "ticket"]
Action = Literal["open-breaker", "shed-load", "block-source", "pause-ai"]
ConditionKind = Literal["value", "rate", "increase", "ratio", "age", "absent"]
Operator = Literal[">", ">=", "<", "<=", "==", "!="]

SCENARIOS: tuple[str, ...] = get_args(Scenario)
SEVERITIES: tuple[str, ...] = get_args(Severity)
CHANNELS: tuple[str, ...] = get_args(Channel)
ACTIONS: tuple[str, ...] = get_args(Action)
KINDS: tuple[str, ...] = get_args(ConditionKind)
OPERATORS: tuple[str, ...] = get_args(Operator)
LEVELS = {1: "automated", 2: "on-call", 3: "senior", 4: "management"}

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_HISTOGRAM_SERIES = ("_bucket", "_count", "_sum")
_ROW_KEYS = {
    "id",
    "scenario",
    "summary",
    "severity",
    "level",
    "response_minutes",
    "channels",
    "action",
    "for_seconds",
    "condition",
}
_CONDITION_KEYS = {
    "kind",
    "metric",
    "labels",
    "label_patterns",
    "denominator_metric",
    "denominator_labels",
    "denominator_label_patterns",
    "window_seconds",
    "op",
    "threshold",
}


@dataclass(frozen=True, slots=True)
class Selector:
    """The series of one metric that a condition reads: exact label matches and anchored regexes."""

    metric: str
    labels: tuple[tuple[str, str], ...] = ()
    patterns: tuple[tuple[str, str], ...] = ()

    def selects(self, name: str, labels: Mapping[str, str]) -> bool:
        """Whether the series `name{labels}` is selected (a missing label counts as "")."""
        if name != self.metric:
            return False
        if any(labels.get(key, "") != value for key, value in self.labels):
            return False
        return all(re.fullmatch(pattern, labels.get(key, "")) for key, pattern in self.patterns)


@dataclass(frozen=True, slots=True)
class Condition:
    kind: ConditionKind
    selector: Selector
    window_seconds: int  # rate, increase, ratio: the range; value, age, absent: 0
    op: Operator
    threshold: float
    denominator: Selector | None = None  # ratio only

    @property
    def metric(self) -> str:
        return self.selector.metric

    def holds(self, value: float) -> bool:
        """`value op threshold` (the comparison both the watchdog and PromQL make)."""
        return compare(value, self.op, self.threshold)


@dataclass(frozen=True, slots=True)
class AlertRule:
    id: str
    scenario: Scenario
    summary: str
    severity: Severity
    level: int  # 1 automated, 2 on-call, 3 senior, 4 management
    response_minutes: int
    channels: tuple[Channel, ...]
    for_seconds: int
    condition: Condition
    action: Action | None = None

    @property
    def runbook(self) -> str:
        """The runbook's path in the repository."""
        return f"docs/runbooks/{self.id}.md"


@dataclass(frozen=True, slots=True)
class AlertTable:
    rules: tuple[AlertRule, ...]

    def __iter__(self) -> Iterator[AlertRule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def by_id(self, alert_id: str) -> AlertRule:
        for rule in self.rules:
            if rule.id == alert_id:
                return rule
        raise KeyError(alert_id)

    def scenarios(self) -> set[str]:
        return {rule.scenario for rule in self.rules}


def compare(value: float, op: str, threshold: float) -> bool:
    if op == ">":
        return value > threshold
    if op == ">=":
        return value >= threshold
    if op == "<":
        return value < threshold
    if op == "<=":
        return value <= threshold
    if op == "==":
        return value == threshold
    return value != threshold


def load_alert_table(path: Path | None = None) -> AlertTable:
    """The packaged table (or the file at `path`), validated. ConfigError names the row and the key."""
    if path is None:
        text = resources.files("tfreview.ops").joinpath("alerts.toml").read_text(encoding="utf-8")
        where = "alerts.toml"
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read the alert table: {exc.strerror}", path=str(path)) from None
        where = str(path)
    return parse_alert_table(text, where)


def parse_alert_table(text: str, where: str = "alerts.toml") -> AlertTable:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=where) from None
    unknown = set(document) - {"alert"}
    if unknown:
        raise ConfigError(f"unknown top-level key(s): {', '.join(sorted(unknown))}", path=where)
    rows = document.get("alert")
    if not isinstance(rows, list) or not rows:
        raise ConfigError("no [[alert]] rows", path=where)
    rules: list[AlertRule] = []
    seen: set[str] = set()
    for position, row in enumerate(rows, start=1):
        rule = _Row(row, f"{where}: alert #{position}").rule()
        if rule.id in seen:
            raise ConfigError(f'alert "{rule.id}" is defined twice', path=where)
        seen.add(rule.id)
        rules.append(rule)
    return AlertTable(tuple(rules))


class _Row:
    """One `[[alert]]` table being validated; `self.where` prefixes every error."""

    def __init__(self, row: dict[str, Any], where: str) -> None:
        self.row = row
        self.where = where
        identifier = row.get("id")
        if isinstance(identifier, str) and _ID.fullmatch(identifier):
            self.where = f'{where.rsplit(": ", 1)[0]}: alert "{identifier}"'

    def fail(self, message: str) -> ConfigError:
        return ConfigError(f"{self.where}: {message}")

    def rule(self) -> AlertRule:
        unknown = set(self.row) - _ROW_KEYS
        if unknown:
            raise self.fail(f"unknown key(s): {', '.join(sorted(unknown))}")
        identifier = self.text("id")
        if not _ID.fullmatch(identifier):
            raise self.fail(f'id must be kebab-case (a-z, 0-9, "-"), got "{identifier}"')
        channels = self.row.get("channels")
        if not isinstance(channels, list) or not channels:
            raise self.fail(f"channels must be a non-empty list of {' | '.join(CHANNELS)}")
        for channel in channels:
            if channel not in CHANNELS:
                raise self.fail(f"channels: unknown channel {channel!r} (one of {' | '.join(CHANNELS)})")
        action = self.row.get("action")
        if action is not None and action not in ACTIONS:
            raise self.fail(f"action must be one of {' | '.join(ACTIONS)}, got {action!r}")
        level = self.integer("level")
        if level not in LEVELS:
            raise self.fail(f"level must be 1, 2, 3 or 4, got {level}")
        condition = self.row.get("condition")
        if not isinstance(condition, dict):
            raise self.fail("condition is missing (an [alert.condition] table)")
        return AlertRule(
            id=identifier,
            scenario=cast(Scenario, self.choice("scenario", SCENARIOS)),
            summary=self.text("summary"),
            severity=cast(Severity, self.choice("severity", SEVERITIES)),
            level=level,
            response_minutes=self.integer("response_minutes", minimum=1),
            channels=tuple(cast(list[Channel], channels)),
            for_seconds=self.integer("for_seconds", minimum=0),
            condition=_ConditionRow(condition, f"{self.where}: condition").condition(),
            action=cast(Action | None, action),
        )

    def text(self, key: str) -> str:
        value = self.row.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{key} must be a non-empty string")
        return value

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.row.get(key)
        if value not in allowed:
            raise self.fail(f"{key} must be one of {' | '.join(allowed)}, got {value!r}")
        return cast(str, value)

    def integer(self, key: str, *, minimum: int | None = None) -> int:
        value = self.row.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(f"{key} must be an integer")
        if minimum is not None and value < minimum:
            raise self.fail(f"{key} must be at least {minimum}, got {value}")
        return value


class _ConditionRow(_Row):
    def __init__(self, row: dict[str, Any], where: str) -> None:
        self.row = row
        self.where = where

    def condition(self) -> Condition:
        unknown = set(self.row) - _CONDITION_KEYS
        if unknown:
            raise self.fail(f"unknown key(s): {', '.join(sorted(unknown))}")
        kind = cast(ConditionKind, self.choice("kind", KINDS))
        selector = self.selector("metric", "labels", "label_patterns")
        denominator = None
        if kind == "ratio":
            denominator = self.selector("denominator_metric", "denominator_labels", "denominator_label_patterns")
        elif any(key.startswith("denominator") for key in self.row):
            raise self.fail(f"denominator_* keys belong to kind ratio only (this is {kind})")
        windowed = kind in ("rate", "increase", "ratio")
        if windowed:
            window = self.integer("window_seconds", minimum=60)
        elif "window_seconds" in self.row:
            raise self.fail(f"window_seconds belongs to rate, increase and ratio (this is {kind})")
        else:
            window = 0
        if kind == "absent":
            if "op" in self.row or "threshold" in self.row:
                raise self.fail("op and threshold are not used by kind absent: remove them")
            op: Operator = "=="
            threshold = 1.0
        else:
            op = cast(Operator, self.choice("op", OPERATORS))
            raw = self.row.get("threshold")
            if not isinstance(raw, int | float) or isinstance(raw, bool):
                raise self.fail("threshold must be a number")
            threshold = float(raw)
        return Condition(kind, selector, window, op, threshold, denominator)

    def selector(self, metric_key: str, labels_key: str, patterns_key: str) -> Selector:
        name = self.text(metric_key)
        found = _catalogued(name)
        if found is None:
            raise self.fail(f"{metric_key}: {name!r} is not in the metric catalogue (tfreview.ops.metric_catalogue)")
        labels = self.label_map(labels_key, found, name)
        patterns = self.label_map(patterns_key, found, name)
        for key, pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise self.fail(f"{patterns_key}.{key}: not a regular expression ({exc})") from None
        return Selector(name, labels, patterns)

    def label_map(self, key: str, metric: MetricSpec, name: str) -> tuple[tuple[str, str], ...]:
        raw = self.row.get(key, {})
        if not isinstance(raw, dict):
            raise self.fail(f'{key} must be an inline table of label = "value"')
        allowed = metric.label_names + (("le",) if name.endswith("_bucket") else ())
        pairs: list[tuple[str, str]] = []
        for label, value in sorted(raw.items()):
            if label not in allowed:
                raise self.fail(f"{key}.{label}: {name} has no such label (it has: {', '.join(allowed) or 'none'})")
            if not isinstance(value, str):
                raise self.fail(f"{key}.{label} must be a string")
            values = () if label == "le" else metric.allowed(label)
            if key.endswith("labels") and values and value not in values:
                raise self.fail(f"{key}.{label}: {value!r} is not a value of {name} (one of {', '.join(values)})")
            pairs.append((label, value))
        return tuple(pairs)


def _catalogued(name: str) -> MetricSpec | None:
    found = BY_NAME.get(name)
    if found is not None:
        return None if found.kind == "histogram" else found
    for suffix in _HISTOGRAM_SERIES:
        base = name.removesuffix(suffix)
        if base != name and base in BY_NAME and BY_NAME[base].kind == "histogram":
            return BY_NAME[base]
    return None
