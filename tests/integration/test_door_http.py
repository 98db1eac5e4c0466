"""Issue 11, "a door that holds", against a real `tfreview serve`: raw requests over loopback sockets.

The server trusts 127.0.0.1 as a proxy, so each test speaks for its own client address through
X-Forwarded-For (and the tests, run in any order or split between xdist workers, never share a count).
Bounds on time below are how long a test waits for something to happen, never a performance threshold.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.cli_in_process import tfreview_in_process
from tests.integration.door_requests import delivery, parse, request
from tests.integration.served import Served, child_env, log_lines_with, serving

REPO = Path(__file__).resolve().parents[2]

TFREVIEW = (sys.executable, "-m", "tfreview")
PROBLEM_JSON = "application/problem+json"
DOOR = {
    "TFREVIEW_DOOR__TRUSTED_PROXIES": '["127.0.0.1/32"]',
    "TFREVIEW_DOOR__PER_IP": "5/minute",
    "TFREVIEW_DOOR__PER_TOKEN": "100/minute",
    "TFREVIEW_DOOR__BLOCK_FAILURES": "3",
    # a block outlives any test of the shared server: what a test sends after a block was placed meets it however
    # slowly a loaded machine runs (a 2 s block could expire between those requests); expiry has its own server
    "TFREVIEW_DOOR__BLOCK_SECONDS": "600",
    "TFREVIEW_DOOR__BLOCK_CACHE_SECONDS": "0",
    "TFREVIEW_DOOR__ALLOW_LIST": '["198.51.100.0/24"]',
    "TFREVIEW_DOOR__HEADER_TIMEOUT_SECONDS": "1",
    "TFREVIEW_DOOR__BODY_TIMEOUT_SECONDS": "1",
    "TFREVIEW_LOG_LEVEL": "INFO",
}
WAIT = 30.0  # how long a test waits for the server to act (a loaded CI machine), not a threshold


def cli(data: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*TFREVIEW, *argv, "--data-dir", str(data)],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def prepared(data: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """A token a test needs, or the audit log it reads back: the same CLI in this process (ADR 0669). The `block`
    commands, which a test examines, stay processes (`cli`)."""
    return tfreview_in_process(*argv, "--data-dir", str(data), env=child_env())


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("door") / "data"
    created = prepared(data, "tokens", "create", "--tenant", "github:7", "--scope", "write", "--name", "door")
    assert created.returncode == 0, created.stderr
    with serving(data, env=child_env(**DOOR)) as running:
        running.token = created.stdout.strip()
        yield running


def data_dir(served: Served) -> Path:
    return served.log_path.parent / "data"


def bad_delivery(port: int, client: str) -> int:
    body, headers = delivery(7, 1, secret="not-the-secret")
    return request(port, "POST", "/webhooks/github", client=client, body=body, headers=headers).status


# --- rate limits ---------------------------------------------------------------------------------


def test_a_client_over_its_rate_gets_429_with_retry_after(served: Served) -> None:
    auth = {"Authorization": f"Bearer {served.token}"}
    answers = [request(served.port, "GET", "/api/v1/reviews", client="203.0.113.10", headers=auth) for _ in range(7)]
    assert [a.status for a in answers[:5]] == [200] * 5
    refused = answers[5]
    assert refused.status == 429
    assert refused.headers["content-type"] == PROBLEM_JSON
    assert int(refused.headers["retry-after"]) >= 1
    assert "too many requests from this address" in str(refused.json()["detail"])
    assert served.token not in refused.body.decode()
    # another client is not affected by the first one's count
    assert request(served.port, "GET", "/api/v1/reviews", client="203.0.113.11", headers=auth).status == 200


def test_signed_webhooks_are_never_refused_for_rate(served: Served) -> None:
    statuses = []
    for number in range(1, 9):  # more than the 5/minute per address
        body, headers = delivery(8, number)
        statuses.append(
            request(served.port, "POST", "/webhooks/github", client="203.0.113.20", body=body, headers=headers).status
        )
    assert statuses == [202] * 8


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(served: Served) -> None:
    # the test itself is the trusted proxy; a forged left-most hop does not hide the hop the proxy appended
    for _ in range(6):
        answer = request(served.port, "GET", "/api/v1/reviews", client="10.9.9.9, 203.0.113.12")
    assert answer.status == 429
    assert request(served.port, "GET", "/api/v1/reviews", client="10.9.9.9, 203.0.113.13").status == 401


# --- automatic blocks --------------------------------------------------------------------------------


def test_signature_failures_block_the_address(served: Served) -> None:
    client = "203.0.113.30"
    assert [bad_delivery(served.port, client) for _ in range(3)] == [401] * 3
    assert bad_delivery(served.port, client) in (401, 429)  # the failure past the threshold places the block
    blocked = request(served.port, "GET", "/healthz", client=client)
    assert blocked.status == 429
    assert "blocked until" in str(blocked.json()["detail"])
    assert int(blocked.headers["retry-after"]) >= 1  # when to come back: the block's end (ADR 0559)
    body, headers = delivery(9, 1)  # even a valid delivery: the block answers before the body is read
    assert request(served.port, "POST", "/webhooks/github", client=client, body=body, headers=headers).status == 429
    assert request(served.port, "GET", "/healthz", client="203.0.113.31").status == 200  # others are served
    assert "blocked ip:203.0.113.30 for 600 s (strike 1)" in served.wait_for_log("strike 1")


def test_a_block_expires_and_the_next_one_lasts_twice_as_long(tmp_path: Path) -> None:
    client = "203.0.113.32"
    env = child_env(**{**DOOR, "TFREVIEW_DOOR__BLOCK_SECONDS": "2"})
    with serving(tmp_path / "data", "--no-worker", env=env) as running:
        assert [bad_delivery(running.port, client) for _ in range(3)] == [401] * 3
        assert bad_delivery(running.port, client) in (401, 429)  # the failure past the threshold places the block
        assert "blocked ip:203.0.113.32 for 2 s (strike 1)" in running.wait_for_log("strike 1")
        deadline = time.monotonic() + WAIT
        while request(running.port, "GET", "/healthz", client=client).status == 429:  # 2 s, then it expires
            assert time.monotonic() < deadline, "the block did not expire"
            time.sleep(0.2)
        assert bad_delivery(running.port, client) in (401, 429)  # the window still holds the earlier failures
        assert request(running.port, "GET", "/healthz", client=client).status == 429  # blocked again ...
        assert "blocked ip:203.0.113.32 for 4 s (strike 2)" in running.wait_for_log("strike 2")  # ... twice as long


def test_an_allow_listed_address_is_never_blocked(served: Served) -> None:
    assert [bad_delivery(served.port, "198.51.100.7") for _ in range(8)] == [401] * 8
    assert request(served.port, "GET", "/healthz", client="198.51.100.7").status == 200


def test_credential_failures_block_the_address_and_the_token(served: Served) -> None:
    forged = {"Authorization": "Bearer tfr_forged_canary_0123456789abcdef"}
    statuses = [
        request(served.port, "GET", "/api/v1/reviews", client="203.0.113.40", headers=forged).status for _ in range(5)
    ]
    assert statuses[:3] == [401] * 3
    assert statuses[-1] == 429
    # the same token from another address is refused too: the token itself is blocked
    assert request(served.port, "GET", "/api/v1/reviews", client="203.0.113.41", headers=forged).status == 429
    assert "tfr_forged_canary" not in served.log()


def test_dashboard_sign_in_failures_block_the_address_like_the_api(served: Served) -> None:
    # the sign-in form checks an API token as the API does: guessing there must not escape the block
    client = "203.0.113.42"
    page = request(served.port, "GET", "/signin", client=client)
    assert page.status == 200
    csrf = re.search(rb'name="csrf" value="([^"]+)"', page.body)
    assert csrf is not None
    form = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": page.headers["set-cookie"].split(";")[0],
    }
    guesses = [f"tfr_guess{n}_canary_0123456789abcdef" for n in range(4)]  # the page and 4 posts: within 5/minute
    statuses = [
        request(
            served.port,
            "POST",
            "/signin/token",
            client=client,
            body=f"token={guess}&csrf={csrf.group(1).decode()}".encode(),
            headers=form,
        ).status
        for guess in guesses
    ]
    assert statuses[:3] == [401] * 3
    assert statuses[3] in (401, 429)  # the failure past the threshold places the block
    assert request(served.port, "GET", "/healthz", client=client).status == 429  # the address is blocked
    assert request(served.port, "GET", "/healthz", client="203.0.113.43").status == 200
    assert not any(guess in served.log() for guess in guesses)


def test_an_under_scoped_token_hammering_a_write_route_is_blocked_and_its_audit_entries_bounded(
    served: Served,
) -> None:
    # review15a: each 403 of a valid read token on a write route wrote an auth.failure audit row and counted toward
    # no block: a low-privilege client appended rows at its rate limit for as long as it liked (ADR 0540 bounds
    # refused credentials by the block; ADR 0550)
    created = prepared(data_dir(served), "tokens", "create", "--tenant", "github:7", "--scope", "read", "--name", "ro")
    assert created.returncode == 0, created.stderr
    reader = {"Authorization": f"Bearer {created.stdout.strip()}"}
    statuses = [  # a new address each time: the per-address rate and block are not what stops it
        request(served.port, "POST", "/api/v1/reviews/r-1/retry", client=f"203.0.113.{70 + n}", headers=reader).status
        for n in range(6)
    ]
    assert statuses == [403] * 4 + [429] * 2  # refused for its scope until the block, then blocked (ADR 0559)
    # the token is blocked: its allowed reads are refused too, from yet another address
    assert request(served.port, "GET", "/api/v1/reviews", client="203.0.113.90", headers=reader).status == 429
    listed = prepared(data_dir(served), "audit-log", "--action", "auth.failure", "--limit", "500", "-o", "json")
    assert listed.returncode == 0, listed.stderr
    forbidden = [e for e in json.loads(listed.stdout) if e["detail"].get("reason") == "forbidden"]
    assert 1 <= len(forbidden) <= 4  # block_failures and the one that placed the block: the rest stop at the door


def test_block_add_list_remove_from_the_command_line(served: Served) -> None:
    client = "203.0.113.50"
    added = cli(data_dir(served), "block", "add", f"ip:{client}", "--minutes", "10", "--reason", "drill")
    assert added.returncode == 0, added.stderr
    assert _settles_to(429, lambda: request(served.port, "GET", "/healthz", client=client).status)
    listed = cli(data_dir(served), "block", "list")
    assert f"ip:{client}" in listed.stdout
    assert "drill" in listed.stdout
    removed = cli(data_dir(served), "block", "remove", f"ip:{client}")
    assert removed.returncode == 0, removed.stderr
    assert _settles_to(200, lambda: request(served.port, "GET", "/healthz", client=client).status)
    refused = cli(data_dir(served), "block", "add", "not-a-source")
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines()[-1].startswith("tfreview: error: not a source")
    assert "Traceback" not in refused.stderr


def _settles_to(status: int, ask: Callable[[], int]) -> bool:
    """True once `ask()` answers `status`: another process's change is seen by the door one refresh of its cache
    later, the refresh running off the event loop while requests get the last view (ADR 0568)."""
    deadline = time.monotonic() + WAIT
    while ask() != status:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# --- slow clients ------------------------------------------------------------------------------------


def test_a_slowloris_head_is_cut_within_the_timeout_while_others_are_served(served: Served) -> None:
    conn = socket.create_connection(("127.0.0.1", served.port), timeout=WAIT)
    conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    answered: list[int] = []
    started = time.monotonic()
    cut_after = None
    with conn, ThreadPoolExecutor(4) as pool:
        others = [pool.submit(request, served.port, "GET", "/healthz", client=f"203.0.113.{60 + i}") for i in range(4)]
        try:
            while time.monotonic() - started < WAIT:
                conn.sendall(b"X")  # one header byte at a time, never the end of the head
                conn.settimeout(0.2)
                with contextlib.suppress(TimeoutError):
                    got = conn.recv(65536)
                    cut_after = time.monotonic() - started
                    answered.append(parse(got).status if got else 0)
                    break
        except OSError:  # reset or broken pipe: cut as well
            cut_after = time.monotonic() - started
        statuses = [f.result().status for f in others]
    assert cut_after is not None, "the slow client was never cut"
    assert answered in ([408], [0], [])
    assert statuses == [200] * 4
    line = served.wait_for_log("status=408 reason=the request head was not received within 1 s")
    assert "Traceback" not in line


def test_a_stalled_body_gets_408_in_one_line(served: Served) -> None:
    auth = f"Authorization: Bearer {served.token}"
    head = f"POST /api/v1/plans HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{auth}\r\n"
    head += "X-Forwarded-For: 203.0.113.70\r\nContent-Length: 1000\r\n\r\n"
    with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as conn:
        conn.sendall(head.encode() + b'{"format_version": ')
        got = b""
        with contextlib.suppress(OSError):
            while piece := conn.recv(65536):
                got += piece
    assert parse(got).status == 408
    text = served.wait_for_log("reason=the request body was not received within 1 s")
    assert len(log_lines_with(text, "reason=the request body was not received")) == 1
    assert "Traceback" not in text


# --- load shedding, fair share, connection limit (servers of their own) --------------------------------


def test_load_shedding_refuses_api_reads_and_uploads_but_accepts_signed_webhooks(tmp_path: Path) -> None:
    data = tmp_path / "data"
    created = prepared(data, "tokens", "create", "--tenant", "github:7", "--scope", "write", "--name", "shed")
    env = child_env(TFREVIEW_DOOR__SHED_QUEUE_DEPTH="2", TFREVIEW_DOOR__SHED_CHECK_SECONDS="0.05")
    with serving(data, "--no-worker", env=env) as running:
        auth = {"Authorization": f"Bearer {created.stdout.strip()}"}
        assert request(running.port, "GET", "/api/v1/reviews", headers=auth).status == 200
        for number in range(1, 4):  # three queued jobs of the token's tenant (no worker runs them): past 2
            body, headers = delivery(7, number)
            assert request(running.port, "POST", "/webhooks/github", body=body, headers=headers).status == 202
        time.sleep(0.1)  # one shedding check period
        assert _settles_to(503, lambda: request(running.port, "GET", "/api/v1/reviews", headers=auth).status)
        shed = request(running.port, "GET", "/api/v1/reviews", headers=auth)
        assert shed.status == 503
        assert shed.headers["content-type"] == PROBLEM_JSON
        assert shed.headers["retry-after"] == "30"
        assert "3 jobs queued" in str(shed.json()["detail"])
        upload = request(
            running.port, "POST", "/api/v1/plans", body=b"{}", headers={**auth, "Content-Type": "application/json"}
        )
        assert upload.status == 503
        body, headers = delivery(30, 1)
        assert request(running.port, "POST", "/webhooks/github", body=body, headers=headers).status == 202
        assert request(running.port, "GET", "/healthz").status == 200
        running.wait_for_log("load shedding on: 3 jobs queued")


def test_q10_shedding_refuses_the_tenant_that_fills_the_queue_and_serves_the_others(tmp_path: Path) -> None:
    data = tmp_path / "data"
    noisy = prepared(data, "tokens", "create", "--tenant", "github:21", "--scope", "write", "--name", "noisy")
    quiet = prepared(data, "tokens", "create", "--tenant", "github:22", "--scope", "write", "--name", "quiet")
    env = child_env(TFREVIEW_DOOR__SHED_QUEUE_DEPTH="4", TFREVIEW_DOOR__SHED_CHECK_SECONDS="0.05")
    plan = (REPO / "examples" / "demo" / "plan.json").read_bytes()
    with serving(data, "--no-worker", env=env) as running:
        for number in range(1, 7):  # tenant github:21 floods: six queued jobs (no worker runs them), past 4
            body, headers = delivery(21, number)
            assert request(running.port, "POST", "/webhooks/github", body=body, headers=headers).status == 202
        body, headers = delivery(22, 1)  # the quiet tenant has one waiting too
        assert request(running.port, "POST", "/webhooks/github", body=body, headers=headers).status == 202
        noisy_auth = {"Authorization": f"Bearer {noisy.stdout.strip()}"}
        # serve made its first look before it listened (ADR 0580): the queue is seen one recheck later (ADR 0568)
        assert _settles_to(503, lambda: request(running.port, "GET", "/api/v1/reviews", headers=noisy_auth).status)
        for token, served in ((noisy, False), (quiet, True)):
            auth = {"Authorization": f"Bearer {token.stdout.strip()}"}
            read = request(running.port, "GET", "/api/v1/reviews", headers=auth)
            upload = request(
                running.port, "POST", "/api/v1/plans", body=plan, headers={**auth, "Content-Type": "application/json"}
            )
            if served:
                assert (read.status, upload.status) == (200, 202), (read.body, upload.body)
            else:
                assert (read.status, upload.status) == (503, 503)
                assert read.headers["retry-after"] == "30"
                assert "7 jobs queued" in str(read.json()["detail"])
        running.wait_for_log("load shedding on: 7 jobs queued")


def test_one_flooding_tenant_does_not_starve_another(tmp_path: Path) -> None:
    from tfreview.store.database import Database
    from tfreview.store.jobs import SqlJobQueue

    data = tmp_path / "data"
    with serving(data, "--no-worker", env=child_env(TFREVIEW_DOOR__PER_TENANT="5/minute")) as running:
        for number in range(1, 21):  # tenant github:40 floods: 20 deliveries, over its 5/minute
            body, headers = delivery(40, number)
            assert request(running.port, "POST", "/webhooks/github", body=body, headers=headers).status == 202
        body, headers = delivery(41, 1)  # then tenant github:41 sends one
        assert request(running.port, "POST", "/webhooks/github", body=body, headers=headers).status == 202
        running.wait_for_log("tenant github:40 is over its delivery rate")
    database = Database(f"sqlite:///{data / 'tfreview.db'}", 5000)
    try:
        queue = SqlJobQueue(database)
        claimed = [queue.claim("fairness-test") for _ in range(2)]
    finally:
        database.close()
    tenants = [job.tenant_id for job in claimed if job is not None]
    assert tenants == ["github:40", "github:41"]  # the second claim goes to the quiet tenant, not the 19 waiting


def test_past_the_connection_limit_requests_get_503(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = child_env(TFREVIEW_DOOR__MAX_CONNECTIONS="4", TFREVIEW_DOOR__HEADER_TIMEOUT_SECONDS="60")
    with serving(data, env=env) as running:
        held = [socket.create_connection(("127.0.0.1", running.port), timeout=WAIT) for _ in range(4)]
        try:
            assert request(running.port, "GET", "/healthz").status == 503
        finally:
            for conn in held:
                conn.close()
        deadline = time.monotonic() + WAIT
        while request(running.port, "GET", "/healthz").status != 200:
            assert time.monotonic() < deadline, "the server did not recover once the connections closed"
            time.sleep(0.1)
