"""The database-derived gauges and the database metrics on SQLite and PostgreSQL (real adapters)."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.web import deliveries
from tests.web.conftest import Web
from tests.web.test_github_webhook import post
from tests.web.test_sql_backends import postgres_server_url, sql_web

__all__ = ["postgres_server_url", "sql_web"]  # fixtures used below


def test_queue_gauges_and_commit_latency_come_from_the_database(sql_web: Web) -> None:
    assert post(sql_web, deliveries.github("pull_request", deliveries.pull_request("opened"))).status_code == 202
    exposition = sql_web.services.exposition
    assert exposition is not None
    found = {}
    for family in text_string_to_metric_families(exposition().decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    assert found[("tfreview_queue_jobs", (("state", "queued"),))] == 1
    assert found[("tfreview_queue_jobs", (("state", "dead"),))] == 0
    assert found[("tfreview_queue_oldest_age_seconds", ())] >= 0
    assert found[("tfreview_reviews_past_deadline", ())] == 0
    assert found[("tfreview_db_commit_duration_seconds_count", ())] >= 1
    assert found[("tfreview_intake_deliveries_total", (("outcome", "accepted"), ("source", "github")))] == 1
