"""What the GitHub client returns: small frozen dataclasses, built from GitHub's JSON in one place.

Only the fields tfreview uses are kept. URLs from GitHub's answers are deliberately NOT kept (S4):
every request is built from the configured API URL and ids, never from a URL found in a payload.

An answer of another shape (a comment without `id`, a pull request whose `head` is a number: a proxy's
document, an API change) is `MalformedAnswer`, a `GitHubUnavailable` naming the model and the missing
field — never a bare KeyError or TypeError out of the client (ADR 0548). It counts as ambiguous: the answer
to a write that was performed may be the malformed one, so the publisher searches before it creates again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from tfreview.integrations.github.errors import GitHubUnavailable

_P = ParamSpec("_P")
_T = TypeVar("_T")


class MalformedAnswer(GitHubUnavailable):
    """GitHub answered JSON, but not of the shape it documents (retriable, as a 5xx)."""


def _from_answer(build: Callable[_P, _T]) -> Callable[_P, _T]:
    """`build` (a `from_json`), its shape errors turned into `MalformedAnswer`. The message names the model and
    our own key, never a value of the answer."""
    model = build.__qualname__.split(".")[0]

    @functools.wraps(build)
    def built(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return build(*args, **kwargs)
        except KeyError as error:
            missing = error.args[0] if error.args and isinstance(error.args[0], str) else "a field"
            raise MalformedAnswer(f"GitHub's {model} answer has no {missing!r}", ambiguous=True) from None
        except (TypeError, ValueError, AttributeError):
            raise MalformedAnswer(f"GitHub's {model} answer has a field of the wrong type", ambiguous=True) from None

    return built


@dataclass(frozen=True)
class App:
    id: int
    slug: str
    name: str
    owner_login: str
    permissions: dict[str, str]
    events: list[str]

    @classmethod
    @_from_answer
    def from_json(cls, doc: Mapping[str, Any]) -> App:
        return cls(
            id=int(doc["id"]),
            slug=str(doc.get("slug") or ""),
            name=str(doc.get("name") or ""),
            owner_login=_login(doc.get("owner")),
            permissions={str(k): str(v) for k, v in (doc.get("permissions") or {}).items()},
            events=[str(e) for e in doc.get("events") or []],
        )


@dataclass(frozen=True)
class Installation:
    id: int
    account_login: str
    account_type: str
    repository_selection: str
    permissions: dict[str, str]
    suspended: bool

    @classmethod
    @_from_answer
    def from_json(cls, doc: Mapping[str, Any]) -> Installation:
        account = doc.get("account") or {}
        return cls(
            id=int(doc["id"]),
            account_login=_login(account),
            account_type=str(account.get("type") or "") if isinstance(account, Mapping) else "",
            repository_selection=str(doc.get("repository_selection") or ""),
            permissions={str(k): str(v) for k, v in (doc.get("permissions") or {}).items()},
            suspended=doc.get("suspended_at") is not None,
        )


@dataclass(frozen=True)
class Repository:
    id: int
    full_name: str
    default_branch: str
    private: bool
    archived: bool

    @classmethod
    @_from_answer
    def from_json(cls, doc: Mapping[str, Any]) -> Repository:
        return cls(
            id=int(doc["id"]),
            full_name=str(doc["full_name"]),
            default_branch=str(doc.get("default_branch") or "main"),
            private=bool(doc.get("private")),
            archived=bool(doc.get("archived")),
        )


@dataclass(frozen=True)
class PullRequest:
    repo: str  # owner/name of the base repository
    number: int
    state: str  # open | closed
    draft: bool
    merged: bool
    title: str
    author_login: str
    head_sha: str
    head_ref: str
    head_repo: str | None  # owner/name; differs from `repo` for a fork; None when the fork was deleted
    base_sha: str
    base_ref: str
    changed_files: int | None = None  # only on the single-PR endpoint
    labels: list[str] = field(default_factory=list)

    @property
    def from_fork(self) -> bool:
        return self.head_repo != self.repo

    @classmethod
    @_from_answer
    def from_json(cls, doc: Mapping[str, Any], repo: str) -> PullRequest:
        head, base = doc.get("head") or {}, doc.get("base") or {}
        head_repo = head.get("repo")
        base_repo = base.get("repo")
        return cls(
            repo=str(base_repo["full_name"]) if isinstance(base_repo, Mapping) else repo,
            number=int(doc["number"]),
            state=str(doc.get("state") or ""),
            draft=bool(doc.get("draft")),
            merged=bool(doc.get("merged") or doc.get("merged_at")),
            title=str(doc.get("title") or ""),
            author_login=_login(doc.get("user")),
            head_sha=str(head.get("sha") or ""),
            head_ref=str(head.get("ref") or ""),
            head_repo=str(head_repo["full_name"]) if isinstance(head_repo, Mapping) else None,
            base_sha=str(base.get("sha") or ""),
            base_ref=str(base.get("ref") or ""),
            changed_files=int(doc["changed_files"]) if isinstance(doc.get("changed_files"), int) else None,
            labels=[str(label.get("name")) for label in doc.get("labels") or [] if isinstance(label, Mapping)],
        )


@dataclass(frozen=True)
class FileListing:
    """Paths of files at a commit, and whether GitHub listed them all: a recursive tree past 100,000 entries or
    7 MB comes back `truncated`, a directory's contents past 1,000 entries are cut — a path left out of an
    incomplete listing may well exist (ADR 0608)."""

    paths: tuple[str, ...]
    complete: bool = True


@dataclass(frozen=True)
class ChangedFile:
    filename: str
    status: str  # added | removed | modified | renamed | copied | changed | unchanged
    previous_filename: str | None
    additions: int
    deletions: int
    patch: str | None  # absent for binary or very large files

    @classmethod
    @_from_answer
    def from_json(cls, doc: Mapping[str, Any]) -> ChangedFile:
        return cls(
            filename=str(doc["filename"]),
            status=str(doc.get("status") or ""),
            previous_filename=str(doc["previous_filename"]) if doc.get("previous_filename") else None,
            additions=int(doc.get("additions") or 0),
            deletions=int(doc.get("deletions") or 0),
            patch=str(doc["patch"]) if isinstance(doc.get("patch"), str) else None,
        )


@dataclass(frozen=True)
class IssueComment:
    id: int
    body: str
    author_login: str
    author_type: str  # User | Bot | Organization
    app_id: int | None  # performed_via_github_app.id: the App that posted it, when one did
    created_at: str
    updated_at: str

    @classmethod
    @_from_answer
    def from_json(cls, doc: Mapping[str, Any]) -> IssueComment:
        user = doc.get("user") or {}
        app = doc.get("performed_via_github_app")
        return cls(
            id=int(doc["id"]),
            body=str(doc.get("body") or ""),
            author_login=_login(user),
            author_type=str(user.get("type") or "") if isinstance(user, Mapping) else "",
            app_id=int(app["id"]) if isinstance(app, Mapping) and isinstance(app.get("id"), int) else None,
            created_at=str(doc.get("created_at") or ""),
            updated_at=str(doc.get("updated_at") or ""),
        )


@dataclass(frozen=True)
class CheckRun:
    id: int
    name: str
    head_sha: str
    status: str  # queued | in_progress | completed
    conclusion: str | None
    external_id: str | None
    app_id: int | None
    annotations_count: int

    @classmethod
    @_from_answer
    def from_json(cls, doc: Mapping[str, Any]) -> CheckRun:
        app = doc.get("app")
        output = doc.get("output") or {}
        return cls(
            id=int(doc["id"]),
            name=str(doc.get("name") or ""),
            head_sha=str(doc.get("head_sha") or ""),
            status=str(doc.get("status") or ""),
            conclusion=str(doc["conclusion"]) if doc.get("conclusion") else None,
            external_id=str(doc["external_id"]) if doc.get("external_id") else None,
            app_id=int(app["id"]) if isinstance(app, Mapping) and isinstance(app.get("id"), int) else None,
            annotations_count=int(output.get("annotations_count") or 0) if isinstance(output, Mapping) else 0,
        )


@dataclass(frozen=True)
class ReviewComment:
    """One inline comment of a review: on `line` of `path` in the PR's diff (`side` RIGHT: the head)."""

    path: str
    line: int
    body: str
    side: str = "RIGHT"
    start_line: int | None = None  # a multi-line comment spans start_line..line

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"path": self.path, "line": self.line, "side": self.side, "body": self.body}
        if self.start_line is not None and self.start_line != self.line:
            document["start_line"] = self.start_line
            document["start_side"] = self.side
        return document


@dataclass(frozen=True)
class Review:
    id: int
    state: str
    commit_id: str
    body: str

    @classmethod
    @_from_answer
    def from_json(cls, doc: Mapping[str, Any]) -> Review:
        return cls(
            id=int(doc["id"]),
            state=str(doc.get("state") or ""),
            commit_id=str(doc.get("commit_id") or ""),
            body=str(doc.get("body") or ""),
        )


@dataclass(frozen=True)
class HookDelivery:
    id: int
    guid: str  # X-GitHub-Delivery: the same for every attempt of one event
    delivered_at: str
    redelivery: bool
    status: str  # "OK" when our endpoint answered 2xx
    status_code: int
    event: str
    action: str | None
    installation_id: int | None
    repository_id: int | None

    @property
    def ok(self) -> bool:
        return self.status == "OK" or 200 <= self.status_code < 300

    @classmethod
    @_from_answer
    def from_json(cls, doc: Mapping[str, Any]) -> HookDelivery:
        return cls(
            id=int(doc["id"]),
            guid=str(doc.get("guid") or ""),
            delivered_at=str(doc.get("delivered_at") or ""),
            redelivery=bool(doc.get("redelivery")),
            status=str(doc.get("status") or ""),
            status_code=int(doc.get("status_code") or 0),
            event=str(doc.get("event") or ""),
            action=str(doc["action"]) if doc.get("action") else None,
            installation_id=int(doc["installation_id"]) if isinstance(doc.get("installation_id"), int) else None,
            repository_id=int(doc["repository_id"]) if isinstance(doc.get("repository_id"), int) else None,
        )


@dataclass(frozen=True)
class DeliveryPage:
    deliveries: list[HookDelivery]
    next_cursor: str | None  # pass to list_hook_deliveries for the next (older) page; None: the last page


def _login(user: object) -> str:
    return str(user.get("login") or "") if isinstance(user, Mapping) else ""
