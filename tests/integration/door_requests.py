"""Requests for the door's black-box tests: signed GitHub deliveries per tenant, and parsed raw answers."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.integration.served import GITHUB_SECRET, Served, raw_request

PULL_REQUEST_OPENED = Path(__file__).parent / "data" / "github.pull_request.opened.payload.json"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, object]:
        found: dict[str, object] = json.loads(self.body)
        return found


def parse(raw: bytes) -> Answer:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1]) if lines and lines[0].startswith("HTTP/") else 0
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Answer(status, headers, body)


def request(
    port: int,
    method: str,
    path: str,
    *,
    client: str | None = None,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> Answer:
    """One request with `Connection: close`; `client` is sent as X-Forwarded-For (the server trusts loopback)."""
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", f"Content-Length: {len(body)}"]
    if client is not None:
        head.append(f"X-Forwarded-For: {client}")
    head += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return parse(raw_request(port, ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body))


def delivery(installation: int, number: int, *, secret: str = GITHUB_SECRET) -> tuple[bytes, dict[str, str]]:
    """A pull_request.opened delivery of `installation` (the tenant github:<installation>), PR `number`."""
    payload = json.loads(PULL_REQUEST_OPENED.read_text())
    payload["installation"]["id"] = installation
    payload["number"] = number
    payload["pull_request"]["number"] = number
    payload["pull_request"]["head"]["sha"] = hashlib.sha1(f"{installation}:{number}".encode()).hexdigest()
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {
        "Content-Type": "application/json",
        "X-GitHub-Event": "pull_request",
        "X-GitHub-Delivery": str(uuid.uuid4()),
        "X-Hub-Signature-256": signature,
    }


def upload_plan(served: Served, body: bytes, run: str) -> tuple[int, dict[str, object]]:
    """POST a plan JSON to a served tfreview with its token (`served.token`): the status and the answer's JSON."""
    answer = request(
        served.port,
        "POST",
        f"/api/v1/plans?source=api&run_id={run}",
        body=body,
        headers={"Authorization": f"Bearer {served.token}", "Content-Type": "application/json"},
    )
    return answer.status, answer.json()
