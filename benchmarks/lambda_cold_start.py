"""Lambda cold start and per-review cost inputs (issue 16), on moto in server mode on loopback.

A fresh interpreter (as a new Lambda container) times: importing `tfreview.lambda_handlers`, the first HTTP
invocation (GET /healthz: builds the services on DynamoDB/SQS and the FastAPI app) and warm invocations. Then
N reviews run the whole flow with the Lambda handlers — signed webhook (API Gateway v2 event) → SQS → worker
function (review job, then publish job) → one comment and check run on the fake GitHub — and the script
prints per review: function invocations, their summed duration, and the DynamoDB and SQS API calls made.
moto answers on loopback, so AWS latencies are NOT in these figures (real DynamoDB/SQS add ~5-10 ms a call).
The cold start is also given in CPU seconds of the container's process: on a loaded machine the wall figures
grow with the load average, the CPU ones much less.

    .venv/bin/python benchmarks/lambda_cold_start.py [--reviews 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def child(endpoint: str, reviews: int) -> dict[str, Any]:
    begun, begun_cpu = time.perf_counter(), time.process_time()
    from tfreview import lambda_handlers

    imported, imported_cpu = time.perf_counter() - begun, time.process_time() - begun_cpu
    from tests.fakes.aws_events import http_event

    started, started_cpu = time.perf_counter(), time.process_time()
    first = lambda_handlers.http(http_event("GET", "/healthz"))
    first_http, first_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    sql_driver = "sqlalchemy" in sys.modules  # the DynamoDB deployment needs no SQL driver
    from tests.integration.test_aws_lambda_flow import webhook_event  # the flow's helpers (they import more)

    assert first["statusCode"] == 200, first
    warm = []
    for _ in range(20):
        started = time.perf_counter()
        lambda_handlers.http(http_event("GET", "/healthz"))
        warm.append(time.perf_counter() - started)
    flow = run_flow(lambda_handlers, endpoint, reviews, webhook_event)
    return {
        "import_s": imported,
        "first_invoke_s": first_http,
        "cold_start_s": imported + first_http,
        # CPU time of this process: on a loaded machine, closer to what an idle Lambda container spends
        "import_cpu_s": imported_cpu,
        "first_invoke_cpu_s": first_cpu,
        "cold_start_cpu_s": imported_cpu + first_cpu,
        "sqlalchemy_loaded_at_first_invoke": sql_driver,
        "warm_healthz_p50_s": statistics.median(warm),
        **flow,
    }


def run_flow(lambda_handlers: Any, endpoint: str, reviews: int, webhook_event: Any) -> dict[str, Any]:
    from tests.fakes.aws_store import SerialMoto
    from tests.fakes.github import FakeGitHub
    from tests.integration.test_aws_lambda_flow import Deployment
    from tests.integrations.live_stack import (
        INSTALLATION,
        MAIN_TF,
        OWNER,
        REPO,
        github_app_settings,
        open_terraform_pull_request,
        pull_request_event,
    )

    calls = {"dynamodb": 0, "sqs": 0}
    with FakeGitHub() as github, tempfile.TemporaryDirectory() as tmp:
        github.add_installation(INSTALLATION, OWNER, repos=[REPO])
        github.add_commit(REPO, "main", {"main.tf": MAIN_TF})
        moto = SerialMoto.__new__(SerialMoto)
        moto.endpoint_url = endpoint
        target = moto.fresh_target()
        from pydantic import SecretStr

        from tfreview.settings import DatabaseSettings, GitHubSettings, QueueSettings, SecretVersion, Settings

        settings = Settings(
            database=DatabaseSettings(url=f"dynamodb://{target.table}?region=eu-west-1&endpoint={endpoint}"),
            queue=QueueSettings(url=f"sqs://{target.queue_url}"),
            github=GitHubSettings(webhook_secrets=[SecretVersion(value=SecretStr("whsec-bench"))]),
            github_app=github_app_settings(github, Path(tmp)),
        )
        deployment = Deployment(moto, settings, "whsec-bench")
        clients = deployment.services.queue.table.clients  # type: ignore[attr-defined]
        for name in calls:

            def count(name: str = name, **_: Any) -> None:
                calls[name] += 1

            getattr(clients, name).meta.events.register("before-call", count)
        http_s: list[float] = []
        worker_s: list[float] = []
        invocations = 0
        for n in range(reviews):
            number = open_terraform_pull_request(github, REPO, f"bench-{n}")
            event = webhook_event(deployment, "pull_request", pull_request_event(github, REPO, number, "opened"))
            started = time.perf_counter()
            assert lambda_handlers.http(event)["statusCode"] in (200, 202)
            http_s.append(time.perf_counter() - started)
            invocations += 1
            while True:
                batch = deployment.sqs_event()
                if not batch["Records"]:
                    break
                started = time.perf_counter()
                assert lambda_handlers.worker(batch, None) == {"batchItemFailures": []}
                worker_s.append(time.perf_counter() - started)
                invocations += 1
            assert len(github.comments(REPO, number)) == 1
        return {
            "reviews": reviews,
            "invocations_per_review": invocations / reviews,
            "webhook_invoke_p50_s": statistics.median(http_s),
            "worker_invoke_p50_s": statistics.median(worker_s),
            "function_seconds_per_review": (sum(http_s) + sum(worker_s)) / reviews,
            "dynamodb_calls_per_review": calls["dynamodb"] / reviews,
            "sqs_calls_per_review": calls["sqs"] / reviews,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviews", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.reviews)))
        return 0
    sys.path.insert(0, str(ROOT))
    from tests.fakes.aws_store import DUMMY_CREDENTIALS, SerialMoto

    moto = SerialMoto()
    moto.start()
    try:
        target = moto.fresh_target()  # the cold start's services: DynamoDB + SQS, as in Lambda
        env = {
            **os.environ,
            **DUMMY_CREDENTIALS,
            "PYTHONPATH": str(ROOT),
            "TFREVIEW_DATABASE__URL": f"dynamodb://{target.table}?region=eu-west-1&endpoint={moto.endpoint_url}",
            "TFREVIEW_QUEUE__URL": f"sqs://{target.queue_url}",
        }
        answer = subprocess.run(
            [sys.executable, __file__, "--child", moto.endpoint_url, "--reviews", str(args.reviews)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        moto.stop()
    if answer.returncode != 0:
        print(answer.stderr[-4000:], file=sys.stderr)  # the child's traceback: what failed in the container
        return 1
    figures = json.loads(answer.stdout.strip().splitlines()[-1])
    print(f"load average {os.getloadavg()[0]:.1f}")
    for name, value in figures.items():
        print(f"{name:32} {value:.4f}" if isinstance(value, float) else f"{name:32} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
