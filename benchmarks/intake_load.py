"""The load of the intake benchmark: pre-signed deliveries, wrk flat out, and a paced client at a fixed rate.

Deliveries are raw HTTP/1.1 requests built and signed beforehand (distinct pull_request.opened bodies of
~28 KB: PR number and head SHA vary, so each makes its own job; a unique X-GitHub-Delivery each), so
neither client spends time on JSON or HMAC while measuring.

* `saturate`: wrk (C, epoll; Debian's package) with benchmarks/intake.lua replays them flat out, each once;
* `paced`: a constant-rate client (wrk2-style: Debian's wrk has no -R) on raw asyncio sockets; latency is
  measured from each request's SCHEDULED start, so a stalled server cannot hide its queue (no coordinated
  omission).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
PAYLOAD = HERE.parent / "tests" / "integration" / "data" / "github.pull_request.opened.payload.json"
TARGET_BYTES = 28 * 1024


def _padded_template() -> dict[str, object]:
    """The recorded delivery, its PR body padded so the whole JSON is ~28 KB like a real GitHub delivery."""
    template = json.loads(PAYLOAD.read_bytes())
    size = len(json.dumps(template).encode())
    body = template["pull_request"].get("body") or ""
    template["pull_request"]["body"] = body + "x" * max(0, TARGET_BYTES - size)
    return template


def write_deliveries(
    path: Path,
    count: int,
    secret: str,
    *,
    first: int,
    shape: Callable[[int, dict[str, Any]], None] | None = None,
) -> int:
    """Write `count` signed raw requests to `path` (see intake.lua for the format); their size in bytes.
    `shape(n, document)`, when given, edits delivery n's document before it is signed (intake_busy.py: the
    repository, installation and SHAs of a pull request the fake GitHub serves)."""
    template = _padded_template()
    pull = template["pull_request"]
    assert isinstance(pull, dict)
    size = 0
    with path.open("wb") as out:
        for n in range(first, first + count):
            template["number"] = 1000 + n
            pull["number"] = 1000 + n
            pull["head"]["sha"] = hashlib.sha1(str(n).encode()).hexdigest()
            if shape is not None:
                shape(n, template)
            body = json.dumps(template).encode()
            size = len(body)
            signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            head = (
                "POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"X-GitHub-Event: pull_request\r\nX-GitHub-Delivery: {uuid.uuid4()}\r\n"
                f"X-Hub-Signature-256: {signature}\r\nUser-Agent: GitHub-Hookshot/bench\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            raw = head + body
            out.write(b"%010d" % len(raw) + raw)
    return size


def read_deliveries(path: Path) -> list[bytes]:
    data = path.read_bytes()
    found, at = [], 0
    while at < len(data):
        length = int(data[at : at + 10])
        found.append(data[at + 10 : at + 10 + length])
        at += 10 + length
    return found


@dataclass(frozen=True)
class Load:
    accepted: int  # 202: a new delivery, durably stored
    other_2xx: int
    failed: int  # non-2xx answers, socket errors, deliveries left unanswered
    seconds: float
    p50_ms: float
    p99_ms: float
    said: tuple[str, ...] = ()  # what the failed ones were: wrk's first non-2xx answers and socket errors, or the paced

    @property
    def per_second(self) -> float:
        return self.accepted / self.seconds if self.seconds else 0.0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def saturate(url: str, requests: Path, *, seconds: float, connections: int, threads: int, cycle: bool) -> Load:
    """wrk flat out: new deliveries for `seconds` at most (or until each was sent once), then every answer
    awaited — unless `cycle` (the bare endpoint), which replays them for exactly `seconds`."""
    # durable servers: wrk's -d is only a backstop; the script stops each thread once its deliveries are answered
    budget = seconds if cycle else seconds + 60
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{budget:g}s", "--timeout", "30s", "--latency"]
    argv += ["-s", str(HERE / "intake.lua"), url, "--", str(requests), str(threads), f"{seconds:g}"]
    if cycle:
        argv.append("cycle")
    stdout, stderr = _wrk(argv, threads=0 if cycle else threads, timeout=budget + 60)
    match = re.search(r"RESULT (.*)", stdout)
    if match is None:
        raise SystemExit(f"wrk failed: {stdout}\n{stderr}")
    fields = dict(part.split("=") for part in match.group(1).split())
    lines = (line.strip() for line in stdout.splitlines())
    said = tuple(line for line in lines if line.startswith(("non-2xx answer:", "Socket errors:")))
    return Load(
        accepted=int(fields["accepted"]),
        other_2xx=int(fields["other"]),
        failed=int(fields["failed"]) + int(fields["unanswered"]),
        seconds=float(fields["seconds"]),
        p50_ms=float(fields["p50_ms"]),
        p99_ms=float(fields["p99_ms"]),
        said=said,
    )


def _wrk(argv: list[str], *, threads: int, timeout: float) -> tuple[str, str]:
    """Run wrk; once `threads` threads said "thread done" on stderr, SIGINT it: its main thread sleeps out the
    whole -d otherwise (then joins the threads, prints, calls done()), which left every run idle ~60 s."""
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    lines: list[str] = []
    if threads:
        finished = 0
        for line in process.stderr:  # EOF when wrk exits on its own (the -d backstop, an error)
            if line.startswith("intake.lua: thread done"):
                finished += 1
                if finished == threads:
                    process.send_signal(signal.SIGINT)
                    break
            else:
                lines.append(line)
    try:
        stdout, rest = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, rest = process.communicate()
    return stdout, "".join(lines) + rest


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> int:
    writer.write(raw)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    match = re.search(rb"(?i)content-length:\s*(\d+)", head)
    if match:
        await reader.readexactly(int(match.group(1)))
    return status


def _reusable(
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]],
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
    """An idle connection the server has not ended, or None. Every server here is uvicorn, which ends a keep-alive
    connection idle for 5 s (`timeout_keep_alive`): after a latency spike the run holds more connections than it
    needs, and one reused past that had its delivery written into a closed connection and counted as failed — the
    "1 failed" of tfr-busy rounds (review21b), a client artifact, not a delivery refused or lost."""
    while idle:
        reader, writer = idle.pop()
        if not reader.at_eof() and not writer.is_closing():
            return reader, writer
        writer.close()
    return None


async def _paced(url: str, batch: list[bytes], rate: float) -> Load:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    latencies: list[float] = []
    counts = {"accepted": 0, "other": 0, "failed": 0}
    said: list[str] = []

    async def one(raw: bytes, scheduled: float) -> None:
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        reused = _reusable(idle)
        connection = reused or await asyncio.open_connection(host, port)
        try:
            status = await _exchange(*connection, raw)
        except (OSError, asyncio.IncompleteReadError) as exc:
            counts["failed"] += 1
            said.append(f"paced: {type(exc).__name__} on a {'reused' if reused else 'new'} connection")
            connection[1].close()
        else:
            idle.append(connection)
            kind = "accepted" if status == 202 else "other" if 200 <= status < 300 else "failed"
            counts[kind] += 1
            if kind == "failed":
                said.append(f"paced: answered {status}")
        latencies.append((time.perf_counter() - scheduled) * 1000)

    start = time.perf_counter() + 0.2
    await asyncio.gather(*(one(raw, start + i / rate) for i, raw in enumerate(batch)))
    seconds = time.perf_counter() - start
    for _, writer in idle:
        writer.close()
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")

    return Load(counts["accepted"], counts["other"], counts["failed"], seconds, pct(50), pct(99), tuple(said[:3]))


def paced(url: str, batch: list[bytes], rate: float) -> Load:
    """Send `batch` at a constant `rate` per second; latency from each request's scheduled start."""
    return asyncio.run(_paced(url, batch, rate))
