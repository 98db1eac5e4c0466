"""`tfreview incidents …` and /api/v1/incidents: operators only, ack stops escalation and tells the paged
notifiers, bad input is one line with the right code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import TENANT_A, Web, make_web
from tests.web.test_api import OPERATOR, WithOperator
from tfreview.cli import main
from tfreview.ops.incidents import EventKind, NewIncident
from tfreview.ports.records import Scope
from tfreview.settings import DatabaseSettings, Settings
from tfreview.store.database import Database
from tfreview.store.migrate import upgrade
from tfreview.store.notify_outbox import SqlOutbox
from tfreview.wiring import build_services


@pytest.fixture
def web() -> Iterator[Web]:
    yield from make_web()


NEW = NewIncident("flood", "request-flood", "flood", "high", "More than 200 requests per second", 2, 10, ("page",))


def test_api_incidents_for_operators_only(web: Web) -> None:
    web.swap(authenticator=WithOperator(web.services.authenticator))
    ops = web.services.ops
    assert ops is not None
    incident, _ = ops.incidents.open(NEW, {"value": 250})
    tenant_admin = web.token(TENANT_A, Scope.ADMIN)
    spec = web.client.get("/openapi.json").json()
    routes = [(m.upper(), p) for p, methods in spec["paths"].items() if "/incidents" in p for m in methods]
    assert len(routes) == 5
    for method, template in routes:
        path = template.replace("{incident_id}", str(incident.id))
        assert web.client.request(method, path, headers=tenant_admin).status_code == 403, path
        assert web.client.request(method, path).status_code == 401, path
    listed = web.client.get("/api/v1/incidents", headers=OPERATOR).json()
    assert [i["id"] for i in listed["items"]] == [incident.id]
    shown = web.client.get(f"/api/v1/incidents/{incident.id}", headers=OPERATOR).json()
    assert shown["timeline"][0]["kind"] == "opened"
    acked = web.client.post(f"/api/v1/incidents/{incident.id}/ack", headers=OPERATOR).json()
    assert acked["status"] == "acknowledged"
    assert acked["acknowledged_by"] == "api:operator"
    assert acked["escalate_at"] is None
    report = web.client.get(f"/api/v1/incidents/{incident.id}/report", headers=OPERATOR).json()
    assert "| acknowledged |" in report["markdown"]
    resolved = web.client.post(f"/api/v1/incidents/{incident.id}/resolve", headers=OPERATOR).json()
    assert resolved["status"] == "resolved"
    assert web.client.get("/api/v1/incidents/999", headers=OPERATOR).status_code == 404
    assert web.client.get("/api/v1/incidents?status=bogus", headers=OPERATOR).status_code == 422
    assert web.client.get("/api/v1/incidents/0", headers=OPERATOR).status_code == 422


def test_cli_incidents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'tfreview.db'}"
    upgrade(url)
    monkeypatch.setenv("TFREVIEW_DATABASE__URL", url)
    services = build_services(Settings(database=DatabaseSettings(url=url)))
    try:
        assert services.ops is not None
        incident, _ = services.ops.incidents.open(NEW, {"value": 250, "alert": "request-flood"})
    finally:
        services.close()

    assert main(["incidents", "list"]) == 0
    assert "request-flood — More than 200 requests per second" in capsys.readouterr().out
    assert main(["incidents", "show", str(incident.id), "-o", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["timeline"][0]["kind"] == "opened"
    assert main(["incidents", "ack", str(incident.id), "--by", "alice"]) == 0
    # no notifier here: the notifications wait for a process that has one (ADR 0659), and the command says so
    assert f"incident {incident.id} is acknowledged (notifications still pending)" in capsys.readouterr().out
    report = tmp_path / "report.md"
    assert main(["incidents", "report", str(incident.id), "--output-file", str(report)]) == 0
    text = report.read_text()
    assert "# Post-incident report: incident 1" in text
    assert "acknowledged | 20" in text or "| acknowledged |" in text
    assert main(["incidents", "resolve", str(incident.id)]) == 0
    capsys.readouterr()
    assert main(["incidents", "show", "999"]) == 3  # NotFound: one line, no traceback
    err = capsys.readouterr().err
    assert err.strip() == "tfreview: error: incident 999 not found"
    assert main(["incidents", "list", "--limit", "0"]) == 2

    services = build_services(Settings(database=DatabaseSettings(url=url)))
    try:
        assert services.ops is not None
        kinds = [e.kind for e in services.ops.incidents.events(incident.id)]
    finally:
        services.close()
    # the trigger written with the incident (the outbox) is not taken by a command without notifiers: it would mark
    # it done for the service's notifiers (ADR 0659); nothing pretends it was sent
    assert kinds == [EventKind.OPENED, EventKind.ACKNOWLEDGED, EventKind.RESOLVED]
    database = Database(url)
    try:
        assert SqlOutbox(database).pending() == 3  # trigger, acknowledge, resolve: for the service to send
    finally:
        database.close()
