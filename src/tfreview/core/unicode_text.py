"""Text that can always be written: a lone surrogate becomes U+FFFD where text enters (docs/adr/0370).

A Python `str` can hold code points U+D800–U+DFFF that no UTF-8 encoder accepts: a plan whose JSON escapes
half a surrogate pair (`"\\ud800"`), an HCL escape (`"\\udc00"`), a file name that is not UTF-8 (read with
`surrogateescape`). Kept, such a string reaches a finding and makes every JSON, SARIF or terminal writer
fail, and a stored review unreadable. Terraform (Go) reads the same input as U+FFFD; so does tfreview, at
the parse boundary, so nothing downstream ever sees one.
"""

from __future__ import annotations

import re
from functools import cache

REPLACEMENT = "\ufffd"


@cache
def _surrogate() -> re.Pattern[str]:
    return re.compile("[\ud800-\udfff]")


# in JSON text: an escaped backslash (kept, so the `u` after it is text), a valid pair (kept), a lone half
@cache
def _json_escape() -> re.Pattern[str]:
    return re.compile(
        r"\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[dD][89a-fA-F][0-9a-fA-F]{2}"
    )


def scrub(text: str) -> str:
    """`text` with every surrogate code point replaced by U+FFFD (the same object when there is none)."""
    if text.isascii():
        return text
    return _surrogate().sub(REPLACEMENT, text)


def scrub_json_escapes(text: str) -> str:
    """JSON text whose `\\uD800`-style escapes of lone surrogates are replaced by `\\ufffd`; pairs are kept."""

    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        return found if len(found) != 6 else "\\ufffd"

    return _json_escape().sub(replace, text)
