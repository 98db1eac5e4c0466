"""The hidden marker that finds OUR pull-request comment again (search before create, edit in place).

    <!-- tfreview:review v1 pr=<owner/repo>#<number> sig=<hex HMAC-SHA256> -->

The signature binds the marker to this repository, this pull request and our identity (the App's id
and slug, or the token user's login), keyed by a secret only we hold. A comment counts as ours only
when BOTH its author is us and its marker verifies (I4): anyone can paste our marker text into their
own comment, and a marker copied from another pull request does not verify here. Model text cannot
carry a marker either — `advisor.sanitize` escapes every `<!-- tfreview` — and the body holds exactly
one, first.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass

from tfreview.integrations.github.models import IssueComment

MARKER_VERSION = "v1"
_MARKER = re.compile(
    r"<!-- tfreview:review (?P<version>v\d+) pr=(?P<repo>[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100})"
    r"#(?P<number>[0-9]{1,10}) sig=(?P<sig>[0-9a-f]{64}) -->"
)


@dataclass(frozen=True, slots=True)
class AppIdentity:
    """Who we are on GitHub: a GitHub App (`app_id` + `slug`), or the user behind a plain token (`login`)."""

    app_id: int | None = None
    slug: str | None = None
    login: str | None = None

    def __post_init__(self) -> None:
        if self.app_id is None and not self.login:
            raise ValueError("an identity is a GitHub App id (and slug) or a token user's login")

    @property
    def bot_login(self) -> str | None:
        """The login GitHub shows for the App's comments (`<slug>[bot]`)."""
        return f"{self.slug}[bot]" if self.slug else None

    @property
    def signed_name(self) -> str:
        """What the HMAC binds: the App (id and slug) or the token's user."""
        if self.app_id is not None:
            return f"app:{self.app_id}:{(self.slug or '').lower()}"
        return f"user:{(self.login or '').lower()}"

    def wrote(self, comment: IssueComment) -> bool:
        """Written by us: via our App (its id, or its `<slug>[bot]` login), or by our token's user."""
        login = comment.author_login.lower()
        if self.app_id is not None:
            if comment.app_id == self.app_id:
                return True
            bot = self.bot_login
            return bot is not None and login == bot.lower()
        return comment.app_id is None and bool(self.login) and login == (self.login or "").lower()


def signature(secret: str, repository: str, number: int, identity: AppIdentity) -> str:
    """HMAC-SHA256 (hex) over the version, the repository (case-insensitive, as GitHub treats it), the number, us."""
    message = f"tfreview:{MARKER_VERSION}\n{repository.lower()}\n{number}\n{identity.signed_name}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def make_marker(repository: str, number: int, identity: AppIdentity, secret: str) -> str:
    """The marker line our comment starts with."""
    sig = signature(secret, repository, number, identity)
    return f"<!-- tfreview:review {MARKER_VERSION} pr={repository}#{number} sig={sig} -->"


def marker_verifies(
    body: str, identity: AppIdentity, secret: str, *, repository: str | None = None, number: int | None = None
) -> bool:
    """Whether `body` carries a marker signed by us — for this pull request when `repository`/`number` are given."""
    for match in _MARKER.finditer(body):
        if match["version"] != MARKER_VERSION:
            continue
        repo, pr = match["repo"], int(match["number"])
        if repository is not None and repo.lower() != repository.lower():
            continue
        if number is not None and pr != number:
            continue
        if hmac.compare_digest(match["sig"], signature(secret, repo, pr, identity)):
            return True
    return False


def find_ours(
    comments: Iterable[IssueComment],
    identity: AppIdentity,
    secret: str,
    *,
    repository: str | None = None,
    number: int | None = None,
) -> IssueComment | None:
    """Our comment: written by us AND carrying our verified marker. The oldest when (after a bug) several are."""
    ours = [
        c
        for c in comments
        if identity.wrote(c) and marker_verifies(c.body, identity, secret, repository=repository, number=number)
    ]
    return min(ours, key=lambda c: c.id) if ours else None
