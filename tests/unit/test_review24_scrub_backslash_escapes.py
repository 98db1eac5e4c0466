"""review24: a token shape right after a backslash escape is scrubbed, as one after a URL escape is (ADR 0736).

Text that holds JSON or HCL string source keeps its escapes as written: a plan's or a `.tf` file's
`"#!/bin/sh\\nghp_…"`, an error message quoting a JSON body. The `tfr_`, `ghp_` (and sibling) shapes begin where no
letter or digit precedes, and the escape's last character (`n` of `\\n`, `d` of `\\x3d`) is one: such a token,
if its random part did not give it away, stayed in clear in logs, messages and a model's prompt.
"""

from __future__ import annotations

import pytest

from tests.unit.test_scrub_url_encoded_tokens import CANARIES
from tfreview.core.redact import REDACTED, scrub_text

PREFIXES = ["\\n", "\\r", "\\t", "\\\\n", "\\x3d", "\\x3D", "\\u003d", "\\U0000003d", "\\f", "\\v", "\\b", "\\0"]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("canary", CANARIES)
def test_a_token_after_a_backslash_escape_is_scrubbed(canary: str, prefix: str) -> None:
    scrubbed = scrub_text(f'user_data = "#!/bin/sh{prefix}{canary}\\necho done"')
    assert canary not in scrubbed
    assert f"{prefix}{REDACTED}\\necho" in scrubbed  # the escape before it is kept: only the token goes


def test_a_name_ending_in_a_letter_before_the_prefix_is_still_left() -> None:
    text = "variable my_ghp_canaryaaaaaaaaaaaaaaaaaaaa and xn_ghp_canaryaaaaaaaaaaaaaaaaaaaa set"
    assert scrub_text(text) == text
