"""`tfreview drill SCENARIO` end to end against real `tfreview serve` processes (issue 11, failure rehearsed):
the drill injects through the product's own seams, the service's watchdog fires the alert and opens the
incident, the notifier fakes receive it, recovery resolves it, and the drill writes its report.

Durations are the alert table's on a compressed clock (`watchdog.time_scale`); no assertion is made on how
fast anything went: the tests check that what the report says agrees with its own figures and exit code.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.notify import FakePagerDuty, FakeSlack
from tests.fakes.oidc import FakeOidcIssuer
from tests.integration.served import child_env, serving
from tfreview.cli import main
from tfreview.ops.samples import parse_exposition

pytestmark = pytest.mark.slow  # a real service, and the alert's window on a 1/20 clock: about a minute each


@pytest.fixture
def pagerduty() -> Iterator[FakePagerDuty]:
    with FakePagerDuty() as fake:
        yield fake


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


def read_report(markdown: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(markdown.with_suffix(".json").read_text(encoding="utf-8"))
    assert markdown.read_text(encoding="utf-8").startswith(f"# Drill `{document['scenario']}`")
    return document


def consistent(document: dict[str, Any], code: int) -> None:
    """The verdict, the exit code and the figures say the same thing: detect and recover (recovery → the
    failure signal stopped) against the target, the resolution against its mechanics (ADR 0528)."""
    resolution = document["resolution"]
    assert document["detect_seconds"] is not None
    assert document["alert_fired_seconds"] is not None  # the drilled row itself fired, not only its group
    assert document["recover_seconds"] is not None
    assert resolution["resolve_seconds"] is not None
    assert resolution["due_seconds"] is not None
    assert resolution["signal_reads"] > 2
    target = document["response_target_seconds"]
    within = document["detect_seconds_table_clock"] <= target and document["recover_seconds_table_clock"] <= target
    in_time = resolution["resolve_seconds"] <= resolution["due_seconds"]
    assert document["within_target"] is within
    assert resolution["in_time"] is in_time
    assert resolution["due_seconds"] == pytest.approx(
        resolution["last_failure_seconds"] + resolution["window_seconds"] + resolution["keep_firing_seconds"]
        + resolution["slack_seconds"]
    )  # fmt: skip
    # a late resolution is the one problem a finished rehearsal may report, and it is reported
    assert document["problems"] == ([] if in_time else [p for p in document["problems"] if "later than" in p])
    assert document["passed"] is (within and in_time)
    assert code == (0 if within and in_time else 1)


def test_signature_flood_against_a_running_service_through_the_api(
    tmp_path: Path,
    pagerduty: FakePagerDuty,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with FakeOidcIssuer() as issuer:
        env = child_env(
            TFREVIEW_AUTH__OIDC_ISSUER=issuer.issuer,
            TFREVIEW_AUTH__OIDC_JWKS_URL=issuer.jwks_url,
            TFREVIEW_AUTH__OIDC_AUDIENCE=issuer.audience,
            TFREVIEW_AUTH__TENANT_CLAIM=issuer.tenant_claim,
            TFREVIEW_WATCHDOG__INTERVAL_SECONDS="1",
            TFREVIEW_WATCHDOG__TIME_SCALE="0.05",
            TFREVIEW_WATCHDOG__KEEP_FIRING_SECONDS="3",
            TFREVIEW_WATCHDOG__LEASE_SECONDS="10",
            TFREVIEW_DOOR__ALLOW_LIST='["127.0.0.1/32"]',
            TFREVIEW_METRICS__TOKEN="drill-test-metrics-token",
            TFREVIEW_NOTIFY__PAGERDUTY__ROUTING_KEY=pagerduty.routing_key,
            TFREVIEW_NOTIFY__PAGERDUTY__EVENTS_URL=pagerduty.events_url,
            TFREVIEW_NOTIFY__ATTEMPTS="2",
            TFREVIEW_NOTIFY__BACKOFF_BASE_SECONDS="0.05",
        )
        with serving(tmp_path / "data", "--no-worker", env=env) as served:
            report = tmp_path / "reports" / "flood.md"
            # no operator token: refused with one line, nothing injected
            monkeypatch.delenv("TFREVIEW_DRILL_TOKEN", raising=False)
            assert main(["drill", "signature-flood", "--url", served.url, "--report", str(report)]) == 2
            assert "TFREVIEW_DRILL_TOKEN" in capsys.readouterr().err
            # a tenant's admin is no operator: 403 from the incidents API, exit 2, still nothing injected
            monkeypatch.setenv("TFREVIEW_METRICS__TOKEN", "drill-test-metrics-token")
            monkeypatch.setenv("TFREVIEW_DRILL_TOKEN", issuer.mint({"scope": "admin", issuer.tenant_claim: "github:7"}))
            assert main(["drill", "signature-flood", "--url", served.url, "--report", str(report)]) == 2
            assert "operator token" in capsys.readouterr().err
            assert not report.exists()

            monkeypatch.setenv(
                "TFREVIEW_DRILL_TOKEN",
                issuer.mint({"scope": "admin", "sub": "drill-operator", issuer.tenant_claim: None}),
            )
            # no metrics token: the failure signal cannot be read — refused before any injection
            monkeypatch.delenv("TFREVIEW_METRICS__TOKEN", raising=False)
            assert main(["drill", "signature-flood", "--url", served.url, "--report", str(report)]) == 2
            assert "TFREVIEW_METRICS__TOKEN" in capsys.readouterr().err
            # a wrong one: /metrics answers 401, exit 2, still nothing injected
            monkeypatch.setenv("TFREVIEW_METRICS__TOKEN", "not-the-metrics-token")
            assert main(["drill", "signature-flood", "--url", served.url, "--report", str(report)]) == 2
            assert "/metrics answered 401" in capsys.readouterr().err
            assert not report.exists()
            scraped = httpx.get(
                f"{served.url}/metrics", headers={"Authorization": "Bearer drill-test-metrics-token"}, timeout=10
            )
            refused = [
                s for s in parse_exposition(scraped.text) if s.name == "tfreview_webhook_signature_failures_total"
            ]
            assert sum(s.value for s in refused) == 0  # not one forged delivery was sent
            monkeypatch.setenv("TFREVIEW_METRICS__TOKEN", "drill-test-metrics-token")
            # the service's watchdog timing, which the drill's due moment counts with (ADR 0529)
            monkeypatch.setenv("TFREVIEW_WATCHDOG__INTERVAL_SECONDS", "1")
            monkeypatch.setenv("TFREVIEW_WATCHDOG__KEEP_FIRING_SECONDS", "3")
            code = main(
                ["drill", "signature-flood", "--url", served.url, "--scale", "0.05", "--timeout", "120",
                 "--report", str(report)]
            )  # fmt: skip
            out, err = capsys.readouterr()
            assert "drill signature-flood" in out, (out, err, served.log()[-3000:])
            assert report.exists(), (out, err)
            document = read_report(report)
            consistent(document, code)
            written = report.read_text(encoding="utf-8") + report.with_suffix(".json").read_text(encoding="utf-8")
            for secret in ("drill-test-metrics-token", os.environ["TFREVIEW_DRILL_TOKEN"]):
                assert secret not in out + err + written + served.log()  # the drill's tokens are never shown
            assert document["mode"] == "url"
            assert document["resolution"]["keep_firing_seconds"] == 3
            assert document["incident"]["alert"] == "signature-failure-spike"
            assert document["incident"]["status"] == "resolved"
            kinds = [event["kind"] for event in document["timeline"]]
            assert kinds[0] == "opened"
            assert {"snapshot", "action", "alert-resolved", "resolved"} <= set(kinds)
            assert document["injection"]["answers"]["bad signature 401"] > 20
            # the page went out and was closed by the same dedup key
            notified = [e["detail"] for e in document["notifications"] if e["kind"] == "notified"]
            assert {(n["notifier"], n["event"]) for n in notified} >= {("pagerduty", "trigger")}
            actions = [(e["event_action"], e["dedup_key"]) for e in pagerduty.events()]
            assert [a for a, _ in actions][:1] == ["trigger"]
            assert "resolve" in [a for a, _ in actions]
            assert len({key for _, key in actions}) == 1
            # the service is left running and healthy
            assert served.process.poll() is None
            assert httpx.get(f"{served.url}/readyz", timeout=10).status_code == 200


def test_silence_in_an_embedded_service_with_notifications(
    tmp_path: Path, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [k for k in os.environ if k.startswith("TFREVIEW_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("TFREVIEW_NOTIFY__SLACK__WEBHOOK_URL", slack.webhook_url)
    monkeypatch.setenv("TFREVIEW_NOTIFY__ATTEMPTS", "2")
    report = tmp_path / "silence.md"
    code = main(["drill", "silence", "--embedded", "--notify", "--timeout", "180", "--report", str(report)])
    out, err = capsys.readouterr()
    assert "drill silence" in out, (out, err)
    assert report.exists(), (out, err)
    document = read_report(report)
    consistent(document, code)
    assert document["mode"] == "embedded"
    assert document["time_scale"] == 0.0025
    assert document["incident"]["alert"] == "webhook-silence-github"
    assert document["injection"]["answers"] == {
        "signed ping before the silence 200": 1,
        "signed ping ending the silence 200": 1,
    }
    texts = [m["text"] for m in slack.messages()]
    assert len(texts) == 2, texts  # the trigger and the all-clear, once each
    assert "[FIRING]" in texts[0]
    assert "No signed GitHub delivery" in texts[0]
    assert "RESOLVED" in texts[1].upper()
    assert [e["detail"]["notifier"] for e in document["notifications"]] == ["slack", "slack"]
    assert "| time to detect |" in report.read_text(encoding="utf-8")


def test_jwks_down_in_an_embedded_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [k for k in os.environ if k.startswith("TFREVIEW_")]:
        monkeypatch.delenv(name)
    report = tmp_path / "jwks.md"
    code = main(["drill", "jwks-down", "--embedded", "--timeout", "180", "--report", str(report)])
    out, err = capsys.readouterr()
    assert report.exists(), (out, err)
    document = read_report(report)
    consistent(document, code)
    assert document["time_scale"] == 0.05  # no --scale: the scenario's own
    assert document["incident"]["alert"] == "jwks-refresh-failing"
    answers = document["injection"]["answers"]
    # valid tokens signed with the rotated key: refused while the issuer is down, accepted once it is back
    assert answers["token signed with the new key while the issuer is down 401"] >= 3
    assert answers["token signed with the new key after the issuer is back 200"] == 20


def test_provider_down_in_an_embedded_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [k for k in os.environ if k.startswith("TFREVIEW_")]:
        monkeypatch.delenv(name)
    report = tmp_path / "provider.md"
    # the alert's 15-minute window on a 1/50 clock (18 s) rather than the scenario's 1/20 (45 s): its 15-minute
    # response target is still 18 s of real time, several watchdog intervals (1 s)
    code = main(
        ["drill", "provider-down", "--embedded", "--scale", "0.02", "--timeout", "240", "--report", str(report)]
    )
    out, err = capsys.readouterr()
    assert report.exists(), (out, err)
    document = read_report(report)
    consistent(document, code)
    assert document["time_scale"] == 0.02
    assert document["incident"]["alert"] == "ai-all-providers-down"
    timeline = document["timeline"]
    actions = [(e["detail"]["action"], e["detail"]["state"]) for e in timeline if e["kind"] == "action"]
    assert ("pause-ai", "done") in actions
    assert ("pause-ai", "lifted") in actions  # the resolution lifted the pause (ADR 0205)
    notes = [e["detail"] for e in timeline if e["kind"] == "note"]
    assert any(n.get("alert") == "reviews-without-ai" for n in notes)


def test_drill_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TFREVIEW_GITHUB__WEBHOOK_SECRETS", raising=False)
    monkeypatch.setenv("TFREVIEW_DRILL_TOKEN", "anything")
    monkeypatch.delenv("TFREVIEW_METRICS__TOKEN", raising=False)
    url = "http://127.0.0.1:9"
    assert main(["drill", "signature-flood", "--url", url, "--data-dir", str(tmp_path)]) == 2
    assert "set TFREVIEW_METRICS__TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("TFREVIEW_METRICS__TOKEN", "anything")
    assert main(["drill", "silence", "--url", url, "--data-dir", str(tmp_path)]) == 2
    assert "TFREVIEW_GITHUB__WEBHOOK_SECRETS" in capsys.readouterr().err
    assert main(["drill", "signature-flood", "--url", url, "--notify"]) == 2
    assert main(["drill", "jwks-down", "--url", url]) == 2
    assert main(["drill", "provider-down", "--url", url]) == 2
    assert "runs --embedded only" in capsys.readouterr().err
    assert main(["drill", "signature-flood", "--embedded", "--scale", "2"]) == 2
    assert "--scale must be in (0, 1]" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["drill", "signature-flood"])
    assert usage.value.code == 2
