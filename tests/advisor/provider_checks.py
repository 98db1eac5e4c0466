"""The checks every model adapter's test runs the same way against its vendor's fake: a call that must
fail, a scripted error answer (classified, one request), an answer that breaks the schema (returned,
for the chain to validate), a server that hangs (a timeout within the given time, one request)."""

from __future__ import annotations

import time

import pytest
from _pytest.mark import MarkDecorator

from tests.fakes.llm_common import SCHEMA_BREAKING_TEXT, Behaviour, FakeModelServer
from tfreview.advisor.model import ModelClient, Prompt, ProviderError


def fails(model: ModelClient, prompt: Prompt, timeout: float = 5.0) -> ProviderError:
    """The ProviderError the call raises (the test fails if it returns)."""
    with pytest.raises(ProviderError) as caught:
        model.complete(prompt, timeout=timeout)
    return caught.value


# (test id, the fake's answer, kind, retriable, status, retry_after) of one classified upstream error
ErrorCase = tuple[str, Behaviour, str, bool, int | None, float | None]


def error_cases(cases: list[ErrorCase]) -> MarkDecorator:
    """Parametrize a test over `cases` as (behaviour, kind, retriable, status, retry_after), ids from the cases."""
    return pytest.mark.parametrize(
        ("behaviour", "kind", "retriable", "status", "retry_after"),
        [case[1:] for case in cases],
        ids=[case[0] for case in cases],
    )


def check_classified_error(
    fake: FakeModelServer,
    model: ModelClient,
    prompt: Prompt,
    behaviour: Behaviour,
    *,
    kind: str,
    retriable: bool,
    status: int | None,
    retry_after: float | None,
) -> None:
    """The fake's answer becomes a ProviderError of this provider, kind, status and retry-after, in one request."""
    fake.script(behaviour)

    error = fails(model, prompt)

    assert (error.provider, error.kind, error.retriable, error.status) == (model.provider, kind, retriable, status)
    assert error.retry_after == retry_after
    assert fake.request_count == 1  # L3: no retry inside the adapter, whatever the error


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
