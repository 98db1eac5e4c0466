"""A `dynamic` block left out only by a root variable's declared default is reviewed once, as conditional
(ADR 0407, as ADR 0360 for `count`/`for_each`): what rules find inside its content carries the condition; what
they find elsewhere is the default configuration's, found without the block. A literal empty, a local of
literals, tfvars and a module argument are the values: the block stays absent."""

from __future__ import annotations

from tfreview.core.findings import Finding, Review, Status
from tfreview.core.plan import ChangeSet, is_provider_configuration
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules_for

SSH_OPEN = "TFR-AWS-012"
NO_LOGGING = "TFR-AWS-010"

GROUP = """
variable "allow_ssh" {
  type    = bool
  default = false
}
variable "admin_cidr" {
  type    = string
  default = "0.0.0.0/0"
}
resource "aws_security_group" "web" {
  name        = "web"
  description = "web"
  ingress {
    description = "https"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
  dynamic "ingress" {
    for_each = %s
    content {
      description = "ssh"
      from_port   = 22
      to_port     = 22
      protocol    = "tcp"
      cidr_blocks = [var.admin_cidr]
    }
  }
}
"""


def _reviewed(sources: dict[str, str], base: dict[str, str] | None = None) -> tuple[Review, ChangeSet]:
    change_set = changeset_from_sources(sources, base)
    return review(change_set, load_rules_for({c.type for c in change_set.changes}), Policy()), change_set


def _of(result: Review, rule: str) -> list[Finding]:
    return [f for f in result.findings if f.rule_id == rule]


def test_a_dynamic_block_gated_off_by_a_default_is_reviewed_once_as_conditional() -> None:
    result, change_set = _reviewed({"main.tf": GROUP % "var.allow_ssh ? [1] : []"})
    [ssh] = _of(result, SSH_OPEN)
    assert ssh.address == "aws_security_group.web"
    assert ssh.message.endswith("(conditional: created only when var.allow_ssh is set; its default leaves it out)")
    assert ssh.evidence.path == "ingress.1.cidr_blocks"  # after the block that exists
    assert ssh.status is Status.INTRODUCED
    [note] = [n for n in change_set.coverage.notes if "dynamic" in n]
    assert 'dynamic "ingress" is empty only by the default of var.allow_ssh' in note
    [web] = [c for c in change_set.changes if not is_provider_configuration(c)]
    assert len(web.after["ingress"]) == 1  # the resource's own values are the default configuration's
    assert not web.condition


def test_a_default_empty_list_opens_the_content_with_its_iterator_unknown() -> None:
    text = GROUP.replace("[var.admin_cidr]", "ingress.value.cidrs") % "var.extra"
    text += 'variable "extra" {\n  type    = list(any)\n  default = []\n}\n'
    result, change_set = _reviewed({"main.tf": text})
    assert _of(result, SSH_OPEN) == []  # which CIDRs a caller gives is unknown: silent, as on any unknown
    assert any('dynamic "ingress" is empty only by the default of var.extra' in n for n in change_set.coverage.notes)
    literal = GROUP % "var.extra" + 'variable "extra" {\n  type    = list(any)\n  default = []\n}\n'
    [ssh] = _of(_reviewed({"main.tf": literal})[0], SSH_OPEN)
    assert "created only when var.extra is set" in ssh.message


def test_literals_locals_tfvars_and_module_arguments_keep_it_absent() -> None:
    literal = GROUP % "[]"
    local = GROUP % "local.off" + "locals {\n  off = false ? [1] : []\n}\n"
    tfvars = {"main.tf": GROUP % "var.allow_ssh ? [1] : []", "terraform.tfvars": "allow_ssh = false\n"}
    module = {
        "main.tf": 'module "sg" {\n  source    = "./sg"\n  allow_ssh = false\n}\n',
        "sg/main.tf": GROUP % "var.allow_ssh ? [1] : []",
    }
    for sources in ({"main.tf": literal}, {"main.tf": local}, tfvars, module):
        result, change_set = _reviewed(sources)
        assert _of(result, SSH_OPEN) == [], sources
        assert not any("dynamic" in n for n in change_set.coverage.notes), change_set.coverage.notes


def test_a_default_true_gate_is_an_ordinary_block() -> None:
    text = GROUP.replace("default = false", "default = true") % "var.allow_ssh ? [1] : []"
    [ssh] = _of(_reviewed({"main.tf": text})[0], SSH_OPEN)
    assert "conditional" not in ssh.message


def test_a_protection_gated_off_does_not_hide_what_the_default_configuration_lacks() -> None:
    """`dynamic "logging"` over `var.logging` (default {}): every caller leaving it unset gets a bucket
    without access logs, so the finding stays, unconditional; the block's own content is judged apart."""
    text = """
variable "logging" {
  type    = map(string)
  default = {}
}
resource "aws_s3_bucket" "b" {
  bucket = "b"
  dynamic "logging" {
    for_each = length(keys(var.logging)) == 0 ? [] : [var.logging]
    content {
      target_bucket = logging.value.target_bucket
    }
  }
}
"""
    result, change_set = _reviewed({"main.tf": text})
    [missing] = _of(result, NO_LOGGING)
    assert "conditional" not in missing.message
    assert any('dynamic "logging"' in n for n in change_set.coverage.notes)
    assert not any("conditional" in f.message for f in result.findings)


def test_a_conditional_block_in_the_base_too_is_existing_not_introduced() -> None:
    head = GROUP % "var.allow_ssh ? [1] : []"
    base = head.replace('name        = "web"', 'name        = "web-old"')
    result, _ = _reviewed({"main.tf": head}, {"main.tf": base})
    [ssh] = _of(result, SSH_OPEN)
    assert ssh.status is Status.EXISTING


def test_a_conditional_resource_and_block_name_both_conditions() -> None:
    text = GROUP % "var.allow_ssh ? [1] : []"
    opening = 'resource "aws_security_group" "web" {\n'
    text = text.replace(opening, opening + "  count = var.create ? 1 : 0\n")
    text += 'variable "create" {\n  type    = bool\n  default = false\n}\n'
    [ssh] = _of(_reviewed({"main.tf": text})[0], SSH_OPEN)
    assert ssh.address == "aws_security_group.web[0]"
    assert "created only when var.create and var.allow_ssh are set; their defaults leave it out" in ssh.message


def test_a_sensitive_value_in_the_gated_content_is_not_shown() -> None:
    text = GROUP.replace('default = "0.0.0.0/0"', 'default   = "0.0.0.0/0"\n  sensitive = true') % (
        "var.allow_ssh ? [1] : []"
    )
    [ssh] = _of(_reviewed({"main.tf": text})[0], SSH_OPEN)
    assert "created only when var.allow_ssh is set" in ssh.message
    shown = f"{ssh.message} {ssh.evidence.value}"
    assert "0.0.0.0/0" not in shown, shown


def test_a_root_default_passed_to_a_module_opens_the_module_s_block_on_the_root_variable() -> None:
    sources = {
        "main.tf": 'variable "ssh" {\n  default = false\n}\nmodule "sg" {\n  source    = "./sg"\n'
        "  allow_ssh = var.ssh\n}\n",
        "sg/main.tf": GROUP % "var.allow_ssh ? [1] : []",
    }
    [ssh] = _of(_reviewed(sources)[0], SSH_OPEN)
    assert ssh.address == "module.sg.aws_security_group.web"
    assert "created only when var.ssh is set; its default leaves it out" in ssh.message
