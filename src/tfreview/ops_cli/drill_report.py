"""The report of `tfreview drill SCENARIO`: Markdown for people, JSON for dashboards and tests (same data).

Two measures against the row's response target — time to detect (onset → incident opened) and time to
recover (recovery → the failure signal stopped) — and, separately, the incident's resolution against
the moment its row's own mechanics make it due (last failure + window + keep-firing + slack, ADR 0528).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tfreview.ops_cli.drill_run import ScenarioDrill, signed_seconds
from tfreview.plumbing.whole_files import write_whole


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} s"


def drill_document(drill: ScenarioDrill) -> dict[str, Any]:
    return {
        "scenario": drill.scenario,
        "alert": drill.alert_id,
        "mode": drill.mode,
        "target": drill.target,
        "started_at": drill.started_at.isoformat(timespec="seconds"),
        "time_scale": drill.scale,
        "response_target_seconds": drill.response_seconds,
        "detect_seconds": drill.detect_seconds,
        "alert_fired_seconds": drill.row_fired_seconds,
        "recover_seconds": drill.recover_seconds,
        "detect_seconds_table_clock": drill.on_table_clock(drill.detect_seconds),
        "recover_seconds_table_clock": drill.on_table_clock(drill.recover_seconds),
        "within_target": drill.within_target,
        "resolution": _resolution(drill),
        "passed": drill.passed,
        "interrupted": drill.interrupted,
        "incident": drill.incident,
        "timeline": drill.timeline,
        "notifications": drill.notifications(),
        "other_incidents": drill.others,
        "injection": {"answers": dict(drill.injection.answers), "notes": drill.injection.notes},
        "problems": drill.problems,
    }


def _resolution(drill: ScenarioDrill) -> dict[str, Any]:
    due = drill.due
    return {
        "resolve_seconds": drill.resolve_seconds,
        "due_seconds": drill.due_seconds,
        "resolve_seconds_table_clock": drill.on_table_clock(drill.resolve_seconds),
        "due_seconds_table_clock": drill.on_table_clock(drill.due_seconds),
        "in_time": drill.resolved_in_time,
        "due_alert": None if due is None else due.alert_id,
        "last_failure_seconds": drill.last_failure_seconds,
        "window_seconds": None if due is None else due.window_seconds,
        "keep_firing_seconds": None if due is None else due.keep_firing_seconds,
        "slack_seconds": None if due is None else due.slack_seconds,
        "signal_reads": drill.signal_reads,
        "signal_misses": drill.signal_misses,
    }


def _allowance(drill: ScenarioDrill) -> str:
    due = drill.due
    if due is None:
        return "no due moment (no incident, or no read of the metrics)"
    return (
        f"due by {_seconds(drill.due_seconds)} after the recovery: `{due.alert_id}`'s failure stopped at "
        f"{signed_seconds(drill.last_failure_seconds)} s + window {due.window_seconds:g} s + keep-firing "
        f"{due.keep_firing_seconds:g} s + slack {due.slack_seconds:.1f} s"
    )


def drill_markdown(drill: ScenarioDrill) -> str:
    verdict = "PASSED" if drill.passed else "FAILED"
    target = drill.response_seconds
    scaled = drill.scale != 1.0
    clock = (
        f"compressed clock: the alert table's durations × {drill.scale:g} (measured times ÷ {drill.scale:g} "
        "are compared with the target)"
        if scaled
        else "the alert table as written (real clock)"
    )
    incident = drill.incident or {}
    lines = [
        f"# Drill `{drill.scenario}` — {verdict}",
        "",
        f"- started: {drill.started_at:%Y-%m-%d %H:%M:%S}Z against {drill.target} ({drill.mode})",
        f"- alert: `{drill.alert_id}` (runbook docs/runbooks/{drill.alert_id}.md); {clock}",
        f"- incident: {incident.get('id', 'none')} ({incident.get('status', 'not opened')})",
        "",
        "| measure | measured | on the table's clock | target |",
        "|---|---|---|---|",
        f"| time to detect | {_seconds(drill.detect_seconds)} | {_seconds(drill.on_table_clock(drill.detect_seconds))} "
        f"| {target:.0f} s |",
        f"| `{drill.alert_id}` itself fired | {_seconds(drill.row_fired_seconds)} "
        f"| {_seconds(drill.on_table_clock(drill.row_fired_seconds))} | (not a target) |",
        f"| time to recover (recovery → failure signal stopped) | {_seconds(drill.recover_seconds)} "
        f"| {_seconds(drill.on_table_clock(drill.recover_seconds))} | {target:.0f} s |",
        f"| incident resolved (after the recovery) | {_seconds(drill.resolve_seconds)} "
        f"| {_seconds(drill.on_table_clock(drill.resolve_seconds))} "
        f"| {_seconds(drill.on_table_clock(drill.due_seconds))} (its mechanics) |",
        "",
        f"Time to detect runs from the failure's onset to the incident opening; time to recover from the "
        f"recovery to the moment the failure had stopped by, in {drill.signal_reads} reads of `/metrics` "
        f"({drill.signal_misses} read(s) failed): the last read that saw a new increase of the row's metric, "
        f"or the first on which its condition no longer held. The resolution is "
        f"{'in time' if drill.resolved_in_time else 'NOT in time'}: {_allowance(drill)}.",
        "",
        "## Incident timeline",
        "",
        *(
            [f"- {e['at']} **{e['kind']}** {json.dumps(e.get('detail') or {}, sort_keys=True)}" for e in drill.timeline]
            or ["- none read"]
        ),
        "",
        "## Notifications",
        "",
        *(
            [
                f"- {e['kind']}: {e['detail'].get('notifier')} {e['detail'].get('event')} "
                f"({e['detail'].get('attempts', '?')} attempt(s))"
                for e in drill.notifications()
            ]
            or ["- none recorded (no notifier configured, or none serves the row's channels)"]
        ),
        "",
        "## Injection",
        "",
        *[f"- {what}: {count}" for what, count in sorted(drill.injection.answers.items())],
        *[f"- {note}" for note in drill.injection.notes],
        "",
        "## Other incidents opened during the drill",
        "",
        *([f"- {i['id']} `{i['alert']}` ({i['status']}): {i['summary']}" for i in drill.others] or ["- none"]),
        "",
        "## Problems",
        "",
        *([f"- {problem}" for problem in drill.problems] or ["- none"]),
        "",
    ]
    return "\n".join(lines)


def write_reports(drill: ScenarioDrill, markdown_path: Path) -> Path:
    """Write FILE.md and FILE.json beside it; returns the JSON path."""
    markdown_path.parent.mkdir(parents=True, exist_ok=True)
    write_whole(markdown_path, drill_markdown(drill))
    json_path = markdown_path.with_suffix(".json")
    write_whole(json_path, json.dumps(drill_document(drill), indent=2, default=str) + "\n")
    return json_path


def summary_line(drill: ScenarioDrill) -> str:
    scaled = drill.scale != 1.0
    return (
        f"drill {drill.scenario} {'passed' if drill.passed else 'FAILED'}: detected in "
        f"{_seconds(drill.detect_seconds)}, recovered in {_seconds(drill.recover_seconds)}"
        + (
            f" (×{drill.scale:g} clock: {_seconds(drill.on_table_clock(drill.detect_seconds))} / "
            f"{_seconds(drill.on_table_clock(drill.recover_seconds))})"
            if scaled
            else ""
        )
        + f" against a {drill.response_seconds:.0f} s target; incident resolved in "
        f"{_seconds(drill.resolve_seconds)}, due by {_seconds(drill.due_seconds)}"
        + (
            f" (×{drill.scale:g} clock: {_seconds(drill.on_table_clock(drill.resolve_seconds))} / "
            f"{_seconds(drill.on_table_clock(drill.due_seconds))})"
            if scaled
            else ""
        )
    )
