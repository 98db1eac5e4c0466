"""`tfreview submit` (the Spacelift after_plan hook) against a scripted HTTP server on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tfreview.cli import main
from tfreview.core.errors import ConfigError, InputError, UpstreamError
from tfreview.submit import SPACELIFT_ENVIRONMENT, read_plan, spacelift_metadata, submit_plan

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "examples" / "demo" / "plan.json"
TOKEN = "tfr_canary-token-never-printed-7f3a"

SPACELIFT_RUN = {
    "TF_VAR_spacelift_account_name": "acme.app.spacelift.io",
    "TF_VAR_spacelift_stack_id": "network-prod",
    "TF_VAR_spacelift_run_id": "01JKZAHVAQHFM8CC3EA5HWRMP1",
    "TF_VAR_spacelift_run_type": "PROPOSED",
    "TF_VAR_spacelift_repository": "acme/infra",
    "TF_VAR_spacelift_commit_sha": "0123456789abcdef0123456789abcdef01234567",
    "TF_VAR_spacelift_commit_branch": "feature/vpc",
}


@dataclass
class Recorded:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Script:
    """Answers to give, in order (the last one repeats): (status, headers, body)."""

    answers: list[tuple[int, dict[str, str], bytes]]
    requests: list[Recorded] = field(default_factory=list)

    def next_answer(self) -> tuple[int, dict[str, str], bytes]:
        index = min(len(self.requests) - 1, len(self.answers) - 1)
        return self.answers[index]


@pytest.fixture
def service() -> Iterator[tuple[str, Script]]:
    script = Script(answers=[])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            parts = urlsplit(self.path)
            script.requests.append(Recorded(parts.path, parse_qs(parts.query), dict(self.headers.items()), body))
            status, headers, answer = script.next_answer()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", script
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def accepted(review_id: str = "rev_123") -> tuple[int, dict[str, str], bytes]:
    body = json.dumps({"review": review_id, "url": f"/api/v1/reviews/{review_id}", "status": "accepted"}).encode()
    return 202, {"Content-Type": "application/json"}, body


def problem(status: int, title: str, detail: str) -> tuple[int, dict[str, str], bytes]:
    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail}).encode()
    return status, {"Content-Type": "application/problem+json"}, body


def no_sleep(seconds: float) -> None:
    pass


def test_spacelift_metadata_reads_the_documented_variables() -> None:
    metadata = spacelift_metadata(SPACELIFT_RUN)
    assert metadata == {
        "source": "spacelift",
        "account": "acme",
        "stack_id": "network-prod",
        "run_id": "01JKZAHVAQHFM8CC3EA5HWRMP1",
        "repository": "acme/infra",
        "commit_sha": "0123456789abcdef0123456789abcdef01234567",
    }
    assert set(SPACELIFT_ENVIRONMENT.values()) <= set(SPACELIFT_RUN)


def test_spacelift_metadata_outside_a_run_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="TF_VAR_spacelift_stack_id, TF_VAR_spacelift_run_id not set"):
        spacelift_metadata({})


def test_read_plan_rejects_a_binary_plan_and_non_plans(tmp_path: Path) -> None:
    binary = tmp_path / "spacelift.plan"
    binary.write_bytes(b"PK\x03\x04binary")
    with pytest.raises(InputError, match="terraform show -json"):
        read_plan(str(binary))
    state = tmp_path / "state.json"
    state.write_text('["not", "a", "plan"]')
    with pytest.raises(InputError, match="not a Terraform plan JSON"):
        read_plan(str(state))
    with pytest.raises(InputError, match="cannot read"):
        read_plan(str(tmp_path / "missing.json"))


def test_submit_posts_the_plan_with_token_and_metadata(service: tuple[str, Script]) -> None:
    url, script = service
    script.answers = [accepted("rev_42")]
    result = submit_plan(url, PLAN.read_bytes(), TOKEN, spacelift_metadata(SPACELIFT_RUN), sleep=no_sleep)
    assert result.review_id == "rev_42"
    assert result.review_url == f"{url}/api/v1/reviews/rev_42"
    [request] = script.requests
    assert request.path == "/api/v1/plans"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.query["stack_id"] == ["network-prod"]
    assert request.query["run_id"] == ["01JKZAHVAQHFM8CC3EA5HWRMP1"]
    assert request.query["source"] == ["spacelift"]
    assert request.body == PLAN.read_bytes()


def test_submit_retries_5xx_with_growing_backoff(service: tuple[str, Script]) -> None:
    url, script = service
    script.answers = [problem(503, "Service Unavailable", "database locked"), (502, {}, b"bad gateway"), accepted()]
    delays: list[float] = []
    result = submit_plan(url, PLAN.read_bytes(), TOKEN, {}, sleep=delays.append)
    assert result.review_id == "rev_123"
    assert len(script.requests) == 3
    assert len(delays) == 2
    assert delays[0] < delays[1]
    assert len({r.body for r in script.requests}) == 1


def test_submit_honours_retry_after(service: tuple[str, Script]) -> None:
    url, script = service
    script.answers = [(429, {"Retry-After": "7"}, b""), accepted()]
    delays: list[float] = []
    submit_plan(url, PLAN.read_bytes(), TOKEN, {}, sleep=delays.append)
    assert delays == [7.0]


def test_submit_gives_up_after_three_tries(service: tuple[str, Script]) -> None:
    url, script = service
    script.answers = [problem(500, "Internal Server Error", "boom")]
    with pytest.raises(UpstreamError, match="gave up after 3 tries") as caught:
        submit_plan(url, PLAN.read_bytes(), TOKEN, {}, sleep=no_sleep)
    assert len(script.requests) == 3
    assert TOKEN not in str(caught.value)


def test_submit_to_nothing_listening_is_upstream_error() -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on: bound, never listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        with pytest.raises(UpstreamError, match="cannot reach"):
            submit_plan(f"http://127.0.0.1:{port}", PLAN.read_bytes(), TOKEN, {}, sleep=no_sleep)


def test_submit_4xx_is_not_retried_and_shows_the_problem(service: tuple[str, Script]) -> None:
    url, script = service
    script.answers = [problem(422, "Unprocessable Entity", "resource_changes must be a list")]
    with pytest.raises(InputError, match="422 Unprocessable Entity: Unprocessable Entity — resource_changes must"):
        submit_plan(url, PLAN.read_bytes(), TOKEN, {}, sleep=no_sleep)
    assert len(script.requests) == 1


def test_cli_submit_prints_the_review_url_and_never_the_token(
    service: tuple[str, Script], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, script = service
    script.answers = [accepted("rev_7")]
    for name, value in SPACELIFT_RUN.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TFREVIEW_TOKEN", TOKEN)
    code = main(["submit", str(PLAN), "--url", url, "--spacelift-env", "--pull-request", "12"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"{url}/api/v1/reviews/rev_7" in out
    assert TOKEN not in out + err
    assert script.requests[0].query["pull_request"] == ["12"]


def test_cli_submit_refused_exits_2_with_the_problem(
    service: tuple[str, Script], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, script = service
    script.answers = [problem(401, "Unauthorized", "invalid or revoked token")]
    monkeypatch.setenv("MY_TOKEN", TOKEN)
    code = main(["submit", str(PLAN), "--url", url, "--token-env", "MY_TOKEN"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "401 Unauthorized" in err
    assert "invalid or revoked token" in err
    assert TOKEN not in out + err
    assert "Traceback" not in err


def test_cli_submit_without_token_exits_2(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TFREVIEW_TOKEN", raising=False)
    code = main(["submit", str(PLAN), "--url", "http://127.0.0.1:9"])
    assert code == 2
    assert "TFREVIEW_TOKEN" in capsys.readouterr().err


def test_wait_polls_until_the_review_is_finished_and_reports_progress() -> None:
    from tfreview.submit import wait_for_review

    answers = iter(
        [
            httpx.Response(503),
            httpx.Response(200, json={"status": "queued"}),
            httpx.Response(200, json={"status": "in_progress"}),
            httpx.Response(
                200,
                json={
                    "status": "completed",
                    "verdict": "warn",
                    "counts": {"findings": {"introduced": 2, "existing": 1}},
                },
            ),
        ]
    )
    seen: list[str] = []
    outcome = wait_for_review(
        "http://tfreview.test",
        "abc-123",
        "tfr_secret",
        timeout=60,
        on_status=lambda status, waited: seen.append(status),
        transport=httpx.MockTransport(lambda request: next(answers)),
        sleep=lambda seconds: None,
    )
    assert outcome.finished
    assert outcome.verdict == "warn"
    assert outcome.summary == "2 introduced, 1 existing, 0 resolved"
    assert seen == ["queued", "queued", "in_progress"]


def test_wait_refuses_a_review_it_may_not_see() -> None:
    from tfreview.submit import wait_for_review

    with pytest.raises(InputError, match="refused to show review"):
        wait_for_review(
            "http://tfreview.test",
            "abc",
            "tfr_secret",
            timeout=5,
            transport=httpx.MockTransport(lambda request: httpx.Response(404, json={"title": "Not found"})),
            sleep=lambda seconds: None,
        )
