"""The one builder of review links, and the PR comment's footer that carries it."""

from __future__ import annotations

from tests.web.dashboard_helpers import DEMO_PLAN
from tfreview.core.links import review_api_path, review_page_path, review_page_url
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.integrations.github.comment import COMMENT_LIMIT, comment_body
from tfreview.parsing.inputs import load_change_set
from tfreview.rules import load_rules


def test_links_of_a_review() -> None:
    assert review_page_path("0b1d-42") == "/reviews/0b1d-42"
    assert review_api_path("0b1d-42") == "/api/v1/reviews/0b1d-42"
    assert review_page_url("https://tfreview.example.com/", "0b1d-42") == "https://tfreview.example.com/reviews/0b1d-42"
    assert review_page_path("../admin") == "/reviews/..%2Fadmin"  # an id never escapes its path segment


def test_the_pr_comment_ends_with_the_review_page_within_githubs_limit() -> None:
    report = review(load_change_set(str(DEMO_PLAN)), load_rules(), Policy())
    url = "https://tfreview.example.com/reviews/0b1d-42"
    body = comment_body(
        report, "<!-- tfreview:review -->", commit_sha="0123456789abcdef", without_ai=False, page_url=url
    )
    assert f"[open the full review]({url})" in body.splitlines()[-1]
    assert len(body) <= COMMENT_LIMIT
    tiny = comment_body(report, "<!-- m -->", commit_sha=None, without_ai=True, limit=3000, page_url=url)
    assert len(tiny) <= 3000
    assert url in tiny
