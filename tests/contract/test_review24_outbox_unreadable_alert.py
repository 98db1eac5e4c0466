"""review24: an outbox entry this release cannot read (ADR 0737) is passed over and looked at again every 5 minutes,
its incident's later notifications waiting behind it, and it was said only by a warning in a log: nothing alerted,
so an incident whose trigger was spoilt (an item edited by hand in the DynamoDB console, an event a newer release
wrote) was never paged, nor resolved, and nobody was told. Each time it is passed over it now counts as a failure of
every notifier (`tfreview_notifier_failures_total`, which the notifier-failures alert watches), as the entries a
process without an outbox loses do (ADR 0657); the healthy incidents' pages still go, as before."""

from __future__ import annotations

import httpx

from tests.contract.test_incidents_contract import new_incident
from tests.contract.test_review23_outbox_malformed import Backend, backend
from tests.fakes.notify import FakePagerDuty
from tfreview.ops.notify.dispatcher import Dispatcher
from tfreview.ops.notify.outbox import UNREADABLE_SECONDS
from tfreview.ops.notify.pagerduty import PagerDutyNotifier

__all__ = ["backend"]  # the fixture, over DynamoDB (moto), SQLite and PostgreSQL


def test_an_entry_this_release_cannot_read_counts_as_a_notifier_failure_each_time(backend: Backend) -> None:
    failures: list[tuple[str, str]] = []

    def on_outcome(notifier: str, event: str, ok: bool) -> None:  # as wiring.ops counts them
        if not ok:
            failures.append((notifier, event))

    with FakePagerDuty() as pagerduty, httpx.Client(timeout=5.0) as http:
        notifier = PagerDutyNotifier(
            http, pagerduty.routing_key, source="tfreview", channels=frozenset({"page"}),
            levels=frozenset({1, 2, 3, 4}), events_url=pagerduty.events_url,
        )  # fmt: skip
        dispatcher = Dispatcher(
            [notifier],
            backend.incidents,
            public_url="http://tfreview.test",
            outbox=backend.outbox,
            owner="host:1",
            on_outcome=on_outcome,
        )
        corrupt = next(iter(backend.corruptions.values()))
        spoilt, _ = backend.incidents.open(new_incident("spoilt"), {})
        corrupt(spoilt.id)
        healthy, _ = backend.incidents.open(new_incident("healthy"), {})

        assert dispatcher.pump() == 1
        assert pagerduty.alerts[f"tfreview-{healthy.group_key}-{healthy.id}"] == "triggered"
        assert failures == [("pagerduty", "unreadable")]  # said where an alert reads it

        assert dispatcher.pump() == 0  # put off: not counted again before it is looked at again
        assert failures == [("pagerduty", "unreadable")]
        backend.clock.advance(UNREADABLE_SECONDS + 1)
        assert dispatcher.pump() == 0
        assert failures == [("pagerduty", "unreadable")] * 2  # still unreadable: the alert keeps firing
