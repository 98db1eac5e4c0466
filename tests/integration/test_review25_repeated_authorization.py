"""A request to a real `tfreview serve` carrying two Authorization headers (ADR 0762).

Serve took the first and answered as its holder — a proxy in front that judged the last one (or added its own) let
one caller act as another — while the Lambda function, behind API Gateway that joins repeated headers with commas,
refused the same request. Both refuse it now, 401, as ADR 0534 refuses a repeated GitHub delivery header; /metrics
too."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_in_process import tfreview_in_process
from tests.integration.served import child_env, raw_request, serving, status_of, write_token

METRICS_TOKEN = "metrics-token-review25-0123456789"


def _token(data_dir: Path, tenant: str, scope: str) -> str:
    argv = ["tokens", "create", "--tenant", tenant, "--scope", scope, "--name", f"{tenant}-{scope}"]
    created = tfreview_in_process(*argv, "--data-dir", str(data_dir), env=child_env())
    assert created.returncode == 0, created.stderr
    return created.stdout.strip().splitlines()[-1]


def _get(port: int, path: str, *authorizations: str) -> tuple[int | None, bytes]:
    head = "".join(f"Authorization: {value}\r\n" for value in authorizations)
    answer = raw_request(port, f"GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n{head}\r\n".encode())
    return status_of(answer), answer.partition(b"\r\n\r\n")[2]


def test_two_authorization_headers_are_refused_whichever_comes_first(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    first = write_token(data, "first")  # github:7, write
    second = _token(data, "api:other", "admin")
    env = child_env(TFREVIEW_METRICS__TOKEN=METRICS_TOKEN)
    with serving(data, env=env) as served:
        alone = _get(served.port, "/api/v1/reviews", f"Bearer {first}")
        assert alone[0] == 200, alone
        for pair in ((first, second), (second, first), (first, first)):
            status, body = _get(served.port, "/api/v1/reviews", *(f"Bearer {token}" for token in pair))
            assert status == 401, (status, body[:300])
            problem = json.loads(body)
            assert problem["detail"].startswith("the Authorization header was sent 2 times")
            assert not any(token in body.decode() for token in pair)
        joined = _get(served.port, "/api/v1/reviews", f"Bearer {first}, Bearer {second}")  # as API Gateway joins
        assert joined[0] == 401, joined
        assert _get(served.port, "/metrics", f"Bearer {METRICS_TOKEN}")[0] == 200
        twice = _get(served.port, "/metrics", f"Bearer {METRICS_TOKEN}", "Bearer wrong")
        assert twice[0] == 401, twice
        assert METRICS_TOKEN not in twice[1].decode()
