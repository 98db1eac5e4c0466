"""`tfreview ai pause|resume|status`: the operator's switch over the shared AI controls (tfreview.ops.controls).

The controls live in the service's database, so one command reaches every `serve` and `worker` process
(within `watchdog.controls_cache_seconds`). Running it needs the database's credentials: an operator's
(admin's) command, like `tfreview tokens` and `tfreview incidents`.
"""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from tfreview.core.errors import InputError

if TYPE_CHECKING:
    from tfreview.ops.controls import Control
    from tfreview.settings import Settings

EXIT_OK = 0
MAX_MINUTES = 7 * 24 * 60
MAX_REASON = 200


def add_ai_commands(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    ai = commands.add_parser(
        "ai", help="pause or resume the AI reviewer for every process (operators: the database's credentials)"
    )
    sub = ai.add_subparsers(dest="ai_command", required=True, parser_class=parser_class)
    pause = sub.add_parser(
        "pause", help="stop calling model providers: reviews complete with the rules and the built-in text"
    )
    pause.add_argument("--minutes", type=int, default=60, help="how long (default 60, at most a week)")
    pause.add_argument("--reason", default="paused by an operator", help="shown in `tfreview ai status`")
    pause.add_argument("--by", help="who pauses (default: $USER)")
    sub.add_parser("resume", help="lift the pause and any provider breaker held open by an incident")
    status = sub.add_parser("status", help="what holds now: pause, breakers held open, until when, set by whom")
    status.add_argument("-o", "--output", choices=("text", "json"), default="text")
    for command in sub.choices.values():
        command.add_argument(
            "--data-dir", metavar="DIR", help="where the SQLite database lives (default: .tfreview-data)"
        )


def run_ai(args: argparse.Namespace, settings: Settings) -> int:
    from tfreview.ops.controls import AI_BREAKER_OPEN, AI_PAUSED, Control
    from tfreview.store.setup import prepare_for_command
    from tfreview.wiring import build_services

    command = args.ai_command
    if command == "pause":  # checked before the database is touched
        from tfreview.ops_cli.actor import given_by

        args.by = given_by(args.by)
        if not 1 <= args.minutes <= MAX_MINUTES:
            raise InputError(f"--minutes must be between 1 and {MAX_MINUTES}")
        reason = " ".join(str(args.reason).split())
        if not reason or len(reason) > MAX_REASON or not reason.isprintable():
            raise InputError(f"--reason must be one printable line of 1 to {MAX_REASON} characters")
    prepare_for_command(settings.database.url, settings.database.busy_timeout_ms)
    settings = settings.model_copy(update={"watchdog": settings.watchdog.model_copy(update={"enabled": False})})
    services = build_services(settings)
    try:
        assert services.ops is not None
        assert services.ops.controls is not None  # build_services wires both
        controls = services.ops.controls.controls
        now = services.clock()
        if command == "pause":
            held = controls.hold(
                Control(AI_PAUSED, now + timedelta(minutes=args.minutes), f"cli:{args.by or _user()}", reason, now)
            )
            print(f"AI review paused until {_iso(held)} for every process (within {_lag(settings)})")
            return EXIT_OK
        if command == "resume":
            lifted = [name for name in (AI_PAUSED, AI_BREAKER_OPEN) if controls.lift(name)]
            if lifted:
                print(f"lifted: {', '.join(lifted)} (every process follows within {_lag(settings)})")
            else:
                print("nothing to lift: the AI reviewer is neither paused nor held")
            return EXIT_OK
        current = sorted(controls.current(), key=lambda c: c.name)
        if args.output == "json":
            print(json.dumps([_document(c) for c in current], indent=2))
        elif not current:
            print("AI reviewer: running (no control holds)")
        else:
            from tfreview.render.digest import one_line  # a row stored before --by had to be printable

            for c in current:
                by_incident = f", incident {c.incident_id}" if c.incident_id is not None else ""
                print(f"{c.name}\tuntil {_iso(c)}\tby {one_line(c.set_by)}{by_incident}\t{one_line(c.reason)}")
        return EXIT_OK
    finally:
        services.close()


def _document(control: Control) -> dict[str, Any]:
    return {
        "name": control.name,
        "until": _iso(control),
        "set_by": control.set_by,
        "reason": control.reason,
        "set_at": control.set_at.isoformat(timespec="seconds"),
        "incident_id": control.incident_id,
    }


def _iso(control: Control) -> str:
    return control.until.isoformat(timespec="seconds")


def _lag(settings: Settings) -> str:
    return f"{settings.watchdog.controls_cache_seconds:g} s"


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
