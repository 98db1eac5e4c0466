"""Issue 10's "AI provider failure" row, end to end, with level-1 actions that act (issue 10 remainder).

A running tfreview (uvicorn over `build_services`, SQLite) reviews uploaded plans with an OpenAI-compatible
model — a fake server on loopback that answers 500. Each tick of the manual clock uploads a plan over
HTTP and lets a worker run. Shown:

  - `ai-all-providers-down` fires, the `ai-provider-failure` incident opens, Slack (chat) receives it;
  - its `pause-ai` action is DONE: the shared control is in the database, and every process — this one
    and a second one on the same database — stops calling the model (the fake's request count stays);
  - (`open-breaker`, the `ai-provider-errors` row's action, is shown by the second test: while the AI is
    paused no call fails, so that row does not reach its `for` here);
  - unacknowledged, the incident escalates to level 2 (PagerDuty);
  - the provider comes back; with no failing call any more both alerts resolve, the incident resolves,
    the controls are lifted (timeline: `lifted`), and the next review calls the model and gets its advice;
  - the report lists the timeline with the actions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.fakes.llm_common import Behaviour, RecordedRequest
from tests.fakes.llm_openai import FakeOpenAI
from tests.ops.stack import ScenarioStack, scenario_stack
from tfreview.advisor.settings import AdvisorSettings, ProviderSettings
from tfreview.ops.controls import AI_BREAKER_OPEN, AI_PAUSED
from tfreview.ops.incidents import EventKind, IncidentStatus
from tfreview.ops.settings import WatchdogSettings
from tfreview.ports.records import ReviewStatus, Scope
from tfreview.wiring import build_services
from tfreview.worker.runner import Worker

PLAN = json.loads((Path(__file__).parents[1] / "worker" / "data" / "plan_with_findings.json").read_text())
TENANT = "github:77"


class FailingOpenAI(FakeOpenAI):
    """Answers 500 while `down`; the fake's own success otherwise."""

    down = True

    def default(self, request: RecordedRequest) -> Behaviour:
        return self.server_error(500) if self.down else super().default(request)


def ai_settings(model_url: str) -> dict[str, Any]:
    return {
        "advisor": AdvisorSettings(
            name="openai",
            providers=[ProviderSettings(provider="openai", model="gpt-4o-mini", base_url=f"{model_url}/v1")],
            max_attempts=1,
            call_timeout_seconds=5.0,
            breaker_failures=1000,  # the provider's own breaker stays closed: the incident's action opens it
            rerun_delay_seconds=3600.0,
        ),
        "watchdog": WatchdogSettings(
            interval_seconds=30.0,
            keep_firing_seconds=60,
            lease_seconds=60,
            controls_cache_seconds=0.0,
            # while paused, `reviews-without-ai` is held off (docs/adr/0205-paused-ai-is-no-incident.md): the
            # incident resolves once the all-down window is clear, and its resolution lifts the pause
            action_hold_minutes=30,
        ),
    }


class Reviews:
    """Upload a distinct plan over HTTP and run the worker until the queue is empty; the review's id."""

    def __init__(self, stack: ScenarioStack) -> None:
        self.stack = stack
        _, secret = stack.services.tokens.create(TENANT, Scope.WRITE, "scenario", None)
        self.headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
        self.count = 0
        self.worker = Worker(stack.services, "scenario-worker")

    def __call__(self) -> str:
        self.count += 1
        body = json.dumps({**PLAN, "timestamp": f"2026-12-03T00:00:{self.count % 60:02d}Z", "n": self.count})
        answer = self.stack.http.post("/api/v1/plans", content=body, headers=self.headers)
        assert answer.status_code in (200, 202), answer.text
        while self.worker.run_once() is not None:
            pass
        return str(answer.json()["review"])


def assert_suppressed_then_lifted(stack: ScenarioStack, incident_id: int) -> None:
    events = stack.ops.incidents.events(incident_id)
    notes = [e.detail for e in events if e.kind is EventKind.NOTE]
    assert any(n.get("alert") == "reviews-without-ai" and "AI paused" in n["suppressed"] for n in notes), notes
    actions = [e.detail for e in events if e.kind is EventKind.ACTION]
    assert {d["state"] for d in actions} == {"done", "lifted"}


def test_ai_provider_failure_pauses_every_process_then_recovers(tmp_path: Path) -> None:
    with FailingOpenAI() as model, scenario_stack(tmp_path, **ai_settings(model.url)) as stack:
        review = Reviews(stack)
        stack.run(60)  # a healthy baseline (no review yet)

        # the provider fails: the all-down alert fires at once (for 0), the incident opens, chat receives it
        stack.run_until(lambda: stack.incident("ai-provider-failure"), 300, during=review)
        incident = stack.incident("ai-provider-failure")
        assert incident is not None
        assert incident.alert_id == "ai-all-providers-down"
        assert any("ai-all-providers-down" in json.dumps(m) for m in stack.fakes.slack.messages())
        action = next(e for e in stack.ops.incidents.events(incident.id) if e.kind is EventKind.ACTION)
        assert action.detail["action"] == "pause-ai"
        assert action.detail["state"] == "done", action.detail
        assert AI_PAUSED in action.detail["note"]

        # the pause reaches every process: this one, and a second one wired on the same database
        calls = model.request_count
        paused = stack.services.reviews.get(review())
        assert paused is not None
        assert paused.status is ReviewStatus.COMPLETED_WITHOUT_AI
        assert model.request_count == calls  # no model call while paused
        other = build_services(stack.settings, clock=stack.clock)
        try:
            assert other.ops is not None
            assert other.ops.controls is not None
            held = {c.name: c for c in other.ops.controls.controls.current()}
            assert held[AI_PAUSED].incident_id == incident.id
            report = other.reviews.get(paused.id)
            assert report is not None
            assert "paused" in json.dumps(report.report)
        finally:
            other.close()

        # unacknowledged past its response time: level 2, paged
        stack.run_until(lambda: EventKind.ESCALATED in stack.kinds(incident.id), 16 * 60, during=review)
        assert any(e.get("event_action") == "trigger" for e in stack.fakes.pagerduty.events())

        # the provider comes back; the all-down window clears (no call while paused), the incident resolves
        model.down = False
        stack.run_until(lambda: not (stack.ops.incidents.get(incident.id) or incident).active, 3 * 3600, during=review)
        resolved = stack.ops.incidents.get(incident.id)
        assert resolved is not None
        assert resolved.status is IncidentStatus.RESOLVED
        assert resolved.resolved_by == "watchdog"
        assert stack.ops.controls is not None
        assert stack.ops.controls.controls.current() == []
        # the reviews completed without AI during the pause did not keep it open: the alert was held off and
        # the timeline says so; the resolution lifted the pause
        assert_suppressed_then_lifted(stack, incident.id)

        calls = model.request_count
        answered = stack.services.reviews.get(review())
        assert answered is not None
        assert answered.status is ReviewStatus.COMPLETED
        assert model.request_count > calls

        text = stack.report(incident.id)
        assert "pause-ai" in text
        assert "## Timeline (UTC)" in text


def test_open_breaker_action_holds_every_breaker_and_the_review_is_retried_later(tmp_path: Path) -> None:
    """`open-breaker` alone (the provider-errors alert's action): no model call, `retry_later`, and no
    all-down count (the held breaker is the response to a known outage, not a new one)."""
    with FailingOpenAI() as model, scenario_stack(tmp_path, **ai_settings(model.url)) as stack:
        model.down = False
        review = Reviews(stack)
        assert stack.services.reviews.get(review()).status is ReviewStatus.COMPLETED  # type: ignore[union-attr]
        assert stack.ops.controls is not None
        rule = next(r for r in stack.ops.watchdog.table if r.id == "ai-provider-errors")  # type: ignore[union-attr]
        opened, _ = stack.ops.incidents.open(_new(rule), {"alert": rule.id})
        state, note = stack.ops.watchdog.actions.run("open-breaker", rule, opened)  # type: ignore[union-attr]
        assert state == "done"
        assert AI_BREAKER_OPEN in note
        calls = model.request_count
        held = stack.services.reviews.get(review())
        assert held is not None
        assert held.status is ReviewStatus.COMPLETED_WITHOUT_AI
        assert "circuit held open" in json.dumps(held.report)
        assert model.request_count == calls
        text = stack.services.exposition().decode() if stack.services.exposition else ""
        assert 'outcome="refused"' in text
        assert "tfreview_advisor_all_down_total 0.0" in text  # the held breaker is no new outage
        assert stack.ops.lift_actions(opened.id) == [AI_BREAKER_OPEN]
        assert stack.services.reviews.get(review()).status is ReviewStatus.COMPLETED  # type: ignore[union-attr]


def _new(rule: Any) -> Any:
    from tfreview.ops.incidents import NewIncident

    return NewIncident(
        group_key=rule.scenario,
        alert_id=rule.id,
        scenario=rule.scenario,
        severity=rule.severity,
        summary=rule.summary,
        level=rule.level,
        response_minutes=rule.response_minutes,
        channels=tuple(rule.channels),
        action=rule.action,
    )
