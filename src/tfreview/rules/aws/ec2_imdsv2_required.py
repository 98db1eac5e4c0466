"""EC2 instances and launch templates require IMDSv2 session tokens (IMDSv1 off)."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN


def _account_requires_tokens(snapshot: Snapshot) -> bool:
    return any(r.get("http_tokens") == "required" for r in snapshot.of_type("aws_ec2_instance_metadata_defaults"))


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    endpoint = resource.get("metadata_options.0.http_endpoint")
    if endpoint == "disabled" or endpoint is UNKNOWN:
        return  # no metadata service at all (or not known yet)
    tokens = resource.get("metadata_options.0.http_tokens")
    if tokens == "required" or (tokens in (None, "") and _account_requires_tokens(snapshot)):
        return
    shown = "is not set" if tokens in (None, "") else f'is "{tokens}"'
    yield Hit("metadata_options.0.http_tokens", f"IMDSv1 stays enabled: `http_tokens` {shown}")


RULE = Rule(
    id="TFR-AWS-025",
    long_id="aws-ec2-imdsv2-required",
    title="EC2 instance metadata service allows IMDSv1",
    severity=Severity.HIGH,
    provider="aws",
    category="general",
    resource_types=("aws_instance", "aws_launch_template", "aws_launch_configuration"),
    remediation='Add `metadata_options { http_tokens = "required" }` (or `http_endpoint = "disabled"` when '
    "nothing on the host needs instance metadata), or set `aws_ec2_instance_metadata_defaults` with "
    '`http_tokens = "required"` for the account and region.',
    description="IMDSv1 answers plain GET requests, so one server-side request forgery in an application on "
    "the instance hands out the instance role's credentials; IMDSv2's session token stops that. HIGH "
    "because it turns a web bug into cloud credentials. An instance that does not say is flagged in HCL; "
    "in a plan `http_tokens` is then known only after apply (the AMI or account default decides) and is "
    "not. Nothing unset is flagged when the configuration sets `aws_ec2_instance_metadata_defaults` "
    'to `http_tokens = "required"`.',
    references=("CKV_AWS_79", "AVD-AWS-0028", "AVD-AWS-0130", "aws-ec2-enforce-http-token-imds"),
    check=check,
)
