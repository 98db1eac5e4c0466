"""EC2 instances and launch templates require IMDSv2 session tokens (IMDSv1 off)."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity

ENDPOINT = "metadata_options.0.http_endpoint"
TOKENS = "metadata_options.0.http_tokens"


def _account_requires_tokens(resource: Resource, snapshot: Snapshot) -> bool:
    defaults = snapshot.present_with(resource, "aws_ec2_instance_metadata_defaults")
    return any(r.get("http_tokens") == "required" for r in defaults)


# hits are frozen: every instance that leaves `http_tokens` out shares this one (ADR 0449)
_TOKENS_UNSET = Hit(
    TOKENS, 'IMDSv1 stays enabled: `http_tokens` not set: the provider default is "optional"', unset=True
)


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    endpoint_value = resource.get(ENDPOINT)  # each value looked up once, its setting judged from it
    endpoint = resource.setting_of(ENDPOINT, endpoint_value)
    if endpoint is Setting.UNKNOWN or (endpoint is Setting.SET and endpoint_value == "disabled"):
        return  # no metadata service at all (or not known yet); unset means the default, enabled
    value = resource.get(TOKENS)
    tokens = resource.setting_of(TOKENS, value)
    if tokens is Setting.UNKNOWN:
        return
    if tokens is Setting.SET:
        if value != "required":
            yield Hit(TOKENS, f'IMDSv1 stays enabled: `http_tokens` is "{value}"')
        return
    if not _account_requires_tokens(resource, snapshot):
        yield _TOKENS_UNSET


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
    "because it turns a web bug into cloud credentials. An unset `http_tokens` takes the EC2 API default, "
    '"optional" (EC2 InstanceMetadataOptionsRequest), and is flagged in HCL and in a plan whose '
    "`configuration` shows it was not written; a value given by an expression known only after apply "
    "is not. Nothing unset is flagged when the configuration sets `aws_ec2_instance_metadata_defaults` "
    'to `http_tokens = "required"`.',
    references=References(
        checkov=("CKV_AWS_79",), trivy=("AVD-AWS-0028", "AVD-AWS-0130", "aws-ec2-enforce-http-token-imds")
    ),
    check=check,
    defaults=(("metadata_options.http_tokens", '"optional"'), ("metadata_options.http_endpoint", '"enabled"')),
)
