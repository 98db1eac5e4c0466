"""Fakes of the notifiers' destinations, each a real server on 127.0.0.1 speaking the real protocol.

    FakeSlack          a Slack incoming webhook: POST /services/T…/B…/<secret> → 200 "ok"; a wrong path 404
                       "no_service"; a body without `text` 400 "invalid_payload"
    FakePagerDuty      the Events API v2: POST /v2/enqueue → 202 {"status": "success", "dedup_key"}; a bad
                       routing key or event 400 "invalid event"; keeps each alert's state by dedup key
    FakeWebhook        a receiver that verifies X-Tfreview-Signature-256 over "<timestamp>.<body>" (401 if not)
    FakeSmtp           aiosmtpd on a free port, AUTH PLAIN/LOGIN with one user; collects the messages
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
import threading
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
    """aiosmtpd on 127.0.0.1; AUTH (PLAIN, LOGIN) with `username`/`password`, offered without TLS (loopback only)."""

    def __init__(self, username: str = "alerts", password: str = "smtp-password-0123456789") -> None:
        self.username = username
        self.password = password
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

        self.port = _free_port()
        self._controller = Controller(
            Handler(),
            hostname="127.0.0.1",
            port=self.port,
            authenticator=authenticate,
            auth_require_tls=False,
            auth_required=False,  # offered, not demanded: demanding AUTH without TLS is warned about
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
