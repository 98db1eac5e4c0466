"""`tfreview incidents list|show|ack|resolve|report` and `tfreview probe URL` (parsers and runners).

Imported by the CLI's parser: nothing heavy at module level (`tfreview scan` stays light).

`tfreview probe URL` is the external check of issue 10's "service down" row, for cron or a monitor on a
second machine. Exit codes:
  0  /healthz answers 200 and /readyz answers 200 with a fresh watchdog heartbeat
  1  alive but degraded: /readyz answers 503 (a dependency is down) or the watchdog's heartbeat is stale
  2  usage error (a URL that is not http(s)://)
  3  down: no answer within the timeout, or /healthz does not answer 200
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tfreview.core.errors import ConfigError, InputError
from tfreview.plumbing.whole_files import write_whole

if TYPE_CHECKING:
    from tfreview.settings import Settings

EXIT_OK, EXIT_DEGRADED, EXIT_USAGE, EXIT_DOWN = 0, 1, 2, 3
PROBE_URL_REFUSED = (
    "the URL is not one an HTTP client can call: a host that is a valid domain name, a port from 1 to 65535,"
    " no blank or control character"
)


def add_commands(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    incidents = commands.add_parser(
        "incidents", help="incidents opened by the watchdog: list, show, ack, resolve, report"
    )
    sub = incidents.add_subparsers(dest="incidents_command", required=True, parser_class=parser_class)
    listing = sub.add_parser("list", help="list incidents, newest first")
    listing.add_argument("--status", choices=("open", "acknowledged", "resolved"), help="only this status")
    listing.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    listing.add_argument("-o", "--output", choices=("text", "json"), default="text")
    show = sub.add_parser("show", help="an incident and its timeline")
    show.add_argument("-o", "--output", choices=("text", "json"), default="text")
    ack = sub.add_parser("ack", help="acknowledge: stops its escalation and tells the paged notifiers")
    resolve = sub.add_parser("resolve", help="resolve by hand and tell the notifiers")
    report = sub.add_parser("report", help="write the post-incident report (Markdown)")
    report.add_argument("--output-file", metavar="FILE", help="write it to FILE (default: stdout)")
    for command in (show, ack, resolve, report):
        command.add_argument("id", type=int, help="the incident id (from `tfreview incidents list`)")
    for command in (ack, resolve):
        command.add_argument("--by", help="who acts (default: $USER)")
    for command in (listing, show, ack, resolve, report):
        command.add_argument(
            "--data-dir", metavar="DIR", help="where the SQLite database lives (default: .tfreview-data)"
        )

    probe = commands.add_parser(
        "probe",
        help="check a running service from outside: /healthz and /readyz (for cron on a second machine)",
        description="Exit 0 healthy, 1 alive but degraded (unready, or the watchdog's heartbeat is stale), "
        "2 usage error, 3 down (no answer or /healthz failing).",
    )
    probe.add_argument("url", help="the service's base URL, e.g. https://tfreview.example.com")
    probe.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")
    probe.add_argument("-o", "--output", choices=("text", "json"), default="text")


def run_incidents(args: argparse.Namespace, settings: Settings) -> int:
    from tfreview.ops import incident_admin
    from tfreview.store.setup import prepare_for_command
    from tfreview.wiring import build_services

    if args.incidents_command in ("ack", "resolve"):  # checked before the database is touched
        from tfreview.ops_cli.actor import given_by

        args.by = given_by(args.by)
    prepare_for_command(settings.database.url, settings.database.busy_timeout_ms)
    # a command never evaluates alerts: the watchdog belongs to serve and worker
    settings = settings.model_copy(update={"watchdog": settings.watchdog.model_copy(update={"enabled": False})})
    services = build_services(settings)
    try:
        ops = services.ops
        assert ops is not None  # build_services always wires it
        command = args.incidents_command
        if command == "list":
            if args.limit < 1:
                raise InputError("--limit must be at least 1")
            page = ops.incidents.list(status=args.status, limit=min(args.limit, 1000))
            if args.output == "json":
                print(json.dumps([incident_admin.incident_document(i) for i in page.items], indent=2))
            else:
                sys.stdout.write(incident_admin.format_incidents(page.items))
            return EXIT_OK
        if command == "show":
            incident = incident_admin.get_incident(ops, args.id)
            events = ops.incidents.events(args.id)
            if args.output == "json":
                document = incident_admin.incident_document(incident)
                document["timeline"] = [incident_admin.event_document(e) for e in events]
                print(json.dumps(document, indent=2))
            else:
                sys.stdout.write(incident_admin.format_incident(incident, events))
            return EXIT_OK
        if command in ("ack", "resolve"):
            by = f"cli:{args.by or _user()}"
            act = incident_admin.acknowledge if command == "ack" else incident_admin.resolve
            incident = act(ops, args.id, by)
            services.audit.record(f"incident.{command}", actor=by, target=f"incident:{incident.id}")
            sent = ops.dispatcher.drain(services.settings.notify.timeout_seconds * services.settings.notify.attempts)
            print(
                f"incident {incident.id} is {incident.status.value}"
                + ("" if sent else " (notifications still pending)")
            )
            return EXIT_OK
        return _report(args, services, ops)
    finally:
        services.close()


def _report(args: argparse.Namespace, services: Any, ops: Any) -> int:
    from tfreview.ops import incident_admin
    from tfreview.ops.report import render_report

    incident = incident_admin.get_incident(ops, args.id)
    now = datetime.now(UTC)
    impact = incident_admin.read_impact(services.intake, services.reviews, incident, now)
    text = render_report(incident, ops.incidents.events(args.id), impact, now)
    if not args.output_file or args.output_file == "-":
        sys.stdout.write(text)
        return EXIT_OK
    path = Path(args.output_file)
    write_whole(path, text)
    print(f"report of incident {incident.id} written to {path}", file=sys.stderr)
    return EXIT_OK


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a container
        return "unknown"


def run_probe(args: argparse.Namespace) -> int:
    import httpx

    from tfreview.plumbing.web_urls import is_web_url

    base = str(args.url).rstrip("/")
    if not base.startswith(("http://", "https://")) or len(base) > 2000:
        raise ConfigError("the URL must start with http:// or https://")
    if not is_web_url(base):  # never shown: a password may be in it (ADR 0761)
        raise ConfigError(PROBE_URL_REFUSED)
    if not 0 < args.timeout <= 300:
        raise ConfigError("--timeout must be between 0 and 300 seconds")
    shown = _without_userinfo(base)  # a service behind basic auth: its password is never printed
    results: dict[str, Any] = {"url": shown}
    with httpx.Client(timeout=args.timeout, follow_redirects=False) as client:
        try:
            alive = client.get(f"{base}/healthz")
        except httpx.HTTPError as exc:
            return _probe_result(
                args, results, EXIT_DOWN, f"down: {shown}/healthz did not answer ({type(exc).__name__})"
            )
        results["healthz"] = alive.status_code
        if alive.status_code != 200:
            return _probe_result(args, results, EXIT_DOWN, f"down: /healthz answered {alive.status_code}")
        try:
            ready = client.get(f"{base}/readyz")
        except httpx.HTTPError as exc:
            return _probe_result(
                args, results, EXIT_DEGRADED, f"degraded: /readyz did not answer ({type(exc).__name__})"
            )
    results["readyz"] = ready.status_code
    checks = _checks(ready)
    results["checks"] = checks
    failing = [f"{name}: {detail}" for name, (ok, detail) in checks.items() if not ok]
    if ready.status_code != 200:
        return _probe_result(
            args, results, EXIT_DEGRADED, f"degraded: /readyz answered {ready.status_code}: " + "; ".join(failing)
        )
    watchdog = checks.get("watchdog")
    if watchdog is not None and watchdog[1].startswith("stale"):
        return _probe_result(args, results, EXIT_DEGRADED, f"degraded: watchdog {watchdog[1]}")
    return _probe_result(
        args, results, EXIT_OK, "ok: alive and ready" + (f" (watchdog {watchdog[1]})" if watchdog else "")
    )


def _without_userinfo(url: str) -> str:
    """`url` without `user:password@` (the probe sends it; no line or JSON it prints shows it)."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        host = parts.netloc.rpartition("@")[2]
    except ValueError:
        return url.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=host))


def _checks(response: Any) -> dict[str, tuple[bool, str]]:
    from tfreview.plumbing.json_documents import NotJson, read_json

    try:
        document = read_json(response.content)
    except NotJson:  # an HTML page, or `[[[[…` past the reader's depth: the status alone decides
        return {}
    found = {}
    for check in document.get("checks", []) if isinstance(document, dict) else []:
        if isinstance(check, dict) and isinstance(check.get("name"), str):
            found[check["name"]] = (bool(check.get("ok")), str(check.get("detail", ""))[:200])
    return found


def _probe_result(args: argparse.Namespace, results: dict[str, Any], code: int, line: str) -> int:
    results["status"] = {EXIT_OK: "ok", EXIT_DEGRADED: "degraded", EXIT_DOWN: "down"}[code]
    results["message"] = line
    if args.output == "json":
        results["checks"] = {k: {"ok": v[0], "detail": v[1]} for k, v in results.get("checks", {}).items()}
        print(json.dumps(results, indent=2))
    else:
        print(f"tfreview probe: {line}", file=sys.stdout if code == EXIT_OK else sys.stderr)
    return code
