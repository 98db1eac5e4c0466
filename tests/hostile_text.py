"""Text an attacker writes into a change (a for_each key, a value, a file name, a model's answer) and the checks
that it reached a reader inert: no live HTML, Markdown, mention, reference, link, image, escape sequence or bidi
control, whatever the sink (a PR comment, a check run, a terminal, a CI log, the dashboard).

`HOSTILE` carries one of each attack; `hostile_plan()` is a `terraform show -json` plan that puts it in every
place a plan lets a stranger write: addresses (a for_each key), attribute values quoted in evidence, the
Terraform version of the header. `markdown_leaks` and `terminal_leaks` list what got through (empty: nothing).
"""

from __future__ import annotations

import re
from typing import Any

HOSTILE = (
    "x</textarea><script>alert(1)</script><img src=x onerror=alert(2)>\"'` | @acme/admins @octocat #123 GH-7 "
    "![p](https://evil.example/pixel?leak) [c](javascript:alert(3)) <https://evil.example> www.evil.example "
    "x_www.evil.example "
    "<!-- hidden --> <details><summary>x</summary> ``` ~~~ "
    "\x1b]0;TITLE\x07\x1b[2J\x1b[1A\x1b]8;;https://evil.example\x07link\x1b]8;;\x07\x9b31m "
    "\u202eevil\u202c \u2066iso\u2069 a\u200bb\ufeff "
    "<!channel> <!here> <https://evil.example|click> *bold* ~strike~ ::error::forged ##[error]forged"
)
# a whole line of its own in a value: a heading that forges the verdict
FORGED_VERDICT = "\n\n### ✅ tfreview: PASS — no issues found\n\n**tfreview: PASS**\n"
# bidi controls, isolates and marks, and the zero-width characters `render.digest.visible` shows as escapes
INVISIBLE = "\u061c\u200b\u200c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"


def _change(address_key: str, kind: str, actions: list[str], before: Any, after: Any) -> dict[str, Any]:
    return {
        "address": f'{kind}.hostile["{address_key}"]',
        "mode": "managed",
        "type": kind,
        "name": "hostile",
        "index": address_key,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {"actions": actions, "before": before, "after": after, "after_unknown": {}},
    }


def hostile_plan() -> dict[str, Any]:
    """A plan (create a public bucket, open SSH, delete a database) whose every free text is `HOSTILE`."""
    text = HOSTILE + FORGED_VERDICT
    tags = {"Name": text, text: "key"}
    ingress = {
        "cidr_blocks": ["0.0.0.0/0"],
        "description": text,
        "from_port": 22,
        "to_port": 22,
        "protocol": "tcp",
        "ipv6_cidr_blocks": [],
        "prefix_list_ids": [],
        "security_groups": [],
        "self": False,
    }
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.0" + FORGED_VERDICT + HOSTILE,
        "resource_changes": [
            _change(text, "aws_s3_bucket", ["create"], None, {"bucket": text, "acl": "public-read", "tags": tags}),
            _change(text, "aws_security_group", ["create"], None, {"name": text, "ingress": [ingress], "egress": []}),
            _change(text, "aws_db_instance", ["delete"], {"identifier": text, "engine": "postgres"}, None),
        ],
    }


# --- Markdown (GitHub-flavoured: PR comments, Spacelift comments, check-run text) -----------------------------

# an escaped backtick (`\``) opens no code span: read as one, it hid what followed it from the checks (review16c)
_CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_OUR_TAGS = re.compile(r"</?(?:details|summary|sub|br)>|<!-- tfreview[^\n]*?-->")
_HEADING = re.compile(r"^#{1,6} .*$", re.MULTILINE)
# a line GitHub shows as a verdict: a heading or bold text (unescaped markup) saying one (ours is the first line)
_VERDICT = re.compile(r"^(?:#{1,6} +|\*\*|__)[^\n\\]*tfreview: (?:PASS|WARN|FAIL)", re.MULTILINE)


def markdown_leaks(body: str, *, own_links: tuple[str, ...] = ()) -> list[str]:
    """What in `body` GitHub would render live although a plan wrote it. Code spans are literal on GitHub, so
    they are left out first; so are our own tags and the `[text](url)` links to `own_links` prefixes."""
    leaks = [f"raw U+{ord(c):04X}" for c in INVISIBLE if c in body]
    leaks += [f"control {c!r}" for c in sorted(set(re.findall(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", body)))]
    text = _CODE_SPAN.sub("", body)
    for prefix in own_links:
        text = re.sub(r"\]\(" + re.escape(prefix) + r"[^)\s]*\)", "]", text)
    if text.count("<details>") != text.count("</details>"):
        leaks.append("unbalanced <details>")
    text = _OUR_TAGS.sub("", text)
    checks = {
        "raw HTML or Slack-style <…>": r"<",
        "live @mention": r"@[A-Za-z0-9_-]",
        "live #reference": r"(?<![&\w\\])#\d|\bGH-\d",
        "link or image": r"(?<!\\)\[[^\]\n]*(?<!\\)\]\(|(?<!\\)\]\[",
        # GFM links `www.` at a line's start, after a space or after `*`, `_`, `~`, `(` — `x_www.…` too (review16c)
        "autolink": r"[a-z]://|(?<![A-Za-z0-9])[wW]{3}\.",
        "code fence": r"(?m)^\s*(?:```|~~~)",
        "workflow command": r"(?m)^\s*::|##\[",
    }
    for name, pattern in checks.items():
        match = re.search(pattern, text)
        if match:
            leaks.append(f"{name}: …{text[max(0, match.start() - 40) : match.end() + 40]!r}…")
    leaks += [f"forged heading {h!r}" for h in _HEADING.findall(text) if "PASS" in h or "no issues" in h.lower()]
    if len(_VERDICT.findall(text)) > 1:
        leaks.append(f"{len(_VERDICT.findall(text))} verdict lines")
    return leaks


# --- terminals and CI logs ---------------------------------------------------------------------------------


def terminal_leaks(data: bytes) -> list[str]:
    """What in `data` a terminal or a CI log would act on: a control character other than a newline (an escape
    sequence, a bell, a C1 CSI), a bidi control or invisible character, a workflow command at a line's start."""
    text = data.decode("utf-8")
    leaks = [f"control {c!r}" for c in sorted(set(re.findall(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", text)))]
    leaks += [f"raw U+{ord(c):04X}" for c in INVISIBLE if c in text]
    return leaks
