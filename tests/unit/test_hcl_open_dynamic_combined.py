"""Several open `dynamic` blocks on one resource are judged together, in every combination of their outcomes
(ADR 0476): Terraform decides each one's for_each at plan time, so a rule is reported when it fails in every
rendering. More than `MAX_COMBINED` are judged one at a time, and coverage says so."""

from __future__ import annotations

from pathlib import Path

from tfreview.core.findings import Finding, Review, Status
from tfreview.core.open_renderings import MAX_COMBINED, renderings
from tfreview.core.plan import OpenBlock
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources, load_change
from tfreview.rules import load_rules_for

GKE_PUBLIC = "TFR-GCP-008"
KMS = "TFR-AWS-009"

# A module-style cluster: whether it gets a private endpoint and authorized networks is the caller's choice
# (variables without a default), so both `dynamic` blocks' for_each are known only at plan time.
CLUSTER = """
variable "private" {
  type = list(string)
}
variable "authorized" {
  type = list(string)
}
resource "google_container_cluster" "main" {
  name     = "main"
  location = "europe-west1"
  dynamic "private_cluster_config" {
    for_each = var.private
    content {
      enable_private_nodes    = true
      enable_private_endpoint = false
      master_ipv4_cidr_block  = "172.16.0.0/28"
    }
  }
  dynamic "master_authorized_networks_config" {
    for_each = var.authorized
    content {
      cidr_blocks {
        cidr_block   = "%s"
        display_name = "admins"
      }
    }
  }
}
"""


def _reviewed(sources: dict[str, str], base: dict[str, str] | None = None) -> Review:
    change_set = changeset_from_sources(sources, base)
    return review(change_set, load_rules_for({c.type for c in change_set.changes}), Policy())


def _of(result: Review, rule: str) -> list[Finding]:
    return [f for f in result.findings if f.rule_id == rule]


def test_a_rule_reading_both_blocks_fails_in_every_combination() -> None:
    """TFR-GCP-008 stays silent while either block is unknown, so judging one block at a time (the other
    unknown) never reported it. With no authorized networks, or `0.0.0.0/0` authorized, and a public endpoint
    either way, all four renderings fail."""
    found = _of(_reviewed({"main.tf": CLUSTER % "0.0.0.0/0"}), GKE_PUBLIC)
    assert [(f.address, f.status, f.evidence.path) for f in found] == [
        ("google_container_cluster.main", Status.INTRODUCED, "master_authorized_networks_config")
    ]
    assert found[0].message == (
        "no master_authorized_networks_config: the Kubernetes API accepts connections from any IP if dynamic "
        '"private_cluster_config" and "master_authorized_networks_config" render no block, and authorized network '
        "0.0.0.0/0 admits the whole internet to the Kubernetes API if each renders one, and in every other "
        "combination too (their for_each are known only at plan time)"
    )


def test_one_passing_combination_keeps_it_silent() -> None:
    """Authorized networks of `10.0.0.0/8`: the rendering with them passes, so the rule may pass."""
    assert _of(_reviewed({"main.tf": CLUSTER % "10.0.0.0/8"}), GKE_PUBLIC) == []


def test_base_and_head_alike_are_existing_and_a_fix_is_not_resolved() -> None:
    head = {"main.tf": CLUSTER % "0.0.0.0/0"}
    assert [f.status for f in _of(_reviewed(head, dict(head)), GKE_PUBLIC)] == [Status.EXISTING]
    # the head narrows the networks: one rendering still fails (no networks), so nothing is known to be fixed
    narrowed = {"main.tf": CLUSTER % "10.0.0.0/8"}
    assert _of(_reviewed(narrowed, head), GKE_PUBLIC) == []


def test_the_renderings_compose_each_blocks_outcome() -> None:
    (change,) = changeset_from_sources({"main.tf": CLUSTER % "0.0.0.0/0"}).changes
    blocks = [block for block in change.open_blocks if block.side == "after"]
    assert [block.name for block in blocks] == ["private_cluster_config", "master_authorized_networks_config"]
    rendered = renderings((change.after, change.after_unknown, change.after_sensitive), blocks)
    assert rendered is not None
    shown = [
        (
            [block.name in values for block in blocks],
            sorted(key for key in (unknown or {}) if key in {block.name for block in blocks}),
        )
        for values, unknown, _ in rendered
    ]
    # itertools.product order: no block of either first, one of each last; neither type is unknown in any
    assert shown == [([False, False], []), ([False, True], []), ([True, False], []), ([True, True], [])]
    assert rendered[-1][0]["private_cluster_config"] == [
        {"enable_private_nodes": True, "enable_private_endpoint": False, "master_ipv4_cidr_block": "172.16.0.0/28"}
    ]
    assert change.after is not None
    assert "private_cluster_config" not in change.after  # the input is not touched


def _block(name: str, absent: dict[str, object], present: dict[str, object]) -> OpenBlock:
    return OpenBlock("after", f"{name}.0", name, absent, None, None, present, None, None)


def test_blocks_changing_the_same_part_are_not_composed() -> None:
    """Two outcomes that rewrite one block (here both the whole `logging` list) cannot be applied together."""
    values = {"logging": [{"target": "a"}]}
    first = _block("x", {"logging": []}, {"logging": [{"target": "a", "x": [{}]}]})
    second = _block("y", {"logging": [{"target": "a"}, {}]}, {"logging": [{"target": "a", "y": [{}]}]})
    assert renderings((values, {"logging": [{"x": True, "y": True}]}, None), [first, second]) is None


def test_more_blocks_than_the_cap_are_judged_one_at_a_time_and_said(tmp_path: Path) -> None:
    """A v3-style bucket whose five inline features are each a caller's choice: 32 renderings are not run; each
    block is judged with the others unknown, as before, and coverage says so."""
    features = {
        "server_side_encryption_configuration": (
            'rule {\n apply_server_side_encryption_by_default {\n sse_algorithm = "AES256"\n }\n }'
        ),
        "versioning": "enabled = true",
        "logging": 'target_bucket = "logs"',
        "website": 'index_document = "index.html"',
        "cors_rule": 'allowed_methods = ["GET"]\n allowed_origins = ["*"]',
    }
    assert len(features) > MAX_COMBINED
    text = "".join(f'variable "{name}" {{\n  type = list(string)\n}}\n' for name in features)
    text += 'resource "aws_s3_bucket" "site" {\n  bucket = "site"\n'
    for name, content in features.items():
        text += f'  dynamic "{name}" {{\n    for_each = var.{name}\n    content {{\n {content}\n    }}\n  }}\n'
    text += "}\n"
    for side in ("base", "head"):
        (tmp_path / side).mkdir()
        (tmp_path / side / "main.tf").write_text(text if side == "head" else "", encoding="utf-8")
    (tmp_path / "base" / "main.tf").write_text('resource "aws_s3_bucket" "site" {\n  bucket = "site"\n}\n')
    change_set = load_change(tmp_path / "base", tmp_path / "head")
    assert change_set.coverage.notes == (
        "aws_s3_bucket.site: 5 `dynamic` blocks whose for_each is known only at plan time are judged one at a "
        "time, not in every combination (at most 4 are judged together)",
    )
    result = review(change_set, load_rules_for({c.type for c in change_set.changes}), Policy())
    # one at a time: AES256 rendered or not, no KMS default encryption — the base had none either
    assert [(f.address, f.status) for f in _of(result, KMS)] == [("aws_s3_bucket.site", Status.EXISTING)]
