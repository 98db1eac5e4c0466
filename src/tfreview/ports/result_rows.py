"""What the SQL store writes for a finished review besides its document, worked out where the review was finished
(`store.result_rows.result_rows`, ADR 0728): a review process does it off the server's interpreter lock, and the
worker thread then executes one prebuilt statement with the values as they are.

`save_result(..., rows=)` takes them only whole, and only for the row it is writing: its content hash (which the store
computes itself: SHA-256 of the text, out of the lock) and its other hashed columns, by name, must be those the
integrity hash was computed over, and every finding row must name the review; else the store works them out itself.
"""

from __future__ import annotations

from dataclasses import dataclass

FindingValues = tuple[str, str, str, str, str, str | None]
"""One finding row's values, in `store.result_rows.FINDING_COLUMNS`' order (review id, rule id, severity, status,
the searched address, fingerprint): truncated as the columns hold them."""

HashedColumn = tuple[str, object]
"""A content column the integrity hash covers, by name, with its value as hashed (`store.row_hashes.plain_value`)."""


@dataclass(frozen=True, slots=True)
class ResultRows:
    """A finished review's row hashes and finding rows, for the review it was finished for."""

    content_hash: str  # SHA-256 of the document's text: the `content_hash` column
    hashed: tuple[HashedColumn, ...]  # the other content columns `integrity_hash` covers, but the report
    integrity_hash: str  # store.row_hashes.review_hash of the row these columns, the text and its hash make
    findings: tuple[FindingValues, ...]  # one per counted finding

    def __repr__(self) -> str:  # a log line names the hashes and the size, never the columns' values
        return f"ResultRows(content_hash={self.content_hash[:12]}…, findings={len(self.findings)})"
