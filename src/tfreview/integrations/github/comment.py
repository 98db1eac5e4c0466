"""The PR comment from a STORED review: the report rendered by the one markdown renderer
(render.stored_report), with our marker first and a footer naming the commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tfreview.render.markdown import MAX_CHARS
from tfreview.render.stored_report import report_markdown, review_from_report

__all__ = ["COMMENT_LIMIT", "comment_body", "report_markdown", "review_from_report"]

COMMENT_LIMIT = MAX_CHARS  # GitHub refuses a longer body with 422
_SAFETY = 512  # characters kept free below GitHub's limit (its count is disputed for non-ASCII text)


def comment_body(
    report: Mapping[str, Any],
    marker: str,
    *,
    commit_sha: str | None,
    without_ai: bool,
    limit: int = COMMENT_LIMIT,
    page_url: str | None = None,
) -> str:
    """Marker first (exactly one), the review, then a footer with the review's page link and the commit:
    never longer than `limit`."""
    footer_parts = [f"[open the full review]({page_url})"] if page_url else []
    if commit_sha:
        footer_parts.append(f"reviewed commit `{commit_sha[:12]}`" if _is_hex(commit_sha) else "reviewed commit")
    if without_ai:
        footer_parts.append("the AI review was unavailable: rules only")
    footer = ("\n<sub>" + " · ".join(footer_parts) + "</sub>\n") if footer_parts else ""
    body = report_markdown(report, marker=marker, max_chars=limit - _SAFETY - len(footer)) + footer
    if len(body) > limit:  # cannot happen with the budget above; never send a body GitHub would refuse
        body = body[:limit]
    return body


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)
