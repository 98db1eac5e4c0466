"""Signed webhook deliveries as GitHub and Spacelift send them (headers + raw body), for the web tests."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfreview.web.signatures import signature_header

DATA = Path(__file__).parent / "data"
GITHUB_SECRET = "gh-canary-secret-7f3a9c"
SPACELIFT_SECRET = "sl-canary-secret-42b1d8"
NOW = 1_596_979_684  # the Spacelift example's own timestamp: tests run the app's clock at this instant


def fixture_bytes(name: str) -> bytes:
    return (DATA / name).read_bytes()


def fixture_json(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(fixture_bytes(name))
    return loaded


@dataclass
class Signed:
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def github(
    event: str, body: bytes | dict[str, Any], *, delivery: str | None = None, secret: str = GITHUB_SECRET
) -> Signed:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Signed(
        raw,
        {
            "Content-Type": "application/json",
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
            "X-Hub-Signature-256": signature_header(secret.encode(), raw),
            "User-Agent": "GitHub-Hookshot/test",
        },
    )


def spacelift(body: bytes | dict[str, Any], *, secret: str = SPACELIFT_SECRET) -> Signed:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Signed(raw, {"Content-Type": "application/json", "X-Signature-256": signature_header(secret.encode(), raw)})


def pull_request(
    action: str = "opened", *, head_sha: str = "ec26c3e57ca3a959ca5aad62de7213c562f8c821", **pr: Any
) -> dict[str, Any]:
    payload = fixture_json("github.pull_request.opened.payload.json")
    payload["action"] = action
    payload["pull_request"]["head"]["sha"] = head_sha
    payload["pull_request"].update(pr)
    return payload


def run_state(
    state: str, version: int, *, run_id: str = "01EF9PFPNFFM2MQXTJKHK1B869", timestamp: int = NOW
) -> dict[str, Any]:
    payload = fixture_json("spacelift.run-finished-tracked.json")
    payload.update(state=state, stateVersion=version, timestamp=timestamp)
    payload["run"]["id"] = run_id
    return payload


def policy_input(state: str, updated_at_ns: int, *, run_id: str = "01HQPOLICYINPUTRUN0000000A") -> dict[str, Any]:
    """The notification policy's input forwarded as the payload (`"payload": input`)."""
    return {
        "account": {"name": "spacelift-io"},
        "run_updated": {
            "state": state,
            "username": "someone",
            "note": "",
            "run": {
                "id": run_id,
                "state": state,
                "type": "PROPOSED",
                "branch": "feature",
                "updated_at": updated_at_ns,
                "created_at": updated_at_ns - 60 * 10**9,
                "commit": {"hash": "0ee3a3b7266daf5a1d44a193a0f48ce995fa75eb", "branch": "feature"},
                "changes": [],
            },
            "stack": {"id": "spacelift-demo", "name": "Spacelift demo", "labels": []},
            "urls": {"run": "https://spacelift-io.app.spacelift.io/stack/spacelift-demo/run/x"},
        },
        "webhook_endpoints": [{"id": "tfreview", "labels": []}],
    }
