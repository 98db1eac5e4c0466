"""The Lambda functions on DynamoDB load no SQL driver: SQLAlchemy's import was half of their cold start's
import time (benchmarks/README.md, Lambda cold start). A fresh interpreter imports what a DynamoDB container
imports to build its services and its app, then says whether SQLAlchemy came with it."""

from __future__ import annotations

import subprocess
import sys

MODULES = (
    "tfreview.lambda_handlers",
    "tfreview.lambda_handlers.sqs_batch",
    "tfreview.wiring",
    "tfreview.wiring.aws",
    "tfreview.wiring.door",
    "tfreview.wiring.integrations",
    "tfreview.wiring.ops",
    "tfreview.store.aws.stores",
    "tfreview.web.app",
)


def test_a_dynamodb_container_imports_no_sql_driver() -> None:
    found = "sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic'))"
    code = f"import sys\nimport {', '.join(MODULES)}\nprint({found})"
    answer = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert answer.stdout.strip() == "[]", answer.stdout[:400]
