"""The service level objectives, their error ratios in PromQL and their multi-window burn-rate alerts.

Three SLOs from `settings.slo` (issue 10): webhook acceptance (deliveries answered without a 5xx), time
to review (delivery → final state within `time_to_review_seconds`) and rules-only review latency.

Burn-rate alerts follow the Google SRE workbook's multi-window, multi-burn-rate recipe: an alert holds
when the error ratio over BOTH its long and its short window exceeds `factor × (1 − objective)`:

    fast    14.4× over 1 h and 5 m     page    (2 % of a 30-day budget gone in an hour)
    slow     6×  over 6 h and 30 m     page    (5 % in six hours)
    ticket   1×  over 3 d and 6 h      ticket  (the budget is being spent as fast as it is earned)
"""

from __future__ import annotations

from dataclasses import dataclass

from tfreview.core.errors import ConfigError
from tfreview.ops.metric_catalogue import BY_NAME
from tfreview.ops.promql import duration, number
from tfreview.ops.settings import SloSettings


@dataclass(frozen=True, slots=True)
class BurnWindow:
    name: str  # fast | slow | ticket
    factor: float
    long_seconds: int
    short_seconds: int
    for_seconds: int
    severity: str
    channel: str  # page | ticket
    level: int


BURN_WINDOWS = (
    BurnWindow("fast", 14.4, 3600, 300, 120, "critical", "page", 2),
    BurnWindow("slow", 6.0, 21600, 1800, 900, "critical", "page", 2),
    BurnWindow("ticket", 1.0, 259200, 21600, 3600, "medium", "ticket", 2),
)


@dataclass(frozen=True, slots=True)
class Slo:
    id: str  # kebab-case; its runbook is docs/runbooks/slo-<id>.md
    summary: str
    objective: float
    numerator: str  # PromQL selector of the events counted as bad (or good: see `good_events`)
    denominator: str  # PromQL selector of all events
    good_events: bool  # True: the numerator counts good events (a latency bucket), the ratio is 1 - it

    @property
    def alert_id(self) -> str:
        return f"slo-{self.id}"

    @property
    def alert_name(self) -> str:
        return "Slo" + "".join(part.capitalize() for part in self.id.split("-")) + "BudgetBurn"

    def error_ratio(self, window_seconds: int) -> str:
        """PromQL: the share of bad events over the window."""
        window = duration(window_seconds)
        ratio = f"sum(rate({self.numerator}[{window}])) / sum(rate({self.denominator}[{window}]))"
        return f"(1 - {ratio})" if self.good_events else f"({ratio})"

    def burn_expression(self, burn: BurnWindow) -> str:
        limit = number(round(burn.factor * (1 - self.objective), 10))
        return f"{self.error_ratio(burn.long_seconds)} > {limit} and {self.error_ratio(burn.short_seconds)} > {limit}"


def service_levels(settings: SloSettings) -> tuple[Slo, ...]:
    """The three SLOs; ConfigError when a latency target is not a bucket of its histogram."""
    review_le = _bucket("tfreview_review_latency_seconds", settings.time_to_review_seconds, "time_to_review_seconds")
    rules_le = _bucket(
        "tfreview_review_rules_duration_seconds", settings.rules_latency_seconds, "rules_latency_seconds"
    )
    return (
        Slo(
            "webhook-acceptance",
            f"{settings.webhook_availability:.3%} of webhook deliveries are answered without a 5xx",
            settings.webhook_availability,
            'tfreview_http_responses_total{route="webhook",status=~"5.."}',
            'tfreview_http_responses_total{route="webhook"}',
            good_events=False,
        ),
        Slo(
            "time-to-review",
            f"{settings.time_to_review_objective:.2%} of reviews finish within "
            f"{settings.time_to_review_seconds:g} s of their delivery",
            settings.time_to_review_objective,
            f'tfreview_review_latency_seconds_bucket{{le="{review_le}"}}',
            "tfreview_review_latency_seconds_count",
            good_events=True,
        ),
        Slo(
            "rules-latency",
            f"{settings.rules_latency_objective:.2%} of reviews run their rules within "
            f"{settings.rules_latency_seconds:g} s",
            settings.rules_latency_objective,
            f'tfreview_review_rules_duration_seconds_bucket{{le="{rules_le}"}}',
            "tfreview_review_rules_duration_seconds_count",
            good_events=True,
        ),
    )


def _bucket(metric: str, seconds: float, setting: str) -> str:
    buckets = BY_NAME[metric].buckets
    if float(seconds) not in buckets:
        shown = ", ".join(f"{b:g}" for b in buckets)
        raise ConfigError(f"slo.{setting} must be one of the histogram's buckets ({shown}), got {seconds:g}")
    return repr(float(seconds))  # the `le` label as prometheus-client writes it: 600.0, 0.25
