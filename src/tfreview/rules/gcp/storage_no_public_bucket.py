"""Cloud Storage buckets must not grant access to allUsers or allAuthenticatedUsers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.plumbing.json_documents import read_written_json

PUBLIC = ("allUsers", "allAuthenticatedUsers")
_ATTRIBUTE = {  # where each resource type names its principals
    "google_storage_bucket_iam_member": "member",
    "google_storage_bucket_iam_binding": "members",
    "google_storage_bucket_access_control": "entity",
    "google_storage_default_object_access_control": "entity",
    "google_storage_bucket_acl": "role_entity",  # "READER:allUsers"
    "google_storage_bucket_iam_policy": "policy_data",  # JSON
}


def _principals(value: Any, attribute: str) -> list[str]:
    if attribute == "policy_data" and isinstance(value, str):
        try:
            bindings = read_written_json(value).get("bindings", [])
        except (ValueError, AttributeError):
            return []
        return [m for b in bindings if isinstance(b, dict) for m in b.get("members", []) if isinstance(m, str)]
    items = value if isinstance(value, list) else [value]
    return [item.rsplit(":", 1)[-1] for item in items if isinstance(item, str)]


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    attribute = _ATTRIBUTE[resource.type]
    public = sorted({p for p in _principals(resource.get(attribute), attribute) if p in PUBLIC})
    if public:
        yield Hit(attribute, f"the bucket is shared with {' and '.join(public)}", public)
    acl = resource.get("predefined_acl") if resource.type == "google_storage_bucket_acl" else None
    if acl in ("publicRead", "publicReadWrite"):
        yield Hit("predefined_acl", f"predefined_acl = {acl} makes the bucket public", acl)


RULE = Rule(
    id="TFR-GCP-004",
    long_id="gcp-storage-no-public-bucket",
    title="Cloud Storage bucket is shared with allUsers or allAuthenticatedUsers",
    severity=Severity.HIGH,
    provider="gcp",
    category="iam",
    resource_types=tuple(_ATTRIBUTE),
    remediation="Grant the role to specific users, groups or service accounts; serve public content through "
    "Cloud CDN or signed URLs, and enforce the `storage.publicAccessPrevention` organisation policy.",
    description="`allUsers` is anyone on the internet and `allAuthenticatedUsers` is anyone with any Google "
    "account, so either one exposes the bucket's data to the world: High. Bucket IAM members, bindings and "
    "policies, bucket and default-object ACL entries, and public predefined ACLs are all checked.",
    references=References(checkov=("CKV_GCP_28",), trivy=("AVD-GCP-0001",)),
    check=check,
)
