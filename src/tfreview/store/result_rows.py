"""The SQL store's rows for a finished review, worked out without a database (ADR 0728): the review process that
finished the review imports this module (no SQLAlchemy), the worker thread's `SqlReviewStore.save_result` checks what
it is handed (`trusted`) and executes one prebuilt statement with the finding rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any, Final

from tfreview.plumbing.hashing import canonical_json, sha256_hex
from tfreview.ports.records import StoredReview
from tfreview.ports.result_rows import FindingValues, HashedColumn, ResultRows
from tfreview.ports.review_codec import EncodedDocument, FindingKey
from tfreview.store.review_filters import searched
from tfreview.store.row_hashes import REVIEW_COLUMNS, plain_value, review_hash

FINDING_COLUMNS: Final = ("review_id", "rule_id", "severity", "status", "address", "fingerprint")
_OF_THE_DOCUMENT: Final = ("report", "content_hash")  # bound by the content hash, which the store computes itself


def finding_values(review_id: str, keys: Sequence[FindingKey]) -> list[FindingValues]:
    """One row per counted finding of a stored review document (its `keys`: ports.review_codec.finding_keys), in
    `FINDING_COLUMNS`' order, truncated as the columns hold them — values for one executemany, not ORM instances,
    whose unit of work cost a 2,000-finding review ~0.1 s of the worker's interpreter lock (ADR 0704)."""
    return [
        (
            review_id,
            f.rule_id[:100],
            f.severity[:16],
            f.status[:16],
            # the searched form: the report keeps the address as written (ADR 0596); a NUL (a for_each key may hold
            # one) as U+FFFD, which PostgreSQL's text can hold — no filter searches for a NUL (review23b)
            searched(f.address).replace("\x00", "\ufffd"),
            f.fingerprint[:128] if f.fingerprint else None,
        )
        for f in keys
    ]


def hashed_columns(values: Mapping[str, Any]) -> tuple[HashedColumn, ...]:
    """The review row's content columns that `review_hash` covers besides the document's, as it hashes them."""
    return tuple((name, plain_value(values.get(name))) for name in REVIEW_COLUMNS if name not in _OF_THE_DOCUMENT)


def result_rows(
    stored: StoredReview,
    document: EncodedDocument,
    verdict: str,
    counts: Mapping[str, Any],
    keys: Sequence[FindingKey],
) -> ResultRows:
    """What `save_result(stored.id, ..., document, verdict, counts, keys=keys)` writes besides the document."""
    source = stored.source
    content_hash = sha256_hex(document.text.encode())
    values = {
        "id": stored.id,
        "tenant_id": stored.tenant_id,
        "source_kind": source.kind,
        "repository": source.repository,
        "pull_request": source.pull_request,
        "commit_sha": source.commit_sha,
        "stack_id": source.stack_id,
        "run_id": source.run_id,
        "account": source.account,
        "plan_id": stored.plan_id,
        "created_at": stored.created_at,
        "verdict": verdict,
        "counts": canonical_json(counts),
        "report": document.text,
        "content_hash": content_hash,
    }
    return ResultRows(content_hash, hashed_columns(values), review_hash(values), tuple(finding_values(stored.id, keys)))


def trusted(rows: ResultRows | None, review_id: str, written: Mapping[str, Any]) -> ResultRows | None:
    """`rows` when they were worked out for the review row as `written` (its `REVIEW_COLUMNS`, content hash included,
    computed by the store): the same hashed columns by name and value, the same content hash, every finding row the
    review's; else None (the store works them out itself)."""
    if rows is None or rows.content_hash != written.get("content_hash") or rows.hashed != hashed_columns(written):
        return None
    if rows.findings and set(map(itemgetter(0), rows.findings)) != {review_id}:
        return None
    return rows
