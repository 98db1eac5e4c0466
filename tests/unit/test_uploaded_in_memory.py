"""The original of an uploaded tarball is reviewed in memory (its secret findings, service/uploads.py): the same
change set as the stored copy's review from a temporary directory, without writing the original to disk."""

from __future__ import annotations

import io
import tarfile

import pytest

from tfreview.core.errors import InputError
from tfreview.sources.uploaded import change_set_from_tarball, change_set_in_memory

MAIN = """
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
module "db" {
  source   = "./modules/db"
  password = "hunter2hunter2"
}
module "escape" {
  source = "../../outside"
}
"""
DB = 'variable "password" {}\nresource "aws_db_instance" "main" {\n  password = var.password\n}\n'


def _tarball(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            member = tarfile.TarInfo(name)
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


@pytest.mark.parametrize("top", ["", "infra/"])
def test_in_memory_reads_what_the_directory_reads(top: str) -> None:
    files = {f"{top}main.tf": MAIN, f"{top}modules/db/main.tf": DB, f"{top}README.md": "notes", f"{top}x.tf.json": "{}"}
    content = _tarball(files)
    on_disk = change_set_from_tarball(content, label="upload")
    in_memory = change_set_in_memory(content, label="upload")
    assert in_memory.changes == on_disk.changes
    assert in_memory.coverage == on_disk.coverage
    assert in_memory.dependencies == on_disk.dependencies
    assert {"aws_s3_bucket.logs", "module.db.aws_db_instance.main"} <= {c.address for c in in_memory.changes}
    assert any("module.escape" in note for note in in_memory.coverage.notes)  # not followed outside the upload


def test_in_memory_refuses_what_the_directory_refuses() -> None:
    for files in ({"a/main.tf": MAIN, "b/main.tf": MAIN}, {"README.md": "no terraform"}, {"../main.tf": MAIN}):
        content = _tarball(files)
        with pytest.raises(InputError) as on_disk:
            change_set_from_tarball(content, label="upload")
        with pytest.raises(InputError) as in_memory:
            change_set_in_memory(content, label="upload")
        assert str(in_memory.value) == str(on_disk.value)
