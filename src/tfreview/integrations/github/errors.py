"""GitHub failures, translated once at the client into tfreview's error tree.

    UpstreamError
     ├── GitHubUnavailable   5xx, a dropped connection, a timeout (retriable; a write may have happened)
     └── RateLimited         403/429 with `retry-after` or `x-ratelimit-remaining: 0` (carries the wait); also
                             the core's UpstreamRateLimited, a DependencyPending: a worker waits it out (ADR 0515)
    NotFound
     └── GitHubNotFound      404 (or a 404-as-403 for a private repository we cannot see)
    InputError
     └── GitHubRejected      400/409/410/422: GitHub refused the request as written (its message kept)
    AuthError                401 after one token refresh; 403 that is not a rate limit (retriable, ADR 0549)
     └── PermissionMissing   403 "Resource not accessible by integration" after one token refresh: the App lacks
                             a permission (named from X-Accepted-GitHub-Permissions); permanent (core, ADR 0636)

Messages hold the method, the API path and GitHub's own message, scrubbed: never a token, never a key.
"""

from __future__ import annotations

from tfreview.core.errors import InputError, NotFound, UpstreamError, UpstreamRateLimited


class GitHubUnavailable(UpstreamError):
    """GitHub answered 5xx or the connection failed. `ambiguous`: a write may have been performed anyway."""

    def __init__(self, message: str, *, status: int | None = None, ambiguous: bool = False) -> None:
        self.status = status
        self.ambiguous = ambiguous
        super().__init__(message)


class RateLimited(UpstreamRateLimited):
    """A primary or secondary rate limit; `wait_seconds` is how long GitHub asked us to wait."""

    def __init__(self, message: str, *, wait_seconds: float, kind: str) -> None:
        self.wait_seconds = wait_seconds
        self.kind = kind  # "primary" | "secondary"
        super().__init__(message, retry_after_seconds=wait_seconds, upstream="GitHub")


class GitHubNotFound(NotFound):
    """The object is absent — or the App cannot see it (GitHub answers 404 for both)."""


class GitHubRejected(InputError):
    """GitHub refused the request (422 and friends); `errors` are GitHub's own details."""

    def __init__(self, message: str, *, status: int, errors: list[str] | None = None) -> None:
        self.status = status
        self.errors = list(errors or [])
        super().__init__(message)
