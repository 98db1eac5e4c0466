"""`tfreview incidents report ID`: the post-incident report in Markdown, prefilled from what was recorded.

Sections (the founding document's): summary, what happened, timeline, metric snapshots, impact
(deliveries and reviews during the incident), root cause, action items, lessons learned, runbook
updates. What the data knows is written out; what only people know is left as a marked prompt.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tfreview.ops.incidents import LEVEL_NAMES, EventKind, Incident, IncidentEvent

TODO = "_(to be completed)_"

CAUSE_HINTS = {
    "service-down": "the process, its host or its region stopped; check `tfreview probe` history and the host",
    "network-failure": "egress from the service's hosts (DNS, firewall, proxy) or the upstream's own outage",
    "database-disruption": "the database was unavailable, locked or slow (disk, connections, a long transaction)",
    "job-timeouts": "workers died or hung past their lease, or reviews outgrew their deadline",
    "ai-provider-failure": "a model provider's outage, throttling, an invalid key, or the token budget",
    "identity-failure": "the OIDC issuer's JWKS was unreachable, or its keys rotated without overlap",
    "data-corruption": "stored rows no longer match their content hash (disk, a manual edit, a bug)",
    "unauthorized-access": "credentials were guessed, leaked or used beyond their scope",
    "flood": "a traffic surge or an attack; or a redelivery storm after an outage",
    "secrets-compromise": "a webhook secret or token leaked, or a rotation left a stale version in use",
    "webhook-failure": "GitHub or Spacelift stopped delivering (webhook disabled, secret changed, network)",
    "high-latency": "slow database commits, slow model calls, or a queue backlog",
    "high-error-rate": "a failing dependency or a bad deployment",
}


@dataclass(frozen=True, slots=True)
class Impact:
    """What the service did while the incident lasted (read from the stores by the caller)."""

    deliveries: Counter[str] = field(default_factory=Counter)  # by "source status"
    reviews: Counter[str] = field(default_factory=Counter)  # by status
    truncated: bool = False  # more than the report reads


def render_report(incident: Incident, events: Sequence[IncidentEvent], impact: Impact, now: datetime) -> str:
    fired = [e for e in events if e.kind in (EventKind.OPENED, EventKind.ALERT_FIRED)]
    alerts = list(dict.fromkeys(str(e.detail.get("alert", incident.alert_id)) for e in fired)) or [incident.alert_id]
    end = incident.resolved_at or now
    out = [f"# Post-incident report: incident {incident.id} — {incident.summary}", ""]
    out += _summary(incident, events, end)
    out += ["", "## What happened", ""]
    out += _what_happened(incident, events, alerts, end)
    out += ["", "## Timeline (UTC)", "", "| time | event | detail |", "|---|---|---|"]
    out += [f"| {_time(e.at)} | {e.kind.value} | {_detail(e)} |" for e in events]
    out += ["", "## Metric snapshots", ""]
    out += _snapshots(events)
    out += ["", "## Impact", ""]
    out += _impact(impact, incident, end)
    out += ["", "## Root cause", ""]
    out += [f"Likely area ({incident.scenario}): {CAUSE_HINTS.get(incident.scenario, 'unknown')}.", "", TODO]
    out += ["", "## Action items", ""]
    out += _action_items(incident, events)
    out += ["", "## Lessons learned", ""]
    out += _lessons(incident, events)
    out += ["", "## Runbook updates", ""]
    out += [
        f"- [ ] `docs/runbooks/{alert}.md`: did its first response and recovery steps work? {TODO}" for alert in alerts
    ]
    return "\n".join(out) + "\n"


def _summary(incident: Incident, events: Sequence[IncidentEvent], end: datetime) -> list[str]:
    top = max([incident.level] + [int(e.detail.get("to", 0)) for e in events if e.kind is EventKind.ESCALATED])
    rows = [
        ("status", incident.status.value),
        ("scenario", incident.scenario),
        ("severity", incident.severity),
        ("highest level", f"{top} ({LEVEL_NAMES.get(top, '?')})"),
        ("opened", _time(incident.opened_at)),
        ("duration", _duration(incident.opened_at, end) + ("" if incident.resolved_at else " (still open)")),
        ("response target", f"{incident.response_minutes} min"),
    ]
    if incident.acknowledged_at is not None:
        rows.append(
            (
                "acknowledged",
                f"{_time(incident.acknowledged_at)} by {incident.acknowledged_by}, "
                f"{_duration(incident.opened_at, incident.acknowledged_at)} after opening",
            )
        )
    if incident.resolved_at is not None:
        rows.append(("resolved", f"{_time(incident.resolved_at)} by {incident.resolved_by}"))
    return ["| | |", "|---|---|", *[f"| {k} | {v} |" for k, v in rows]]


def _what_happened(incident: Incident, events: Sequence[IncidentEvent], alerts: list[str], end: datetime) -> list[str]:
    opened = next((e for e in events if e.kind is EventKind.OPENED), None)
    lines = []
    if opened is not None:
        d = opened.detail
        lines.append(
            f"At {_time(opened.at)} the watchdog's alert `{d.get('alert', incident.alert_id)}` fired: "
            f"{incident.summary} (value {d.get('value')} {d.get('op', '')} {d.get('threshold', '')}, "
            f"held for {d.get('for_seconds', '?')} s)."
        )
    if len(alerts) > 1:
        lines.append(f"Alerts of the same group that fired while it lasted: {', '.join(f'`{a}`' for a in alerts)}.")
    escalations = [e for e in events if e.kind is EventKind.ESCALATED]
    for e in escalations:
        lines.append(f"Not acknowledged in time, it escalated to level {e.detail.get('to')} at {_time(e.at)}.")
    failed = [e for e in events if e.kind is EventKind.NOTIFY_FAILED]
    if failed:
        lines.append(f"{len(failed)} notification(s) failed (see the timeline).")
    resolved = next((e for e in events if e.kind is EventKind.RESOLVED), None)
    if resolved is not None:
        how = "its alerts stopped firing" if resolved.detail.get("by") == "watchdog" else "by hand"
        lines.append(
            f"It was resolved at {_time(resolved.at)} ({how}), {_duration(incident.opened_at, end)} after it opened."
        )
    return [" ".join(lines) or TODO]


def _snapshots(events: Sequence[IncidentEvent]) -> list[str]:
    lines = []
    for e in events:
        if e.kind is not EventKind.SNAPSHOT:
            continue
        samples = e.detail.get("samples") or {}
        lines.append(f"At {_time(e.at)}, alert `{e.detail.get('alert')}`:")
        lines += [f"- `{name}` = {value}" for name, value in sorted(samples.items())] or ["- (no series)"]
        lines.append("")
    return lines or ["(none recorded)"]


def _impact(impact: Impact, incident: Incident, end: datetime) -> list[str]:
    window = f"between {_time(incident.opened_at)} and {_time(end)}"
    lines = [f"Deliveries received {window}: {sum(impact.deliveries.values())}"]
    lines += [f"- {key}: {count}" for key, count in sorted(impact.deliveries.items())]
    lines.append(f"Reviews created {window}: {sum(impact.reviews.values())}")
    lines += [f"- {key}: {count}" for key, count in sorted(impact.reviews.items())]
    if impact.truncated:
        lines.append("(counts stop at the report's reading limit)")
    return lines


def _action_items(incident: Incident, events: Sequence[IncidentEvent]) -> list[str]:
    items = []
    for e in events:
        if e.kind is EventKind.NOTIFY_FAILED:
            items.append(f"- [ ] Fix the `{e.detail.get('notifier')}` notifier: {e.detail.get('error')}")
        if e.kind is EventKind.ACTION and e.detail.get("state") not in ("done", "lifted"):
            items.append(f"- [ ] Automate `{e.detail.get('action')}` (it was {e.detail.get('state')}, done by hand)")
    if any(e.kind is EventKind.ESCALATED for e in events):
        items.append(
            f"- [ ] Acknowledgement missed the {incident.response_minutes}-minute target: check the on-call rota"
        )
    items.append(f"- [ ] {TODO}")
    return list(dict.fromkeys(items))


def _lessons(incident: Incident, events: Sequence[IncidentEvent]) -> list[str]:
    lines = []
    if incident.acknowledged_at is not None:
        took = (incident.acknowledged_at - incident.opened_at).total_seconds() / 60
        verdict = "within" if took <= incident.response_minutes else "outside"
        lines.append(f"- Time to acknowledge: {took:.0f} min, {verdict} the {incident.response_minutes}-minute target.")
    else:
        lines.append("- Nobody acknowledged the incident.")
    notified = Counter(str(e.detail.get("notifier")) for e in events if e.kind is EventKind.NOTIFIED)
    if notified:
        lines.append(f"- Notified through: {', '.join(f'{k} ×{v}' for k, v in sorted(notified.items()))}.")
    lines += ["- What went well? " + TODO, "- What went badly? " + TODO, "- Where were we lucky? " + TODO]
    return lines


def _detail(event: IncidentEvent) -> str:
    parts = [f"{k}={v}" for k, v in sorted(event.detail.items()) if k != "samples"]
    if "samples" in event.detail:
        parts.append(f"{len(event.detail['samples'] or {})} series")
    return ", ".join(parts).replace("|", "\\|").replace("\n", " ")


def _time(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S")


def _duration(start: datetime, end: datetime) -> str:
    seconds = max(0, int((end - start).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    return f"{hours} h {rest // 60} min" if hours else f"{rest // 60} min {rest % 60} s"
