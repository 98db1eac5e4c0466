"""The JSON documents the fake GitHub answers with, built from GitHub's own examples.

Each document starts as a deep copy of the matching example of GitHub's OpenAPI description
(`tests/data/github/examples/*.json`, see the PROVENANCE note there) and gets the fake's values
(ids, names, SHAs, users, URLs on the fake's host). Starting from the real examples keeps every
required field present: `tests/integrations/github/test_fake_github.py` validates the results
against the schemas of `github-openapi-subset.json`.

Also here: unified diffs made from two file snapshots (`unified_diff`, GitHub's `.diff` format) and
the lines of a diff a review comment may anchor to (`commentable_lines`).
"""

from __future__ import annotations

import copy
import difflib
import functools
import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "github" / "examples"
DOCS_URL = "https://docs.github.com/rest"


@functools.cache
def _example(name: str) -> Any:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def example(name: str) -> Any:
    """A fresh deep copy of GitHub's example `name` (e.g. `pull-request`, `issue-comment`)."""
    return copy.deepcopy(_example(name))


def user(api: str, login: str, user_id: int, user_type: str = "User") -> dict[str, Any]:
    doc = example("issue-comment")["user"]
    web = "http://github.invalid"
    doc.update(
        login=login,
        id=user_id,
        node_id=f"U_{user_id}",
        type=user_type,
        url=f"{api}/users/{login}",
        html_url=f"{web}/{login}",
    )
    for key in list(doc):
        if key.endswith("_url") and key not in ("avatar_url", "html_url"):
            doc[key] = f"{api}/users/{login}/{key.removesuffix('_url')}"
    return doc


def app(api: str, app_id: int, slug: str, owner: Mapping[str, Any], permissions: Mapping[str, str]) -> dict[str, Any]:
    return {
        "id": app_id,
        "slug": slug,
        "node_id": f"A_{app_id}",
        "owner": dict(owner),
        "name": slug,
        "description": "tfreview (fake)",
        "external_url": "http://tfreview.invalid",
        "html_url": f"http://github.invalid/apps/{slug}",
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
        "permissions": dict(permissions),
        "events": ["pull_request", "check_run", "check_suite", "installation"],
        "installations_count": 1,
    }


def repository(
    api: str,
    repo_id: int,
    full_name: str,
    owner: Mapping[str, Any],
    default_branch: str,
    template: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    doc = (
        copy.deepcopy(dict(template)) if template is not None else example("repository-paginated-2")["repositories"][0]
    )
    name = full_name.split("/", 1)[1]
    base = f"{api}/repos/{full_name}"
    for key, value in list(doc.items()):
        if isinstance(value, str) and value.startswith("https://api.github.com/repos/octocat/Hello-World"):
            doc[key] = base + value.removeprefix("https://api.github.com/repos/octocat/Hello-World")
    doc.update(
        id=repo_id,
        node_id=f"R_{repo_id}",
        name=name,
        full_name=full_name,
        owner=dict(owner),
        url=base,
        html_url=f"http://github.invalid/{full_name}",
        default_branch=default_branch,
        private=True,
        fork=False,
    )
    doc.pop("temp_clone_token", None)
    return doc


def installation(
    api: str, installation_id: int, app_id: int, slug: str, account: Mapping[str, Any], permissions: Mapping[str, str]
) -> dict[str, Any]:
    doc = example("base-installation-items")[0]
    doc.update(
        id=installation_id,
        app_id=app_id,
        app_slug=slug,
        account=dict(account),
        target_id=account["id"],
        target_type=account.get("type", "Organization"),
        permissions=dict(permissions),
        repository_selection="selected",
        access_tokens_url=f"{api}/app/installations/{installation_id}/access_tokens",
        repositories_url=f"{api}/installation/repositories",
        html_url=f"http://github.invalid/settings/installations/{installation_id}",
        suspended_by=None,
        suspended_at=None,
    )
    return doc


def installation_token(token: str, expires_at: str, permissions: Mapping[str, str]) -> dict[str, Any]:
    return {
        "token": token,
        "expires_at": expires_at,
        "permissions": dict(permissions),
        "repository_selection": "selected",
    }


def pull_request(
    api: str,
    *,
    pr_id: int,
    number: int,
    title: str,
    author: Mapping[str, Any],
    state: str,
    draft: bool,
    head: tuple[str, str],
    base: tuple[str, str],
    repo: tuple[int, str, Mapping[str, Any], str],
    stats: Mapping[str, int],
    created_at: str,
    full: bool,
) -> dict[str, Any]:
    """A `pull-request` document (`full`) or a `pull-request-simple` one (the list endpoint)."""
    doc = example("pull-request") if full else example("pull-request-simple-items")[0]
    repo_id, repo, owner, default_branch = repo
    sides = {}
    for side, (ref, sha) in (("head", head), ("base", base)):
        repo_doc = repository(api, repo_id, repo, owner, default_branch, template=doc[side]["repo"])
        sides[side] = {
            "label": f"{owner['login']}:{ref}",
            "ref": ref,
            "sha": sha,
            "user": dict(owner),
            "repo": repo_doc,
        }
    url = f"{api}/repos/{repo}/pulls/{number}"
    issue = f"{api}/repos/{repo}/issues/{number}"
    doc.update(
        url=url,
        id=pr_id,
        node_id=f"PR_{pr_id}",
        html_url=f"http://github.invalid/{repo}/pull/{number}",
        diff_url=f"http://github.invalid/{repo}/pull/{number}.diff",
        patch_url=f"http://github.invalid/{repo}/pull/{number}.patch",
        issue_url=issue,
        commits_url=f"{url}/commits",
        review_comments_url=f"{url}/comments",
        review_comment_url=f"{api}/repos/{repo}/pulls/comments{{/number}}",
        comments_url=f"{issue}/comments",
        statuses_url=f"{api}/repos/{repo}/statuses/{head[1]}",
        number=number,
        state=state,
        locked=False,
        title=title,
        user=dict(author),
        body=None,
        labels=[],
        milestone=None,
        assignee=None,
        assignees=[],
        requested_reviewers=[],
        requested_teams=[],
        created_at=created_at,
        updated_at=created_at,
        closed_at=None,
        merged_at=None,
        merge_commit_sha=None,
        head=sides["head"],
        base=sides["base"],
        author_association="MEMBER",
        auto_merge=None,
        draft=draft,
    )
    doc["_links"] = {
        name: {"href": href}
        for name, href in {
            "self": url,
            "html": doc["html_url"],
            "issue": issue,
            "comments": doc["comments_url"],
            "review_comments": doc["review_comments_url"],
            "review_comment": doc["review_comment_url"],
            "commits": doc["commits_url"],
            "statuses": doc["statuses_url"],
        }.items()
    }
    if full:
        doc.update(
            merged=False,
            mergeable=True,
            rebaseable=True,
            mergeable_state="clean",
            merged_by=None,
            comments=0,
            review_comments=0,
            maintainer_can_modify=False,
            commits=1,
            additions=stats["additions"],
            deletions=stats["deletions"],
            changed_files=stats["changed_files"],
        )
    return doc


def diff_entry(api: str, repo: str, ref: str, change: Mapping[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "sha": change["sha"],
        "filename": change["filename"],
        "status": change["status"],
        "additions": change["additions"],
        "deletions": change["deletions"],
        "changes": change["additions"] + change["deletions"],
        "blob_url": f"http://github.invalid/{repo}/blob/{ref}/{change['filename']}",
        "raw_url": f"http://github.invalid/{repo}/raw/{ref}/{change['filename']}",
        "contents_url": f"{api}/repos/{repo}/contents/{change['filename']}?ref={ref}",
        "patch": change["patch"],
    }
    if change.get("previous_filename"):
        doc["previous_filename"] = change["previous_filename"]
    return doc


def issue_comment(
    api: str,
    repo: str,
    *,
    comment_id: int,
    number: int,
    body: str,
    author: Mapping[str, Any],
    via_app: Mapping[str, Any] | None,
    created_at: str,
    updated_at: str,
) -> dict[str, Any]:
    doc = example("issue-comment")
    doc.update(
        id=comment_id,
        node_id=f"IC_{comment_id}",
        url=f"{api}/repos/{repo}/issues/comments/{comment_id}",
        html_url=f"http://github.invalid/{repo}/pull/{number}#issuecomment-{comment_id}",
        issue_url=f"{api}/repos/{repo}/issues/{number}",
        body=body,
        user=dict(author),
        created_at=created_at,
        updated_at=updated_at,
        author_association="NONE" if via_app else "MEMBER",
        performed_via_github_app=dict(via_app) if via_app else None,
    )
    doc.pop("reactions", None)
    return doc


def check_run(api: str, repo: str, run: Mapping[str, Any], app_doc: Mapping[str, Any]) -> dict[str, Any]:
    doc = example("check-run")
    doc.update(
        id=run["id"],
        node_id=f"CR_{run['id']}",
        head_sha=run["head_sha"],
        external_id=run.get("external_id") or "",
        url=f"{api}/repos/{repo}/check-runs/{run['id']}",
        html_url=f"http://github.invalid/{repo}/runs/{run['id']}",
        details_url=run.get("details_url") or f"http://github.invalid/{repo}/runs/{run['id']}",
        status=run["status"],
        conclusion=run.get("conclusion"),
        started_at=run["started_at"],
        completed_at=run.get("completed_at"),
        name=run["name"],
        check_suite={"id": run["check_suite_id"]},
        app=dict(app_doc),
        pull_requests=[],
    )
    output = run.get("output") or {}
    doc["output"] = {
        "title": output.get("title"),
        "summary": output.get("summary"),
        "text": output.get("text"),
        "annotations_count": len(run.get("annotations") or []),
        "annotations_url": f"{api}/repos/{repo}/check-runs/{run['id']}/annotations",
    }
    return doc


def review(
    api: str,
    repo: str,
    *,
    review_id: int,
    number: int,
    body: str,
    state: str,
    commit_id: str,
    author: Mapping[str, Any],
) -> dict[str, Any]:
    doc = example("pull-request-review")
    doc.update(
        id=review_id,
        node_id=f"PRR_{review_id}",
        user=dict(author),
        body=body,
        state=state,
        html_url=f"http://github.invalid/{repo}/pull/{number}#pullrequestreview-{review_id}",
        pull_request_url=f"{api}/repos/{repo}/pulls/{number}",
        commit_id=commit_id,
        author_association="NONE",
        submitted_at="2024-01-01T00:00:00Z",
    )
    doc["_links"] = {"html": {"href": doc["html_url"]}, "pull_request": {"href": doc["pull_request_url"]}}
    return doc


def content_file(api: str, repo: str, path: str, ref: str, sha: str, text: str, encoded: str | None) -> dict[str, Any]:
    doc = example("content-file-response-if-content-is-a-file")
    url = f"{api}/repos/{repo}/contents/{path}?ref={ref}"
    doc.update(
        type="file",
        encoding="base64" if encoded is not None else "none",
        size=len(text.encode("utf-8")),
        name=path.rsplit("/", 1)[-1],
        path=path,
        content=encoded if encoded is not None else "",
        sha=sha,
        url=url,
        git_url=f"{api}/repos/{repo}/git/blobs/{sha}",
        html_url=f"http://github.invalid/{repo}/blob/{ref}/{path}",
        download_url=f"http://github.invalid/{repo}/raw/{ref}/{path}",
    )
    doc["_links"] = {"self": url, "git": doc["git_url"], "html": doc["html_url"]}
    return doc


def directory_entry(api: str, repo: str, path: str, ref: str, sha: str, kind: str, size: int) -> dict[str, Any]:
    url = f"{api}/repos/{repo}/contents/{path}?ref={ref}"
    git_url = f"{api}/repos/{repo}/git/{'trees' if kind == 'dir' else 'blobs'}/{sha}"
    html_url = f"http://github.invalid/{repo}/tree/{ref}/{path}"
    return {
        "type": kind,
        "size": size,
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": sha,
        "url": url,
        "git_url": git_url,
        "html_url": html_url,
        "download_url": None if kind == "dir" else f"http://github.invalid/{repo}/raw/{ref}/{path}",
        "_links": {"self": url, "git": git_url, "html": html_url},
    }


def hook_delivery_item(delivery: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: delivery[key]
        for key in (
            "id",
            "guid",
            "delivered_at",
            "redelivery",
            "duration",
            "status",
            "status_code",
            "event",
            "action",
            "installation_id",
            "repository_id",
        )
    }


def hook_delivery(delivery: Mapping[str, Any]) -> dict[str, Any]:
    doc = hook_delivery_item(delivery)
    doc["url"] = delivery.get("url") or ""
    doc["request"] = {"headers": dict(delivery["request_headers"]), "payload": delivery["payload"]}
    doc["response"] = {"headers": {}, "payload": delivery.get("response_body")}
    return doc


def validation_error(message: str, errors: list[Any] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"message": message, "documentation_url": DOCS_URL}
    if errors is not None:
        doc["errors"] = errors
    return doc


def basic_error(message: str, status: int) -> dict[str, Any]:
    return {"message": message, "documentation_url": DOCS_URL, "status": str(status)}


# --- diffs -------------------------------------------------------------------------------------------------


def file_patch(old: str | None, new: str | None) -> tuple[str, int, int]:
    """GitHub's `patch` of one file (hunks only, no headers) and its additions/deletions."""
    old_lines = (old or "").splitlines()
    new_lines = (new or "").splitlines()
    hunks = list(difflib.unified_diff(old_lines, new_lines, lineterm="", n=3))[2:]
    additions = sum(1 for line in hunks if line.startswith("+"))
    deletions = sum(1 for line in hunks if line.startswith("-"))
    return "\n".join(hunks), additions, deletions


def unified_diff(changes: list[Mapping[str, Any]]) -> str:
    """The `application/vnd.github.diff` text of a PR: a `diff --git` section per changed file."""
    parts: list[str] = []
    for change in changes:
        name, old_name = change["filename"], change.get("previous_filename") or change["filename"]
        parts.append(f"diff --git a/{old_name} b/{name}")
        if change["status"] == "added":
            parts += ["new file mode 100644", "--- /dev/null", f"+++ b/{name}"]
        elif change["status"] == "removed":
            parts += ["deleted file mode 100644", f"--- a/{old_name}", "+++ /dev/null"]
        else:
            if old_name != name:
                parts += [f"rename from {old_name}", f"rename to {name}"]
            parts += [f"--- a/{old_name}", f"+++ b/{name}"]
        if change["patch"]:
            parts.append(change["patch"])
    return "\n".join(parts) + "\n" if parts else ""


_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def commentable_lines(patch: str) -> dict[str, set[int]]:
    """The lines of one file's patch a review comment may anchor to: {"RIGHT": new lines, "LEFT": old lines}."""
    lines: dict[str, set[int]] = {"RIGHT": set(), "LEFT": set()}
    old = new = 0
    for line in patch.splitlines():
        match = _HUNK.match(line)
        if match:
            old, new = int(match.group(1)), int(match.group(3))
            continue
        if line.startswith("+"):
            lines["RIGHT"].add(new)
            new += 1
        elif line.startswith("-"):
            lines["LEFT"].add(old)
            old += 1
        elif line.startswith(" ") or line == "":
            lines["RIGHT"].add(new)
            lines["LEFT"].add(old)
            old += 1
            new += 1
    return lines


def blob_sha(text: str) -> str:
    """git's blob id of `text`."""
    data = text.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
