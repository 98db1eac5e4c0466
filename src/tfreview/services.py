"""The container of the service's adapters. Built in ONE place (`tfreview.wiring`), passed to the
web app and the workers; tests build it from fakes and in-memory adapters instead of monkeypatching."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tfreview.core.ports import (
    Advisor,
    Authenticator,
    HealthCheck,
    Intake,
    JobQueue,
    PlanSource,
    PlanStore,
    Publisher,
    ReviewStore,
    Tenants,
    Tokens,
)
from tfreview.settings import Settings


@dataclass
class Services:
    settings: Settings
    intake: Intake
    reviews: ReviewStore
    queue: JobQueue
    tokens: Tokens
    tenants: Tenants
    plans: PlanStore
    publisher: Publisher
    authenticator: Authenticator
    sources: Mapping[str, PlanSource] = field(default_factory=dict)  # by SourceInfo.kind
    health_checks: list[HealthCheck] = field(default_factory=list)
    advisor: Advisor | None = None  # None: rules only (the review is then `completed`, no AI part)
