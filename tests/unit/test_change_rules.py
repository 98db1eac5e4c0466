"""Change rules on hand-made changes: what the examples files cannot show (prevent_destroy, unknowns, table)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from tfreview.core.plan import ChangeSet, ResourceChange
from tfreview.core.rules import Hit
from tfreview.core.severity import Severity
from tfreview.rules.changes import (
    destroys_stateful_resource,
    forgets_resource,
    replaces_stateful_resource,
    stateful_without_prevent_destroy,
    widens_iam_policy,
    widens_network_ingress,
)
from tfreview.rules.support.stateful import stateful, stateful_types

HCL = ChangeSet(changes=[], source="hcl")
PLAN = ChangeSet(changes=[])


def _change(type_name: str, actions: tuple[str, ...], **fields: Any) -> ResourceChange:
    return ResourceChange(address=f"{type_name}.x", type=type_name, name="x", actions=actions, **fields)


def _hits(rule: Any, change: ResourceChange, change_set: ChangeSet = PLAN) -> list[Hit]:
    return list(rule.RULE.check_change(change, change_set))


def test_table_loads_with_kinds_and_severities() -> None:
    table = stateful_types()
    assert len(table) >= 60
    db = stateful("aws_db_instance")
    assert db is not None
    assert (db.kind, db.severity) == ("database", Severity.CRITICAL)
    key = stateful("google_kms_crypto_key")
    assert key is not None
    assert key.severity is Severity.CRITICAL
    queue = stateful("aws_sqs_queue")
    assert queue is not None
    assert queue.severity is Severity.HIGH
    assert stateful("aws_instance") is None
    assert all(t.startswith(("aws_", "azurerm_", "google_")) for t in table)


@pytest.mark.parametrize(
    ("prevent_destroy", "actions", "expected"),
    [
        (False, ("delete",), 1),
        (False, ("create", "delete"), 1),
        (None, ("delete",), 0),  # configuration unknown (plan JSON): silent
        (True, ("delete",), 0),
        (False, ("update",), 0),
    ],
)
def test_prevent_destroy(prevent_destroy: bool | None, actions: tuple[str, ...], expected: int) -> None:
    change = _change("aws_rds_cluster", actions, before={"cluster_identifier": "c"}, prevent_destroy=prevent_destroy)
    hits = _hits(stateful_without_prevent_destroy, change, HCL)
    assert len(hits) == expected
    if hits:
        assert "prevent_destroy" in (hits[0].message or "")


def test_destroy_in_hcl_mode_and_without_reason() -> None:
    change = _change("aws_s3_bucket", ("delete",), before={"bucket": "b"})
    assert "gone from the configuration" in (_hits(destroys_stateful_resource, change, HCL)[0].message or "")
    assert "no reason" in (_hits(destroys_stateful_resource, change)[0].message or "")
    odd = replace(change, action_reason="delete_because_something_new")
    assert "delete_because_something_new" in (_hits(destroys_stateful_resource, odd)[0].message or "")


def test_replace_names_nested_paths() -> None:
    change = _change(
        "google_sql_database_instance",
        ("delete", "create"),
        before={"settings": [{"tier": "a"}]},
        after={"settings": [{"tier": "b"}]},
        replace_paths=(("settings", 0, "tier"), ("region",)),
        action_reason="replace_by_triggers",
    )
    hit = _hits(replaces_stateful_resource, change)[0]
    assert "`settings.0.tier`, `region`" in (hit.message or "")
    assert "replace_triggered_by" in (hit.message or "")
    assert hit.value == ["settings.0.tier", "region"]


def test_forget_with_create_is_not_a_forget() -> None:
    assert _hits(forgets_resource, _change("aws_s3_bucket", ("create", "forget"), after={"bucket": "b"})) == []
    assert len(_hits(forgets_resource, _change("aws_s3_bucket", ("forget",), before={"bucket": "b"}))) == 1


def test_network_unknown_ports_never_widen() -> None:
    before = {
        "name": "sg",
        "ingress": [{"cidr_blocks": ["10.0.0.0/8"], "from_port": 22, "to_port": 22, "protocol": "tcp"}],
    }
    after = {"name": "sg", "ingress": [{"cidr_blocks": ["0.0.0.0/0"], "protocol": "tcp"}]}
    unknown = {"ingress": [{"from_port": True, "to_port": True}]}
    change = _change("aws_security_group", ("update",), before=before, after=after, after_unknown=unknown)
    assert _hits(widens_network_ingress, change) == []
    whole = _change(
        "aws_security_group", ("update",), before=before, after={"name": "sg"}, after_unknown={"ingress": True}
    )
    assert _hits(widens_network_ingress, whole) == []


def test_network_supernet_and_all_protocols() -> None:
    rule = {"type": "ingress", "security_group_id": "sg-1"}
    before = {**rule, "cidr_blocks": ["10.0.0.0/8"], "protocol": "-1", "from_port": 0, "to_port": 0}
    narrower = {**rule, "cidr_blocks": ["10.1.0.0/16"], "protocol": "tcp", "from_port": 22, "to_port": 22}
    change = _change("aws_security_group_rule", ("update",), before=before, after=narrower, after_unknown={})
    assert _hits(widens_network_ingress, change) == []
    wider = {**rule, "cidr_blocks": ["10.0.0.0/7"], "protocol": "tcp", "from_port": 22, "to_port": 22}
    change = _change("aws_security_group_rule", ("update",), before=before, after=wider, after_unknown={})
    assert [h.value for h in _hits(widens_network_ingress, change)] == [["10.0.0.0/7"]]


def test_network_created_rule_is_not_a_widening() -> None:
    after = {"type": "ingress", "cidr_blocks": ["0.0.0.0/0"], "protocol": "tcp", "from_port": 22, "to_port": 22}
    assert _hits(widens_network_ingress, _change("aws_security_group_rule", ("create",), after=after)) == []


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_iam_wildcard_covers_named_actions_and_arns() -> None:
    before = {"policy": _doc({"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"})}
    after = {"policy": _doc({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/x/*"})}
    change = _change("aws_iam_policy", ("update",), before=before, after=after, after_unknown={})
    assert _hits(widens_iam_policy, change) == []
    wider = {"policy": _doc({"Effect": "Allow", "Action": ["s3:GetObject", "iam:PassRole"], "Resource": "*"})}
    change = _change("aws_iam_policy", ("update",), before=before, after=wider, after_unknown={})
    [hit] = _hits(widens_iam_policy, change)
    assert "new actions iam:PassRole" in (hit.message or "")  # as the user spelled it
    assert "new resources * (wildcard)" in (hit.message or "")


def test_iam_not_action_is_read_as_every_action() -> None:
    before = {"policy": _doc({"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"})}
    after = {"policy": _doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})}
    change = _change("aws_iam_user_policy", ("update",), before=before, after=after, after_unknown={})
    assert len(_hits(widens_iam_policy, change)) == 1


def test_iam_inline_policy_unknown_and_managed_arns() -> None:
    inline = [{"name": "a", "policy": _doc({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"})}]
    before = {"inline_policy": inline, "managed_policy_arns": []}
    after = {"inline_policy": [{"name": "a"}], "managed_policy_arns": ["arn:aws:iam::aws:policy/AdministratorAccess"]}
    unknown = {"inline_policy": [{"policy": True}]}
    change = _change("aws_iam_role", ("update",), before=before, after=after, after_unknown=unknown)
    hits = _hits(widens_iam_policy, change)
    assert [h.path for h in hits] == ["managed_policy_arns"]
    assert hits[0].value == ["arn:aws:iam::aws:policy/AdministratorAccess"]
