"""Hostile and unusual plan uploads against a real `tfreview serve` (embedded worker), raw HTTP on loopback:
each bad body is a 422 problem naming what is wrong, never a 500 or a traceback, and nothing is queued; a plan
holding a number past a double's range (ADR 0420), in UTF-16 or with a BOM is reviewed to the end."""

from __future__ import annotations

import codecs
import json
import time
from collections.abc import Iterator

import pytest

from tests.integration.door_requests import request, upload_plan
from tests.integration.served import Served, serving, write_token

_WAITING = ("queued", "in_progress", "running", "pending", None)  # a review not settled yet
WAIT = 60.0  # a bound on a loaded CI machine, not a threshold
PLAN = {
    "format_version": "1.2",
    "terraform_version": "1.6.0",
    "resource_changes": [
        {
            "address": "aws_s3_bucket.b",
            "mode": "managed",
            "type": "aws_s3_bucket",
            "name": "b",
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {
                "actions": ["create"],
                "before": None,
                "after": {"bucket": "b", "acl": "public-read", "tags": {"n": "NUMBER"}},
                "after_unknown": {},
            },
        }
    ],
}
TEXT = json.dumps(PLAN)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("uploads") / "data"
    token = write_token(data, "hostile")
    with serving(data) as running:
        running.token = token
        yield running


@pytest.mark.parametrize(
    ("name", "body", "words"),
    [
        ("nan", TEXT.replace('"NUMBER"', "NaN").encode(), "`NaN` is not a JSON value"),
        ("infinity", TEXT.replace('"NUMBER"', "-Infinity").encode(), "is not a JSON value"),
        ("nan-after-huge", TEXT.replace('"NUMBER"', "[1e999, NaN]").encode(), "`NaN` is not a JSON value"),
        ("deep", TEXT.replace('"NUMBER"', "[" * 5000 + "]" * 5000).encode(), "nested more than 1024 levels"),
        ("truncated", TEXT.encode()[: len(TEXT) // 2], "the file looks truncated"),
        ("empty", b"  \n", "the file is empty"),
        ("bad-utf-8", TEXT.replace('"b"', '"\udcff"').encode("utf-8", "surrogateescape"), "not valid UTF-8"),
        ("nul", TEXT.replace('"b"', '"\0"').encode(), "unexpected control character"),
        ("null-change", TEXT.replace('"change": {', '"change": null, "x": {').encode(), "has no `change` object"),
        ("null-entry", json.dumps({**PLAN, "resource_changes": [None]}).encode(), "has no address"),
        ("string-list", json.dumps({**PLAN, "resource_changes": "x"}).encode(), "is a string, expected a list"),
        ("string-after", TEXT.replace('"after": {', '"after": "x", "y": {').encode(), "`change.after` is a string"),
        ("a-string", b'"plan"', "this is a string, not an object"),
        # review19a: a first document nested 1,020 deep (orjson reads it) then a second: the standard library's
        # second look at the first line, for Terraform's UI stream, raised RecursionError (a 500; `scan` exit 3)
        ("deep-then-more", ("[" * 1020 + "]" * 1020 + "\n" + TEXT).encode(), "more than one JSON document"),
        ("format-version", json.dumps({**PLAN, "format_version": None}).encode(), "format_version is null"),
    ],
)
def test_a_bad_plan_upload_is_one_precise_422(served: Served, name: str, body: bytes, words: str) -> None:
    status, problem = upload_plan(served, body, f"bad-{name}")
    assert status == 422, problem
    assert words in str(problem["detail"]), problem
    assert "Traceback" not in served.log()


def _review(served: Served, review: str) -> dict[str, object]:
    deadline = time.monotonic() + WAIT
    while True:
        answer = request(
            served.port, "GET", f"/api/v1/reviews/{review}", headers={"Authorization": f"Bearer {served.token}"}
        )
        found = answer.json()
        if found.get("status") not in _WAITING or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("huge-number", TEXT.replace('"NUMBER"', "1e999").encode()),
        ("huge-integer", TEXT.replace('"NUMBER"', "1" + "0" * 400).encode()),
        ("utf-16", TEXT.replace('"NUMBER"', "1").encode("utf-16")),
        ("bom", codecs.BOM_UTF8 + TEXT.replace('"NUMBER"', "1").encode()),
        (
            "duplicate-keys",
            TEXT.replace('"NUMBER"', "1").replace('"acl": "public-read"', '"acl": "x", "acl": "public-read"').encode(),
        ),
        ("one-megabyte-string", TEXT.replace('"NUMBER"', json.dumps("A" * 1024 * 1024)).encode()),
    ],
)
def test_an_unusual_but_valid_plan_upload_is_reviewed_to_the_end(served: Served, name: str, body: bytes) -> None:
    status, answer = upload_plan(served, body, f"good-{name}")
    assert status == 202, answer
    review = _review(served, str(answer["review"]))
    assert review["status"] == "completed", review
    assert review["verdict"] == "fail", review  # the public bucket, found in every one of them
    assert "Traceback" not in served.log()
