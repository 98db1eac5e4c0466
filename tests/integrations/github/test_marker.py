"""The comment marker: ours only when our App wrote it AND the HMAC verifies (I4)."""

from __future__ import annotations

import pytest

from tfreview.integrations.github.marker import AppIdentity, find_ours, make_marker, marker_verifies
from tfreview.integrations.github.models import IssueComment

SECRET = "marker-secret-for-tests-0123456789"
APP = AppIdentity(app_id=4242, slug="tfreview-test")


def comment(cid: int, body: str, *, login: str = "tfreview-test[bot]", app_id: int | None = 4242) -> IssueComment:
    return IssueComment(
        id=cid,
        body=body,
        author_login=login,
        author_type="Bot" if login.endswith("[bot]") else "User",
        app_id=app_id,
        created_at="2025-01-01T00:00:00Z",
        updated_at="2025-01-01T00:00:00Z",
    )


def test_marker_is_one_hidden_html_comment_naming_the_pull_request() -> None:
    marker = make_marker("octo/infra", 7, APP, SECRET)
    assert marker.startswith("<!-- tfreview:review v1 pr=octo/infra#7 sig=")
    assert marker.endswith(" -->")
    assert marker_verifies(marker + "\nbody", APP, SECRET, repository="octo/infra", number=7)


def test_our_comment_is_found() -> None:
    body = make_marker("octo/infra", 7, APP, SECRET) + "\n**tfreview: PASS**"
    found = find_ours([comment(1, "hello"), comment(2, body)], APP, SECRET, repository="octo/infra", number=7)
    assert found is not None
    assert found.id == 2


def test_foreign_comment_with_our_exact_marker_is_ignored() -> None:
    """I4: someone pastes our marker text into their own comment."""
    body = make_marker("octo/infra", 7, APP, SECRET) + "\nlooks legit"
    forged = comment(1, body, login="mallory", app_id=None)
    assert find_ours([forged], APP, SECRET, repository="octo/infra", number=7) is None


def test_comment_by_another_app_with_our_marker_is_ignored() -> None:
    body = make_marker("octo/infra", 7, APP, SECRET)
    other = comment(1, body, login="other-bot[bot]", app_id=999)
    assert find_ours([other], APP, SECRET) is None


@pytest.mark.parametrize(
    "body",
    [
        "<!-- tfreview:review v1 pr=octo/infra#7 sig=" + "0" * 64 + " -->",  # wrong signature
        make_marker("octo/infra", 7, APP, "another-secret-0123456789"),  # another key
        make_marker("octo/infra", 8, APP, SECRET),  # another pull request
        make_marker("octo/other", 7, APP, SECRET),  # another repository
        make_marker("octo/infra", 7, AppIdentity(app_id=1, slug="x"), SECRET),  # another App
        "<!-- tfreview -->",
    ],
)
def test_our_app_comment_without_a_valid_marker_for_this_pr_is_not_ours(body: str) -> None:
    assert find_ours([comment(1, body)], APP, SECRET, repository="octo/infra", number=7) is None


def test_author_recognised_by_bot_login_when_app_field_is_missing() -> None:
    body = make_marker("octo/infra", 7, APP, SECRET)
    assert find_ours([comment(5, body, app_id=None)], APP, SECRET) is not None


def test_repository_name_is_case_insensitive_like_github() -> None:
    body = make_marker("Octo/Infra", 7, APP, SECRET)
    assert find_ours([comment(5, body)], APP, SECRET, repository="octo/infra", number=7) is not None


def test_oldest_of_several_is_chosen() -> None:
    body = make_marker("octo/infra", 7, APP, SECRET)
    found = find_ours([comment(9, body), comment(3, body)], APP, SECRET)
    assert found is not None
    assert found.id == 3


def test_token_identity_is_the_token_user() -> None:
    me = AppIdentity(login="ci-bot")
    body = make_marker("octo/infra", 7, me, SECRET)
    assert find_ours([comment(1, body, login="CI-Bot", app_id=None)], me, SECRET) is not None
    assert find_ours([comment(1, body, login="someone", app_id=None)], me, SECRET) is None
    assert find_ours([comment(1, body, login="ci-bot", app_id=77)], me, SECRET) is None  # posted via an App


def test_identity_needs_an_app_or_a_login() -> None:
    with pytest.raises(ValueError, match="identity"):
        AppIdentity()
