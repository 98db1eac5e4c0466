"""The GitHub client's check-run and pull-request-review calls (a part of `GitHubClient`, kept apart for size).

More than 50 check-run annotations are sent 50 per request: the first 50 with the create or update, the
rest in further updates (GitHub appends annotations on update).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tfreview.core.errors import ConfigError
from tfreview.integrations.github.api_values import commit_sha, id_number, repo_name
from tfreview.integrations.github.models import CheckRun, Review, ReviewComment

MAX_ANNOTATIONS_PER_REQUEST = 50  # GitHub's limit for check run annotations in one request


class ChecksAndReviews:
    """Check runs and reviews over the client's request loop (`_json`, defined by `GitHubClient`)."""

    def _json(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: Mapping[str, Any] | None = None,
        app: bool = False,
    ) -> dict[str, Any]:
        raise NotImplementedError  # GitHubClient's request loop

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
    ) -> CheckRun:
        """Create a check run. More than 50 `output.annotations` are sent 50 per request: the first
        50 with the create, the rest in updates (GitHub appends annotations on update)."""
        first, rest = _split_annotations(output)
        document: dict[str, Any] = {"name": name, "head_sha": commit_sha(head_sha), "status": status}
        if conclusion is not None:
            document["conclusion"] = conclusion
            document["status"] = "completed"
        if external_id is not None:
            document["external_id"] = external_id
        if details_url is not None:
            document["details_url"] = details_url
        if first is not None:
            document["output"] = first
        run = CheckRun.from_json(self._json("POST", f"/repos/{repo_name(repo)}/check-runs", body=document))
        return self._append_annotations(repo, run, output, rest)

    def update_check_run(
        self,
        repo: str,
        check_run_id: int,
        *,
        status: str | None = None,
        conclusion: str | None = None,
        output: Mapping[str, Any] | None = None,
        external_id: str | None = None,
    ) -> CheckRun:
        """Update a check run; annotations beyond 50 follow in further updates (appended by GitHub)."""
        first, rest = _split_annotations(output)
        document: dict[str, Any] = {}
        if status is not None:
            document["status"] = status
        if conclusion is not None:
            document["conclusion"] = conclusion
            document["status"] = "completed"
        if external_id is not None:
            document["external_id"] = external_id
        if first is not None:
            document["output"] = first
        path = f"/repos/{repo_name(repo)}/check-runs/{id_number(check_run_id)}"
        run = CheckRun.from_json(self._json("PATCH", path, body=document))
        return self._append_annotations(repo, run, output, rest)

    def _append_annotations(
        self, repo: str, run: CheckRun, output: Mapping[str, Any] | None, rest: list[Any]
    ) -> CheckRun:
        path = f"/repos/{repo_name(repo)}/check-runs/{id_number(run.id)}"
        for start in range(0, len(rest), MAX_ANNOTATIONS_PER_REQUEST):
            assert output is not None  # rest is empty without an output
            chunk = {
                "title": output.get("title", ""),
                "summary": output.get("summary", ""),
                "annotations": rest[start : start + MAX_ANNOTATIONS_PER_REQUEST],
            }
            run = CheckRun.from_json(self._json("PATCH", path, body={"output": chunk}))
        return run

    # --- reviews -----------------------------------------------------------------------------------

    def create_review(
        self,
        repo: str,
        number: int,
        commit_id: str,
        body: str,
        event: str = "COMMENT",
        comments: Sequence[ReviewComment] = (),
    ) -> Review:
        """One review with inline comments. Every comment must be on a line inside the diff: one
        outside makes GitHub reject the whole review (422, `GitHubRejected`)."""
        if event not in ("COMMENT", "APPROVE", "REQUEST_CHANGES"):
            raise ConfigError(f"a review event is COMMENT, APPROVE or REQUEST_CHANGES, not {event!r}")
        document: dict[str, Any] = {"commit_id": commit_sha(commit_id), "body": body, "event": event}
        if comments:
            document["comments"] = [comment.to_json() for comment in comments]
        path = f"/repos/{repo_name(repo)}/pulls/{id_number(number)}/reviews"
        return Review.from_json(self._json("POST", path, body=document))


def _split_annotations(output: Mapping[str, Any] | None) -> tuple[dict[str, Any] | None, list[Any]]:
    """The output to send first (≤ 50 annotations) and the annotations left for later updates."""
    if output is None:
        return None, []
    annotations = list(output.get("annotations") or [])
    first = {key: value for key, value in output.items() if key != "annotations"}
    if annotations:
        first["annotations"] = annotations[:MAX_ANNOTATIONS_PER_REQUEST]
    return first, annotations[MAX_ANNOTATIONS_PER_REQUEST:]
