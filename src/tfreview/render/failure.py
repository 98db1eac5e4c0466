"""The failure notice: what a pull request or a Spacelift run shows when its review failed for good (ADR 0380).

One renderer for every target (the PR comment, the check run's summary, the Spacelift run comment): the safe
reason (one line, scrubbed of anything secret-shaped, bounded; never a traceback), the review id and how to
retry. Markdown, deterministic.
"""

from __future__ import annotations

from tfreview.core.redact import scrub_text
from tfreview.render.markdown import escape

TITLE = "tfreview could not review this change"
REASON_LIMIT = 300
_NO_REASON = "no reason was recorded"


def safe_reason(reason: str | None) -> str:
    """The first line of `reason`, scrubbed of secrets, without markdown that could break the notice, bounded."""
    lines = (reason or "").strip().splitlines()
    line = scrub_text(lines[0].strip()) if lines else ""
    line = line.replace("`", "'").replace("<", "‹").replace(">", "›")
    if len(line) > REASON_LIMIT:
        line = line[: REASON_LIMIT - 1] + "…"
    return line or _NO_REASON


def failure_markdown(
    review_id: str,
    reason: str | None,
    *,
    marker: str = "",
    subject: str | None = None,
    retry: str,
    page_url: str | None = None,
    commit_sha: str | None = None,
) -> str:
    """The notice: `marker` first (a hidden comment naming us), then the title, the reason, the review and the retry."""
    parts = [marker] if marker else []
    parts.append(f"### ⚠️ {TITLE}")
    what = f"The review of {escape(subject)}" if subject else "The review"
    # the reason can quote what the change holds (a file name, a value): escaped like any of its text
    parts.append(f"{what} failed and will not be retried automatically: **{escape(safe_reason(reason))}**")
    review = f"Review `{review_id}`" + (f" ([open it]({page_url}))" if page_url else "")
    parts.append(f"- {review}\n- To review again: {retry}")
    if commit_sha:
        parts.append(f"<sub>commit `{commit_sha[:12]}` · no findings were published for it</sub>")
    return "\n\n".join(parts) + "\n"


def github_retry(review_id: str) -> str:
    return (
        "push a new commit, or redeliver the pull request's webhook (repository Settings → Webhooks → Recent"
        f" Deliveries → Redeliver), or ask an operator to run `POST /api/v1/reviews/{review_id}/retry`."
    )


def spacelift_retry(review_id: str) -> str:
    return (
        "trigger the run again (its after_plan hook uploads the plan anew), or ask an operator to run"
        f" `POST /api/v1/reviews/{review_id}/retry`."
    )
