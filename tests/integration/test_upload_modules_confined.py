"""An uploaded tarball of .tf files is reviewed from what it holds, never from the server's disk.

Its module calls are followed inside the unpacked upload only: `source = "../../elsewhere"` named a directory of
the server (here one beside the server's temporary directory), whose resources, file paths and values the review
then reported to the uploader. A real `tfreview serve` (embedded worker), the tarball over raw HTTP."""

from __future__ import annotations

import io
import json
import tarfile
import time
from pathlib import Path

from tests.integration.door_requests import request
from tests.integration.served import Served, child_env, serving, write_token

_WAITING = ("queued", "in_progress", "running", "pending", None)  # a review not settled yet
WAIT = 60.0  # a bound on a loaded CI machine, not a threshold
OUTSIDE_NAME = "server_side_canary_4b7e"


def _tarball(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            member = tarfile.TarInfo(name)
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


def _review(served: Served, token: str, review: str) -> dict[str, object]:
    deadline = time.monotonic() + WAIT
    while True:
        found = request(served.port, "GET", f"/api/v1/reviews/{review}", headers={"Authorization": f"Bearer {token}"})
        document = found.json()
        if document.get("status") not in _WAITING or time.monotonic() > deadline:
            return document
        time.sleep(0.1)


def test_a_module_source_leaving_the_upload_is_not_read(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"  # the server's temporary directory: uploads unpack in tfreview-upload-*/ under it
    scratch.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "main.tf").write_text(
        f'resource "aws_s3_bucket" "{OUTSIDE_NAME}" {{\n  bucket = "{OUTSIDE_NAME}"\n}}\n', encoding="utf-8"
    )
    main = (
        'module "escape" {\n  source = "../../outside"\n}\n'
        'module "local" {\n  source = "./modules/local"\n}\n'
        'resource "aws_s3_bucket" "mine" {\n  bucket = "mine"\n}\n'
    )
    local = 'resource "aws_s3_bucket" "nested" {\n  bucket = "nested"\n}\n'
    body = _tarball({"main.tf": main, "modules/local/main.tf": local})
    data = tmp_path / "data"
    token = write_token(data, "confined")
    with serving(data, env=child_env(TMPDIR=str(scratch))) as served:
        answer = request(
            served.port,
            "POST",
            "/api/v1/plans?repository=octo/infra",
            body=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/gzip"},
        )
        assert answer.status == 202, answer.json()
        review = _review(served, token, str(answer.json()["review"]))
        log = served.log()
    assert review["status"] == "completed", review
    text = json.dumps(review)
    assert "aws_s3_bucket.mine" in text
    assert "module.local.aws_s3_bucket.nested" in text  # a module inside the upload is still followed
    assert OUTSIDE_NAME not in text
    assert "outside/main.tf" not in text
    assert "module.escape: no parsable .tf files in '../../outside'; not followed" in text
    assert OUTSIDE_NAME not in log
    assert "Traceback" not in log
