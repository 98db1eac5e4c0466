"""No hard-coded secrets in a Lambda function's environment variables."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from tfreview.core.redact import REDACTED, is_secret_name, looks_secret
from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import mask_at, split_path
from tfreview.rules.support.placeholders import placeholder_reason

# values under a secret-looking name that point at a secret instead of holding one
_POINTERS = ("arn:", "/", "${", "{{resolve:", "ssm:", "secretsmanager:")


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    variables = resource.get("environment.0.variables")
    if not isinstance(variables, Mapping):
        return
    for key in variables:
        path = f"environment.0.variables.{key}"
        value = resource.get(path)
        if not isinstance(value, str) or not value.strip() or mask_at(resource.sensitive, split_path(path)):
            continue  # unknown, empty, or from a sensitive input: not written into the configuration
        if placeholder_reason(value, str(key)) is not None:
            continue  # `changeme`, `${TOKEN}`, `<secret>`, `test`, the variable's own name: not a secret
        named = is_secret_name(str(key)) and not value.startswith(_POINTERS)
        if named or looks_secret(value):
            yield Hit(path, f"environment variable {key} holds a hard-coded secret", REDACTED)


RULE = Rule(
    id="TFR-AWS-028",
    long_id="aws-lambda-no-env-secrets",
    title="Lambda function has a hard-coded secret in its environment variables",
    severity=Severity.CRITICAL,
    provider="aws",
    category="secrets",
    resource_types=("aws_lambda_function",),
    remediation="Keep the secret in Secrets Manager or SSM Parameter Store and pass only its ARN or name in the "
    "environment; the function reads it at start-up (or use the Parameters and Secrets Lambda extension).",
    description="Environment variables are stored in the function's configuration: anyone with "
    "`lambda:GetFunctionConfiguration` reads them in clear, and they also sit in the Terraform state and plan. "
    "A leaked credential is directly usable, hence CRITICAL. A variable is flagged when its name says secret "
    "(`DB_PASSWORD`, `API_KEY`, `..._TOKEN`) and its value is a literal rather than an ARN or parameter path, or "
    "when its value has the shape of a secret (AWS access key, private key, token, high-entropy string). Values "
    "Terraform marks sensitive come from a sensitive input, not from the source, and are not flagged; values "
    "known only after apply never are; nor are placeholders (`changeme`, `xxx`, `<secret>`, an unrendered "
    "`${...}`, a value made of the variable's own name and filler words, the AWS documentation's example keys).",
    references=References(checkov=("CKV_AWS_45",)),
    check=check,
)
