"""`CoalescedWrites` (web/connection_flow.py, ADR 0450) on a real loop and a real TCP connection: the bytes arrive
whole and in order whatever the grouping, what is held is sent before a close or a shutdown of the write side,
and a large answer written in one turn still reaches the transport's buffer limits (the protocol is paused), so
uvicorn's back-pressure holds."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

from tfreview.web.connection_flow import HOLD_BYTES, CoalescedWrites


class Server(asyncio.Protocol):
    def __init__(self, script: Callable[[CoalescedWrites, Server], None]) -> None:
        self.script = script
        self.paused = 0
        self.paused_in_turn = 0  # pauses seen by the script before its turn ended

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        transport.set_write_buffer_limits(high=16 * 1024)
        self.script(CoalescedWrites(transport, asyncio.get_running_loop()), self)

    def pause_writing(self) -> None:
        self.paused += 1


async def _exchange(script: Callable[[CoalescedWrites, Server], None], read_after: float = 0.0) -> tuple[bytes, int]:
    loop = asyncio.get_running_loop()
    made: list[Server] = []

    def factory() -> Server:
        made.append(Server(script))
        return made[-1]

    server = await loop.create_server(factory, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting: small windows
    client.setblocking(False)
    await loop.sock_connect(client, ("127.0.0.1", port))
    try:
        await asyncio.sleep(read_after)  # the client reads nothing yet: the server's buffer fills
        received = b""
        while True:
            chunk = await loop.sock_recv(client, 65536)
            if not chunk:
                break
            received += chunk
    finally:
        client.close()
        server.close()
        await server.wait_closed()
    return received, made[0].paused_in_turn


def test_writes_of_one_turn_arrive_whole_and_in_order_and_close_sends_what_is_held() -> None:
    def answer(transport: CoalescedWrites, _: Server) -> None:
        transport.write(b"HTTP/1.1 202 Accepted\r\ncontent-length: 4\r\n\r\n")
        transport.write(bytearray(b"body"))
        transport.writelines([b"-", memoryview(b"more")])
        transport.close()  # in the same turn: what is held goes first

    received, _ = asyncio.run(_exchange(answer))
    assert received == b"HTTP/1.1 202 Accepted\r\ncontent-length: 4\r\n\r\nbody-more"


def test_a_shutdown_of_the_write_side_sends_what_is_held_first() -> None:
    def answer(transport: CoalescedWrites, _: Server) -> None:
        transport.write(b"first ")
        transport.write(b"second")
        transport.write_eof()

    received, _ = asyncio.run(_exchange(answer))
    assert received == b"first second"


def test_a_large_answer_written_in_one_turn_still_pauses_the_writer() -> None:
    piece = b"x" * 8192
    pieces = 4 * HOLD_BYTES // len(piece)

    def answer(transport: CoalescedWrites, protocol: Server) -> None:
        for _ in range(pieces):
            transport.write(piece)
        protocol.paused_in_turn = protocol.paused  # before the turn ends (and before close sends anything held)
        transport.close()

    received, paused = asyncio.run(_exchange(answer, read_after=0.2))
    assert received == piece * pieces
    assert paused >= 1  # past HOLD_BYTES the writes reached the transport, whose high-water mark paused the writer
