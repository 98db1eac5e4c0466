"""`CoalescedWrites` (web/connection_flow.py, ADR 0450) on a real loop and a real TCP connection: the bytes arrive
whole and in order whatever the grouping, what is held is sent before a close or a shutdown of the write side,
and a large answer written in one turn still reaches the transport's buffer limits (the protocol is paused), so
uvicorn's back-pressure holds."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar, cast

import pytest

from tfreview.web.connection_flow import HOLD_BYTES, CoalescedWrites

T = TypeVar("T")


class Server(asyncio.Protocol):
    def __init__(self, script: Callable[[CoalescedWrites, Server], None]) -> None:
        self.script = script
        self.paused = 0
        self.paused_in_turn = 0  # pauses seen by the script before its turn ended

    def connection_made(self, base: asyncio.BaseTransport) -> None:
        transport = cast(asyncio.Transport, base)  # uvloop's transports are no asyncio.Transport instances
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


# ADR 0651: what is held goes to the socket with os.write (the GIL released) when the transport buffers nothing


class CountingTransport(asyncio.Transport):
    """A transport that counts the writes that reach it and passes everything on."""

    def __init__(self, inner: asyncio.Transport) -> None:
        super().__init__()
        self.inner = inner
        self.writes = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes += 1
        self.inner.write(data)

    def get_write_buffer_size(self) -> int:
        return self.inner.get_write_buffer_size()

    def get_extra_info(self, name: str, default: object = None) -> object:
        return self.inner.get_extra_info(name, default)

    def is_closing(self) -> bool:
        return self.inner.is_closing()

    def close(self) -> None:
        self.inner.close()


def _loops() -> list[Callable[[], asyncio.AbstractEventLoop]]:
    import uvloop  # what `tfreview serve` runs on (uvicorn[standard])

    return [asyncio.new_event_loop, uvloop.new_event_loop]


def _run(main: Callable[[], Awaitable[T]], make_loop: Callable[[], asyncio.AbstractEventLoop]) -> T:
    loop = make_loop()
    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()


@pytest.mark.parametrize("make_loop", _loops(), ids=["asyncio", "uvloop"])
def test_an_answer_that_fits_goes_to_the_socket_and_not_through_the_transports_write(
    make_loop: Callable[[], asyncio.AbstractEventLoop],
) -> None:
    counted: list[CountingTransport] = []

    def answer(transport: CoalescedWrites, _: Server) -> None:
        transport.write(b"head ")
        transport.write(b"body")
        transport._loop.call_later(0.05, transport.close)  # a later turn: the answer was flushed on its own

    def wrap(script: Callable[[CoalescedWrites, Server], None]) -> Callable[[CoalescedWrites, Server], None]:
        def wrapped(transport: CoalescedWrites, protocol: Server) -> None:
            counting = CountingTransport(transport._transport)
            counted.append(counting)
            script(CoalescedWrites(counting, transport._loop), protocol)

        return wrapped

    received, _ = _run(lambda: _exchange(wrap(answer)), make_loop)
    assert received == b"head body"
    assert counted[0].writes == 0  # sent by os.write, without the GIL; nothing was left for the transport


@pytest.mark.parametrize("make_loop", _loops(), ids=["asyncio", "uvloop"])
def test_answers_of_many_turns_to_a_client_that_reads_late_arrive_whole_and_in_order(
    make_loop: Callable[[], asyncio.AbstractEventLoop],
) -> None:
    pieces = [bytes([65 + n % 26]) * (3000 + n * 97) for n in range(60)]  # far past the 4 KiB socket buffers

    def answer(transport: CoalescedWrites, _: Server) -> None:
        loop = transport._loop

        def next_answer(n: int) -> None:  # one answer per turn: the first fill the socket, the rest are buffered
            if n == len(pieces):
                transport.close()
                return
            transport.write(pieces[n])
            loop.call_later(0.001, next_answer, n + 1)

        loop.call_soon(next_answer, 0)

    received, _ = _run(lambda: _exchange(answer, read_after=0.3), make_loop)
    assert received == b"".join(pieces)


@pytest.mark.parametrize("make_loop", _loops(), ids=["asyncio", "uvloop"])
def test_an_answer_to_a_peer_that_reset_is_the_transports_error_as_before(
    make_loop: Callable[[], asyncio.AbstractEventLoop],
) -> None:
    lost: list[BaseException | None] = []

    class Answering(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = CoalescedWrites(cast(asyncio.Transport, transport), asyncio.get_running_loop())

        def data_received(self, data: bytes) -> None:
            loop = asyncio.get_running_loop()
            loop.call_later(0.2, self.answer)  # after the client has reset the connection

        def answer(self) -> None:
            for _ in range(3):  # the first meets the reset; the transport closes; the rest go nowhere
                self.transport.write(b"x" * 100)
                self.transport.flush()

        def connection_lost(self, exc: Exception | None) -> None:
            lost.append(exc)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Answering, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        client.sendall(b"ask")
        await asyncio.sleep(0.05)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()  # RST
        for _ in range(100):
            if lost:
                break
            await asyncio.sleep(0.02)
        server.close()
        await server.wait_closed()

    _run(main, make_loop)
    assert len(lost) == 1
    assert isinstance(lost[0], ConnectionError)  # ECONNRESET or EPIPE, as the transport's own write reports it


def test_a_tls_transport_is_left_to_its_own_write(tmp_path: Path) -> None:
    """Bytes written straight to the socket under TLS would reach the client unencrypted: they never are."""
    import datetime
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_context.load_verify_locations(tmp_path / "cert.pem")

    class Answering(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            coalesced = CoalescedWrites(cast(asyncio.Transport, transport), asyncio.get_running_loop())
            coalesced.write(b"secret ")
            coalesced.write(b"answer")
            coalesced.close()

    async def main() -> bytes:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Answering, "127.0.0.1", 0, ssl=server_context)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, ssl=client_context, server_hostname="localhost"
        )
        received = await reader.read()
        writer.close()
        with contextlib.suppress(ConnectionError, ssl.SSLError):  # the server closed first
            await writer.wait_closed()
        server.close()
        await server.wait_closed()
        return received

    for make_loop in _loops():
        assert _run(main, make_loop) == b"secret answer"
