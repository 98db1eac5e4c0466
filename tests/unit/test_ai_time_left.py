"""The AI part's share of a job's time left (L7, review15a): a job with no bound leaves the advisor its own.

`Attempt.time_left` is infinite for an attempt the runner set no end to; `ai_seconds(inf)` was `inf - inf`, NaN,
which `max(0.0, NaN)` turned into 0 s: the advisor was given no time at all and the review completed without AI.
"""

from __future__ import annotations

import math

import pytest

from tfreview.core.findings import Advice
from tfreview.core.plan import ChangeSet
from tfreview.core.policy import Policy
from tfreview.core.ports import AdviceContext
from tfreview.core.severity import Severity
from tfreview.service.assessment import ai_seconds, assess


class _Recording:
    name = "recording"

    def __init__(self) -> None:
        self.seconds: list[float | None] = []

    def advise(self, context: AdviceContext) -> Advice:
        self.seconds.append(context.seconds)
        return Advice(summary="ok", risk=Severity.INFO, source=self.name, is_llm=True)


def test_an_unbounded_job_leaves_the_advisor_its_own_bound() -> None:
    assert ai_seconds(math.inf) == math.inf
    advisor = _Recording()
    assess(ChangeSet(changes=[]), [], Policy(), advisor, time_left=lambda: math.inf)
    assert advisor.seconds == [math.inf]  # not 0.0: the chain's min(review_deadline, inf) is its own deadline


@pytest.mark.parametrize(("left", "share"), [(100.0, 80.0), (20.0, 15.0), (5.0, 0.0), (0.0, 0.0), (-3.0, 0.0)])
def test_a_bounded_job_keeps_its_reserve(left: float, share: float) -> None:
    assert ai_seconds(left) == share


def test_a_time_left_that_is_no_number_gives_the_ai_part_none() -> None:
    assert ai_seconds(math.nan) == 0.0
