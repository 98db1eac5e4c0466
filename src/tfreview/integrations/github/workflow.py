"""The GitHub Action's report step (`action.yml`): outputs, job summary, and the ONE pull-request comment.

    python -m tfreview.integrations.github.workflow --report tfreview.json --sarif-file tfreview.sarif --comment

It runs inside a workflow job after `tfreview scan -o json` and reads what the runner provides:
`GITHUB_OUTPUT` (step outputs: verdict and counts), `GITHUB_STEP_SUMMARY` (the markdown review),
`GITHUB_EVENT_PATH` (the pull request, when the event has one), `GITHUB_REPOSITORY`, `GITHUB_API_URL`,
and the token in `GITHUB_TOKEN` (the workflow's, passed by the Action; never on the command line).

The comment is the service's own: `GitHubPublisher` in plain-token mode finds OUR comment by its
author and the HMAC-signed marker (`marker.py`), edits it in place, and never creates a second one.
The author is `github-actions[bot]` with the workflow's token, or the login given for another token.
The marker key is `TFREVIEW_MARKER_SECRET` when the workflow sets it, else a fixed public key: the
author check is then what keeps other people's comments out (ADR 0080).

A comment that cannot be written (a fork's read-only token: 403; GitHub down) is a warning on the
run, not a failed review: the outputs, the summary and the SARIF file are still there.
Exit codes: 0 done, 2 bad input (no report, an unreadable event), 3 internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tfreview.core.errors import ConfigError, InputError, TfreviewError
from tfreview.core.findings import Review
from tfreview.integrations.github import build_github_client, default_http_client
from tfreview.integrations.github.marker import AppIdentity
from tfreview.integrations.github.publisher import GitHubPublisher
from tfreview.integrations.github.settings import GitHubAppSettings
from tfreview.plumbing.json_documents import NotJson, read_json
from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview
from tfreview.ports.review_codec import encode
from tfreview.render.digest import tally
from tfreview.render.markdown import render_markdown
from tfreview.render.stored_report import review_from_report

EXIT_OK, EXIT_USAGE, EXIT_INTERNAL = 0, 2, 3
ACTIONS_LOGIN = "github-actions[bot]"
ACTIONS_APP_ID = 15368  # the GitHub Actions app on github.com; its comments are also recognised by login
PUBLIC_MARKER_KEY = "tfreview-action-marker-v1"  # used when the workflow sets no TFREVIEW_MARKER_SECRET
TOKEN_ENV = "GITHUB_TOKEN"
MARKER_SECRET_ENV = "TFREVIEW_MARKER_SECRET"
SEVERITIES = ("critical", "high", "medium", "low", "info")


@dataclass(frozen=True, slots=True)
class PullRequestEvent:
    """The pull request a workflow run is about (`pull_request` / `pull_request_target` events)."""

    repository: str
    number: int
    head_sha: str | None


def pull_request_of(event: Mapping[str, Any], repository: str) -> PullRequestEvent | None:
    """The event's pull request, or None for a push, a schedule, a manual run."""
    pull = event.get("pull_request")
    if not isinstance(pull, Mapping):
        return None
    number = pull.get("number", event.get("number"))
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise InputError("the event's pull_request has no number")
    head = pull.get("head")
    sha = head.get("sha") if isinstance(head, Mapping) else None
    return PullRequestEvent(repository=repository, number=number, head_sha=sha if isinstance(sha, str) else None)


def step_outputs(review: Review, *, exit_code: int, sarif_file: str | None) -> dict[str, str]:
    """The Action's outputs: the verdict and the counts a later step can branch on."""
    t = tally(review)
    outputs = {
        "verdict": review.verdict.value,
        "exit-code": str(exit_code),
        "introduced": str(t.introduced),
        "existing": str(t.existing),
        "resolved": str(t.resolved),
        "findings": str(t.introduced + t.existing),
        "destroys": str(t.destroys),
    }
    open_by_severity = {s.value: n for s, n in t.open_by_severity.items()}
    outputs.update({s: str(open_by_severity.get(s, 0)) for s in SEVERITIES})
    if sarif_file:
        outputs["sarif-file"] = sarif_file
    return outputs


def append_outputs(path: Path, outputs: Mapping[str, str]) -> None:
    """`name=value` lines into `$GITHUB_OUTPUT`; values here are single-line by construction."""
    lines = []
    for name, value in outputs.items():
        if "\n" in value or "\r" in value:
            raise InputError(f"output {name} spans lines")
        lines.append(f"{name}={value}\n")
    with path.open("a", encoding="utf-8") as handle:
        handle.write("".join(lines))


def identity_for(author: str, app_id: int | None) -> AppIdentity:
    """Who writes the comment: an App's bot (`<slug>[bot]`, with its id when known) or a token's user."""
    if author.endswith("[bot]"):
        slug = author.removesuffix("[bot]")
        if app_id is None and author.lower() == ACTIONS_LOGIN:
            app_id = ACTIONS_APP_ID
        if app_id is not None:
            return AppIdentity(app_id=app_id, slug=slug)
    return AppIdentity(login=author)


def annotation(level: str, message: str) -> str:
    """A workflow command (`::warning::…`), escaped as the runner expects."""
    escaped = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::{level}::{escaped}"


def publish_comment(
    review: Review,
    pull: PullRequestEvent,
    *,
    api_url: str,
    identity: AppIdentity,
    marker_secret: str,
    inline_comments: bool = False,
    run_id: str = "local",
) -> None:
    """Create or update our one comment through the service's publisher (token mode: no check run)."""
    if not os.environ.get(TOKEN_ENV):
        raise ConfigError(f"{TOKEN_ENV} is empty: pass the workflow's token (the Action's github-token input)")
    settings = GitHubAppSettings(
        api_url=api_url,
        token=f"env:{TOKEN_ENV}",
        inline_comments=inline_comments,
        max_rate_limit_wait_seconds=120.0,  # a CI step waits a little, not the service's quarter hour
    )
    now = datetime.now(UTC)
    stored = StoredReview(
        id=f"action-{run_id}",
        tenant_id="github-action",
        source=SourceInfo(
            kind="github", repository=pull.repository, pull_request=pull.number, commit_sha=pull.head_sha
        ),
        status=ReviewStatus.COMPLETED,
        created_at=now,
        updated_at=now,
        verdict=review.verdict.value,
        report=encode(review),
    )
    with default_http_client(settings) as http:
        client = build_github_client(settings, http)
        GitHubPublisher(lambda _installation: client, settings, identity=identity, marker_secret=marker_secret).publish(
            stored
        )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tfreview.integrations.github.workflow",
        description="The GitHub Action's report step: step outputs, job summary, the one PR comment.",
    )
    parser.add_argument("--report", required=True, metavar="FILE", help="the JSON report of `tfreview scan -o json`")
    parser.add_argument("--exit-code", type=int, default=0, help="the scan's exit code (an output)")
    parser.add_argument("--sarif-file", metavar="FILE", help="the SARIF file written by the scan (an output)")
    parser.add_argument("--comment", action="store_true", help="post or update the PR comment (pull requests only)")
    parser.add_argument("--inline-comments", action="store_true", help="also comment on changed lines")
    parser.add_argument("--comment-author", default=ACTIONS_LOGIN, help="the login the token writes as")
    parser.add_argument("--app-id", type=int, help="with an App's token: the App's id (its comments are ours)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args, os.environ)
    except (InputError, ConfigError) as exc:
        print(f"tfreview: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:
        print(f"tfreview: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL


def _run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    report = _read_json(Path(args.report), "the report")
    if not isinstance(report, dict):
        raise InputError("not a tfreview JSON report", path=args.report)
    result = review_from_report(report)  # the output format read once; checks its schema version first
    markdown = render_markdown(result)
    outputs = step_outputs(result, exit_code=args.exit_code, sarif_file=args.sarif_file)
    if env.get("GITHUB_OUTPUT"):
        append_outputs(Path(env["GITHUB_OUTPUT"]), outputs)
    if env.get("GITHUB_STEP_SUMMARY"):
        with Path(env["GITHUB_STEP_SUMMARY"]).open("a", encoding="utf-8") as handle:
            handle.write(markdown if markdown.endswith("\n") else markdown + "\n")
    if not args.comment:
        return EXIT_OK
    repository = env.get("GITHUB_REPOSITORY", "")
    event_path = env.get("GITHUB_EVENT_PATH")
    event = _read_json(Path(event_path), "the event") if event_path else {}
    pull = pull_request_of(event if isinstance(event, Mapping) else {}, repository)
    if pull is None:
        print(f"tfreview: no pull request in this {env.get('GITHUB_EVENT_NAME') or 'run'}: no comment")
        return EXIT_OK
    try:
        publish_comment(
            result,
            pull,
            api_url=env.get("GITHUB_API_URL") or "https://api.github.com",
            identity=identity_for(args.comment_author, args.app_id),
            marker_secret=env.get(MARKER_SECRET_ENV) or PUBLIC_MARKER_KEY,
            inline_comments=args.inline_comments,
            run_id=env.get("GITHUB_RUN_ID") or "local",
        )
    except TfreviewError as exc:  # already scrubbed of the token by the client
        print(annotation("warning", f"tfreview: the pull-request comment was not written: {exc}"))
        return EXIT_OK
    print(f"tfreview: the review comment on {pull.repository}#{pull.number} is up to date")
    return EXIT_OK


def _read_json(path: Path, what: str) -> Any:
    try:
        return read_json(path.read_bytes())
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", path=str(path)) from None
    except NotJson as exc:  # `[[[[…` past the reader's depth too: it was an internal error (ADR 0680)
        raise InputError(f"{what} is {exc}", path=str(path)) from None


if __name__ == "__main__":
    sys.exit(main())
