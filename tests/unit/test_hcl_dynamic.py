"""`dynamic` blocks in HCL mode: expanded over known collections as Terraform does, unknown otherwise."""

from __future__ import annotations

from typing import Any

from tfreview.core.plan import ResourceChange
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.values import UNKNOWN, lookup
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules


def only(text: str) -> ResourceChange:
    [change] = changeset_from_sources({"main.tf": text}).changes
    return change


def after(change: ResourceChange, path: str) -> Any:
    return lookup(change.after, change.after_unknown, path)


def test_map_for_each_gives_one_block_per_key_in_key_order() -> None:
    change = only("""
variable "settings" {
  default = {
    "MinInstances" = { namespace = "aws:autoscaling:asg", value = "2" }
    "InstanceType" = { namespace = "aws:autoscaling:launchconfiguration", value = "t3.small" }
  }
}
resource "aws_elastic_beanstalk_environment" "app" {
  name = "app"
  dynamic "setting" {
    for_each = var.settings
    content {
      namespace = setting.value.namespace
      name      = setting.key
      value     = setting.value.value
    }
  }
}
""")
    assert change.after["setting"] == [
        {"namespace": "aws:autoscaling:launchconfiguration", "name": "InstanceType", "value": "t3.small"},
        {"namespace": "aws:autoscaling:asg", "name": "MinInstances", "value": "2"},
    ]
    assert change.references == {}  # `setting` is the iterator, not a resource


def test_list_of_objects_with_an_iterator_name_and_static_blocks_kept_in_source_order() -> None:
    change = only("""
locals {
  ports = [{ port = 443, cidr = "0.0.0.0/0" }, { port = 22, cidr = "10.0.0.0/8" }]
}
resource "aws_security_group" "web" {
  ingress {
    from_port = 80
    to_port   = 80
  }
  dynamic "ingress" {
    for_each = local.ports
    iterator = rule
    content {
      from_port   = rule.value.port
      to_port     = rule.value.port
      cidr_blocks = [rule.value.cidr]
      description = "index ${rule.key}"
    }
  }
}
""")
    assert after(change, "ingress.0") == {"from_port": 80, "to_port": 80}
    assert after(change, "ingress.1.cidr_blocks") == ["0.0.0.0/0"]
    assert after(change, "ingress.2.from_port") == 22
    # a list's key is its index in Terraform, but a set(...) variable reads as a list here: not guessed
    assert after(change, "ingress.1.description") is UNKNOWN


def test_toset_keys_are_the_elements() -> None:
    change = only("""
resource "aws_s3_bucket_lifecycle_configuration" "l" {
  bucket = "b"
  dynamic "rule" {
    for_each = toset(["logs", "tmp", "logs"])
    content {
      id     = rule.key
      status = "Enabled"
    }
  }
}
""")
    assert change.after["rule"] == [{"id": "logs", "status": "Enabled"}, {"id": "tmp", "status": "Enabled"}]


def test_nested_dynamic_blocks_see_the_outer_iterator() -> None:
    change = only("""
variable "origins" {
  default = {
    api = { domain = "api.example.com", headers = ["Host", "Origin"] }
  }
}
resource "aws_cloudfront_distribution" "d" {
  dynamic "origin" {
    for_each = var.origins
    content {
      origin_id   = origin.key
      domain_name = origin.value.domain
      dynamic "custom_header" {
        for_each = origin.value.headers
        iterator = header
        content {
          name  = header.value
          value = "${origin.key}-${header.value}"
        }
      }
    }
  }
}
""")
    assert change.after["origin"] == [
        {
            "origin_id": "api",
            "domain_name": "api.example.com",
            "custom_header": [{"name": "Host", "value": "api-Host"}, {"name": "Origin", "value": "api-Origin"}],
        }
    ]


def test_an_empty_collection_gives_no_block() -> None:
    change = only("""
resource "aws_security_group" "web" {
  dynamic "egress" {
    for_each = []
    content {
      from_port = 0
    }
  }
}
""")
    assert change.after["egress"] == []


def test_unknown_for_each_leaves_the_block_unknown_and_keeps_references() -> None:
    for for_each in ("aws_subnet.a.tags", "var.unset", "null", '"text"', "[aws_subnet.a.id]"):
        change = only(f"""
variable "unset" {{}}
resource "aws_security_group" "web" {{
  ingress {{
    from_port = 80
  }}
  dynamic "ingress" {{
    for_each = {for_each}
    content {{
      from_port   = ingress.value
      cidr_blocks = [aws_vpc.main.cidr_block]
    }}
  }}
}}
""")
        assert after(change, "ingress") is UNKNOWN, for_each  # never invented, static block included
        assert "aws_vpc.main" in change.references["ingress"], for_each
        assert "ingress" not in "".join(change.references["ingress"]).split("."), for_each


def test_resource_instance_bindings_reach_the_content() -> None:
    text = """
resource "aws_security_group" "web" {
  for_each = { a = [22], b = [] }
  dynamic "ingress" {
    for_each = each.value
    content {
      from_port   = ingress.value
      description = each.key
    }
  }
}
"""
    changes = changeset_from_sources({"main.tf": text}).changes
    by_address = {change.address: change for change in changes}
    assert by_address['aws_security_group.web["a"]'].after["ingress"] == [{"from_port": 22, "description": "a"}]
    assert by_address['aws_security_group.web["b"]'].after["ingress"] == []


def test_a_rule_judges_the_expanded_blocks() -> None:
    """TFR-AWS-012 (SSH open to the world) fires on a dynamic rule over a known list, and not on a safe one."""
    text = """
variable "cidrs" {
  default = ["%s"]
}
resource "aws_security_group" "web" {
  dynamic "ingress" {
    for_each = var.cidrs
    content {
      from_port   = 22
      to_port     = 22
      protocol    = "tcp"
      cidr_blocks = [ingress.value]
    }
  }
}
"""
    rules = [rule for rule in load_rules() if rule.id == "TFR-AWS-012"]
    opened = review(changeset_from_sources({"main.tf": text % "0.0.0.0/0"}), rules, Policy())
    assert [finding.address for finding in opened.findings] == ["aws_security_group.web"]
    closed = review(changeset_from_sources({"main.tf": text % "10.0.0.0/8"}), rules, Policy())
    assert closed.findings == []
