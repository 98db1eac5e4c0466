"""The GitHub Publisher: ONE comment per pull request, one check run per head SHA, optional inline comments.

Idempotent by construction, so a retried publish job changes nothing that is already right:

- the comment is found by our marker (`marker.find_ours`: our author AND our HMAC) BEFORE anything is
  created, and edited in place; a create whose answer was lost (502, dropped connection: I2) is
  followed at once by a second search, and the job's retry searches again anyway (I1);
- the check run of a head SHA is listed by SHA and name before one is created; annotation batches
  record their progress in the run's `external_id` in the same request (see `check_runs`);
- two publishes of one pull request in this process take turns (a lock per repo#number: I3); across
  processes the unique publish-job key and the search-before-create do it;
- a review of a commit that is no longer the PR's head does not overwrite the newer comment;
- a comment GitHub refuses for good (422: a locked conversation, 2,500 comments) does not take the check run
  with it: the run is written, then the refusal ends the publish (ADR 0588);
- inline comments, when enabled, are sent at most once per head SHA (with the check run's creation)
  and only on lines inside the diff (`diff_lines`): one outside would fail the whole review (422);
- with a plain token (no App) there is no check run at all: GitHub lets only Apps write check runs
  (a token's POST is refused 403), so inline comments go with the comment's first edit for a head.

Reviews of other sources (`spacelift`, `api`) are not ours: ignored (the routing publisher composes).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from tfreview.core.errors import ConfigError, InputError, PermissionMissing
from tfreview.core.findings import Review as ReviewResult
from tfreview.core.redact import scrub_text
from tfreview.core.rules import Rule
from tfreview.integrations.github import check_runs
from tfreview.integrations.github.comment import comment_body
from tfreview.integrations.github.diff_lines import diff_lines_from_files
from tfreview.integrations.github.errors import GitHubNotFound, GitHubRejected, GitHubUnavailable
from tfreview.integrations.github.inline import inline_comments
from tfreview.integrations.github.marker import AppIdentity, find_ours, make_marker
from tfreview.integrations.github.models import (
    App,
    ChangedFile,
    CheckRun,
    IssueComment,
    PullRequest,
    Review,
    ReviewComment,
)
from tfreview.integrations.github.settings import FailedReviewConclusion, GitHubAppSettings
from tfreview.integrations.github.source import PullRequestTarget, target_of
from tfreview.plumbing.keyed_locks import KeyedLocks
from tfreview.ports.records import ReviewStatus, StoredReview
from tfreview.render import failure
from tfreview.render.failure import failure_markdown, github_retry

logger = logging.getLogger("tfreview.github.publish")

FINISHED = (ReviewStatus.COMPLETED, ReviewStatus.COMPLETED_WITHOUT_AI)


class PublishingClient(Protocol):
    """What the publisher needs of `GitHubClient`."""

    def get_app(self) -> App: ...

    def get_pull_request(self, repo: str, number: int) -> PullRequest: ...

    def list_pull_request_files(self, repo: str, number: int) -> list[ChangedFile]: ...

    def list_issue_comments(self, repo: str, number: int) -> list[IssueComment]: ...

    def create_issue_comment(self, repo: str, number: int, body: str) -> IssueComment: ...

    def update_issue_comment(self, repo: str, comment_id: int, body: str) -> IssueComment: ...

    def list_check_runs(self, repo: str, head_sha: str, name: str | None = None) -> list[CheckRun]: ...

    def create_check_run(
        self,
        repo: str,
        *,
        name: str,
        head_sha: str,
        status: str = "in_progress",
        conclusion: str | None = None,
        external_id: str | None = None,
        details_url: str | None = None,
        output: Mapping[str, Any] | None = None,
    ) -> CheckRun: ...

    def update_check_run(
        self,
        repo: str,
        check_run_id: int,
        *,
        status: str | None = None,
        conclusion: str | None = None,
        output: Mapping[str, Any] | None = None,
        external_id: str | None = None,
    ) -> CheckRun: ...

    def create_review(
        self,
        repo: str,
        number: int,
        commit_id: str,
        body: str,
        event: str = "COMMENT",
        comments: Sequence[ReviewComment] = (),
    ) -> Review: ...


PublishingClients = Callable[[int | None], PublishingClient]


class GitHubPublisher:
    """Publisher for `github` reviews. `clients(installation_id)` gives a client (None: plain-token setup).

    `identity` is who we are on GitHub; by default the App (`get_app()`: id and slug, asked once). A
    plain-token setup must give `AppIdentity(login=<the token's user>)`. `marker_secret` defaults to
    `settings.marker_secret` (required: without it a marker could be forged)."""

    def __init__(
        self,
        clients: PublishingClients,
        settings: GitHubAppSettings,
        rules: Mapping[str, Rule] | None = None,
        *,
        identity: AppIdentity | None = None,
        marker_secret: str | None = None,
        review_links: Callable[[str], str] | None = None,
        failed_conclusion: FailedReviewConclusion = "neutral",
    ) -> None:
        self._clients = clients
        self._failed_conclusion = failed_conclusion  # the check run of a failed review (ADR 0406)
        self._review_links = review_links  # review id → its dashboard page (core.links), linked from the comment
        self._settings = settings
        self._rules = rules  # reserved: the renderer reads titles from the stored review itself
        self._identity = identity
        self._identity_lock = threading.Lock()
        if marker_secret is None:
            source = settings.marker_secret_source()
            if source is None:
                raise ConfigError("github_app.marker_secret is not set: the PR comment marker needs an HMAC key")
            marker_secret = source.value()
        if len(marker_secret) < 16:
            raise ConfigError("github_app.marker_secret is too short (at least 16 characters)")
        self._secret = marker_secret
        self._locks = KeyedLocks()

    def publish(self, review: StoredReview) -> None:
        if review.source.kind != "github":
            return
        stored = review.review() if review.status in FINISHED else None  # InputError: a document we cannot read
        if stored is None:
            raise InputError(f"review {review.id} is {review.status.value}: only a finished review is published")
        target = target_of(review, {})
        head = target.head_sha
        client = self._clients(target.installation_id)
        identity = self.identity(client)
        without_ai = review.status is ReviewStatus.COMPLETED_WITHOUT_AI
        commented = False
        refused: GitHubRejected | PermissionMissing | None = None
        with self._locks.hold(f"{target.repository.lower()}#{target.number}"):
            current = client.get_pull_request(target.repository, target.number).head_sha
            stale = bool(head and current and head != current)
            if stale:
                logger.info(
                    "review %s is of %s, no longer the head of %s#%d: comment left to the newer review",
                    review.id,
                    (head or "")[:12],
                    target.repository,
                    target.number,
                )
            else:
                try:
                    commented = self._comment(client, target, identity, stored, without_ai, review.id)
                except (GitHubRejected, PermissionMissing) as exc:  # for good (a locked PR, 2,500 comments, no
                    refused = exc  # pull_requests permission: ADR 0636): the check run still carries the verdict,
                    # then the publish ends with GitHub's reason (ADR 0588)
            if head and self._settings.mode == "token":
                # only GitHub Apps may write check runs: a token's POST would be refused (403) on every publish
                if self._settings.inline_comments and not stale and commented:
                    self._inline(client, target, head, stored)
            elif head:
                why = scrub_text(str(refused)) if refused is not None else None  # said on the run (ADR 0609)
                created = self._check_run(client, target.repository, head, stored, without_ai, identity, why)
                if created and self._settings.inline_comments and not stale and refused is None:
                    self._inline(client, target, head, stored)
        if refused is not None:
            raise refused

    def publish_failure(self, review: StoredReview) -> None:
        """The review failed for good (ADR 0380): our one comment says so (edited in place, never a second one)
        and the head's check run completes with the same text, `neutral` like a review without a verdict, or
        `failure` where the operator fails closed (`github.failed_review_conclusion`, ADR 0406).
        A newer head's comment is left alone; a check run of this head already showing a finished review is too."""
        if review.source.kind != "github" or review.status is not ReviewStatus.FAILED:
            return
        target = target_of(review, {})
        head = target.head_sha
        client = self._clients(target.installation_id)
        identity = self.identity(client)
        page_url = self._review_links(review.id) if self._review_links is not None else None
        subject = f"{target.repository}#{target.number}"
        retry = github_retry(review.id)
        refused: GitHubRejected | PermissionMissing | None = None
        with self._locks.hold(f"{target.repository.lower()}#{target.number}"):
            current = client.get_pull_request(target.repository, target.number).head_sha
            if head and current and head != current:
                logger.info("review %s of %s failed; the PR has a newer head: comment left alone", review.id, head[:12])
            else:
                marker = make_marker(target.repository, target.number, identity, self._secret)
                body = failure_markdown(
                    review.id,
                    review.status_reason,
                    marker=marker,
                    subject=subject,
                    retry=retry,
                    page_url=page_url,
                    commit_sha=head,
                )
                try:
                    self._failure_comment(client, target, identity, body)
                except (GitHubRejected, PermissionMissing) as exc:  # for good: the check run still says it, then
                    # the refusal (ADR 0609, 0636)
                    refused = exc
            if head and self._settings.mode != "token":
                text = failure_markdown(
                    review.id, review.status_reason, subject=subject, retry=retry, page_url=page_url
                )
                if refused is not None:
                    text += f"\n\n{check_runs.comment_refused_line(scrub_text(str(refused)))}"
                self._failed_check_run(client, target.repository, head, identity, text)
        if refused is not None:
            raise refused

    def _failure_comment(
        self, client: PublishingClient, target: PullRequestTarget, identity: AppIdentity, body: str
    ) -> None:
        ours = self._find_comment(client, target, identity)
        if ours is None:
            try:
                client.create_issue_comment(target.repository, target.number, body)
            except GitHubUnavailable:
                if self._find_comment(client, target, identity) is None:  # created after all? (I2)
                    raise
        elif ours.body != body:
            client.update_issue_comment(target.repository, ours.id, body)

    def _failed_check_run(
        self, client: PublishingClient, repo: str, head: str, identity: AppIdentity, text: str
    ) -> None:
        name = self._settings.check_name
        conclusion = self._failed_conclusion  # no verdict: neutral (ADR 0380), or failure to fail closed (0406)
        output = {"title": f"{name}: {failure.TITLE}"[:255], "summary": text}
        external_id = f"tfreview:failed:{check_runs.digest([conclusion, output])}"

        def create() -> None:
            client.create_check_run(
                repo,
                name=name,
                head_sha=head,
                status="completed",
                conclusion=conclusion,
                external_id=external_id,
                output=output,
            )

        run = self._find_check_run(client, repo, head, identity)
        if run is None:
            try:
                create()
                return
            except GitHubUnavailable:
                run = self._find_check_run(client, repo, head, identity)  # created after all? (I2)
                if run is None:
                    raise
        shown = check_runs.Progress.read(run.external_id)
        if shown is not None and shown.complete and run.status == "completed":
            return  # a finished review of this head is shown there: the failure of a later job does not undo it
        # a review's publish that died between its annotation batches left the run `in_progress` for ever (a
        # required check would block the pull request): it completes now, with the failure's text
        if run.status != "completed" or run.conclusion != conclusion or run.external_id != external_id:
            try:
                client.update_check_run(repo, run.id, conclusion=conclusion, external_id=external_id, output=output)
            except GitHubNotFound:  # listed, then gone: a completed run takes its place, once (ADR 0548)
                logger.warning("%s: check run %d of %s is gone (404): a new one is created", repo, run.id, head[:12])
                create()

    def identity(self, client: PublishingClient) -> AppIdentity:
        """Who we are: given, or the App's id and slug (asked once)."""
        with self._identity_lock:
            if self._identity is None:
                if self._settings.mode != "app":
                    raise ConfigError(
                        "a plain-token GitHub setup must name the token's user: identity=AppIdentity(login=…)"
                    )
                app = client.get_app()
                self._identity = AppIdentity(app_id=app.id, slug=app.slug)
            return self._identity

    # --- the one comment -----------------------------------------------------------------------------

    def _comment(
        self,
        client: PublishingClient,
        target: PullRequestTarget,
        identity: AppIdentity,
        review: ReviewResult,
        without_ai: bool,
        review_id: str,
    ) -> bool:
        """Create or edit our one comment; True when this call wrote it (created, or its body changed)."""
        repo, number = target.repository, target.number
        marker = make_marker(repo, number, identity, self._secret)
        page_url = self._review_links(review_id) if self._review_links is not None else None
        body = comment_body(review, marker, commit_sha=target.head_sha, without_ai=without_ai, page_url=page_url)
        ours = self._find_comment(client, target, identity)
        if ours is None:
            try:
                client.create_issue_comment(repo, number, body)
                return True
            except GitHubUnavailable:
                # created or not? (I2) look again before anyone creates a second one
                ours = self._find_comment(client, target, identity)
                if ours is None:
                    raise
                return True  # this publish made it: inline comments are still this publish's to send
        if ours.body != body:
            client.update_issue_comment(repo, ours.id, body)
            return True
        return False

    def _find_comment(
        self, client: PublishingClient, target: PullRequestTarget, identity: AppIdentity
    ) -> IssueComment | None:
        comments = client.list_issue_comments(target.repository, target.number)
        return find_ours(comments, identity, self._secret, repository=target.repository, number=target.number)

    # --- the check run of the head SHA ---------------------------------------------------------------

    def _check_run(
        self,
        client: PublishingClient,
        repo: str,
        head: str,
        review: ReviewResult,
        without_ai: bool,
        identity: AppIdentity,
        comment_refused: str | None = None,
    ) -> bool:
        """Find or create the run, send the annotation batches it lacks, set the result. True when created.
        A run listed for the head that is gone (404) when updated is replaced by a new one, once (ADR 0548)."""
        output = check_runs.output(
            review, without_ai=without_ai, title=self._settings.check_name, comment_refused=comment_refused
        )
        run = self._find_check_run(client, repo, head, identity)
        if run is None:
            return self._fill_check_run(client, repo, head, None, review, output, identity)
        try:
            return self._fill_check_run(client, repo, head, run, review, output, identity)
        except GitHubNotFound:
            logger.warning("%s: check run %d of %s is gone (404): a new one is created", repo, run.id, head[:12])
        return self._fill_check_run(client, repo, head, None, review, output, identity, gone=run.id)

    def _fill_check_run(
        self,
        client: PublishingClient,
        repo: str,
        head: str,
        run: CheckRun | None,
        review: ReviewResult,
        output: dict[str, str],
        identity: AppIdentity,
        *,
        gone: int | None = None,
    ) -> bool:
        """Create the run when `run` is None, send the annotation batches it lacks, set the result."""
        name = self._settings.check_name
        annotations = check_runs.annotations_of(review)
        batches = list(check_runs.batches(annotations))
        conclusion = check_runs.conclusion(review.verdict.value)
        digest = check_runs.digest(annotations)
        result = check_runs.digest([conclusion, output])
        created = False
        if run is None:
            first = batches[0] if batches else []
            progress = check_runs.Progress(digest, 1 if batches else 0, len(batches), result)
            try:
                run = client.create_check_run(
                    repo,
                    name=name,
                    head_sha=head,
                    status="in_progress",
                    conclusion=conclusion if progress.complete else None,
                    external_id=progress.external_id(),
                    output={**output, "annotations": first} if first else output,
                )
                created = True
            except GitHubUnavailable:
                run = self._find_check_run(client, repo, head, identity, gone=gone)  # created after all? (I2)
                if run is None:
                    raise
                created = True  # this publish made it: inline comments are still this publish's to send
        shown = check_runs.Progress.read(run.external_id)
        done = shown.done if shown is not None and shown.digest == digest else 0
        for index in range(done, len(batches)):
            progress = check_runs.Progress(digest, index + 1, len(batches), result)
            run = client.update_check_run(
                repo,
                run.id,
                conclusion=conclusion if progress.complete else None,
                external_id=progress.external_id(),
                output={**output, "annotations": batches[index]},
            )
            shown = progress
        final = check_runs.Progress(digest, len(batches), len(batches), result)
        if run.status != "completed" or run.conclusion != conclusion or shown is None or shown != final:
            client.update_check_run(repo, run.id, conclusion=conclusion, external_id=final.external_id(), output=output)
        return created

    def _find_check_run(
        self, client: PublishingClient, repo: str, head: str, identity: AppIdentity, *, gone: int | None = None
    ) -> CheckRun | None:
        name = self._settings.check_name
        runs = [
            run
            for run in client.list_check_runs(repo, head, name)
            if run.name == name
            and run.id != gone
            and run.head_sha in (head, "")
            and (identity.app_id is None or run.app_id in (None, identity.app_id))
        ]
        return min(runs, key=lambda run: run.id) if runs else None

    # --- inline review comments ----------------------------------------------------------------------

    def _inline(self, client: PublishingClient, target: PullRequestTarget, head: str, review: ReviewResult) -> None:
        files = client.list_pull_request_files(target.repository, target.number)
        diff = diff_lines_from_files((f.filename, f.patch) for f in files)
        plan = inline_comments(review, diff)
        if plan.dropped:
            logger.info(
                "%s#%d: %d inline comment(s) outside the diff not sent", target.repository, target.number, plan.dropped
            )
        if not plan.comments:
            return
        body = f"tfreview: {len(plan.comments)} finding(s) on changed lines; the summary comment has the full review."
        try:
            client.create_review(target.repository, target.number, head, body, "COMMENT", plan.comments)
        except GitHubRejected as exc:  # the diff moved under us: the comment and check run still stand
            logger.warning("%s#%d: inline review refused: %s", target.repository, target.number, str(exc)[:300])
