"""Every service tfreview calls, gone hostile (`tests/fakes/hostile.py`): GitHub, Spacelift, OpenAI, Anthropic,
Slack and PagerDuty clients, each wired as the service wires it (`outbound_client`), against answers that never
end, never come, inflate, lie about their length, redirect off the host, or echo our credentials back.

Each call fails with the client's own error type and a precise message, within its deadline (the fakes' slow
answers are bounded by a byte ceiling that the deadline must cut short), and no canary credential reaches an
error message or a log line."""

from __future__ import annotations

import contextlib
import json
import logging
import random
import re
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.fakes import hostile
from tests.fakes.github import FakeClock
from tests.fakes.hostile import HostileServer, StalledAccept
from tests.fakes.llm_openai import FakeOpenAI
from tfreview.advisor.anthropic import AnthropicClient
from tfreview.advisor.chain import LlmAdvisor
from tfreview.advisor.model import ModelClient, Prompt, ProviderError
from tfreview.advisor.openai import OpenAIClient
from tfreview.advisor.settings import AdvisorSettings
from tfreview.core.errors import AuthError, InputError, UpstreamError
from tfreview.core.plan import ChangeSet, Coverage, ResourceChange
from tfreview.core.ports import AdviceContext
from tfreview.integrations.github import GitHubClient, TokenAuth
from tfreview.integrations.github.errors import GitHubRejected, GitHubUnavailable, RateLimited
from tfreview.integrations.github.ratelimit import LONGEST_WAIT
from tfreview.integrations.spacelift.transport import AuthRejected, GraphQLTransport
from tfreview.ops.incidents import NewIncident
from tfreview.ops.notify.message import Notification, NotifyEvent, NotifyFailure, notification_for
from tfreview.ops.notify.pagerduty import PagerDutyNotifier
from tfreview.ops.notify.slack import SlackNotifier
from tfreview.plumbing.http import outbound_client
from tfreview.plumbing.secret_references import SecretSource
from tfreview.store.memory_incidents import MemoryIncidents

TIMEOUT = 1.0  # each client's timeout: with a deadline, the whole call's
GITHUB_TOKEN = "ghp_CANARYgh0000000000000000000000000000"
SPACELIFT_JWT = "eyJCANARYsp4cel1ft.jwt0000000000000000.sig0000000000"
OPENAI_KEY = "sk-proj-CANARYop3na1000000000000000000000000"
ANTHROPIC_KEY = "sk-ant-api03-CANARYanthr0p1c00000000000000000"
SLACK_PATH = "CANARYslackW3bh00kPath000000"
PAGERDUTY_KEY = "CANARYpagerdutyR0ut1ngKey0000000"
CANARIES = (GITHUB_TOKEN, SPACELIFT_JWT, OPENAI_KEY, ANTHROPIC_KEY, SLACK_PATH, PAGERDUTY_KEY)
PROMPT = Prompt(system="You review Terraform changes.", user="aws_s3_bucket.logs: create", max_output_tokens=400)
SMALL_LIMIT = 1_048_576  # GitHub's smallest allowed answer limit


@dataclass(frozen=True)
class Client:
    """One call of one client against `url`, and the error type it fails with."""

    name: str
    call: Callable[[httpx.Client, str, Path], object]
    failure: type[Exception] | tuple[type[Exception], ...]


def _secret(tmp_path: Path, name: str, value: str) -> SecretSource:
    path = tmp_path / name
    path.write_text(value, encoding="utf-8")
    return SecretSource.from_file(path)


def _github(http: httpx.Client, url: str, tmp_path: Path) -> object:
    auth = TokenAuth(_secret(tmp_path, "github-token", GITHUB_TOKEN))
    client = GitHubClient(http, url, auth, sleep=lambda seconds: None, max_response_bytes=SMALL_LIMIT)
    return client.get_file("octo/infra", "main.tf", "0" * 40)


def _spacelift(http: httpx.Client, url: str, tmp_path: Path) -> object:
    transport = GraphQLTransport(
        http, f"{url}/graphql", timeout=TIMEOUT, scrub=lambda text: text.replace(SPACELIFT_JWT, "***")
    )
    return transport.execute("query Probe { viewer { id } }", {}, token=SPACELIFT_JWT)


def _openai(http: httpx.Client, url: str, tmp_path: Path) -> object:
    key = _secret(tmp_path, "openai-key", OPENAI_KEY)
    with OpenAIClient(f"{url}/v1", key, "gpt-4o-mini", http=http) as model:
        return model.complete(PROMPT, timeout=TIMEOUT)


def _anthropic(http: httpx.Client, url: str, tmp_path: Path) -> object:
    key = _secret(tmp_path, "anthropic-key", ANTHROPIC_KEY)
    with AnthropicClient(url, key, "claude-sonnet-4-5", http=http) as model:
        return model.complete(PROMPT, timeout=TIMEOUT)


def _slack(http: httpx.Client, url: str, tmp_path: Path) -> object:
    notifier = SlackNotifier(
        http, f"{url}/services/T000/B000/{SLACK_PATH}", channels=frozenset({"chat"}), levels=frozenset({1, 2, 3, 4})
    )
    notifier.send(_notification())
    return None


def _pagerduty(http: httpx.Client, url: str, tmp_path: Path) -> object:
    notifier = PagerDutyNotifier(
        http,
        PAGERDUTY_KEY,
        source="tfreview.example.com",
        channels=frozenset({"page"}),
        levels=frozenset({1, 2, 3, 4}),
        events_url=f"{url}/v2/enqueue",
    )
    notifier.send(_notification())
    return None


def _notification() -> Notification:
    incident, _ = MemoryIncidents().open(
        NewIncident("outage", "intake-errors", "outage", "critical", "Intake answers 503", 2, 10, ("page",), "shed"),
        {},
    )
    return notification_for(incident, NotifyEvent.TRIGGER, public_url="https://tfreview.example.com", details={})


CLIENTS = (
    Client("github", _github, (GitHubUnavailable, GitHubRejected, AuthError)),
    Client("spacelift", _spacelift, (UpstreamError, AuthRejected, InputError)),
    Client("openai", _openai, ProviderError),
    Client("anthropic", _anthropic, ProviderError),
    Client("slack", _slack, NotifyFailure),
    Client("pagerduty", _pagerduty, NotifyFailure),
)
NAMES = [client.name for client in CLIENTS]


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with outbound_client(timeout=TIMEOUT) as client:  # as the service wires every one of these clients
        yield client


def _fails(client: Client, http: httpx.Client, url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> str:
    """The call's failure message, after checking that it is the client's own error and names no canary."""
    caplog.set_level(logging.DEBUG)
    with pytest.raises(client.failure) as failure:
        client.call(http, url, tmp_path)
    message = str(failure.value)
    for canary in CANARIES:
        assert canary not in message
        assert canary not in caplog.text
    assert "Traceback" not in message
    return message


SLOW = {
    "headers dribbled a byte at a time": hostile.dribbled_headers,
    "body dribbled a byte at a time": hostile.dribbled_body,
    "no answer at all": hostile.silence,
}


@pytest.mark.parametrize("client", CLIENTS, ids=NAMES)
@pytest.mark.parametrize("behaviour", list(SLOW.values()), ids=list(SLOW))
def test_an_answer_that_never_ends_is_a_timeout_within_the_call_deadline(
    client: Client,
    behaviour: hostile.Behaviour,
    http: httpx.Client,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with HostileServer(behaviour) as server:
        message = _fails(client, http, server.url, tmp_path, caplog)
        assert server.dribbled < server.ceiling  # the deadline cut it short; the socket read timeout never fires
    assert "tim" in message.lower()  # "timed out", "timeout", "ReadTimeout"


@pytest.mark.parametrize("client", CLIENTS, ids=NAMES)
def test_a_connection_never_accepted_is_a_timeout(
    client: Client, http: httpx.Client, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with StalledAccept() as server:
        message = _fails(client, http, server.url, tmp_path, caplog)
    assert "tim" in message.lower()


BOMB = 100 * 1_048_576  # inflated; about 100 kB on the wire


@pytest.mark.parametrize("client", CLIENTS, ids=NAMES)
def test_a_gzip_bomb_is_cut_off_at_the_limit_without_being_inflated_whole(
    client: Client, http: httpx.Client, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with HostileServer(hostile.gzip_bomb(BOMB)) as server:
        tracemalloc.start()
        try:
            message = _fails(client, http, server.url, tmp_path, caplog)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert "answer larger than" in message
    assert peak < BOMB  # inflated a piece at a time up to the client's limit, never the whole bomb


HTML = b"<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"
NOT_JSON = {
    "JSON cut in the middle": hostile.answer(200, b'{"data": {', (("Content-Type", "application/json"),)),
    "an HTML page": hostile.answer(200, HTML, (("Content-Type", "text/html"),)),
    "bytes that are not UTF-8": hostile.answer(200, b'{"data": "\xff\xfe"}', (("Content-Type", "application/json"),)),
    "gzip that is not gzip": hostile.answer(200, b"not gzip", (("Content-Encoding", "gzip"),)),
    "an answer shorter than its Content-Length": hostile.short_body,
}
API_CLIENTS = [client for client in CLIENTS if client.name not in ("slack", "pagerduty")]  # 2xx is all they read


@pytest.mark.parametrize("client", API_CLIENTS, ids=[client.name for client in API_CLIENTS])
@pytest.mark.parametrize("behaviour", list(NOT_JSON.values()), ids=list(NOT_JSON))
def test_an_answer_that_is_not_json_is_the_clients_own_error(
    client: Client,
    behaviour: hostile.Behaviour,
    http: httpx.Client,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with HostileServer(behaviour) as server:
        message = _fails(client, http, server.url, tmp_path, caplog)
    assert re.search(r"not JSON|does not decode|DecodingError|RemoteProtocolError", message), message


WRONG_SHAPES = {
    "a list": [{"data": {"viewer": None}}],
    "an empty object": {},
    "wrong types": {"data": [], "choices": "none", "content": 5, "type": {"file": True}},
}
SHAPED_CLIENTS = [client for client in API_CLIENTS if client.name != "github"]  # GitHub's: test_client.py


@pytest.mark.parametrize("client", SHAPED_CLIENTS, ids=[client.name for client in SHAPED_CLIENTS])
@pytest.mark.parametrize("document", list(WRONG_SHAPES.values()), ids=list(WRONG_SHAPES))
def test_json_of_the_wrong_shape_is_the_clients_own_error(
    client: Client, document: object, http: httpx.Client, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with HostileServer(hostile.json_answer(200, document)) as server:
        message = _fails(client, http, server.url, tmp_path, caplog)
    assert re.search(r"not a JSON object|not a GraphQL response|no data|malformed", message), message


@pytest.mark.parametrize("client", CLIENTS, ids=NAMES)
@pytest.mark.parametrize("status", [400, 401, 403, 500])
def test_an_error_page_that_echoes_our_request_headers_names_no_credential(
    client: Client, status: int, http: httpx.Client, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with HostileServer(hostile.echoing(status)) as server:
        _fails(client, http, server.url, tmp_path, caplog)  # no canary in the message nor in any log line
        sent = " ".join(f"{head.line} {head.headers} {head.body!r}" for head in server.requests)
    assert any(canary in sent for canary in CANARIES)  # the fake did have a credential to echo back


@pytest.mark.parametrize("client", CLIENTS, ids=NAMES)
@pytest.mark.parametrize("status", [301, 307, 308])
def test_a_redirect_is_never_followed_off_the_configured_host(
    client: Client, status: int, http: httpx.Client, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with HostileServer(hostile.silence) as elsewhere:
        for target in (f"{elsewhere.url}/steal", "http://169.254.169.254/latest/meta-data/iam/security-credentials/"):
            with HostileServer(hostile.answer(status, b"", (("Location", target),))) as server:
                _fails(client, http, server.url, tmp_path, caplog)
                assert len(server.requests) <= 2  # GitHub retries a failed read once; nobody loops
        assert elsewhere.requests == []


@pytest.mark.parametrize("client", CLIENTS, ids=NAMES)
def test_a_redirect_to_itself_is_one_request_not_a_loop(
    client: Client, http: httpx.Client, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with HostileServer(hostile.silence) as server:
        server.behaviour = hostile.answer(301, b"", (("Location", f"{server.url}/graphql"),))
        _fails(client, http, server.url, tmp_path, caplog)
        assert len(server.requests) <= 2


ABSURD_WAITS = {
    "Retry-After 1e12": (("Retry-After", "1e12"),),
    "Retry-After in the year 9999": (("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT"),),
    "Retry-After negative": (("Retry-After", "-30"),),
    "Retry-After not a number": (("Retry-After", "soon"),),
    "a reset at 1e12": (("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1e12")),
    "a reset not a number": (("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "tomorrow")),
}


@pytest.mark.parametrize("status", [403, 429])
@pytest.mark.parametrize("headers", list(ABSURD_WAITS.values()), ids=list(ABSURD_WAITS))
def test_github_absurd_rate_limit_waits_are_bounded_and_never_slept_whole(
    status: int, headers: tuple[tuple[str, str], ...], http: httpx.Client, tmp_path: Path
) -> None:
    clock = FakeClock(start=1_800_000_000.0)
    auth = TokenAuth(_secret(tmp_path, "github-token", GITHUB_TOKEN))
    body = {"message": "You have exceeded a secondary rate limit."}
    with HostileServer(hostile.json_answer(status, body, headers)) as server:
        client = GitHubClient(http, server.url, auth, clock=clock, sleep=clock.sleep)
        with pytest.raises(RateLimited) as limited:
            client.get_file("octo/infra", "main.tf", "0" * 40)
    wait = limited.value.wait_seconds
    assert 0 <= wait <= LONGEST_WAIT
    assert all(0 <= seconds <= LONGEST_WAIT for seconds in clock.sleeps)
    datetime.now(UTC) + timedelta(seconds=wait)  # the job can be deferred by it (1e12 s would overflow)
    assert GITHUB_TOKEN not in str(limited.value)


def _completion(content: str) -> dict[str, object]:
    return {
        "model": "gpt-4o-mini",
        "choices": [{"message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10},
    }


CHAIN_CONTEXT = AdviceContext(
    ChangeSet(
        changes=[ResourceChange("aws_s3_bucket.logs", "aws_s3_bucket", "logs", ("create",), None, {"bucket": "l"})]
    ),
    (),
    Coverage(),
)


def test_hostile_models_fall_back_along_the_chain_to_the_one_that_answers(
    http: httpx.Client, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A model that dribbles, one that answers 10 MB, one whose answer is not UTF-8, one of the wrong shape: each
    fails on its own, within its call timeout, and the chain ends on the honest model behind them."""
    caplog.set_level(logging.DEBUG)
    runaway = json.dumps(_completion("approve " * 1_400_000)).encode()  # ~10 MB
    hostile_models = (
        hostile.dribbled_headers,
        hostile.answer(200, runaway, (("Content-Type", "application/json"),)),
        hostile.answer(200, b'{"choices": "\xff\xfe"}', (("Content-Type", "application/json"),)),
        hostile.json_answer(200, {"content": 5, "usage": "none"}),
    )
    key = _secret(tmp_path, "openai-key", OPENAI_KEY)
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(HostileServer(behaviour)) for behaviour in hostile_models]
        honest = stack.enter_context(FakeOpenAI())
        honest.valid_keys = {OPENAI_KEY}
        clients: list[ModelClient] = [
            stack.enter_context(OpenAIClient(f"{server.url}/v1", key, f"hostile-{n}", http=http))
            for n, server in enumerate(servers)
        ]
        clients.append(stack.enter_context(OpenAIClient(f"{honest.url}/v1", key, "gpt-4o-mini", http=http)))
        settings = AdvisorSettings(name="chain", max_attempts=1, call_timeout_seconds=TIMEOUT)
        advice = LlmAdvisor(clients, settings, rng=random.Random(5)).advise(CHAIN_CONTEXT)
        assert servers[0].dribbled < servers[0].ceiling

    assert (advice.is_llm, advice.source) == (True, "openai/gpt-4o-mini")
    assert all(len(server.requests) == 1 for server in servers)
    assert OPENAI_KEY not in caplog.text
