"""A real egress proxy on 127.0.0.1, as a corporate Squid would be: it forwards `GET http://host/...` (absolute-form)
and tunnels `CONNECT host:port`, and records every request that passed through it.

    with EgressProxy() as proxy:                          # proxy.url: http://127.0.0.1:PORT
        ...                                               # HTTP_PROXY / HTTPS_PROXY = proxy.url (or with user:secret@)
        proxy.seen                                        # [Passed(method, target, proxy_authorization)]
    EgressProxy(refuse=407)  /  EgressProxy(refuse=502)   # answers every request with that status (and no tunnel)
    EgressProxy(refuse="close")                           # closes every connection without a word

Only loopback targets are reached (anything else is answered 502): a test can never send traffic past the machine.
A forwarded request goes upstream with `Connection: close` and without the `Proxy-*` headers; the answer is
relayed byte for byte and the client connection is closed after it.
"""

from __future__ import annotations

import contextlib
import select
import socket
import socketserver
import threading
from dataclasses import dataclass
from typing import Literal, Self
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "localhost"}


@dataclass(frozen=True)
class Passed:
    method: str
    target: str  # the absolute URL forwarded, or host:port tunnelled
    proxy_authorization: str | None


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        owner = self.server.owner
        client: socket.socket = self.request
        head = _read_head(client)
        if head is None:
            return
        raw_head, rest = head
        lines = raw_head.decode("latin-1").split("\r\n")
        method, target, version = [*lines[0].split(" "), "", "", ""][:3]
        headers = [line.split(":", 1) for line in lines[1:] if ":" in line]
        authorization = next((v.strip() for k, v in headers if k.strip().lower() == "proxy-authorization"), None)
        owner.seen.append(Passed(method, target, authorization))
        if owner.refuse == "close":
            return
        if owner.refuse is not None:
            client.sendall(
                f"HTTP/1.1 {owner.refuse} Refused\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".encode()
            )
            return
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            upstream = _loopback(client, host, int(port or 443))
            if upstream is not None:
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                _relay(client, upstream, rest)
            return
        url = urlsplit(target)
        upstream = _loopback(client, url.hostname or "", url.port or 80)
        if upstream is None:
            return
        kept = [f"{k}:{v}" for k, v in headers if k.strip().lower() not in {"connection", "proxy-authorization"}]
        path = url.path + (f"?{url.query}" if url.query else "")
        forwarded = "\r\n".join([f"{method} {path or '/'} {version}", *kept, "Connection: close", "", ""])
        upstream.sendall(forwarded.encode("latin-1") + rest)
        _relay(client, upstream, b"")


def _loopback(client: socket.socket, host: str, port: int) -> socket.socket | None:
    if host.strip("[]") not in LOOPBACK:
        client.sendall(b"HTTP/1.1 502 Not Loopback\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        return None
    try:
        return socket.create_connection(("127.0.0.1", port), timeout=10)
    except OSError:
        client.sendall(b"HTTP/1.1 502 Unreachable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        return None


def _read_head(sock: socket.socket) -> tuple[bytes, bytes] | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk or len(data) > 65536:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _relay(client: socket.socket, upstream: socket.socket, pending: bytes) -> None:
    """Bytes both ways until either side closes (the body of a forwarded request follows its head as it comes)."""
    with upstream:
        if pending:
            upstream.sendall(pending)
        sockets = [client, upstream]
        while True:
            readable, _, _ = select.select(sockets, [], [], 30)
            if not readable:
                return
            for sock in readable:
                try:
                    data = sock.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                (upstream if sock is client else client).sendall(data)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: EgressProxy


class EgressProxy:
    def __init__(self, *, refuse: int | Literal["close"] | None = None) -> None:
        self.refuse = refuse
        self.seen: list[Passed] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url_with(self, user: str, password: str) -> str:
        return self.url.replace("http://", f"http://{user}:{password}@")

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        with contextlib.suppress(OSError):
            self._server.server_close()
        self._thread.join(timeout=10)


class TlsFront:
    """TLS in front of a plain loopback server, with a certificate for 127.0.0.1 from `ca` (`tls_authority`): the
    https:// endpoint a CONNECT tunnel reaches. Each connection is decrypted and relayed to `backend_port`."""

    def __init__(self, backend_port: int, cert_file: str, key_file: str) -> None:
        import ssl

        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.load_cert_chain(cert_file, key_file)
        self._backend_port = backend_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"https://127.0.0.1:{self.port}"
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        self._listener.settimeout(0.2)
        while not self._stopping.is_set():
            try:
                raw, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._one, args=(raw,), daemon=True).start()

    def _one(self, raw: socket.socket) -> None:
        import ssl

        try:
            raw.settimeout(10)
            secure = self._context.wrap_socket(raw, server_side=True)
        except (OSError, ssl.SSLError):
            raw.close()
            return
        with secure:
            backend = socket.create_connection(("127.0.0.1", self._backend_port), timeout=10)
            secure.settimeout(None)
            _relay(secure, backend, b"")

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._listener.close()
        self._thread.join(timeout=10)


def tls_authority(directory: str) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (its own CA): (cert file, key file) written in `directory`. The
    cert file is what SSL_CERT_FILE names so that httpx trusts the `TlsFront`."""
    import datetime
    import ipaddress
    from pathlib import Path

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tfreview test loopback")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file = Path(directory) / "loopback-cert.pem"
    key_file = Path(directory) / "loopback-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_file), str(key_file)
