"""Issue 9, item 21: values Terraform calls sensitive in HCL (variables, outputs) are tracked like plan masks.

A `sensitive = true` variable's value, used in a tag, never reaches the model's prompt, any report
format, nor the stored copy of an uploaded tarball. The canaries are the proof.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from tests.advisor.doubles import FakeTime
from tests.advisor.test_invisible_text import RecordingModel
from tfreview.advisor.chain import LlmAdvisor
from tfreview.advisor.settings import AdvisorSettings
from tfreview.cli import main
from tfreview.core.policy import Policy
from tfreview.core.ports import AdviceContext
from tfreview.core.review import review
from tfreview.parsing.hcl import load_directory
from tfreview.rules import load_rules
from tfreview.store.tarball_redaction import redact_tarball

DEFAULT_CANARY = "canary-default-7f3a9c"
TFVARS_CANARY = "canary-tfvars-51bd02"
OUTPUT_CANARY = "canary-output-c4e8aa"
CANARIES = (DEFAULT_CANARY, TFVARS_CANARY, OUTPUT_CANARY)
SOURCES = {
    "variables.tf": f"""
variable "db_password" {{
  type      = string
  sensitive = true
  default   = "{DEFAULT_CANARY}"
}}
variable "api_token" {{
  type      = string
  sensitive = true
}}
variable "team" {{
  default = "payments"
}}
""",
    "terraform.tfvars": f'api_token = "{TFVARS_CANARY}"\n',
    "main.tf": f"""
resource "aws_s3_bucket" "logs" {{
  bucket = "logs-${{var.team}}"
  acl    = "public-read"
  tags = {{
    owner = "owner-${{var.db_password}}"
    token = var.api_token
    team  = var.team
  }}
}}
locals {{
  note = "from-output"
}}
output "connection" {{
  value     = "postgres://app:${{local.note}}@db"
  sensitive = true
}}
output "hidden" {{
  value     = "{OUTPUT_CANARY}"
  sensitive = true
}}
resource "aws_ebs_volume" "data" {{
  size      = 10
  encrypted = false
  tags      = {{ copy = "{OUTPUT_CANARY}" }}
}}
""",
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name, text in SOURCES.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_sensitive_hcl_values_never_reach_the_prompt(folder: Path) -> None:
    change_set = load_directory(folder)
    result = review(change_set, load_rules(), Policy())
    model = RecordingModel()
    time = FakeTime()
    advisor = LlmAdvisor([model], AdvisorSettings(name="openai"), clock=time.clock, sleep=time.sleep)
    advisor.advise(AdviceContext(change_set, tuple(result.findings), result.coverage))
    (prompt,) = model.prompts
    text = prompt.system + prompt.user
    assert "aws_s3_bucket.logs" in text
    assert "payments" in text
    for canary in CANARIES:
        assert canary not in text


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "markdown", "github"])
def test_sensitive_hcl_values_never_reach_a_report(capsys: pytest.CaptureFixture[str], folder: Path, fmt: str) -> None:
    main(["scan", str(folder), "-o", fmt])
    out = capsys.readouterr().out
    assert "aws_s3_bucket.logs" in out or fmt == "github"
    for canary in CANARIES:
        assert canary not in out


def test_the_sensitivity_is_a_mask_like_a_plans(folder: Path) -> None:
    change_set = load_directory(folder)
    bucket = next(c for c in change_set.changes if c.address == "aws_s3_bucket.logs")
    assert bucket.after_sensitive == {"tags": {"owner": True, "token": True}}
    assert {DEFAULT_CANARY, TFVARS_CANARY, OUTPUT_CANARY} <= change_set.sensitive_values


def test_a_stored_tarball_keeps_no_sensitive_value_in_clear(folder: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name in SOURCES:
            archive.add(folder / name, arcname=f"infra/{name}")
    stored = redact_tarball(buffer.getvalue())
    with tarfile.open(fileobj=io.BytesIO(stored), mode="r:gz") as archive:
        texts = {}
        for member in archive:
            stream = archive.extractfile(member) if member.isfile() else None
            if stream is not None:
                texts[member.name] = stream.read().decode()
    everything = json.dumps(texts)
    for canary in CANARIES:
        assert canary not in everything
    assert 'variable "db_password"' in texts["infra/variables.tf"]  # still Terraform a review can read
