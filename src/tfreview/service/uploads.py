"""An uploaded plan (or tarball) for review: deduplicated BEFORE its content is stored (issue 9 item 9).

The same bytes with the same metadata from the same tenant are one upload: the first stores the (redacted)
plan, a delivery receipt, the review job and the queued review; every repeat answers the first review and
writes nothing. Two identical uploads racing both pass the first check: the loser's plan row is deleted
when the intake tells it the delivery existed.

Issue 9 item 12: only the redacted copy is stored, and a finding that rests on a secret's own shape (an access
key id in a Lambda environment) cannot be found on it. So the `secrets` rules run here, on the ORIGINAL in
memory, and their findings (whose evidence the engine has already redacted) are kept with the stored plan;
the worker adds those its review of the redacted copy can no longer show. The same holds for any rule reading a
value the stored copy masks as "(sensitive value)" (a `*` policy, a 0.0.0.0/0 CIDR the plan marks sensitive):
when the upload holds such a value, every rule runs on the original and the findings of the resources holding
one are kept too (ADR 0595), so the service finds what `tfreview scan` finds on the same plan.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import orjson

from tfreview.core.errors import InputError, IntegrityError, StoreUnanswered
from tfreview.core.plan import ChangeSet, ResourceChange
from tfreview.core.policy import Policy
from tfreview.core.redact import sensitive_strings
from tfreview.core.review import review
from tfreview.core.secret_search import SecretSearch
from tfreview.parsing.plan_json import load_plan
from tfreview.plumbing.hashing import sha256_hex
from tfreview.ports.job_types import ReviewJob, review_id_of
from tfreview.ports.records import Delivery, SourceInfo, Tenant
from tfreview.render.json_report import finding_document
from tfreview.rules import load_rules, load_rules_for
from tfreview.service.container import Services
from tfreview.service.intake import accept_delivery
from tfreview.sources.uploaded import PLAN_JSON_KINDS, TARBALL_KINDS, change_set_in_memory

logger = logging.getLogger(__name__)
SOURCE = "api"  # the delivery log's source of uploads
SECRET_CATEGORY = "secrets"  # the rules whose findings may rest on a value redaction removes


def upload_key(tenant_id: str, body: bytes, kind: str, metadata: dict[str, Any]) -> str:
    """The dedupe key of an upload: its content, kind and metadata, and the tenant."""
    labels = orjson.dumps({"tenant": tenant_id, "kind": kind, **metadata}, option=orjson.OPT_SORT_KEYS)
    return sha256_hex(body + b"\n" + labels)


def accept_upload(
    services: Services,
    tenant_id: str,
    body: bytes,
    kind: str,
    metadata: dict[str, Any],
    info: SourceInfo,
    received_at: datetime,
) -> tuple[str, bool]:
    """(review id, True) for a new upload; (the first upload's review id, False) for a repeat."""
    key = upload_key(tenant_id, body, kind, metadata)
    seen = services.intake.find(SOURCE, key)
    if seen is not None:
        return _review_of(services, seen, tenant_id), False
    tenant_kind = tenant_id.split(":", 1)[0] if ":" in tenant_id else SOURCE
    tenant = Tenant(id=tenant_id, kind=tenant_kind, name=tenant_id)
    services.tenants.ensure(tenant)  # the plan row belongs to the tenant
    plan_id = services.plans.put(tenant_id, body, kind, metadata, findings=secret_findings(body, kind))
    # The delivery log keeps a receipt, not the upload: the raw plan may hold secrets; the plan store
    # keeps the redacted copy the review reads.
    receipt = orjson.dumps(
        {"plan_id": plan_id, "kind": kind, "upload_sha256": sha256_hex(body), "bytes": len(body)},
        option=orjson.OPT_SORT_KEYS,
    )
    try:
        result = accept_delivery(
            services,
            source=SOURCE,
            key=key,
            event="plan_upload",
            tenant=tenant,
            body=receipt,
            received_at=received_at,
            job=ReviewJob.for_upload(tenant_id, key, info.kind, plan_id, kind),
            review_source=info,
        )
    except BaseException as failure:  # refused (503, over budget) or the database went away: no plan without a review
        _forget(services, plan_id, key, failure)
        raise
    if result.created and result.review_id is not None:
        return result.review_id, True
    services.plans.delete(plan_id)  # lost a race with the same upload: keep one copy
    return _review_of(services, result.delivery, tenant_id), False


def secret_findings(body: bytes, kind: str) -> list[dict[str, Any]]:
    """The findings of the `secrets` rules on the original upload (finding documents: evidence redacted).

    The plan store validates the upload (InputError) before anything is stored; this runs first only to
    see the original, so an unreadable plan yields no findings here and is refused by the store. A tarball the
    door let through (web.tarballs: safe, a .tf file somewhere) whose Terraform files the review cannot read
    (none at the top, none UTF-8 text) is refused here, with the reason the review would have failed with: it was
    a 202 and a stored review failed by the worker (ADR 0496)."""
    try:
        change_set = _change_set(body, kind)
    except InputError:
        if kind in TARBALL_KINDS:
            raise
        return []  # the store refuses it with its own one-line error
    rules = [rule for rule in load_rules() if rule.category == SECRET_CATEGORY]
    masked = masked_addresses(change_set)
    if masked:  # a rule may read what the stored copy masks: the rules of those resources, on the original (ADR 0595)
        ids = {rule.id for rule in rules}
        types = {change.type for change in (*change_set.changes, *change_set.drift) if change.address in masked}
        rules += [rule for rule in load_rules_for(types) if rule.id not in ids]
    result = review(change_set, rules, Policy())
    return [
        finding_document(finding)
        for finding in result.findings
        if finding.category == SECRET_CATEGORY or finding.address in masked
    ]


def masked_addresses(change_set: ChangeSet) -> frozenset[str]:
    """The addresses of the changes (and drift) whose values the stored copy masks as "(sensitive value)": a value
    under a `*_sensitive` mask, or a string holding one of the sensitive values of the upload (a copy of it)."""
    changes = [*change_set.changes, *change_set.drift]
    secrets = set(change_set.sensitive_values)
    marked = set()
    for change in changes:
        found = sensitive_strings(change.before, change.before_sensitive, numbers=True)
        found |= sensitive_strings(change.after, change.after_sensitive, numbers=True)
        if found or _marks(change.before_sensitive) or _marks(change.after_sensitive):
            marked.add(change.address)
        secrets |= found
    for output in change_set.output_changes.values():
        if isinstance(output, dict):
            for side in ("before", "after"):
                secrets |= sensitive_strings(output.get(side), output.get(f"{side}_sensitive"), numbers=True)
    if secrets:  # grouped once: each string is searched for all of them at once (ADR 0606)
        search = SecretSearch(secrets)
        marked.update(change.address for change in changes if _holds(_values(change), search))
    return frozenset(marked)


def _values(change: ResourceChange) -> Iterable[Any]:
    return (change.before, change.after)


def _marks(mask: Any) -> bool:
    """Whether a sensitive mask marks anything (a `true` leaf)."""
    stack = [mask]
    while stack:
        node = stack.pop()
        if node is True:
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _holds(values: Iterable[Any], secrets: SecretSearch) -> bool:
    """Whether a string leaf of `values` holds one of `secrets` (the stored copy masks it there too)."""
    stack = list(values)
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if secrets.holds(node):
                return True
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _change_set(body: bytes, kind: str) -> ChangeSet:
    if kind in PLAN_JSON_KINDS:
        return load_plan(body, path="upload")
    if kind in TARBALL_KINDS:
        return change_set_in_memory(body, label="upload")  # the original is never written to disk
    raise InputError(f"unknown plan kind {kind!r}")


def _forget(services: Services, plan_id: str, key: str, failure: BaseException) -> None:
    """Delete the plan of an upload whose delivery was not accepted (ADR 0612) — unless the delivery may still be
    committed (a queued write the database has not answered yet) or was committed after all (an error on the way
    back): its review reads this plan. What is left is reported by `tfreview audit` when no review refers to it."""
    if isinstance(failure, StoreUnanswered):
        logger.info(
            "upload not answered in time; its plan %s is kept for its delivery, which may still be stored", plan_id
        )
        return
    try:
        if services.intake.find(SOURCE, key) is None:
            services.plans.delete(plan_id)
    except Exception as exc:  # the caller's own failure is the one to answer with
        logger.warning("upload not accepted; its plan %s could not be deleted (%s)", plan_id, type(exc).__name__)


def _review_of(services: Services, delivery: Delivery, tenant_id: str) -> str:
    job = services.queue.get(delivery.job_id) if delivery.job_id is not None else None
    review_id = review_id_of(job) if job is not None and job.tenant_id == tenant_id else None
    if review_id is None:
        raise IntegrityError(f"upload delivery has no job with a review (job {delivery.job_id})")
    return review_id
