"""The checks every model adapter's test runs the same way against its vendor's fake: a call that must
fail, an answer that breaks the schema (returned, for the chain to validate), a server that hangs (a
timeout within the given time, one request)."""

from __future__ import annotations

import time

import pytest

from tests.fakes.llm_common import SCHEMA_BREAKING_TEXT, Behaviour, FakeModelServer
from tfreview.advisor.model import ModelClient, Prompt, ProviderError


def fails(model: ModelClient, prompt: Prompt, timeout: float = 5.0) -> ProviderError:
    """The ProviderError the call raises (the test fails if it returns)."""
    with pytest.raises(ProviderError) as caught:
        model.complete(prompt, timeout=timeout)
    return caught.value


def check_schema_breaking_output_is_returned(fake: FakeModelServer, model: ModelClient, prompt: Prompt) -> None:
    fake.script(fake.schema_breaking())

    assert model.complete(prompt, timeout=5).text == SCHEMA_BREAKING_TEXT


def check_a_hang_is_a_timeout(
    fake: FakeModelServer, model: ModelClient, prompt: Prompt, behaviour: Behaviour, *, requests: int = 1
) -> None:
    """`requests`: how many the fake should have seen in all (a warm-up call before this one counts)."""
    fake.script(behaviour)
    started = time.monotonic()

    error = fails(model, prompt, timeout=0.5)

    elapsed = time.monotonic() - started
    assert (error.kind, error.retriable) == ("timeout", True)
    assert 0.45 <= elapsed < 10  # timed out (a hang never ends); generous for a loaded CI machine
    assert fake.request_count == requests
