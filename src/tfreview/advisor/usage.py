"""What one AI review cost and how it went, carried on the advice it produced.

`ModelAdvice` is an `Advice` (the core's type, so every renderer reads it unchanged) with one
more field: `usage`. The core's `Advice.retry_later` says when every provider was down, so the worker
can run the AI part again once one recovers (L7).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from tfreview.advisor.budget import Omission
from tfreview.core.findings import Advice


@dataclass(frozen=True, slots=True)
class AdviceUsage:
    provider: str | None = None  # the provider that answered; None when none did
    model: str | None = None
    input_tokens: int = 0  # summed over every request of this review (a retried one included)
    output_tokens: int = 0
    latency_seconds: float = 0.0  # from the first request to the answer, sleeps included
    attempts: int = 0  # upstream requests made, on every provider
    fallbacks_used: tuple[str, ...] = ()  # "provider/model" tried before the one that answered
    estimated_cost_usd: float | None = None  # None: no price for the model in settings
    prompt_version: str = ""
    prompt_tokens_estimate: int = 0
    omission: Omission = field(default_factory=Omission)  # what the model did not see
    concerns_dropped: int = 0  # concerns naming addresses outside the change set
    failures: tuple[str, ...] = ()  # one line per failed provider: "openai/gpt-4o: throttled (3 attempts)"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready; the omitted addresses are counted, not listed (they can be 50,000)."""
        data = asdict(self)
        omission: Mapping[str, Any] = data.pop("omission")
        data["omitted"] = {
            "resources": len(omission["resources"]),
            "by_kind": dict(omission["by_kind"]),
            "facts": omission["facts"],
            "drift": omission["drift"],
            "extras": list(omission["extras"]),
        }
        data["fallbacks_used"] = list(self.fallbacks_used)
        data["failures"] = list(self.failures)
        return data


@dataclass(frozen=True, slots=True)
class ModelAdvice(Advice):
    usage: AdviceUsage = field(default_factory=AdviceUsage)
