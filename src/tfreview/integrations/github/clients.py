"""One GitHub client per App installation, built on demand from the App's client (what the plan source,
the publisher and the reconcilers share)."""

from __future__ import annotations

import threading

from tfreview.core.errors import ConfigError
from tfreview.integrations.github.client import GitHubClient


class GitHubClients:
    """`clients(installation_id)`: the client acting as that installation (one per installation, shared
    HTTP pool, auth and rate limiter). None — a review whose tenant is not an installation, e.g. a
    Spacelift run combined into a PR — is the App's only installation, or refused when there are several;
    with a plain token every call is the token's."""

    def __init__(self, client: GitHubClient, *, app: bool) -> None:
        self._client = client
        self._app = app
        self._lock = threading.Lock()
        self._by_installation: dict[int, GitHubClient] = {}

    def __call__(self, installation_id: int | None) -> GitHubClient:
        if not self._app:
            return self._client
        if installation_id is None:
            installations = [i for i in self._client.list_installations() if not i.suspended]
            if len(installations) != 1:
                raise ConfigError(
                    f"this review names no GitHub App installation and the App has {len(installations)}: "
                    "cannot tell which one to use"
                )
            installation_id = installations[0].id
        with self._lock:
            found = self._by_installation.get(installation_id)
            if found is None:
                found = self._by_installation[installation_id] = self._client.for_installation(installation_id)
            return found
