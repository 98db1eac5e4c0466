"""Values that only stand in for a secret: placeholders, documentation examples, test credentials.

A critical "hard-coded secret" finding must be right, so a value is a secret only when it could be
one. Not secrets: empty values; templates left unrendered (`${TOKEN}`, `{{ token }}`); values made
only of the argument's own words and filler words (`access_key`, `my-secret-key`, `mock_access_key`,
`dummy`); well-known placeholders (`changeme`, `xxx`, `<secret>`, `foo`); the example keys of the AWS
documentation (`AKIAIOSFODNN7EXAMPLE`); well-known default credentials (MinIO's `minioadmin`); any of
these wrapped in base64 or behind an HTTP scheme (`Basic dXNlcm5hbWU6cGFzc3dvcmQ=` is `username:password`);
and any value given to a provider whose every endpoint is a local emulator (LocalStack on localhost, or on
LocalStack's own `localhost.localstack.cloud`, which resolves to 127.0.0.1).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

_FILLER = frozenset(
    {
        "my", "your", "our", "the", "a", "an", "some", "fake", "dummy", "mock", "test", "testing", "example",
        "sample", "placeholder", "default", "demo", "local", "dev", "insert", "enter", "put", "here", "value",
        "replace", "me", "change", "todo", "tbd", "none", "null", "nil", "empty", "secret", "password",
        "passwd", "pass", "key", "token", "access", "id", "foo", "bar", "baz", "qux", "abc", "xyz",
        "123", "1234", "12345", "123456", "admin", "user", "username", "string", "str", "redacted",
        "changeme", "changeit", "replaceme", "secretkey", "accesskey", "apikey", "letmein", "api", "db",
        "minioadmin",  # MinIO's documented default root user and password
    }
)  # fmt: skip
_TEMPLATE = re.compile(r"^\s*(\$\{[^}]*\}|\{\{[^}]*\}\}|%\{[^}]*\}|<[^<>]*>|\$[A-Z_][A-Z0-9_]*)\s*$")
_REPEATED = re.compile(r"^(.)\1+$")  # xxxx, ****, 0000
_WORDS = re.compile(r"[a-z]+|[0-9]+")
_DOCUMENTATION_EXAMPLE = re.compile(r"EXAMPLE")  # AKIAIOSFODNN7EXAMPLE, wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY


@cache
def _local_hosts() -> re.Pattern[str]:
    return re.compile(
        r"^(https?://)?(localhost|127\.0\.0\.1|\[::1\]|0\.0\.0\.0|localstack|host\.docker\.internal"
        r"|([a-z0-9-]+\.)*localhost\.localstack\.cloud)(:[0-9]+)?(/|$)"
    )


_SCHEME = re.compile(r"^(basic|bearer|token)\s+(\S+)$", re.IGNORECASE)  # an Authorization header's value
_BASE64 = re.compile(r"^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")


@cache
def _printable() -> re.Pattern[str]:
    return re.compile(r"^[\x20-\x7e]+$")


def placeholder_reason(value: str, name: str = "") -> str | None:
    """Why `value` (given to the argument `name`) is not a real secret, or None when it may be one."""
    text = value.strip()
    scheme = _SCHEME.match(text)
    if scheme:
        text = scheme.group(2)  # `Basic <credentials>`: the credentials decide
    decoded = _base64_text(text)
    reason = None if decoded is None else _plain_reason(decoded, name)
    if reason is not None:
        return f"{reason}, wrapped in base64"
    return _plain_reason(text, name)  # also a plain word that happens to be valid base64 (`testtest`)


def _base64_text(text: str) -> str | None:
    """The printable text `text` encodes in base64, or None when it is not such a wrapping. A random secret
    that happens to be valid base64 decodes to bytes, not text, and stays as written."""
    if len(text) < 8 or not _BASE64.match(text):
        return None
    try:
        decoded = base64.b64decode(text, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded if _printable().match(decoded) else None


def _plain_reason(text: str, name: str) -> str | None:
    if not text:
        return "empty"
    if _TEMPLATE.match(text):
        return "an unrendered template or placeholder"
    if _REPEATED.match(text.lower()):
        return "a repeated character"
    if _DOCUMENTATION_EXAMPLE.search(text):
        return "an example value from documentation"
    words = _WORDS.findall(text.lower())
    own = set(_WORDS.findall(name.lower()))
    if words and all(word in _FILLER or word in own or _REPEATED.match(word) for word in words):
        return "only its own name and filler words"
    return None


def local_endpoints_only(endpoints: Any) -> bool:
    """True when a provider's `endpoints` block sends every service to a local emulator."""
    blocks: Iterable[Any] = endpoints if isinstance(endpoints, list) else [endpoints]
    urls = [url for block in blocks if isinstance(block, Mapping) for url in block.values() if url]
    return bool(urls) and all(isinstance(url, str) and _local_hosts().match(url.strip()) for url in urls)
