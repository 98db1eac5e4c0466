"""Integrations wiring (docs/adr/0033-catching-up.md): GitHub and Spacelift plan sources, publishers and
reconcilers, mounted into the services by `build_services` / `build_memory_services` (tfreview.wiring;
the module docstring there says what each configuration adds)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from tfreview.core.errors import ConfigError
from tfreview.plumbing.clock import utcnow
from tfreview.ports.service import PlanSource, Publisher, Redelivery
from tfreview.publish.log import LogPublisher
from tfreview.service.container import Reconciler

if TYPE_CHECKING:
    import httpx

    from tfreview.integrations.github.auth import AppAuth
    from tfreview.integrations.github.client import GitHubClient
    from tfreview.integrations.github.clients import GitHubClients
    from tfreview.integrations.github.settings import GitHubAppSettings
    from tfreview.ops.recorder import Recorder
    from tfreview.plumbing.clock import Clock
    from tfreview.settings import Settings
    from tfreview.wiring import WiredServices

logger = logging.getLogger("tfreview.wiring")


# --- GitHub and Spacelift -------------------------------------------------------------------------


def _review_links(services: WiredServices) -> Callable[[str], str]:
    """Review id → the review's dashboard page at `server.public_url` (what PR and run comments link)."""
    from tfreview.core.links import review_page_url

    return lambda review_id: review_page_url(services.settings.server.public_url, review_id)


def wire_integrations(
    services: WiredServices,
    *,
    keep_publisher: bool = False,
    keep_sources: bool = False,
    http: httpx.Client | None = None,
) -> WiredServices:
    """`services` with the configured integrations: plan sources, the routing publisher, the reconcilers and
    GitHub's redelivery (see the module docstring). The same services when neither integration is configured.
    `http` (tests) replaces the outbound HTTP clients; otherwise each integration gets its own, closed
    with the services."""
    settings = services.settings
    github = settings.github_app
    spacelift = settings.spacelift_api
    if github.mode == "off" and not spacelift.enabled:
        return services
    from tfreview.integrations.publishers import RoutingPublisher

    routes: dict[str, list[Publisher]] = {}
    sources = dict(services.sources)
    found = _Found()
    github_publisher: Publisher | None = None
    if github.mode != "off":
        github_publisher = _wire_github(services, sources, found, http)
        routes["github"] = [github_publisher]
    if spacelift.enabled:
        _wire_spacelift(services, sources, routes, github_publisher, found, http)
    services = replace(
        services,
        sources=services.sources if keep_sources else sources,
        publisher=services.publisher if keep_publisher else RoutingPublisher(routes, always=[LogPublisher()]),
        reconcilers=(*services.reconcilers, *found.reconcilers),
        redelivery=found.redelivery or services.redelivery,
        # a test's own HTTP client: no review process could build the GitHub source again (ADR 0689)
        sources_from_settings=services.sources_from_settings and http is None,
    )
    logger.info(
        "integrations: %s; publishing %s",
        ", ".join(f"{kind} source {type(source).__name__}" for kind, source in sorted(services.sources.items())),
        ", ".join(f"{kind} → {'+'.join(type(p).__name__ for p in ps)}" for kind, ps in sorted(routes.items())) or "-",
    )
    return services


@dataclass
class _Found:
    """What the integrations add beside sources and routes (gathered, then put in the services once)."""

    reconcilers: list[Reconciler] = field(default_factory=list)
    redelivery: Redelivery | None = None


def _outbound_http(services: WiredServices, http: httpx.Client | None, timeout: float, upstream: str) -> httpx.Client:
    if http is not None:
        return http
    client = _counted_client(services.metrics, timeout, upstream)
    services.closers.add(client.close)
    return client


def _counted_client(metrics: Recorder, timeout: float, upstream: str) -> httpx.Client:
    from tfreview.ops.upstream import CountingTransport
    from tfreview.plumbing.http import outbound_client

    def counted(transport: httpx.BaseTransport) -> httpx.BaseTransport:  # direct and through each proxy alike
        return CountingTransport(transport, metrics, upstream)

    return outbound_client(timeout=timeout, wrap=counted)


def github_review_source(settings: Settings, metrics: Recorder) -> tuple[PlanSource, Callable[[], None]]:
    """The GitHub plan source alone, as `_wire_github` builds it for `settings` — and what closes it: a review
    process's (ADR 0689), with no database and no publisher. Its clock is the wall clock (the stores' clock of
    a test's services is not in that process)."""
    from tfreview.integrations.github.source import GitHubPlanSource

    if settings.github_app.mode == "off":
        raise ConfigError("a review process needs github_app configured (TFREVIEW_GITHUB_APP__*)")
    client_http = _counted_client(metrics, settings.github_app.request_timeout_seconds, "github")
    try:
        clients, _app_client, _app_auth = _github_clients(settings.github_app, client_http, metrics, utcnow)
    except BaseException:
        client_http.close()
        raise
    return GitHubPlanSource(clients), client_http.close


def _github_clients(
    settings: GitHubAppSettings, client_http: httpx.Client, metrics: Recorder, stores_clock: Clock
) -> tuple[GitHubClients, GitHubClient, AppAuth | None]:
    """The GitHub clients on `client_http`: the App's (or the plain token's), rate limited on `stores_clock`."""
    from tfreview.integrations.github.auth import AppAuth, GitHubAuth, TokenAuth
    from tfreview.integrations.github.client import GitHubClient
    from tfreview.integrations.github.clients import GitHubClients
    from tfreview.integrations.github.ratelimit import RateLimiter

    auth: GitHubAuth
    app_auth: AppAuth | None = None
    if settings.mode == "app":
        auth = app_auth = AppAuth(settings, client_http, lambda: stores_clock().timestamp())
    else:
        token = settings.token_source()
        if token is None:  # mode "token" means a token source is set
            raise ConfigError("github_app.token is not set")
        auth = TokenAuth(token)
    limiter = RateLimiter(
        writes_per_minute=settings.writes_per_minute,
        writes_per_hour=settings.writes_per_hour,
        max_wait_seconds=settings.max_rate_limit_wait_seconds,
        restart_writes=True,  # a publish restarts after any wait, under the per-PR publish lock (issue 9.11)
        clock=lambda: stores_clock().timestamp(),  # jobs' waits, GitHub's blocks and tokens: one clock (ADR 0515)
        metrics=metrics,
    )
    app_client = GitHubClient(
        client_http, settings.api_url, auth, limiter=limiter, max_response_bytes=settings.max_response_bytes
    )
    return GitHubClients(app_client, app=app_auth is not None), app_client, app_auth


def _wire_github(
    services: WiredServices, sources: dict[str, PlanSource], found: _Found, http: httpx.Client | None
) -> Publisher:
    from tfreview.integrations.github.marker import AppIdentity
    from tfreview.integrations.github.publisher import GitHubPublisher
    from tfreview.integrations.github.source import GitHubPlanSource
    from tfreview.service.github_reconcilers import DeliveryReconciler, PermissionCheck, PullRequestReconciler

    settings = services.settings.github_app
    client_http = _outbound_http(services, http, settings.request_timeout_seconds, "github")
    clients, app_client, app_auth = _github_clients(settings, client_http, services.metrics, services.clock)
    sources["github"] = GitHubPlanSource(clients)
    identity = None
    if settings.mode == "token":
        if not settings.token_login:
            raise ConfigError(
                "github_app.token_login is required with a plain token: tfreview finds its own "
                "comment by its author's login (TFREVIEW_GITHUB_APP__TOKEN_LOGIN)"
            )
        identity = AppIdentity(login=settings.token_login)
    publisher = GitHubPublisher(
        clients,
        settings,
        identity=identity,
        review_links=_review_links(services),
        failed_conclusion=services.settings.github.failed_review_conclusion,
    )
    if app_auth is not None:
        deliveries = DeliveryReconciler(app_client, services)
        found.redelivery = deliveries  # the dashboard's "redeliver" asks GitHub through it
        found.reconcilers.extend(
            [
                PermissionCheck(app_client, app_auth),
                deliveries,
                PullRequestReconciler(app_client, services),
            ]
        )
    else:
        logger.warning(
            "GitHub: a plain token is configured: no delivery or pull-request reconciler (they need a GitHub App)"
        )
    logger.info("GitHub: %s at %s", f"App {settings.app_id}" if app_auth else "a plain token", settings.api_url)
    return publisher


def _wire_spacelift(
    services: WiredServices,
    sources: dict[str, PlanSource],
    routes: dict[str, list[Publisher]],
    github_publisher: Publisher | None,
    found: _Found,
    http: httpx.Client | None,
) -> None:
    from tfreview.integrations.spacelift.client import SpaceliftClient
    from tfreview.integrations.spacelift.crosscheck import SpaceliftCheckedPlanSource
    from tfreview.integrations.spacelift.publisher import SpaceliftPublisher
    from tfreview.service.combining import PullRequestCombiner
    from tfreview.service.spacelift_reconciler import SpaceliftReconciler, SpaceliftRunReconciler

    settings = services.settings.spacelift_api
    client = SpaceliftClient(_outbound_http(services, http, settings.timeout_seconds, "spacelift"), settings)
    if "api" in sources:
        sources["api"] = SpaceliftCheckedPlanSource(sources["api"], client, settings)
    run_publisher = SpaceliftPublisher(client, settings, review_links=_review_links(services))
    spacelift_route: list[Publisher] = [run_publisher]
    if github_publisher is not None:
        # one PR comment: a PR's HCL review and its proposed run's plan review, combined (whichever ends last)
        combiner = PullRequestCombiner(github_publisher, services.reviews, client, settings)
        routes["github"] = [combiner]
        spacelift_route.append(combiner)
    routes["spacelift"] = spacelift_route
    routes["api"] = [run_publisher]  # an upload naming a stack and a run (it ignores the others)
    found.reconcilers.append(SpaceliftRunReconciler(SpaceliftReconciler(client, services, settings), settings))
    logger.info("Spacelift: account %s, %d stack(s) reconciled", settings.account, len(settings.stacks))
