"""moto's server mode on 127.0.0.1 for the DynamoDB/SQS adapters: one request at a time, like the real services'
atomic conditional writes (moto's backends are plain Python: concurrent requests could interleave a condition
check and its write). Each test gets its own table and queues, named uniquely."""

from __future__ import annotations

import json
import socket
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from tfreview.store.aws.connection import AwsTarget
from tfreview.store.aws.definitions import create_resources

REGION = "eu-west-1"
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}  # moto's documented dummies


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SerialMoto:
    def __init__(self) -> None:
        self.port = _free_port()
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self._server: Any = None
        self._thread: threading.Thread | None = None
        # X-Amz-Target ("DynamoDB_20120810.TransactWriteItems") → the (status, JSON body) AWS answers instead of
        # moto: a failure mode moto has no switch for (a throttled table cancels a transaction, for instance)
        self.faults: dict[str, tuple[int, dict[str, Any]]] = {}

    def start(self) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
        from werkzeug.serving import WSGIRequestHandler, make_server

        class Quiet(WSGIRequestHandler):
            def log_request(self, *args: Any, **kwargs: Any) -> None:
                pass  # a line per request would drown the test output

        app = DomainDispatcherApplication(create_backend_app)
        lock = threading.Lock()

        def serial(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            fault = self.faults.get(str(environ.get("HTTP_X_AMZ_TARGET", "")))
            if fault is not None:
                status, document = fault
                body = json.dumps(document).encode()
                kind = "application/x-amz-json-1.0"
                start_response(f"{status} Fault", [("Content-Type", kind), ("Content-Length", str(len(body)))])
                return [body]
            with lock:
                return list(app(environ, start_response))

        self._server = make_server("127.0.0.1", self.port, serial, threaded=True, request_handler=Quiet)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def client(self, service: str) -> Any:
        import boto3

        return boto3.client(
            service,
            region_name=REGION,
            endpoint_url=self.endpoint_url,
            aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def fresh_target(self) -> AwsTarget:
        """A new table, queue and dead-letter queue with unique names, and the target naming them."""
        name = f"tfreview-{uuid.uuid4().hex[:12]}"
        queue_url, dead_url = create_resources(self.client("dynamodb"), self.client("sqs"), name, name)
        return AwsTarget(
            table=name,
            region=REGION,
            queue_url=queue_url,
            dead_letter_url=dead_url,
            endpoint_url=self.endpoint_url,
            loopback_only=True,
        )
