"""B3: random bit flips in a copy of a real service database, and what catches each one.

    .venv/bin/python benchmarks/corruption_sweep.py [--trials 200] [--deliveries 40] [--seed 1]

A real `tfreview serve` stores `--deliveries` signed GitHub deliveries; the file is then folded into one (no WAL).
Each trial flips 1-8 random bits past the 100-byte header of a copy and sorts the result: `PRAGMA quick_check`
reports it (serve refuses to start), SQLite raises on reading it (refused too), the integrity audit finds a row
whose hash no longer matches, or fails on damage serve counts (the audit-mismatch alert either way), no table
changed (free space, slack), or
UNDETECTED: some table's rows changed and nothing said so.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.integration.door_requests import delivery, request  # noqa: E402 - the repository's own test helpers
from tests.integration.served import serving  # noqa: E402 - the repository's own test helpers

from tfreview.service.data_safety import database_damage  # noqa: E402 - after the path set-up above
from tfreview.store.database import Database  # noqa: E402 - after the path set-up above
from tfreview.store.integrity import audit_database  # noqa: E402 - after the path set-up above


def _dump(path: Path) -> dict[str, list[Any]]:
    connection = sqlite3.connect(path)
    try:
        names = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")]
        return {name: connection.execute(f'SELECT * FROM "{name}"').fetchall() for name in names}
    finally:
        connection.close()


def _sort(path: Path, original: dict[str, list[Any]]) -> str:
    try:
        connection = sqlite3.connect(path)
        try:
            checked = [row[0] for row in connection.execute("PRAGMA quick_check")]
        finally:
            connection.close()
        if checked != ["ok"]:
            return "quick_check"
    except sqlite3.DatabaseError:
        return "raised"
    try:
        changed = [name for name, rows in _dump(path).items() if original.get(name) != rows]
    except (sqlite3.OperationalError, UnicodeDecodeError):  # "Could not decode to UTF-8 column …": a text changed
        changed = ["(a text column)"]
    except sqlite3.DatabaseError:
        return "raised"
    if not changed:
        return "no change"
    database = Database(f"sqlite:///{path}")
    try:
        found = bool(audit_database(database).mismatches)
    except Exception as exc:  # what serve's audit loop counts (table="database") when a pass fails on it
        found = database_damage(exc) is not None
    finally:
        database.close()
    if not found and "--show" in sys.argv:
        damaged = _dump(path)
        for name in changed:
            for before, after in zip(original[name], damaged[name], strict=False):
                if before != after:
                    differs = [
                        (i, str(a)[:60], str(b)[:60])
                        for i, (a, b) in enumerate(zip(before, after, strict=False))
                        if a != b
                    ]
                    print(name, differs[:3])
                    break
    return "audit" if found else "UNDETECTED " + ",".join(changed)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--deliveries", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", action="store_true", help="print what changed in an undetected trial")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tfreview-b3-") as scratch:
        data = Path(scratch) / "data"
        with serving(data) as served:
            for number in range(args.deliveries):
                body, headers = delivery(7, number + 1)
                assert request(served.port, "POST", "/webhooks/github", body=body, headers=headers).status == 202
        source = data / "tfreview.db"
        connection = sqlite3.connect(source)
        connection.execute("PRAGMA journal_mode = DELETE")  # folds the WAL in: the flips hit every page
        connection.close()
        original, pristine = _dump(source), source.read_bytes()
        rng = random.Random(args.seed)
        tally: dict[str, int] = {}
        for _ in range(args.trials):
            damaged = bytearray(pristine)
            for _ in range(rng.randint(1, 8)):
                damaged[rng.randrange(100, len(damaged))] ^= 1 << rng.randrange(8)
            copy = Path(scratch) / "copy.db"
            copy.write_bytes(bytes(damaged))
            outcome = _sort(copy, original)
            tally[outcome] = tally.get(outcome, 0) + 1
            copy.unlink()
        print(f"{args.trials} trials on a {len(pristine)}-byte database: {dict(sorted(tally.items()))}")


if __name__ == "__main__":
    main()
