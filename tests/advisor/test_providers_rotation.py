"""K3 under concurrency: a key rotated while two reviews are in flight on the same model client.

Both requests leave with the old key and are answered 401 only once both have arrived, the key having been
rotated at its source in between (a `threading.Barrier` in the fake, so the interleaving is certain, not timed).
The first review's reload finds the new key; the second review's reload finds nothing new *since the first
one's*, yet its own request carried the old key: it must try once more with the new key, not give up the
model (before, the second review went "AI review unavailable" with the right key already in hand).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.llm_anthropic import FakeAnthropic
from tests.fakes.llm_bedrock import FakeBedrock
from tests.fakes.llm_common import Behaviour, FakeModelServer, RecordedRequest
from tests.fakes.llm_openai import FakeOpenAI
from tfreview.advisor.anthropic import AnthropicClient
from tfreview.advisor.bedrock import AwsCredentials, BedrockClient
from tfreview.advisor.chain import LlmAdvisor
from tfreview.advisor.model import ModelClient
from tfreview.advisor.openai import OpenAIClient
from tfreview.advisor.settings import AdvisorSettings
from tfreview.core.plan import ChangeSet, Coverage, ResourceChange
from tfreview.core.ports import AdviceContext
from tfreview.plumbing.secret_references import SecretSource

CONTEXT = AdviceContext(
    ChangeSet(
        changes=[ResourceChange("aws_s3_bucket.logs", "aws_s3_bucket", "logs", ("create",), None, {"bucket": "l"})]
    ),
    (),
    Coverage(),
)
OLD, NEW = "AKIAOLDKEY0000000001", "AKIANEWKEY0000000002"  # AWS-shaped, so Bedrock can use them as key ids too


class _HeldTogether:
    """A fake's mixin: the first two requests wait for each other; `rotate` runs once both are in (the key
    changes at its source while both are in flight), then both are answered as the fake answers them."""

    def hold_two(self, rotate: Callable[[], None]) -> None:
        self._barrier = threading.Barrier(2, action=rotate, timeout=10)
        self._held = 0
        self._held_lock = threading.Lock()

    def default(self, request: RecordedRequest) -> Behaviour:
        with self._held_lock:
            self._held += 1
            waits = self._held <= 2
        if waits:
            self._barrier.wait()
        answer: Behaviour = super().default(request)  # type: ignore[misc]  # the fake this is mixed into
        return answer


class _OpenAI(_HeldTogether, FakeOpenAI):
    pass


class _Anthropic(_HeldTogether, FakeAnthropic):
    pass


class _Bedrock(_HeldTogether, FakeBedrock):
    pass


@pytest.fixture(autouse=True)
def _no_instance_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def _file(tmp_path: Path, name: str, value: str) -> Path:
    path = tmp_path / name
    path.write_text(value, encoding="utf-8")
    return path


def _openai(fake: FakeModelServer, tmp_path: Path) -> tuple[ModelClient, list[Path]]:
    key = _file(tmp_path, "openai.key", OLD)
    return OpenAIClient(f"{fake.url}/v1", SecretSource.from_file(key), "gpt-4o-mini"), [key]


def _anthropic(fake: FakeModelServer, tmp_path: Path) -> tuple[ModelClient, list[Path]]:
    key = _file(tmp_path, "anthropic.key", OLD)
    return AnthropicClient(fake.url, SecretSource.from_file(key), "claude-sonnet-4-5"), [key]


def _bedrock(fake: FakeModelServer, tmp_path: Path) -> tuple[ModelClient, list[Path]]:
    key_id, secret = _file(tmp_path, "id", OLD), _file(tmp_path, "secret", "old-secret")
    credentials = AwsCredentials(SecretSource.from_file(key_id), SecretSource.from_file(secret))
    return BedrockClient("us-east-1", "amazon.nova-pro-v1:0", endpoint_url=fake.url, credentials=credentials), [
        key_id,
        secret,
    ]


PROVIDERS: dict[str, tuple[type[Any], Callable[[FakeModelServer, Path], tuple[ModelClient, list[Path]]]]] = {
    "openai": (_OpenAI, _openai),
    "anthropic": (_Anthropic, _anthropic),
    "bedrock": (_Bedrock, _bedrock),
}


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_k3_two_reviews_in_flight_at_a_rotation_both_continue_with_the_new_key(provider: str, tmp_path: Path) -> None:
    fake_type, make = PROVIDERS[provider]
    fake: Any = fake_type()
    fake.valid_keys = {OLD}
    with fake:
        client, files = make(fake, tmp_path)

        def rotate() -> None:  # both requests carry the old key; now it is rotated at its source
            fake.valid_keys = {NEW}
            files[0].write_text(NEW, encoding="utf-8")
            for other in files[1:]:
                other.write_text("new-secret", encoding="utf-8")

        fake.hold_two(rotate)
        advisor = LlmAdvisor([client], AdvisorSettings(name="chain", max_attempts=3))
        with ThreadPoolExecutor(2) as pool:
            advices = list(pool.map(lambda _: advisor.advise(CONTEXT), range(2)))
        close = getattr(client, "close", None)
        if close is not None:
            close()

    assert [(a.is_llm, a.unavailable_reason) for a in advices] == [(True, None), (True, None)]
    keys = [fake.key_of(r) for r in fake.requests]
    assert sorted(keys) == [NEW, NEW, OLD, OLD]  # one more request each, with the new key: no loop
