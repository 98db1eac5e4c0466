"""The PR comment from a STORED review: the typed Review (read by ports.review_codec) rendered by the one
markdown renderer, with our marker first and a footer naming the commit."""

from __future__ import annotations

from tfreview.core.findings import Review
from tfreview.render.markdown import MAX_CHARS, render_markdown

__all__ = ["COMMENT_LIMIT", "comment_body"]

COMMENT_LIMIT = MAX_CHARS  # GitHub refuses a longer body with 422
_SAFETY = 512  # characters kept free below GitHub's limit (its count is disputed for non-ASCII text)


def comment_body(
    review: Review,
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
    body = render_markdown(review, marker=marker, max_chars=limit - _SAFETY - len(footer)) + footer
    if len(body) > limit:  # cannot happen with the budget above; never send a body GitHub would refuse
        body = body[:limit]
    return body


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)
