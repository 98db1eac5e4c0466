"""The change rules read the base side of an HCL diff with its unknowns (ADR 0475, ADR 0488).

Each case is a real pair of trees read as `tfreview scan HEAD --base BASE` reads them. Before ADR 0488 the widening
rules built their before side from `change.before` alone, where an expression tfreview cannot evaluate is absent:
a base `cidr_blocks = var.cidrs` read as no grant at all, so every grant of the head read as new. A base value
nobody knows may have granted anything in its place: the rule cannot say the head widened it, and stays silent
there; what the base states in known values is compared as before.
"""

from __future__ import annotations

from pathlib import Path

from tfreview.core.findings import Finding
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import load_change
from tfreview.rules.changes import widens_iam_policy, widens_network_ingress

INGRESS = widens_network_ingress.RULE
IAM = widens_iam_policy.RULE


def _findings(tmp_path: Path, base: str, head: str, rule_id: str) -> list[Finding]:
    for side, text in (("base", base), ("head", head)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "main.tf").write_text(text, encoding="utf-8")
    change_set = load_change(tmp_path / "base", tmp_path / "head")
    result = review(change_set, [INGRESS, IAM], Policy())
    assert not result.diagnostics, result.diagnostics
    return [f for f in result.findings if f.rule_id == rule_id]


_VARIABLES = """
variable "cidrs" {
  type = list(string)
}

variable "rules" {
  type = list(object({ port = number, cidrs = list(string) }))
}
"""

_SG_RULE = (
    _VARIABLES
    + """
resource "aws_security_group_rule" "db" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = %s
  security_group_id = "sg-0123"
}
"""
)


def test_a_source_list_from_a_variable_may_have_granted_the_head_s_sources(tmp_path: Path) -> None:
    """The issue's case: the base's sources are a variable without a default, the head's the whole internet."""
    assert _findings(tmp_path, _SG_RULE % "var.cidrs", _SG_RULE % '["0.0.0.0/0"]', INGRESS.id) == []


def test_one_unknown_element_may_be_any_source(tmp_path: Path) -> None:
    base = _SG_RULE % '["10.0.0.0/16", var.cidrs[0]]'
    assert _findings(tmp_path, base, _SG_RULE % '["0.0.0.0/0"]', INGRESS.id) == []


def test_known_base_sources_are_still_compared(tmp_path: Path) -> None:
    [finding] = _findings(tmp_path, _SG_RULE % '["10.0.0.0/16"]', _SG_RULE % '["0.0.0.0/0"]', INGRESS.id)
    assert finding.message.startswith("opens ingress to the whole internet: now allows 0.0.0.0/0 on tcp 5432")


_GROUP = (
    _VARIABLES
    + """
resource "aws_security_group" "web" {
  name = "web"
%s}
"""
)


def _ingress(port: int, cidrs: str) -> str:
    return (
        f'  ingress {{\n    from_port   = {port}\n    to_port     = {port}\n    protocol    = "tcp"\n'
        f"    cidr_blocks = {cidrs}\n  }}\n"
    )


def test_an_unknown_source_covers_only_the_ports_its_block_states(tmp_path: Path) -> None:
    """The base's unknown sources are on 443: the head's world on 443 may be what they were, SSH from the world is
    new whatever they were."""
    base = _GROUP % _ingress(443, "var.cidrs")
    head = _GROUP % (_ingress(443, '["0.0.0.0/0"]') + _ingress(22, '["0.0.0.0/0"]'))
    [finding] = _findings(tmp_path, base, head, INGRESS.id)
    assert finding.evidence.path == "ingress.1.cidr_blocks"
    assert "0.0.0.0/0 on tcp 22" in finding.message
    assert "443" not in finding.message


def test_a_dynamic_ingress_of_unknown_rules_may_have_granted_anything(tmp_path: Path) -> None:
    dynamic = """  dynamic "ingress" {
    for_each = var.rules
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = ingress.value.cidrs
    }
  }
"""
    head = _GROUP % (_ingress(443, '["0.0.0.0/0"]') + _ingress(22, '["0.0.0.0/0"]'))
    assert _findings(tmp_path, _GROUP % dynamic, head, INGRESS.id) == []


_OTHERS = """
variable "sources" {
  type = list(string)
}

variable "source" {
  type = string
}

resource "google_compute_firewall" "ssh" {
  name          = "ssh"
  network       = "default"
  source_ranges = %s
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}

resource "azurerm_network_security_rule" "rdp" {
  name                        = "rdp"
  resource_group_name         = "rg"
  network_security_group_name = "nsg"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "3389"
  destination_address_prefix  = "*"
  source_address_prefix       = %s
}
"""


def test_firewall_and_nsg_sources_from_variables(tmp_path: Path) -> None:
    base = _OTHERS % ("var.sources", "var.source")
    assert _findings(tmp_path, base, _OTHERS % ('["0.0.0.0/0"]', '"*"'), INGRESS.id) == []


def test_firewall_and_nsg_known_sources_still_compared(tmp_path: Path) -> None:
    base = _OTHERS % ('["35.235.240.0/20"]', '"10.1.0.0/16"')
    found = _findings(tmp_path, base, _OTHERS % ('["0.0.0.0/0"]', '"*"'), INGRESS.id)
    assert sorted(f.address for f in found) == ["azurerm_network_security_rule.rdp", "google_compute_firewall.ssh"]


_POLICY = """
variable "policy" {
  type = string
}

resource "aws_iam_policy" "app" {
  name   = "app"
  policy = %s
}
"""

_ADMIN = 'jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })'
_READ = (
    'jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", '
    'Resource = "arn:aws:s3:::acme/*" }] })'
)


def test_a_policy_document_from_a_variable_may_have_allowed_anything(tmp_path: Path) -> None:
    assert _findings(tmp_path, _POLICY % "var.policy", _POLICY % _ADMIN, IAM.id) == []


def test_a_known_policy_document_is_still_compared(tmp_path: Path) -> None:
    [finding] = _findings(tmp_path, _POLICY % _READ, _POLICY % _ADMIN, IAM.id)
    assert "new actions * (wildcard)" in finding.message


_ROLE = """
variable "trust" {
  type = string
}

resource "aws_iam_policy" "app" {
  name   = "app"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sqs:*", Resource = "*" }] })
}

resource "aws_iam_role" "app" {
  name                = "app"
  assume_role_policy  = %s
  managed_policy_arns = %s
  inline_policy {
    name   = "inline"
    policy = %s
  }
}
"""
_TRUST = (
    'jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", '
    'Principal = { Service = "ec2.amazonaws.com" } }] })'
)
_ADMIN_ARN = '"arn:aws:iam::aws:policy/AdministratorAccess"'


def test_a_role_s_unknown_trust_inline_policy_and_policy_arns(tmp_path: Path) -> None:
    """An unknown trust policy, an inline policy from a variable and an attached ARN known only after apply (a
    policy the same change creates): any of them may have been what the head now states."""
    base = _ROLE % ("var.trust", "[aws_iam_policy.app.arn]", "var.trust")
    head = _ROLE % (_TRUST, f"[aws_iam_policy.app.arn, {_ADMIN_ARN}]", _ADMIN)
    assert _findings(tmp_path, base, head, IAM.id) == []


def test_a_role_s_known_trust_inline_policy_and_policy_arns_are_still_compared(tmp_path: Path) -> None:
    base = _ROLE % (_TRUST.replace("ec2", "ecs-tasks"), "[]", _READ)
    head = _ROLE % (_TRUST, f"[{_ADMIN_ARN}]", _ADMIN)
    paths = sorted(f.evidence.path or "" for f in _findings(tmp_path, base, head, IAM.id))
    assert paths == ["assume_role_policy", "inline_policy.0.policy", "managed_policy_arns"]


def test_an_inline_policy_with_an_unknown_name_compares_its_known_document(tmp_path: Path) -> None:
    """Only an unknown document hides a widening: an inline policy named by a variable still states its grants."""
    named = _ROLE.replace('name   = "inline"', "name   = var.trust")
    base = named % (_TRUST, "[]", _READ)
    head = named % (_TRUST, "[]", _ADMIN)
    [finding] = _findings(tmp_path, base, head, IAM.id)
    assert finding.evidence.path == "inline_policy.0.policy"


def test_a_whole_ingress_element_from_a_variable_may_be_any_grant(tmp_path: Path) -> None:
    """`ingress = [var.rule, {…}]`: the first element is unknown as a whole (a null beside a known block in the
    base's values), so it may grant anything; the known block after it keeps its own index."""
    known = (
        '{ from_port = 80, to_port = 80, protocol = "tcp", cidr_blocks = ["10.0.0.0/8"], ipv6_cidr_blocks = [], '
        'prefix_list_ids = [], security_groups = [], self = false, description = "" }'
    )
    world_ssh = known.replace("80", "22").replace("10.0.0.0/8", "0.0.0.0/0")
    base = 'variable "rule" {\n  type = any\n}\n' + _GROUP % f"  ingress = [var.rule, {known}]\n"
    assert _findings(tmp_path, base, _GROUP % f"  ingress = [{world_ssh}]\n", INGRESS.id) == []
    (tmp_path / "again").mkdir()
    only_known = _GROUP % f"  ingress = [{known}]\n"
    [finding] = _findings(tmp_path / "again", only_known, _GROUP % f"  ingress = [{world_ssh}]\n", INGRESS.id)
    assert "0.0.0.0/0 on tcp 22" in finding.message
