"""Fakes of the notifiers' destinations, each a real server on 127.0.0.1 speaking the real protocol.

    FakeSlack          a Slack incoming webhook: POST /services/T…/B…/<secret> → 200 "ok"; a wrong path 404
                       "no_service"; a body without `text` 400 "invalid_payload"
    FakePagerDuty      the Events API v2: POST /v2/enqueue → 202 {"status": "success", "dedup_key"}; a bad
                       routing key or event 400 "invalid event"; keeps each alert's state by dedup key
    FakeWebhook        a receiver that verifies X-Tfreview-Signature-256 over "<timestamp>.<body>" (401 if not)
    FakeSmtp           aiosmtpd on a free port, AUTH PLAIN/LOGIN with one user; collects the messages
    TricklingSmtp      greets one byte at a time; TricklingTlsSmtp: its TLS handshake, one byte at a time
    MotoAws            moto's server mode: SNS (and SQS, to subscribe a queue to a topic and read what SNS sent)

The HTTP fakes share the scripted server of the model fakes (`FakeLLMServer`: a script of `Reply`,
`Hang`, ... then the default answer; every request recorded for canary checks).
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import socket
import ssl
import threading
import time
from email.message import EmailMessage
from typing import Any, Self

from tests.fakes.llm_common import Behaviour, FakeLLMServer, RecordedRequest, Reply

SLACK_PATH = "/services/T0000TEST/B0000TEST/"


class FakeSlack(FakeLLMServer):
    def __init__(self, secret: str = "slack-secret-path-0123456789") -> None:
        super().__init__()
        self.secret = secret

    @property
    def webhook_url(self) -> str:
        return f"{self.url}{SLACK_PATH}{self.secret}"

    def key_of(self, request: RecordedRequest) -> str | None:
        return request.path.removeprefix(SLACK_PATH)

    def default(self, request: RecordedRequest) -> Behaviour:
        if request.method != "POST" or request.path != f"{SLACK_PATH}{self.secret}":
            return Reply(404, b"no_service", (("Content-Type", "text/plain"),))
        try:
            text = json.loads(request.body).get("text")
        except (ValueError, AttributeError):
            text = None
        if not isinstance(text, str) or not text:
            return Reply(400, b"invalid_payload", (("Content-Type", "text/plain"),))
        return Reply(200, b"ok", (("Content-Type", "text/plain"),))

    def messages(self) -> list[dict[str, Any]]:
        return [r.json() for r in self.requests if r.path == f"{SLACK_PATH}{self.secret}"]


class FakePagerDuty(FakeLLMServer):
    ACTIONS = ("trigger", "acknowledge", "resolve")
    SEVERITIES = ("critical", "error", "warning", "info")

    def __init__(self, routing_key: str = "R0UTINGKEY0123456789ABCDEFGHIJKL") -> None:
        super().__init__()
        self.routing_key = routing_key
        self.alerts: dict[str, str] = {}  # dedup key → triggered | acknowledged | resolved
        self._alerts_lock = threading.Lock()

    @property
    def events_url(self) -> str:
        return f"{self.url}/v2/enqueue"

    def key_of(self, request: RecordedRequest) -> str | None:
        try:
            return str(request.json().get("routing_key"))
        except ValueError:
            return None

    def default(self, request: RecordedRequest) -> Behaviour:
        if request.path != "/v2/enqueue" or request.method != "POST":
            return Reply.of_json(404, {"status": "not found"})
        try:
            event = request.json()
        except ValueError:
            return _invalid("body is not JSON")
        if event.get("routing_key") != self.routing_key:
            return _invalid("routing_key is invalid")
        action = event.get("event_action")
        if action not in self.ACTIONS:
            return _invalid("event_action is invalid")
        key = event.get("dedup_key")
        if action == "trigger":
            payload = event.get("payload") or {}
            if (
                not payload.get("summary")
                or not payload.get("source")
                or payload.get("severity") not in self.SEVERITIES
            ):
                return _invalid("payload.summary, payload.source and payload.severity are required")
        elif not key:
            return _invalid("dedup_key is required to acknowledge or resolve")
        key = key or f"generated-{len(self.alerts)}"
        with self._alerts_lock:
            state = {"trigger": "triggered", "acknowledge": "acknowledged", "resolve": "resolved"}[action]
            if self.alerts.get(key) != "resolved" or action == "trigger":
                self.alerts[key] = state
        return Reply.of_json(202, {"status": "success", "message": "Event processed", "dedup_key": key})

    def events(self) -> list[dict[str, Any]]:
        return [r.json() for r in self.requests if r.path == "/v2/enqueue"]


def _invalid(why: str) -> Reply:
    return Reply.of_json(400, {"status": "invalid event", "message": "Event object is invalid", "errors": [why]})


class FakeWebhook(FakeLLMServer):
    def __init__(self, secret: str = "webhook-signing-secret-0123456789") -> None:
        super().__init__()
        self.secret = secret

    @property
    def hook_url(self) -> str:
        return f"{self.url}/hooks/tfreview"

    def key_of(self, request: RecordedRequest) -> str | None:
        return request.headers.get("x-tfreview-signature-256")

    def verified(self, request: RecordedRequest) -> bool:
        timestamp = request.headers.get("x-tfreview-timestamp", "")
        expected = (
            "sha256="
            + hmac.new(self.secret.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256).hexdigest()
        )
        return hmac.compare_digest(expected, request.headers.get("x-tfreview-signature-256", ""))

    def default(self, request: RecordedRequest) -> Behaviour:
        if not self.verified(request):
            return Reply.of_json(401, {"error": "bad signature"})
        return Reply.of_json(200, {"received": True})

    def documents(self) -> list[dict[str, Any]]:
        return [r.json() for r in self.requests if self.verified(r)]


class FakeSmtp:
    """aiosmtpd on 127.0.0.1; AUTH (PLAIN, LOGIN) with `username`/`password`, offered without TLS (loopback only).
    With `certificate` (cert file, key file): STARTTLS offered, or implicit TLS from the first byte (`implicit`)."""

    def __init__(
        self,
        username: str = "alerts",
        password: str = "smtp-password-0123456789",
        *,
        certificate: tuple[str, str] | None = None,
        implicit: bool = False,
    ) -> None:
        self.username = username
        self.password = password
        self.certificate = certificate
        self.implicit = implicit
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse_with: str | None = None  # e.g. "451 4.3.0 try again later" for the next DATA
        self._controller: Any = None
        self.port = 0

    def start(self) -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        fake = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                if fake.refuse_with is not None:
                    answer, fake.refuse_with = fake.refuse_with, None
                    return answer
                message = email.message_from_bytes(envelope.content, policy=email.policy.default)
                fake.messages.append(message)  # type: ignore[arg-type]  # policy.default makes EmailMessage
                fake.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
                return "250 Message accepted for delivery"

        def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
            ok = (
                isinstance(data, LoginPassword)
                and data.login.decode() == fake.username
                and data.password.decode() == fake.password
            )
            return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

        tls: dict[str, ssl.SSLContext] = {}
        if self.certificate is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.certificate)
            tls = {"ssl_context": context} if self.implicit else {"tls_context": context}
        self.port = _free_port()
        self._controller = Controller(
            Handler(),
            hostname="127.0.0.1",
            port=self.port,
            authenticator=authenticate,
            auth_require_tls=False,
            auth_required=False,  # offered, not demanded: demanding AUTH without TLS is warned about
            **tls,  # type: ignore[arg-type]  # aiosmtpd's keyword parameters, typed one by one
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class TricklingSmtp:
    """An SMTP server on 127.0.0.1 that greets one byte every `interval` seconds (`220-slow` continuation lines,
    which smtplib reads on as one reply): each read gets a byte well within any per-read timeout, so only a
    deadline for the whole attempt ends it. `dribbled` counts the bytes written; at `ceiling` (~20 s) the greeting
    ends and the connection closes, so a client without such a deadline ends the test late, not never."""

    def __init__(self, *, interval: float = 0.05, ceiling: int = 400) -> None:
        self.interval = interval
        self.ceiling = ceiling
        self.dribbled = 0
        self._stopping = threading.Event()
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(4)
        self.port = int(self._listener.getsockname()[1])
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:  # the listener closed: stop
                return
            with connection:
                self._greet(connection)

    def _greet(self, connection: socket.socket) -> None:
        lines = b"220-slow\r\n" * (self.ceiling // 10)
        try:
            for byte in lines[: self.ceiling]:
                if self._stopping.wait(self.interval):
                    return
                connection.sendall(bytes([byte]))
                self.dribbled += 1
            connection.sendall(b"421 closing\r\n")
        except OSError:  # the client gave up and closed: what a deadline does
            return

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._listener.close()
        self._thread.join(timeout=30)


_ACCEPT_POLL_SECONDS = 0.1


class TricklingTlsSmtp:
    """An SMTP server on 127.0.0.1 whose STARTTLS handshake straddles a client's deadline, then trickles.

    It greets after `seconds`, offers STARTTLS, and answers the client's TLS hello with a real TLS server's first
    flight (ServerHello to Finished, made by an `ssl.SSLObject` with the certificate `cert_file`), a byte at a
    time spread over `seconds` more: a client whose attempt lasts less than 2 × `seconds` is still in the
    handshake when its deadline passes, and a handshake has its own bound (the socket's timeout) that such a slow
    one stays within. If the handshake completes, the reply to the client's EHLO comes over TLS one byte every
    `interval` seconds, each its own record, so every read gets a byte within any per-read timeout. `handshakes`
    counts completed handshakes, `dribbled` the reply's bytes written; at `ceiling` (~20 s) the connection closes,
    so a client without a deadline for its whole attempt ends the test late, not never."""

    def __init__(
        self, cert_file: str, key_file: str, *, seconds: float, interval: float = 0.05, ceiling: int = 400
    ) -> None:
        self.seconds = seconds
        self.interval = interval
        self.ceiling = ceiling
        self.flight = 0  # the length of the server's first flight, once the client's hello has been read
        self.handshakes = 0
        self.dribbled = 0
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.load_cert_chain(cert_file, key_file)
        self._stopping = threading.Event()
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(4)
        self.port = int(self._listener.getsockname()[1])
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        self._listener.settimeout(_ACCEPT_POLL_SECONDS)  # a blocked accept() does not see the listener close
        while not self._stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:  # the listener closed: stop
                return
            with connection:
                try:
                    self._exchange(connection)
                except (OSError, ssl.SSLError):  # the client gave up and closed: what a deadline does
                    continue

    def _exchange(self, connection: socket.socket) -> None:
        if self._stopping.wait(self.seconds):
            return
        connection.sendall(b"220 trickling.invalid ESMTP\r\n")
        _read_line(connection)  # EHLO
        connection.sendall(b"250-trickling.invalid\r\n250 STARTTLS\r\n")
        _read_line(connection)  # STARTTLS
        connection.sendall(b"220 ready to start TLS\r\n")
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = self._context.wrap_bio(incoming, outgoing, server_side=True)
        self._handshake(connection, tls, incoming, outgoing)
        self.handshakes += 1
        _send(connection, outgoing)  # TLS 1.3's session tickets
        text = b""
        while b"\n" not in text:
            text += _read_tls(connection, tls, incoming)
        reply = b"250-trickling.invalid\r\n" * (self.ceiling // 10)
        for byte in reply[: self.ceiling]:
            if self._stopping.wait(self.interval):
                return
            tls.write(bytes([byte]))
            _send(connection, outgoing)
            self.dribbled += 1

    def _handshake(
        self, connection: socket.socket, tls: ssl.SSLObject, incoming: ssl.MemoryBIO, outgoing: ssl.MemoryBIO
    ) -> None:
        """The server's side: its first flight a byte at a time over `seconds`, then the client's Finished."""
        trickled = False
        while True:
            try:
                tls.do_handshake()
                return
            except ssl.SSLWantReadError:
                if outgoing.pending and not trickled:
                    self._trickle(connection, outgoing.read())
                    trickled = True
                _send(connection, outgoing)
                data = connection.recv(65536)
                if not data:
                    raise ConnectionResetError("the client closed") from None
                incoming.write(data)

    def _trickle(self, connection: socket.socket, flight: bytes) -> None:
        """`flight` a byte at a time, each at its place on a schedule over `seconds` (late sends catch up)."""
        self.flight = len(flight)
        started = time.monotonic()
        for index, byte in enumerate(flight):
            due = started + self.seconds * index / len(flight)
            if self._stopping.wait(max(0.0, due - time.monotonic())):
                raise ConnectionAbortedError("stopping")
            connection.sendall(bytes([byte]))

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._listener.close()
        self._thread.join(timeout=30)


def _read_line(connection: socket.socket) -> bytes:
    """One command line, read a byte at a time: nothing after it (the client's TLS hello) is taken."""
    line = b""
    while not line.endswith(b"\n"):
        byte = connection.recv(1)
        if not byte:
            raise ConnectionResetError("the client closed")
        line += byte
    return line


def _read_tls(connection: socket.socket, tls: ssl.SSLObject, incoming: ssl.MemoryBIO) -> bytes:
    while True:
        try:
            return tls.read(4096)
        except ssl.SSLWantReadError:
            data = connection.recv(65536)
            if not data:
                raise ConnectionResetError("the client closed") from None
            incoming.write(data)


def _send(connection: socket.socket, outgoing: ssl.MemoryBIO) -> None:
    if outgoing.pending:
        connection.sendall(outgoing.read())


class MotoAws:
    """moto's server mode on 127.0.0.1: a local AWS endpoint for SNS (and SQS to read what SNS published)."""

    REGION = "eu-west-1"

    def __init__(self) -> None:
        self._server: Any = None
        self.endpoint_url = ""

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        port = _free_port()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self._server.start()
        self.endpoint_url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    def client(self, service: str) -> Any:
        import boto3

        return boto3.client(
            service,
            region_name=self.REGION,
            endpoint_url=self.endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # moto's documented dummy credentials
        )

    def topic_with_queue(self, name: str) -> tuple[str, str]:
        """A topic and an SQS queue subscribed to it (raw delivery off: SNS's JSON envelope); (arn, queue url)."""
        sns, sqs = self.client("sns"), self.client("sqs")
        topic = sns.create_topic(Name=name)["TopicArn"]
        queue_url = sqs.create_queue(QueueName=f"{name}-inbox")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
        return topic, queue_url

    def received(self, queue_url: str) -> list[dict[str, Any]]:
        sqs = self.client("sqs")
        found = []
        for _ in range(5):
            answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
            messages = answer.get("Messages", [])
            if not messages:
                break
            found += [json.loads(m["Body"]) for m in messages]
        return found

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
