"""Every command that writes a file or a database outside the intake/worker, SIGKILLed mid-write.

Each test runs the real command (`python -m tests.chaos.killed_run ARGS` = `tfreview ARGS` in its own process)
once to list its write points, then once per point killed just before it (tests/chaos/killed_run.py: every
open-for-write, write, flush, fsync, close, rename, unlink, link, SQLite connect — and with SQL points every
statement). After each kill: the previous file/backup/database is intact or the new one is complete (and
verifies); nothing truncated lies under a final name; leftovers are only temporary names the next run reuses
or ignores; then a rerun succeeds. PostgreSQL migrations, whose writes happen in the server, are killed after
delays spread over a full run's duration instead. ADR 0519, 0520.

The suite (`make unit`) kills the paths a fix touched, at MOST points each where a run is slow; `make chaos`
kills every path at every point (TFREVIEW_KILL_POINTS=1000).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from tests.cli_in_process import tfreview_in_process
from tfreview.store.backup import list_backups, verify_backup
from tfreview.store.migrate import head_revision

pytestmark = [pytest.mark.chaos, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
PLAN = REPO / "tests/data/plans/corpus/tfcompliance__test_issue-438.json"
PREVIOUS_PLAN = REPO / "tests/data/plans/tfjson__actions__plan.json"
POSTGRES_ENV = "TFREVIEW_TEST_POSTGRES_URL"
KILLED = -signal.SIGKILL
# kill points per slow path in the suite (each costs two or three runs of 1-3 s); `make chaos` takes them all
MOST = int(os.environ.get("TFREVIEW_KILL_POINTS", "3"))


class Command:
    """`tfreview ARGS` in a child process, killable at its Nth write point under `watch`."""

    def __init__(self, tmp: Path, args: Sequence[str], watch: Sequence[Path], *, sql: bool = False, **env: str):
        self.args = list(args)
        self.watch = [str(w) for w in watch]
        self.sql = sql
        self.env = env
        self.points_file = tmp / f"points-{uuid.uuid4().hex[:6]}"
        self.scratch = tmp / "scratch"  # TMPDIR: what `backup verify` copies is not under a watched folder
        self.scratch.mkdir(exist_ok=True)

    def run(self, at: int = -1, *, extra: Sequence[str] = ()) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TFREVIEW_", "KILL_"))}
        env.update(self.env)
        paths = [p for p in (self.env.get("PYTHONPATH") or os.environ.get("PYTHONPATH", ""), str(REPO)) if p]
        env |= {"PYTHONPATH": os.pathsep.join(paths), "TMPDIR": str(self.scratch), "KILL_AT": str(at)}
        env |= {"KILL_WATCH": os.pathsep.join(self.watch), "KILL_POINTS_FILE": str(self.points_file)}
        if self.sql:
            env["KILL_SQL"] = "1"
        self.points_file.unlink(missing_ok=True)
        return subprocess.run(
            [sys.executable, "-m", "tests.chaos.killed_run", *self.args, *extra],
            env=env, cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip

    def points(self) -> list[str]:
        """A full run's write points (it must succeed)."""
        done = self.run()
        assert done.returncode == 0, done.stderr
        points = self.points_file.read_text(encoding="utf-8").splitlines()
        assert points, "the command reached no write point under the watched folders"
        return points

    def kill_at(self, at: int, point: str) -> None:
        done = self.run(at)
        assert done.returncode == KILLED, f"not killed before point {at} ({point}): {done.returncode} {done.stderr}"

    def rerun(self) -> None:
        done = self.run()
        assert done.returncode == 0, f"the rerun failed: {done.stderr}"


def spread(points: list[str], most: int) -> list[int]:
    """At most `most` point indexes, evenly spread, the first and the last included."""
    if len(points) <= most:
        return list(range(len(points)))
    if most < 2:
        return [len(points) // 2]
    step = (len(points) - 1) / (most - 1)
    return sorted({round(i * step) for i in range(most)})


def kill_everywhere(
    command: Command,
    reset: Callable[[], None],
    killed: Callable[[str], None],
    rerun: Callable[[], None],
    *,
    most: int = 1000,
) -> int:
    """For each write point: `reset` the previous state, kill there, check `killed`, rerun, check `rerun`."""
    points = command.points()
    chosen = spread(points, most)
    for at in chosen:
        reset()
        command.kill_at(at, points[at])
        killed(f"killed before point {at}/{len(points)} ({points[at]})")
        command.rerun()
        rerun()
    print(f"\n{' '.join(command.args[:2])}: {len(chosen)} kill points of {len(points)}: {sorted(set(points))}")
    return len(chosen)


def leftovers(directory: Path, finals: set[str]) -> set[str]:
    return {p.name for p in directory.iterdir()} - finals


# --- files: scan --output-file, baseline, alerts export, secrets rotate ------------------------------------


def whole_files_test(
    tmp: Path,
    args: list[str],
    out: Path,
    names: list[str],
    same: Callable[[bytes], object] = bytes,
    most: int = 1000,
) -> int:
    """The files `names` in `out`: before each kill they hold a previous version; after it each is that
    version or the complete new one, never anything else; after a rerun, exactly the new ones. `same`: what
    must equal between two runs' files (all the bytes unless the file holds the time it was made)."""
    out.mkdir(exist_ok=True)
    command = Command(tmp, args, [out])
    command.run()
    reference = {name: (out / name).read_bytes() for name in names}
    previous = {name: f"previous {name}\n".encode() for name in names}

    def reset() -> None:
        for name in names:
            (out / name).write_bytes(previous[name])

    def killed(where: str) -> None:
        for name in names:
            now = (out / name).read_bytes()
            assert now == previous[name] or same(now) == same(reference[name]), f"{where}: {name} torn: {now[:80]!r}"
        assert leftovers(out, set(names)) <= {f".{name}.tmp" for name in names}, where

    def rerun() -> None:
        assert {name: same((out / name).read_bytes()) for name in names} == {n: same(b) for n, b in reference.items()}
        assert leftovers(out, set(names)) == set(), "a temporary file outlived the rerun"

    return kill_everywhere(command, reset, killed, rerun, most=most)


def test_scan_output_files_are_old_or_whole_at_every_kill_point(tmp_path: Path) -> None:
    out = tmp_path / "out"
    names = ["r.json", "r.sarif", "r.md", "r.xml"]
    args = ["scan", str(PLAN), "--soft-fail"]
    for fmt, name in zip(["json", "sarif", "markdown", "junit"], names, strict=True):
        args += ["-o", fmt, "--output-file", str(out / name)]
    assert whole_files_test(tmp_path, args, out, names) >= 4 * 5  # open, writev, fsync, rename, dir fsync each


def test_a_baseline_is_old_or_whole_at_every_kill_point(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["baseline", "create", str(PLAN), "-f", str(out / "baseline.json")]
    assert whole_files_test(tmp_path, args, out, ["baseline.json"], same=_undated) >= 5


def _undated(document: bytes) -> object:
    return {k: v for k, v in json.loads(document).items() if k != "created"}


@pytest.mark.parametrize("fmt", ["prometheus", "cloudwatch"])
def test_alert_exports_are_old_or_whole_at_every_kill_point(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    args = ["alerts", "export", "--format", fmt, str(out)]
    done = tfreview_in_process(*args, env=dict(os.environ))  # the files a whole run writes; killed runs follow
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names
    # `alerts export` takes ~1 s a run: the suite kills at 2 x MOST of its points, `make chaos` at all
    assert whole_files_test(tmp_path, args, out, names, most=2 * MOST) >= min(2 * MOST, 5 * len(names))


@pytest.mark.chaos_long  # `make chaos` only: no fix touched this path, and it takes 15-30 s
def test_a_secret_rotation_leaves_the_old_or_the_new_versions_document(tmp_path: Path) -> None:
    data, secrets = tmp_path / "data", tmp_path / "secrets"
    sqlite_cli(tmp_path, data, "db", "upgrade")  # the rotation is recorded in the audit log
    secrets.mkdir()
    versions = secrets / "webhook-versions.json"
    command = Command(
        tmp_path, ["secrets", "rotate", "github-webhook", "--data-dir", str(data)], [secrets],
        TFREVIEW_GITHUB__WEBHOOK_SECRETS_FROM=f"file:{versions}",
    )  # fmt: skip
    first = [{"value": "x" * 40, "name": "first"}]
    before: list[list[dict[str, object]]] = []

    def document() -> list[dict[str, object]]:
        loaded = json.loads(versions.read_text(encoding="utf-8"))
        assert isinstance(loaded, list)
        return loaded

    def reset() -> None:
        versions.write_text(json.dumps(first), encoding="utf-8")
        before[:] = [document()]

    def killed(where: str) -> None:
        now = document()  # whole JSON, or this raises
        assert now == before[0] or (len(now) == len(first) + 1 and now[1]["value"] == first[0]["value"]), where
        strays = leftovers(secrets, {versions.name})
        assert all(n.startswith(".rotate-") for n in strays), f"{where}: {strays}"

    def rerun() -> None:
        assert len(document()) in (len(first) + 1, len(first) + 2)

    reset()
    assert kill_everywhere(command, reset, killed, rerun, most=MOST) >= min(MOST, 8)  # json.dump: ~30 writes


# --- the rule index and compiled record-code caches ----------------------------------------------------


@pytest.mark.parametrize("cache", ["index", "records"])
def test_the_package_caches_are_absent_or_whole_at_every_kill_point(tmp_path: Path, cache: str) -> None:
    import tfreview
    from tfreview.rules.__main__ import _RECORDS

    package = tmp_path / "install" / "tfreview"
    shutil.copytree(Path(tfreview.__file__).parent, package)  # a copy (mtimes kept): the worktree's stays
    tag = sys.implementation.cache_tag
    if cache == "index":
        path, args = package / "rules/__pycache__" / f"library.{tag}.json", ["--module", "tfreview.rules"]
    else:
        path, args = package / "__pycache__" / f"records.{tag}.marshal", ["--code", _RECORDS]
    command = Command(tmp_path, args, [path.parent], PYTHONPATH=str(package.parent))
    path.unlink()
    command.rerun()
    reference = path.read_bytes()
    strays: set[str] = set()

    def reset() -> None:
        path.unlink(missing_ok=True)

    def killed(where: str) -> None:
        assert not path.exists() or path.read_bytes() == reference, f"{where}: {path.name} torn"
        strays.update(p.name for p in path.parent.iterdir() if p.name.endswith(".tmp"))

    def rerun() -> None:
        assert path.read_bytes() == reference

    assert kill_everywhere(command, reset, killed, rerun) >= 4
    print(f"temporary {cache} cache files the kills left (the readers never open them): {len(strays)}")


# --- SQLite: db upgrade, backup create/restore, audit ----------------------------------------------------


def schema(database: Path) -> tuple[str | None, list[str]]:
    """(alembic revision, the schema's SQL) of a SQLite file, after checking its integrity."""
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        sql = sorted(row[0] for row in connection.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"))
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = None
        if "alembic_version" in tables:
            found = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = found[0] if found else None
    connection.close()
    return revision, sql


@pytest.mark.chaos_long  # `make chaos` only: no fix touched this path, and it takes 15-30 s
def test_a_sqlite_migration_is_all_or_nothing_at_every_statement(tmp_path: Path) -> None:
    data = tmp_path / "data"
    database = data / "tfreview.db"
    command = Command(tmp_path, ["db", "upgrade", "--data-dir", str(data)], [data], sql=True)
    command.run()
    reference = schema(database)
    assert reference[0] == head_revision()

    def reset() -> None:
        shutil.rmtree(data, ignore_errors=True)

    def killed(where: str) -> None:
        if database.exists():
            revision, sql = schema(database)
            assert (revision, sql) == reference or (revision is None and sql == []), f"{where}: at {revision}"

    def rerun() -> None:
        assert schema(database) == reference

    assert kill_everywhere(command, reset, killed, rerun, most=MOST) >= min(MOST, 20)


def sqlite_cli(tmp: Path, data: Path, *args: str) -> None:
    """A step that prepares what the killed command then works on (`db upgrade`, `tokens create`, `backup create`):
    the same CLI in this process, under the child's environment (tests/cli_in_process.py) — not killed, so a process
    of its own (1-2 s of CPU) adds nothing (ADR 0669). `tmp` is where a killed run's files go; unused here."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TFREVIEW_", "KILL_"))}
    done = tfreview_in_process(*args, "--data-dir", str(data), env=env)
    assert done.returncode == 0, f"{' '.join(args)} failed: {done.stderr}"


def token_names(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        names = {row[0] for row in connection.execute("SELECT name FROM api_tokens")}
    connection.close()
    return names


def test_a_backup_is_listed_only_when_whole_at_every_kill_point(tmp_path: Path) -> None:
    data, backups = tmp_path / "data", tmp_path / "backups"
    sqlite_cli(tmp_path, data, "db", "upgrade")
    sqlite_cli(tmp_path, data, "tokens", "create", "--tenant", "t", "--scope", "read", "--name", "a")
    command = Command(tmp_path, ["backup", "create", "--dir", str(backups), "--data-dir", str(data)], [backups])
    before: set[str] = set()

    def reset() -> None:
        before.clear()
        before.update(m.file for m in list_backups(backups))

    def killed(where: str) -> None:
        manifests = list_backups(backups)
        assert len({m.file for m in manifests} - before) <= 1, where
        for manifest in manifests:
            verify_backup(backups, manifest)  # InputError when not whole
        for path in backups.glob("tfreview-*.sqlite3"):  # one without a manifest (yet) is whole too
            assert schema(path)[0] == head_revision(), where

    def rerun() -> None:
        newest = list_backups(backups)[0]
        assert newest.file not in before
        verify_backup(backups, newest)

    assert kill_everywhere(command, reset, killed, rerun, most=MOST) >= min(MOST, 15)
    partial = backups / "tfreview-20000101T000000Z-000000.sqlite3.partial"  # what a backup killed long ago left
    partial.write_bytes(b"SQLite format 3\x00 and then nothing")
    fresh = backups / "tfreview-20000101T000000Z-111111.sqlite3.partial"  # a backup running now
    fresh.write_bytes(b"SQLite format 3\x00")
    os.utime(partial, (time.time() - 2 * 3600, time.time() - 2 * 3600))
    command.rerun()
    assert not partial.exists()
    assert fresh.exists()


@pytest.mark.chaos_long  # `make chaos` only: no fix touched this path, and it takes 15-30 s
def test_a_backup_verify_killed_anywhere_leaves_the_backup_as_it_was(tmp_path: Path) -> None:
    data, backups = tmp_path / "data", tmp_path / "backups"
    sqlite_cli(tmp_path, data, "db", "upgrade")
    sqlite_cli(tmp_path, data, "backup", "create", "--dir", str(backups))
    taken = {p.name: p.read_bytes() for p in backups.iterdir()}
    command = Command(tmp_path, ["backup", "verify", "--dir", str(backups), "--data-dir", str(data)], [])
    command.watch = [str(command.scratch)]  # verify writes only its scratch copy, under TMPDIR

    def killed(where: str) -> None:  # what a kill leaves in TMPDIR (the scratch copy) is the OS's to clear
        assert {p.name: p.read_bytes() for p in backups.iterdir()} == taken, where

    assert kill_everywhere(command, lambda: None, killed, lambda: killed("rerun"), most=MOST) >= min(MOST, 8)


@pytest.mark.chaos_long  # `make chaos` only: a serve start per kill (~7 s); the CLI test above runs the same writer
def test_serve_killed_during_its_scheduled_backups_leaves_only_whole_ones(tmp_path: Path) -> None:
    """`serve` backs up every second; it is killed before its Nth write point under the backup folder (N over
    the first backups' points: a serve never ends by itself, so there is no count run), then checked."""
    from tests.integration.served import child_env

    data, backups = tmp_path / "data", tmp_path / "backups"
    sqlite_cli(tmp_path, data, "db", "upgrade")
    sqlite_cli(tmp_path, data, "tokens", "create", "--tenant", "t", "--scope", "read", "--name", "a")
    settings = {k: v for k, v in child_env().items() if k.startswith("TFREVIEW_")}
    settings |= {"TFREVIEW_BACKUP__INTERVAL_SECONDS": "1", "TFREVIEW_BACKUP__AUDIT_INTERVAL_SECONDS": "0"}
    settings["TFREVIEW_BACKUP__DIRECTORY"] = str(backups)
    serve = Command(
        tmp_path, ["serve", "--no-worker", "--host", "127.0.0.1", "--port", "0", "--data-dir", str(data)], [backups],
        **settings,
    )  # fmt: skip
    create = Command(tmp_path, ["backup", "create", "--dir", str(backups), "--data-dir", str(data)], [])
    trials = range(0, min(4 * MOST, 24), 4 if MOST < 8 else 1)  # the suite: 3 points; `make chaos`: 24
    for at in trials:
        before = {m.file for m in list_backups(backups)}
        serve.kill_at(at, f"serve's write point {at}")
        manifests = list_backups(backups)
        assert len({m.file for m in manifests} - before) <= 1, at
        for manifest in manifests:
            verify_backup(backups, manifest)  # InputError when not whole
        for path in backups.glob("tfreview-*.sqlite3"):  # one without a manifest (yet) is whole too
            assert schema(path)[0] == head_revision(), at
        create.rerun()
        verify_backup(backups, list_backups(backups)[0])
    print(f"\nserve's scheduled backup: killed at {len(trials)} write points")


def test_a_restore_leaves_the_old_or_the_restored_database_at_every_kill_point(tmp_path: Path) -> None:
    data, backups = tmp_path / "data", tmp_path / "backups"
    database = data / "tfreview.db"
    sqlite_cli(tmp_path, data, "db", "upgrade")
    sqlite_cli(tmp_path, data, "tokens", "create", "--tenant", "t", "--scope", "read", "--name", "a")
    sqlite_cli(tmp_path, data, "backup", "create", "--dir", str(backups))
    restore = ["backup", "restore", "--force", "--dir", str(backups), "--data-dir", str(data)]
    command = Command(tmp_path, restore, [data])
    added = iter(range(1000))

    def reset() -> None:  # the live database moves on past the backup
        name = f"b{next(added)}"
        sqlite_cli(tmp_path, data, "tokens", "create", "--tenant", "t", "--scope", "read", "--name", name)
        assert token_names(database) == {"a", name}

    def killed(where: str) -> None:
        assert database.exists(), f"{where}: no database under its name"
        names = token_names(database)
        assert names == {"a"} or (names > {"a"} and len(names) == 2), f"{where}: {names}"

    def rerun() -> None:
        assert token_names(database) == {"a"}
        assert not leftovers(data, set()) & {f".{database.name}.restoring"}, "the staging file outlived the rerun"

    assert kill_everywhere(command, reset, killed, rerun, most=MOST) >= min(MOST, 15)


@pytest.mark.parametrize("taken_by", ["the killed restore", "another file"])
def test_a_restore_rerun_in_the_same_second_as_a_killed_one_keeps_both(tmp_path: Path, taken_by: str) -> None:
    """Killed after keeping the old database (a hard link) and before the swap, a restore rerun within the same
    second found its `before-restore-<second>` name taken (by that very file, or by another restore's) and
    failed with an internal error (SameFileError, exit 3) — found by the all-points run (`make chaos`)."""
    from datetime import UTC, datetime, timedelta

    data, backups = tmp_path / "data", tmp_path / "backups"
    database = data / "tfreview.db"
    sqlite_cli(tmp_path, data, "db", "upgrade")
    sqlite_cli(tmp_path, data, "tokens", "create", "--tenant", "t", "--scope", "read", "--name", "a")
    sqlite_cli(tmp_path, data, "backup", "create", "--dir", str(backups))
    restore = ["backup", "restore", "--force", "--dir", str(backups), "--data-dir", str(data)]
    command = Command(tmp_path, restore, [data])
    points = command.points()  # a whole restore: the database holds "a" only
    swap = points.index("os.rename .tfreview.db.restoring tfreview.db")
    sqlite_cli(tmp_path, data, "tokens", "create", "--tenant", "t", "--scope", "read", "--name", "c")
    for path in data.glob("tfreview.db.before-restore-*"):
        path.unlink()
    command.kill_at(swap, points[swap])
    assert token_names(database) == {"a", "c"}
    (kept,) = data.glob("tfreview.db.before-restore-*")
    assert os.path.samefile(kept, database)
    now = datetime.now(UTC)  # every name the rerun may pick in the next minute is taken as `taken_by` says
    for second in range(60):
        name = data / f"tfreview.db.before-restore-{now + timedelta(seconds=second):%Y%m%dT%H%M%SZ}"
        if not name.exists():
            if taken_by == "the killed restore":
                os.link(database, name)
            else:
                name.write_bytes(b"another restore's kept file")
    others = {p.name for p in data.glob("tfreview.db.before-restore-*") if p.read_bytes()[:7] == b"another"}
    command.rerun()
    assert token_names(database) == {"a"}
    kept_files = list(data.glob("tfreview.db.before-restore-*"))
    assert {p.name for p in kept_files if p.read_bytes()[:7] == b"another"} == others  # none overwritten
    assert any(token_names(p) == {"a", "c"} for p in kept_files if p.read_bytes()[:6] == b"SQLite")


@pytest.mark.chaos_long  # `make chaos` only: no fix touched this path, and it takes 15-30 s
def test_an_audit_killed_at_every_statement_leaves_a_sound_database(tmp_path: Path) -> None:
    data = tmp_path / "data"
    sqlite_cli(tmp_path, data, "db", "upgrade")
    sqlite_cli(tmp_path, data, "tokens", "create", "--tenant", "t", "--scope", "read", "--name", "a")
    command = Command(tmp_path, ["audit", "--data-dir", str(data)], [data], sql=True)

    def killed(where: str) -> None:
        assert token_names(data / "tfreview.db") == {"a"}, where

    assert kill_everywhere(command, lambda: None, killed, lambda: killed("rerun"), most=MOST) >= min(MOST, 20)


# --- PostgreSQL: db upgrade killed after delays spread over a full run -----------------------------------


@pytest.mark.chaos_long  # `make chaos` only: no fix touched this path, and it takes 15-30 s
def test_a_postgres_migration_is_all_or_nothing_when_killed_at_any_time(tmp_path: Path) -> None:
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to test against")
    from sqlalchemy import create_engine, text

    from tests.integration.live import fresh_postgres_database

    with fresh_postgres_database(server, f"tfreview_kill_{uuid.uuid4().hex[:10]}") as url:
        command = Command(tmp_path, ["db", "upgrade"], [], TFREVIEW_DATABASE__URL=url)
        engine = create_engine(url)

        def state() -> tuple[str | None, int]:
            with engine.connect() as conn:
                tables = conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar()
                has_version = conn.execute(text("SELECT to_regclass('public.alembic_version')")).scalar()
                version = text("SELECT version_num FROM alembic_version")
                revision = conn.execute(version).scalar() if has_version else None
            return (str(revision) if revision else None), int(tables or 0)

        def reset() -> None:
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))

        started = time.monotonic()
        command.rerun()
        full = state()
        duration = time.monotonic() - started
        assert full[0] == head_revision()
        trials = max(3, min(MOST, 20))
        try:
            for trial in range(trials):
                reset()
                child = subprocess.Popen(  # the same child as Command.run, killed from outside after a delay
                    [sys.executable, "-m", "tfreview", "db", "upgrade"],
                    env={**{k: v for k, v in os.environ.items() if not k.startswith("TFREVIEW_")}, **command.env},
                    cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
                time.sleep(duration * (trial + 0.5) / trials)
                child.send_signal(signal.SIGKILL)
                child.wait(timeout=60)
                deadline = time.monotonic() + 30
                while True:  # the server ends the dead client's transaction when it next reads from it
                    now = state()
                    if now in (full, (None, 0)) or time.monotonic() > deadline:
                        break
                    time.sleep(0.1)
                assert now in (full, (None, 0)), f"trial {trial}: half-migrated {now}"
                command.rerun()
                assert state() == full
        finally:
            engine.dispose()
        print(f"\npostgres db upgrade: {trials} kills over {duration:.2f} s")


NO_LINKS = """
import errno, os, sys
def _refused(*args, **kwargs):
    raise OSError(errno.EPERM, "Operation not permitted")  # what vfat, SMB and some FUSE mounts answer
os.link = _refused
from tfreview.cli import run
sys.argv = ["tfreview", *{args!r}]
sys.exit(run())
"""


@pytest.mark.chaos_long  # `make chaos` only: 30-60 s at every point
def test_a_restore_where_links_are_refused_keeps_a_whole_copy_or_none_at_every_kill_point(tmp_path: Path) -> None:
    """On a file system without hard links the restore keeps the old database as a copy (`copy_whole`: into
    `<kept>.partial`, fsync'd, renamed; ADR 0543). Killed anywhere: the database is the old one or the restored
    one; every file under a kept name is a whole copy of a database this restore replaced; a rerun restores."""
    data, backups = tmp_path / "data", tmp_path / "backups"
    database = data / "tfreview.db"
    sqlite_cli(tmp_path, data, "db", "upgrade")
    sqlite_cli(tmp_path, data, "tokens", "create", "--tenant", "t", "--scope", "read", "--name", "a")
    sqlite_cli(tmp_path, data, "backup", "create", "--dir", str(backups))
    restore = ["backup", "restore", "--force", "--dir", str(backups), "--data-dir", str(data)]
    command = Command(tmp_path, ["--code", NO_LINKS.format(args=restore)], [data])
    added = iter(range(1000))
    replaced: list[set[str]] = [{"a"}]  # the contents each restore replaced (the first full run: "a" alone)

    def kept() -> list[Path]:
        return [p for p in data.glob("tfreview.db.before-restore-*") if not p.name.endswith(".partial")]

    def reset() -> None:  # the live database moves on past the backup
        sqlite_cli(tmp_path, data, "tokens", "create", "--tenant", "t", "--scope", "read", "--name", f"b{next(added)}")
        replaced.append(token_names(database))

    def killed(where: str) -> None:
        assert database.exists(), f"{where}: no database under its name"
        assert token_names(database) in ({"a"}, replaced[-1]), f"{where}: {token_names(database)}"
        for path in kept():
            assert token_names(path) in replaced, f"{where}: {path.name} is no whole copy"
        assert not [p for p in data.iterdir() if p.is_symlink() or p.stat().st_nlink > 1], f"{where}: a link"

    def rerun() -> None:
        assert token_names(database) == {"a"}
        for path in kept():
            assert token_names(path) in replaced
        assert not {p.name for p in data.iterdir()} & {f".{database.name}.restoring"}, "staging file outlived rerun"
        assert not list(data.glob("*.partial")), "a half copy outlived the rerun"

    assert kill_everywhere(command, reset, killed, rerun, most=MOST) >= min(MOST, 15)
