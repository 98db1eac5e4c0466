"""Every column of the schema is listed in the backup how-to's "no secret in clear" table: a new column
cannot reach backups without someone saying why it holds no secret."""

from __future__ import annotations

import re
from pathlib import Path

from tfreview.store.tables import Base

HOWTO = Path(__file__).resolve().parents[2] / "docs" / "howto" / "backups-and-restore.md"


def test_every_column_is_classified_in_the_backup_howto() -> None:
    listed: dict[str, set[str]] = {}
    for line in HOWTO.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.fullmatch(r"[a-z_]+", cells[0]):
            listed.setdefault(cells[0], set()).update(c.strip() for c in cells[1].split(","))
    missing = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if column.name not in listed.get(table.name, set())
    ]
    assert missing == []
