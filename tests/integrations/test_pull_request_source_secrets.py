"""A pull request's .tf literals that only a provider schema calls sensitive leak nowhere (ADR 0490).

From the outside: FakeGitHub ⇄ tfreview (uvicorn, SQLite, embedded workers), wired by `build_services` with an
OpenAI-compatible model (a fake on loopback). The pull request writes canaries as literals where a plan's schema
would mask them — `aws_ssm_parameter.value`, `kubernetes_secret.data`, `azurerm_key_vault_secret.value`, a
database `password` written as a number, an `auth_token` in a nested block, provider credentials reached through
a local (`secret_key = local.k`, the google provider's `credentials`) — on both sides of the change. Every
answer the fake GitHub received (comment, check runs, every request body), every byte of the SQLite file, the
log, the prompt the model received and `tfreview scan`'s JSON and SARIF of the same files are read: no canary
anywhere. Before ADR 0490 the prompt showed the numeric password and the google credentials.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tests.fakes.llm_openai import FakeOpenAI
from tests.integrations.live_stack import (
    INSTALLATION,
    OWNER,
    REPO,
    review_pull_request_with_model,
)
from tfreview.cli import main

BASE_CANARIES = ("CANARYbaseSsm4471", "CANARYbaseK8s8260", 48213377105)
HEAD_CANARIES = (
    "CANARYheadSsm9032",
    "CANARYheadK8s7719",
    "CANARYheadVault5548",
    "CANARYheadProvKey2290",
    "CANARYheadGcpKey6604",
    "CANARYheadMqPass3158",
    73914682051,
)


def _tree(ssm: str, k8s: str, password: int, extra: str = "") -> str:
    return f"""\
resource "aws_ssm_parameter" "api_token" {{
  name  = "/app/api-token"
  type  = "String"
  value = "{ssm}"
}}

resource "kubernetes_secret" "app" {{
  metadata {{
    name      = "app"
    namespace = "web"
  }}
  data = {{
    api = "{k8s}"
  }}
}}

resource "aws_db_instance" "orders" {{
  identifier          = "orders"
  engine              = "mysql"
  instance_class      = "db.t3.micro"
  username            = "admin"
  password            = {password}
  publicly_accessible = true
}}
{extra}"""


HEAD_EXTRA = f"""
locals {{
  provider_key = "{HEAD_CANARIES[3]}"
  gcp_key      = "{HEAD_CANARIES[4]}"
}}

provider "aws" {{
  region     = "eu-west-1"
  secret_key = local.provider_key
}}

provider "google" {{
  project     = "orders-prod"
  credentials = local.gcp_key
}}

resource "azurerm_key_vault_secret" "db" {{
  name         = "db"
  value        = "{HEAD_CANARIES[2]}"
  key_vault_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
}}

resource "aws_mq_broker" "events" {{
  broker_name        = "events"
  engine_type        = "ActiveMQ"
  engine_version     = "5.17.6"
  host_instance_type = "mq.t3.micro"
  user {{
    username = "app"
    password = "{HEAD_CANARIES[5]}"
  }}
}}
"""

BASE_TF = _tree(BASE_CANARIES[0], BASE_CANARIES[1], BASE_CANARIES[2])
HEAD_TF = _tree(HEAD_CANARIES[0], HEAD_CANARIES[1], HEAD_CANARIES[6], HEAD_EXTRA)
CANARIES = tuple(str(c) for c in (*BASE_CANARIES, *HEAD_CANARIES))


def leaked(text: str) -> list[str]:
    return [canary for canary in CANARIES if canary in text]


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        fake.add_installation(INSTALLATION, OWNER, repos=[REPO])
        fake.add_commit(REPO, "main", {"main.tf": BASE_TF})
        yield fake


def test_no_canary_of_a_pull_requests_literals_leaves_tfreview(
    github: FakeGitHub, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with FakeOpenAI() as model:
        reviewed = review_pull_request_with_model(github, tmp_path, model.url, "secrets", {"main.tf": HEAD_TF})
        prompts = [request.body.decode("utf-8", "replace") for request in model.requests]
    stack, number, stored, reviews = reviewed.stack, reviewed.number, reviewed.stored, reviewed.reviews

    assert prompts, "the model was asked"
    assert "aws_ssm_parameter.api_token" in prompts[0]  # the change is in the prompt, its value is not
    for prompt in prompts:
        assert leaked(prompt) == [], "prompt"
    comments = json.dumps(github.comments(REPO, number))
    assert "aws_db_instance.orders" in comments
    assert leaked(comments) == [], "comment"
    assert leaked(json.dumps(github.check_runs(REPO))) == [], "check runs"
    assert leaked(json.dumps([r.body for r in github.requests], default=str)) == [], "requests to GitHub"
    assert leaked(stored) == [], "SQLite"
    assert leaked(json.dumps([r.report for r in reviews], default=str)) == [], "stored review"
    assert leaked(caplog.text) == [], "log"
    assert not stack.failed_reviews()


@pytest.mark.parametrize("fmt", ["json", "sarif", "markdown", "github", "text"])
def test_no_canary_in_a_scan_of_the_same_change(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    for folder, text in ((base, BASE_TF), (head, HEAD_TF)):
        folder.mkdir()
        (folder / "main.tf").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["scan", str(head), "--base", str(base), "-o", fmt, "--path-prefix", "infra"])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert "provider.aws" in out  # its hard-coded secret_key is reported, never shown
    assert leaked(out + err) == []
