"""The sampler of intake_tail.py, a process of its own (its reads must not take the paced client's interpreter lock):
every PERIOD seconds, the scheduler's counters (`/proc/<tid>/schedstat`: ns on a CPU, ns waiting on a run queue) of
the server's event loop (tid = pid) and intake writer, of the paced client, of the server's review processes (its
child processes, summed; looked up every 50 periods) and, every 10 periods, of the server's other threads; and which
system call the event loop and the writer are blocked in (`/proc/<tid>/syscall`: R running, F futex — the GIL or a
lock —, E epoll or poll — idle —, S fsync/fdatasync, O other). It prints "sampling" once its first look is taken,
and writes its lines to OUT when its stdin ends:

    <monotonic s> <loop on> <loop wait> <R|F|E|O> <writer on> <writer wait> <client on> <client wait>
        <review processes on> <review processes wait> <other threads on, 0 when not read> <writer's R|F|E|S|O>

    intake_tail_sampler.py OUT PERIOD SERVER_PID WRITER_TID CLIENT_PID
"""

from __future__ import annotations

import os
import select
import sys
import time
from pathlib import Path

# x86-64 system call numbers: futex; epoll_wait, epoll_pwait(2), poll, pselect6; fsync, fdatasync
FUTEX, EPOLL, FSYNC = {"202"}, {"232", "281", "441", "7", "270"}, {"74", "75"}


def kind(call: str) -> str:
    if call == "running":
        return "R"
    if call in FUTEX:
        return "F"
    if call in EPOLL:
        return "E"
    return "S" if call in FSYNC else "O"


class Proc:
    """/proc files kept open and read again with pread (cheap enough for a look per millisecond)."""

    def __init__(self) -> None:
        self.files: dict[str, int] = {}

    def read(self, path: str) -> str:
        fd = self.files.get(path)
        if fd is None:
            fd = self.files[path] = os.open(path, os.O_RDONLY)
        return os.pread(fd, 4096, 0).decode()

    def forget(self, path: str) -> None:
        fd = self.files.pop(path, None)
        if fd is not None:
            os.close(fd)

    def schedstat(self, path: str) -> tuple[int, int]:
        try:
            on, wait, _ = self.read(path).split()
            return int(on), int(wait)
        except (OSError, ValueError):
            return 0, 0

    def call(self, path: str) -> str:
        try:
            return kind(self.read(path).split(" ", 1)[0].strip())
        except OSError:
            return "O"


class Reviews:
    """The server's child processes (any of its threads may have started one), their counters summed; those that
    ended keep their last counters in the sums."""

    def __init__(self, proc: Proc, server: int) -> None:
        self.proc = proc
        self.server = server
        self.last: dict[int, tuple[int, int]] = {}
        self.ended = [0, 0]

    def look_up(self) -> None:
        kids: set[int] = set()
        for tid in os.listdir(f"/proc/{self.server}/task"):
            try:
                kids.update(int(p) for p in Path(f"/proc/{self.server}/task/{tid}/children").read_text().split())
            except OSError:
                continue
        for pid in [p for p in self.last if p not in kids]:
            on, wait = self.last.pop(pid)
            self.ended[0] += on
            self.ended[1] += wait
            self.proc.forget(f"/proc/{pid}/schedstat")
        for pid in kids:
            self.last.setdefault(pid, (0, 0))

    def counters(self) -> tuple[int, int]:
        for pid in self.last:
            found = self.proc.schedstat(f"/proc/{pid}/schedstat")
            if found != (0, 0):  # (0, 0): it ended between two looks
                self.last[pid] = found
        return (
            sum(v[0] for v in self.last.values()) + self.ended[0],
            sum(v[1] for v in self.last.values()) + self.ended[1],
        )


def sample(out: Path, every: float, server: int, writer: int, client: int) -> None:
    proc = Proc()
    reviews = Reviews(proc, server)
    others = [int(t) for t in os.listdir(f"/proc/{server}/task") if int(t) not in (server, writer)]
    task = f"/proc/{server}/task"
    lines: list[str] = []
    tick = 0
    while True:
        if tick % 50 == 0:  # review processes come and go
            reviews.look_up()
        now = time.monotonic()
        loop = proc.schedstat(f"{task}/{server}/schedstat")
        loop_call = proc.call(f"{task}/{server}/syscall")
        wr = proc.schedstat(f"{task}/{writer}/schedstat") if writer else (0, 0)
        wr_call = proc.call(f"{task}/{writer}/syscall") if writer else "O"
        cl = proc.schedstat(f"/proc/{client}/task/{client}/schedstat")
        rv = reviews.counters()
        other = sum(proc.schedstat(f"{task}/{t}/schedstat")[0] for t in others) if tick % 10 == 0 else 0
        lines.append(
            f"{now:.6f} {loop[0]} {loop[1]} {loop_call} {wr[0]} {wr[1]} {cl[0]} {cl[1]} {rv[0]} {rv[1]} {other} "
            f"{wr_call}"
        )
        if tick == 0:
            print("sampling", flush=True)
        tick += 1
        if select.select([sys.stdin], [], [], every)[0]:  # readable: EOF, the run is over
            break
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    out, period, server, writer, client = sys.argv[1:6]
    sample(Path(out), float(period), int(server), int(writer), int(client))
