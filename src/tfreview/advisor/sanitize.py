"""Model text made inert before it reaches a pull-request or run comment (S3).

What a model writes is untrusted: a prompt injection can make it write anything. The result of
`sanitize` has no live @mentions or issue references, this repository's or another's (a zero-width
joiner breaks them), no images (their alt text stays), no links except to allow-listed hosts (others
become their text, bare URLs stop autolinking), no raw HTML (escaped: so no copy of our hidden
`<!-- tfreview` marker and no unbalanced `<details>`), no `javascript:`/`vbscript:`/`data:` URLs,
balanced code fences, and at most `max_chars` characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final
from urllib.parse import urlsplit

from tfreview.advisor.context import strip_invisible

MARKER_PREFIX: Final = "<!-- tfreview"
ZWJ: Final = "\u200d"
_TRUNCATED: Final = "… (truncated)"

_IMAGE = re.compile(r"!\[([^\]\n]*)\]\s*(?:\([^)\n]*\)|\[[^\]\n]*\])")
_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*(?:&lt;)?([^)\s]*?)(?:&gt;)?(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")
_REF_LINK = re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]")
_REF_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[^\n]*$", re.MULTILINE)
_BARE_URL = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*)://")
_WWW = re.compile(r"(?i)(?<![a-z0-9])www\.")  # after `_` too: GFM links `x_www.…` (review16c)
_SCHEME = re.compile(r"(?i)\b(javascript|vbscript|data|file)(\s*):")
# GitHub reads `@name` after anything but an ASCII letter, digit or `_`: after a backtick that opens no code span, and
# after `é` or `名` too (review19a: `\w` is Unicode, and a backtick was spared); `bob@example.com` stays as it is
_MENTION = re.compile(r"(?<![A-Za-z0-9_])@(?=[A-Za-z0-9_-])")
# `#12` and `GH-12`, and `owner/repo#12`: a reference into another repository posts a cross-reference event on that
# issue, an action outside the triggering pull request (S1); so every `#` before a digit is broken
_ISSUE_REF = re.compile(r"(?i)(?<![\w])gh-(?=\d)|#(?=\d)")
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")
_PARTIAL_ENTITY = re.compile(r"&[#a-zA-Z0-9]*$")
_FENCE_LINE = re.compile(r"^ {0,3}(```|~~~)", re.MULTILINE)


def host_allowed(url: str, allowed_hosts: Iterable[str]) -> bool:
    """True for an http(s) URL whose host is an allowed host or one of its subdomains."""
    if "\\" in url or any(ord(c) < 33 for c in url):
        return False
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or not host or parts.username or parts.password:
        return False
    return any(host == h or host.endswith("." + h) for h in (a.lower().strip(".") for a in allowed_hosts) if h)


def sanitize(text: str, *, allowed_hosts: Iterable[str] = (), max_chars: int = 12_000) -> str:
    """`text` (Markdown from a model) with every way out of the comment closed."""
    hosts = tuple(allowed_hosts)
    text = strip_invisible(text).replace("\r", "")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _IMAGE.sub(lambda m: m.group(1), text)
    kept: list[str] = []

    def link(match: re.Match[str]) -> str:
        label, url = match.group(1), match.group(2).replace("&amp;", "&")
        if host_allowed(url, hosts):
            kept.append(f"[{_inert(label)}]({match.group(2)})")
            return f"\x00{len(kept) - 1}\x00"
        return label

    text = _LINK.sub(link, text)
    text = _REF_DEFINITION.sub("", text)
    text = _REF_LINK.sub(lambda m: m.group(1), text)
    text = _inert(text)
    text = _PLACEHOLDER.sub(lambda m: kept[int(m.group(1))], text)
    return _cap(text, max_chars)


def _inert(text: str) -> str:
    """No autolink, dangerous scheme, mention or issue reference left live."""
    # a zero-width joiner, not a zero-width space: the renderers show a zero-width space as `\u200B` (visible)
    text = _BARE_URL.sub(lambda m: f"{m.group(1)}:{ZWJ}//", text)
    text = _WWW.sub(lambda m: f"{m.group(0)[:3]}{ZWJ}.", text)
    text = _SCHEME.sub(lambda m: f"{m.group(1)}{ZWJ}{m.group(2)}:", text)
    text = _MENTION.sub("@" + ZWJ, text)
    return _ISSUE_REF.sub(lambda m: m.group(0) + ZWJ, text)


def _cap(text: str, max_chars: int) -> str:
    reserve = len(_TRUNCATED) + 5  # the note and a closing fence
    if len(text) > max_chars:
        text = _PARTIAL_ENTITY.sub("", text[: max(0, max_chars - reserve)]) + _TRUNCATED
    if len(_FENCE_LINE.findall(text)) % 2:
        text += "\n```"
    return text
