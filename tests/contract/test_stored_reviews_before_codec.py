"""A SQLite database written before the stored-review codec keeps working (docs/adr/0250).

Before the codec, `service/reviewing.py:run_review` stored `render.json_report.review_document(result)`
through `ReviewStore.save_result`; that is the old code path this test writes with, into a real SQLite
file, then reads back through a database opened afresh (another process's view), next to a review the
codec wrote: both decode to the review, render the same PR comment, check run and inline comments, show
the same API report, and are found by the finding filter. A row written by a newer release is refused
with one precise InputError, never a traceback.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from tests.contract.conftest import ManualClock, fresh_sqlite, sql_stores
from tests.web.dashboard_helpers import DEMO_PLAN
from tfreview.core.errors import InputError
from tfreview.core.findings import Review
from tfreview.core.plan import Location
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.integrations.github import check_runs
from tfreview.integrations.github.comment import comment_body
from tfreview.integrations.github.diff_lines import diff_lines_from_files
from tfreview.integrations.github.inline import inline_comments
from tfreview.parsing.inputs import load_change_set
from tfreview.plumbing.hashing import canonical_json
from tfreview.ports.records import ReviewStatus, SourceInfo
from tfreview.ports.review_codec import encode, report_document
from tfreview.render.json_report import review_document
from tfreview.render.markdown import render_markdown
from tfreview.rules import load_rules
from tfreview.service.combining import combined_review
from tfreview.store.database import Database
from tfreview.store.reviews import SqlReviewStore
from tfreview.web.models import ReviewDetail

TENANT = "github:1"
SOURCE = SourceInfo(kind="github", repository="acme/infra", pull_request=3, commit_sha="a" * 40)


def _published(result: Review) -> tuple[str, list[dict[str, object]], dict[str, str], list[str]]:
    """What the GitHub publisher sends for a review: comment, annotations, check run output, inline comments."""
    patch = "@@ -0,0 +1,400 @@\n" + "\n".join(f"+line {n}" for n in range(1, 401))
    files = {f.location.file for f in result.findings if f.location is not None}
    diff = diff_lines_from_files((name, patch) for name in files)
    inline = [c.body for c in inline_comments(result, diff).comments]
    body = comment_body(result, "<!-- m -->", commit_sha="a" * 40, without_ai=False)
    return body, check_runs.annotations_of(result), check_runs.output(result, without_ai=False), inline


def _located_review() -> Review:
    result = review(load_change_set(str(DEMO_PLAN)), load_rules(), Policy())
    # located as an HCL review's are, so the check run's annotations and the inline comments have lines
    located = [replace(f, location=Location("main.tf", 10 * n + 1, 10 * n + 4)) for n, f in enumerate(result.findings)]
    return replace(result, findings=located)


def _write_before_and_after(tmp_path: Path, result: Review) -> tuple[str, str]:
    """A SQLite file with one review stored the old way (the JSON report) and one by the codec."""
    database = fresh_sqlite(tmp_path)
    stores = sql_stores("sqlite", database, ManualClock())
    old = stores.reviews.create(TENANT, SOURCE)
    stores.reviews.save_result(  # the old code path: the JSON report, as run_review stored it
        old.id, ReviewStatus.COMPLETED, review_document(result), result.verdict.value, dict(result.counts)
    )
    stores.clock.advance(1)
    new = stores.reviews.create(TENANT, SOURCE)
    stores.reviews.save_result(
        new.id, ReviewStatus.COMPLETED, encode(result), result.verdict.value, dict(result.counts)
    )
    database.close()
    return old.id, new.id


def test_reviews_stored_before_the_codec_read_render_and_filter_as_before(tmp_path: Path) -> None:
    result = _located_review()
    assert result.findings
    assert result.destroys
    old_id, new_id = _write_before_and_after(tmp_path, result)

    path = tmp_path / "store" / "tfreview.db"  # where fresh_sqlite put it
    with sqlite3.connect(path) as raw:  # what the file holds: the old shape and the codec's, side by side
        rows = dict(raw.execute("SELECT id, report FROM reviews"))
    assert json.loads(rows[old_id])["schema_version"] == "1"
    assert "v" not in json.loads(rows[old_id])
    assert json.loads(rows[new_id])["v"] == 1

    reopened = Database(f"sqlite:///{path}")
    try:
        store = SqlReviewStore(reopened)
        old_stored, new_stored = store.get(old_id), store.get(new_id)
        assert old_stored is not None
        assert new_stored is not None
        old_review, new_review = old_stored.review(), new_stored.review()
        assert new_review == result  # exact
        assert old_review is not None
        assert old_review.findings == result.findings
        assert old_review.changes == result.changes
        body, annotations, _output, inline = _published(result)
        assert body
        assert annotations
        assert inline  # every part is exercised
        assert _published(old_review) == _published(result)
        assert _published(new_review) == _published(result)
        assert render_markdown(old_review) == render_markdown(result)

        # the API's report field: byte for byte what the JSON report read back from the database was
        before = json.loads(canonical_json(review_document(result)))
        for stored in (old_stored, new_stored):
            report = ReviewDetail.of(stored).model_dump(mode="json")["report"]
            assert json.dumps(report) == json.dumps(before)
            assert json.dumps(report_document(stored.report)) == json.dumps(before)

        address = result.findings[0].address
        found = {r.id for r in store.list(TENANT, filters={"finding": address}).items}
        assert found == {old_id, new_id}

        combined = combined_review(
            replace(old_stored, source=replace(SOURCE, kind="spacelift", stack_id="s", run_id="r")),
            new_stored,
            repository="acme/infra",
            pull_request=3,
            commit_sha="b" * 40,
        )
        merged = combined.review()
        assert merged is not None
        assert merged.findings == result.findings  # de-duplicated by fingerprint across the two shapes
    finally:
        reopened.close()


def test_a_review_written_by_a_newer_release_is_one_precise_error(tmp_path: Path) -> None:
    database = fresh_sqlite(tmp_path)
    try:
        stores = sql_stores("sqlite", database, ManualClock())
        created = stores.reviews.create(TENANT, SOURCE)
        stores.reviews.save_result(created.id, ReviewStatus.COMPLETED, {"v": 7, "review": {}}, "pass", {})
        stored = stores.reviews.get(created.id)
        assert stored is not None
        with pytest.raises(InputError, match=r"codec version 7; .* written by a newer release"):
            stored.review()
        with pytest.raises(InputError, match="codec version 7"):
            ReviewDetail.of(stored)
        assert stores.reviews.list(TENANT, filters={"finding": "aws"}).items == []
    finally:
        database.close()
