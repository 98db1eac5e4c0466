"""What goes into a GitHub API path (checked before it is sent: no path traversal, no other host) and what
comes out of an answer (pages, JSON lists, error messages) — the GitHub client's small parsers."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import httpx

from tfreview.core.errors import ConfigError
from tfreview.integrations.github.errors import GitHubUnavailable
from tfreview.plumbing.json_documents import NotJson, read_json

_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_SHA_OR_REF = re.compile(r"^[A-Za-z0-9_./-]+$")
_REFUSAL_TEXT_CHARS = 4000  # of an HTML refusal: its title and first paragraph


def repo_name(repo: str) -> str:
    if not _REPO.match(repo) or any(part in (".", "..") for part in repo.split("/")):
        raise ConfigError(f"not a GitHub repository name (owner/name): {repo[:100]!r}")
    return repo


def id_number(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"not a GitHub id or number: {value!r}")
    return value


def commit_sha(value: str) -> str:
    if not re.fullmatch(r"[0-9a-fA-F]{7,64}", value):
        raise ConfigError(f"not a commit SHA: {value[:80]!r}")
    return value


def git_ref(value: str) -> str:
    if not value or not _SHA_OR_REF.match(value) or ".." in value:
        raise ConfigError(f"not a git ref: {value[:100]!r}")
    return value


def content_path(path: str) -> str:
    parts = path.strip("/").split("/")
    if not path.strip("/") or any(part in ("", ".", "..") for part in parts):
        raise ConfigError(f"not a repository file path: {path[:200]!r}")
    return quote(path.strip("/"), safe="/")


def next_link(response: httpx.Response) -> str | None:
    link = response.links.get("next")
    return link.get("url") if link else None


def json_document(response: httpx.Response, method: str, path: str) -> object:
    """The answer's JSON; GitHubUnavailable when it is not JSON (an HTML page from a proxy, bytes that are not
    UTF-8), never a bare decoding error out of the client."""
    try:
        return read_json(response.content)
    except NotJson:  # JSONDecodeError and UnicodeDecodeError alike; `[[[[…` past the depth
        raise GitHubUnavailable(
            f"GitHub {method} {path}: the answer is not JSON", status=response.status_code, ambiguous=method != "GET"
        ) from None


def json_list(response: httpx.Response, path: str) -> list[dict[str, Any]]:
    document = json_document(response, "GET", path)
    if not isinstance(document, list) or not all(isinstance(item, dict) for item in document):
        # an item dropped here could be our own comment: the publisher would post a second one
        raise GitHubUnavailable(f"GitHub GET {path}: the answer is not a JSON list of objects")
    return document


def message_of(response: httpx.Response) -> str:
    try:
        document = read_json(response.content)
    except NotJson:
        return response.reason_phrase
    if isinstance(document, dict) and isinstance(document.get("message"), str):
        return str(document["message"])[:300]
    return response.reason_phrase


def refusal_text(response: httpx.Response) -> str:
    """What a refusal says about itself, for telling a rate limit from a missing permission: the JSON `message` and
    `documentation_url` (GitHub's older abuse-detection answer names its limit only there), or the start of a body
    that is not JSON (GitHub's front end refuses with an HTML page)."""
    try:
        document = read_json(response.content)
    except NotJson:
        return response.text[:_REFUSAL_TEXT_CHARS]
    if not isinstance(document, dict):
        return ""
    return " ".join(str(document.get(key))[:300] for key in ("message", "documentation_url") if document.get(key))


def errors_of(response: httpx.Response) -> list[str]:
    try:
        document = read_json(response.content)
    except NotJson:
        return []
    errors = document.get("errors") if isinstance(document, dict) else None
    found: list[str] = []
    for error in errors if isinstance(errors, list) else []:
        if isinstance(error, str):
            found.append(error[:300])
        elif isinstance(error, dict):
            text = error.get("message") or " ".join(
                str(error.get(k)) for k in ("resource", "field", "code") if error.get(k)
            )
            found.append(str(text)[:300])
    return found[:10]


_NOT_ACCESSIBLE = "resource not accessible by"  # "... by integration" (an App), "... by personal access token"
ACCEPTED_PERMISSIONS = "X-Accepted-GitHub-Permissions"  # what GitHub says the request needs: `checks=write`
_PERMISSION_TEXT = re.compile(r"[a-z_]+=[a-z]+(?:\s*[;,]\s*[a-z_]+=[a-z]+)*")


def missing_permission(response: httpx.Response) -> str | None:
    """For a 403 that is not a rate limit and says "Resource not accessible by ...": the permission GitHub says the
    request needs (its X-Accepted-GitHub-Permissions header, `checks=write`; "" without one). None for any other
    refusal (ADR 0636)."""
    if _NOT_ACCESSIBLE not in message_of(response).lower():
        return None  # another refusal (SAML enforcement, an IP allow list...): an AuthError as before (ADR 0549)
    header = response.headers.get(ACCEPTED_PERMISSIONS, "").strip().lower()[:200]
    return header if _PERMISSION_TEXT.fullmatch(header) else ""
