"""The fake GitHub's endpoints: one function per route, called with the fake's lock held.

Each returns (status, document, headers, after) — `after` runs once the lock is released (a
redelivery POSTs to the webhook receiver there). A refusal raises `_Reply`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from tests.fakes import github_documents as docs

if TYPE_CHECKING:
    from tests.fakes.github import FakeGitHub, RecordedRequest

Result = tuple[int, Any, dict[str, str], Callable[[], None] | None]

_REPO = r"/repos/(?P<repo>[^/]+/[^/]+)"
_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    (m, re.compile(f"^{p}$"), name)
    for m, p, name in [
        ("GET", "/app", "get_app"),
        ("GET", "/app/installations", "list_installations"),
        ("GET", r"/app/installations/(?P<id>\d+)", "get_installation"),
        ("POST", r"/app/installations/(?P<id>\d+)/access_tokens", "create_token"),
        ("GET", "/app/hook/deliveries", "list_deliveries"),
        ("GET", r"/app/hook/deliveries/(?P<id>\d+)", "get_delivery"),
        ("POST", r"/app/hook/deliveries/(?P<id>\d+)/attempts", "redeliver"),
        ("GET", "/installation/repositories", "installation_repositories"),
        ("GET", f"{_REPO}/pulls", "list_pulls"),
        ("GET", rf"{_REPO}/pulls/(?P<number>\d+)", "get_pull"),
        ("GET", rf"{_REPO}/pulls/(?P<number>\d+)/files", "pull_files"),
        ("POST", rf"{_REPO}/pulls/(?P<number>\d+)/reviews", "create_review"),
        ("GET", f"{_REPO}/contents/?", "get_root_contents"),
        ("GET", f"{_REPO}/contents/(?P<path>.+)", "get_contents"),
        ("GET", f"{_REPO}/git/trees/(?P<ref>.+)", "get_tree"),
        ("GET", rf"{_REPO}/issues/(?P<number>\d+)/comments", "list_comments"),
        ("POST", rf"{_REPO}/issues/(?P<number>\d+)/comments", "create_comment"),
        ("PATCH", rf"{_REPO}/issues/comments/(?P<id>\d+)", "update_comment"),
        ("POST", f"{_REPO}/check-runs", "create_check_run"),
        ("PATCH", rf"{_REPO}/check-runs/(?P<id>\d+)", "update_check_run"),
        ("GET", f"{_REPO}/commits/(?P<ref>[^/]+)/check-runs", "list_check_runs"),
    ]
]


def route(
    fake: FakeGitHub,
    method: str,
    path: str,
    query: dict[str, str],
    body: Any,
    record: RecordedRequest,
    headers: Mapping[str, str],
) -> Result:
    from tests.fakes.github import _Reply

    for route_method, pattern, name in _ROUTES:
        match = pattern.match(path)
        if match and route_method == method:
            handler = globals()[f"_{name}"]
            context = _Context(fake, query, body if isinstance(body, dict) else {}, record, headers)
            result: Result = handler(context, **match.groupdict())
            return result
    raise _Reply(404, docs.basic_error("Not Found", 404))


class _Context:
    def __init__(
        self, fake: FakeGitHub, query: dict[str, str], body: dict[str, Any], record: RecordedRequest, headers: Any
    ) -> None:
        self.fake, self.query, self.body, self.record, self.headers = fake, query, body, record, headers
        self.api = fake.api_url

    def reply(self, status: int, document: Any, headers: Mapping[str, str] | None = None) -> Result:
        return status, document, dict(headers or {}), None

    def refuse(
        self, status: int, message: str, errors: list[Any] | None = None, headers: dict[str, str] | None = None
    ) -> Exception:
        from tests.fakes.github import _Reply

        if status == 422:
            return _Reply(422, docs.validation_error(message, errors), headers)
        return _Reply(status, docs.basic_error(message, status), headers)

    def repo(self, name: str) -> Any:
        """The repository, when the caller's installation (or a personal token) can see it; else 404."""
        state = self.fake._repos.get(name)
        installation = self.record.installation_id
        if state is None or (installation is not None and state.installation_id != installation):
            raise self.refuse(404, "Not Found")
        return state

    def pull(self, repo: str, number: str) -> Any:
        self.repo(repo)
        pull = self.fake._pulls.get((repo, int(number)))
        if pull is None:
            raise self.refuse(404, "Not Found")
        return pull

    def need(self, permission: str, level: str = "write") -> None:
        installation_id = self.record.installation_id
        if installation_id is None:
            return  # a personal token: its owner's rights
        granted = self.fake._installations[installation_id].permissions.get(permission)
        order = {"read": 1, "write": 2, "admin": 3}
        if order.get(granted or "", 0) < order[level]:  # GitHub names what the request needs in a header
            accepted = {"X-Accepted-GitHub-Permissions": f"{permission}={level}"}
            raise self.refuse(403, "Resource not accessible by integration", headers=accepted)

    def author(self) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """Who a write is attributed to: the App's bot (with performed_via_github_app) or the token's user."""
        if self.record.installation_id is not None:
            return self.fake._bot(), self.fake.app_document()
        login = self.fake._personal_tokens.get(_credential(self.headers), "octocat")
        return self.fake._user(login), None

    def paged(self, items: list[Any], path: str) -> Result:
        per_page = max(1, min(int(self.query.get("per_page", "30")), 100))
        page = max(1, int(self.query.get("page", "1")))
        chunk = items[(page - 1) * per_page : page * per_page]
        headers: dict[str, str] = {}
        links = []
        if page * per_page < len(items):
            from tests.fakes.github import page_link

            links.append(f'{page_link(self.fake, path, self.query, page=str(page + 1))}; rel="next"')
            last = (len(items) + per_page - 1) // per_page
            links.append(f'{page_link(self.fake, path, self.query, page=str(last))}; rel="last"')
        if links:
            headers["Link"] = ", ".join(links)
        return 200, chunk, headers, None


def _credential(headers: Any) -> str:
    return str(headers.get("Authorization") or "").partition(" ")[2]


# --- the App -------------------------------------------------------------------------------------------------


def _get_app(c: _Context) -> Result:
    return c.reply(200, c.fake.app_document())


def _installation_doc(c: _Context, installation_id: int) -> dict[str, Any]:
    state = c.fake._installations.get(installation_id)
    if state is None:
        raise c.refuse(404, "Not Found")
    return docs.installation(c.api, state.id, c.fake.app_id, c.fake.app_slug, state.account, state.permissions)


def _list_installations(c: _Context) -> Result:
    return c.paged([_installation_doc(c, i) for i in sorted(c.fake._installations)], "/app/installations")


def _get_installation(c: _Context, id: str) -> Result:
    return c.reply(200, _installation_doc(c, int(id)))


def _create_token(c: _Context, id: str) -> Result:
    installation = _installation_doc(c, int(id))
    token = c.fake._issue_token(int(id))
    expires = c.fake._now_iso(c.fake._tokens[token][1])
    return c.reply(201, docs.installation_token(token, expires, installation["permissions"]))


def _installation_repositories(c: _Context) -> Result:
    installation_id = c.record.installation_id
    if installation_id is None:
        raise c.refuse(403, "This endpoint requires an installation token")
    names = sorted(c.fake._installations[installation_id].repos)
    owner = c.fake._installations[installation_id].account
    repos = [docs.repository(c.api, c.fake._repos[n].id, n, owner, c.fake._repos[n].default_branch) for n in names]
    status, page, headers, _ = c.paged(repos, "/installation/repositories")
    return status, {"total_count": len(repos), "repositories": page}, headers, None


# --- hook deliveries -----------------------------------------------------------------------------------------


def _list_deliveries(c: _Context) -> Result:
    per_page = max(1, min(int(c.query.get("per_page", "30")), 100))
    newest_first = list(reversed(c.fake._deliveries))
    cursor = c.query.get("cursor")
    if cursor:
        ids = [d["id"] for d in newest_first]
        try:
            start = ids.index(int(cursor.removeprefix("v1_"))) + 1
        except ValueError:
            raise c.refuse(422, "Invalid cursor") from None
        newest_first = newest_first[start:]
    chunk = newest_first[:per_page]
    headers: dict[str, str] = {}
    if len(newest_first) > per_page:
        from tests.fakes.github import page_link

        link = page_link(c.fake, "/app/hook/deliveries", {"per_page": str(per_page)}, cursor=f"v1_{chunk[-1]['id']}")
        headers["Link"] = f'{link}; rel="next"'
    return c.reply(200, [docs.hook_delivery_item(d) for d in chunk], headers)


def _find_delivery(c: _Context, delivery_id: int) -> dict[str, Any]:
    for delivery in c.fake._deliveries:
        if delivery["id"] == delivery_id:
            return delivery
    raise c.refuse(404, "Not Found")


def _get_delivery(c: _Context, id: str) -> Result:
    return c.reply(200, docs.hook_delivery(_find_delivery(c, int(id))))


def _redeliver(c: _Context, id: str) -> Result:
    original = _find_delivery(c, int(id))
    c.fake.redelivery_requests.append(int(id))
    attempt = c.fake._add_delivery(
        event=original["event"],
        payload=original["payload"],
        status_code=0,
        action=original["action"],
        guid=original["guid"],
        installation_id=original["installation_id"],
        repository_id=original["repository_id"],
        redelivery=True,
    )

    def deliver() -> None:
        status_code = c.fake.deliver(attempt)
        with c.fake.lock:
            for delivery in c.fake._deliveries:
                if delivery["id"] == attempt["id"]:
                    delivery["status_code"] = status_code
                    delivery["status"] = _status_text(status_code)

    return 202, {}, {}, deliver


def _status_text(status_code: int) -> str:
    from tests.fakes.github import _delivery_status

    return _delivery_status(status_code)


# --- pull requests -------------------------------------------------------------------------------------------


def _changes(c: _Context, pull: Any) -> list[dict[str, Any]]:
    state = c.fake._repos[pull.repo]
    return changes_between(state.commits[pull.base_sha], state.commits[pull.head_sha])


def changes_between(old: Mapping[str, str], new: Mapping[str, str]) -> list[dict[str, Any]]:
    changes = []
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        patch, additions, deletions = docs.file_patch(before, after)
        status = "added" if before is None else "removed" if after is None else "modified"
        sha = docs.blob_sha(after if after is not None else "")
        changes.append(
            {
                "filename": name,
                "status": status,
                "patch": patch,
                "additions": additions,
                "deletions": deletions,
                "sha": sha,
            }
        )
    return changes


def _pull_doc(c: _Context, pull: Any, *, full: bool) -> dict[str, Any]:
    state = c.fake._repos[pull.repo]
    installation = c.fake._installations.get(state.installation_id) if state.installation_id else None
    owner = installation.account if installation else c.fake._user(pull.repo.split("/")[0], "Organization")
    changes = _changes(c, pull)
    stats = {
        "additions": sum(ch["additions"] for ch in changes),
        "deletions": sum(ch["deletions"] for ch in changes),
        "changed_files": len(changes),
    }
    return docs.pull_request(
        c.api,
        pr_id=pull.id,
        number=pull.number,
        title=pull.title,
        author=c.fake._user(pull.author),
        state=pull.state,
        draft=pull.draft,
        head=(pull.head_ref, pull.head_sha),
        base=(pull.base_ref, pull.base_sha),
        repo=(state.id, pull.repo, owner, state.default_branch),
        stats=stats,
        created_at=pull.created_at,
        full=full,
    )


def _list_pulls(c: _Context, repo: str) -> Result:
    c.repo(repo)
    wanted = c.query.get("state", "open")
    pulls = [p for (r, _n), p in sorted(c.fake._pulls.items()) if r == repo and wanted in ("all", p.state)]
    return c.paged([_pull_doc(c, p, full=False) for p in pulls], f"/repos/{repo}/pulls")


def _get_pull(c: _Context, repo: str, number: str) -> Result:
    from tests.fakes.github import _Reply

    pull = c.pull(repo, number)
    if "diff" in str(c.headers.get("Accept") or ""):
        raise _Reply(200, docs.unified_diff(_changes(c, pull)), raw=True)
    return c.reply(200, _pull_doc(c, pull, full=True))


def _pull_files(c: _Context, repo: str, number: str) -> Result:
    pull = c.pull(repo, number)
    entries = [docs.diff_entry(c.api, repo, pull.head_sha, ch) for ch in _changes(c, pull)]
    return c.paged(entries, f"/repos/{repo}/pulls/{number}/files")


def _create_review(c: _Context, repo: str, number: str) -> Result:
    c.need("pull_requests")
    pull = c.pull(repo, number)
    commit_id = c.body.get("commit_id") or pull.head_sha
    if commit_id != pull.head_sha and commit_id not in c.fake._repos[repo].commits:
        raise c.refuse(422, "Unprocessable Entity", ["Commit SHA is not part of the pull request"])
    event = c.body.get("event")
    states = {"COMMENT": "COMMENTED", "APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", None: "PENDING"}
    if event not in states:
        raise c.refuse(422, "Unprocessable Entity", ["Invalid event"])
    patches = {ch["filename"]: docs.commentable_lines(ch["patch"]) for ch in _changes(c, pull)}
    comments = c.body.get("comments") or []
    for comment in comments:
        lines = patches.get(str(comment.get("path")))
        side = comment.get("side", "RIGHT")
        anchors = [comment.get("line")] + ([comment["start_line"]] if comment.get("start_line") else [])
        if lines is None or any(not isinstance(a, int) or a not in lines.get(side, set()) for a in anchors):
            raise c.refuse(422, "Unprocessable Entity", ["Pull request review thread line must be part of the diff"])
    review_id = next(c.fake._ids)
    author, _via = c.author()
    document = docs.review(
        c.api,
        repo,
        review_id=review_id,
        number=pull.number,
        body=str(c.body.get("body") or ""),
        state=states[event],
        commit_id=commit_id,
        author=author,
    )
    c.fake._reviews.append(
        {
            "id": review_id,
            "repo": repo,
            "number": pull.number,
            "event": event,
            "body": c.body.get("body"),
            "comments": comments,
        }
    )
    return c.reply(200, document)


# --- contents --------------------------------------------------------------------------------------------------


def _snapshot(c: _Context, repo: str, ref: str) -> tuple[str, dict[str, str]]:
    state = c.repo(repo)
    sha = state.refs.get(ref, ref)
    if sha not in state.commits:
        raise c.refuse(404, "No commit found for the ref " + ref)
    return sha, state.commits[sha]


def _get_root_contents(c: _Context, repo: str) -> Result:
    return _get_contents(c, repo, "")


def _get_contents(c: _Context, repo: str, path: str) -> Result:
    from tests.fakes.github import _Reply, encoded_content

    state = c.repo(repo)
    ref = c.query.get("ref") or state.default_branch
    _sha, files = _snapshot(c, repo, ref)
    path = path.strip("/")
    if path in files:
        text = files[path]
        if "raw" in str(c.headers.get("Accept") or ""):
            raise _Reply(200, text, raw=True)
        encoded = encoded_content(text) if len(text.encode()) <= 1024 * 1024 else None
        return c.reply(200, docs.content_file(c.api, repo, path, ref, docs.blob_sha(text), text, encoded))
    prefix = path + "/" if path else ""
    children: dict[str, tuple[str, int]] = {}
    for name, text in files.items():
        if name.startswith(prefix):
            rest = name[len(prefix) :]
            child = rest.split("/", 1)[0]
            kind = "dir" if "/" in rest else "file"
            children[prefix + child] = (kind, 0 if kind == "dir" else len(text.encode()))
    if not children:
        raise c.refuse(404, "Not Found")
    entries = [
        docs.directory_entry(c.api, repo, name, ref, docs.blob_sha(name), kind, size)
        for name, (kind, size) in sorted(children.items())
    ]
    return c.reply(200, entries)


def _get_tree(c: _Context, repo: str, ref: str) -> Result:
    sha, files = _snapshot(c, repo, ref)
    recursive = c.query.get("recursive") not in (None, "", "0", "false")
    entries: dict[str, dict[str, Any]] = {}
    for name, text in sorted(files.items()):
        parts = name.split("/")
        if not recursive and len(parts) > 1:
            entries.setdefault(
                parts[0], {"path": parts[0], "mode": "040000", "type": "tree", "sha": docs.blob_sha(parts[0])}
            )
            continue
        for depth in range(1, len(parts)):
            directory = "/".join(parts[:depth])
            entries.setdefault(
                directory, {"path": directory, "mode": "040000", "type": "tree", "sha": docs.blob_sha(directory)}
            )
        entries[name] = {
            "path": name,
            "mode": "100644",
            "type": "blob",
            "sha": docs.blob_sha(text),
            "size": len(text.encode()),
        }
    listed = list(entries.values())
    limit = c.fake.tree_entries if recursive else None
    document = {
        "sha": sha,
        "url": f"{c.api}/repos/{repo}/git/trees/{sha}",
        "tree": listed[:limit] if limit is not None else listed,
        "truncated": limit is not None and len(listed) > limit,
    }
    return c.reply(200, document)


# --- issue comments ----------------------------------------------------------------------------------------------


def _comment_doc(c: _Context, comment: Mapping[str, Any]) -> dict[str, Any]:
    return docs.issue_comment(
        c.api,
        comment["repo"],
        comment_id=comment["id"],
        number=comment["number"],
        body=comment["body"],
        author=comment["author"],
        via_app=comment["via_app"],
        created_at=comment["created_at"],
        updated_at=comment["updated_at"],
    )


def _list_comments(c: _Context, repo: str, number: str) -> Result:
    c.pull(repo, number)
    found = [x for x in c.fake._comments.values() if x["repo"] == repo and x["number"] == int(number)]
    return c.paged([_comment_doc(c, x) for x in found], f"/repos/{repo}/issues/{number}/comments")


def _checked_body(c: _Context) -> str:
    body = c.body.get("body")
    if not isinstance(body, str) or not body:
        raise c.refuse(
            422, "Validation Failed", [{"resource": "IssueComment", "code": "missing_field", "field": "body"}]
        )
    if len(body) > 65536:
        error = {
            "resource": "IssueComment",
            "code": "custom",
            "field": "body",
            "message": "body is too long (maximum is 65536 characters)",
        }
        raise c.refuse(422, "Validation Failed", [error])
    return body


def _create_comment(c: _Context, repo: str, number: str) -> Result:
    c.need("pull_requests")
    c.pull(repo, number)
    author, via = c.author()
    comment_id = c.fake._create_comment(repo, int(number), _checked_body(c), author, via)
    return c.reply(201, _comment_doc(c, c.fake._comments[comment_id]))


def _update_comment(c: _Context, repo: str, id: str) -> Result:
    c.need("pull_requests")
    c.repo(repo)
    comment = c.fake._comments.get(int(id))
    if comment is None or comment["repo"] != repo:
        raise c.refuse(404, "Not Found")
    author, _via = c.author()
    if comment["author"]["login"] != author["login"]:
        raise c.refuse(403, "Resource not accessible by integration")
    comment["body"] = _checked_body(c)
    comment["updated_at"] = c.fake._now_iso()
    comment["edits"] += 1
    return c.reply(200, _comment_doc(c, comment))


# --- check runs ------------------------------------------------------------------------------------------------


def _apply_output(c: _Context, run: dict[str, Any]) -> None:
    output = c.body.get("output")
    if output is None:
        return
    annotations = output.get("annotations") or []
    if len(annotations) > 50:
        raise c.refuse(422, "Invalid request.\n\nOnly 50 annotations may be sent per request.")
    for annotation in annotations:
        missing = [k for k in ("path", "start_line", "end_line", "annotation_level", "message") if k not in annotation]
        if missing:
            raise c.refuse(422, f"Invalid request.\n\n{missing[0]} wasn't supplied.")
    if not output.get("title") or not output.get("summary"):
        raise c.refuse(422, "Invalid request.\n\nFor 'properties/output', title and summary are required.")
    for text_field in ("summary", "text"):
        if len(str(output.get(text_field) or "").encode()) > 65535:
            raise c.refuse(422, f"Invalid request.\n\n{text_field} is too long (maximum is 65535 characters).")
    run["output"] = {k: output.get(k) for k in ("title", "summary", "text")}
    run["annotations"].extend(annotations)


def _apply_status(c: _Context, run: dict[str, Any]) -> None:
    for key in ("status", "conclusion", "external_id", "details_url"):
        if key in c.body:
            run[key] = c.body[key]
    if run.get("conclusion"):
        run["status"] = "completed"
        run.setdefault("completed_at", c.fake._now_iso())
        run["completed_at"] = run["completed_at"] or c.fake._now_iso()


def _create_check_run(c: _Context, repo: str) -> Result:
    c.need("checks")
    c.repo(repo)
    if not c.body.get("name") or not c.body.get("head_sha"):
        raise c.refuse(422, "Invalid request.\n\nname and head_sha are required.")
    run_id = next(c.fake._ids)
    run: dict[str, Any] = {
        "id": run_id,
        "repo": repo,
        "name": c.body["name"],
        "head_sha": c.body["head_sha"],
        "status": "queued",
        "conclusion": None,
        "external_id": None,
        "details_url": None,
        "started_at": c.fake._now_iso(),
        "completed_at": None,
        "check_suite_id": 5,
        "output": {},
        "annotations": [],
        "updates": 0,
    }
    _apply_output(c, run)
    _apply_status(c, run)
    c.fake._check_runs[run_id] = run
    return c.reply(201, docs.check_run(c.api, repo, run, c.fake.app_document()))


def _update_check_run(c: _Context, repo: str, id: str) -> Result:
    c.need("checks")
    c.repo(repo)
    run = c.fake._check_runs.get(int(id))
    if run is None or run["repo"] != repo:
        raise c.refuse(404, "Not Found")
    _apply_output(c, run)
    _apply_status(c, run)
    run["updates"] += 1
    return c.reply(200, docs.check_run(c.api, repo, run, c.fake.app_document()))


def _list_check_runs(c: _Context, repo: str, ref: str) -> Result:
    state = c.repo(repo)
    sha = state.refs.get(ref, ref)
    name = c.query.get("check_name")
    runs = [
        docs.check_run(c.api, repo, run, c.fake.app_document())
        for run in c.fake._check_runs.values()
        if run["repo"] == repo and run["head_sha"] == sha and (name is None or run["name"] == name)
    ]
    status, page, headers, _ = c.paged(runs, f"/repos/{repo}/commits/{ref}/check-runs")
    return status, {"total_count": len(runs), "check_runs": page}, headers, None
