"""SLO panels and alerts (operators, like incidents): charts drawn on the server as SVG.

/ops/slo: each objective and, for time to review, its hourly burn rate against the fast-burn limit and
its p95 latency against the target, from the stored reviews; the queue's oldest-job age as this process's
watchdog sampled it. /ops/alerts: the alert table with each alert's phase in this process's watchdog
(inactive, pending, firing) and the alerts fired and resolved lately, from the incidents' timelines.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tfreview.ops.alert_state import Phase
from tfreview.ops.alert_table import load_alert_table
from tfreview.ops.incidents import EventKind
from tfreview.ops.slo import BURN_WINDOWS, service_levels
from tfreview.web.dashboard.charts import Chart, line_chart
from tfreview.web.dashboard.incident_pages import operator_ops
from tfreview.web.dashboard.pages import dashboard_of, render
from tfreview.web.dashboard.slo_panels import HOURS, aware, hourly, recent_reviews, sampled

router = APIRouter(include_in_schema=False)
RECENT_INCIDENTS = 20
QUEUE_AGE = "tfreview_queue_oldest_age_seconds"


@router.get("/ops/slo")
def slo_page(request: Request) -> Response:
    _, ops = operator_ops(request)
    services = dashboard_of(request).services
    settings = services.settings.slo
    slos = service_levels(settings)
    since = aware(services.clock()) - timedelta(hours=HOURS)
    reviews, truncated = recent_reviews(services.reviews, since)
    found = hourly(reviews, settings.time_to_review_seconds, settings.time_to_review_objective)
    fast = BURN_WINDOWS[0].factor
    buffer = ops.watchdog.buffer if ops.watchdog is not None else None
    charts = [
        line_chart(
            Chart(
                "Time to review: burn rate per hour",
                "×",
                found.burn,
                threshold=fast,
                threshold_label=f"fast-burn page at {fast:g}×",
            )
        ),
        line_chart(
            Chart(
                "Time to review: 95th percentile per hour",
                "s",
                found.p95,
                threshold=settings.time_to_review_seconds,
                threshold_label="target",
            )
        ),
        line_chart(Chart("Queue: oldest queued job's age", "s", sampled(buffer, QUEUE_AGE, HOURS * 3600))),
    ]
    return render(
        request,
        "slo.html",
        title="Service levels",
        slos=slos,
        charts=charts,
        total=found.total,
        bad=found.bad,
        truncated=truncated,
        hours=HOURS,
        watchdog=ops.watchdog is not None,
    )


@router.get("/ops/alerts")
def alerts_page(request: Request) -> Response:
    _, ops = operator_ops(request)
    watchdog = ops.watchdog
    table = watchdog.table if watchdog is not None else load_alert_table()
    states = watchdog.states if watchdog is not None else {}
    rows = []
    for rule in table:
        state = states.get(rule.id)
        phase = state.phase.value if state is not None else ("inactive" if watchdog is not None else "unknown")
        since = datetime.fromtimestamp(state.since, UTC) if state is not None and state.since is not None else None
        rows.append((rule, phase, since, state.value if state is not None else None))
    rows.sort(key=lambda row: (row[1] != Phase.FIRING.value, row[1] != Phase.PENDING.value, row[0].id))
    transitions = []
    for incident in ops.incidents.list(limit=RECENT_INCIDENTS).items:
        for event in ops.incidents.events(incident.id):
            if event.kind in (EventKind.OPENED, EventKind.ALERT_FIRED, EventKind.ALERT_RESOLVED):
                fired = event.kind is not EventKind.ALERT_RESOLVED
                alert = str(event.detail.get("alert", incident.alert_id))
                transitions.append((event.at, alert, "firing" if fired else "resolved", incident))
    transitions.sort(key=lambda t: t[0], reverse=True)
    return render(
        request,
        "alerts.html",
        title="Alerts",
        rows=rows,
        firing=sum(1 for row in rows if row[1] == Phase.FIRING.value),
        transitions=transitions[:100],
        watchdog=watchdog is not None,
    )
