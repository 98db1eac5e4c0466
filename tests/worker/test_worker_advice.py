"""The worker adds the advisor's review: builtin by default; every model down → completed_without_ai, rules intact."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from threading import Event

from tfreview.advisor.chain import LlmAdvisor
from tfreview.advisor.model import Completion, Prompt, ProviderError
from tfreview.advisor.settings import AdvisorSettings
from tfreview.plumbing.clock import utcnow
from tfreview.ports.jobs import NewJob
from tfreview.ports.records import Delivery, ReviewStatus, SourceInfo
from tfreview.ports.review_codec import report_document
from tfreview.publish.recording import RecordingPublisher
from tfreview.wiring import build_memory_services
from tfreview.worker.runner import Worker

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo" / "plan.json"


class _DownModel:
    provider = "openai"
    model = "down-1"

    def complete(self, prompt: Prompt, *, timeout: float) -> Completion:
        raise ProviderError("openai", "unavailable", "503 from upstream", retriable=False, status=503)

    def reload_credentials(self) -> bool:
        return False


def _submit(services: object) -> str:
    from tfreview.service.container import Services

    assert isinstance(services, Services)
    data = DEMO.read_bytes()
    plan_id = services.plans.put("api:t1", data, "plan_json", {})
    delivery = Delivery("api", "upload-1", "plan_upload", "api:t1", "x", utcnow())
    job = NewJob("review", "api:t1", "review:upload-1", {"plan_id": plan_id, "review_id": "r-1"})
    services.intake.accept(delivery, data, job, review=("r-1", SourceInfo(kind="api")))
    return "r-1"


def _run_until_idle(worker: Worker) -> None:
    while worker.run_once() is not None:
        pass


def test_builtin_advice_is_stored_with_the_review() -> None:
    services = build_memory_services(publisher=RecordingPublisher())
    review_id = _submit(services)
    _run_until_idle(Worker(services, "w1", stop_event=Event()))
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.COMPLETED
    assert stored.report is not None
    assert report_document(stored.report)["advice"]["source"] == "builtin"
    assert "not a language model" in json.dumps(report_document(stored.report)["advice"])


def test_all_models_down_completes_without_ai_and_keeps_every_finding() -> None:
    services = build_memory_services(publisher=RecordingPublisher())
    baseline = build_memory_services(publisher=RecordingPublisher())
    services = replace(
        services, advisor=LlmAdvisor([_DownModel()], AdvisorSettings(name="openai"), sleep=lambda _: None)
    )
    review_id = _submit(services)
    _submit(baseline)
    _run_until_idle(Worker(services, "w1", stop_event=Event()))
    _run_until_idle(Worker(baseline, "w2", stop_event=Event()))
    degraded, normal = services.reviews.get(review_id), baseline.reviews.get(review_id)
    assert degraded is not None
    assert normal is not None
    assert degraded.status is ReviewStatus.COMPLETED_WITHOUT_AI
    assert degraded.verdict == normal.verdict
    assert degraded.report is not None
    assert normal.report is not None
    assert report_document(degraded.report)["findings"] == report_document(normal.report)["findings"]
    assert "AI review unavailable" in str(report_document(degraded.report)["advice"]["unavailable_reason"])
    rerun = services.queue.list(state="queued").items
    assert any("ai-rerun" in job.idempotency_key for job in rerun)


class _AnsweringModel:
    provider = "openai"
    model = "gpt-test"

    def complete(self, prompt: Prompt, *, timeout: float) -> Completion:
        answer = {"summary": "APPROVED. Looks fine to me.", "risk": "low", "concerns": []}
        return Completion(json.dumps(answer), self.model, 1_200, 80)

    def reload_credentials(self) -> bool:
        return False


def test_the_report_and_the_api_carry_what_the_ai_review_cost() -> None:
    """Issue 9, item 24: usage and cost were recorded nowhere a user could read them."""
    from tfreview.advisor.settings import Price
    from tfreview.render.json_report import json_schema

    services = build_memory_services(publisher=RecordingPublisher())
    prices = {"openai/gpt-test": Price(input_per_million=2.5, output_per_million=10.0)}
    services = replace(services, advisor=LlmAdvisor([_AnsweringModel()], AdvisorSettings(name="openai", prices=prices)))
    review_id = _submit(services)
    _run_until_idle(Worker(services, "w1", stop_event=Event()))
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.report is not None
    usage = report_document(stored.report)["advice"]["usage"]
    assert (usage["provider"], usage["model"]) == ("openai", "gpt-test")
    assert (usage["input_tokens"], usage["output_tokens"]) == (1_200, 80)
    assert usage["estimated_cost_usd"] == 1_200 * 2.5 / 1e6 + 80 * 10.0 / 1e6
    from jsonschema import Draft202012Validator

    Draft202012Validator(json_schema()).validate(report_document(stored.report))


def test_the_ai_rerun_delay_is_a_setting() -> None:
    """Issue 9, item 24: the 5-minute delay before the AI part is tried again was a hidden constant."""
    from datetime import timedelta

    from tfreview.settings import Settings

    settings = Settings(advisor=AdvisorSettings(rerun_delay_seconds=42))
    services = build_memory_services(settings, publisher=RecordingPublisher())
    services = replace(
        services, advisor=LlmAdvisor([_DownModel()], AdvisorSettings(name="openai"), sleep=lambda _: None)
    )
    before = utcnow()
    _submit(services)
    _run_until_idle(Worker(services, "w1", stop_event=Event()))
    (rerun,) = [job for job in services.queue.list(state="queued").items if "ai-rerun" in job.idempotency_key]
    # at least the delay, spread over half as much again (L2: reruns of one outage do not come back together)
    assert before + timedelta(seconds=42) <= rerun.run_after <= utcnow() + timedelta(seconds=63)


def test_l2_the_ai_reruns_of_reviews_failed_together_are_spread() -> None:
    """Session 17 (r17-llm): reviews that an outage (an open breaker refuses at once) failed within the same instant
    were re-run all at the same instant, `rerun_delay_seconds` later — and again together at twice and three times
    the delay: the provider met them as one burst each time. Now each re-run waits its delay and up to half again."""
    from collections import Counter

    from tfreview.settings import Settings

    settings = Settings(advisor=AdvisorSettings(rerun_delay_seconds=300))
    services = build_memory_services(settings, publisher=RecordingPublisher())
    services = replace(
        services, advisor=LlmAdvisor([_DownModel()], AdvisorSettings(name="openai"), sleep=lambda _: None)
    )
    data = DEMO.read_bytes()
    for n in range(30):
        plan_id = services.plans.put("api:t1", data + b" " * n, "plan_json", {})
        delivery = Delivery("api", f"upload-{n}", "plan_upload", "api:t1", "x", utcnow())
        job = NewJob("review", "api:t1", f"review:upload-{n}", {"plan_id": plan_id, "review_id": f"r-{n}"})
        services.intake.accept(delivery, data + b" " * n, job, review=(f"r-{n}", SourceInfo(kind="api")))
    _run_until_idle(Worker(services, "w1", stop_event=Event()))

    reruns = [job.run_after for job in services.queue.list(state="queued").items if "ai-rerun" in job.idempotency_key]
    assert len(reruns) == 30
    buckets = Counter(int(when.timestamp() * 10) for when in reruns)  # 100 ms buckets
    assert max(buckets.values()) <= 0.2 * len(reruns)


class _HungModel:
    """A model that hangs: every call takes the whole time it is given (recorded, not waited: it fails at once as a
    timeout, as a hang would when that time is up)."""

    provider = "bedrock"
    model = "hung-1"

    def __init__(self) -> None:
        self.timeouts: list[float] = []

    def complete(self, prompt: Prompt, *, timeout: float) -> Completion:
        self.timeouts.append(timeout)
        raise ProviderError("bedrock", "timeout", f"ReadTimeoutError within {timeout:g} s", retriable=True)

    def reload_credentials(self) -> bool:
        return False


def test_l7_the_ai_part_never_outlasts_the_jobs_time_and_the_review_completes_without_it() -> None:
    """The AWS worker function runs a job in what is left of a 120 s invocation; the advisor's own deadline is 180 s
    of 60 s calls. A model that hangs then held the job past its time: the attempt was abandoned (timed out,
    counted), retried, and after the last attempt the review failed — the rules' result never posted. The AI part
    now asks no call longer than the job has left, less a reserve to store and publish the review."""
    model = _HungModel()
    services = build_memory_services(publisher=RecordingPublisher())
    advisor = LlmAdvisor([model], AdvisorSettings(name="bedrock"), sleep=lambda _: None)
    services = replace(services, advisor=advisor)
    review_id = _submit(services)
    worker = Worker(services, "w1", stop_event=Event(), job_timeout_seconds=40.0)

    _run_until_idle(worker)

    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.COMPLETED_WITHOUT_AI
    assert model.timeouts  # the model was asked, within the job's time
    assert max(model.timeouts) <= 40.0 - 5.0
