"""Headers a sender sends once: a repeat — sent twice to `serve`, or joined with commas by API Gateway, as it
joins every repeated header of a payload 2.0 event — is named, never resolved by taking one of the values.

Serve took the first X-GitHub-Delivery and X-GitHub-Event of a request and stored it (202); the Lambda function
saw them joined and answered 400 or 422. Both answer 400 now, and store nothing (docs/adr/0534).
"""

from __future__ import annotations

from starlette.requests import Request

from tfreview.web.problems import BadRequest


def repeats(header: str, values: list[str]) -> str | None:
    """How `header` was repeated, or None when it was sent at most once.

    >>> repeats("X-GitHub-Delivery", ["a", "a"])
    'the X-GitHub-Delivery header was sent 2 times'
    >>> repeats("X-GitHub-Delivery", ["a,b"])
    'the X-GitHub-Delivery header holds 2 values joined by commas'
    >>> repeats("X-GitHub-Delivery", ["a"]) is None
    True
    """
    if len(values) > 1:
        return f"the {header} header was sent {len(values)} times"
    if len(values) == 1 and "," in values[0]:  # API Gateway joins a repeated header's values
        return f"the {header} header holds {values[0].count(',') + 1} values joined by commas"
    return None


def sole_header(request: Request, header: str, sender: str) -> str | None:
    """The header's value when it was sent once, None when it was not sent; BadRequest (400) when repeated."""
    values = request.headers.getlist(header)
    repeat = repeats(header, values)
    if repeat is not None:
        raise BadRequest(f"{repeat}: {sender} sends it once (does a proxy repeat it?)")
    return values[0] if values else None
