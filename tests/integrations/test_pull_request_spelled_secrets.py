"""A pull request's secret spelled in parts, held in a script or a JSON document, or in a nested provider-sensitive
argument leaks nowhere: not to the model, GitHub, the database, the log or `tfreview scan` (ADR 0494, 0495).

From the outside, as tests/integrations/test_pull_request_source_secrets.py does: FakeGitHub ⇄ tfreview (uvicorn,
SQLite, embedded workers) with an OpenAI-compatible model (a fake on loopback); the canaries are on the head side.
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

EXPORTED = "CANARYexportedPw7310"
ECS = "CANARYecsEnvPw5521"
DISK_KEY = "CANARYdiskRawKey0942"
HELM = "CANARYhelmSensitive8836"
JOINED = ("CANARYjoinA4410", "CANARYjoinB4411")
CANARIES = (EXPORTED, ECS, DISK_KEY, HELM, *JOINED, "".join(JOINED))

BASE_TF = """\
resource "aws_instance" "web" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
}
"""
HEAD_TF = f"""\
locals {{
  joined = join("", ["{JOINED[0]}", "{JOINED[1]}"])
}}

resource "aws_instance" "web" {{
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  user_data     = <<EOF
#!/bin/bash
export DB_PASSWORD={EXPORTED}
EOF
}}

resource "aws_ecs_task_definition" "app" {{
  family = "app"
  container_definitions = jsonencode([{{
    name        = "app"
    image       = "nginx"
    environment = [{{ name = "DB_PASSWORD", value = "{ECS}" }}]
  }}])
}}

resource "google_compute_instance" "vm" {{
  name         = "vm"
  machine_type = "e2-small"
  zone         = "us-central1-a"
  boot_disk {{
    disk_encryption_key_raw = "{DISK_KEY}"
  }}
}}

resource "helm_release" "app" {{
  name  = "app"
  chart = "app"
  set_sensitive {{
    name  = "db.password"
    value = "{HELM}"
  }}
}}

resource "aws_db_instance" "orders" {{
  identifier     = "orders"
  engine         = "mysql"
  instance_class = "db.t3.micro"
  username       = "admin"
  password       = local.joined
}}
"""


def leaked(text: str) -> list[str]:
    return [canary for canary in CANARIES if canary in text]


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        fake.add_installation(INSTALLATION, OWNER, repos=[REPO])
        fake.add_commit(REPO, "main", {"main.tf": BASE_TF})
        yield fake


def test_no_canary_of_a_spelled_secret_leaves_tfreview(
    github: FakeGitHub, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with FakeOpenAI() as model:
        reviewed = review_pull_request_with_model(github, tmp_path, model.url, "spelled", {"main.tf": HEAD_TF})
        prompts = [request.body.decode("utf-8", "replace") for request in model.requests]
    stack, number, stored, reviews = reviewed.stack, reviewed.number, reviewed.stored, reviewed.reviews

    assert prompts, "the model was asked"
    assert "helm_release.app" in prompts[0]  # the change is in the prompt, its secret is not
    assert "DB_PASSWORD" in prompts[0]  # the variable's name stays
    for prompt in prompts:
        assert leaked(prompt) == [], "prompt"
    assert leaked(json.dumps(github.comments(REPO, number))) == [], "comment"
    assert leaked(json.dumps(github.check_runs(REPO))) == [], "check runs"
    assert leaked(json.dumps([r.body for r in github.requests], default=str)) == [], "requests to GitHub"
    assert leaked(stored) == [], "SQLite"
    assert leaked(json.dumps([r.report for r in reviews], default=str)) == [], "stored review"
    assert leaked(caplog.text) == [], "log"
    assert not stack.failed_reviews()


@pytest.mark.parametrize("fmt", ["json", "sarif", "markdown", "github", "text"])
def test_no_canary_of_a_spelled_secret_in_a_scan(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    for folder, text in ((base, BASE_TF), (head, HEAD_TF)):
        folder.mkdir()
        (folder / "main.tf").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    main(["scan", str(head), "--base", str(base), "-o", fmt, "--path-prefix", "infra"])
    out, err = capsys.readouterr()
    assert "aws_instance.web" in out
    assert leaked(out + err) == []
