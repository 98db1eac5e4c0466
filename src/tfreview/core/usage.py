"""What one AI review cost and how it went: `Advice.usage` (None when no model was asked).

The advisor fills it (advisor/chain.py); the renderers and the coverage note read it from the typed
`Advice`, never by probing for an attribute. `Omission` is what the token budget left out
(advisor/budget.py decides it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Omission:
    """What the model did not see. Empty when it saw everything."""

    resources: tuple[str, ...] = ()  # changed resources left out, riskiest first
    by_kind: Mapping[str, int] = field(default_factory=dict)
    facts: int = 0  # rule findings left out (they stay in the review; the model did not read them)
    drift: int = 0
    extras: tuple[str, ...] = ()  # names of untrusted texts left out (pr_body, …)

    @property
    def empty(self) -> bool:
        return not (self.resources or self.facts or self.drift or self.extras)

    def summary(self) -> str:
        """In our own words, no addresses: fit for the prompt and for a coverage note."""
        parts: list[str] = []
        if self.resources:
            kinds = ", ".join(f"{n:,} {kind}" for kind, n in sorted(self.by_kind.items()))
            parts.append(f"{len(self.resources):,} changed resources ({kinds})")
        if self.facts:
            parts.append(f"{self.facts:,} rule findings")
        if self.drift:
            parts.append(f"{self.drift:,} drifted resources")
        if self.extras:
            parts.append("the texts " + ", ".join(sorted(self.extras)))
        return "; ".join(parts)


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
