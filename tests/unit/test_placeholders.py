"""The corpus of values that are and are not secrets: a critical "hard-coded secret" must be right."""

from __future__ import annotations

import pytest

from tfreview.rules.support.placeholders import local_endpoints_only, placeholder_reason

# Shaped like real credentials (random, never issued): each must stay a secret.
SECRETS = [
    ("access_key", "AKIA4QK7ZP2XW3N5TRVU"),
    ("secret_key", "f8Kq2Vx9Lm3Rt7Yp1Zc5Hn0Bw4Jd6Gs8Ea2Uo9Ti"),
    ("token", "IQoJb3JpZ2luX2VjEJr3wEaCXVzLWVhc3QtMSJHMEUCIQDx7"),
    ("password", "Tr0ub4dor&3-horse"),
    ("password", "correct-horse-battery-staple"),
    ("api_key", "sk-live-51HqLyjWDarjtT1zdp7dcXaM"),
    ("secret_key", "localstack-secret-123"),  # a real-looking value: only the endpoints make it a test one
    ("client_secret", "8Q~pZx3.Yh7Tn2_Kd9Lr4Vb6Wm1Jc5Fs0Ge"),
]
# Placeholders, templates, test and documentation values: none is a secret.
PLACEHOLDERS = [
    ("access_key", ""),
    ("access_key", "access_key"),
    ("secret_key", "my-secret-key"),
    ("access_key", "mock_access_key"),
    ("secret_key", "mock_secret_key"),
    ("access_key", "test"),
    ("secret_key", "test"),
    ("password", "changeme"),
    ("password", "CHANGE_ME"),
    ("password", "xxxxxxxx"),
    ("password", "********"),
    ("token", "<secret>"),
    ("token", "${GITHUB_TOKEN}"),
    ("token", "{{ vault_token }}"),
    ("access_key", "foo"),
    ("secret_key", "bar"),
    ("access_key", "AKIAIOSFODNN7EXAMPLE"),
    ("secret_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("password", "dummy-password-123"),
    ("api_key", "your-api-key-here"),
]


@pytest.mark.parametrize(("name", "value"), SECRETS)
def test_a_value_that_may_be_a_secret_stays_one(name: str, value: str) -> None:
    assert placeholder_reason(value, name) is None


@pytest.mark.parametrize(("name", "value"), PLACEHOLDERS)
def test_a_placeholder_is_not_a_secret(name: str, value: str) -> None:
    assert placeholder_reason(value, name) is not None


def test_local_emulator_endpoints() -> None:
    assert local_endpoints_only([{"s3": "http://localhost:4566", "sqs": "http://127.0.0.1:4566"}])
    assert local_endpoints_only({"dynamodb": "http://localstack:4566"})
    assert not local_endpoints_only([{"s3": "http://localhost:4566", "sts": "https://sts.amazonaws.com"}])
    assert not local_endpoints_only([{"s3": "https://localhost.evil.example.com"}])
    # LocalStack's documented S3 endpoint: localhost.localstack.cloud and its subdomains resolve to 127.0.0.1
    assert local_endpoints_only({"s3": "http://s3.localhost.localstack.cloud:4566", "sqs": "http://localhost:4566"})
    assert local_endpoints_only({"s3": "https://localhost.localstack.cloud:4566/"})
    assert not local_endpoints_only({"s3": "http://s3.localhost.localstack.cloud.evil.example.com:4566"})
    assert not local_endpoints_only({"s3": "http://localstack.cloud.example.com"})
    assert not local_endpoints_only(None)
    assert not local_endpoints_only([])
