"""The GitHub REST client: typed methods over one injectable `httpx.Client`.

Every URL is built from the configured `api_url` plus ids and names that are validated here
(`owner/name`, numbers, hex SHAs); a URL found in an answer is never requested — the two exceptions
are a `Link: rel="next"` page (never one already read) and ONE redirect of a GET (a renamed repository's 301),
each followed only when it points at the configured API host and path (S4, ADR 0548); a `next` link elsewhere is
GitHubUnavailable, never the end of the list (an item left out could be our own comment: a second one posted).

Failures become the error tree of `errors.py` (see there). Per request:
- 401 → the auth drops the installation token (or the app key) and the request is sent ONCE more;
- 403 "Resource not accessible by integration" → the same once (a token minted before the permission was granted),
  then `PermissionMissing`, naming the permission (X-Accepted-GitHub-Permissions): permanent (ADR 0636);
- 403/429 that is a rate limit → the limiter waits, then the SAME request is sent again (a refused
  write was not performed), at most `MAX_RATE_LIMIT_RETRIES` times — except a write when the limiter
  has `restart_writes` (the service): `RateLimited` is raised, and the caller starts over after the wait;
- 5xx / transport errors → `GitHubUnavailable`; a GET is retried once after a second, a write never
  (it may have happened: the caller searches before it creates again — I2);
- writes go through the limiter's pacing (≤ writes_per_minute per installation).
"""

from __future__ import annotations

import base64
import binascii
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx

from tfreview.core.errors import AuthError, ConfigError, PermissionMissing
from tfreview.integrations.github.api_values import (
    commit_sha,
    content_path,
    errors_of,
    git_ref,
    id_number,
    json_document,
    json_list,
    message_of,
    missing_permission,
    next_link,
    refusal_text,
    repo_name,
)
from tfreview.integrations.github.auth import API_VERSION, USER_AGENT, AppAuth, GitHubAuth, LentToken
from tfreview.integrations.github.errors import GitHubNotFound, GitHubRejected, GitHubUnavailable, RateLimited
from tfreview.integrations.github.models import (
    App,
    ChangedFile,
    CheckRun,
    DeliveryPage,
    FileListing,
    HookDelivery,
    Installation,
    IssueComment,
    PullRequest,
    Repository,
)
from tfreview.integrations.github.ratelimit import RateLimiter
from tfreview.integrations.github.writes import ChecksAndReviews
from tfreview.plumbing.http import ResponseTooLarge, failure_name, send_bounded
from tfreview.plumbing.json_documents import NotJson, read_json

log = logging.getLogger(__name__)

JSON = "application/vnd.github+json"
DIFF = "application/vnd.github.diff"
RAW = "application/vnd.github.raw"
MAX_RATE_LIMIT_RETRIES = 5
MAX_PAGES = 100
READ_RETRY_DELAY_SECONDS = 1.0
# one answer, read at most: a page of 100 changed files with their patches or a truncated tree is a few MB; a raw
# file can be 100 MB on GitHub and endless from a broken proxy — cut off as GitHub's fault, not held in memory
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")
DIRECTORY_ENTRIES = 1000  # the contents API lists at most this many entries of one directory

_WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


class GitHubClient(ChecksAndReviews):
    """GitHub REST for one installation (or a plain token). Cheap to copy with `for_installation`."""

    def __init__(
        self,
        http: httpx.Client,
        api_url: str,
        auth: GitHubAuth,
        *,
        installation_id: int | None = None,
        limiter: RateLimiter | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        parts = urlsplit(api_url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ConfigError("the GitHub api_url must be an http(s) URL")
        self._http = http
        self._api_url = api_url.rstrip("/")
        self._base = urlsplit(self._api_url)
        self._auth = auth
        self.installation_id = installation_id
        self._clock = clock
        self._sleep = sleep
        self._max_response_bytes = max_response_bytes
        self.limiter = limiter if limiter is not None else RateLimiter(clock=clock, sleep=sleep)

    def lend_token(self) -> LentToken | None:
        """This installation's token for a review process (ADR 0690); None: a plain token, or the App's own client."""
        if not isinstance(self._auth, AppAuth) or self.installation_id is None:
            return None
        return self._auth.lend(self.installation_id)

    def adopt_token(self, lent: LentToken) -> None:
        """Use the token a worker lent (ADR 0690), when this client is an App's."""
        if isinstance(self._auth, AppAuth):
            self._auth.adopt(lent)

    def returned_token(self, lent: LentToken) -> LentToken | None:
        """The token this client fetched in place of `lent` (refused, or stale), to give back (ADR 0713)."""
        return self._auth.returned(lent) if isinstance(self._auth, AppAuth) else None

    def take_back_token(self, lent: LentToken, returned: LentToken) -> None:
        """The review process fetched `returned` in place of `lent` (ADR 0713): this client uses and lends it."""
        if isinstance(self._auth, AppAuth):
            self._auth.take_back(lent, returned)

    def for_installation(self, installation_id: int) -> GitHubClient:
        """The same client (HTTP pool, auth, limiter) acting as another installation."""
        return GitHubClient(
            self._http,
            self._api_url,
            self._auth,
            installation_id=installation_id,
            limiter=self.limiter,
            clock=self._clock,
            sleep=self._sleep,
            max_response_bytes=self._max_response_bytes,
        )

    @property
    def api_url(self) -> str:
        return self._api_url

    # --- the App -----------------------------------------------------------------------------------

    def get_app(self) -> App:
        return App.from_json(self._json("GET", "/app", app=True))

    def list_installations(self) -> list[Installation]:
        return [Installation.from_json(doc) for doc in self._pages("/app/installations", app=True)]

    def get_installation(self, installation_id: int) -> Installation:
        return Installation.from_json(self._json("GET", f"/app/installations/{id_number(installation_id)}", app=True))

    def installation_repositories(self, installation_id: int | None = None) -> list[Repository]:
        client = (
            self
            if installation_id in (None, self.installation_id)
            else self.for_installation(id_number(installation_id))
        )
        return [Repository.from_json(doc) for doc in client._pages("/installation/repositories", key="repositories")]

    def list_hook_deliveries(self, per_page: int = 100, cursor: str | None = None) -> DeliveryPage:
        """One page of the App's webhook deliveries, newest first; `next_cursor` names the next page."""
        params: dict[str, str | int] = {"per_page": max(1, min(per_page, 100))}
        if cursor:
            params["cursor"] = cursor
        response = self._request("GET", "/app/hook/deliveries", params=params, app=True)
        documents = json_list(response, "/app/hook/deliveries")
        next_url = next_link(response)
        next_cursor = None
        if next_url is not None and self._on_api_host(next_url):
            cursors = parse_qs(urlsplit(next_url).query).get("cursor") or []
            next_cursor = cursors[0] if cursors else None
        return DeliveryPage([HookDelivery.from_json(doc) for doc in documents], next_cursor)

    def redeliver(self, delivery_id: int) -> None:
        """Ask GitHub to send a delivery again (202; a new attempt with the same guid)."""
        self._request("POST", f"/app/hook/deliveries/{id_number(delivery_id)}/attempts", app=True, write=False)

    # --- pull requests -----------------------------------------------------------------------------

    def get_pull_request(self, repo: str, number: int) -> PullRequest:
        return PullRequest.from_json(self._json("GET", f"/repos/{repo_name(repo)}/pulls/{id_number(number)}"), repo)

    def list_open_pull_requests(self, repo: str) -> list[PullRequest]:
        path = f"/repos/{repo_name(repo)}/pulls"
        return [PullRequest.from_json(doc, repo) for doc in self._pages(path, params={"state": "open"})]

    def list_pull_request_files(self, repo: str, number: int) -> list[ChangedFile]:
        path = f"/repos/{repo_name(repo)}/pulls/{id_number(number)}/files"
        return [ChangedFile.from_json(doc) for doc in self._pages(path)]

    def get_pull_request_diff(self, repo: str, number: int) -> str:
        return self._request("GET", f"/repos/{repo_name(repo)}/pulls/{id_number(number)}", accept=DIFF).text

    # --- repository contents -----------------------------------------------------------------------

    def get_file(self, repo: str, path: str, ref: str) -> str | None:
        """The text of `path` at `ref`; None when it does not exist there (or is not a file)."""
        api_path = f"/repos/{repo_name(repo)}/contents/{content_path(path)}"
        try:
            response = self._request("GET", api_path, params={"ref": git_ref(ref)})
        except GitHubNotFound:
            return None
        document = json_document(response, "GET", api_path)
        if isinstance(document, list):
            return None  # a directory
        if not isinstance(document, dict) or not isinstance(document.get("type"), str):
            raise GitHubUnavailable(f"GitHub GET {api_path}: the answer is not a content object (no 'type')")
        if document["type"] != "file":
            return None  # a symlink or a submodule
        if document.get("encoding") == "base64":
            if not isinstance(document.get("content"), str):
                raise GitHubUnavailable(f"GitHub GET {api_path}: base64 content that is not a string")
            try:
                return base64.b64decode(document["content"]).decode("utf-8", errors="replace")
            except (binascii.Error, ValueError):
                raise GitHubUnavailable(f"GitHub GET {api_path}: content is not base64") from None
        # over 1 MB the contents API answers encoding "none": ask for the raw file (up to 100 MB)
        try:
            return self._request("GET", api_path, params={"ref": git_ref(ref)}, accept=RAW).text
        except GitHubNotFound:
            return None

    def get_tree(self, repo: str, ref: str, suffixes: Sequence[str] = TERRAFORM_SUFFIXES) -> FileListing:
        """Paths of the files at `ref` whose names end in one of `suffixes` (recursive git tree); not `complete`
        when GitHub truncated the tree (a file it left out is not a file that does not exist: ADR 0608)."""
        path = f"/repos/{repo_name(repo)}/git/trees/{quote(git_ref(ref), safe='')}"
        document = self._json("GET", path, params={"recursive": "1"})
        truncated = bool(document.get("truncated"))
        if truncated:
            log.warning("GitHub tree of %s at %s is truncated: its directories are listed one by one", repo, ref)
        tree = document.get("tree")
        if not isinstance(tree, list):
            raise GitHubUnavailable(f"GitHub GET {path}: the answer's 'tree' is not a JSON list")
        paths = [
            str(entry["path"])
            for entry in tree
            if isinstance(entry, Mapping) and entry.get("type") == "blob" and isinstance(entry.get("path"), str)
        ]
        return FileListing(tuple(sorted(p for p in paths if p.endswith(tuple(suffixes)))), complete=not truncated)

    def list_directory(self, repo: str, directory: str, ref: str) -> FileListing:
        """The files directly in `directory` ("" = the root) at `ref` (contents API); empty when it is not a
        directory there; not `complete` past `DIRECTORY_ENTRIES` entries (GitHub lists no more)."""
        base = f"/repos/{repo_name(repo)}/contents"
        api_path = f"{base}/{content_path(directory)}" if directory.strip("/") else base
        try:
            response = self._request("GET", api_path, params={"ref": git_ref(ref)})
        except GitHubNotFound:
            return FileListing(())
        document = json_document(response, "GET", api_path)
        if isinstance(document, dict) and isinstance(document.get("type"), str):
            return FileListing(())  # a file, a symlink or a submodule
        # anything else, or an entry we cannot read, would list the directory shorter than it is: its files left out
        # would read as deleted (ADR 0608), so the answer is GitHub's failure (ADR 0548)
        if not isinstance(document, list) or not all(
            isinstance(entry, Mapping) and isinstance(entry.get("type"), str) and isinstance(entry.get("path"), str)
            for entry in document
        ):
            raise GitHubUnavailable(f"GitHub GET {api_path}: the answer is not a directory's list of entries")
        paths = [str(entry["path"]) for entry in document if entry["type"] == "file"]
        return FileListing(tuple(sorted(paths)), complete=len(document) < DIRECTORY_ENTRIES)

    # --- comments ----------------------------------------------------------------------------------

    def list_issue_comments(self, repo: str, number: int) -> list[IssueComment]:
        path = f"/repos/{repo_name(repo)}/issues/{id_number(number)}/comments"
        return [IssueComment.from_json(doc) for doc in self._pages(path, whole=True)]

    def create_issue_comment(self, repo: str, number: int, body: str) -> IssueComment:
        path = f"/repos/{repo_name(repo)}/issues/{id_number(number)}/comments"
        return IssueComment.from_json(self._json("POST", path, body={"body": body}))

    def update_issue_comment(self, repo: str, comment_id: int, body: str) -> IssueComment:
        path = f"/repos/{repo_name(repo)}/issues/comments/{id_number(comment_id)}"
        return IssueComment.from_json(self._json("PATCH", path, body={"body": body}))

    # --- check runs --------------------------------------------------------------------------------

    def list_check_runs(self, repo: str, head_sha: str, name: str | None = None) -> list[CheckRun]:
        path = f"/repos/{repo_name(repo)}/commits/{commit_sha(head_sha)}/check-runs"
        params: dict[str, str] = {"filter": "all"}
        if name:
            params["check_name"] = name
        return [CheckRun.from_json(doc) for doc in self._pages(path, params=params, key="check_runs", whole=True)]

    # --- the request loop --------------------------------------------------------------------------

    def _json(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: Mapping[str, Any] | None = None,
        app: bool = False,
    ) -> dict[str, Any]:
        response = self._request(method, path, params=params, body=body, app=app)
        try:
            document = read_json(response.content)
        except NotJson:
            raise GitHubUnavailable(
                f"GitHub {method} {path}: the answer is not JSON", status=response.status_code
            ) from None
        if not isinstance(document, dict):
            raise GitHubUnavailable(f"GitHub {method} {path}: the answer is not a JSON object")
        return document

    def _pages(
        self,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        key: str | None = None,
        app: bool = False,
        whole: bool = False,
    ) -> Iterator[dict[str, Any]]:
        """Every item of a paginated list (`per_page=100`), following `Link: rel="next"` on our API host. Past
        `MAX_PAGES` a list stops with a warning — or, `whole` (a search before a create: an item left out could be
        our own), is refused for good (`GitHubRejected`, ADR 0589)."""
        query: dict[str, str | int] | None = {"per_page": 100, **(params or {})}
        url: str | None = None
        read: set[httpx.URL] = set()  # the pages already read: a `next` link back to one of them is a loop
        for _page in range(MAX_PAGES):
            response = self._request("GET", path, params=query, app=app, url=url)
            read.add(response.request.url)
            if key is None:
                documents = json_list(response, path)
            else:
                wrapper = json_document(response, "GET", path)
                items = wrapper.get(key) if isinstance(wrapper, dict) else None
                if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
                    raise GitHubUnavailable(f"GitHub GET {path}: the answer's {key!r} is not a JSON list of objects")
                documents = items
            yield from documents
            next_url = next_link(response)
            if next_url is None:
                return
            if not self._on_api_host(next_url):  # not followed (S4), and not read as the end of the list either:
                # an item left out could be our own comment, and the publisher would post a second one
                raise GitHubUnavailable(
                    f"GitHub GET {path}: its next page {_origin(next_url)} leaves the configured "
                    "api_url: not followed (is GitHub Enterprise reached by another name than its own?)"
                )
            if httpx.URL(next_url) in read:  # its items would be counted twice, and again, up to MAX_PAGES
                raise GitHubUnavailable(f"GitHub GET {path}: its next page links back to a page already read")
            url, query = next_url, None
        if whole:
            raise GitHubRejected(
                f"GitHub GET {path}: more than {MAX_PAGES} pages (of 100); not read to the end, so nothing is"
                " created that may exist already",
                status=0,
            )
        log.warning("GitHub list %s: stopped after %d pages", path, MAX_PAGES)

    def _on_api_host(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
        except ValueError:  # "Invalid IPv6 URL": no URL of ours
            return False
        return (
            parts.scheme == self._base.scheme
            and parts.netloc == self._base.netloc
            and (parts.path + "/").startswith(self._base.path.rstrip("/") + "/")
            and not parts.username
        )

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: Mapping[str, Any] | None = None,
        accept: str = JSON,
        app: bool = False,
        write: bool | None = None,
        url: str | None = None,
    ) -> httpx.Response:
        is_write = method in _WRITE_METHODS if write is None else write
        key = "app" if app else (str(self.installation_id) if self.installation_id is not None else self._auth.kind)
        refreshed = read_retried = False
        rate_limited = redirected = 0
        while True:
            slot = self.limiter.before_request(key, write=is_write)
            headers = {
                "Authorization": self._auth.app_authorization()
                if app
                else self._auth.installation_authorization(self.installation_id),
                "Accept": accept,
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": USER_AGENT,
            }
            try:
                request = self._http.build_request(
                    method, url or f"{self._api_url}{path}", params=params, json=body, headers=headers
                )
                response = send_bounded(self._http, request, self._max_response_bytes)
            except ResponseTooLarge:
                self.limiter.write_done(slot)
                raise GitHubUnavailable(
                    f"GitHub {method} {path}: answer larger than {self._max_response_bytes:,} bytes",
                    ambiguous=method != "GET",
                ) from None
            except (httpx.TransportError, httpx.DecodingError) as error:  # a body that does not decode: GitHub's
                self.limiter.write_done(slot)
                failure = f"GitHub {method} {path}: {failure_name(error)}"
                if method == "GET" and not read_retried:
                    read_retried = True
                    log.warning("%s; retrying once", failure)
                    self._sleep(READ_RETRY_DELAY_SECONDS)
                    continue
                raise GitHubUnavailable(failure, ambiguous=method != "GET") from None
            self.limiter.write_done(slot)
            status = response.status_code
            message = message_of(response) if status >= 400 else ""
            wait = self.limiter.after_response(
                key, status, response.headers, refusal_text(response) if status in (403, 429) else "", write=is_write
            )
            if status < 300:
                return response
            if not redirected and (moved := self._followed_redirect(method, response)) is not None:
                url, params, redirected = moved, None, 1
                continue
            if not refreshed and self._refresh_may_help(status, wait, app, response):
                refreshed = True
                if app and status == 401:
                    self._auth.reject_app_key(headers["Authorization"])
                else:
                    self._auth.invalidate(self.installation_id)
                continue
            if wait is not None:
                if is_write and self.limiter.restart_writes:  # never resent as is: the publish restarts (9.11)
                    raise RateLimited(
                        f"GitHub {method} {path}: refused by a rate limit", wait_seconds=wait, kind="secondary"
                    )
                rate_limited += 1
                if rate_limited > MAX_RATE_LIMIT_RETRIES:
                    raise RateLimited(
                        f"GitHub {method} {path}: still rate limited after {MAX_RATE_LIMIT_RETRIES} waits",
                        wait_seconds=wait,
                        kind="secondary",
                    )
                continue  # before_request waits until the limiter lets the key go again
            if status >= 500 and method == "GET" and not read_retried:
                read_retried = True
                self._sleep(READ_RETRY_DELAY_SECONDS)
                continue
            raise self._error(method, path, status, message, response)

    @staticmethod
    def _refresh_may_help(status: int, wait: float | None, app: bool, response: httpx.Response) -> bool:
        """A 401; or, with an installation's token, a 403 naming a permission: a token minted before the permission
        was granted keeps its old permissions for its hour, so a fresh one may be let through (no write happened:
        a 403 performs nothing). Refused again, it is for good (ADR 0636)."""
        if status == 401:
            return True
        return status == 403 and wait is None and not app and missing_permission(response) is not None

    def _followed_redirect(self, method: str, response: httpx.Response) -> str | None:
        """The URL a GET's redirect points at when it is on the configured API (a renamed repository: 301 to
        /repositories/{id}/… on the same API, ADR 0548); None for any other answer, a write, or another place."""
        target = _location(response) if method == "GET" and 300 <= response.status_code < 400 else None
        return str(target) if target is not None and self._on_api_host(str(target)) else None

    def _error(self, method: str, path: str, status: int, message: str, response: httpx.Response) -> Exception:
        text = self._auth.scrub(f"GitHub {method} {path}: {status} {message}".rstrip())
        if status == 404:
            return GitHubNotFound(text)
        if status == 403 and (needed := missing_permission(response)) is not None:
            return PermissionMissing(
                f"{text}: the GitHub App lacks the permission {needed or 'this request needs'} — retrying cannot help;"
                " grant it in the App's settings, accept it on the installation, then retry the job",
                permission=needed or None,
            )
        if status in (401, 403):
            return AuthError(text, status=status)
        if status >= 500:
            return GitHubUnavailable(text, status=status, ambiguous=method != "GET")
        if 300 <= status < 400:
            target = _location(response)
            where = f"{target.scheme}://{target.netloc.decode('ascii', 'replace')}" if target is not None else "nowhere"
            return GitHubUnavailable(
                f"{text}: a redirect to {where}, not followed (only one GET redirect on the configured api_url is)",
                status=status,
            )
        if 400 <= status < 500:
            errors = [self._auth.scrub(error) for error in errors_of(response)]
            detail = f" ({'; '.join(errors)})" if errors else ""
            return GitHubRejected(f"{text}{detail}"[:1000], status=status, errors=errors)
        return GitHubUnavailable(text, status=status)


def _origin(url: str) -> str:
    """Where a URL points, its scheme and host only (never its path or query: they may hold anything)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:  # "Invalid IPv6 URL", a port out of range
        return "(no URL)"
    return f"({parts.scheme}://{host}{f':{port}' if port else ''})"


def _location(response: httpx.Response) -> httpx.URL | None:
    """Where a redirect points, resolved against the request's URL; None without a readable `Location`."""
    raw = response.headers.get("location", "")
    if not raw:
        return None
    try:
        target = response.request.url.join(raw)
    except (httpx.InvalidURL, ValueError):
        return None
    return target if target.scheme in ("http", "https") and target.host else None
