"""The Authorization-header secret shape (S2, session 15) masks a credential, not the English after a scheme word.

review15a: "the Authorization: Basic header is needed" was shown as "the (redacted) is needed", and a description
changing from "Authorization: Bearer required" to "… optional" was two identical "(redacted)" to the model.
A credential that is one plain lowercase word (up to 20 letters) is prose; anything else after the scheme is still
masked.
"""

from __future__ import annotations

import pytest

from tfreview.core.redact import REDACTED, looks_secret, scrub_text


@pytest.mark.parametrize(
    "text",
    [
        "the Authorization: Basic header is needed",
        "Send Authorization: Bearer authentication with each call",
        "Authorization: token required",
        "Authorization: see docs",
        "authorization = bearer tokens only",
    ],
)
def test_prose_after_a_scheme_is_not_a_credential(text: str) -> None:
    assert scrub_text(text) == text
    assert not looks_secret(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("curl -H 'Authorization: Basic YWRtaW46aHVudGVyMg==' https://x", "YWRtaW46aHVudGVyMg=="),
        ('{"authorization": "Bearer 8f1c2a9e0b7d4c3a"}', "8f1c2a9e0b7d4c3a"),
        ("Proxy-Authorization: token canary-proxy-tok", "canary-proxy-tok"),
        ("AUTHORIZATION=Bearer abc.def_ghi", "abc.def_ghi"),
        ("Authorization: Bearer Abcdefgh", "Abcdefgh"),
        ("Authorization: Bearer qwertyuiopasdfghjklzxcvbnm", "qwertyuiopasdfghjklzxcvbnm"),  # longer than a word
    ],
)
def test_a_credential_is_still_masked(text: str, secret: str) -> None:
    scrubbed = scrub_text(text)
    assert secret not in scrubbed
    assert REDACTED in scrubbed
