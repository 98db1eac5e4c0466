"""Terraform the packaging tests review: the demo stack, a change that opens RDP, a stack that plans offline."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO_TF = (ROOT / "examples" / "demo" / "main.tf").read_text(encoding="utf-8")

# appended to the demo stack: one introduced finding at high (TFR-AWS-013), nothing else new
OPEN_RDP = """
resource "aws_security_group_rule" "rdp" {
  type              = "ingress"
  description       = "RDP from anywhere"
  from_port         = 3389
  to_port           = 3389
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.bastion.id
}
"""

# built into Terraform itself: `terraform init` and `plan` need no provider download
LOCAL_STACK = 'resource "terraform_data" "release" {\n  input = "v1"\n}\n'
