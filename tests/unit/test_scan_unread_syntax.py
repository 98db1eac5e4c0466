"""Configuration in a syntax this reader does not read — Terraform JSON (`.tf.json`), OpenTofu's `.tofu` and
`.tofu.json` — is listed in the coverage, never skipped silently (a public bucket there would pass unseen)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PUBLIC = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl    = "public-read"\n}\n'


def test_tf_json_and_tofu_files_are_noted_as_not_read(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "a" {\n  bucket = "a"\n}\n')
    (tmp_path / "extra.tf.json").write_text('{"resource": {"aws_s3_bucket": {"c": {"acl": "public-read"}}}}')
    (tmp_path / "main.tofu").write_text(PUBLIC)
    (tmp_path / "other.tofu.json").write_text("{}")
    answer = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", str(tmp_path), "-o", "json"],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert answer.returncode in (0, 1), answer.stderr
    notes = json.loads(answer.stdout)["coverage"]["notes"]
    assert "extra.tf.json: Terraform JSON syntax is not read; the configuration in it is not reviewed" in notes
    assert "main.tofu: an OpenTofu file is not read; the configuration in it is not reviewed" in notes
    assert "other.tofu.json: an OpenTofu file is not read; the configuration in it is not reviewed" in notes


def test_a_pull_request_s_files_note_them_too() -> None:
    from tfreview.parsing.hcl import changeset_from_sources

    change_set = changeset_from_sources({"main.tf": PUBLIC, "modules/x/a.tf.json": "{}", "b.tofu": PUBLIC})
    assert "b.tofu: an OpenTofu file is not read; the configuration in it is not reviewed" in change_set.coverage.notes
