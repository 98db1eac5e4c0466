"""SpaceliftClient: the GraphQL calls tfreview makes, with the API key exchanged for a cached JWT.

    client = SpaceliftClient(http, settings.spacelift_api, clock)
    client.run(stack, run)                     → SpaceliftRun (state, type, commit, branch, comments)
    client.changes(stack, run)                 → [PlannedChange] from changesV3 (cross-check of an upload)
    client.run_comment(stack, run, body)       → RunComment
    client.run_review(stack, run, decision, note)  → RunReview (APPROVE | REJECT)
    client.runs(stack, since)                  → runs created at or after `since`, newest first

Auth: `apiKeyUser(id, secret)` gives a JWT and `validUntil` (Unix seconds); the JWT is reused until
`validUntil - token_margin_seconds` (half its life at most: a JWT shorter-lived than the margin is not exchanged
again before every call), and refreshed once when Spacelift rejects it. The key secret and
the JWT are never logged and never part of an error message (SecretSource.scrub + scrub_text).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from tfreview.core.errors import ConfigError, InputError, NotFound, UpstreamError
from tfreview.integrations.spacelift import documents
from tfreview.integrations.spacelift.models import PlannedChange, RunComment, RunPage, RunReview, SpaceliftRun
from tfreview.integrations.spacelift.settings import SpaceliftApiSettings
from tfreview.integrations.spacelift.transport import AuthRejected, GraphQLTransport
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.plumbing.secret_references import SecretSource

DECISIONS = frozenset({"APPROVE", "REJECT"})
MAX_RUN_PAGES = 50  # a reconciler scan never walks a stack's whole history


class SpaceliftClient:
    def __init__(
        self,
        http: httpx.Client,
        settings: SpaceliftApiSettings,
        clock: Clock | None = None,
        *,
        secret: SecretSource | None = None,
    ) -> None:
        if not settings.api_key_id:
            raise ConfigError("spacelift_api.api_key_id is not set")
        self._settings = settings
        self._secret = secret if secret is not None else settings.secret_source()
        self._clock = clock or utcnow
        self._transport = GraphQLTransport(http, settings.endpoint, timeout=settings.timeout_seconds, scrub=self._scrub)
        self._lock = threading.Lock()
        self._jwt: str | None = None
        self._valid_until = 0.0
        self._margin = settings.token_margin_seconds  # at most half the life of the token held
        self.token_exchanges = 0  # how many times apiKeyUser was called (for metrics and tests)

    def __repr__(self) -> str:
        return f"SpaceliftClient({self._settings.endpoint})"

    # --- operations ------------------------------------------------------------------------------

    def run(self, stack_id: str, run_id: str) -> SpaceliftRun:
        data = self._call(documents.RUN, {"stack": stack_id, "run": run_id})
        stack = _object(data.get("stack"), f"stack {stack_id}")
        run = _object(stack.get("run"), f"run {run_id} of stack {stack_id}")
        if not isinstance(run.get("comments"), list):
            # selected, so a list (maybe empty); anything else read as "no comments" would post ours again (I6)
            raise UpstreamError(f"Spacelift: run {run_id} of stack {stack_id} came back without its comments list")
        return _run(stack_id, stack, run)

    def changes(self, stack_id: str, run_id: str) -> list[PlannedChange]:
        data = self._call(documents.RUN_CHANGES, {"stack": stack_id, "run": run_id})
        stack = _object(data.get("stack"), f"stack {stack_id}")
        run = _object(stack.get("run"), f"run {run_id} of stack {stack_id}")
        groups = run.get("changesV3") or []
        if not isinstance(groups, list):
            raise UpstreamError("Spacelift changesV3: not a list")
        found: list[PlannedChange] = []
        for group in groups:  # an entry skipped would be a change the cross-check calls missing (ADR 0548)
            resources = group.get("resources") if isinstance(group, Mapping) else None
            if resources is not None and not isinstance(resources, list):
                raise UpstreamError("Spacelift changesV3: a group's resources are not a list")
            if not isinstance(group, Mapping):
                raise UpstreamError("Spacelift changesV3: a group is not an object")
            for entry in resources or []:
                if not isinstance(entry, Mapping) or not isinstance(entry.get("address"), str):
                    raise UpstreamError("Spacelift changesV3: a resource without an address")
                metadata = entry.get("metadata")
                kind = metadata.get("type") if isinstance(metadata, Mapping) else None
                previous = entry.get("previousAddress")
                found.append(
                    PlannedChange(
                        address=entry["address"],
                        previous_address=previous if isinstance(previous, str) and previous else None,
                        type=kind if isinstance(kind, str) else None,
                    )
                )
        return found

    def run_comment(self, stack_id: str, run_id: str, body: str) -> RunComment:
        data = self._call(documents.COMMENT_RUN, {"stack": stack_id, "run": run_id, "body": body})
        comment = _result(data.get("runComment"), f"runComment on run {run_id}")
        return _comment(comment)

    def run_review(self, stack_id: str, run_id: str, decision: str, note: str | None = None) -> RunReview:
        if decision not in DECISIONS:
            raise InputError(f"a run review decision is APPROVE or REJECT, not {decision!r}")
        variables = {"stack": stack_id, "run": run_id, "decision": decision, "note": note}
        data = self._call(documents.REVIEW_RUN, variables)
        review = _result(data.get("runReview"), f"runReview of run {run_id}")
        note_out = review.get("note")
        return RunReview(
            id=str(review.get("id", "")),
            decision=str(review.get("decision", decision)),
            note=note_out if isinstance(note_out, str) else None,
        )

    def runs(self, stack_id: str, since: datetime) -> list[SpaceliftRun]:
        """Runs of `stack_id` created at or after `since`, newest first (pages with `before` until older)."""
        threshold = since.timestamp()
        found: list[SpaceliftRun] = []
        seen: set[str] = set()
        before: str | None = None
        for _ in range(MAX_RUN_PAGES):
            page = self.runs_page(stack_id, before)
            if any(run.id in seen for run in page.runs):  # `before` ignored: every run listed MAX_RUN_PAGES times
                raise UpstreamError(
                    f"Spacelift runs of {stack_id}: the page before {before} repeats runs already listed"
                )
            seen.update(run.id for run in page.runs)
            for run in page.runs:
                if run.created_at is not None and run.created_at < threshold:
                    return found
                found.append(run)
            if page.before is None:
                break
            before = page.before
        return found

    def runs_page(self, stack_id: str, before: str | None = None) -> RunPage:
        data = self._call(documents.RUNS, {"stack": stack_id, "before": before})
        stack = _object(data.get("stack"), f"stack {stack_id}")
        items = stack.get("runs") or []
        if not isinstance(items, list):
            raise UpstreamError("Spacelift runs: not a list")
        runs = [_run(stack_id, stack, item) for item in items if isinstance(item, Mapping)]
        return RunPage(runs=runs, before=runs[-1].id if runs else None)

    # --- auth ------------------------------------------------------------------------------------

    def derived_key(self, purpose: str) -> bytes:
        """A key for `purpose` derived from the API key secret (HMAC-SHA256): signs our comment markers."""
        return hmac.new(self._secret.value().encode(), purpose.encode(), hashlib.sha256).digest()

    def _call(self, document: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        token = self._token()
        try:
            return self._transport.execute(document, variables, token=token)
        except AuthRejected:
            pass
        token = self._token(refresh_from=token)  # once: the JWT expired early or was revoked
        try:
            return self._transport.execute(document, variables, token=token)
        except AuthRejected as exc:
            raise ConfigError(f"{exc}; a fresh token was refused too — check the API key's access") from None

    def _token(self, refresh_from: str | None = None) -> str:
        with self._lock:
            now = self._clock().timestamp()
            fresh = self._jwt is not None and now < self._valid_until - self._margin
            if fresh and (refresh_from is None or self._jwt != refresh_from):
                assert self._jwt is not None
                return self._jwt
            self._jwt, self._valid_until = self._exchange()
            # a JWT issued for less than the margin would be "expired" at once: an exchange before every call
            self._margin = min(self._settings.token_margin_seconds, max(0.0, self._valid_until - now) / 2)
            return self._jwt

    def _exchange(self) -> tuple[str, float]:
        self.token_exchanges += 1
        variables = {"apiKeyId": self._settings.api_key_id, "apiKeySecret": self._secret.value()}
        try:
            data = self._transport.execute(documents.API_KEY_USER, variables, token=None)
        except AuthRejected:
            raise ConfigError(
                f"Spacelift refused API key {self._settings.api_key_id} (secret from {self._secret.origin})"
            ) from None
        user = data.get("apiKeyUser")
        if not isinstance(user, Mapping):
            raise ConfigError(f"Spacelift refused API key {self._settings.api_key_id}: no user for it")
        jwt = user.get("jwt")
        valid_until = user.get("validUntil")
        if not isinstance(jwt, str) or not jwt:
            raise UpstreamError("Spacelift apiKeyUser: the answer has no jwt")
        if (
            isinstance(valid_until, bool)
            or not isinstance(valid_until, (int, float))
            or not math.isfinite(valid_until)  # `NaN`: no instant is before it, every call would exchange again
        ):
            # without an expiry, keep the token one margin long: it is refreshed on the next rejection anyway
            valid_until = self._clock().timestamp() + 2 * self._settings.token_margin_seconds
        return jwt, float(valid_until)

    def _scrub(self, text: str) -> str:
        if self._jwt:
            text = text.replace(self._jwt, "(redacted)")
        return self._secret.scrub(text)


def _object(value: Any, what: str) -> Mapping[str, Any]:
    if value is None:
        raise NotFound(f"Spacelift has no {what} (or the API key cannot see it)")
    if not isinstance(value, Mapping):
        raise UpstreamError(f"Spacelift answered something else than an object for {what}")
    return value


def _result(value: Any, what: str) -> Mapping[str, Any]:
    """A mutation's result: null without an error says neither done nor refused — retriable (the publisher reads
    the run before it writes again), never "not found"."""
    if value is None:
        raise UpstreamError(f"Spacelift answered {what} with no result and no error")
    return _object(value, what)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int | None:
    """A whole number of seconds, or None: the JSON reader takes `Infinity`, `NaN` and `1e400` (infinity), which
    `int()` refuses with an OverflowError or a ValueError — no time at all, so absent (review19a)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if math.isfinite(value) else None


def _comment(entry: Mapping[str, Any]) -> RunComment:
    return RunComment(
        body=str(entry.get("body") or ""),
        created_at=_int(entry.get("createdAt")) or 0,
        username=str(entry.get("username") or ""),
    )


def _run(stack_id: str, stack: Mapping[str, Any], run: Mapping[str, Any]) -> SpaceliftRun:
    run_id, state = _text(run.get("id")), _text(run.get("state"))
    if run_id is None or state is None:
        raise UpstreamError(f"Spacelift: a run of stack {stack_id} lacks its id or state")
    commit = run.get("commit")
    namespace, repository = _text(stack.get("namespace")), _text(stack.get("repository"))
    comments = run.get("comments")
    return SpaceliftRun(
        stack_id=stack_id,
        id=run_id,
        state=state,
        type=_text(run.get("type")),
        created_at=_int(run.get("createdAt")),
        branch=_text(run.get("branch")),
        commit_sha=_text(commit.get("hash")) if isinstance(commit, Mapping) else None,
        repository=f"{namespace}/{repository}" if namespace and repository else repository,
        provider=_text(stack.get("provider")),
        comments=tuple(_comment(c) for c in comments if isinstance(c, Mapping)) if isinstance(comments, list) else (),
    )
