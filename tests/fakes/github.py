"""A fake GitHub on 127.0.0.1: the REST endpoints tfreview calls, GitHub App auth, failure modes.

    with FakeGitHub(clock=clock) as github:                 # clock: shared with the code under test
        settings = github.app_settings(tmp_path)            # GitHubAppSettings: api_url, app_id, key file
        github.add_installation(42, "octo", repos=["octo/infra"])
        base = github.add_commit("octo/infra", "main", {"main.tf": "..."})
        github.add_commit("octo/infra", "feature", {"main.tf": "... changed ..."}, base="main")
        number = github.open_pull_request("octo/infra", head="feature", base="main")
        ...                                                  # the code under test talks to github.api_url
        github.comments("octo/infra", number)                # state, as plain dicts
        github.requests                                      # every request, recorded

Endpoints (all JSON documents start from GitHub's own OpenAPI examples, see github_documents.py):
`GET /app`, `GET /app/installations`, `GET /app/installations/{id}`,
`POST /app/installations/{id}/access_tokens` (checks the app JWT: RS256 with an active app key,
`iss`, `exp` ≤ 10 min ahead), `GET /installation/repositories`, `GET /repos/{o}/{r}/pulls[?state=]`,
`GET /repos/{o}/{r}/pulls/{n}` (JSON or `application/vnd.github.diff`), `GET …/pulls/{n}/files`,
`GET …/contents/{path}?ref=` (base64; raw with `application/vnd.github.raw`), `GET …/git/trees/{ref}`,
`GET|POST …/issues/{n}/comments`, `PATCH …/issues/comments/{id}`, `POST …/check-runs`,
`PATCH …/check-runs/{id}`, `GET …/commits/{ref}/check-runs`, `POST …/pulls/{n}/reviews`,
`GET /app/hook/deliveries` (cursor pages), `GET /app/hook/deliveries/{id}`,
`POST /app/hook/deliveries/{id}/attempts`. Lists page with `per_page`/`page` and `Link` headers.

GitHub behaviour kept: ≤ 50 annotations per check-run request (422), a review comment outside the
diff fails the whole review (422 "Pull request review thread line must be part of the diff"), a
comment body over 65,536 characters is refused (422), a repository outside the installation is 404,
a write without the permission is 403 "Resource not accessible by integration".

Failure modes: `revoke_token`, `fail_next` (5xx, no side effect), `lose_next_response` (the write
happens, then a 502, a dropped connection, or half the answer's body — I2), `secondary_limit` (403 + retry-after after N
writes a minute, or in a shorter window), `primary_limit` (x-ratelimit-remaining: 0 until reset), `slow`, `poison_urls`
(every URL in answers points at 169.254.169.254 — S4), `foreign_next_link`, `answer_next` (the next matching
requests get a raw answer of our choosing: an HTML page with 200, JSON of the wrong shape, a redirect elsewhere).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.fakes import github_documents as docs
from tests.fakes.oidc import new_private_key, shared_private_key
from tfreview.integrations.github.settings import GitHubAppSettings

DEFAULT_PERMISSIONS = {"pull_requests": "write", "contents": "read", "checks": "write", "metadata": "read"}
MAX_COMMENT_CHARS = 65536
MAX_ANNOTATIONS = 50
POISON = "http://169.254.169.254/latest/meta-data"
_WRITES = ("POST", "PATCH", "PUT", "DELETE")


class _Reply(Exception):
    """Raised inside a route: answer `status` with `body` (a document, or text when `raw`)."""

    def __init__(self, status: int, body: Any, headers: Mapping[str, str] | None = None, *, raw: bool = False) -> None:
        self.status, self.body, self.headers, self.raw = status, body, dict(headers or {}), raw
        super().__init__(status)


@dataclass
class RecordedRequest:
    method: str
    path: str  # without the path prefix and the query
    query: dict[str, str]
    auth: str  # "jwt" | "token" | "none" | "bad"
    installation_id: int | None
    body: Any
    status: int = 0  # what the fake answered (0: dropped)


@dataclass
class _Installation:
    id: int
    account: dict[str, Any]
    permissions: dict[str, str]
    repos: set[str] = field(default_factory=set)


@dataclass
class _Repo:
    id: int
    full_name: str
    installation_id: int | None
    default_branch: str
    commits: dict[str, dict[str, str]] = field(default_factory=dict)  # sha → {path: text}
    refs: dict[str, str] = field(default_factory=dict)  # branch → sha


@dataclass
class _Pull:
    number: int
    id: int
    repo: str
    title: str
    author: str
    head_ref: str
    base_ref: str
    head_sha: str
    base_sha: str
    draft: bool
    state: str = "open"
    created_at: str = "2024-01-01T00:00:00Z"


@dataclass
class _Rule:
    status: int
    method: str | None
    path_contains: str | None
    remaining: int
    mode: str = "status"  # status | 502 | drop


class FakeGitHub:
    """A real HTTP GitHub REST API on loopback (port 0). A context manager; `close()` stops it cleanly."""

    def __init__(
        self,
        *,
        app_id: int = 1001,
        app_slug: str = "tfreview",
        clock: Callable[[], float] = time.time,
        path_prefix: str = "",
        token_lifetime_seconds: int = 3600,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        on_redeliver: Callable[[dict[str, Any]], int] | None = None,
        port: int = 0,
    ) -> None:
        self.app_id = app_id
        self.app_slug = app_slug
        self.clock = clock
        self.path_prefix = path_prefix.rstrip("/")
        self.token_lifetime_seconds = token_lifetime_seconds
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.on_redeliver = on_redeliver
        self.app_permissions = dict(DEFAULT_PERMISSIONS)
        self.poison_urls = False
        self.foreign_next_link = False
        self.requests: list[RecordedRequest] = []
        self.lock = threading.RLock()
        self._ids = itertools.count(1000)
        self._app_keys: list[rsa.RSAPrivateKey] = [_rsa(shared_private_key("RS256"))]
        self._revoked_keys: list[rsa.RSAPrivateKey] = []
        self._installations: dict[int, _Installation] = {}
        self._tokens: dict[str, tuple[int, float]] = {}  # token → (installation id, expires at)
        self.tokens_issued = 0
        self._personal_tokens: dict[str, str] = {}  # token → login
        self._repos: dict[str, _Repo] = {}
        self._pulls: dict[tuple[str, int], _Pull] = {}
        self._comments: dict[int, dict[str, Any]] = {}
        self._check_runs: dict[int, dict[str, Any]] = {}
        self._reviews: list[dict[str, Any]] = []
        self._deliveries: list[dict[str, Any]] = []  # oldest first
        self.redelivery_requests: list[int] = []
        self._fail_rules: list[_Rule] = []
        self._lose_rules: list[_Rule] = []
        self._raw_rules: list[tuple[_Rule, bytes, dict[str, str]]] = []
        self._secondary: tuple[int, float, float] | None = None  # (writes per window, retry-after, window seconds)
        self.tree_entries: int | None = None  # a recursive tree lists at most this many entries, then `truncated`
        self.write_times: list[float] = []  # clock() of every write performed
        self.refused_writes = 0
        self.refused_times: list[float] = []  # clock() of every write refused by the secondary limit
        self._rate_limit = 5000
        self._rate_remaining = 5000
        self._rate_reset = self.clock() + 3600
        self._slow: tuple[float, str | None] | None = None
        self._release = threading.Event()
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.fake = self
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.api_url = f"{self.base_url}{self.path_prefix}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="fake-github", daemon=True
        )
        self._thread.start()

    # --- lifecycle -------------------------------------------------------------------------------------

    def __enter__(self) -> FakeGitHub:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    # --- configuration for the code under test ---------------------------------------------------------

    def app_private_key_pem(self, index: int = 0) -> str:
        return _pem(self._app_keys[index])

    def write_private_key(self, path: Path, index: int = 0) -> str:
        """Write app key `index` (PEM) to `path`; returns the `file:` source for settings."""
        path.write_text(self.app_private_key_pem(index), encoding="utf-8")
        return f"file:{path}"

    def app_settings(self, directory: Path, **overrides: Any) -> GitHubAppSettings:
        """Settings of an App that authenticates against this fake with its current first key."""
        values: dict[str, Any] = {
            "api_url": self.api_url,
            "app_id": self.app_id,
            "private_keys": [self.write_private_key(directory / "github-app.pem")],
        }
        values.update(overrides)
        return GitHubAppSettings(**values)

    def add_app_key(self) -> str:
        """A new private key GitHub accepts from now on (rotation step 1); returns its PEM."""
        key = _rsa(new_private_key("RS256"))
        with self.lock:
            self._app_keys.append(key)
        return _pem(key)

    def revoke_app_key(self, index: int = 0) -> str:
        """GitHub stops accepting app key `index` (rotation step 2); returns its PEM (to configure it anyway)."""
        with self.lock:
            key = self._app_keys.pop(index)
            self._revoked_keys.append(key)
        return _pem(key)

    # --- seeding ---------------------------------------------------------------------------------------

    def add_installation(
        self,
        installation_id: int = 42,
        account: str = "octo",
        *,
        repos: list[str] | None = None,
        permissions: Mapping[str, str] | None = None,
    ) -> int:
        with self.lock:
            owner = self._user(account, "Organization")
            self._installations[installation_id] = _Installation(
                installation_id, owner, dict(permissions if permissions is not None else self.app_permissions)
            )
        for repo in repos or []:
            self.add_repo(repo, installation_id=installation_id)
        return installation_id

    def add_repo(self, full_name: str, *, installation_id: int | None = None, default_branch: str = "main") -> None:
        with self.lock:
            if full_name not in self._repos:
                self._repos[full_name] = _Repo(next(self._ids), full_name, installation_id, default_branch)
            repo = self._repos[full_name]
            if installation_id is not None:
                repo.installation_id = installation_id
                self._installations[installation_id].repos.add(full_name)

    def add_commit(self, repo: str, ref: str, files: Mapping[str, str | None], *, base: str | None = None) -> str:
        """A commit on branch `ref`: the files of `base` (a branch or sha), or of `ref`'s current commit,
        updated with `files` (None deletes a file). Returns its sha."""
        with self.lock:
            self.add_repo(repo)
            state = self._repos[repo]
            start = base if base is not None else ref
            parent = state.commits.get(state.refs.get(start, start), {}) if start else {}
            snapshot = {**parent}
            for path, text in files.items():
                if text is None:
                    snapshot.pop(path, None)
                else:
                    snapshot[path] = text
            seed = json.dumps([repo, ref, sorted(snapshot.items()), next(self._ids)]).encode()
            sha = hashlib.sha1(seed, usedforsecurity=False).hexdigest()
            state.commits[sha] = snapshot
            state.refs[ref] = sha
            return sha

    def open_pull_request(
        self,
        repo: str,
        *,
        head: str,
        base: str = "main",
        number: int | None = None,
        title: str = "Change infrastructure",
        author: str = "alice",
        draft: bool = False,
    ) -> int:
        with self.lock:
            state = self._repos[repo]
            number = number if number is not None else 1 + max((n for (r, n) in self._pulls if r == repo), default=0)
            self._pulls[(repo, number)] = _Pull(
                number=number,
                id=next(self._ids),
                repo=repo,
                title=title,
                author=author,
                head_ref=head,
                base_ref=base,
                head_sha=state.refs[head],
                base_sha=state.refs[base],
                draft=draft,
                created_at=self._now_iso(),
            )
            return number

    def push(self, repo: str, number: int, files: Mapping[str, str | None]) -> str:
        """A new commit on the PR's head branch; the PR's head sha moves to it. Returns the sha."""
        with self.lock:
            pull = self._pulls[(repo, number)]
            sha = self.add_commit(repo, pull.head_ref, files)
            pull.head_sha = sha
            return sha

    def close_pull_request(self, repo: str, number: int) -> None:
        with self.lock:
            self._pulls[(repo, number)].state = "closed"

    def pull_request(self, repo: str, number: int) -> _Pull:
        return self._pulls[(repo, number)]

    def add_comment(
        self,
        repo: str,
        number: int,
        body: str,
        *,
        login: str = "mallory",
        user_type: str = "User",
        app_id: int | None = None,
    ) -> int:
        """A comment by someone else (or, with `app_id`, by another App)."""
        with self.lock:
            via = docs.app(self.api_url, app_id, f"app-{app_id}", self._user("someone", "User"), {}) if app_id else None
            return self._create_comment(repo, number, body, self._user(login, user_type), via)

    def add_personal_token(self, login: str = "octocat") -> str:
        """A plain token (a PAT) acting as `login`, valid for every repository of this fake."""
        token = "ghp_" + secrets.token_hex(18)
        with self.lock:
            self._personal_tokens[token] = login
        return token

    def issue_token(self, installation_id: int) -> str:
        with self.lock:
            return self._issue_token(installation_id)

    def add_delivery(
        self,
        event: str,
        payload: Mapping[str, Any],
        *,
        status_code: int = 200,
        action: str | None = None,
        guid: str | None = None,
        installation_id: int | None = None,
        repository_id: int | None = None,
        redelivery: bool = False,
    ) -> dict[str, Any]:
        """A webhook delivery in the App's delivery log (as if GitHub had sent it and got `status_code`)."""
        with self.lock:
            return self._add_delivery(
                event=event,
                payload=dict(payload),
                status_code=status_code,
                action=action if action is not None else payload.get("action"),
                guid=guid or str(uuid.uuid4()),
                installation_id=installation_id,
                repository_id=repository_id,
                redelivery=redelivery,
            )

    # --- state, read by tests ----------------------------------------------------------------------

    def comments(self, repo: str, number: int) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(c) for c in self._comments.values() if c["repo"] == repo and c["number"] == number]

    def check_runs(self, repo: str, head_sha: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [
                dict(run)
                for run in self._check_runs.values()
                if run["repo"] == repo and (head_sha is None or run["head_sha"] == head_sha)
            ]

    def reviews(self, repo: str, number: int) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(r) for r in self._reviews if r["repo"] == repo and r["number"] == number]

    @property
    def deliveries(self) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(d) for d in self._deliveries]

    def requests_to(self, method: str, path_pattern: str) -> list[RecordedRequest]:
        pattern = re.compile(path_pattern)
        with self.lock:
            return [r for r in self.requests if r.method == method and pattern.search(r.path)]

    # --- failure modes -------------------------------------------------------------------------------

    def revoke_token(self, token: str) -> None:
        with self.lock:
            self._tokens.pop(token, None)
            self._personal_tokens.pop(token, None)

    def revoke_installation_tokens(self, installation_id: int) -> None:
        with self.lock:
            for token, (owner, _expires) in list(self._tokens.items()):
                if owner == installation_id:
                    del self._tokens[token]

    def fail_next(
        self, status: int = 502, *, times: int = 1, method: str | None = None, path_contains: str | None = None
    ) -> None:
        """The next `times` matching requests answer `status` without doing anything."""
        with self.lock:
            self._fail_rules.append(_Rule(status, method, path_contains, times))

    def lose_next_response(
        self, *, method: str = "POST", path_contains: str | None = None, mode: str = "502", times: int = 1
    ) -> None:
        """The next matching write is PERFORMED, then answered 502 (`mode="502"`), not at all (`"drop"`), or with its
        real status and headers and half its body before the connection closes (`"cut"`: a timeout mid-response)."""
        with self.lock:
            self._lose_rules.append(_Rule(502, method, path_contains, times, mode))

    def answer_next(
        self,
        status: int,
        body: bytes | object,
        *,
        headers: Mapping[str, str] | None = None,
        method: str | None = None,
        path_contains: str | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` matching requests (after authentication) get `status` and `body` as they are, doing
        nothing: bytes are sent as given (`Content-Type` from `headers`), anything else as JSON."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        with self.lock:
            self._raw_rules.append((_Rule(status, method, path_contains, times), data, sent))

    def truncate_trees(self, entries: int) -> None:
        """A recursive git tree lists its first `entries` entries and says `truncated: true` (GitHub: past 100,000
        entries or 7 MB); the contents API still lists a directory whole."""
        with self.lock:
            self.tree_entries = entries

    def secondary_limit(
        self, writes_per_minute: int = 80, retry_after: float = 60, *, window_seconds: float = 60
    ) -> None:
        """A write after `writes_per_minute` writes in the last `window_seconds` (GitHub's minute unless a test
        shortens it, by `clock`) answers 403 + retry-after."""
        with self.lock:
            self._secondary = (writes_per_minute, retry_after, window_seconds)

    def primary_limit(self, remaining: int, *, reset_in_seconds: float = 60, limit: int = 5000) -> None:
        """`remaining` requests are left until `clock() + reset_in_seconds`; then 403 until the reset."""
        with self.lock:
            self._rate_limit, self._rate_remaining = limit, remaining
            self._rate_reset = self.clock() + reset_in_seconds

    def slow(self, seconds: float, *, path_contains: str | None = None) -> None:
        """Matching requests wait `seconds` (real time; released by close()) before being answered."""
        self._release = threading.Event()
        self._slow = (seconds, path_contains)

    def heal(self) -> None:
        with self.lock:
            self._fail_rules.clear()
            self._lose_rules.clear()
            self._raw_rules.clear()
            self._secondary = None
            self._slow = None
        self._release.set()

    # --- internals: identity ---------------------------------------------------------------------------

    def _user(self, login: str, user_type: str = "User") -> dict[str, Any]:
        user_id = int(hashlib.sha1(login.encode(), usedforsecurity=False).hexdigest()[:6], 16)
        return docs.user(self.api_url, login, user_id, user_type)

    def _bot(self) -> dict[str, Any]:
        return self._user(f"{self.app_slug}[bot]", "Bot")

    def app_document(self) -> dict[str, Any]:
        return docs.app(
            self.api_url, self.app_id, self.app_slug, self._user("tfreview-org", "Organization"), self.app_permissions
        )

    def _now_iso(self, at: float | None = None) -> str:
        return datetime.fromtimestamp(self.clock() if at is None else at, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def _issue_token(self, installation_id: int) -> str:
        token = "ghs_" + secrets.token_hex(18)
        self._tokens[token] = (installation_id, self.clock() + self.token_lifetime_seconds)
        self.tokens_issued += 1
        return token

    def _check_app_jwt(self, token: str) -> None:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise _Reply(401, docs.basic_error("A JSON web token could not be decoded", 401)) from None
        if header.get("alg") != "RS256":
            raise _Reply(401, docs.basic_error("A JSON web token could not be decoded", 401))
        claims: dict[str, Any] | None = None
        for key in self._app_keys:
            with contextlib.suppress(jwt.PyJWTError):
                claims = jwt.decode(
                    token, key.public_key(), algorithms=["RS256"], options={"verify_exp": False, "verify_iat": False}
                )
                break
        if claims is None:
            raise _Reply(401, docs.basic_error("A JSON web token could not be decoded", 401))
        now = self.clock()
        if str(claims.get("iss")) != str(self.app_id):
            raise _Reply(401, docs.basic_error("'Issuer' claim ('iss') must be an Integer", 401))
        exp, iat = claims.get("exp"), claims.get("iat")
        if not isinstance(exp, int) or not isinstance(iat, int):
            raise _Reply(401, docs.basic_error("Missing 'exp' or 'iat' claim", 401))
        if exp > now + 600 or exp - iat > 660:
            raise _Reply(401, docs.basic_error("'Expiration time' claim ('exp') is too far in the future", 401))
        if exp <= now:
            raise _Reply(401, docs.basic_error("'Expiration time' claim ('exp') must be a numeric value", 401))
        if iat > now + 60:
            raise _Reply(
                401,
                docs.basic_error("'Issued at' claim ('iat') must be an Integer representing a time in the past", 401),
            )

    # --- internals: state changes (called with the lock held) ---------------------------------------

    def _create_comment(
        self, repo: str, number: int, body: str, author: dict[str, Any], via: dict[str, Any] | None
    ) -> int:
        comment_id = next(self._ids)
        now = self._now_iso()
        self._comments[comment_id] = {
            "id": comment_id,
            "repo": repo,
            "number": number,
            "body": body,
            "author": author,
            "via_app": via,
            "created_at": now,
            "updated_at": now,
            "edits": 0,
        }
        return comment_id

    def _add_delivery(self, **values: Any) -> dict[str, Any]:
        delivery_id = next(self._ids) * 1000 + len(self._deliveries)
        status_code = values.pop("status_code")
        headers = {
            "X-GitHub-Delivery": values["guid"],
            "X-GitHub-Event": values["event"],
            "X-GitHub-Hook-ID": "7",
            "User-Agent": "GitHub-Hookshot/fake",
            "content-type": "application/json",
        }
        delivery = {
            "id": delivery_id,
            "delivered_at": self._now_iso(),
            "duration": 0.05,
            "status": _delivery_status(status_code),
            "status_code": status_code,
            "request_headers": headers,
            "url": self.webhook_url or "",
            **values,
        }
        self._deliveries.append(delivery)
        return dict(delivery)

    # --- the request handler's entry point ---------------------------------------------------------

    def handle(self, handler: _Handler, method: str) -> None:
        split = urlsplit(handler.path)
        path = unquote(split.path)
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        raw_body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw_body) if raw_body else None
        except ValueError:
            body = None
        record = RecordedRequest(method, path, query, "none", None, body)
        with self.lock:
            self.requests.append(record)
        if self.path_prefix:
            if not path.startswith(self.path_prefix + "/"):
                handler.reply(404, docs.basic_error("Not Found", 404))
                return
            path = path[len(self.path_prefix) :]
            record.path = path
        slow = self._slow
        if slow is not None and (slow[1] is None or slow[1] in path):
            self._release.wait(slow[0])
        raw = self._take_raw(method, path, record, handler.headers)
        if raw is not None:
            handler.send_raw(*raw)
            return
        status, document, headers, after, lose = self._process(method, path, query, body, record, handler.headers)
        if after is not None:
            after()
        if lose is not None:
            if lose.mode == "drop":
                handler.drop()
            elif lose.mode == "cut":
                handler.cut(status, document, headers)
            else:
                handler.reply(502, docs.basic_error("Server Error", 502), self._rate_headers())
            return
        if headers.pop("X-Raw", None):
            handler.reply_text(status, str(document), headers)
            return
        if self.poison_urls and document is not None:
            document = _poison(document)
        handler.reply(status, document, headers)

    def _process(
        self, method: str, path: str, query: dict[str, str], body: Any, record: RecordedRequest, request_headers: Any
    ) -> tuple[int, Any, dict[str, str], Callable[[], None] | None, _Rule | None]:
        after: Callable[[], None] | None = None
        lose: _Rule | None = None
        with self.lock:
            try:
                rule = self._take_rule(self._fail_rules, method, path)
                if rule is not None:
                    raise _Reply(rule.status, docs.basic_error("Server Error", rule.status))
                self._authenticate(request_headers.get("Authorization") or "", path, record)
                self._count_rate(record)
                counted = method in _WRITES and not path.startswith("/app/")
                if counted and self._secondary is not None:
                    self._check_secondary()
                status, document, headers, after = _route(self, method, path, query, body, record, request_headers)
                if counted and status < 300:
                    self.write_times.append(self.clock())
                if status < 300:
                    lose = self._take_rule(self._lose_rules, method, path)
            except _Reply as reply:
                status, document, headers = reply.status, reply.body, reply.headers
                if reply.raw:
                    headers["X-Raw"] = "1"
                    lose = self._take_rule(self._lose_rules, method, path)
            headers = {**self._rate_headers(), **headers}
            record.status = status
            if lose is not None:
                record.status = {"drop": 0, "cut": status}.get(lose.mode, 502)
        return status, document, headers, after, lose

    def _take_raw(
        self, method: str, path: str, record: RecordedRequest, request_headers: Any
    ) -> tuple[int, bytes, dict[str, str]] | None:
        with self.lock:
            rules = [rule for rule, _data, _headers in self._raw_rules]
            rule = self._take_rule(rules, method, path)
            if rule is None:
                return None
            index = next(i for i, (r, _d, _h) in enumerate(self._raw_rules) if r is rule)
            _rule, data, headers = self._raw_rules[index]
            if rule.remaining <= 0:
                del self._raw_rules[index]
            with contextlib.suppress(_Reply):  # recorded as "bad": the answer is the hostile one all the same
                self._authenticate(request_headers.get("Authorization") or "", path, record)
            record.status = rule.status
            return rule.status, data, headers

    @staticmethod
    def _take_rule(rules: list[_Rule], method: str, path: str) -> _Rule | None:
        for rule in rules:
            if (rule.method is None or rule.method == method) and (
                rule.path_contains is None or rule.path_contains in path
            ):
                rule.remaining -= 1
                if rule.remaining <= 0:
                    rules.remove(rule)
                return rule
        return None

    def _authenticate(self, header: str, path: str, record: RecordedRequest) -> None:
        scheme, _, credential = header.partition(" ")
        if path == "/app" or path.startswith("/app/"):
            if scheme.lower() != "bearer" or not credential:
                record.auth = "bad"
                raise _Reply(401, docs.basic_error("A JSON web token could not be decoded", 401))
            if credential.startswith(("ghs_", "ghp_")):
                record.auth = "bad"
                raise _Reply(403, docs.basic_error("This endpoint requires you to authenticate as a GitHub App", 403))
            try:
                self._check_app_jwt(credential)
            except _Reply:
                record.auth = "bad"
                raise
            record.auth = "jwt"
            return
        if scheme.lower() not in ("token", "bearer") or not credential:
            record.auth = "bad" if header else "none"
            raise _Reply(401, docs.basic_error("Requires authentication", 401))
        if credential in self._personal_tokens:
            record.auth = "token"
            return
        issued = self._tokens.get(credential)
        if issued is None or issued[1] <= self.clock():
            record.auth = "bad"
            raise _Reply(401, docs.basic_error("Bad credentials", 401))
        record.auth = "token"
        record.installation_id = issued[0]

    def _count_rate(self, record: RecordedRequest) -> None:
        now = self.clock()
        if now >= self._rate_reset:
            self._rate_remaining, self._rate_reset = self._rate_limit, now + 3600
        if self._rate_remaining <= 0:
            message = f"API rate limit exceeded for installation ID {record.installation_id}."
            raise _Reply(403, docs.basic_error(message, 403))
        self._rate_remaining -= 1

    def _rate_headers(self) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self._rate_limit),
            "x-ratelimit-remaining": str(max(self._rate_remaining, 0)),
            "x-ratelimit-used": str(self._rate_limit - max(self._rate_remaining, 0)),
            "x-ratelimit-reset": str(int(self._rate_reset + 0.999)),
            "x-ratelimit-resource": "core",
        }

    def _check_secondary(self) -> None:
        assert self._secondary is not None
        limit, retry_after, window = self._secondary
        now = self.clock()
        recent = [at for at in self.write_times if at > now - window]
        if len(recent) >= limit:
            self.refused_writes += 1
            self.refused_times.append(now)
            message = (
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
                "If you reach out to GitHub Support for help, please include the request ID FAKE."
            )
            raise _Reply(403, docs.basic_error(message, 403), {"retry-after": str(int(retry_after))})

    def deliver(self, delivery: dict[str, Any]) -> int:
        """POST a delivery's payload to the configured webhook (or call `on_redeliver`); its status code."""
        if self.on_redeliver is not None:
            return self.on_redeliver(dict(delivery))
        if self.webhook_url is None:
            return 200
        host = urlsplit(self.webhook_url).hostname
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the fake GitHub only delivers webhooks to loopback")
        body = json.dumps(delivery["payload"]).encode()
        headers = {k: v for k, v in delivery["request_headers"].items() if k.lower() != "content-type"}
        headers["Content-Type"] = "application/json"
        if self.webhook_secret is not None:
            digest = hmac.new(self.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Hub-Signature-256"] = f"sha256={digest}"
        try:
            with httpx.Client(timeout=10) as client:
                return client.post(self.webhook_url, content=body, headers=headers).status_code
        except httpx.HTTPError:
            return 0


def _route(
    fake: FakeGitHub, method: str, path: str, query: dict[str, str], body: Any, record: RecordedRequest, headers: Any
) -> tuple[int, Any, dict[str, str], Callable[[], None] | None]:
    from tests.fakes.github_routes import route

    return route(fake, method, path, query, body, record, headers)


def _delivery_status(status_code: int) -> str:
    if 200 <= status_code < 300:
        return "OK"
    if status_code == 0:
        return "timed out"
    return f"Invalid HTTP Response: {status_code}"


def _poison(document: Any) -> Any:
    if isinstance(document, dict):
        return {
            key: (f"{POISON}/{key}" if isinstance(value, str) and value.startswith("http") else _poison(value))
            for key, value in document.items()
        }
    if isinstance(document, list):
        return [_poison(item) for item in document]
    return document


def _rsa(key: Any) -> rsa.RSAPrivateKey:
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def _pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def encoded_content(text: str) -> str:
    """base64 in 60-character lines, as the contents API sends it."""
    encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return "\n".join(encoded[i : i + 60] for i in range(0, len(encoded), 60)) + "\n"


def page_link(fake: FakeGitHub, path: str, query: Mapping[str, str], **changes: str) -> str:
    base = POISON if fake.foreign_next_link else fake.api_url
    return f"<{base}{path}?{urlencode({**query, **changes})}>"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: shutdown never waits on a keep-alive socket

    def do_GET(self) -> None:
        self.server.fake.handle(self, "GET")

    def do_POST(self) -> None:
        self.server.fake.handle(self, "POST")

    def do_PATCH(self) -> None:
        self.server.fake.handle(self, "PATCH")

    def reply(self, status: int, document: Any, headers: Mapping[str, str] | None = None) -> None:
        data = b"" if document is None else json.dumps(document).encode()
        self._send(status, data, "application/json; charset=utf-8", headers)

    def reply_text(self, status: int, text: str, headers: Mapping[str, str] | None = None) -> None:
        self._send(status, text.encode("utf-8"), "text/plain; charset=utf-8", headers)

    def send_raw(self, status: int, data: bytes, headers: Mapping[str, str]) -> None:
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass

    def drop(self) -> None:
        """Answer nothing: the connection closes without a response (a lost response)."""
        self.close_connection = True

    def cut(self, status: int, document: Any, headers: Mapping[str, str]) -> None:
        """The answer's status, headers and Content-Length, then half its body, then the connection closes."""
        data = json.dumps(document).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
        except OSError:
            pass
        self.close_connection = True

    def _send(self, status: int, data: bytes, content_type: str, headers: Mapping[str, str] | None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `FakeGitHub.requests`."""


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True
    fake: FakeGitHub

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up mid-answer is expected here; stay quiet."""


class FakeClock:
    """Wall-clock seconds that move only when slept on: share it between the fake and the client.

    `sleep` records every wait (`sleeps`) and advances the clock instead of sleeping."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += max(seconds, 0.0)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds
