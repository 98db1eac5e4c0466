"""The durable notification outbox: a `serve` process SIGKILLed after its alert fired but before PagerDuty
answered loses no page — restarted, it sends the trigger again with the same dedup key, and PagerDuty ends
up with exactly one alert (the duplicate request is counted, and harmless)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import uuid
from pathlib import Path

import httpx
import pytest

from tests.fakes.llm_common import Hang
from tests.fakes.notify import FakePagerDuty
from tests.integration.live import wait_for
from tests.integration.served import child_env, serving

pytestmark = pytest.mark.slow  # two real `serve` processes, one SIGKILLed


def flood(url: str, count: int) -> None:
    body = b'{"zen": "outbox test"}'
    with httpx.Client(base_url=url, timeout=30) as http:
        for _ in range(count):
            headers = {
                "Content-Type": "application/json",
                "X-GitHub-Event": "ping",
                "X-GitHub-Delivery": str(uuid.uuid4()),
                "X-Hub-Signature-256": "sha256=" + hashlib.sha256(b"wrong").hexdigest(),
            }
            assert http.post("/webhooks/github", content=body, headers=headers).status_code == 401


def outbox_rows(database: Path) -> list[tuple[str, str | None]]:
    with sqlite3.connect(database) as connection:
        return [(str(e), d) for e, d in connection.execute("SELECT event, done_at FROM notify_outbox ORDER BY id")]


def test_a_page_survives_a_sigkill_between_fire_and_send(tmp_path: Path) -> None:
    with FakePagerDuty() as pagerduty:
        pagerduty.script(Hang())  # the first send never gets an answer: the process dies while it waits
        env = child_env(
            TFREVIEW_WATCHDOG__INTERVAL_SECONDS="1",
            TFREVIEW_WATCHDOG__TIME_SCALE="0.05",
            TFREVIEW_WATCHDOG__LEASE_SECONDS="5",
            TFREVIEW_DOOR__ALLOW_LIST='["127.0.0.1/32"]',
            TFREVIEW_NOTIFY__PAGERDUTY__ROUTING_KEY=pagerduty.routing_key,
            TFREVIEW_NOTIFY__PAGERDUTY__EVENTS_URL=pagerduty.events_url,
            TFREVIEW_NOTIFY__TIMEOUT_SECONDS="120",
            TFREVIEW_NOTIFY__ATTEMPTS="1",
        )
        data = tmp_path / "data"
        with serving(data, "--no-worker", env=env) as first:
            flood(first.url, 25)  # signature-failure-spike: more than 20 in its window, a page
            wait_for(lambda: pagerduty.request_count >= 1, "the trigger to reach PagerDuty", timeout=120)
            os.kill(first.process.pid, signal.SIGKILL)
            first.process.wait(30)
        database = data / "tfreview.db"
        assert outbox_rows(database) == [("trigger", None)]  # written with the incident, not sent
        assert pagerduty.alerts == {}  # PagerDuty never answered: nobody was paged

        with serving(data, "--no-worker", env=env) as second:
            wait_for(lambda: pagerduty.alerts, "the trigger to be sent again", timeout=120)
            wait_for(lambda: all(done for _, done in outbox_rows(database)), "the outbox to drain", timeout=60)
            assert second.process.poll() is None

        triggers = [e for e in pagerduty.events() if e["event_action"] == "trigger"]
        assert len(triggers) == 2  # the one the killed process was waiting on, and the resend
        assert len({e["dedup_key"] for e in triggers}) == 1  # the same dedup key: one alert at PagerDuty
        assert list(pagerduty.alerts.values()) == ["triggered"]
        with sqlite3.connect(database) as connection:
            notified = [
                json.loads(d)
                for (d,) in connection.execute("SELECT detail FROM incident_events WHERE kind = 'notified'")
            ]
        assert [(n["notifier"], n["event"]) for n in notified] == [("pagerduty", "trigger")]
