"""Values that only stand in for a secret: placeholders, documentation examples, test credentials.

A critical "hard-coded secret" finding must be right, so a value is a secret only when it could be
one. Not secrets: empty values; templates left unrendered (`${TOKEN}`, `{{ token }}`); values made
only of the argument's own words and filler words (`access_key`, `my-secret-key`, `mock_access_key`,
`dummy`); well-known placeholders (`changeme`, `xxx`, `<secret>`, `foo`); the example keys of the AWS
documentation (`AKIAIOSFODNN7EXAMPLE`); and any value given to a provider whose every endpoint is a
local emulator (LocalStack on localhost).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_FILLER = frozenset(
    {
        "my", "your", "our", "the", "a", "an", "some", "fake", "dummy", "mock", "test", "testing", "example",
        "sample", "placeholder", "default", "demo", "local", "dev", "insert", "enter", "put", "here", "value",
        "replace", "me", "change", "todo", "tbd", "none", "null", "nil", "empty", "secret", "password",
        "passwd", "pass", "key", "token", "access", "id", "foo", "bar", "baz", "qux", "abc", "xyz",
        "123", "1234", "12345", "123456", "admin", "user", "username", "string", "str", "redacted",
        "changeme", "changeit", "replaceme", "secretkey", "accesskey", "apikey", "letmein", "api", "db",
    }
)  # fmt: skip
_TEMPLATE = re.compile(r"^\s*(\$\{[^}]*\}|\{\{[^}]*\}\}|%\{[^}]*\}|<[^<>]*>|\$[A-Z_][A-Z0-9_]*)\s*$")
_REPEATED = re.compile(r"^(.)\1+$")  # xxxx, ****, 0000
_WORDS = re.compile(r"[a-z]+|[0-9]+")
_DOCUMENTATION_EXAMPLE = re.compile(r"EXAMPLE")  # AKIAIOSFODNN7EXAMPLE, wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
_LOCAL_HOSTS = re.compile(
    r"^(https?://)?(localhost|127\.0\.0\.1|\[::1\]|0\.0\.0\.0|localstack|host\.docker\.internal)(:[0-9]+)?(/|$)"
)


def placeholder_reason(value: str, name: str = "") -> str | None:
    """Why `value` (given to the argument `name`) is not a real secret, or None when it may be one."""
    text = value.strip()
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
    return bool(urls) and all(isinstance(url, str) and _LOCAL_HOSTS.match(url.strip()) for url in urls)
