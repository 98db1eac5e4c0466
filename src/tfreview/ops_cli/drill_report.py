"""The report of `tfreview drill SCENARIO`: Markdown for people, JSON for dashboards and tests (same data)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tfreview.ops_cli.drill_run import ScenarioDrill
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
        "recover_seconds": drill.recover_seconds,
        "detect_seconds_table_clock": drill.on_table_clock(drill.detect_seconds),
        "recover_seconds_table_clock": drill.on_table_clock(drill.recover_seconds),
        "within_target": drill.within_target,
        "passed": drill.passed,
        "interrupted": drill.interrupted,
        "incident": drill.incident,
        "timeline": drill.timeline,
        "notifications": drill.notifications(),
        "other_incidents": drill.others,
        "injection": {"answers": dict(drill.injection.answers), "notes": drill.injection.notes},
        "problems": drill.problems,
    }


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
        f"| time to recover | {_seconds(drill.recover_seconds)} "
        f"| {_seconds(drill.on_table_clock(drill.recover_seconds))} | {target:.0f} s |",
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
    return (
        f"drill {drill.scenario} {'passed' if drill.passed else 'FAILED'}: detected in "
        f"{_seconds(drill.detect_seconds)}, recovered in {_seconds(drill.recover_seconds)}"
        + (
            f" (×{drill.scale:g} clock: {_seconds(drill.on_table_clock(drill.detect_seconds))} / "
            f"{_seconds(drill.on_table_clock(drill.recover_seconds))})"
            if drill.scale != 1.0
            else ""
        )
        + f" against a {drill.response_seconds:.0f} s target"
    )
