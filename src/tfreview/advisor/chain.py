"""The LLM advisor: models tried in order, each behind retries, a circuit breaker and a budget.

For one review: build the redacted context and the prompt within the token budget; stop at the
tenant's daily token cap (D4); then, for each model of the fallback list whose breaker allows it,
make up to `max_attempts` requests —

- a retriable error (throttled, unavailable, timeout, a 5xx) waits with FULL jitter,
  `uniform(0, min(cap, base·2^n))`, plus `Retry-After` when the provider sent one (L1, L2); a
  Retry-After longer than `max_retry_after_seconds`, or past the review's deadline, moves on;
- a permanent error (400, 403, spend cap, validation) moves straight to the next model (L5);
- a 401 reloads the credential once and, only if it changed, tries once more (K3) — never a loop;
- an answer that fails the schema is asked for once more, then the model counts as failed; one cut at
  the output limit (`max_tokens`) is not asked for again: the same prompt stops at the same limit.

When every model fails the advice says "AI review unavailable: …", carries the built-in
reviewer's deterministic text, and `retry_later=True` so the worker re-runs the AI part (L7).
The rule findings are never touched here: the advisor returns advice only.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from tfreview.advisor.breaker import BreakerBoard, CircuitBreaker
from tfreview.advisor.builtin import BuiltinAdvisor
from tfreview.advisor.context import Redactor, ReviewContext, build_context
from tfreview.advisor.model import Completion, ModelClient, ProviderError
from tfreview.advisor.output import OutputError, ParsedAdvice, parse_output
from tfreview.advisor.prompt import BuiltPrompt, build_prompt, load_template
from tfreview.advisor.sanitize import sanitize
from tfreview.advisor.settings import AdvisorSettings
from tfreview.advisor.token_budget import TokenBudget
from tfreview.core.findings import Advice
from tfreview.core.ports import AdviceContext
from tfreview.core.redact import scrub_text
from tfreview.core.token_holds import HOLD_MARGIN_SECONDS
from tfreview.core.usage import AdviceUsage
from tfreview.ops.controls import AI_BREAKER_OPEN, AI_PAUSED, CachedControls, Control
from tfreview.ops.recorder import NullRecorder, Recorder

log = logging.getLogger("tfreview.advisor")

UNAVAILABLE = "AI review unavailable"
_CONCERN_CHARS = 600


def breaker_key(client: ModelClient) -> str:
    """`provider/model`: two OpenAI-compatible hosts (OpenAI and a local Ollama) must not share a breaker."""
    return f"{client.provider}/{client.model}"


@dataclass(slots=True)
class _Tally:
    attempts: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    need: int = 0  # the budget one call may spend: the prompt's estimate and the most output it may have
    reserved: int = 0  # of the tenant's budget, held for the next call and given back at the end
    day: date | None = None  # the budget's day when the review began: it spends and settles on that day
    hold: str = ""  # the review's hold on the tenant's budget (ADR 0560, amended): it expires if this process dies
    hold_seconds: float = 0.0  # the review's deadline and a margin: how long its hold counts unless settled
    # why the budget refused a call mid-review, and whether the AI part may be run again later: no model is down
    refused: tuple[str, bool] | None = None


@dataclass(frozen=True, slots=True)
class _Answer:
    parsed: ParsedAdvice
    completion: Completion


class LlmAdvisor:
    """The Advisor port over an ordered list of models (the first is the primary)."""

    def __init__(
        self,
        clients: Sequence[ModelClient],
        settings: AdvisorSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        budget_store: TokenBudget | None = None,
        tenant_id: str = "default",
        rng: random.Random | None = None,
        breakers: BreakerBoard | None = None,
        new_nonce: Callable[[], str] | None = None,
        metrics: Recorder | None = None,
        controls: CachedControls | None = None,
    ) -> None:
        self.settings = settings or AdvisorSettings()
        self.controls = controls  # shared pause / held-open breakers (tfreview.ops.controls), read before a call
        self.metrics: Recorder = metrics or NullRecorder()  # provider calls, breakers, all-down, budget
        self.clients = tuple(clients)
        self.name = self.settings.name if self.settings.name != "builtin" else "chain"
        self.tenant_id = tenant_id
        self._clock = clock
        self._sleep = sleep
        self._budget = budget_store
        self._rng = rng or random.Random()
        self._new_nonce = new_nonce
        s = self.settings
        self._breakers = breakers or BreakerBoard(
            clock=clock, failures=s.breaker_failures, window=s.breaker_window_seconds, open_for=s.breaker_open_seconds
        )
        self._template = load_template(s.prompt_version)

    def for_tenant(self, tenant_id: str) -> LlmAdvisor:
        """The same models, breakers and budget store, spending `tenant_id`'s budget."""
        return LlmAdvisor(
            self.clients,
            self.settings,
            clock=self._clock,
            sleep=self._sleep,
            budget_store=self._budget,
            tenant_id=tenant_id,
            rng=self._rng,
            breakers=self._breakers,
            new_nonce=self._new_nonce,
            metrics=self.metrics,
            controls=self.controls,
        )

    @property
    def budget(self) -> TokenBudget | None:
        """The daily token budget this advisor spends (shared by every tenant's advisor)."""
        return self._budget

    def breaker_states(self) -> list[tuple[str, str]]:
        """(provider/model, closed | open | half-open) of each model's breaker (the dashboard's AI page)."""
        return [(f"{client.provider}/{client.model}", str(self.breaker(client).state)) for client in self.clients]

    def budget_states(self, tenant_id: str) -> list[tuple[str, int, int]]:
        """(tenant, tokens left today, daily limit) of the token budget; none without a budget store."""
        budget = self._budget
        if budget is None:
            return []
        return [(tenant_id, int(budget.remaining(tenant_id)), int(budget.limit(tenant_id)))]

    def breaker(self, client: ModelClient) -> CircuitBreaker:
        return self._breakers.get(breaker_key(client))

    def advise(self, context: AdviceContext, *, extras: Mapping[str, str] | None = None) -> Advice:
        if context.tenant_id is not None and context.tenant_id != self.tenant_id:  # spend the caller's tenant budget
            return self.for_tenant(context.tenant_id).advise(context, extras=extras)
        s = self.settings
        view = build_context(context, extras)
        options = {"new_nonce": self._new_nonce} if self._new_nonce else {}
        built = build_prompt(
            view,
            max_input_tokens=s.max_input_tokens,
            max_output_tokens=s.max_output_tokens,
            template=self._template,
            **options,
        )
        base = AdviceUsage(
            prompt_version=built.version, prompt_tokens_estimate=built.estimated_tokens, omission=built.omission
        )
        if not self.clients:
            return self._fallback(context, base, f"{UNAVAILABLE}: no model is configured", retry_later=False)
        paused = self.controls.active(AI_PAUSED) if self.controls is not None else None
        if paused is not None:  # an operator's or an incident's decision not to call models: no re-run after
            until = paused.until.isoformat(timespec="seconds")
            reason = f"{UNAVAILABLE}: AI review paused until {until} by {paused.set_by}; the rules ran as usual"
            return self._fallback(context, base, reason, retry_later=False)
        held = self.controls.active(AI_BREAKER_OPEN) if self.controls is not None else None
        tally = _Tally(
            hold=uuid.uuid4().hex, hold_seconds=_allowed(s.review_deadline_seconds, context) + HOLD_MARGIN_SECONDS
        )
        if self._budget is not None:  # reserved, not just read: two reviews racing for the last tokens get one call
            tally.need = built.estimated_tokens + s.max_output_tokens
            tally.day = self._budget.today()
            try:
                reserved = self._budget.reserve(
                    self.tenant_id, tally.need, day=tally.day, hold=tally.hold, hold_seconds=tally.hold_seconds
                )
            except Exception as error:  # the store is down: a call it cannot count is not made; the AI part later
                log.warning("advisor token budget could not be read: %s", type(error).__name__)
                reason = f"{UNAVAILABLE}: the token budget could not be read; the rules ran as usual"
                return self._fallback(context, base, reason, retry_later=True)
            if not reserved:
                limit = self._budget.limit(self.tenant_id)
                reason = f"{UNAVAILABLE}: the daily token budget ({limit:,} tokens) is spent; the rules ran as usual"
                self.metrics.count("tfreview_advisor_budget_exhausted_total")
                return self._fallback(context, base, reason, retry_later=False)
            tally.reserved = tally.need
        try:
            return self._consult(context, base, built, view, held, tally)
        finally:
            if self._budget is not None and tally.reserved:
                self._give_back(tally)

    def _consult(
        self,
        context: AdviceContext,
        base: AdviceUsage,
        built: BuiltPrompt,
        view: ReviewContext,
        held: Control | None,
        tally: _Tally,
    ) -> Advice:
        """The models in order, each behind its breaker, until one answers usably."""
        s = self.settings
        start = self._clock()
        deadline = start + _allowed(s.review_deadline_seconds, context)
        failures: list[str] = []
        tried: list[str] = []
        for client in self.clients:
            key = breaker_key(client)
            breaker = self._breakers.get(key)
            if held is not None:  # every breaker held open by an incident: no call, the AI part runs later
                self.metrics.count("tfreview_advisor_calls_total", provider=key, outcome="refused")
                failures.append(f"{key}: circuit held open ({held.reason})")
                tried.append(key)
                continue
            if not breaker.allow():
                self.metrics.count("tfreview_advisor_calls_total", provider=key, outcome="refused")
                failures.append(f"{key}: circuit open")
                tried.append(key)
                continue
            answer, why = self._ask(client, breaker, built, view, deadline, tally)
            if tally.refused is not None:  # the tenant's budget, not a model: no other model, no outage counted
                reason, retry_later = tally.refused
                usage = replace(
                    base,
                    input_tokens=tally.input_tokens,
                    output_tokens=tally.output_tokens,
                    latency_seconds=round(self._clock() - start, 3),
                    attempts=tally.attempts,
                    fallbacks_used=tuple(tried),
                    failures=tuple(failures),
                )
                return self._fallback(context, usage, f"{UNAVAILABLE}: {reason}", retry_later=retry_later)
            if answer is not None:
                usage = replace(
                    base,
                    provider=client.provider,
                    model=answer.completion.model or client.model,
                    input_tokens=tally.input_tokens,
                    output_tokens=tally.output_tokens,
                    latency_seconds=round(self._clock() - start, 3),
                    attempts=tally.attempts,
                    fallbacks_used=tuple(tried),
                    estimated_cost_usd=self._cost(client, tally),
                    concerns_dropped=answer.parsed.dropped,
                    failures=tuple(failures),
                )
                return self._advice(context, client, answer.parsed, usage, view.redactor)
            failures.append(f"{key}: {why}")
            tried.append(key)
            log.warning("advisor model failed: %s: %s", key, why)
        usage = replace(
            base,
            input_tokens=tally.input_tokens,
            output_tokens=tally.output_tokens,
            latency_seconds=round(self._clock() - start, 3),
            attempts=tally.attempts,
            fallbacks_used=tuple(tried),
            failures=tuple(failures),
        )
        if held is None:  # a held-open breaker is the action taken on a known outage, not a new one
            self.metrics.count("tfreview_advisor_all_down_total")
        return self._fallback(context, usage, f"{UNAVAILABLE}: " + "; ".join(failures), retry_later=True)

    # --- one model ----------------------------------------------------------------------------

    def _ask(
        self,
        client: ModelClient,
        breaker: CircuitBreaker,
        built: BuiltPrompt,
        view: ReviewContext,
        deadline: float,
        tally: _Tally,
    ) -> tuple[_Answer | None, str]:
        s = self.settings
        attempts = 0
        reloaded = False
        asked_again = False
        while True:
            remaining = deadline - self._clock()
            if remaining <= 0:
                if not attempts:  # the breaker let this review through (perhaps as its probe): no call was made
                    breaker.release()
                return None, f"review deadline reached ({attempts} attempts)"
            if attempts and not breaker.allow():
                return None, f"circuit opened ({attempts} attempts)"
            if not self._top_up(tally):
                return None, f"the daily token budget is spent ({attempts} attempts)"
            attempts += 1
            tally.attempts += 1
            try:
                completion = _complete(client, built, min(s.call_timeout_seconds, remaining))
            except ProviderError as error:
                self._failed(client, breaker, error)
                what = _describe(error)
                if error.kind == "auth":
                    if not reloaded and attempts < s.max_attempts and client.reload_credentials():
                        reloaded = True
                        continue  # one more request, with the new credential
                    return None, f"{what} ({attempts} attempts)"
                if not error.retriable or attempts >= s.max_attempts:
                    return None, f"{what} ({attempts} attempts)"
                delay = self._delay(attempts, error.retry_after)
                if delay is None:
                    return None, f"{what}, Retry-After {error.retry_after:g} s is too long ({attempts} attempts)"
                if self._clock() + delay >= deadline:
                    return None, f"{what}, no time left to retry ({attempts} attempts)"
                self._sleep(delay)
                continue
            breaker.success()  # the provider answered; whether the answer is usable is another matter
            key = breaker_key(client)
            self.metrics.count("tfreview_advisor_calls_total", provider=key, outcome="ok")
            self.metrics.count("tfreview_advisor_tokens_total", completion.input_tokens, provider=key, kind="input")
            self.metrics.count("tfreview_advisor_tokens_total", completion.output_tokens, provider=key, kind="output")
            self.metrics.count("tfreview_upstream_requests_total", upstream="model", outcome="ok")
            self.metrics.set("tfreview_advisor_breaker_open", 0, provider=key)
            tally.input_tokens += completion.input_tokens
            tally.output_tokens += completion.output_tokens
            self._charge(tally, completion.input_tokens + completion.output_tokens)
            try:
                return _Answer(parse_output(completion.text, view.addresses), completion), ""
            except OutputError as error:
                log.info("advisor answer failed validation: %s: %s", breaker_key(client), error)
                if completion.truncated:  # asked again, the same prompt stops at the same limit: paid twice (L3)
                    limit = built.prompt.max_output_tokens
                    return None, f"answer cut at the output limit ({limit} tokens) ({attempts} attempts)"
                if asked_again or attempts >= s.max_attempts:
                    return None, f"malformed answer ({attempts} attempts)"
                asked_again = True

    def _give_back(self, tally: _Tally) -> None:
        """What the review reserved and its calls did not use goes back; if the store fails, it stays counted (the
        review's answer is not lost for it) until the hold expires."""
        assert self._budget is not None
        try:
            self._budget.release(self.tenant_id, tally.hold, day=tally.day)
        except Exception as error:
            log.warning(
                "advisor token budget: %d reserved tokens not given back: %s", tally.reserved, type(error).__name__
            )

    def _top_up(self, tally: _Tally) -> bool:
        """Before a call: the reservation holds what it may spend again (an earlier answer used it); False when
        the tenant's budget has no room for it, or cannot be read (`tally.refused` says which)."""
        if self._budget is None or tally.reserved >= tally.need:
            return True
        try:
            reserved = self._budget.reserve(
                self.tenant_id,
                tally.need - tally.reserved,
                day=tally.day,
                hold=tally.hold,
                hold_seconds=tally.hold_seconds,
            )
        except Exception as error:  # the store is down: no call it cannot count; the AI part later
            log.warning("advisor token budget could not be read: %s", type(error).__name__)
            tally.refused = ("the token budget could not be read; the rules ran as usual", True)
            return False
        if not reserved:
            self.metrics.count("tfreview_advisor_budget_exhausted_total")
            limit = self._budget.limit(self.tenant_id)
            tally.refused = (f"the daily token budget ({limit:,} tokens) is spent; the rules ran as usual", False)
            return False
        tally.reserved = tally.need
        return True

    def _charge(self, tally: _Tally, used: int) -> None:
        """After a call: what it used is settled against the review's hold (spent for good, not expiring with the
        hold); beyond the hold, counted on top."""
        if self._budget is None:
            return
        tally.reserved -= min(used, tally.reserved)
        try:
            self._budget.spend(self.tenant_id, used, day=tally.day, hold=tally.hold)
        except Exception as error:  # the answer is paid for: it is kept; the hold still counts it until it expires
            log.warning("advisor token budget: %d tokens used not settled: %s", used, type(error).__name__)

    def _failed(self, client: ModelClient, breaker: CircuitBreaker, error: ProviderError) -> None:
        """Tell the breaker, and the metrics: the failed call, and the breaker opening when it does."""
        key = breaker_key(client)
        was = breaker.state
        breaker.failure()
        outcome = "timeout" if error.kind == "timeout" else "error"
        self.metrics.count("tfreview_advisor_calls_total", provider=key, outcome=outcome)
        self.metrics.count("tfreview_upstream_requests_total", upstream="model", outcome=_upstream_outcome(error))
        if was == "closed" and breaker.state == "open":
            self.metrics.count("tfreview_advisor_breaker_opened_total", provider=key)
            self.metrics.set("tfreview_advisor_breaker_open", 1, provider=key)

    def _delay(self, attempt: int, retry_after: float | None) -> float | None:
        """Full jitter after the `attempt`-th request, on top of Retry-After; None: too long to wait."""
        s = self.settings
        jitter = self._rng.uniform(0.0, min(s.backoff_cap_seconds, s.backoff_base_seconds * 2 ** (attempt - 1)))
        if retry_after is None:
            return jitter
        if retry_after > s.max_retry_after_seconds:
            return None
        return max(0.0, retry_after) + jitter

    def _cost(self, client: ModelClient, tally: _Tally) -> float | None:
        prices = self.settings.prices
        price = prices.get(breaker_key(client)) or prices.get(client.model)
        if price is None:
            return None
        cost = tally.input_tokens * price.input_per_million + tally.output_tokens * price.output_per_million
        return round(cost / 1_000_000, 6)

    # --- the advice ---------------------------------------------------------------------------

    def _advice(
        self, context: AdviceContext, client: ModelClient, parsed: ParsedAdvice, usage: AdviceUsage, redactor: Redactor
    ) -> Advice:
        s = self.settings
        hosts = tuple(s.allowed_link_hosts)
        floor = BuiltinAdvisor().advise(context).risk  # the model may raise the risk, never lower it
        # the model's text is untrusted: it loses the change's secrets (echoed back) before it is made inert
        concerns = tuple(
            replace(c, message=sanitize(redactor.secrets(c.message), allowed_hosts=hosts, max_chars=_CONCERN_CHARS))
            for c in parsed.concerns
        )
        return Advice(
            summary=sanitize(redactor.secrets(parsed.summary), allowed_hosts=hosts, max_chars=s.max_text_chars),
            risk=max(parsed.risk, floor),
            concerns=concerns,
            source=f"{client.provider}/{usage.model or client.model}",
            is_llm=True,
            usage=usage,
        )

    def _fallback(self, context: AdviceContext, usage: AdviceUsage, reason: str, *, retry_later: bool) -> Advice:
        """The built-in reviewer's text, marked with why the model did not write it."""
        builtin = BuiltinAdvisor().advise(context)
        return Advice(
            summary=builtin.summary,
            risk=builtin.risk,
            concerns=builtin.concerns,
            source=builtin.source,
            is_llm=False,
            unavailable_reason=scrub_text(reason),
            usage=usage,
            retry_later=retry_later,
        )


def _allowed(review_deadline_seconds: float, context: AdviceContext) -> float:
    """The seconds a review may take: its deadline, bounded by the job's time left (a worker function's)."""
    if context.seconds is None:
        return review_deadline_seconds
    return max(0.0, min(review_deadline_seconds, context.seconds))


def _complete(client: ModelClient, built: BuiltPrompt, timeout: float) -> Completion:
    """`client.complete`; anything else than a ProviderError it raises (a parser meeting a hostile answer, a bug)
    is this model's failure, not the review's: the breaker hears of it and the next model is asked. Its text is
    not kept (an adapter's exception may quote the answer, or the request)."""
    try:
        return client.complete(built.prompt, timeout=timeout)
    except ProviderError:
        raise
    except Exception as error:
        log.warning("advisor model %s raised %s", breaker_key(client), type(error).__name__)
        raise ProviderError(client.provider, "other", type(error).__name__, retriable=False) from None


def _upstream_outcome(error: ProviderError) -> str:
    """The network view of a provider failure (tfreview_upstream_requests_total{upstream="model"})."""
    if error.kind == "timeout":
        return "timeout"
    if error.kind == "throttled":
        return "rate_limited"
    if error.status is None:
        return "connect_error" if error.kind == "unavailable" else "client_error"
    return "server_error" if error.status >= 500 else "client_error"


def _describe(error: ProviderError) -> str:
    """The error in our words: kind and status, never the upstream body (it may echo the prompt)."""
    status = f" (HTTP {error.status})" if error.status else ""
    return f"{error.kind}{status}"
