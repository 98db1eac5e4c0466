"""SpaceliftPublisher: a finished review of a Spacelift run becomes a run comment (and, optionally, a review).

Spacelift run comments cannot be edited, so "edited in place" becomes: post a new comment ONLY when the
verdict or the set of findings changed for that run. Each comment carries a hidden marker with the
content fingerprint and an HMAC of (stack, run, fingerprint) keyed from the API key secret, so a marker
copied by someone else into their own comment is not ours (I4). Before posting, the run's comments are
read (`run { comments }`): when our latest marked comment already has this fingerprint nothing is
posted. That covers a crash after the comment was created (I1), a lost response to a successful
`runComment` (I2), and — with a per-run lock in the process and the queue's unique publish-job key
`publish:{review_id}:{content_hash}` across processes — two jobs racing (I3).

With `review_runs`, the verdict also drives `runReview`: pass → APPROVE, fail → REJECT, warn → none
(a human decides); only in states an approval policy evaluates (QUEUED, UNCONFIRMED, PENDING_REVIEW).
A run's reviews cannot be read back, so our comment is the record of the decision (ADR 0567): it is sent only
by the publish that posts the comment — a REJECT just before it (at least once: never lost, at worst repeated
when the comment then fails), an APPROVE just after it (at most once: a second approval could count twice in
an approval policy; a lost one waits for a human). Spacelift refusing the decision for good leaves the comment.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import replace

from tfreview.core.errors import InputError, UpstreamError
from tfreview.core.findings import Review
from tfreview.integrations.spacelift.client import SpaceliftClient
from tfreview.integrations.spacelift.crosscheck import MISMATCH_NOTE
from tfreview.integrations.spacelift.models import APPROVABLE_STATES, RunComment, SpaceliftRun
from tfreview.integrations.spacelift.settings import SpaceliftApiSettings
from tfreview.plumbing.hashing import short_digest
from tfreview.plumbing.keyed_locks import KeyedLocks
from tfreview.plumbing.recent_values import RecentValues
from tfreview.ports.records import ReviewStatus, StoredReview
from tfreview.render.digest import tally
from tfreview.render.failure import failure_markdown, safe_reason, spacelift_retry
from tfreview.render.markdown import render_markdown

logger = logging.getLogger("tfreview.integrations.spacelift")

MAX_COMMENT_CHARS = 65_536  # Spacelift documents no limit; the PR comment's bound keeps a comment readable
_MARKER = re.compile(r"<!-- tfreview:spacelift-run fp=([0-9a-f]{16}) sig=([0-9a-f]{32}) -->")
_DECISIONS = {"pass": "APPROVE", "fail": "REJECT"}
_REMEMBERED_RUNS = 4096  # runs whose latest comment and run review a publisher remembers


def content_fingerprint(review: Review, verdict: str | None = None) -> str:
    """What a new comment depends on: the verdict, the findings (fingerprint, status, severity), a plan mismatch."""
    findings = sorted(f"{f.fingerprint}|{f.status.value}|{f.severity.value}" for f in review.findings)
    mismatch = any(n.startswith(MISMATCH_NOTE) for n in review.coverage.notes)
    return short_digest({"verdict": verdict or review.verdict.value, "findings": findings, "mismatch": mismatch})


class SpaceliftPublisher:
    """Implements core.ports.Publisher for reviews of a Spacelift run (source kind "spacelift", or any
    review carrying a stack id and a run id, e.g. an API upload); other reviews are left alone."""

    def __init__(
        self,
        client: SpaceliftClient,
        settings: SpaceliftApiSettings,
        *,
        marker_key: bytes | None = None,
        review_links: Callable[[str], str] | None = None,
    ):
        self._client = client
        self._review_links = review_links  # review id → its dashboard page (core.links), linked from the comment
        self._settings = settings
        self._marker_key = marker_key
        # a process's memory of its latest comment and run review per run, bounded (a long-lived service sees runs
        # without end); what it forgets is found again by the marker read back from the run's comments
        self._locks = KeyedLocks()
        self._posted: RecentValues[tuple[str, str], str] = RecentValues(_REMEMBERED_RUNS)  # → our latest fingerprint
        self._reviewed: RecentValues[tuple[str, str], str] = RecentValues(_REMEMBERED_RUNS)  # → decision sent
        self.comments_posted = 0

    @staticmethod
    def handles(review: StoredReview) -> bool:
        return bool(review.source.stack_id and review.source.run_id) and review.source.kind in ("spacelift", "api")

    def ours(self, review: StoredReview) -> bool:
        """A review of a run this account's API key may act on: of its tenant and naming no other account (ADR 0566);
        another tenant's review naming this account's stack and run is logged and left alone."""
        if not self.handles(review):
            return False
        why = self._settings.foreign(review.tenant_id, review.source.account)
        if why is not None:
            logger.info(
                "spacelift run %s/%s: review %s is not this Spacelift account's (%s): not published to Spacelift",
                review.source.stack_id,
                review.source.run_id,
                review.id,
                why,
            )
        return why is None

    def publish(self, review: StoredReview) -> None:
        if not self.ours(review):
            return
        typed = review.review()  # InputError: a stored document this release cannot read
        if typed is None:
            raise InputError(f"review {review.id} has no report to publish")
        stack_id, run_id = review.source.stack_id or "", review.source.run_id or ""
        key = (stack_id, run_id)
        fingerprint = content_fingerprint(typed, review.verdict)
        with self._locks.hold(key):
            if self._posted.get(key) == fingerprint:
                return
            run = self._client.run(stack_id, run_id)
            if self.latest_fingerprint(stack_id, run_id, run.comments) == fingerprint:
                # its run review, when there was one, went with it: never sent again (I6)
                logger.info("spacelift run %s/%s: our comment for this content is there already", *key)
            else:
                decision = self._decision(review, key, run) if self._settings.review_runs else None
                if decision == "REJECT":  # at least once: sent before the comment that records it
                    self._send_review(review, typed, key, decision)
                body = self.comment_body(review, typed, fingerprint)
                self._client.run_comment(stack_id, run_id, body)
                self.comments_posted += 1
                logger.info("spacelift run %s/%s: review %s commented", stack_id, run_id, review.id)
                if decision == "APPROVE":  # at most once: the comment records it before it is sent
                    self._send_review(review, typed, key, decision)
            self._posted.put(key, fingerprint)

    def publish_failure(self, review: StoredReview) -> None:
        """The review failed for good (ADR 0380): one run comment says so, with the safe reason, the review id and
        how to retry; found again by its marker (a fingerprint of the failure) before anything is posted."""
        if review.status is not ReviewStatus.FAILED or not self.ours(review):
            return
        stack_id, run_id = review.source.stack_id or "", review.source.run_id or ""
        key = (stack_id, run_id)
        fingerprint = short_digest({"failed": review.id, "reason": safe_reason(review.status_reason)})
        with self._locks.hold(key):
            if self._posted.get(key) == fingerprint:
                return
            run = self._client.run(stack_id, run_id)
            if self.latest_fingerprint(stack_id, run_id, run.comments) != fingerprint:
                page_url = self._review_links(review.id) if self._review_links else None
                body = failure_markdown(
                    review.id,
                    review.status_reason,
                    marker=self.marker(stack_id, run_id, fingerprint),
                    subject=f"Spacelift stack {stack_id} run {run_id}",
                    retry=spacelift_retry(review.id),
                    page_url=page_url,
                )
                self._client.run_comment(stack_id, run_id, body)
                self.comments_posted += 1
                logger.info("spacelift run %s/%s: failure of review %s commented", stack_id, run_id, review.id)
            self._posted.put(key, fingerprint)

    # --- the comment -----------------------------------------------------------------------------

    def comment_body(self, review: StoredReview, rendered: Review, fingerprint: str) -> str:
        mismatch = [n for n in rendered.coverage.notes if n.startswith(MISMATCH_NOTE)]
        # a plan that may not be this run's is said up front
        rendered = replace(rendered, notices=[*mismatch, *rendered.notices])
        marker = self.marker(review.source.stack_id or "", review.source.run_id or "", fingerprint)
        footer = f"\n[Open the full review]({self._review_links(review.id)})\n" if self._review_links else ""
        return render_markdown(rendered, max_chars=MAX_COMMENT_CHARS - len(footer), marker=marker) + footer

    def marker(self, stack_id: str, run_id: str, fingerprint: str) -> str:
        return f"<!-- tfreview:spacelift-run fp={fingerprint} sig={self._signature(stack_id, run_id, fingerprint)} -->"

    def latest_fingerprint(self, stack_id: str, run_id: str, comments: Iterable[RunComment]) -> str | None:
        """The fingerprint in OUR latest comment on the run (a marker whose signature checks), or None."""
        latest: tuple[int, int, str] | None = None
        for position, comment in enumerate(comments):
            for found in _MARKER.finditer(comment.body):
                fingerprint, signature = found.group(1), found.group(2)
                if not hmac.compare_digest(signature, self._signature(stack_id, run_id, fingerprint)):
                    continue  # someone else's copy of a marker: not ours
                candidate = (comment.created_at, position, fingerprint)
                if latest is None or candidate[:2] >= latest[:2]:
                    latest = candidate
        return latest[2] if latest else None

    def _signature(self, stack_id: str, run_id: str, fingerprint: str) -> str:
        message = f"{stack_id}\n{run_id}\n{fingerprint}".encode()
        return hmac.new(self._key(), message, hashlib.sha256).hexdigest()[:32]

    def _key(self) -> bytes:
        if self._marker_key is None:
            self._marker_key = self._client.derived_key("tfreview spacelift run-comment marker v1")
        return self._marker_key

    # --- the run review --------------------------------------------------------------------------

    def _decision(self, review: StoredReview, key: tuple[str, str], run: SpaceliftRun) -> str | None:
        """APPROVE or REJECT for this review's verdict, when the run is in a state an approval policy evaluates."""
        decision = _DECISIONS.get(review.verdict or "")
        if decision is None or self._reviewed.get(key) == decision:
            return None
        if run.state not in APPROVABLE_STATES:
            logger.info("spacelift run %s/%s is %s: no run review (approval policies do not see it)", *key, run.state)
            return None
        return decision

    def _send_review(self, review: StoredReview, typed: Review, key: tuple[str, str], decision: str) -> None:
        introduced = tally(typed).introduced
        note = f"tfreview: {review.verdict} — {introduced} introduced finding(s); review {review.id}"
        try:
            self._client.run_review(key[0], key[1], decision, note)
        except InputError as exc:  # refused for good (the run moved on): the comment still says the verdict
            logger.warning("spacelift run %s/%s: %s not sent (review %s): %s", *key, decision, review.id, exc)
            return
        except UpstreamError as exc:
            if decision == "REJECT":
                raise  # sent again by the retry, before the comment
            # after its comment, an APPROVE is never sent again (at most once): say so instead of a useless retry
            logger.warning(
                "spacelift run %s/%s: APPROVE of review %s may not have been sent (%s); it is not sent again: "
                "the run waits for a human approval",
                key[0],
                key[1],
                review.id,
                exc,
            )
            return
        self._reviewed.put(key, decision)
        logger.info("spacelift run %s/%s: %s sent (review %s)", key[0], key[1], decision, review.id)
