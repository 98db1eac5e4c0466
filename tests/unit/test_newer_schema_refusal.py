"""The refusal of a schema revision this version does not carry (a database's, a backup's) shows the revision as
one bounded line: it is read from the database or from a backup file, which may come from anywhere (review22)."""

from __future__ import annotations

import pytest

from tfreview.core.errors import ConfigError
from tfreview.store.migrate import refuse_newer_schema


def refusal(revision: str) -> str:
    with pytest.raises(ConfigError) as raised:
        refuse_newer_schema(revision)
    return str(raised.value)


def test_a_revision_with_control_characters_is_shown_escaped_on_one_line() -> None:
    """`0001\\n` (a row edited by hand) printed a raw newline, and a backup's revision holding terminal escapes
    (`\\x1b]0;…\\x07`: retitle the window, `\\x1b[2J`: clear the screen) reached the operator's terminal as-is."""
    message = refusal("0001\n\x1b]0;owned\x07\x1b[2J")
    assert message.isprintable(), repr(message)
    assert "'0001\\n\\x1b]0;owned\\x07\\x1b[2J'" in message


def test_a_long_revision_is_cut() -> None:
    message = refusal("9" * 5000)
    assert "9" * 64 + "'…" in message
    assert len(message) < 400


def test_a_plain_revision_is_shown_as_it_is() -> None:
    assert "at revision 9999_from_a_newer_tfreview, which this version" in refusal("9999_from_a_newer_tfreview")
