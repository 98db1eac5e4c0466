"""The one "nothing lost" ledger of the chaos suite (issue 11): acked deliveries ↔ stored ↔ reviewed ↔
published to the fake GitHub. Every scenario fills `acked` while it injects its failure, then settles the
ledger from the SQLite file and the fake GitHub and prints its figures."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from tests.fakes.github import FakeGitHub

FINISHED = ("completed", "completed_without_ai")


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

    def settle(self, database: Path, github: FakeGitHub, repo: str) -> None:
        """Read what the service holds and what the fake GitHub received."""
        connection = sqlite3.connect(database)
        try:
            rows = connection.execute(
                "SELECT d.key, r.status FROM deliveries d JOIN jobs j ON j.id = d.job_id"
                " JOIN reviews r ON r.id = json_extract(j.payload, '$.review_id')"
            ).fetchall()
        finally:
            connection.close()
        statuses = dict(rows)
        self.stored = {key for key in self.acked if key in statuses}
        self.statuses = {key: statuses[key] for key in self.stored}
        self.reviewed = {key for key in self.stored if statuses[key] in FINISHED}
        self.stuck = sorted(key for key in self.stored if statuses[key] not in (*FINISHED, "failed"))
        self.published = set()
        self.duplicated = []
        for key, sha in self.acked.items():
            runs = [run for run in github.check_runs(repo, sha) if run.get("status") == "completed"]
            if runs:
                self.published.add(key)
            if len(github.check_runs(repo, sha)) > 1:
                self.duplicated.append(key)

    @property
    def lost(self) -> list[str]:
        return sorted(set(self.acked) - self.published)

    def figures(self, scenario: str) -> str:
        return (
            f"chaos {scenario}: acked {len(self.acked)}, stored {len(self.stored)}, reviewed {len(self.reviewed)},"
            f" published {len(self.published)}, lost {len(self.lost)}, duplicated {len(self.duplicated)},"
            f" stuck {len(self.stuck)}"
        )

    def assert_nothing_lost(self, scenario: str) -> None:
        print(self.figures(scenario))
        assert self.lost == [], self.figures(scenario)
        assert self.duplicated == [], self.figures(scenario)
        assert self.stuck == [], self.figures(scenario)
