"""`scrub_text` skips the secret shapes on a text that holds none of their literals (ADR 0466).

The literals ("needles") are a necessary condition for each shape: every match holds one. These tests check that
claim on each shape's own examples and on many generated texts built from the shapes' pieces, and that
`scrub_text` gives exactly what the unconditional algorithm (every shape substituted, then the long tokens judged)
gives, on the secret corpus, on messages like a review's and on the generated texts.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tfreview.core import redact
from tfreview.core.redact import REDACTED, scrub_text

CORPUS = tomllib.loads((Path(__file__).parents[1] / "data" / "secrets" / "corpus.toml").read_text(encoding="utf-8"))

# one text each shape matches (kept apart from the corpus: every shape is exercised even if the corpus changes)
EXAMPLES = [
    "key AKIAIOSFODNN7EXAMPLE here",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
    "token ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
    "Bearer tfr_0123456789abcdef_abcdefghijklmnopqrstuvwxyz-_ABC",
    "slack xoxb-1234567890-abcdefghij",
    "openai sk-proj-abcdefghijklmnopqrstuvwxyz012345",
    "google AIzaSyA-abcdefghijklmnopqrstuvwxyz01234 key",
    "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
    "https://admin:hunter22@db.example.com/x",
    "Server=x;AccountKey=abcdef123456;Pwd=abcdefgh",
    "curl -H 'Authorization: Basic YWRtaW46aHVudGVyMg==' https://x",
]

# pieces the generated texts are made of: each shape's literals, their near misses, and the characters around them
PIECES = [
    *(needle for _, needles in redact._SHAPES for needle in needles),
    *("AKI", "ghp", "gh_", "github_pat", "xo", "sk", "AIz", "ey", ":/", "//", "-----BEGIN", "BEGIN "),
    *("RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", "PRIVATE KEY", "proj-", "ant-", ".eyJ", "@"),
    *("password", "pwd", "sig", "AccountKey", "SharedAccessKey", "PASSWORD", ";", "&", "'", '"', " ", "\n", "."),
    *("ABCDEFGHIJKLMNOP", "0123456789", "abcdefghijklmnopqrstuvwxyz", "Zq9x", "_", "-", "/", "+", "="),
    *("x", "o", "b-", "xob-", "SyA", "Sy", "e", "yJ", "hbGciOiJIUzI1NiJ9", "admin", ":", "hunter22", "h:"),
]
# texts built around one shape's literals match it often enough to test every shape
AROUND = {
    r"\bxox": ["xox", "xo", "x", "b-", "p-", "1234567890", "abcdefghij", " "],
    r"\bAIza": ["AIza", "AIz", "a", "SyA-", "abcdefghijklmnopqrstuvwxyz", "01234", "0123456789", " ", "_"],
    r"\beyJ": ["eyJ", "ey", "J", "hbGciOiJ", "IUzI1NiJ9", ".", ".eyJ", "zdWIiOiIx"],
    r"(?<=://)": ["://", ":/", "/", ":", "admin", "hunter22", "@", "db.example.com", "https"],
    r"\btfr_": ["tfr_", "tfr", "_", "0123456789abcdef", "0123456789abcdef_", "abcdefghijklmnopqrstuvwxyz", "-"],
    "authorization": [
        *("Authorization", "authorization", "uthorization", "Proxy-", ": ", ":", "=", '"', "'", " "),
        *("Basic ", "Bearer ", "token ", "YWRtaW46aHVudGVyMg==", "abc", "Auth"),
    ],
}


def _reference_scrub(text: str) -> str:
    """`scrub_text` as it was before the needles (every shape substituted whenever one might match)."""
    if len(text) < 12 or (not redact._ANY_SHAPE.search(text) and not redact._HIGH_ENTROPY_CANDIDATE.search(text)):
        return text
    for pattern in redact._secret_shapes():
        text = pattern.sub(REDACTED, text)
    judged = redact._high_entropy
    return redact._HIGH_ENTROPY_CANDIDATE.sub(lambda m: REDACTED if judged(m.group(0)) else m.group(0), text)


def _generated(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 14))) for _ in range(count)]
    for pieces in AROUND.values():
        texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(3, 12))) for _ in range(count // 2)]
    return texts


def test_every_shape_has_an_example_and_its_example_holds_a_needle() -> None:
    for pattern, (_, needles) in zip(redact._secret_shapes(), redact._SHAPES, strict=True):
        matched = [text for text in EXAMPLES if pattern.search(text)]
        assert matched, pattern.pattern
        assert all(any(needle in text for needle in needles) for text in matched), pattern.pattern
        assert scrub_text(matched[0]) != matched[0]  # found and replaced through the needle's gate


def test_no_match_without_a_needle_on_generated_texts() -> None:
    texts = _generated(6000, seed=13)
    for pattern, (_, needles) in zip(redact._secret_shapes(), redact._SHAPES, strict=True):
        matched = 0
        for text in texts:
            if pattern.search(text):
                matched += 1
                assert any(needle in text for needle in needles), (pattern.pattern, text)
        assert matched >= 5, pattern.pattern  # the generated texts reach every shape, not only its absence


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scrub_is_the_unconditional_algorithms(seed: int) -> None:
    texts = _generated(3000, seed) + EXAMPLES
    texts += [entry["value"] for entry in CORPUS["secret"] + CORPUS["placeholder"]]
    texts += [f"{entry['name']}={entry['value']} is set in plain text" for entry in CORPUS["secret"]]
    changed = 0
    for text in texts:
        expected = _reference_scrub(text)
        assert scrub_text(text) == expected, text
        changed += expected != text
    assert changed > 100


def test_a_reviews_messages_are_left_as_they_are_and_long_tokens_still_judged() -> None:
    message = "the canned ACL 'public-read-write' lets anyone write (set by module.stack_0.aws_s3_bucket_acl.this)"
    assert scrub_text(message) == message == _reference_scrub(message)
    typed = "aws_s3_bucket_server_side_encryption_configuration.this has no customer-managed key"
    assert scrub_text(typed) == typed  # a long token (a resource type), judged and kept
    secret = "the value Zq9xA7bK2mP4tR8wL3nV6yC1dF5gH0jQ is stored in plain text"
    assert scrub_text(secret) == _reference_scrub(secret) == f"the value {REDACTED} is stored in plain text"
    assert not re.search(r"AKIA|ghp_", scrub_text("x AKIAIOSFODNN7EXAMPLE and ghp_abcdefghijklmnopqrstuvwxyz01"))


def _reference_looks_secret(text: str) -> bool:
    """`looks_secret` as it was before the needles (each shape searched in turn)."""
    if any(pattern.search(text) for pattern in redact._secret_shapes()):
        return True
    return any(redact._high_entropy(m.group(0)) for m in redact._HIGH_ENTROPY_CANDIDATE.finditer(text))


@pytest.mark.parametrize("seed", [4, 5])
def test_looks_secret_is_each_shape_searched_in_turn(seed: int) -> None:
    """`looks_secret` asks the shapes' union, behind their needles (ADR 0649): the same answer as each shape."""
    texts = _generated(3000, seed) + EXAMPLES + [entry["value"] for entry in CORPUS["secret"] + CORPUS["placeholder"]]
    said = [redact.looks_secret(text) for text in texts]
    assert said == [_reference_looks_secret(text) for text in texts]
    assert 100 < sum(said) < len(texts)  # both answers are reached


def test_a_scan_compiles_no_shape_nor_assignment_pattern_it_does_not_need() -> None:
    """The shapes one by one and the assignment patterns are compiled on first need (ADR 0649): a process that
    only scrubs plain messages and names compiles neither."""
    script = (
        "from tfreview.core import redact\n"
        "assert redact.scrub_text('the bucket module.stack_0.aws_s3_bucket.logs has no versioning') != ''\n"
        "assert redact.redact_value({'name': 'logs', 'password': 'hunter22'}) == "
        "{'name': 'logs', 'password': redact.REDACTED}\n"
        "print(redact._secret_shapes.cache_info().currsize, redact._assignment_patterns.cache_info().currsize)\n"
        "assert redact.scrub_text('key AKIAIOSFODNN7EXAMPLE here') == f'key {redact.REDACTED} here'\n"
        "assert redact.mask_assignments('export DB_PASSWORD=hunter22') == f'export DB_PASSWORD={redact.REDACTED}'\n"
        "print(redact._secret_shapes.cache_info().currsize, redact._assignment_patterns.cache_info().currsize)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.split("\n")[:2] == ["0 0", "1 1"]


def test_a_tfreview_api_token_is_scrubbed_whatever_its_random_part() -> None:
    """A `tfr_` API token is scrubbed by its shape, not only when its random part happens to look high-entropy
    (a token_urlsafe part of one letter class is not): any log line, error or comment quoting one hides it."""
    from tfreview.store.token_secrets import new_secret

    _, secret = new_secret()
    for token in (secret, "tfr_0123456789abcdef_" + "a" * 43, "tfr_0123456789abcdef_" + "-" * 43):
        text = f"401 Unauthorized: Authorization header 'x {token}' refused"
        assert token not in scrub_text(text), token
        assert redact.looks_secret(token)
    assert scrub_text("the cookie tfr_session_name is set") == "the cookie tfr_session_name is set"
