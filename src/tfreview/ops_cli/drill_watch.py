"""How a drill watches the service it rehearses on: its incidents (and their timelines) as JSON documents.

Two adapters of one small port:

    ApiIncidents    GET /api/v1/incidents[/{id}] with an operator bearer token (`--url`): exactly what an
                    operator sees; incidents concern the whole service, so the token needs the admin scope
                    and no tenant (an OIDC operator subject).
    StoreIncidents  the incident store of the database the drill's own embedded service runs on
                    (`--embedded`: the drill made that database, it only reads it).

Both answer the documents of `tfreview.ops.incident_admin` (`incident_document`, `event_document`).

And how it reads the failure signal (ADR 0528): `MetricsScrape`, `GET /metrics` with the service's
`metrics.token` (the embedded service gets a random one), parsed into samples — what the watchdog and
Prometheus read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import httpx

from tfreview.core.errors import ConfigError, UpstreamError
from tfreview.plumbing.json_documents import NotJson, read_json

if TYPE_CHECKING:
    from tfreview.ops.series import Sample
    from tfreview.store.database import Database


class IncidentView(Protocol):
    def recent(self) -> list[dict[str, Any]]:
        """The newest incidents (at most 100), newest first."""
        ...

    def timeline(self, incident_id: int) -> list[dict[str, Any]]:
        """Its events, oldest first."""
        ...


class MetricsView(Protocol):
    def samples(self) -> tuple[Sample, ...]:
        """Every sample of the service's metrics now."""
        ...


class ApiIncidents:
    def __init__(self, http: httpx.Client, token: str) -> None:
        self._http = http
        self._headers = {"Authorization": f"Bearer {token}"}

    def recent(self) -> list[dict[str, Any]]:
        return self._get("/api/v1/incidents?limit=100", "items")

    def timeline(self, incident_id: int) -> list[dict[str, Any]]:
        return self._get(f"/api/v1/incidents/{incident_id}", "timeline")

    def _get(self, path: str, field: str) -> list[dict[str, Any]]:
        """The list `field` of the JSON object at `path`; UpstreamError for any other answer."""
        try:
            answer = self._http.get(path, headers=self._headers)
        except httpx.HTTPError as exc:
            raise UpstreamError(f"the service cannot be reached: {type(exc).__name__}") from None
        if answer.status_code in (401, 403):
            raise ConfigError(
                f"{path.split('?', maxsplit=1)[0]} answered {answer.status_code}: the drill needs an operator token "
                "(admin scope, no tenant) in TFREVIEW_DRILL_TOKEN or --token-file"
            )
        if answer.status_code != 200:
            raise UpstreamError(f"{path.split('?', maxsplit=1)[0]} answered {answer.status_code}")
        try:
            document = read_json(answer.content)
        except NotJson as exc:  # an HTML page, or `[[[[…` past the reader's depth (ADR 0680)
            raise UpstreamError(f"{path.split('?', maxsplit=1)[0]} answered 200 with a body that is {exc}") from None
        found = document.get(field) if isinstance(document, dict) else None
        if not isinstance(found, list) or not all(isinstance(item, dict) for item in found):
            raise UpstreamError(f"{path.split('?', maxsplit=1)[0]} answered 200 without a list of objects in {field!r}")
        return found


class StoreIncidents:
    def __init__(self, database: Database) -> None:
        from tfreview.store.incidents import SqlIncidents

        self._incidents = SqlIncidents(database)

    def recent(self) -> list[dict[str, Any]]:
        from tfreview.ops.incident_admin import incident_document

        return [incident_document(i) for i in self._incidents.list(limit=100).items]

    def timeline(self, incident_id: int) -> list[dict[str, Any]]:
        from tfreview.ops.incident_admin import event_document

        return [event_document(e) for e in self._incidents.events(incident_id)]


class MetricsScrape:
    def __init__(self, http: httpx.Client, token: str) -> None:
        self._http = http
        self._headers = {"Authorization": f"Bearer {token}"}

    def samples(self) -> tuple[Sample, ...]:
        from tfreview.ops.samples import parse_exposition

        try:
            answer = self._http.get("/metrics", headers=self._headers)
        except httpx.HTTPError as exc:
            raise UpstreamError(f"/metrics cannot be reached: {type(exc).__name__}") from None
        if answer.status_code in (401, 403, 404):
            raise ConfigError(
                f"/metrics answered {answer.status_code}: the drill reads the failure signal there and needs the "
                "service's metrics token in TFREVIEW_METRICS__TOKEN"
            )
        if answer.status_code != 200:
            raise UpstreamError(f"/metrics answered {answer.status_code}")
        return tuple(parse_exposition(answer.text))
