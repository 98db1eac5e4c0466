"""The contract between the advisor chain and each model provider adapter.

An adapter turns one prompt into one completion with ONE upstream request (SDK retries off): the
chain above it owns retries, backoff, the circuit breaker and the fallback. Adapters translate
vendor errors into `ProviderError` here, classified in one place: `retriable` or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from tfreview.core.errors import UpstreamError


@dataclass(frozen=True, slots=True)
class Prompt:
    system: str
    user: str
    max_output_tokens: int = 1500
    json_schema: dict[str, object] | None = None  # the structured-output schema, when the provider supports it


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    model: str
    input_tokens: int
    output_tokens: int
    truncated: bool = (
        False  # the answer stopped at `max_output_tokens`, not at its end: the same prompt stops there too
    )


class ProviderError(UpstreamError):
    """One failed call to a model provider, classified once.

    kind: "throttled" | "unavailable" | "timeout" | "auth" | "invalid_request" | "quota" | "malformed" | "other"
    """

    def __init__(
        self,
        provider: str,
        kind: str,
        message: str,
        *,
        retriable: bool,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.provider = provider
        self.kind = kind
        self.retriable = retriable
        self.status = status
        self.retry_after = retry_after
        super().__init__(f"{provider}: {kind}: {message}")


class ModelClient(Protocol):
    """One configured model of one provider."""

    provider: str  # "openai" | "anthropic" | "bedrock"
    model: str

    def complete(self, prompt: Prompt, *, timeout: float) -> Completion:
        """Exactly one upstream request. Raises ProviderError."""
        ...

    def reload_credentials(self) -> bool:
        """Re-read the credential from its source (env, file); True when the next request would carry another
        credential than this thread's last request did — changed now, or by another review in flight (K3)."""
        ...
