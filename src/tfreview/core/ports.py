"""The review engine's one port: the advisor, which adds judgement to a review (adapters: tfreview.advisor)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from tfreview.core.findings import Advice, Finding
from tfreview.core.plan import ChangeSet, Coverage


@dataclass(frozen=True, slots=True)
class AdviceContext:
    change_set: ChangeSet
    findings: tuple[Finding, ...]
    coverage: Coverage
    tenant_id: str | None = None  # whose budget and limits apply (the service's tenant; None in the CLI)
    seconds: float | None = None  # the most the advice may take (the job's time left); None: the advisor's own bound


class Advisor(Protocol):
    """Adds judgement to a review. It may add concerns; it can never remove or lower a finding."""

    name: str

    def advise(self, context: AdviceContext) -> Advice: ...
