"""The LLM chain with in-process fakes: L1–L7, D4, K3, validation retry and usage.

Time is a FakeTime: `sleep` advances the clock, nothing waits. The HTTP-level versions of these
rows (real requests to the fake provider servers) are in test_providers_*.py.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import date
from typing import Any

import pytest

from tfreview.advisor.breaker import BreakerBoard
from tfreview.advisor.chain import UNAVAILABLE, LlmAdvisor
from tfreview.advisor.model import Completion, Prompt
from tfreview.advisor.settings import AdvisorSettings, Price
from tfreview.advisor.token_budget import InMemoryTokenBudget
from tfreview.core.findings import Advice
from tfreview.core.findings import Advice as ModelAdvice
from tfreview.core.plan import Coverage
from tfreview.core.ports import AdviceContext

from .doubles import FakeTime, ScriptedClient, answer, change, change_set, failure

CONTEXT = AdviceContext(change_set(change("aws_s3_bucket.a"), change("aws_iam_role.r", "create")), (), Coverage())


def _advisor(clients: list[ScriptedClient], time: FakeTime, **options: object) -> LlmAdvisor:
    settings = AdvisorSettings(name="openai", **options)  # type: ignore[arg-type]
    return LlmAdvisor(clients, settings, clock=time.clock, sleep=time.sleep, rng=random.Random(7))


def _model(advice: Advice) -> ModelAdvice:
    assert isinstance(advice, ModelAdvice)
    return advice


def test_l1_retry_after_is_honoured_and_attempts_stay_within_three() -> None:
    time = FakeTime()
    client = ScriptedClient([failure("throttled", status=429, retry_after=7)] * 2 + [answer()], time=time)
    advice = _model(_advisor([client], time).advise(CONTEXT))
    assert advice.is_llm
    assert len(client.calls) == 3
    assert client.call_times[1] - client.call_times[0] >= 7
    assert client.call_times[2] - client.call_times[1] >= 7
    assert all(s >= 7 for s in time.sleeps)
    assert advice.usage.attempts == 3


def test_l1_a_retry_after_longer_than_the_cap_moves_to_the_next_model() -> None:
    time = FakeTime()
    primary = ScriptedClient([failure("throttled", status=429, retry_after=3_600)], time=time)
    fallback = ScriptedClient([answer(model="claude-test")], provider="anthropic", model="claude-test", time=time)
    advice = _model(_advisor([primary, fallback], time).advise(CONTEXT))
    assert len(primary.calls) == 1
    assert time.sleeps == []
    assert advice.source == "anthropic/claude-test"


def test_l2_full_jitter_spreads_100_simultaneous_retries() -> None:
    rng = random.Random(2024)
    delays: list[float] = []
    for _ in range(100):  # 100 jobs hit a 503 at the same instant (each its own worker: its own breaker)
        time = FakeTime()
        client = ScriptedClient([failure("unavailable", status=503), answer()], time=time)
        settings = AdvisorSettings(name="openai")
        LlmAdvisor([client], settings, clock=time.clock, sleep=time.sleep, rng=rng).advise(CONTEXT)
        delays.append(time.sleeps[0])
    buckets = Counter(int(d * 10) for d in delays)  # 100 ms buckets
    assert max(buckets.values()) <= 20
    assert len(buckets) >= 8


def test_l3_one_logical_call_makes_at_most_max_attempts_requests() -> None:
    time = FakeTime()
    client = ScriptedClient([failure("unavailable", status=503)], time=time)
    advice = _model(_advisor([client], time).advise(CONTEXT))
    assert len(client.calls) == 3
    assert advice.usage.attempts == 3
    assert advice.unavailable_reason is not None


@pytest.mark.parametrize(
    ("kind", "status"),
    [("throttled", 400), ("unavailable", 503), ("unavailable", 529), ("timeout", None), ("unavailable", 500)],
)
def test_l4_transient_errors_are_retried_and_the_answering_model_is_recorded(kind: str, status: int | None) -> None:
    time = FakeTime()
    client = ScriptedClient([failure(kind, status=status), answer(model="gpt-test-2024")], time=time)
    advice = _model(_advisor([client], time).advise(CONTEXT))
    assert advice.source == "openai/gpt-test-2024"
    assert advice.usage.model == "gpt-test-2024"
    assert advice.usage.attempts == 2


@pytest.mark.parametrize(
    ("kind", "status"),
    [("invalid_request", 400), ("invalid_request", 422), ("auth", 403), ("quota", 429), ("other", 424)],
)
def test_l5_permanent_errors_are_not_retried_and_fail_over_at_once(kind: str, status: int) -> None:
    time = FakeTime()
    primary = ScriptedClient([failure(kind, status=status, retriable=False)], time=time)
    fallback = ScriptedClient([answer(model="claude-test")], provider="anthropic", model="claude-test", time=time)
    advice = _model(_advisor([primary, fallback], time).advise(CONTEXT))
    assert len(primary.calls) == 1
    assert time.sleeps == []
    assert advice.source == "anthropic/claude-test"
    assert advice.usage.fallbacks_used == ("openai/gpt-test",)
    assert advice.usage.failures == (f"openai/gpt-test: {kind} (HTTP {status}) (1 attempts)",)


def test_l6_the_breaker_opens_after_5_failures_stays_shut_then_probes_once() -> None:
    time = FakeTime()
    primary = ScriptedClient([failure("unavailable", status=503)], time=time)
    fallback = ScriptedClient([answer(model="claude-test")], provider="anthropic", model="claude-test", time=time)
    advisor = _advisor([primary, fallback], time)
    breaker = advisor.breaker(primary)

    advisor.advise(CONTEXT)  # 3 failures
    advisor.advise(CONTEXT)  # 2 more: 5 within 30 s → open
    assert len(primary.calls) == 5
    assert breaker.state == "open"
    for _ in range(10):
        advice = _model(advisor.advise(CONTEXT))
        assert advice.source == "anthropic/claude-test"
    assert len(primary.calls) == 5  # 0 calls while open

    time.now += 30
    assert breaker.state == "half-open"
    advisor.advise(CONTEXT)
    assert len(primary.calls) == 6  # exactly one probe; it failed: open again
    assert breaker.state == "open"

    time.now += 30
    primary.script = [answer()]
    advice = _model(advisor.advise(CONTEXT))
    assert advice.source == "openai/gpt-test"
    assert breaker.state == "closed"


def test_l6_a_probe_the_review_had_no_time_to_send_leaves_the_breaker_half_open() -> None:
    """The primary hangs out the review's deadline; the fallback's breaker is half-open when its turn comes, with
    no time left to call it. Before, `allow()` had made that review the probe, which never reported back: the
    breaker stayed open for ever and the fallback was never called again (until a restart)."""
    time = FakeTime()
    hung = ScriptedClient([failure("timeout", status=None)], time=time)
    fallback = ScriptedClient([answer(model="claude-test")], provider="anthropic", model="claude-test", time=time)
    advisor = _advisor([hung, fallback], time, call_timeout_seconds=60.0, review_deadline_seconds=180.0)
    breaker = advisor.breaker(fallback)
    for _ in range(5):  # the fallback failed five times a moment ago: open
        breaker.failure()
    time.now += 30
    assert breaker.state == "half-open"

    advice = _model(advisor.advise(CONTEXT))  # the hang eats the whole deadline
    assert advice.unavailable_reason is not None
    assert "anthropic/claude-test: review deadline reached (0 attempts)" in advice.unavailable_reason
    assert fallback.calls == []
    assert breaker.state == "half-open"  # no probe went out: the next review may send it

    hung.script = [failure("invalid_request", status=400, retriable=False)]
    advice = _model(advisor.advise(CONTEXT))
    assert advice.source == "anthropic/claude-test"
    assert len(fallback.calls) == 1
    assert breaker.state == "closed"


def test_l4_an_adapter_that_breaks_is_that_models_failure_the_fallback_answers_and_a_probe_reports() -> None:
    """An adapter raising something other than a ProviderError (a parser meeting a hostile answer, a bug) fails
    that model: the breaker hears of it — a half-open probe included, which otherwise never reported back — and
    the next model answers. Before, the exception left the chain: no fallback, the probe stuck open."""
    time = FakeTime()

    def broken(prompt: Prompt, timeout: float) -> Completion:
        raise AttributeError("'str' object has no attribute 'get' sk-CANARY-in-the-message")

    primary = ScriptedClient([broken], time=time)
    fallback = ScriptedClient([answer(model="claude-test")], provider="anthropic", model="claude-test", time=time)
    advisor = _advisor([primary, fallback], time)
    breaker = advisor.breaker(primary)
    for _ in range(5):
        breaker.failure()
    time.now += 30
    assert breaker.state == "half-open"

    advice = _model(advisor.advise(CONTEXT))

    assert advice.source == "anthropic/claude-test"
    assert len(primary.calls) == 1  # the probe, not retried
    assert advice.usage is not None
    assert advice.usage.failures == ("openai/gpt-test: other (1 attempts)",)
    assert breaker.state == "open"  # the probe failed and said so: open again for another 30 s
    time.now += 30
    assert breaker.state == "half-open"


def test_l6_failures_spread_over_more_than_30_seconds_do_not_open_it() -> None:
    time = FakeTime()
    client = ScriptedClient([failure("invalid_request", status=400, retriable=False)], time=time)
    advisor = _advisor([client], time)
    for _ in range(8):
        advisor.advise(CONTEXT)
        time.now += 10
    assert advisor.breaker(client).state == "closed"
    assert len(client.calls) == 8


def test_l7_all_providers_down_gives_the_deterministic_review_marked_unavailable_and_a_rerun_flag() -> None:
    time = FakeTime()
    hung = ScriptedClient([failure("timeout", status=None)], time=time)
    down = ScriptedClient([failure("unavailable", status=503)], provider="anthropic", model="claude-test", time=time)
    settings = {"call_timeout_seconds": 30.0, "review_deadline_seconds": 120.0}
    start = time.now
    advice = _model(_advisor([hung, down], time, **settings).advise(CONTEXT))
    assert advice.unavailable_reason is not None
    assert advice.unavailable_reason.startswith(f"{UNAVAILABLE}: ")
    assert "openai/gpt-test: timeout" in advice.unavailable_reason
    assert advice.retry_later is True
    assert advice.is_llm is False
    assert advice.summary.startswith("Written by tfreview's built-in reviewer")
    assert time.now - start <= 120.0  # the review ends within its deadline, hangs included
    assert all(t <= 30.0 for t in hung.timeouts)


def test_d4_the_daily_token_budget_stops_llm_calls_and_the_rules_go_on() -> None:
    time = FakeTime()
    today = [date(2026, 1, 1)]
    budget = InMemoryTokenBudget(5_000, today=lambda: today[0])
    client = ScriptedClient([answer(tokens=(900, 100))], time=time)
    advisor = LlmAdvisor(
        [client], AdvisorSettings(name="openai"), clock=time.clock, sleep=time.sleep, budget_store=budget
    ).for_tenant("acme")
    results = [_model(advisor.advise(CONTEXT)) for _ in range(20)]
    made = len(client.calls)
    assert made < 20
    assert budget.remaining("acme") < 5_000
    capped = results[-1]
    assert capped.unavailable_reason is not None
    assert "daily token budget (5,000 tokens) is spent" in capped.unavailable_reason
    assert capped.retry_later is False
    assert capped.summary.startswith("Written by tfreview's built-in reviewer")

    other = advisor.for_tenant("globex")
    assert _model(other.advise(CONTEXT)).is_llm  # another tenant has its own budget
    today[0] = date(2026, 1, 2)
    assert _model(advisor.advise(CONTEXT)).is_llm  # a new day, a new budget
    assert len(client.calls) == made + 2


def test_k3_a_401_reloads_the_credential_once_and_continues() -> None:
    time = FakeTime()
    client = ScriptedClient([failure("auth", status=401, retriable=False), answer()], time=time, reload_result=True)
    advice = _model(_advisor([client], time).advise(CONTEXT))
    assert advice.is_llm
    assert client.reloads == 1
    assert len(client.calls) == 2
    assert time.sleeps == []


def test_k3_a_401_that_persists_is_never_retried_in_a_loop() -> None:
    time = FakeTime()
    client = ScriptedClient([failure("auth", status=401, retriable=False)], time=time, reload_result=True)
    fallback = ScriptedClient([answer(model="claude-test")], provider="anthropic", model="claude-test", time=time)
    advice = _model(_advisor([client, fallback], time).advise(CONTEXT))
    assert client.reloads == 1
    assert len(client.calls) == 2
    assert advice.source == "anthropic/claude-test"


def test_k3_an_unchanged_credential_fails_over_without_another_request() -> None:
    time = FakeTime()
    client = ScriptedClient([failure("auth", status=401, retriable=False)], time=time, reload_result=False)
    fallback = ScriptedClient([answer(model="claude-test")], provider="anthropic", model="claude-test", time=time)
    _advisor([client, fallback], time).advise(CONTEXT)
    assert client.reloads == 1
    assert len(client.calls) == 1


def test_an_answer_that_fails_validation_is_asked_for_once_more() -> None:
    time = FakeTime()
    bad = answer().__class__("not json", "gpt-test", 10, 5)
    client = ScriptedClient([bad, answer()], time=time)
    advice = _model(_advisor([client], time).advise(CONTEXT))
    assert advice.is_llm
    assert advice.usage.attempts == 2
    assert advice.usage.input_tokens == 110


def test_two_invalid_answers_are_an_advisor_failure_and_the_next_model_answers() -> None:
    time = FakeTime()
    bad = answer().__class__('{"summary": "approve"}', "gpt-test", 10, 5)
    primary = ScriptedClient([bad], time=time)
    fallback = ScriptedClient([answer(model="claude-test")], provider="anthropic", model="claude-test", time=time)
    advice = _model(_advisor([primary, fallback], time).advise(CONTEXT))
    assert len(primary.calls) == 2
    assert advice.source == "anthropic/claude-test"
    assert advice.usage.failures == ("openai/gpt-test: malformed answer (2 attempts)",)


def test_usage_is_recorded_with_an_estimated_cost() -> None:
    time = FakeTime()
    client = ScriptedClient([failure("unavailable", status=503), answer(tokens=(2_000, 500))], time=time)
    prices = {"openai/gpt-test": Price(input_per_million=2.5, output_per_million=10.0)}
    advice = _model(_advisor([client], time, prices=prices).advise(CONTEXT))
    usage = advice.usage
    assert (usage.provider, usage.model) == ("openai", "gpt-test")
    assert (usage.input_tokens, usage.output_tokens, usage.attempts) == (2_000, 500, 2)
    assert usage.estimated_cost_usd == pytest.approx(0.01)
    assert usage.latency_seconds == pytest.approx(time.sleeps[0], abs=0.001)
    assert usage.prompt_version == "review-v1"
    assert 0 < usage.prompt_tokens_estimate <= 12_000
    assert usage.as_dict()["omitted"]["resources"] == 0


def test_the_model_may_raise_the_risk_but_never_lower_it() -> None:
    time = FakeTime()
    cs = change_set(change("aws_db_instance.main", "delete"))
    client = ScriptedClient([answer(risk="low")], time=time)
    advice = _advisor([client], time).advise(AdviceContext(cs, (), Coverage()))
    assert advice.risk.value == "critical"  # the built-in floor: a database is destroyed


def test_breakers_are_shared_across_tenants() -> None:
    time = FakeTime()
    board = BreakerBoard(clock=time.clock)
    client = ScriptedClient([failure("unavailable", status=503)], time=time)
    advisor = LlmAdvisor([client], AdvisorSettings(name="openai"), clock=time.clock, sleep=time.sleep, breakers=board)
    advisor.for_tenant("a").advise(CONTEXT)
    advisor.for_tenant("b").advise(CONTEXT)
    assert board.get("openai/gpt-test").state == "open"


def test_l7_the_callers_time_left_bounds_the_advice_as_the_review_deadline_does() -> None:
    """A worker's job has 40 s left: however long the advisor's own deadline, no call asks for more than that, and
    the advice (here: every attempt hangs) ends within it."""
    time = FakeTime()
    hung = ScriptedClient([failure("timeout", status=None)], time=time)
    advisor = _advisor([hung], time, call_timeout_seconds=60.0, review_deadline_seconds=180.0)
    start = time.now

    advice = _model(advisor.advise(AdviceContext(CONTEXT.change_set, (), Coverage(), seconds=40.0)))

    assert advice.unavailable_reason is not None
    assert hung.timeouts[0] == 40.0
    assert time.now - start <= 40.0
    advice = _model(advisor.advise(AdviceContext(CONTEXT.change_set, (), Coverage(), seconds=0.0)))
    assert "review deadline reached (0 attempts)" in (advice.unavailable_reason or "")


def test_d4_two_reviews_racing_for_the_last_of_the_budget_make_one_call() -> None:
    """Worker threads check the budget at the same moment: only one may spend its last tokens."""
    probe = ScriptedClient([answer()])
    settings = AdvisorSettings(name="openai")
    used = _model(LlmAdvisor([probe], settings).advise(CONTEXT)).usage
    need = used.prompt_tokens_estimate + settings.max_output_tokens
    budget = InMemoryTokenBudget(need + need // 2)  # room for one review, not two
    entered, release = threading.Event(), threading.Event()

    def first_call_waits(prompt: Prompt, timeout: float) -> Completion:
        entered.set()
        release.wait(5)
        return answer(tokens=(need - settings.max_output_tokens, settings.max_output_tokens))

    client = ScriptedClient([first_call_waits, answer(tokens=(need - settings.max_output_tokens, 1))])
    advisor = LlmAdvisor([client], settings, budget_store=budget).for_tenant("acme")
    results: list[Advice] = []
    racer = threading.Thread(target=lambda: results.append(advisor.advise(CONTEXT)))
    racer.start()
    assert entered.wait(5)
    second = _model(advisor.advise(CONTEXT))  # the first review's call is still in flight
    release.set()
    racer.join(5)
    assert len(client.calls) == 1
    assert _model(results[0]).is_llm
    assert not second.is_llm
    assert second.unavailable_reason is not None
    assert "daily token budget" in second.unavailable_reason


def test_d4_a_review_across_midnight_settles_on_the_day_it_reserved() -> None:
    """What a review reserved before midnight and did not use is not given back out of the next day's spending."""
    settings = AdvisorSettings(name="openai")
    today = [date(2026, 1, 1)]
    budget = InMemoryTokenBudget(50_000, today=lambda: today[0])

    def across_midnight(prompt: Prompt, timeout: float) -> Completion:
        today[0] = date(2026, 1, 2)
        budget.spend("acme", 3_000)  # another review, after midnight
        return answer(tokens=(100, 20))

    advisor = LlmAdvisor([ScriptedClient([across_midnight])], settings, budget_store=budget).for_tenant("acme")
    assert _model(advisor.advise(CONTEXT)).is_llm
    assert budget.remaining("acme") == 50_000 - 3_000


def test_d4_the_tokens_spent_and_the_refused_reviews_are_in_the_metrics() -> None:
    from tfreview.ops.metrics import PrometheusRecorder

    metrics = PrometheusRecorder(strict=True)
    settings = AdvisorSettings(name="openai")
    budget = InMemoryTokenBudget(3_000)
    client = ScriptedClient([answer(tokens=(900, 100))])
    advisor = LlmAdvisor([client], settings, budget_store=budget, metrics=metrics).for_tenant("acme")
    results = [_model(advisor.advise(CONTEXT)) for _ in range(4)]
    calls = len(client.calls)
    assert 0 < calls < 4
    samples = {(name, tuple(sorted(labels.items()))): value for name, labels, value in metrics.samples()}
    assert (
        samples[("tfreview_advisor_tokens_total", (("kind", "input"), ("provider", "openai/gpt-test")))] == 900 * calls
    )
    assert (
        samples[("tfreview_advisor_tokens_total", (("kind", "output"), ("provider", "openai/gpt-test")))] == 100 * calls
    )
    assert samples[("tfreview_advisor_budget_exhausted_total", ())] == 4 - calls
    assert sum(not r.is_llm for r in results) == 4 - calls


def test_d4_asking_again_after_a_malformed_answer_needs_room_in_the_budget() -> None:
    probe = ScriptedClient([answer()])
    settings = AdvisorSettings(name="openai")
    need = (
        _model(LlmAdvisor([probe], settings).advise(CONTEXT)).usage.prompt_tokens_estimate + settings.max_output_tokens
    )
    budget = InMemoryTokenBudget(need + need // 2)
    malformed = Completion("not json at all", "gpt-test", need - settings.max_output_tokens, settings.max_output_tokens)
    client = ScriptedClient([malformed, answer()])
    advice = _model(LlmAdvisor([client], settings, budget_store=budget).for_tenant("acme").advise(CONTEXT))
    assert len(client.calls) == 1  # the first answer spent the reservation; a second call would pass the cap
    assert not advice.is_llm
    assert advice.unavailable_reason is not None
    assert "daily token budget (" in advice.unavailable_reason  # the same words as a refusal before the first call
    assert "is spent" in advice.unavailable_reason
    assert budget.remaining("acme") == need // 2


class _BrokenBudget(InMemoryTokenBudget):
    """A budget whose store fails: on reserve, or only when the review gives back what it did not use."""

    def __init__(self, *, reserve_fails: bool) -> None:
        super().__init__(50_000)
        self.reserve_fails = reserve_fails

    def reserve(self, tenant_id: str, tokens: int, *, day: date | None = None, **hold: Any) -> bool:
        if self.reserve_fails:
            raise OSError("the budget's database is gone")
        return super().reserve(tenant_id, tokens, day=day, **hold)

    def release(self, tenant_id: str, hold: str, *, day: date | None = None) -> None:
        raise OSError("the budget's database is gone")


def test_d4_a_budget_store_that_fails_never_calls_a_model_and_never_loses_the_answer() -> None:
    client = ScriptedClient([answer()])
    settings = AdvisorSettings(name="openai")
    unread = _model(LlmAdvisor([client], settings, budget_store=_BrokenBudget(reserve_fails=True)).advise(CONTEXT))
    assert client.calls == []  # no budget read: no model call (it could not be counted)
    assert not unread.is_llm
    assert unread.retry_later is True
    assert unread.unavailable_reason is not None
    assert "token budget could not be read" in unread.unavailable_reason
    answered = LlmAdvisor([client], settings, budget_store=_BrokenBudget(reserve_fails=False)).advise(CONTEXT)
    assert _model(answered).is_llm  # the give-back failed after the call: the answer is kept, the tokens stay counted
    assert len(client.calls) == 1


class _GoneAfterTheReservation(InMemoryTokenBudget):
    """A budget whose store fails once the reservation is made: every later write raises."""

    def spend(self, tenant_id: str, tokens: int, *, day: date | None = None, hold: str | None = None) -> None:
        raise OSError("the budget's database is gone")

    def release(self, tenant_id: str, hold: str, *, day: date | None = None) -> None:
        raise OSError("the budget's database is gone")


def test_d4_an_answer_past_its_reservation_is_kept_when_the_budget_store_fails_to_count_it() -> None:
    # the provider reported more than the estimate reserved (an estimate is an estimate): counting the difference
    # failed on a store that had just gone, and the answer already paid for was lost ("AI unavailable: OSError")
    settings = AdvisorSettings(name="openai")
    client = ScriptedClient([answer(tokens=(40_000, 5_000))])
    advice = LlmAdvisor([client], settings, budget_store=_GoneAfterTheReservation(50_000)).advise(CONTEXT)
    assert _model(advice).is_llm
    assert len(client.calls) == 1


class _StoreGoneAfterTheFirstReservation(InMemoryTokenBudget):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.reservations = 0

    def reserve(self, tenant_id: str, tokens: int, *, day: date | None = None, **hold: Any) -> bool:
        self.reservations += 1
        if self.reservations > 1:
            raise OSError("the budget's database is gone")
        return super().reserve(tenant_id, tokens, day=day, **hold)


@pytest.mark.parametrize("store_down", [False, True])
def test_d4_a_budget_refusal_before_asking_again_is_no_provider_outage(store_down: bool) -> None:
    # a tenant at its cap whose first answer was malformed: asking again needs room it has not got (or a store that
    # has gone). That counted as "every provider down", whose alert pauses the AI reviewer for EVERY tenant, and the
    # next model of the chain was tried, refused again, and the AI part put off to be refused once more.
    from tfreview.ops.metrics import PrometheusRecorder

    metrics = PrometheusRecorder(strict=True)
    settings = AdvisorSettings(name="chain")
    probe = ScriptedClient([answer()])
    need = (
        _model(LlmAdvisor([probe], settings).advise(CONTEXT)).usage.prompt_tokens_estimate + settings.max_output_tokens
    )
    budget = _StoreGoneAfterTheFirstReservation(need) if store_down else InMemoryTokenBudget(need + need // 2)
    malformed = Completion("not json at all", "gpt-test", need - settings.max_output_tokens, settings.max_output_tokens)
    first = ScriptedClient([malformed, answer()])
    second = ScriptedClient([answer()], provider="anthropic", model="claude-test")
    advice = _model(
        LlmAdvisor([first, second], settings, budget_store=budget, metrics=metrics).for_tenant("acme").advise(CONTEXT)
    )
    assert not advice.is_llm
    assert len(first.calls) == 1
    assert second.calls == []
    samples = {name: value for name, _, value in metrics.samples()}
    assert samples.get("tfreview_advisor_all_down_total", 0) == 0
    assert advice.unavailable_reason is not None
    if store_down:
        assert "token budget could not be read" in advice.unavailable_reason
        assert advice.retry_later is True
    else:
        assert "daily token budget" in advice.unavailable_reason
        assert advice.retry_later is False
        assert samples["tfreview_advisor_budget_exhausted_total"] == 1
