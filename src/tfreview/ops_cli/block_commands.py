"""`tfreview block list|add|remove`: the blocked sources (issue 11), from the shared database.

A change is seen by every running process within `TFREVIEW_DOOR__BLOCK_CACHE_SECONDS`. Exit codes: 0 done,
2 bad input (a source that is not `ip:ADDRESS` / `token:HASH16`, an allow-listed address, an unknown one
to remove), 3 internal error.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tfreview.core.errors import InputError

if TYPE_CHECKING:
    from tfreview.ports.blocks import Block
    from tfreview.settings import Settings

EXIT_OK = 0
MAX_REASON = 200  # characters of --reason, as `ai pause --reason`
_DATA_DIR_HELP = "where the SQLite database lives (default: .tfreview-data)"


def add_commands(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    block = commands.add_parser("block", help="blocked sources (addresses, API tokens): list, add, remove")
    sub = block.add_subparsers(dest="block_command", required=True, parser_class=parser_class)
    listing = sub.add_parser("list", help="the blocks in force, soonest expiry first")
    listing.add_argument("--output", choices=("text", "json"), default="text", help="output format (default: text)")
    add = sub.add_parser("add", help="block a source now (each further block of it lasts twice as long by default)")
    add.add_argument("source", help="ip:ADDRESS, or token:HASH16 as `block list` shows it")
    add.add_argument("--minutes", type=float, metavar="M", help="length of the block (default: the growth policy)")
    add.add_argument("--reason", default="blocked by an operator", help="one line kept with the block")
    remove = sub.add_parser("remove", help="lift a block and forget the source's previous blocks")
    remove.add_argument("source", help="the source as `block list` shows it")
    for command in (listing, add, remove):
        command.add_argument("--data-dir", metavar="DIR", help=_DATA_DIR_HELP)


def run_blocks(args: argparse.Namespace, settings: Settings) -> int:
    from tfreview.store.setup import prepare_for_command
    from tfreview.wiring import build_services

    if args.block_command == "add" and args.minutes is not None and not 0 < args.minutes <= 525_600:
        raise InputError("--minutes must be more than 0 and at most 525600 (a year)")
    if args.block_command == "add":  # as `ai pause --reason`: `block list` prints it on the operator's terminal
        reason = " ".join(str(args.reason).split())
        if not reason or len(reason) > MAX_REASON or not reason.isprintable():
            raise InputError(f"--reason must be one printable line of 1 to {MAX_REASON} characters")
        args.reason = reason
    prepare_for_command(settings.database.url, settings.database.busy_timeout_ms)
    settings = settings.model_copy(update={"watchdog": settings.watchdog.model_copy(update={"enabled": False})})
    services = build_services(settings)
    try:
        door = services.door
        assert door is not None  # build_services always wires it
        if args.block_command == "list":
            found = door.guard.active()
            if args.output == "json":
                print(json.dumps([block_document(b) for b in found], indent=2))
            else:
                sys.stdout.write(format_blocks(found, datetime.now(UTC)))
            return EXIT_OK
        if args.block_command == "add":
            seconds = args.minutes * 60 if args.minutes is not None else None
            try:
                block = door.guard.block(args.source, args.reason, by=f"admin {_operator()}", seconds=seconds)
            except ValueError as exc:
                raise InputError(str(exc)) from None
            ends = block.expires_at.isoformat(timespec="seconds")
            print(f"blocked {block.source} until {ends} (strike {block.strikes})")
            return EXIT_OK
        if not door.guard.unblock(args.source, by=f"admin {_operator()}"):
            raise InputError(f"{args.source} is not blocked; see `tfreview block list`")
        print(f"unblocked {args.source}")
        return EXIT_OK
    finally:
        services.close()


def block_document(block: Block) -> dict[str, object]:
    return {
        "source": block.source,
        "kind": block.kind,
        "reason": block.reason,
        "created_by": block.created_by,
        "blocked_at": block.blocked_at.isoformat(timespec="seconds"),
        "expires_at": block.expires_at.isoformat(timespec="seconds"),
        "strikes": block.strikes,
    }


def format_blocks(blocks: list[Block], now: datetime) -> str:
    from tfreview.render.digest import one_line

    if not blocks:
        return "no source is blocked\n"
    lines = [f"{'SOURCE':<42} {'LEFT':>8} {'STRIKES':>7}  BY / REASON"]
    for block in blocks:
        left = max(0, int((block.expires_at - now).total_seconds()))
        by, reason = one_line(block.created_by), one_line(block.reason)  # a row stored by an older version
        lines.append(f"{block.source:<42} {left:>7}s {block.strikes:>7}  {by}: {reason}")
    return "\n".join(lines) + "\n"


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name for this uid (a container)
        return "cli"
