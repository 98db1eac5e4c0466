"""S6 against a fake GitHub answering odd shapes: the permission check never reports a healthy App it could not
read, nor a strange level as harmless."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.github import FakeClock, FakeGitHub
from tfreview.integrations.github import AppAuth, permission_warnings
from tfreview.integrations.github.errors import GitHubUnavailable

NEEDED = {"pull_requests": "write", "contents": "read", "checks": "write", "metadata": "read"}


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


@pytest.mark.parametrize(
    "document",
    [
        {"id": 7, "account": {"login": "octo"}},  # no permissions at all
        {"id": 7, "permissions": ["checks", "contents"]},  # a list
        {"id": 7, "permissions": "all"},
        {"id": 7, "permissions": None},
    ],
    ids=["absent", "list", "string", "null"],
)
def test_an_installation_answer_without_a_permissions_object_is_github_s_failure(
    tmp_path: Path, http: httpx.Client, document: dict[str, object]
) -> None:
    clock = FakeClock()
    with FakeGitHub(clock=clock) as fake:
        fake.add_installation(7, "octo")
        fake.answer_next(200, document, method="GET", path_contains="/app/installations/7")
        auth = AppAuth(fake.app_settings(tmp_path), http, clock)
        with pytest.raises(GitHubUnavailable, match="no permissions object"):
            auth.check_permissions(7)


@pytest.mark.parametrize(
    ("extra", "level"),
    [("administration", "WRITE"), ("secrets", " write "), ("workflows", "maintain"), ("members", 2)],
)
def test_a_level_of_another_spelling_or_unknown_is_judged_as_a_write(extra: str, level: object) -> None:
    warnings = permission_warnings({**NEEDED, extra: level})  # type: ignore[dict-item]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"extra permission {extra}: ")


def test_required_levels_in_capitals_are_met_and_read_extras_stay_quiet() -> None:
    granted = {name: level.upper() for name, level in NEEDED.items()}
    assert permission_warnings({**granted, "issues": "Read", "actions": "none"}) == []
