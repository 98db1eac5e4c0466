"""Nothing acknowledged is lost: `tfreview serve` is SIGKILLed while signed deliveries pour in from several
clients at once (so the group-commit writer is batching); every delivery answered 202 before the kill is in
the database afterwards, with its job and its queued review."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import sqlite3
import threading
import uuid
from pathlib import Path

from tests.integration.served import GITHUB_SECRET, child_env, raw_request, serving, status_of

PAYLOAD = Path(__file__).parent / "data" / "github.pull_request.opened.payload.json"
CLIENTS = 8
ACKED_BEFORE_KILL = 40


def _request(template: dict[str, object], n: int) -> tuple[str, bytes]:
    document = copy.deepcopy(template)
    pull = document["pull_request"]
    assert isinstance(pull, dict)
    pull["number"] = 100 + n
    pull["head"]["sha"] = hashlib.sha1(str(n).encode()).hexdigest()
    body = json.dumps(document).encode()
    delivery = str(uuid.uuid4())
    signature = "sha256=" + hmac.new(GITHUB_SECRET.encode(), body, hashlib.sha256).hexdigest()
    head = (
        "POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"X-GitHub-Event: pull_request\r\nX-GitHub-Delivery: {delivery}\r\nX-Hub-Signature-256: {signature}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return delivery, head.encode() + body


def test_sigkill_mid_load_loses_no_acknowledged_delivery(tmp_path: Path) -> None:
    template = json.loads(PAYLOAD.read_bytes())
    acked: list[str] = []
    lock = threading.Lock()
    enough = threading.Event()
    data = tmp_path / "data"
    with serving(data, "--no-worker", env=child_env()) as served:

        def client(first: int) -> None:
            n = first
            while not enough.is_set() or n < first + 3:
                delivery, raw = _request(template, n)
                n += CLIENTS
                if status_of(raw_request(served.port, raw, timeout=10)) == 202:
                    with lock:
                        acked.append(delivery)
                        if len(acked) >= ACKED_BEFORE_KILL:
                            enough.set()
                elif served.process.poll() is not None:
                    return

        threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
        for thread in threads:
            thread.start()
        assert enough.wait(120), f"only {len(acked)} deliveries acknowledged"
        served.process.kill()  # SIGKILL, with requests in flight on every client
        served.process.wait(30)
        for thread in threads:
            thread.join(30)
    with lock:
        answered = list(acked)
    database = sqlite3.connect(next(data.glob("*.db")))
    try:
        stored = {
            key: (job_id, review)
            for key, job_id, review in database.execute(
                "SELECT d.key, d.job_id, r.id FROM deliveries d JOIN jobs j ON j.id = d.job_id"
                " JOIN reviews r ON r.id = json_extract(j.payload, '$.review_id')"
            )
        }
    finally:
        database.close()
    missing = [key for key in answered if key not in stored]
    assert len(answered) >= ACKED_BEFORE_KILL
    assert missing == [], f"{len(missing)} of {len(answered)} acknowledged deliveries were lost"
