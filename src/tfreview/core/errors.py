"""The one error tree of tfreview.

    TfreviewError
     ├── InputError      bad input from the user: a file that is not a plan, an HCL syntax error
     ├── ConfigError     a bad .tfreview.toml, an unknown rule id, a bad flag value
     ├── UpstreamError   an external system failed (a git command, GitHub, a model)
     │    └── StoreUnavailable   the database is down or locked (503, retry)
     │         └── StoreUnanswered   a queued write got no answer in time: it may still commit
     ├── DependencyPending  a job waits for another one (not a failure: it runs again later, uncounted)
     │    └── UpstreamRateLimited  …or for an upstream's rate limit (also an UpstreamError; bounded in total time)
     ├── AuthError       not authenticated (401) or not allowed (403)
     ├── NotFound        absent, or another tenant's (404 either way)
     ├── IntegrityError  stored data does not match its hash
     └── RuleError       a rule raised while checking one resource (becomes a diagnostic)

Each error carries the data needed to act on it; `str(error)` is one line meant for a human.
"""

from __future__ import annotations


class TfreviewError(Exception):
    """Base of every error tfreview raises on purpose."""


class InputError(TfreviewError):
    """The input cannot be read as a plan or as Terraform source."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class NotConfigured(InputError):
    """The integration a job needs (GitHub, Spacelift) is not configured here: nothing can fetch its plan, and
    nothing can publish to it either, so its failure is announced nowhere but the review (ADR 0382)."""


class ConfigError(TfreviewError):
    """The configuration (file or flags) is invalid."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class UpstreamError(TfreviewError):
    """An external system tfreview depends on failed."""


class RuleError(TfreviewError):
    """A rule raised while checking a resource; the review goes on without it."""

    def __init__(self, rule_id: str, address: str, cause: BaseException) -> None:
        self.rule_id = rule_id
        self.address = address
        super().__init__(f"rule {rule_id} failed on {address}: {type(cause).__name__}: {cause}")


class StoreUnavailable(UpstreamError):
    """The database is down, read-only or locked past busy_timeout; the caller answers 503 and retries."""


class StoreUnanswered(StoreUnavailable):
    """A write queued for the database got no answer in time: 503 as above, but it may still be committed once the
    database answers, so what depends on it must not be undone (ADR 0612)."""


class DependencyPending(TfreviewError):
    """What a job needs is still being produced (a Spacelift run waits for its uploaded plan's review): the job
    runs again after `retry_after_seconds`, and the attempt does not count against its max_attempts."""

    def __init__(self, message: str, *, retry_after_seconds: float = 5.0) -> None:
        self.retry_after_seconds = retry_after_seconds
        super().__init__(message)


class UpstreamRateLimited(DependencyPending, UpstreamError):
    """An upstream (`upstream`: "GitHub", "Spacelift") refused a request for its rate limit, or would make it wait
    longer than a worker holds a job: not a failure. The job runs again after `retry_after_seconds`, uncounted, for
    as long as `worker.rate_limit_wait_seconds` allows in all (ADR 0515); a caller that is not a worker sees an
    UpstreamError as before."""

    def __init__(self, message: str, *, retry_after_seconds: float, upstream: str) -> None:
        self.upstream = upstream
        super().__init__(message, retry_after_seconds=retry_after_seconds)


class IntegrityError(TfreviewError):
    """Stored data does not match its content hash."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(f"integrity check failed: {what}")


class AuthError(TfreviewError):
    """A request could not be authenticated (401) or authorised (403)."""

    def __init__(self, message: str, *, status: int = 401, reason: str | None = None) -> None:
        self.status = status
        # for metrics and alerts: missing | invalid | expired | revoked | forbidden (never the credential)
        self.reason = reason or ("forbidden" if status == 403 else "invalid")
        super().__init__(message)


class PermissionMissing(AuthError):
    """An upstream refused a request its credential is not allowed to make — GitHub's 403 "Resource not accessible
    by integration": the App lacks a permission. Retrying cannot help until an operator grants it: permanent (ADR
    0636). `permission`: what the upstream says the request needs (`checks=write`), when it says."""

    def __init__(self, message: str, *, permission: str | None = None) -> None:
        self.permission = permission
        super().__init__(message, status=403, reason="forbidden")


class NotFound(TfreviewError):
    """The object does not exist — or belongs to another tenant (the same answer: 404)."""


class KeysUnavailable(UpstreamError):
    """No signing keys can be had from the identity provider (cold cache, JWKS down): answer 503."""
