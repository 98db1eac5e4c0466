"""The one builder of a review's links: the page a person opens (PR and Spacelift comments, `submit`)
and the API resource a program reads. Everything that prints a review link calls these."""

from __future__ import annotations

from urllib.parse import quote


def review_page_path(review_id: str) -> str:
    """`/reviews/<id>`: the dashboard page of a review (it asks for sign-in first when needed)."""
    return f"/reviews/{quote(review_id, safe='')}"


def review_api_path(review_id: str) -> str:
    """`/api/v1/reviews/<id>`: the review as JSON (bearer credential)."""
    return f"/api/v1/reviews/{quote(review_id, safe='')}"


def review_page_url(public_url: str, review_id: str) -> str:
    """The absolute page link, `public_url` being where people reach the service."""
    return public_url.rstrip("/") + review_page_path(review_id)
