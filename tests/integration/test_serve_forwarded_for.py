"""X-Forwarded-For is believed only from the door's trusted proxies, never from uvicorn's own default.

uvicorn rewrites the client address from X-Forwarded-For for peers in `forwarded_allow_ips` (127.0.0.1 unless
set) before any application code runs. With that layer on, a client on the server's host (or behind a proxy
there) chose its own address for the door's rate limits, blocks and allow list, whatever
`TFREVIEW_DOOR__TRUSTED_PROXIES` said. A real `tfreview serve`, raw requests over loopback.
"""

from __future__ import annotations

from pathlib import Path

from tests.integration.door_requests import request
from tests.integration.served import child_env, serving


def _statuses(port: int, count: int) -> list[int]:
    """`count` API reads, each claiming another client address through X-Forwarded-For."""
    return [request(port, "GET", "/api/v1/reviews", client=f"203.0.113.{n + 1}").status for n in range(count)]


def test_a_loopback_peer_cannot_pick_its_address_when_no_proxy_is_trusted(tmp_path: Path) -> None:
    env = child_env(TFREVIEW_DOOR__PER_IP="3/minute")
    with serving(tmp_path / "data", "--no-worker", env=env) as running:
        statuses = _statuses(running.port, 5)
    # every request is 127.0.0.1's: past its three, the door refuses
    assert statuses[:3] == [401, 401, 401], statuses
    assert statuses[3:] == [429, 429], statuses


def test_a_trusted_proxy_still_speaks_for_its_clients(tmp_path: Path) -> None:
    env = child_env(TFREVIEW_DOOR__PER_IP="3/minute", TFREVIEW_DOOR__TRUSTED_PROXIES='["127.0.0.1/32"]')
    with serving(tmp_path / "data", "--no-worker", env=env) as running:
        statuses = _statuses(running.port, 5)
    assert statuses == [401] * 5, statuses  # five clients, one request each
