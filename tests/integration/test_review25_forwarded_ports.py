"""A real `tfreview serve` behind a trusted proxy that writes X-Forwarded-For hops with their port, as Azure
Application Gateway does (`203.0.113.9:5555`; ADR 0763).

Such a hop read as garbled, so every client was the proxy itself: one client's bad signatures blocked the proxy's
address, and every caller behind it — GitHub's deliveries too, which GitHub never sends again — got 429 for the
block's 15 minutes. The hop is read as its address now: the block lands on that client, whatever its port."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from pathlib import Path

from tests.integration.served import GITHUB_SECRET, child_env, raw_request, serving, status_of

PAYLOAD = Path(__file__).resolve().parents[1] / "web" / "data" / "github.pull_request.opened.payload.json"
ATTACKER, NEIGHBOUR = "203.0.113.9", "198.51.100.7"
TRIES = 50  # bad deliveries sent at most before the block must have come (it comes at the 3rd)


def _delivery(port: int, body: bytes, forwarded_for: str, *, signed: bool) -> int | None:
    digest = hmac.new(GITHUB_SECRET.encode() if signed else b"wrong", body, hashlib.sha256).hexdigest()
    head = (
        "POST /webhooks/github HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"X-GitHub-Event: pull_request\r\nX-GitHub-Delivery: {uuid.uuid4()}\r\n"
        f"X-Hub-Signature-256: sha256={digest}\r\nX-Forwarded-For: {forwarded_for}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return status_of(raw_request(port, head.encode() + body))


def test_one_clients_failures_behind_a_port_writing_proxy_block_that_client_only(tmp_path: Path) -> None:
    body = json.dumps(json.loads(PAYLOAD.read_bytes())).encode()
    env = child_env(TFREVIEW_DOOR__TRUSTED_PROXIES='["127.0.0.0/8"]', TFREVIEW_DOOR__BLOCK_FAILURES="3")
    with serving(tmp_path / "data", env=env) as served:
        answers = []
        for port in range(5000, 5000 + TRIES):
            answers.append(_delivery(served.port, body, f"{ATTACKER}:{port}", signed=False))
            if answers[-1] == 429:
                break
        assert answers[-1] == 429, answers
        assert set(answers[:-1]) == {401}, answers
        # its block is its own: another port of it is refused, a neighbour behind the same proxy is served
        assert _delivery(served.port, body, f"{ATTACKER}:6000", signed=True) == 429
        assert _delivery(served.port, body, f"{NEIGHBOUR}:4444", signed=True) == 202
        assert _delivery(served.port, body, f"[2001:db8::7]:443, {NEIGHBOUR}:4445", signed=True) == 202


def test_failures_behind_a_proxy_hop_no_parser_reads_never_block_the_proxy(tmp_path: Path) -> None:
    """A trusted proxy writing `unknown` for a client it cannot name: the client was taken for the proxy, so its
    failures blocked the proxy's address — every caller behind it. Now it is an unknown client, which a block cannot
    name (as a peer with no address): its failures stay 401, the proxy and its other clients are served (ADR 0765)."""
    body = json.dumps(json.loads(PAYLOAD.read_bytes())).encode()
    env = child_env(TFREVIEW_DOOR__TRUSTED_PROXIES='["127.0.0.0/8"]', TFREVIEW_DOOR__BLOCK_FAILURES="3")
    with serving(tmp_path / "data", env=env) as served:
        answers = [_delivery(served.port, body, "unknown", signed=False) for _ in range(6)]
        assert answers == [401] * 6
        assert _delivery(served.port, body, f"{NEIGHBOUR}:4446", signed=True) == 202
        assert _delivery(served.port, body, "127.0.0.1", signed=True) == 202
        assert _delivery(served.port, body, "unknown", signed=True) == 202
