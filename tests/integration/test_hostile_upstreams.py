"""Every service tfreview calls, gone hostile (`tests/fakes/hostile.py`): GitHub, Spacelift, OpenAI, Anthropic,
Slack and PagerDuty clients, each wired as the service wires it (`outbound_client`), against answers that never
end, never come, inflate, lie about their length, redirect off the host, or echo our credentials back.

Each call fails with the client's own error type and a precise message, within its deadline (the fakes' slow
answers are bounded by a byte ceiling that the deadline must cut short), and no canary credential reaches an
error message or a log line."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.fakes import hostile
from tests.fakes.hostile import HostileServer, StalledAccept
from tfreview.advisor.anthropic import AnthropicClient
from tfreview.advisor.model import Prompt, ProviderError
from tfreview.advisor.openai import OpenAIClient
from tfreview.core.errors import AuthError, UpstreamError
from tfreview.integrations.github import GitHubClient, TokenAuth
from tfreview.integrations.github.errors import GitHubRejected, GitHubUnavailable
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
    Client("spacelift", _spacelift, (UpstreamError, AuthRejected)),
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
