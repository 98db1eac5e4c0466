"""Rules, then advice, merged — the one path from a change set to a finished `Review`, for the CLI and the service.

`assess` runs the deterministic rules (`core.review.review`), asks the advisor (when there is one) and
merges its advice (`advisor.merge.apply_advice`: it may add, never remove or lower). An advisor that
raises degrades to "AI review unavailable" instead of failing the review (issue 5) — except a
ConfigError when the caller asks for it (`strict_config`: the CLI's exit 2 on a missing credential).
`advise_on` is the second half alone, for a rules' review computed elsewhere (a review process's, ADR 0689).

Imports no SQL, web or HTTP library: `tfreview scan` stays fast.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tfreview.advisor.merge import apply_advice
from tfreview.core.errors import ConfigError
from tfreview.core.findings import Advice, Review
from tfreview.core.plan import ChangeSet
from tfreview.core.policy import Policy
from tfreview.core.ports import AdviceContext, Advisor
from tfreview.core.redact import scrub_text
from tfreview.core.review import review
from tfreview.core.rules import Rule
from tfreview.core.severity import Severity

logger = logging.getLogger("tfreview.review")

# of a job's time left when the rules are done, what the AI part leaves for storing and publishing the review
AI_RESERVE_SECONDS = 5.0
AI_RESERVE_SHARE = 0.2


def ai_seconds(time_left: float) -> float:
    """The seconds the AI part may take when the job has `time_left`: the rest after a reserve of 5 s or a fifth
    (infinite for a job without an end: `inf - inf` is NaN, which `max` made 0 s, no AI at all; NaN gives 0)."""
    if time_left == math.inf:
        return math.inf
    rest = time_left - max(AI_RESERVE_SECONDS, AI_RESERVE_SHARE * time_left)
    return rest if rest > 0.0 else 0.0


@dataclass(frozen=True, slots=True)
class Assessment:
    review: Review
    advice: Advice | None  # None: no advisor
    rules_seconds: float = 0.0  # the rules part alone (the rules-only latency SLO)

    @property
    def ai_unavailable(self) -> bool:
        """An advisor was asked and could not answer (the review is then `completed_without_ai`)."""
        return self.advice is not None and self.advice.unavailable_reason is not None

    @property
    def retry_ai_later(self) -> bool:
        """Every provider failed: the AI part is worth running again once one recovers."""
        return self.advice is not None and self.advice.retry_later


def assess(
    change_set: ChangeSet,
    rules: Sequence[Rule],
    policy: Policy,
    advisor: Advisor | None,
    *,
    ai_can_fail: bool = False,
    strict_config: bool = False,
    tenant_id: str | None = None,
    time_left: Callable[[], float] | None = None,
) -> Assessment:
    """`time_left`: the seconds the caller (a worker's job) has left; the advice is bounded to `ai_seconds` of them,
    so a hanging model leaves time to store and publish the rules' review (L7)."""
    begun = time.perf_counter()
    result = review(change_set, list(rules), policy)
    took = time.perf_counter() - begun
    return advise_on(
        change_set,
        result,
        took,
        advisor,
        ai_can_fail=ai_can_fail,
        strict_config=strict_config,
        tenant_id=tenant_id,
        time_left=time_left,
    )


def advise_on(
    change_set: ChangeSet,
    result: Review,
    took: float,
    advisor: Advisor | None,
    *,
    ai_can_fail: bool = False,
    strict_config: bool = False,
    tenant_id: str | None = None,
    time_left: Callable[[], float] | None = None,
) -> Assessment:
    """`assess` from a rules' review already computed (`result`, in `took` seconds: a review process's, ADR 0689):
    the advice asked and merged as `assess` does, the rules not run again."""
    if advisor is None:
        return Assessment(result, None, took)
    seconds = None if time_left is None else ai_seconds(time_left())
    context = AdviceContext(change_set, tuple(result.findings), result.coverage, tenant_id, seconds)
    advice = _advise(advisor, context, strict_config=strict_config)
    return Assessment(apply_advice(result, advice, ai_can_fail=ai_can_fail), advice, took)


def _advise(advisor: Advisor, context: AdviceContext, *, strict_config: bool) -> Advice:
    """The advice for this review, never an exception: an advisor that breaks leaves the rules' review whole."""
    try:
        return advisor.advise(context)
    except ConfigError as exc:
        if strict_config:
            raise
        logger.warning("advisor %s failed: %s", advisor.name, scrub_text(str(exc)))
        return _unavailable(advisor, "ConfigError")
    except Exception as exc:  # the AI part must never fail the review (issue 5)
        logger.warning("advisor %s failed: %s", advisor.name, scrub_text(str(exc)))
        return _unavailable(advisor, type(exc).__name__)


def _unavailable(advisor: Advisor, error: str) -> Advice:
    return Advice(
        summary="",
        risk=Severity.INFO,
        source=advisor.name,
        is_llm=True,
        unavailable_reason=f"AI review unavailable: {error}",
    )
