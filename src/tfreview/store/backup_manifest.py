"""A backup's manifest (`<backup>.manifest.json` beside it) and the table digests it records.

A table digest is the row count and a SHA-256 over every row in primary-key order (bytes through their own
SHA-256, datetimes as UTC ISO text): two databases of the same kind holding the same rows have the same
digests, so a restore is checked row for row against the manifest without keeping a second copy.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, select

from tfreview.core.errors import InputError
from tfreview.plumbing.clock import as_utc
from tfreview.plumbing.json_documents import NotJson, read_json
from tfreview.plumbing.whole_files import write_whole
from tfreview.store.row_hashes import plain_value
from tfreview.store.tables import Base

MANIFEST_SUFFIX: Final = ".manifest.json"
FORMAT: Final = 1


@dataclass(frozen=True, slots=True)
class TableDigest:
    rows: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    file: str  # the backup file's name, in the same directory
    created_at: datetime  # when its snapshot was taken (UTC)
    kind: str  # sqlite | postgresql
    schema_revision: str | None
    size: int  # bytes of the backup file
    sha256: str  # of the backup file
    duration_seconds: float
    tables: dict[str, TableDigest] = field(default_factory=dict)
    tfreview_version: str = ""
    format: int = FORMAT

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables.values())

    def document(self) -> dict[str, Any]:
        document = asdict(self)
        document["created_at"] = as_utc(self.created_at).isoformat(timespec="microseconds")
        return document

    def write(self, directory: Path) -> Path:
        path = directory / (self.file + MANIFEST_SUFFIX)
        write_whole(path, json.dumps(self.document(), indent=2, sort_keys=True) + "\n")
        return path

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """The manifest at `path`; InputError when it is unreadable, or names any file but the one it sits beside
        (`NAME` for `NAME.manifest.json`): retention deletes, and verify and restore read, the file a manifest
        names, so one naming `../tfreview.db` or `/etc/…` (planted, or copied from elsewhere) is not a backup."""
        try:
            document = read_json(path.read_bytes())
            tables = {name: TableDigest(**value) for name, value in document.pop("tables").items()}
            document["created_at"] = as_utc(datetime.fromisoformat(document["created_at"]))
            manifest = cls(**document, tables=tables)
            wrong = _wrong_type(manifest)
        except NotJson as exc:  # `[[[[…` past the reader's depth too: it was an internal error (ADR 0680)
            raise InputError(f"backup manifest {path.name} is unreadable: {exc}") from None
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise InputError(f"backup manifest {path.name} is unreadable: {type(exc).__name__}") from None
        if wrong is not None:
            raise InputError(f"backup manifest {path.name} is unreadable: {wrong}")
        named = manifest.file
        beside = isinstance(named, str) and named + MANIFEST_SUFFIX == path.name
        if not beside or "/" in named or named in ("", ".", ".."):
            raise InputError(f"backup manifest {path.name} names another file than the one beside it: not used")
        return manifest


_TYPES: Final[dict[str, tuple[type, ...]]] = {
    "file": (str,),
    "kind": (str,),
    "schema_revision": (str, type(None)),
    "size": (int,),
    "sha256": (str,),
    "duration_seconds": (int, float),
    "tfreview_version": (str,),
    "format": (int,),
}
_DIGEST_TYPES: Final[dict[str, tuple[type, ...]]] = {"rows": (int,), "sha256": (str,)}
_JSON_NAMES: Final = {str: "a string", int: "an integer", float: "a number", type(None): "null"}


def _wrong_type(manifest: Manifest) -> str | None:
    """What in `manifest` (as read from JSON) is not of its field's type, e.g. "schema_revision is not a string or
    null": such a value reached the restore's checks and ended it in an internal error (review22)."""
    checks = [(name, getattr(manifest, name), kinds) for name, kinds in _TYPES.items()]
    for table, digest in manifest.tables.items():
        checks += [(f"tables.{table}.{name}", getattr(digest, name), kinds) for name, kinds in _DIGEST_TYPES.items()]
    for name, value, kinds in checks:
        if isinstance(value, bool) or not isinstance(value, kinds):  # JSON true is no count of bytes or rows
            return f"{name} is not " + " or ".join(_JSON_NAMES[kind] for kind in kinds)
    return None


def table_digests(connection: Connection) -> dict[str, TableDigest]:
    """Row counts and content digests of every table of the schema, read through `connection`."""
    digests: dict[str, TableDigest] = {}
    for table in Base.metadata.sorted_tables:
        digest = hashlib.sha256()
        rows = 0
        query = select(table).order_by(*table.primary_key.columns)
        for row in connection.execution_options(yield_per=1000).execute(query):
            rows += 1
            digest.update(json.dumps([plain_value(v) for v in row], default=str).encode())
            digest.update(b"\n")
        digests[table.name] = TableDigest(rows, digest.hexdigest())
    return digests


def compare_digests(expected: Mapping[str, TableDigest], found: Mapping[str, TableDigest]) -> list[str]:
    """What differs, one phrase per table (empty: identical)."""
    problems = []
    for name in sorted(set(expected) | set(found)):
        want, got = expected.get(name), found.get(name)
        if want is None or got is None:
            problems.append(f"{name}: {'missing from the restore' if got is None else 'not in the manifest'}")
        elif want.rows != got.rows:
            problems.append(f"{name}: {got.rows} rows, manifest says {want.rows}")
        elif want.sha256 != got.sha256:
            problems.append(f"{name}: content differs from the manifest")
    return problems
