"""A TCP fault proxy on loopback for the chaos suite: the service talks to it instead of its dependency
(PostgreSQL at 127.0.0.1:5432), and a scenario cuts, stalls and restores the link while the service runs.

- `cut()`: every open connection is reset (RST) and new ones are refused (the listening socket is closed):
  what a service sees when its database host goes away;
- `stall()`: connections stay open but no byte moves in either direction (a black-holed network);
- `restore()`: listening again on the same port, bytes flow again.

Threaded (one accept thread, two pump threads per connection); never binds anything but 127.0.0.1."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from types import TracebackType

_CHUNK = 65536


class FaultProxy:
    def __init__(self, target_port: int, *, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.accepted = 0
        self.refused_while_cut = 0
        self._flowing = threading.Event()
        self._flowing.set()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._closed = False

    # --- life ----------------------------------------------------------------------------------
    def start(self) -> FaultProxy:
        self._listen()
        return self

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._closed = True
        self._flowing.set()
        self._drop_all()

    # --- faults --------------------------------------------------------------------------------
    def cut(self) -> None:
        """Reset every connection and refuse new ones until restore()."""
        self._drop_all()

    def stall(self) -> None:
        """Keep connections open but move no byte until restore()."""
        self._flowing.clear()

    def restore(self) -> None:
        self._flowing.set()
        with self._lock:
            listening = self._listener is not None
        if not listening and not self._closed:
            self._listen()

    @property
    def connections(self) -> int:
        with self._lock:
            return sum(1 for s in self._sockets if s is not self._listener) // 2

    # --- plumbing ------------------------------------------------------------------------------
    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self.port = listener.getsockname()[1]
        with self._lock:
            self._listener = listener
            self._sockets.add(listener)
        threading.Thread(target=self._accept, args=(listener,), name="fault-proxy-accept", daemon=True).start()

    def _drop_all(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, set()
            self._listener = None
        for sock in sockets:
            with contextlib.suppress(OSError):  # SO_LINGER 0: close() sends RST, as a vanished host's stack would
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # closed by cut() or close()
                return
            try:
                upstream = socket.create_connection(self.target, timeout=10)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    self.refused_while_cut += 1
                    client.close()
                    upstream.close()
                    continue
                self._sockets.update((client, upstream))
                self.accepted += 1
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), name="fault-proxy-pump", daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(_CHUNK):
                self._flowing.wait()  # a stall holds the bytes here
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):  # one side ended: the other is ended too, as a TCP proxy does
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with self._lock:
                    self._sockets.discard(sock)
                sock.close()
