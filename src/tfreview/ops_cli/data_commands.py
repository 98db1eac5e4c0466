"""`tfreview backup create|list|verify|restore`, `tfreview audit`, `tfreview audit-log` and `tfreview drill dr`
(parsers and runners; issue 11 B* and the audit log). Nothing heavy at module level: `tfreview scan` stays light.

Exit codes: 0 done / clean; 1 `audit` found mismatches, `audit-log --verify` found the chain broken;
2 usage, configuration and input errors (a missing or changed backup, a restore over a live database
without --force); 3 internal errors (pg_dump failing, the database unreachable).
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tfreview.core.errors import ConfigError
from tfreview.ops_cli.actor import cli_actor

if TYPE_CHECKING:
    from tfreview.settings import Settings
    from tfreview.wiring import WiredServices

EXIT_OK, EXIT_FOUND = 0, 1
_DATA_DIR_HELP = "where the SQLite database lives (default: .tfreview-data)"


def add_commands(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    backup = commands.add_parser("backup", help="backups of the service's database: create, list, verify, restore")
    sub = backup.add_subparsers(dest="backup_command", required=True, parser_class=parser_class)
    create = sub.add_parser("create", help="take a backup now, verify it, apply retention")
    listing = sub.add_parser("list", help="list backups, newest first")
    listing.add_argument("-o", "--output", choices=("text", "json"), default="text")
    verify = sub.add_parser("verify", help="check a backup: file hash, restore into a scratch copy, compare tables")
    restore = sub.add_parser(
        "restore",
        help="restore a backup into the configured database (stop the service first)",
        description="SQLite: the database file is replaced (the old one is kept beside it as *.before-restore-*). "
        "PostgreSQL: pg_restore --clean into the configured database. Refuses to overwrite an existing database "
        "without --force. The schema is migrated afterwards.",
    )
    restore.add_argument("--force", action="store_true", help="overwrite the existing database")
    for command in (verify, restore):
        command.add_argument("name", nargs="?", help="the backup's file name (default: the newest)")
    for command in (create, listing, verify, restore):
        command.add_argument("--dir", metavar="DIR", help="the backup directory (default: TFREVIEW_BACKUP__DIRECTORY)")
        command.add_argument("--data-dir", metavar="DIR", help=_DATA_DIR_HELP)

    audit = commands.add_parser(
        "audit",
        help="check every stored delivery, review and plan against its integrity hash, and their references",
        description="Corrupted rows are quarantined (never served again). Exit 0 clean, 1 mismatches found.",
    )
    audit.add_argument("-o", "--output", choices=("text", "json"), default="text")
    audit.add_argument("--data-dir", metavar="DIR", help=_DATA_DIR_HELP)

    log = commands.add_parser(
        "audit-log",
        help="the audit log (sign-ins, tokens, uploads, admin actions, backups, refused credentials), newest first",
    )
    log.add_argument("--verify", action="store_true", help="check the hash chain; exit 1 when it was tampered with")
    log.add_argument("--action", help="only this action, e.g. token.create")
    log.add_argument("--limit", type=int, default=50, help="how many entries (default 50)")
    log.add_argument("-o", "--output", choices=("text", "json"), default="text")
    log.add_argument("--data-dir", metavar="DIR", help=_DATA_DIR_HELP)

    drill = commands.add_parser(
        "drill", help="rehearse a failure: `drill dr` (backup, restore, start, audit) or an alert's scenario"
    )
    drill_sub = drill.add_subparsers(dest="drill_command", required=True, parser_class=parser_class)
    dr = drill_sub.add_parser(
        "dr",
        help="disaster-recovery drill: backup → restore into a fresh database → start `serve` → reconcile → audit",
        description="Prints RPO and RTO and writes a Markdown drill report. The live database is only read.",
    )
    dr.add_argument("--report", metavar="FILE", help="where to write the report (default: DATA_DIR/drills/dr-TIME.md)")
    dr.add_argument("--keep", action="store_true", help="keep the restored copy (default: removed after the drill)")
    dr.add_argument("--dir", metavar="DIR", help="the backup directory (default: TFREVIEW_BACKUP__DIRECTORY)")
    dr.add_argument("--data-dir", metavar="DIR", help=_DATA_DIR_HELP)
    from tfreview.ops_cli.drill_commands import add_scenario_parsers

    add_scenario_parsers(drill_sub, parser_class)


def run_data_command(args: argparse.Namespace, settings: Settings) -> int:
    if getattr(args, "dir", None):
        settings = settings.model_copy(update={"backup": settings.backup.model_copy(update={"directory": args.dir})})
    if args.command == "backup" and args.backup_command in ("list", "verify", "restore"):
        return _backup_offline(args, settings)
    if args.command == "drill" and args.drill_command != "dr":
        from tfreview.ops_cli.drill_commands import run_scenario_drill

        return run_scenario_drill(args, settings)
    if args.command == "drill":
        from tfreview.ops_cli.drill_dr import run_dr_drill

        return run_dr_drill(settings, report_path=args.report, keep=args.keep)
    services = _services(settings)
    try:
        if args.command == "backup":
            return _create(settings, services)
        if args.command == "audit":
            return _audit(args, services)
        return _audit_log(args, services)
    finally:
        services.close()


def _services(settings: Settings) -> WiredServices:
    from tfreview.store.setup import prepare_for_command
    from tfreview.wiring import build_services

    prepare_for_command(settings.database.url, settings.database.busy_timeout_ms)
    return build_services(settings)


def _create(settings: Settings, services: WiredServices) -> int:
    from tfreview.service.data_safety import backup_directory, take_backup

    manifest, removed = take_backup(settings, services.metrics, services.audit, actor=cli_actor())
    print(
        f"backup {manifest.file} written and verified in {backup_directory(settings)}: {manifest.rows} rows, "
        f"{manifest.size} bytes, {manifest.duration_seconds:.2f} s"
        + (f"; retention removed {len(removed)}" if removed else "")
    )
    return EXIT_OK


def _backup_offline(args: argparse.Namespace, settings: Settings) -> int:
    from tfreview.service.data_safety import backup_directory
    from tfreview.store.backup import find_backup, list_backups, verify_backup

    directory = backup_directory(settings)
    if args.backup_command == "list":
        backups = list_backups(directory)
        if args.output == "json":
            print(json.dumps([m.document() for m in backups], indent=2))
            return EXIT_OK
        now = datetime.now(UTC)
        if not backups:
            print(f"no backup in {directory}")
        for m in backups:
            age = (now - m.created_at).total_seconds() / 3600
            print(
                f"{m.file}\t{m.kind}\t{m.created_at:%Y-%m-%d %H:%M:%S}Z\t{age:.1f} h ago\t{m.rows} rows\t{m.size} bytes"
            )
        return EXIT_OK
    manifest = find_backup(directory, args.name)
    if args.backup_command == "verify":
        verify_backup(directory, manifest, scratch_server_url=settings.database.url)
        tables = len(manifest.tables)
        print(f"backup {manifest.file} is intact: {tables} tables, {manifest.rows} rows match its manifest")
        return EXIT_OK
    from tfreview.ops_cli.restore import restore_backup

    restore_backup(settings, directory, manifest, force=args.force, actor=cli_actor())
    return EXIT_OK


def _audit(args: argparse.Namespace, services: WiredServices) -> int:
    from tfreview.service.data_safety import run_audit

    if services.database is None:
        raise ConfigError("the audit needs the SQL database")
    report = run_audit(services.database, services.metrics)
    if args.output == "json":
        print(json.dumps(report.document(), indent=2))
    else:
        for mismatch in report.mismatches:
            print(f"MISMATCH {mismatch.table} {mismatch.row_id}: {mismatch.problem}")
        print(f"audit: {report.summary()}")
    return EXIT_OK if report.clean else EXIT_FOUND


def _audit_log(args: argparse.Namespace, services: WiredServices) -> int:
    if args.verify:
        check = services.audit.verify()
        if check.intact:
            print(f"audit log intact: {check.checked} entries, hash chain verified")
            return EXIT_OK
        print(
            f"audit log TAMPERED at entry {check.broken_id}: {check.problem} "
            f"({check.checked} entries before it are intact)"
        )
        return EXIT_FOUND
    if not 1 <= args.limit <= 1000:
        raise ConfigError("--limit must be between 1 and 1000")
    page = services.audit.list(action=args.action, limit=args.limit)
    if args.output == "json":
        print(json.dumps([audit_entry_document(e) for e in page.items], indent=2))
        return EXIT_OK
    for entry in page.items:
        detail = json.dumps(dict(entry.detail), sort_keys=True) if entry.detail else ""
        print(f"{entry.id}\t{entry.at:%Y-%m-%d %H:%M:%S}Z\t{entry.action}\t{entry.actor}\t{entry.target}\t{detail}")
    return EXIT_OK


def audit_entry_document(entry: Any) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "target": entry.target,
        "detail": dict(entry.detail),
        "prev_hash": entry.prev_hash,
        "row_hash": entry.row_hash,
    }
