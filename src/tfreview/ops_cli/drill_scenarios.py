"""The rehearsals of `tfreview drill SCENARIO`: for each, the alert it must fire, how the failure is injected
into the running service and how it is taken away again.

Every injection goes through a seam the product supports — real requests to the service's own endpoints,
or a lock held by the drill process on the service's SQLite file — and stops when the drill's `stop`
event is set (recovery, the drill's timeout, Ctrl-C): nothing is left behind in the service.

    signature-flood  webhooks with a wrong X-Hub-Signature-256, a few per second   → signature-failure-spike
    silence          one signed ping, then nothing (needs the GitHub webhook secret) → webhook-silence-github
    db-locked        the drill holds SQLite's write lock in pulses while signed
                     deliveries arrive (needs the secret and the database file)      → db-locked
    provider-down    the only model the embedded service uses (the drill's own) answers
                     500 while plans are uploaded for review (embedded only)         → ai-all-providers-down
    jwks-down        the issuer the embedded service trusts (the drill's own) rotates
                     its key and answers 503 while tokens signed with the new key
                     arrive (embedded only)                                          → jwks-refresh-failing
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tfreview.ops.alert_table import AlertRule
from tfreview.ops_cli.drill_issuer import DrillIssuer
from tfreview.ops_cli.drill_model import DrillModel

FLOOD_PAUSE_SECONDS = 0.2  # five refused deliveries a second: enough for any row, never a flood of its own
# longer than twice the busy_timeout floor (5 s): the intake writer's batch of deliveries waits 5 s and fails as
# "locked", the next one too — two `tfreview_db_errors_total{kind="locked"}` a pulse, about 0.17 a second.
# `db-locked` needs more than 10 in its 300 s window: that is reached from a scale of 0.2 (60 s); 8 s pulses (one
# failure each, 0.11 a second) at 0.05 never fired `db-locked` itself, only `intake-db-errors` (ADR 0528)
LOCK_HOLD_SECONDS = 10.5
LOCK_GAP_SECONDS = 1.0  # the lock is let go this long between pulses: the watchdog can record the incident
RECOVERY_TOKENS = 20  # valid tokens after recovery: accepted ones bring the rejection ratio back down


@dataclass
class DrillTarget:
    """The running service a drill rehearses on."""

    url: str
    http: httpx.Client
    github_secret: str | None = None  # signs deliveries (silence, db-locked)
    sqlite_path: Path | None = None  # the service's database file (db-locked)
    issuer: DrillIssuer | None = None  # the identity provider the embedded service trusts (jwks-down)
    model: DrillModel | None = None  # the model the embedded service asks (provider-down)
    api_token: str | None = None  # a write token of the drill's tenant (provider-down uploads plans)


@dataclass
class InjectionLog:
    """What the injection did: answers by status, and notes for the report."""

    answers: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def answered(self, what: str, response: httpx.Response | None) -> None:
        self.answers[f"{what} {response.status_code if response is not None else 'no answer'}"] += 1


Injection = Callable[[DrillTarget, threading.Event, InjectionLog], None]
Recovery = Callable[[DrillTarget, InjectionLog], None]


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    alert_id: str
    description: str
    inject: Injection  # runs in its own thread until `stop` is set
    recover: Recovery
    embedded_scale: float  # the time scale of an embedded rehearsal (the row's longest duration ≈ a minute)
    needs_secret: bool = False
    needs_sqlite: bool = False
    embedded_only: bool = False  # no supported seam reaches it on a service the drill did not start

    def onset_seconds(self, rule: AlertRule) -> float:
        """Seconds after the injection starts at which the failure exists by the row's own definition: 0, but
        for silence the silence must first last the row's threshold (six hours, scaled)."""
        return rule.condition.threshold if rule.condition.kind == "age" else 0.0


def signed_delivery(target: DrillTarget, event: str, body: bytes) -> httpx.Response | None:
    secret = target.github_secret or ""
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return _post_github(target, event, body, signature)


def _post_github(target: DrillTarget, event: str, body: bytes, signature: str) -> httpx.Response | None:
    headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": f"drill-{uuid.uuid4()}",
        "X-Hub-Signature-256": signature,
        "User-Agent": "tfreview-drill",
    }
    try:
        return target.http.post("/webhooks/github", content=body, headers=headers)
    except httpx.HTTPError:
        return None


# --- signature-flood -------------------------------------------------------------------------------


def _flood(target: DrillTarget, stop: threading.Event, log: InjectionLog) -> None:
    body = b'{"zen": "tfreview drill: signature flood"}'
    while not stop.is_set():
        answer = _post_github(target, "ping", body, "sha256=" + "0" * 64)
        log.answered("bad signature", answer)
        if answer is not None and answer.status_code == 403 and not log.notes:
            log.notes.append("the door blocked the drill's address (the row's block-source action, or its limits)")
        stop.wait(FLOOD_PAUSE_SECONDS)


def _nothing(target: DrillTarget, log: InjectionLog) -> None:
    log.notes.append("recovery: the bad deliveries stopped")


# --- silence ---------------------------------------------------------------------------------------


def _ping(target: DrillTarget, log: InjectionLog, what: str) -> None:
    log.answered(what, signed_delivery(target, "ping", b'{"zen": "tfreview drill: silence"}'))


def _silence(target: DrillTarget, stop: threading.Event, log: InjectionLog) -> None:
    _ping(target, log, "signed ping before the silence")
    stop.wait()


def _end_silence(target: DrillTarget, log: InjectionLog) -> None:
    _ping(target, log, "signed ping ending the silence")


# --- db-locked -------------------------------------------------------------------------------------


def _installation_event() -> bytes:
    return b'{"action": "created", "installation": {"id": 990000001, "account": {"login": "tfreview-drill"}}}'


def _locked(target: DrillTarget, stop: threading.Event, log: InjectionLog) -> None:
    assert target.sqlite_path is not None
    writers = [
        threading.Thread(target=_write_while, args=(target, stop, log), name=f"drill-writer-{n}", daemon=True)
        for n in range(4)
    ]
    for writer in writers:
        writer.start()
    holder = sqlite3.connect(str(target.sqlite_path), timeout=30, isolation_level=None, check_same_thread=False)
    pulses = 0
    try:
        while not stop.is_set():
            holder.execute("BEGIN IMMEDIATE")
            try:
                pulses += 1
                stop.wait(LOCK_HOLD_SECONDS)
            finally:
                holder.execute("ROLLBACK")
            stop.wait(LOCK_GAP_SECONDS)
    finally:
        holder.close()
        for writer in writers:
            writer.join(30)
        log.notes.append(f"the write lock was held in {pulses} pulse(s) of {LOCK_HOLD_SECONDS:g} s, then released")


def _write_while(target: DrillTarget, stop: threading.Event, log: InjectionLog) -> None:
    while not stop.is_set():
        log.answered("signed installation event", signed_delivery(target, "installation", _installation_event()))
        stop.wait(0.2)


def _unlocked(target: DrillTarget, log: InjectionLog) -> None:
    log.notes.append("recovery: the lock is released; one more write goes through")
    log.answered(
        "signed installation event after the lock", signed_delivery(target, "installation", _installation_event())
    )


# --- jwks-down -------------------------------------------------------------------------------------


def _bearer(target: DrillTarget, log: InjectionLog, what: str) -> None:
    assert target.issuer is not None
    try:
        headers = {"Authorization": f"Bearer {target.issuer.token()}"}
        answer = target.http.get("/api/v1/reviews", headers=headers)
    except httpx.HTTPError:
        answer = None
    log.answered(what, answer)


def _issuer_down(target: DrillTarget, stop: threading.Event, log: InjectionLog) -> None:
    assert target.issuer is not None
    target.issuer.down = True
    target.issuer.rotate()  # a new signing key the service cannot fetch while the issuer is down
    while not stop.is_set():
        _bearer(target, log, "token signed with the new key while the issuer is down")
        stop.wait(0.5)


def _issuer_back(target: DrillTarget, log: InjectionLog) -> None:
    assert target.issuer is not None
    target.issuer.down = False
    log.notes.append("recovery: the issuer answers again; tokens with the new key make the service fetch it")
    for _ in range(RECOVERY_TOKENS):
        _bearer(target, log, "token signed with the new key after the issuer is back")
        time.sleep(0.1)


# --- provider-down ---------------------------------------------------------------------------------

_PLAN = {
    "format_version": "1.2",
    "terraform_version": "1.9.0",
    "resource_changes": [
        {
            "address": "aws_s3_bucket.drill",
            "mode": "managed",
            "type": "aws_s3_bucket",
            "name": "drill",
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["create"], "before": None, "after": {"bucket": "tfreview-drill"}},
        }
    ],
}


def _upload(target: DrillTarget, log: InjectionLog, number: int) -> None:
    body = json.dumps({**_PLAN, "timestamp": f"drill-{uuid.uuid4()}-{number}"}).encode()
    headers = {"Authorization": f"Bearer {target.api_token}", "Content-Type": "application/json"}
    try:
        answer = target.http.post("/api/v1/plans", content=body, headers=headers)
    except httpx.HTTPError:
        answer = None
    log.answered("plan uploaded for review while the model is down", answer)


def _model_down(target: DrillTarget, stop: threading.Event, log: InjectionLog) -> None:
    assert target.model is not None
    target.model.down = True
    number = 0
    while not stop.is_set():
        number += 1
        _upload(target, log, number)
        stop.wait(1.0)


def _model_back(target: DrillTarget, log: InjectionLog) -> None:
    assert target.model is not None
    target.model.down = False
    log.notes.append(f"recovery: the model answers again ({target.model.calls} calls reached it while down)")


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "signature-flood",
            "signature-failure-spike",
            "webhooks with a wrong signature, five a second, until the alert fires",
            _flood,
            _nothing,
            embedded_scale=0.05,
        ),
        Scenario(
            "silence",
            "webhook-silence-github",
            "one signed delivery, then no delivery at all until the silence alert fires",
            _silence,
            _end_silence,
            embedded_scale=0.0025,
            needs_secret=True,
        ),
        Scenario(
            "db-locked",
            "db-locked",
            "SQLite's write lock held by the drill (10.5 s pulses) while signed deliveries arrive",
            _locked,
            _unlocked,
            embedded_scale=0.25,
            needs_secret=True,
            needs_sqlite=True,
        ),
        Scenario(
            "provider-down",
            "ai-all-providers-down",
            "the only model provider answers 500 while plans are uploaded for review",
            _model_down,
            _model_back,
            embedded_scale=0.05,
            embedded_only=True,
        ),
        Scenario(
            "jwks-down",
            "jwks-refresh-failing",
            "the identity provider rotates its key and answers 503 while tokens signed with it arrive",
            _issuer_down,
            _issuer_back,
            embedded_scale=0.05,
            embedded_only=True,
        ),
    )
}
