"""Variable `type` constraints in HCL mode: values are converted as Terraform converts them (ADR 0270)."""

from __future__ import annotations

from typing import Any

from tfreview.core.module_calls import is_module_call
from tfreview.core.plan import ResourceChange
from tfreview.core.values import UNKNOWN, lookup
from tfreview.parsing.hcl import changeset_from_sources


def only(files: dict[str, str]) -> ResourceChange:
    [change] = [c for c in changeset_from_sources(files).changes if not is_module_call(c)]
    return change


def after(change: ResourceChange, path: str) -> Any:
    return lookup(change.after, change.after_unknown, path)


NODE_POOL_VARIABLE = """
variable "node_config" {
  type = object({
    machine_type = optional(string, "e2-medium")
    image_type   = optional(string)
    shielded_instance_config = optional(object({
      enable_secure_boot          = optional(bool, false)
      enable_integrity_monitoring = optional(bool, true)
    }))
    workload_metadata_config = optional(object({
      mode = optional(string, "GKE_METADATA")
    }), {})
  })
  default = {
    image_type = "COS_CONTAINERD"
  }
}
resource "google_container_node_pool" "pool" {
  name    = "pool"
  cluster = "primary"
  node_config {
    machine_type = var.node_config.machine_type
    image_type   = var.node_config.image_type
    dynamic "shielded_instance_config" {
      for_each = var.node_config.shielded_instance_config != null ? [var.node_config.shielded_instance_config] : []
      content {
        enable_secure_boot = shielded_instance_config.value.enable_secure_boot
      }
    }
    dynamic "workload_metadata_config" {
      for_each = var.node_config.workload_metadata_config != null ? [var.node_config.workload_metadata_config] : []
      content {
        mode = workload_metadata_config.value.mode
      }
    }
  }
}
"""


def test_optional_attributes_left_out_of_the_default_are_null_or_their_declared_default() -> None:
    change = only({"main.tf": NODE_POOL_VARIABLE})
    assert after(change, "node_config.0.machine_type") == "e2-medium"
    assert after(change, "node_config.0.image_type") == "COS_CONTAINERD"
    # optional(object(...)) without a default: null, so the dynamic block has nothing to expand
    assert after(change, "node_config.0.shielded_instance_config") == []
    # optional(object(...), {}): the empty object takes its own attributes' defaults
    assert after(change, "node_config.0.workload_metadata_config") == [{"mode": "GKE_METADATA"}]


def test_module_arguments_are_converted_too_and_null_takes_the_optional_default() -> None:
    module = NODE_POOL_VARIABLE.replace('default = {\n    image_type = "COS_CONTAINERD"\n  }', "")
    change = only(
        {
            "main.tf": """
module "pool" {
  source = "./pool"
  node_config = {
    machine_type             = null
    shielded_instance_config = { enable_integrity_monitoring = false }
    unknown_extra            = "dropped"
  }
}
""",
            "pool/main.tf": module,
        }
    )
    assert change.address == "module.pool.google_container_node_pool.pool"
    assert after(change, "node_config.0.machine_type") == "e2-medium"
    assert after(change, "node_config.0.shielded_instance_config") == [{"enable_secure_boot": False}]


def test_collections_of_objects_primitives_and_any() -> None:
    change = only(
        {
            "main.tf": """
variable "pools" {
  type = map(object({
    auto_repair = optional(bool, true)
    count       = number
    tags        = optional(list(string), [])
  }))
  default = {
    a = { count = "3" }
    b = { count = 1, auto_repair = "false", tags = [1] }
  }
}
variable "loose" {
  type    = any
  default = { x = "1" }
}
variable "pair" {
  type    = tuple([string, bool])
  default = [5, "true"]
}
resource "terraform_data" "x" {
  input = {
    a     = var.pools["a"]
    b     = var.pools["b"]
    loose = var.loose
    pair  = var.pair
  }
}
"""
        }
    )
    assert after(change, "input.a") == {"auto_repair": True, "count": 3, "tags": []}
    assert after(change, "input.b") == {"auto_repair": False, "count": 1, "tags": ["1"]}
    assert after(change, "input.loose") == {"x": "1"}
    assert after(change, "input.pair") == ["5", True]


def test_variables_without_a_value_stay_unknown_and_unread_types_leave_the_value() -> None:
    change = only(
        {
            "main.tf": """
variable "unset" {
  type = object({ a = optional(string, "x") })
}
variable "odd" {
  type    = object({ a = optional(string, "x", "too many") })
  default = { b = 1 }
}
resource "terraform_data" "x" {
  input = {
    unset = var.unset
    odd   = var.odd
  }
}
"""
        }
    )
    assert change.after_unknown == {"input": {"unset": True}}
    assert after(change, "input.unset") is UNKNOWN
    assert after(change, "input.odd") == {"b": 1}


def test_a_string_bool_from_an_optional_default_decides_a_conditional_as_terraform_converts_it() -> None:
    change = only(
        {
            "main.tf": """
variable "subnets" {
  type = list(object({
    name      = string
    flow_logs = optional(string, "false")
  }))
  default = [{ name = "a" }, { name = "b", flow_logs = "true" }]
}
resource "terraform_data" "x" {
  input = [for s in var.subnets : coalesce(lookup(s, "flow_logs", null), false) ? "on" : "off"]
}
"""
        }
    )
    assert after(change, "input") == ["off", "on"]
