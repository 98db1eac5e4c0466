"""S3 buckets and the resources that configure them (not a rule: it exports no RULE).

Since AWS provider v4 a bucket's ACL, encryption, logging, versioning and public access block are
separate resources (`aws_s3_bucket_versioning`, ...) that name the bucket in their `bucket`
attribute; provider v3 configurations set most of them inline on `aws_s3_bucket`.

In a plan, an inline block nobody configured is *computed*: on create Terraform writes it as known
after apply (`"versioning": true` in `after_unknown`) and the provider then reads back the AWS
default (no versioning, no logging, SSE-S3). Such a block is read as "not configured inline"
(`inline`); an unknown value inside a configured block is never read at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any
from weakref import WeakKeyDictionary

from tfreview.core.rules import Hit, Resource, Snapshot
from tfreview.core.values import UNKNOWN, not_a_bool, terraform_bool

BUCKET = "aws_s3_bucket"
PUBLIC_GROUPS = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


def configurations(bucket: Resource, snapshot: Snapshot, type_name: str) -> list[Resource] | None:
    """Resources of `type_name` that configure `bucket`; None when one may, but its link is unknown.

    A resource whose `bucket` is unknown at plan time and whose expression refers to no bucket we can
    see (it arrives through a module variable or a local) may configure any bucket of the plan.
    """
    linked = snapshot.linked(bucket, type_name, "bucket", ("id", "bucket"))
    if linked:
        return linked
    key = ("unlinked", type_name, *bucket.condition)
    return None if _memo(snapshot, key, lambda: _has_unlinked(bucket, snapshot, type_name)) else []


def _has_unlinked(bucket: Resource, snapshot: Snapshot, type_name: str) -> bool:
    return any(
        other.get("bucket") is UNKNOWN and not any(ref.split(".")[-2:-1] == [BUCKET] for ref in other.refs("bucket"))
        for other in snapshot.present_with(bucket, type_name)
    )


_MEMO: WeakKeyDictionary[Snapshot, dict[tuple[str, ...], Any]] = WeakKeyDictionary()


def _memo(snapshot: Snapshot, key: tuple[str, ...], compute: Callable[[], Any]) -> Any:
    """Per-snapshot results, so that a check run on every bucket does not rescan every resource."""
    memo = _MEMO.setdefault(snapshot, {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def inline(bucket: Resource, block: str) -> Any:
    """The inline blocks `block` of the bucket: a non-empty list; None when not configured (absent, empty
    or computed on create); UNKNOWN when configured but not known (a `dynamic` block we cannot expand).

    A plan marks a whole computed block unknown on create, together with the bucket's `arn`; in
    source, or in a plan once the bucket exists, a whole block is unknown only when it is `dynamic`.
    """
    value = bucket.get(block)
    if value is UNKNOWN:
        return None if bucket.get("arn") is UNKNOWN else UNKNOWN
    return value if isinstance(value, list) and value else None


def public_grants(resource: Resource, permissions: tuple[str, ...]) -> Iterator[Hit]:
    """Grants to everyone (AllUsers) or to every AWS account (AuthenticatedUsers) with one of `permissions`.

    `grant` blocks of a v3 `aws_s3_bucket` (`uri`, `permissions`) and of an `aws_s3_bucket_acl`'s
    `access_control_policy` (`grantee.uri`, `permission`).
    """
    if resource.type == BUCKET:
        for index, grant in enumerate(resource.blocks("grant")):
            granted = grant.get("permissions")
            found = sorted(set(granted) & set(permissions)) if isinstance(granted, list) else []
            if grant.get("uri") in PUBLIC_GROUPS and found:
                yield Hit(f"grant.{index}.permissions", f"the bucket grants {', '.join(found)} to {grant['uri']}")
        return
    for index, grant in enumerate(resource.blocks("access_control_policy.0.grant")):
        grantees = grant.get("grantee")
        uri = grantees[0].get("uri") if isinstance(grantees, list) and grantees else None
        if uri in PUBLIC_GROUPS and grant.get("permission") in permissions:
            path = f"access_control_policy.0.grant.{index}"
            yield Hit(f"{path}.permission", f"the ACL grants {grant['permission']} to {uri}")


PUBLIC_ACCESS_BLOCKS = ("aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block")


def access_block_flag(resource: Resource, flag: str, effect: str) -> Iterator[Hit]:
    """A public access block setting that is false or left out (it defaults to false)."""
    value = terraform_bool(resource.get(flag))
    if value is not True and value is not UNKNOWN and not not_a_bool(value):
        scope = "account" if resource.type == PUBLIC_ACCESS_BLOCKS[1] else "bucket"
        shown = "left out (defaults to false)" if value is None else f"set to {value!r}"
        yield Hit(flag, f"`{flag}` is {shown}, so the {scope} does not {effect}", value)


def on_bucket(resource: Resource, snapshot: Snapshot, hits: Iterable[Hit]) -> Iterator[Hit]:
    """Hits found on a bucket configuration resource (`aws_s3_bucket_acl`), blamed on the bucket it names
    when that is exactly one bucket of the configuration; otherwise left on the resource (ADR 0210)."""
    buckets = buckets_of(resource, snapshot) if resource.type != BUCKET else []
    if len(buckets) != 1:
        yield from hits
        return
    for hit in hits:
        yield replace(hit, address=buckets[0].address, message=f"{hit.message} (set by {resource.address})")


def buckets_of(config: Resource, snapshot: Snapshot) -> list[Resource]:
    """The buckets a configuration resource (`aws_s3_bucket_versioning`, ...) is linked to."""
    return snapshot.targets(config, BUCKET, "bucket", ("id", "bucket"))


def is_log_target(bucket: Resource, snapshot: Snapshot) -> bool:
    """True when the bucket receives server access logs: ACL `log-delivery-write`, or named as a target."""
    acls = [bucket, *snapshot.linked(bucket, "aws_s3_bucket_acl", "bucket", ("id", "bucket"))]
    if any(acl.get("acl") == "log-delivery-write" for acl in acls):
        return True
    if snapshot.linked(bucket, "aws_s3_bucket_logging", "target_bucket", ("id", "bucket")):
        return True
    key = ("inline-log-targets", *bucket.condition)
    by_ref, by_name = _memo(snapshot, key, lambda: _inline_log_targets(bucket, snapshot))
    names = (bucket.get(key) for key in ("id", "bucket"))  # a name that is not a string names no log target
    return bucket.config_address in by_ref or any(isinstance(name, str) and name in by_name for name in names)


def _inline_log_targets(bucket: Resource, snapshot: Snapshot) -> tuple[set[str], set[str]]:
    """Buckets named in the inline `logging` blocks of other buckets: by reference, and by known name."""
    by_ref: set[str] = set()
    by_name: set[str] = set()
    for other in snapshot.present_with(bucket, BUCKET):
        by_ref.update(ref for ref in other.refs("logging") if ref != other.config_address)
        by_name.update(b["target_bucket"] for b in other.blocks("logging") if isinstance(b.get("target_bucket"), str))
    return by_ref, by_name
