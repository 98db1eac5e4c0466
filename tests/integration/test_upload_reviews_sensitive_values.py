"""An uploaded plan is reviewed on what it says, sensitive values too: the service finds what `scan` finds (ADR 0595).

The stored copy of an upload holds "(sensitive value)" wherever the plan marks a value sensitive (ADR 0460): the
worker reviews that copy, so a rule reading a sensitive value read the placeholder. An inline policy of `*` on `*`
whose `policy` the plan marks sensitive (it came from a sensitive variable), and SSH open to 0.0.0.0/0 through a
sensitive `cidr_blocks`: `tfreview scan` reported 31 findings (2 critical), the service the same plan 22
(1 critical) — the policy's nine findings and the security group's were gone. A real `tfreview serve`, the plan
(tests/data/plans/real17/sensitive_nested.json) over HTTP; its review read back through the API is compared with the
CLI's, then every row of the SQLite file and the log are searched for the plan's canaries."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.integration.door_requests import request
from tests.integration.served import Served, serving, write_token
from tests.integration.test_upload_tarball_secrets import _stored_text, _tarball
from tfreview.cli import main

PLAN = Path(__file__).resolve().parents[1] / "data" / "plans" / "real17" / "sensitive_nested.json"
WAIT = 60.0  # a bound on a loaded CI machine, not a threshold
CANARY = "S17-canary-"


def _review(served: Served, token: str, review: str) -> dict[str, object]:
    deadline = time.monotonic() + WAIT
    while True:
        found = request(served.port, "GET", f"/api/v1/reviews/{review}", headers={"Authorization": f"Bearer {token}"})
        document = found.json()
        if document.get("status") not in ("queued", "in_progress", "pending", None) or time.monotonic() > deadline:
            return document
        time.sleep(0.1)


def _keys(findings: object) -> set[tuple[str, str, str, str]]:
    assert isinstance(findings, list)
    return {(f["rule_id"], f["address"], f["status"], f["evidence"]["path"]) for f in findings}


def test_the_service_finds_on_sensitive_values_what_scan_finds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", "-o", "json", str(PLAN)]) == 1
    scanned = json.loads(capsys.readouterr().out)
    data = tmp_path / "data"
    token = write_token(data, "sensitive-values")
    with serving(data) as served:
        answer = request(
            served.port,
            "POST",
            "/api/v1/plans?repository=octo/infra",
            body=PLAN.read_bytes(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        assert answer.status == 202, answer.json()
        review = _review(served, token, str(answer.json()["review"]))
        log = served.log()
    assert review["status"] == "completed", review
    report = review["report"]
    assert isinstance(report, dict)
    assert _keys(report["findings"]) == _keys(scanned["findings"])
    assert ("TFR-AWS-030", "aws_iam_role_policy.p", "introduced", "policy") in _keys(report["findings"])
    assert ("TFR-AWS-012", "aws_security_group.s", "introduced", "ingress.0.cidr_blocks") in _keys(report["findings"])
    assert report["summary"]["findings"] == scanned["summary"]["findings"]
    assert review["verdict"] == scanned["verdict"] == "fail"
    stored = _stored_text(data / "tfreview.db")
    assert "aws_iam_role_policy.p" in stored
    for where, text in (("answer", json.dumps(review)), ("database", stored), ("log", log)):
        assert CANARY not in text, where
    assert "Traceback" not in log


SENSITIVE_TREE = """
variable "admin_cidr" {
  type      = string
  default   = "0.0.0.0/0"
  sensitive = true
}

resource "aws_security_group" "admin" {
  name        = "admin"
  description = "admin access"
  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr]
  }
}
"""


def test_a_tarball_whose_sensitive_variable_opens_ssh_fails_as_scan_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "main.tf").write_text(SENSITIVE_TREE)
    assert main(["scan", "-o", "json", str(tree)]) == 1
    scanned = json.loads(capsys.readouterr().out)
    data = tmp_path / "data"
    token = write_token(data, "sensitive-tree")
    with serving(data) as served:
        answer = request(
            served.port,
            "POST",
            "/api/v1/plans?repository=octo/infra",
            body=_tarball({"main.tf": SENSITIVE_TREE}),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/gzip"},
        )
        assert answer.status == 202, answer.json()
        review = _review(served, token, str(answer.json()["review"]))
    assert review["status"] == "completed", review
    report = review["report"]
    assert isinstance(report, dict)
    assert ("TFR-AWS-012", "aws_security_group.admin", "introduced", "ingress.0.cidr_blocks") in _keys(
        scanned["findings"]
    )
    assert _keys(report["findings"]) == _keys(scanned["findings"])
    assert review["verdict"] == scanned["verdict"] == "fail"
