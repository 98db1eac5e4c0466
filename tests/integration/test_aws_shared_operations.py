"""Two Lambda containers on one DynamoDB table (moto, loopback) share the operations' state (ADR 0195), and
the API takes Amazon Cognito-shaped access tokens verified against a JWKS served on loopback:

- the issuer is `https://cognito-idp.<region>.amazonaws.com/<pool>`, the JWKS the fake issuer's (on 127.0.0.1);
  access tokens carry `token_use=access` and `client_id` (no `aud`), roles in `cognito:groups`;
- the watchdog function evaluates in exactly one container (the lease);
- a block, an incident's acknowledgement and resolution, the controls its action held and the audit log
  written through one container are what the other one reads;
- a page one container owed through a PagerDuty outage (a fake on loopback) and never sent — AWS recycled it — is
  sent by the watchdog function in the next container once the outage is over (ADR 0711).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from pydantic import SecretStr

from tests.contract.conftest import ManualClock
from tests.fakes.aws_events import http_event
from tests.fakes.aws_store import DUMMY_CREDENTIALS, REGION, SerialMoto
from tests.fakes.llm_common import Reply
from tests.fakes.notify import FakePagerDuty
from tests.fakes.oidc import FakeOidcIssuer
from tfreview import lambda_handlers
from tfreview.ops.controls import AI_PAUSED, Control
from tfreview.ops.incidents import EventKind, NewIncident
from tfreview.ops.notify.dispatcher import owed_wait
from tfreview.ops.settings import NotifySettings, PagerDutySettings
from tfreview.settings import DatabaseSettings, QueueSettings, Settings
from tfreview.store.queue_settings import WorkerSettings
from tfreview.wiring import WiredServices
from tfreview.wiring.aws import build_aws_services

POOL = f"{REGION}_Tfr3view"
COGNITO = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL}"
CLIENT_ID = "tfreview-app-client"
SCHEDULED = {
    "version": "0",
    "id": "0d9d0a8e-0000-4000-8000-000000000000",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2026-12-03T13:00:00Z",
    "region": REGION,
    "resources": [f"arn:aws:events:{REGION}:123456789012:rule/tfreview-watchdog"],
    "detail": {},
}


@pytest.fixture(scope="module")
def moto() -> Iterator[SerialMoto]:
    for name, value in DUMMY_CREDENTIALS.items():
        os.environ.setdefault(name, value)
    server = SerialMoto()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def issuer() -> Iterator[FakeOidcIssuer]:
    with FakeOidcIssuer(client_id=CLIENT_ID) as fake:
        yield fake


@pytest.fixture
def containers(moto: SerialMoto, issuer: FakeOidcIssuer) -> Iterator[tuple[WiredServices, WiredServices]]:
    target = moto.fresh_target()
    auth = issuer.auth_settings(
        oidc_issuer=COGNITO, oidc_audience=None, oidc_client_id=CLIENT_ID, scope_claim="cognito:groups"
    )
    settings = Settings(
        database=DatabaseSettings(url=f"dynamodb://{target.table}?region={REGION}&endpoint={moto.endpoint_url}"),
        queue=QueueSettings(url=f"sqs://{target.queue_url}"),
        worker=WorkerSettings(lease_seconds=60),
        auth=auth,
    )
    one = build_aws_services(settings, loopback_only=True)
    two = build_aws_services(settings, loopback_only=True)
    try:
        yield one, two
    finally:
        lambda_handlers.reset()
        one.close()
        two.close()


def cognito_access_token(issuer: FakeOidcIssuer, groups: list[str], **claims: Any) -> str:
    """An access token as a Cognito user pool issues it: no `aud`, `client_id`, `token_use`, `cognito:groups`."""
    return issuer.mint(
        {
            "iss": COGNITO,
            "aud": None,
            "token_use": "access",
            "client_id": CLIENT_ID,
            "cognito:groups": groups,
            "scope": "aws.cognito.signin.user.admin",
            "username": "alice",
            "auth_time": 1796300000,
            "jti": str(uuid.uuid4()),
            "tfreview:tenant": None,
            **claims,
        }
    )


def call(
    container: WiredServices,
    method: str,
    path: str,
    token: str,
    body: dict[str, Any] | None = None,
    query: str = "",
) -> dict[str, Any]:
    """One API Gateway v2 event through `container`'s HTTP function, with the JWT authorizer's context."""
    lambda_handlers.reset(container)
    headers = {"authorization": f"Bearer {token}"}
    if body is not None:
        headers["content-type"] = "application/json"
    claims = {"iss": COGNITO, "client_id": CLIENT_ID, "token_use": "access", "sub": "user-1"}
    raw = json.dumps(body).encode() if body is not None else b""
    return lambda_handlers.http(http_event(method, path, raw, headers, claims=claims, query=query))


def test_cognito_access_tokens_are_verified_against_the_jwks(
    containers: tuple[WiredServices, WiredServices], issuer: FakeOidcIssuer
) -> None:
    one, _ = containers
    operator = cognito_access_token(issuer, ["tfreview:admin"])
    assert call(one, "GET", "/api/v1/audit-log", operator)["statusCode"] == 200
    assert issuer.jwks_fetches >= 1  # the keys came from the loopback JWKS
    reader = cognito_access_token(issuer, ["tfreview:read"], **{"tfreview:tenant": "github:1001"})
    assert call(one, "GET", "/api/v1/reviews", reader)["statusCode"] == 200
    assert call(one, "GET", "/api/v1/audit-log", reader)["statusCode"] == 403  # a tenant's reader: not an operator
    refused = {
        "an ID token": cognito_access_token(issuer, ["tfreview:admin"], token_use="id", aud=CLIENT_ID),
        "another app client": cognito_access_token(issuer, ["tfreview:admin"], client_id="other-client"),
        "another user pool": cognito_access_token(issuer, ["tfreview:admin"], iss=f"{COGNITO}x"),
        "expired": cognito_access_token(issuer, ["tfreview:admin"], exp=1_000_000_000),
    }
    for what, token in refused.items():
        answer = call(one, "GET", "/api/v1/audit-log", token)
        assert answer["statusCode"] == 401, what
        assert token not in json.dumps(answer)


def test_the_watchdog_function_evaluates_in_one_container_only(
    containers: tuple[WiredServices, WiredServices],
) -> None:
    one, two = containers
    lambda_handlers.reset(one)
    first = lambda_handlers.watchdog(SCHEDULED, None)
    lambda_handlers.reset(two)
    second = lambda_handlers.watchdog(SCHEDULED, None)
    assert (first["evaluated"], first["errors"]) == (True, []), first
    assert (second["evaluated"], second["errors"]) == (False, []), second  # the other container holds the lease
    assert one.ops is not None
    assert two.ops is not None
    held = two.ops.leases.holder("watchdog")
    assert held is not None
    assert one.ops.watchdog is not None
    assert held.owner == one.ops.watchdog.owner


def test_blocks_incidents_controls_and_the_audit_log_are_shared(
    containers: tuple[WiredServices, WiredServices], issuer: FakeOidcIssuer
) -> None:
    one, two = containers
    operator = cognito_access_token(issuer, ["tfreview:admin"])

    added = call(one, "POST", "/api/v1/blocks", operator, {"source": "ip:203.0.113.77", "reason": "t", "minutes": 10})
    assert added["statusCode"] == 201, added
    listed = call(two, "GET", "/api/v1/blocks", operator)
    assert [b["source"] for b in json.loads(listed["body"])["items"]] == ["ip:203.0.113.77"]

    assert one.ops is not None
    assert two.ops is not None
    incident, created = one.ops.incidents.open(
        NewIncident(
            "shared-alert", "shared-alert", "ai-provider-outage", "high", "AI provider failing", 2, 10, ("page",)
        ),
        {"value": 0.5},
    )
    assert created
    assert one.ops.controls is not None
    now = one.clock()
    one.ops.controls.controls.hold(Control(AI_PAUSED, now + timedelta(minutes=30), "watchdog", "t", now, incident.id))
    page = json.loads(call(two, "GET", "/api/v1/incidents", operator)["body"])
    assert [i["id"] for i in page["items"]] == [incident.id]
    acked = call(two, "POST", f"/api/v1/incidents/{incident.id}/ack", operator)
    assert acked["statusCode"] == 200, acked
    again = one.ops.incidents.get(incident.id)
    assert again is not None
    assert again.status.value == "acknowledged"
    resolved = call(one, "POST", f"/api/v1/incidents/{incident.id}/resolve", operator)
    assert resolved["statusCode"] == 200, resolved
    assert two.ops.controls is not None
    assert two.ops.controls.controls.current() == []  # the pause its action held was lifted for everyone

    audit = json.loads(call(two, "GET", "/api/v1/audit-log", operator)["body"])
    actions = [entry["action"] for entry in audit["items"]]
    assert "incident.ack" in actions
    assert "incident.resolve" in actions
    assert any(action.startswith("block") for action in actions)
    verified = json.loads(call(one, "GET", "/api/v1/audit-log/verify", operator)["body"])
    assert verified["intact"] is True
    assert verified["checked"] == len(actions)


def test_the_operator_cli_acts_on_the_deployment_s_table(
    containers: tuple[WiredServices, WiredServices],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`tfreview ai pause`, `incidents ack` and `audit-log --verify` from an operator's machine reach every
    Lambda container: the same dynamodb:// and sqs:// URLs, the same table."""
    from tfreview.cli import main

    one, two = containers
    monkeypatch.setenv("TFREVIEW_DATABASE__URL", one.settings.database.url)
    monkeypatch.setenv("TFREVIEW_QUEUE__URL", one.settings.queue.url or "")
    assert main(["ai", "pause", "--minutes", "15", "--reason", "bill check", "--by", "alice"]) == 0
    assert "AI review paused until" in capsys.readouterr().out
    assert two.ops is not None
    assert two.ops.controls is not None
    (paused,) = two.ops.controls.controls.current()
    assert (paused.name, paused.set_by) == (AI_PAUSED, "cli:alice")

    incident, _ = two.ops.incidents.open(
        NewIncident("cli-alert", "cli-alert", "queue-backlog", "high", "backlog", 2, 10, ("page",)), {}
    )
    assert main(["incidents", "list", "-o", "json"]) == 0
    assert [i["id"] for i in json.loads(capsys.readouterr().out)] == [incident.id]
    assert main(["incidents", "ack", str(incident.id)]) == 0
    capsys.readouterr()
    acked = one.ops.incidents.get(incident.id) if one.ops is not None else None
    assert acked is not None
    assert acked.status.value == "acknowledged"
    assert main(["ai", "resume"]) == 0
    assert two.ops.controls.controls.current() == []
    assert [e.action for e in one.audit.list().items] == ["incident.ack"]  # written by the CLI, read here
    assert main(["audit-log", "--verify"]) == 0
    assert "audit log intact: 1 entries, hash chain verified" in capsys.readouterr().out


def test_every_api_listing_pages_with_a_keyset_cursor_on_dynamodb(
    containers: tuple[WiredServices, WiredServices], issuer: FakeOidcIssuer
) -> None:
    """Reviews, deliveries, jobs, incidents and the audit log: the API's pages of 2, newest first, walked with
    `next_cursor` through the Lambda HTTP function, hold every item once."""
    from urllib.parse import quote

    from tfreview.ports.jobs import NewJob
    from tfreview.ports.records import Delivery, SourceInfo

    one, two = containers
    assert one.ops is not None
    operator = cognito_access_token(issuer, ["tfreview:admin"])
    made: dict[str, list[Any]] = {"reviews": [], "deliveries": [], "jobs": [], "incidents": [], "audit-log": []}
    for n in range(5):
        made["reviews"].append(one.reviews.create("github:1001", SourceInfo("api")).id)
        job, _ = one.queue.enqueue(NewJob("no-such-kind", "github:1001", f"page-{n}", {}))
        made["jobs"].append(job.id)
        delivery = Delivery("api", f"upload-{n}", "plan_upload", "github:1001", "", one.clock())
        stored, _ = one.intake.accept(delivery, b"{}", None)  # no job: the jobs listing holds the five above
        made["deliveries"].append(stored.id)
        new = NewIncident(f"page-{n}", f"page-{n}", "queue-backlog", "high", "backlog", 2, 10, ("page",))
        made["incidents"].append(one.ops.incidents.open(new, {})[0].id)
        made["audit-log"].append(one.audit.record("token.create", actor="t", target=f"token:{n}").id)
    for listing, ids in made.items():
        seen: list[Any] = []
        cursor = ""
        pages = 0
        while True:
            query = "limit=2" + (f"&cursor={quote(cursor)}" if cursor else "")
            answer = call(two, "GET", f"/api/v1/{listing}", operator, query=query)
            assert answer["statusCode"] == 200, (listing, answer)
            page = json.loads(answer["body"])
            seen += [item["id"] for item in page["items"]]
            pages += 1
            cursor = page.get("next_cursor") or ""
            if not cursor:
                break
        assert seen == list(reversed(ids)), listing  # newest first, each once
        assert pages == 3, listing
    bad = call(two, "GET", "/api/v1/incidents", operator, query="cursor=not-a-cursor")
    assert bad["statusCode"] == 422  # InputError, as on SQL (web/problems.py)
    assert "invalid cursor" in bad["body"]


def test_d4_two_containers_spend_one_tenant_token_budget(moto: SerialMoto) -> None:
    """A tenant's daily token budget is the table's, not each container's: a cold start is not a fresh budget."""
    from tfreview.advisor.chain import LlmAdvisor
    from tfreview.advisor.settings import AdvisorSettings, ProviderSettings

    target = moto.fresh_target()
    provider = ProviderSettings(provider="openai", model="gpt-test", base_url="http://127.0.0.1:9/v1")  # never called
    settings = Settings(
        database=DatabaseSettings(url=f"dynamodb://{target.table}?region={REGION}&endpoint={moto.endpoint_url}"),
        queue=QueueSettings(url=f"sqs://{target.queue_url}"),
        advisor=AdvisorSettings(name="openai", providers=[provider], daily_tokens_per_tenant=8_000),
    )
    one = build_aws_services(settings, loopback_only=True)
    two = build_aws_services(settings, loopback_only=True)
    try:
        first, second = one.advisor, two.advisor
        assert isinstance(first, LlmAdvisor)
        assert isinstance(second, LlmAdvisor)
        assert first.budget is not None
        assert second.budget is not None
        first.budget.spend("github:5", 6_000)
        assert second.budget.remaining("github:5") == 2_000
        assert not second.budget.reserve("github:5", 2_001)
    finally:
        one.close()
        two.close()
    cold = build_aws_services(settings, loopback_only=True)
    try:
        assert isinstance(cold.advisor, LlmAdvisor)
        assert cold.advisor.budget is not None
        assert cold.advisor.budget.remaining("github:5") == 2_000
    finally:
        cold.close()


def test_the_watchdog_function_sends_the_page_a_recycled_container_owed(moto: SerialMoto) -> None:
    target = moto.fresh_target()
    clock = ManualClock()
    with FakePagerDuty() as pagerduty:
        settings = Settings(
            database=DatabaseSettings(url=f"dynamodb://{target.table}?region={REGION}&endpoint={moto.endpoint_url}"),
            queue=QueueSettings(url=f"sqs://{target.queue_url}"),
            notify=NotifySettings(
                pagerduty=PagerDutySettings(
                    routing_key=SecretStr(pagerduty.routing_key), events_url=pagerduty.events_url, channels=["page"]
                ),
                attempts=2,
                backoff_base_seconds=0.01,
                backoff_cap_seconds=0.02,
                timeout_seconds=2.0,
            ),
        )
        recycled = build_aws_services(settings, loopback_only=True, clock=clock)
        assert recycled.ops is not None
        assert recycled.ops.dispatcher.durable
        incident, _ = recycled.ops.incidents.open(
            NewIncident(
                "owed-page", "owed-page", "ai-provider-outage", "high", "AI provider failing", 2, 10, ("page",)
            ),
            {"value": 0.5},
        )
        pagerduty.script(Reply.of_json(503, {"status": "unavailable"}), Reply.of_json(503, {"status": "unavailable"}))
        assert recycled.ops.dispatcher.pump() == 1  # refused through both attempts: owed
        # AWS recycles the container here: no close, no drain, its memory gone
        fresh = build_aws_services(settings, loopback_only=True, clock=clock)
        try:
            lambda_handlers.reset(fresh)
            assert lambda_handlers.watchdog(SCHEDULED, None)["notifications_pending"] is True  # owed to a later turn
            assert pagerduty.alerts == {}
            clock.advance(owed_wait(1))
            assert lambda_handlers.watchdog(SCHEDULED, None)["notifications_pending"] is False
            assert pagerduty.alerts == {f"tfreview-{incident.group_key}-{incident.id}": "triggered"}
            assert fresh.ops is not None
            sent = [e for e in fresh.ops.incidents.events(incident.id) if e.kind is EventKind.NOTIFIED]
            assert [(e.detail["notifier"], e.detail["event"]) for e in sent] == [("pagerduty", "trigger")]
        finally:
            lambda_handlers.reset()
            fresh.close()
