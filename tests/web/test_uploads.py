"""POST /api/v1/plans: validation before storage, idempotent uploads, tarball safety."""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

import pytest

from tests.web.conftest import TENANT_A, Web
from tfreview.ports.records import Scope

PLAN = (Path(__file__).parents[1] / "data" / "plans" / "tfjson__actions__plan.json").read_bytes()


def _upload(web: Web, body: bytes, content_type: str = "application/json", **params: object) -> dict[str, object]:
    answer = web.client.post(
        "/api/v1/plans",
        content=body,
        params={"source": "spacelift", "stack_id": "demo", "run_id": "01RUN", "account": "acme", **params},
        headers={"Content-Type": content_type, **web.token(TENANT_A, Scope.WRITE)},
    )
    return {**answer.json(), "code": answer.status_code}


def test_plan_upload_queues_a_review_and_is_idempotent(web: Web) -> None:
    first = _upload(web, PLAN)
    assert first["code"] == 202, first
    assert first["url"] == f"/api/v1/reviews/{first['review']}"
    review = web.services.reviews.get(str(first["review"]), TENANT_A)
    assert review is not None
    assert review.source.kind == "spacelift"
    assert review.source.stack_id == "demo"
    [job] = web.services.queue.list().items
    plan_id = str(job.payload["plan_id"])
    stored = web.services.plans.get(plan_id)
    assert stored is not None
    assert stored[2]["stack_id"] == "demo"
    again = _upload(web, PLAN)
    assert again["code"] == 200
    assert again["review"] == first["review"]
    assert web.services.queue.depth() == 1
    other_run = _upload(web, PLAN, run_id="02RUN")
    assert other_run["code"] == 202
    assert other_run["review"] != first["review"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"{", "JSON"),
        (b'{"format_version": "9.0"}', "not a Terraform plan"),
        (b"PK\x03\x04binary", "binary plan"),
    ],
)
def test_invalid_plans_are_422_and_store_nothing(web: Web, body: bytes, message: str) -> None:
    answer = _upload(web, body)
    assert answer["code"] == 422
    assert message in str(answer["detail"])
    assert web.services.queue.depth() == 0


def test_uploads_need_write_scope_and_a_known_media_type(web: Web) -> None:
    read = web.client.post(
        "/api/v1/plans", content=PLAN, headers={"Content-Type": "application/json", **web.token(TENANT_A, Scope.READ)}
    )
    assert read.status_code == 403
    text = web.client.post(
        "/api/v1/plans", content=PLAN, headers={"Content-Type": "text/plain", **web.token(TENANT_A, Scope.WRITE)}
    )
    assert text.status_code == 415
    bad_meta = _upload(web, PLAN, commit_sha="not-a-sha")
    assert bad_meta["code"] == 422


def test_upload_over_the_limit_is_413(web: Web) -> None:
    web.services.settings.api.max_upload_bytes = 100
    assert _upload(web, PLAN)["code"] == 413


def _tar(members: list[tuple[tarfile.TarInfo, bytes]], *, gz: bool = True) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for info, data in members:
            info.size = len(data) if info.isfile() else 0
            archive.addfile(info, io.BytesIO(data) if info.isfile() else None)
    return gzip.compress(buffer.getvalue()) if gz else buffer.getvalue()


def _file(name: str, kind: bytes = tarfile.REGTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    if kind == tarfile.SYMTYPE:
        info.linkname = "/etc/passwd"
    return info


MAIN_TF = b'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n'


def test_a_tarball_of_tf_files_is_accepted(web: Web) -> None:
    body = _tar([(_file("infra", tarfile.DIRTYPE), b""), (_file("infra/main.tf"), MAIN_TF)])
    assert _upload(web, body, "application/gzip")["code"] == 202
    plain = _tar([(_file("main.tf"), MAIN_TF + b"\n")], gz=False)
    assert _upload(web, plain, "application/x-tar")["code"] == 202


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ([("/etc/main.tf", tarfile.REGTYPE)], "absolute"),
        ([("../main.tf", tarfile.REGTYPE)], "'..'"),
        ([("a/../../main.tf", tarfile.REGTYPE)], "'..'"),
        ([("main.tf", tarfile.SYMTYPE)], "regular files"),
        ([("README.md", tarfile.REGTYPE)], "no .tf"),
    ],
)
def test_unsafe_tarballs_are_422(web: Web, members: list[tuple[str, bytes]], message: str) -> None:
    body = _tar([(_file(name, kind), MAIN_TF) for name, kind in members])
    answer = _upload(web, body, "application/gzip")
    assert answer["code"] == 422, answer
    assert message in str(answer["detail"])


def test_a_gzip_bomb_is_refused_before_it_expands(web: Web) -> None:
    web.services.settings.api.max_upload_bytes = 1024 * 1024
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024))
    answer = _upload(web, bomb, "application/gzip")
    assert answer["code"] == 422
    assert "expands past" in str(answer["detail"])
    assert _upload(web, b"\x1f\x8bnot gzip", "application/gzip")["code"] == 422
