"""GitHub webhook deliveries → what the intake should do with them (pure: no I/O, no FastAPI).

`normalise(event, body, review_drafts=…)` raises InputError — and nothing else — on any body.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tfreview.core.errors import InputError
from tfreview.ports.job_types import PullRequestHead, ReviewJob
from tfreview.ports.records import SourceInfo, Tenant
from tfreview.web import pull_request_fields
from tfreview.web.payloads import flag, integer, obj, opt_obj, opt_text, parse_object, text

REVIEW_ACTIONS = frozenset({"opened", "synchronize", "reopened", "ready_for_review"})
TENANT_EVENTS = frozenset({"installation", "installation_repositories"})

EVENT_NAME = re.compile(r"[a-z_]{1,64}")
DELIVERY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,99}")
_ACTION = re.compile(r"[a-z_]{1,64}")
_FULL_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}")
_LOGIN = re.compile(r"[A-Za-z0-9_.\[\]-]{1,100}")
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_REF = re.compile(r"[^\x00-\x1f\x7f]{1,255}")


class Outcome(StrEnum):
    PING = "ping"  # answer 200, store nothing
    TENANT = "tenant"  # ensure the tenant, store the delivery
    REVIEW = "review"  # store the delivery with one review job
    IGNORED = "ignored"  # stored as ignored when a tenant is known (a pull_request we do not review)
    UNHANDLED = "unhandled"  # an event we never asked for: answer 200, store nothing


@dataclass(frozen=True, slots=True)
class GitHubEvent:
    outcome: Outcome
    event: str  # "pull_request.opened"
    tenant: Tenant | None = None
    source: SourceInfo | None = None
    job: ReviewJob | None = None  # the review job of a pull request head (key: tenant, repository, number, head)
    reason: str | None = None


def normalise(event_name: str, body: bytes, *, review_drafts: bool, delivery: str | None = None) -> GitHubEvent:
    """Read a verified delivery (`delivery`: its X-GitHub-Delivery, named in a review job it makes); InputError when
    the body is not the event it claims to be."""
    if EVENT_NAME.fullmatch(event_name) is None:
        raise InputError("X-GitHub-Event is not an event name")
    # a pull request's delivery: only the fields read become Python objects; else (or when unsure) all of it
    read = pull_request_fields.read(body) if event_name == "pull_request" else None
    document = parse_object(body, "webhook") if read is None else read
    if event_name == "ping":
        return GitHubEvent(Outcome.PING, "ping")
    action = opt_text(document, "action", "payload", _ACTION)
    event = f"{event_name}.{action}" if action else event_name
    if event_name in TENANT_EVENTS:
        installation = obj(document, "installation", "payload")
        return GitHubEvent(Outcome.TENANT, event, tenant=_installation_tenant(installation))
    if event_name != "pull_request":
        return GitHubEvent(Outcome.UNHANDLED, event, reason=f"event {event_name!r} is not one tfreview acts on")
    return _pull_request(document, event, action, review_drafts=review_drafts, delivery=delivery)


def _installation_tenant(installation: Mapping[str, Any]) -> Tenant:
    installation_id = integer(installation, "id", "installation", minimum=1)
    account = opt_obj(installation, "account", "installation")
    name = (opt_text(account, "login", "installation.account", _LOGIN) if account else None) or str(installation_id)
    return Tenant(id=f"github:{installation_id}", kind="github", name=name)


def _pull_request(
    document: Mapping[str, Any], event: str, action: str | None, *, review_drafts: bool, delivery: str | None = None
) -> GitHubEvent:
    if action is None:
        raise InputError("payload.action is missing on a pull_request event")
    pull = obj(document, "pull_request", "payload")
    repository = obj(document, "repository", "payload")
    full_name = text(repository, "full_name", "repository", _FULL_NAME)
    owner = obj(repository, "owner", "repository")
    owner_login = text(owner, "login", "repository.owner", _LOGIN)
    number = integer(pull, "number", "pull_request", minimum=1)
    head = obj(pull, "head", "pull_request")
    base = obj(pull, "base", "pull_request")
    head_sha = text(head, "sha", "pull_request.head", _SHA)
    base_sha = opt_text(base, "sha", "pull_request.base", _SHA)
    draft = flag(pull, "draft", "pull_request")
    installation = opt_obj(document, "installation", "payload")
    installation_id = integer(installation, "id", "installation", minimum=1) if installation else None
    if installation_id is not None:
        tenant = Tenant(id=f"github:{installation_id}", kind="github", name=owner_login)
    else:  # a repository or organisation webhook (no GitHub App): the tenant is the repository owner
        tenant = Tenant(id=f"github:owner:{owner_login.lower()}", kind="github", name=owner_login)
    source = SourceInfo(kind="github", repository=full_name, pull_request=number, commit_sha=head_sha)
    if action not in REVIEW_ACTIONS:
        return GitHubEvent(Outcome.IGNORED, event, tenant, source, reason=f"action {action!r} is not reviewed")
    if draft and not review_drafts:
        return GitHubEvent(Outcome.IGNORED, event, tenant, source, reason="draft pull requests are not reviewed")
    head_of = PullRequestHead(
        repository=full_name,
        number=number,
        head_sha=head_sha,
        base_sha=base_sha,
        head_ref=opt_text(head, "ref", "pull_request.head", _REF),
        base_ref=opt_text(base, "ref", "pull_request.base", _REF),
        installation_id=installation_id,
        action=action,
        delivery=delivery,
    )
    return GitHubEvent(Outcome.REVIEW, event, tenant, source, job=ReviewJob.for_pull_request(tenant.id, head_of))
