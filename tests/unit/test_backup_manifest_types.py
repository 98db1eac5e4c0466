"""A backup manifest is read, never trusted (tests/integration/test_backup_directory_hostile.py): a value of the
wrong JSON type is refused when the manifest is read, naming the field — `"schema_revision": ["x"]` ended
`backup restore` in "internal error: TypeError: unhashable type: 'list'" (exit 3; review22)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tfreview.core.errors import InputError
from tfreview.store.backup_manifest import Manifest, TableDigest


def written(tmp_path: Path) -> Path:
    manifest = Manifest(
        file="tfreview-x.sqlite3",
        created_at=datetime.now(UTC),
        kind="sqlite",
        schema_revision="0027_reviews_plan_id_index",
        size=10,
        sha256="0" * 64,
        duration_seconds=0.5,
        tables={"jobs": TableDigest(rows=1, sha256="1" * 64)},
        tfreview_version="0.1.0",
    )
    return manifest.write(tmp_path)


def test_a_manifest_as_written_reads_back(tmp_path: Path) -> None:
    read = Manifest.read(written(tmp_path))
    assert read.schema_revision == "0027_reviews_plan_id_index"
    assert read.tables["jobs"].rows == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("schema_revision", ["x"]),
        ("schema_revision", {"a": 1}),
        ("schema_revision", 5),
        ("kind", 5),
        ("size", "10"),
        ("size", True),
        ("sha256", None),
        ("duration_seconds", "fast"),
        ("tfreview_version", []),
        ("format", "1"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_naming_its_field(tmp_path: Path, field: str, value: object) -> None:
    path = written(tmp_path)
    document = json.loads(path.read_text())
    document[field] = value
    path.write_text(json.dumps(document))
    with pytest.raises(InputError, match=rf"^backup manifest {path.name} is unreadable: {field} is not "):
        Manifest.read(path)


@pytest.mark.parametrize(("field", "value"), [("rows", "1"), ("sha256", 7)])
def test_a_table_digest_of_the_wrong_type_is_refused(tmp_path: Path, field: str, value: object) -> None:
    path = written(tmp_path)
    document = json.loads(path.read_text())
    document["tables"]["jobs"][field] = value
    path.write_text(json.dumps(document))
    with pytest.raises(InputError, match=rf"unreadable: tables\.jobs\.{field} is not "):
        Manifest.read(path)
