"""Spacelift notification-policy webhooks → what the intake should do with them (pure).

Two shapes are read:

* the **default** run payload (`account`, `state`, `stateVersion`, `timestamp`, `run`, `stack`), and
* the **policy input** forwarded as the payload (a notification policy rule with
  `"payload": input`): `account.name`, `run_updated.run` (`id`, `state`, `updated_at` in ns),
  `run_updated.stack.id`. Its state version is `run.updated_at` (nanoseconds, grows with each
  transition), its timestamp the same instant in seconds.

Internal-error notifications (`title`/`error`/`severity`, or `internal_error` in the policy input)
are stored and ignored. `normalise` raises InputError, and nothing else, on any body.

A run has a plan worth reviewing in these states (docs: concepts/run, "Full list of potential run
states"): UNCONFIRMED (tracked run planned, waiting for confirmation), PENDING_REVIEW (waiting for
approval), APPLYING (planned and confirmed or autodeployed) and FINISHED (a proposed run's plan, or a
tracked run after apply). One job per run: later states of the same run dedupe on its key.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tfreview.core.errors import InputError
from tfreview.ports.job_types import RunState, SpaceliftRunJob
from tfreview.ports.records import SourceInfo, Tenant
from tfreview.web.payloads import integer, obj, opt_integer, opt_obj, opt_text, parse_object, text

REVIEWABLE_STATES = frozenset({"UNCONFIRMED", "PENDING_REVIEW", "APPLYING", "FINISHED"})

_ACCOUNT = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,62}")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
_STATE = re.compile(r"[A-Z][A-Z_]{0,39}")
_SHA = re.compile(r"[0-9a-f]{7,64}")
_NANOS = 1_000_000_000


class Kind(StrEnum):
    RUN = "run"
    INTERNAL_ERROR = "internal_error"


@dataclass(frozen=True, slots=True)
class SpaceliftEvent:
    kind: Kind
    account: str
    dedupe_key: str  # "<account>:<run>:<state>:<stateVersion>", or "<account>:internal_error:<sha256 prefix>"
    event: str  # "run_state.FINISHED" | "internal_error"
    run_id: str | None = None
    stack_id: str | None = None
    state: str | None = None
    state_version: int | None = None
    timestamp: int | None = None  # unix seconds of the transition, when the payload says
    run_type: str | None = None
    commit_sha: str | None = None

    @property
    def tenant(self) -> Tenant:
        return Tenant(id=f"spacelift:{self.account.lower()}", kind="spacelift", name=self.account)

    @property
    def reviewable(self) -> bool:
        return self.kind is Kind.RUN and self.state in REVIEWABLE_STATES

    @property
    def source(self) -> SourceInfo:
        return SourceInfo(
            kind="spacelift",
            stack_id=self.stack_id,
            run_id=self.run_id,
            account=self.account,
            commit_sha=self.commit_sha,
        )

    def job(self) -> SpaceliftRunJob:
        """The run's job (key: tenant, stack, run — the webhook and the reconciler meet in it)."""
        run = RunState(
            stack_id=self.stack_id or "",
            run_id=self.run_id or "",
            account=self.account,
            state=self.state,
            state_version=self.state_version,
            run_type=self.run_type,
            commit_sha=self.commit_sha,
        )
        return SpaceliftRunJob(self.tenant.id, run)


def normalise(body: bytes) -> SpaceliftEvent:
    document = parse_object(body, "webhook")
    if "run_updated" in document or "internal_error" in document:
        return _policy_input(document, body)
    if "run" not in document and ("error" in document or "title" in document):
        account = text(document, "account", "payload", _ACCOUNT)
        return _internal_error(account, body)
    return _default(document)


def _default(document: Mapping[str, Any]) -> SpaceliftEvent:
    account = text(document, "account", "payload", _ACCOUNT)
    state = text(document, "state", "payload", _STATE)
    version = integer(document, "stateVersion", "payload")
    timestamp = integer(document, "timestamp", "payload")
    run = obj(document, "run", "payload")
    stack = obj(document, "stack", "payload")
    run_id = text(run, "id", "run", _ID)
    commit = opt_obj(run, "commit", "run")
    return SpaceliftEvent(
        Kind.RUN,
        account,
        f"{account.lower()}:{run_id}:{state}:{version}",
        f"run_state.{state}",
        run_id=run_id,
        stack_id=text(stack, "id", "stack", _ID),
        state=state,
        state_version=version,
        timestamp=timestamp,
        run_type=opt_text(run, "type", "run", _STATE),
        commit_sha=opt_text(commit, "hash", "run.commit", _SHA) if commit else None,
    )


def _policy_input(document: Mapping[str, Any], body: bytes) -> SpaceliftEvent:
    account = text(obj(document, "account", "payload"), "name", "account", _ACCOUNT)
    updated = opt_obj(document, "run_updated", "payload")
    if updated is None:
        return _internal_error(account, body)
    run = obj(updated, "run", "run_updated")
    stack = obj(updated, "stack", "run_updated")
    run_id = text(run, "id", "run_updated.run", _ID)
    state = text(run, "state", "run_updated.run", _STATE)
    updated_at = opt_integer(run, "updated_at", "run_updated.run")
    if updated_at is None:
        raise InputError("run_updated.run.updated_at is missing; it orders this run's states")
    commit = opt_obj(run, "commit", "run_updated.run")
    return SpaceliftEvent(
        Kind.RUN,
        account,
        f"{account.lower()}:{run_id}:{state}:{updated_at}",
        f"run_state.{state}",
        run_id=run_id,
        stack_id=text(stack, "id", "run_updated.stack", _ID),
        state=state,
        state_version=updated_at,
        timestamp=updated_at // _NANOS,
        run_type=opt_text(run, "type", "run_updated.run", _STATE),
        commit_sha=opt_text(commit, "hash", "run_updated.run.commit", _SHA) if commit else None,
    )


def _internal_error(account: str, body: bytes) -> SpaceliftEvent:
    digest = hashlib.sha256(body).hexdigest()[:32]
    return SpaceliftEvent(Kind.INTERNAL_ERROR, account, f"{account.lower()}:internal_error:{digest}", "internal_error")
