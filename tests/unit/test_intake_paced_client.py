"""benchmarks/intake_load.py's paced client against a real HTTP server on loopback that ends idle keep-alive
connections, as uvicorn does after its `timeout_keep_alive` (5 s) — every server of benchmarks/intake.py.

A paced run reuses the connections of earlier requests; after a latency spike it holds more than it needs, and one
left idle past the server's keep-alive was reused anyway: the delivery written into a connection the server had
closed, read back as nothing (IncompleteReadError) and counted as "failed" — the "1 failed"/"2 failed" of tfr-busy
rounds (benchmarks/README.md, review21b), a client artifact, never a delivery the server refused or lost.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
KEEP_ALIVE_SECONDS = 0.05  # the server's: far below the client's spacing, so every reuse would meet a closed one
RATE = 2.0  # requests per second: 0.5 s apart


def _intake_load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("intake_load", BENCHMARKS / "intake_load.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), KEEP_ALIVE_SECONDS)
            except (TimeoutError, asyncio.IncompleteReadError):
                return  # idle past the keep-alive, or the client closed: the server ends the connection
            lines = head.lower().split(b"\r\n")
            length = next((int(line[15:]) for line in lines if line.startswith(b"content-length:")), 0)
            await reader.readexactly(length)
            writer.write(b"HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\n")
            await writer.drain()
    finally:
        writer.close()


@pytest.fixture
def server_port() -> Iterator[int]:
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(asyncio.start_server(_serve, "127.0.0.1", 0))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        asyncio.run_coroutine_threadsafe(_shut(server), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.run_until_complete(asyncio.sleep(0))  # the closed transports' last callbacks
        loop.close()


async def _shut(server: asyncio.Server) -> None:
    """Stop listening and end every connection's handler while the loop still runs: a handler left suspended was
    collected after the loop closed, its `writer.close()` raising into whichever test ran next (a fresh-clone CI
    failed test_json_documents with this test's "Event loop is closed")."""
    server.close()
    await server.wait_closed()
    handlers = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in handlers:
        task.cancel()
    await asyncio.gather(*handlers, return_exceptions=True)


def test_a_paced_run_does_not_reuse_a_connection_its_server_ended(server_port: int) -> None:
    intake_load = _intake_load()
    request = b"POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}"
    load = intake_load.paced(f"http://127.0.0.1:{server_port}", [request] * 4, RATE)
    assert (load.accepted, load.failed) == (4, 0)
