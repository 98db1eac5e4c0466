"""What a server's round spends, split so the round-over-round drift can be told apart (issue 13, drift10).

`benchmarks/intake.py --split` takes a `Sample` of the server process before and after its flat-out run: user and
system CPU (/proc/<pid>/stat utime/stime: every thread of the process, ended ones included), minor and major page
faults (minflt/majflt), voluntary and involuntary context switches summed over its live threads
(/proc/<pid>/task/*/status), and the machine's CPU time by kind from /proc/stat (steal: what the hypervisor took
from this VM; iowait; softirq) and the kernel's reclaim counters from /proc/vmstat (pages scanned and stolen by
kswapd and direct reclaim, the page cache's refaults). `--drop-caches` writes 1 to /proc/sys/vm/drop_caches (root;
after a `sync`) before each round: every round then starts from the same page cache. `--data-root DIR` puts each
round's fresh data directory under DIR (e.g. /dev/shm, a tmpfs) instead of the temp dir on disk.

`neighbours()` (intake13) reads the CPU so far of this machine's PostgreSQL processes by kind (checkpointer,
background writer, walwriter, autovacuum, client backends…) and the sectors written to its disks: a `tfr-pg`
round leaves the server a spread checkpoint and dirty pages to write while the next rounds run, and
`Neighbours.line` says what they took during a round.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_MACHINE_FIELDS = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")
_VMSTAT = ("pgscan_kswapd", "pgscan_direct", "pgsteal_kswapd", "pgsteal_direct", "workingset_refault_file")


@dataclass(frozen=True)
class Sample:
    """One moment of a server process and of the machine around it."""

    user: float  # seconds, every thread of the process
    system: float
    minflt: int
    majflt: int
    voluntary: int  # context switches of its live threads
    involuntary: int
    machine: dict[str, float]  # /proc/stat's cpu line, seconds by kind, all CPUs
    vmstat: dict[str, int]


@dataclass(frozen=True)
class Split:
    """What a run spent between two samples, per accepted delivery where it says so."""

    user_ms: float
    system_ms: float
    minflt: float  # per delivery
    majflt: float
    voluntary: float
    involuntary: float
    steal_s: float  # machine-wide seconds over the run
    iowait_s: float
    softirq_s: float
    reclaimed: int  # pages the kernel scanned for reclaim over the run (kswapd + direct)
    refaults: int  # page-cache pages read back after reclaim

    def line(self) -> str:
        return (
            f"user {self.user_ms:.2f} + system {self.system_ms:.2f} ms per delivery "
            f"({100 * self.system_ms / max(1e-9, self.user_ms + self.system_ms):.0f} % system); per delivery "
            f"{self.minflt:.1f} minor / {self.majflt:.2f} major faults, {self.voluntary:.1f} voluntary / "
            f"{self.involuntary:.2f} involuntary switches; machine: steal {self.steal_s:.2f} s, iowait "
            f"{self.iowait_s:.2f} s, softirq {self.softirq_s:.2f} s, reclaim scanned {self.reclaimed} pages, "
            f"refaults {self.refaults}"
        )


def sample(pid: int) -> Sample:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    voluntary = involuntary = 0
    with contextlib.suppress(OSError):
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/task/{tid}/status").read_text().splitlines():
                    if line.startswith("voluntary_ctxt_switches:"):
                        voluntary += int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt_switches:"):
                        involuntary += int(line.split()[1])
    return Sample(
        user=int(fields[11]) / CLOCK_TICKS,
        system=int(fields[12]) / CLOCK_TICKS,
        minflt=int(fields[7]),
        majflt=int(fields[9]),
        voluntary=voluntary,
        involuntary=involuntary,
        machine=_machine(),
        vmstat=_vmstat(),
    )


@dataclass(frozen=True)
class Neighbours:
    """What else ran on the machine that a round can leave behind: PostgreSQL's processes' CPU seconds by kind and
    the megabytes written to the disks so far."""

    postgres: dict[str, float]
    written_mib: float

    def line(self, before: Neighbours) -> str:
        spent = {kind: s - before.postgres.get(kind, 0.0) for kind, s in self.postgres.items()}
        busy = ", ".join(f"{kind} {s:.2f} s" for kind, s in sorted(spent.items(), key=lambda i: -i[1]) if s > 0)
        return f"PostgreSQL {busy or 'idle'}; disks wrote {self.written_mib - before.written_mib:.0f} MiB"


def neighbours() -> Neighbours:
    """The CPU so far of every live PostgreSQL process on the machine, summed by kind (its `postgres: …` title
    without the cluster's name and the client's details), and the MiB written to whole disks since boot."""
    found: dict[str, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            if Path(f"/proc/{entry}/comm").read_text().strip() != "postgres":
                continue
            title = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            words = title.removeprefix("postgres:").split()
            if words and words[0].endswith("/main:"):  # Debian's "15/main:" cluster name
                words = words[1:]
            kind = "postmaster" if not title.startswith("postgres:") or not words else _kind(words)
            found[kind] = found.get(kind, 0.0) + (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return Neighbours(found, _written_mib())


def _kind(words: list[str]) -> str:
    if words[0] in ("checkpointer", "walwriter", "autovacuum", "logical") or words[:2] == ["background", "writer"]:
        return " ".join(words[:2]) if words[0] in ("background", "autovacuum", "logical") else words[0]
    return "client backends"


def _written_mib() -> float:
    sectors = 0
    for line in Path("/proc/diskstats").read_text().splitlines():
        fields = line.split()
        if fields[2].startswith(("loop", "ram", "dm-", "sr")) or not Path(f"/sys/block/{fields[2]}").exists():
            continue
        sectors += int(fields[9])
    return sectors * 512 / 2**20


def split(before: Sample, after: Sample, accepted: int) -> Split:
    n = max(1, accepted)
    vm = {key: after.vmstat.get(key, 0) - before.vmstat.get(key, 0) for key in _VMSTAT}
    spent = {key: after.machine[key] - before.machine[key] for key in _MACHINE_FIELDS}
    return Split(
        user_ms=(after.user - before.user) * 1000 / n,
        system_ms=(after.system - before.system) * 1000 / n,
        minflt=(after.minflt - before.minflt) / n,
        majflt=(after.majflt - before.majflt) / n,
        voluntary=(after.voluntary - before.voluntary) / n,
        involuntary=(after.involuntary - before.involuntary) / n,
        steal_s=spent["steal"],
        iowait_s=spent["iowait"],
        softirq_s=spent["softirq"],
        reclaimed=vm["pgscan_kswapd"] + vm["pgscan_direct"],
        refaults=vm["workingset_refault_file"],
    )


def thread_split(pid: int) -> dict[int, tuple[str, float, float]]:
    """tid → (kernel thread name, user s, system s) of every live thread of `pid` (names from /proc: Python sets
    none, so they are the process's; the caller names them with py-spy where it can)."""
    found: dict[int, tuple[str, float, float]] = {}
    with contextlib.suppress(OSError):
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
                name = stat.split("(", 1)[1].rsplit(")", 1)[0]
                fields = stat.rsplit(")", 1)[1].split()
                found[int(tid)] = (name, int(fields[11]) / CLOCK_TICKS, int(fields[12]) / CLOCK_TICKS)
    return found


def threads_line(
    before: dict[int, tuple[str, float, float]], after: dict[int, tuple[str, float, float]], names: dict[int, str]
) -> str:
    """user/system seconds of the run grouped by thread kind (py-spy's names, digits folded), busiest first."""
    groups: dict[str, list[float]] = {}
    for tid, (comm, user, system) in after.items():
        _, user0, system0 = before.get(tid, (comm, 0.0, 0.0))
        kind = "".join("N" if c.isdigit() else c for c in names.get(tid, comm))
        spent = groups.setdefault(kind, [0.0, 0.0])
        spent[0] += user - user0
        spent[1] += system - system0
    busiest = sorted(groups.items(), key=lambda item: -(item[1][0] + item[1][1]))
    return ", ".join(f"{kind} {user:.2f}u/{system:.2f}s" for kind, (user, system) in busiest if user + system > 0)


def database_shape(data: Path) -> str:
    """The SQLite database of a data directory: pages, free pages, and how scattered the jobs and deliveries
    tables' pages are (dbstat, where the sqlite3 build has it), read-only beside the running server."""
    found = sorted(data.glob("*.db"))
    if not found:
        return "no database"
    uri = f"file:{found[0]}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=30)) as db:
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        free = db.execute("PRAGMA freelist_count").fetchone()[0]
        parts = [f"{pages} pages, {free} free"]
        with contextlib.suppress(sqlite3.Error):
            for table in ("jobs", "deliveries"):
                rows = db.execute("SELECT pageno FROM dbstat WHERE name = ? ORDER BY path", (table,)).fetchall()
                jumps = sum(1 for a, b in itertools.pairwise(rows) if b[0] != a[0] + 1)
                parts.append(f"{table} {len(rows)} pages, {jumps} non-contiguous")
    return "; ".join(parts)


def calibrate(rounds: int = 5) -> float:
    """The machine's speed now, as this process sees it: CPU µs (process_time, the median of `rounds`) of one
    fixed pure-Python loop (hashing, a dict, string formatting — the same instructions every time). When a
    server's CPU per delivery rises from one round to the next and this rises with it, the CPU got slower (the
    host, a neighbour, the cache), not the server's work larger."""
    import hashlib
    import statistics
    import time

    spent = []
    for _ in range(rounds):
        begun = time.process_time()
        table: dict[str, int] = {}
        digest = b"x"
        for n in range(20000):
            digest = hashlib.sha256(digest).digest()
            table[f"{n}:{digest[:4].hex()}"] = n
        spent.append((time.process_time() - begun) * 1e6)
    return statistics.median(spent)


def drop_caches() -> None:
    """Write back and drop the clean page cache (the machine's, not only this run's): root only."""
    os.sync()
    Path("/proc/sys/vm/drop_caches").write_text("1\n")


def _machine() -> dict[str, float]:
    line = Path("/proc/stat").read_text().splitlines()[0].split()
    return {key: int(value) / CLOCK_TICKS for key, value in zip(_MACHINE_FIELDS, line[1:], strict=False)}


def _vmstat() -> dict[str, int]:
    found: dict[str, int] = {}
    for line in Path("/proc/vmstat").read_text().splitlines():
        key, _, value = line.partition(" ")
        if key in _VMSTAT:
            found[key] = int(value)
    return found


def _write_round(directory: str, deliveries: int) -> str:
    """One fresh process's durable intake of `deliveries` 28 KB rows into a fresh SQLite file (WAL,
    synchronous=FULL, one commit each, as the naive prototype does): its user/system ms per row and faults."""
    import subprocess
    import sys
    import tempfile

    code = (
        "import os, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1] + '/probe.db', isolation_level=None)\n"
        "db.execute('PRAGMA journal_mode=WAL'); db.execute('PRAGMA synchronous=FULL')\n"
        "db.execute('CREATE TABLE d (id INTEGER PRIMARY KEY, k TEXT UNIQUE, p BLOB)')\n"
        "body = os.urandom(28678)\n"
        "t = os.times()\n"
        "for n in range(int(sys.argv[2])):\n"
        "    db.execute('INSERT INTO d (k, p) VALUES (?, ?)', (str(n), body))\n"
        "u = os.times()\n"
        "f = open('/proc/self/stat').read().rsplit(')', 1)[1].split()\n"
        "print(u.user - t.user, u.system - t.system, f[7], f[9])\n"
    )
    with tempfile.TemporaryDirectory(prefix="tfreview-bench-probe-", dir=directory) as data:
        argv = [sys.executable, "-c", code, data, str(deliveries)]
        out = subprocess.run(argv, check=True, capture_output=True, text=True)
        user, system, minflt, majflt = out.stdout.split()
    n = max(1, deliveries)
    return (
        f"user {float(user) * 1000 / n:.3f} + system {float(system) * 1000 / n:.3f} ms per row, "
        f"{int(minflt) / n:.1f} minor / {int(majflt) / n:.2f} major faults per row"
    )


def main() -> None:
    """Round after round of the same durable writes in a fresh process and directory: does their CPU rise?"""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--rows", type=int, default=6000)
    parser.add_argument("--dirs", default=f"{tempfile.gettempdir()},/dev/shm", help="comma-separated, alternated")
    parser.add_argument("--drop-caches", action="store_true")
    args = parser.parse_args()
    for n in range(args.rounds):
        for directory in args.dirs.split(","):
            if args.drop_caches:
                drop_caches()
            print(f"round {n + 1} {directory}: {_write_round(directory, args.rows)}", flush=True)


if __name__ == "__main__":
    main()
