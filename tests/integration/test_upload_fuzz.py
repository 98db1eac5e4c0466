"""Fuzz from the outside against a real `tfreview serve` (SQLite, embedded worker), ADR 0497: the mutated real
plans of tests/plan_mutations.py (a fixed seed) sent to the three doors that take a body — the upload endpoint
under a rotation of content types, the Spacelift and the GitHub webhooks signed as their senders sign. Every
answer is a documented status, a refusal a problem whose detail is one line; nothing is stored for a refused
upload (the database's reviews and plans are exactly the accepted ones); every accepted plan is reviewed to the
end; the log holds no traceback."""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.door_requests import Answer, request
from tests.integration.served import GITHUB_SECRET, SPACELIFT_SECRET, Served, serving, write_token
from tests.plan_mutations import cases
from tests.web import deliveries

SEED = 13
COUNT = 30
WAIT = 120.0  # seconds for every accepted review to settle on a loaded CI machine: a bound, not a threshold
_SETTLING = ("queued", "in_progress", "running", "pending", None)
_TYPES = ("application/json", "application/json; charset=utf-8", "text/plain", "application/x-tar", "")
# what each door documents for a body it cannot take (uploads.py, webhooks_*.py)
_UPLOAD_STATUSES = {200, 202, 400, 413, 415, 422}
_WEBHOOK_STATUSES = {200, 202, 204, 400, 403, 413, 415, 422}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("fuzz") / "data"
    token = write_token(data, "fuzz")
    with serving(data) as running:
        running.token = token
        yield running


def _one_line_problem(answer: Answer, what: str) -> None:
    assert answer.status < 500, f"{what}: {answer.status} {answer.body[:500]!r}"
    if answer.status >= 400:
        assert answer.headers.get("content-type", "").startswith("application/problem+json"), what
        detail = str(answer.json()["detail"])
        assert detail, what
        assert "\n" not in detail, f"{what}: {detail!r}"


def _count(database: Path, table: str) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        (found,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()  # our own table names
    return int(found)


def _settled(served: Served, review: str) -> tuple[str, str | None]:
    """The review's (status, reason) once the worker has settled it, read from the database: polling the API
    this often would meet the door's rate limit (a 429) on a slow machine."""
    database = served.log_path.parent / "data" / "tfreview.db"
    deadline = time.monotonic() + WAIT
    while True:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            row = connection.execute("SELECT status, status_reason FROM reviews WHERE id = ?", (review,)).fetchone()
        if (row is not None and row[0] not in _SETTLING) or time.monotonic() > deadline:
            return (str(row[0]), row[1]) if row is not None else ("missing", None)
        time.sleep(0.1)


def test_mutated_plans_at_every_door_get_a_documented_answer_and_store_nothing_refused(served: Served) -> None:
    database = Path(served.log_path.parent / "data" / "tfreview.db")
    reviews_before, plans_before = _count(database, "reviews"), _count(database, "plans")
    accepted: list[tuple[str, str]] = []
    refused = 0
    for number, case in enumerate(cases(SEED, COUNT)):
        media = _TYPES[number % len(_TYPES)] if number % 3 == 0 else "application/json"
        headers = {"Authorization": f"Bearer {served.token}", **({"Content-Type": media} if media else {})}
        path = f"/api/v1/plans?source=api&run_id=fuzz-{number}"
        upload = request(served.port, "POST", path, body=case.body, headers=headers)
        assert upload.status in _UPLOAD_STATUSES, f"{case.name} as {media!r}: {upload.status} {upload.body[:500]!r}"
        _one_line_problem(upload, case.name)
        if upload.status == 202:
            accepted.append((case.name, str(upload.json()["review"])))
        else:
            refused += 1
        for door, signed in (
            ("/webhooks/spacelift", deliveries.spacelift(case.body, secret=SPACELIFT_SECRET)),
            ("/webhooks/github", deliveries.github("pull_request", case.body, secret=GITHUB_SECRET)),
        ):
            answer = request(served.port, "POST", door, body=signed.body, headers=signed.headers)
            assert answer.status in _WEBHOOK_STATUSES, f"{case.name} at {door}: {answer.status} {answer.body[:500]!r}"
            _one_line_problem(answer, f"{case.name} at {door}")
    assert accepted, "no mutated plan was accepted: the harness tests refusals only"
    assert refused, "no mutated plan was refused: the harness tests reviews only"
    for name, review in accepted:
        status, reason = _settled(served, review)
        assert status == "completed", f"{name}: {status} {reason}"
    # nothing half-written: a review and a plan row for each accepted upload, none for a refused one or a webhook
    assert _count(database, "reviews") - reviews_before == len(accepted)
    assert _count(database, "plans") - plans_before == len(accepted)
    assert "Traceback" not in served.log()


@pytest.mark.parametrize("depth", [190, 201, 900])
def test_an_upload_nested_deeper_than_the_service_keeps_is_one_precise_422(served: Served, depth: int) -> None:
    """ADR 0496: the CLI reviews a plan nested up to 1,024 levels; the service keeps 200 (its redaction and
    orjson's writer stop before 1,024). Deeper was a 500 with a RecursionError in the log."""
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "aws_s3_bucket.b",
                "mode": "managed",
                "type": "aws_s3_bucket",
                "name": "b",
                "change": {"actions": ["create"], "before": None, "after": {"tags": "DEEP"}, "after_unknown": {}},
            }
        ],
    }
    body = json.dumps(plan).replace('"DEEP"', "[" * depth + "]" * depth).encode()
    headers = {"Authorization": f"Bearer {served.token}", "Content-Type": "application/json"}
    answer = request(served.port, "POST", f"/api/v1/plans?run_id=deep-{depth}", body=body, headers=headers)
    if depth < 200:
        assert answer.status == 202, answer.body
        assert _settled(served, str(answer.json()["review"]))[0] == "completed"
    else:
        assert answer.status == 422, answer.body
        assert "more than 200 levels deep (under `resource_changes`)" in str(answer.json()["detail"])
    assert "Traceback" not in served.log()


def _tarball(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ({"main.tf": b'resource "aws_s3_bucket" "b" {}\n\xff\xfe\x00'}, "not read: main.tf (not UTF-8 text)"),
        ({"main.tf": 'resource "a" "b" {}'.encode("utf-16")}, "main.tf (UTF-16 text; Terraform reads .tf files"),
        ({"a/b/main.tf": b'resource "aws_s3_bucket" "b" {}\n'}, "no .tf files at its top level"),
    ],
)
def test_a_tarball_whose_terraform_files_the_review_cannot_read_is_422_and_stores_nothing(
    served: Served, files: dict[str, bytes], words: str
) -> None:
    """ADR 0496: the door let such a tarball through (safe, a .tf file somewhere), the upload answered 202 and the
    worker failed the stored review. Found by mutated HCL files uploaded as tarballs (benchmarks/fuzz_inputs.py)."""
    database = Path(served.log_path.parent / "data" / "tfreview.db")
    reviews, plans = _count(database, "reviews"), _count(database, "plans")
    headers = {"Authorization": f"Bearer {served.token}", "Content-Type": "application/gzip"}
    answer = request(served.port, "POST", "/api/v1/plans?run_id=unread", body=_tarball(files), headers=headers)
    assert answer.status == 422, answer.body
    assert words in str(answer.json()["detail"]), answer.json()
    assert (_count(database, "reviews"), _count(database, "plans")) == (reviews, plans)
