"""A finding's message quoting a number the plan marks sensitive shows `(sensitive value)` (ADR 0495).

TFR-CHG-004 quotes the ports a changed ingress rule now allows; a port taken from a sensitive variable is marked
in `after_sensitive` as a number. `tfreview scan` of the plan, every output format: the number is nowhere, the
finding and its rule are there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfreview.cli import main

CANARY = 48213377


def _plan(path: Path) -> Path:
    def side(cidr: str) -> dict[str, object]:
        return {
            "type": "ingress",
            "protocol": "tcp",
            "from_port": CANARY,
            "to_port": CANARY,
            "cidr_blocks": [cidr],
            "security_group_id": "sg-0123456789abcdef0",
        }

    mask = {"from_port": True, "to_port": True}
    change = {
        "actions": ["update"],
        "before": side("10.0.0.0/8"),
        "after": side("0.0.0.0/0"),
        "after_unknown": {},
        "before_sensitive": mask,
        "after_sensitive": mask,
    }
    resource = {"address": "aws_security_group_rule.db", "mode": "managed", "type": "aws_security_group_rule"}
    document = {"format_version": "1.2", "resource_changes": [{**resource, "name": "db", "change": change}]}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["json", "sarif", "markdown", "github", "text"])
def test_a_sensitive_number_quoted_by_a_message_is_masked(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["scan", str(_plan(tmp_path / "plan.json")), "-o", fmt])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert "TFR-CHG-004" in out or "CHG-004" in out
    assert "sensitive value" in out  # (markdown escapes its parentheses)
    assert str(CANARY) not in out + err


SOURCE = """\
variable "db_port" {{
  sensitive = true
  default   = {port}
}}
resource "aws_security_group_rule" "db" {{
  type              = "ingress"
  protocol          = "tcp"
  from_port         = var.db_port
  to_port           = var.db_port
  cidr_blocks       = ["{cidr}"]
  security_group_id = "sg-0123456789abcdef0"
  description       = "db"
}}
"""


@pytest.mark.parametrize("fmt", ["json", "markdown", "text"])
def test_a_sensitive_variable_s_number_quoted_by_a_message_is_masked_in_source(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    for folder, cidr in ((base, "10.0.0.0/8"), (head, "0.0.0.0/0")):
        folder.mkdir()
        (folder / "main.tf").write_text(SOURCE.format(port=CANARY, cidr=cidr), encoding="utf-8")
    code = main(["scan", str(head), "--base", str(base), "-o", fmt])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert "CHG-004" in out
    assert "sensitive value" in out
    assert str(CANARY) not in out + err
