"""No static AWS credentials written into the provider block."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.redact import REDACTED
from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.placeholders import local_endpoints_only, placeholder_reason

# The parsers present each `provider "aws"` block as a pseudo resource: address `provider.aws` (or
# `provider.aws.<alias>`, prefixed by `module.<name>.` inside a module), type `aws_provider`, and the block's
# arguments as values; an argument set from a variable or any other expression reads as unknown.
_CREDENTIALS = ("access_key", "secret_key", "token")


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if local_endpoints_only(resource.get("endpoints")):
        return  # a provider for a local emulator (LocalStack): its credentials are not AWS credentials
    for name in _CREDENTIALS:
        value = resource.get(name)
        if isinstance(value, str) and placeholder_reason(value, name) is None:
            yield Hit(name, f"the AWS provider sets {name} to a hard-coded value", REDACTED)


RULE = Rule(
    id="TFR-AWS-029",
    long_id="aws-provider-no-static-credentials",
    title="AWS provider block contains hard-coded credentials",
    severity=Severity.CRITICAL,
    provider="aws",
    category="secrets",
    resource_types=("aws_provider",),
    remediation="Remove `access_key`, `secret_key` and `token` from the provider block; let the provider find "
    "credentials in the environment (`AWS_PROFILE`, `AWS_ACCESS_KEY_ID`, SSO, instance or CI role), or set "
    "`assume_role` / `assume_role_with_web_identity`.",
    description="Credentials in a provider block are committed with the code and copied to every clone, fork "
    "and CI log that prints the configuration; a leaked access key gives whatever the key's user may do, hence "
    "CRITICAL. Only values the configuration spells out are flagged: an argument whose value cannot be "
    "resolved (a variable without a default, an environment lookup) reads as unknown and never is. Values "
    "that only stand in for a key are not flagged (a critical must be right): placeholders such as "
    "`changeme`, `<secret>` or `mock_access_key`, unrendered templates, the example keys of the AWS "
    "documentation (`AKIAIOSFODNN7EXAMPLE`), and the credentials of a provider whose every endpoint is a "
    "local emulator such as LocalStack.",
    references=References(checkov=("CKV_AWS_41",), trivy=("aws-misc-no-exposing-plaintext-credentials",)),
    check=check,
)
