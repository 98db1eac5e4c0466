"""The one "nothing lost" ledger of the chaos suite (issue 11): acked deliveries ↔ stored ↔ reviewed ↔
published to the fake GitHub. Every scenario fills `acked` while it injects its failure, then settles the
ledger from the SQLite file and the fake GitHub and prints its figures."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fakes.github import FakeGitHub

FINISHED = ("completed", "completed_without_ai")
SQLITE_ROWS = (
    "SELECT d.key, r.status, r.id FROM deliveries d JOIN jobs j ON j.id = d.job_id"
    " JOIN reviews r ON r.id = json_extract(j.payload, '$.review_id')"
)
SQLITE_PUBLISHING = "SELECT json_extract(payload, '$.review_id'), state FROM jobs WHERE kind = 'publish'"


@dataclass
class Ledger:
    """`acked`: delivery id → the head sha it announced, for every delivery answered 2xx."""

    acked: dict[str, str] = field(default_factory=dict)
    stored: set[str] = field(default_factory=set)
    reviewed: set[str] = field(default_factory=set)
    published: set[str] = field(default_factory=set)
    duplicated: list[str] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)  # acked delivery → its review's status
    pending: set[str] = field(default_factory=set)  # reviewed, its publish job durably queued or running

    def settle(self, database: Path, github: FakeGitHub, repo: str) -> None:
        """Read what the service holds (its SQLite file) and what the fake GitHub received."""
        connection = sqlite3.connect(database, timeout=30)
        try:
            rows = connection.execute(SQLITE_ROWS).fetchall()
            publishing = connection.execute(SQLITE_PUBLISHING).fetchall()
        finally:
            connection.close()
        self.settle_rows(rows, publishing, github, repo)

    def settle_postgres(self, url: str, github: FakeGitHub, repo: str) -> None:
        """As `settle`, from the service's PostgreSQL database (`url`: a libpq URL)."""
        import psycopg

        with psycopg.connect(url, connect_timeout=10) as connection:
            rows = connection.execute(
                "SELECT d.key, r.status, r.id FROM deliveries d JOIN jobs j ON j.id = d.job_id"
                " JOIN reviews r ON r.id = (j.payload::json ->> 'review_id')"
            ).fetchall()
            publishing = connection.execute(
                "SELECT payload::json ->> 'review_id', state FROM jobs WHERE kind = 'publish'"
            ).fetchall()
        self.settle_rows(rows, publishing, github, repo)

    def settle_rows(
        self,
        rows: Sequence[Sequence[Any]],
        publishing_rows: Sequence[Sequence[Any]],
        github: FakeGitHub,
        repo: str,
    ) -> None:
        """`rows`: (delivery key, review status, review id); `publishing_rows`: (review id, publish job state)."""
        publishing: dict[str, str] = {str(review): str(state) for review, state in publishing_rows}
        statuses = {key: status for key, status, _ in rows}
        reviews = {key: review for key, _, review in rows}
        self.stored = {key for key in self.acked if key in statuses}
        self.statuses = {key: statuses[key] for key in self.stored}
        self.reviewed = {key for key in self.stored if statuses[key] in FINISHED}
        self.stuck = sorted(key for key in self.stored if statuses[key] not in (*FINISHED, "failed"))
        self.published = set()
        self.pending = set()
        self.duplicated = []
        for key, sha in self.acked.items():
            runs = github.check_runs(repo, sha)
            if any(run.get("status") == "completed" for run in runs):
                self.published.add(key)
            elif publishing.get(str(reviews.get(key))) in ("queued", "running"):
                self.pending.add(key)
            if len(runs) > 1:
                self.duplicated.append(key)

    @property
    def lost(self) -> list[str]:
        """Acked, and neither published nor on its durable way there (a queued publish job)."""
        return sorted(set(self.acked) - self.published - self.pending)

    def figures(self, scenario: str) -> str:
        return (
            f"chaos {scenario}: acked {len(self.acked)}, stored {len(self.stored)}, reviewed {len(self.reviewed)},"
            f" published {len(self.published)} (+{len(self.pending)} paced: publish queued),"
            f" lost {len(self.lost)}, duplicated {len(self.duplicated)}, stuck {len(self.stuck)}"
        )

    def assert_nothing_lost(self, scenario: str, *, paced_allowed: bool = False) -> None:
        """0 lost, 0 duplicated, 0 stuck; `paced_allowed`: a reviewed delivery whose publish job is still queued
        behind GitHub's write pacing (80/min, 500/h per installation) counts as on its way (ADR 0160)."""
        print(self.figures(scenario))
        if not paced_allowed:
            assert not self.pending, self.figures(scenario)
        assert self.lost == [], self.figures(scenario)
        assert self.duplicated == [], self.figures(scenario)
        assert self.stuck == [], self.figures(scenario)
