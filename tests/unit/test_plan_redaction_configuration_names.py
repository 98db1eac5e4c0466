"""The stored plan's configuration keeps its names: a sensitive value masked inside them broke the plan.

hostile11 (ADR 0460) masks the plan's sensitive values in the `configuration` section too, where Terraform
repeats literals as `constant_value`. It masked every string there, by substring: a sensitive value `orders`
(a database user name from a sensitive variable) turned `aws_s3_bucket.orders` into
`aws_s3_bucket.(sensitive value)` in the addresses, names and references of the stored plan — which is what
the worker reviews — so the changes no longer met their configuration (ADR 0462)."""

from __future__ import annotations

import json
from typing import Any

from tfreview.core.plan import ChangeSet
from tfreview.parsing.plan_json import load_plan
from tfreview.store.plan_redaction import redact_plan_json

SECRET = "orders"  # the sensitive value: also the name the user gave the resources
ROLE_ARN_REFS = ["aws_iam_role.orders.arn", "aws_iam_role.orders"]


def _change(address: str, after: dict[str, Any], sensitive: dict[str, Any], unknown: dict[str, Any]) -> dict[str, Any]:
    kind, name = address.split(".")
    change = {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown}
    return {
        "address": address,
        "mode": "managed",
        "type": kind,
        "name": name,
        "change": {**change, "before_sensitive": False, "after_sensitive": sensitive},
    }


def _configured(address: str, expressions: dict[str, Any]) -> dict[str, Any]:
    kind, name = address.split(".")
    return {
        "address": address,
        "mode": "managed",
        "type": kind,
        "name": name,
        "provider_config_key": "aws",
        "expressions": expressions,
    }


PLAN: dict[str, Any] = {
    "format_version": "1.2",
    "terraform_version": "1.9.0",
    "resource_changes": [
        _change(
            "aws_db_instance.orders",
            {"engine": "postgres", "username": SECRET, "identifier": "orders-db"},
            {"username": True},
            {"id": True},
        ),
        _change("aws_iam_role.orders", {"name": "orders-ecs"}, {}, {"id": True, "arn": True}),
        _change(
            "aws_ecs_task_definition.orders",
            {"family": "orders", "container_definitions": "[]"},
            {},
            {"id": True, "task_role_arn": True, "execution_role_arn": True},
        ),
    ],
    "configuration": {
        "root_module": {
            "resources": [
                _configured(
                    "aws_db_instance.orders",
                    {
                        "engine": {"constant_value": "postgres"},
                        "username": {"references": ["var.db_username"]},
                        "identifier": {"constant_value": "orders-db"},
                    },
                ),
                _configured("aws_iam_role.orders", {"name": {"constant_value": "orders-ecs"}}),
                _configured(
                    "aws_ecs_task_definition.orders",
                    {
                        "family": {"constant_value": "orders"},
                        "task_role_arn": {"references": ROLE_ARN_REFS},
                        "execution_role_arn": {"references": ROLE_ARN_REFS},
                    },
                ),
            ],
            "variables": {"db_username": {"sensitive": True, "default": SECRET}},
        }
    },
}


def _stored() -> tuple[ChangeSet, ChangeSet, dict[str, Any]]:
    raw = json.dumps(PLAN).encode()
    redacted = redact_plan_json(raw)
    return load_plan(raw), load_plan(redacted), json.loads(redacted)


def test_the_configuration_keeps_its_addresses_names_and_references() -> None:
    _, _, document = _stored()
    resources = document["configuration"]["root_module"]["resources"]
    assert [r["address"] for r in resources] == [
        "aws_db_instance.orders",
        "aws_iam_role.orders",
        "aws_ecs_task_definition.orders",
    ]
    assert {r["name"] for r in resources} == {"orders"}
    assert resources[2]["expressions"]["task_role_arn"] == {"references": ROLE_ARN_REFS}


def test_the_values_there_are_still_masked() -> None:
    _, _, document = _stored()
    module = document["configuration"]["root_module"]
    assert module["variables"]["db_username"]["default"] == "(sensitive value)"
    assert module["resources"][0]["expressions"]["identifier"] == {"constant_value": "(sensitive value)-db"}
    assert module["resources"][2]["expressions"]["family"] == {"constant_value": "(sensitive value)"}


def test_the_stored_plan_reads_with_the_same_references_as_the_upload() -> None:
    original, stored, _ = _stored()
    assert [c.address for c in stored.changes] == [c.address for c in original.changes]
    assert [dict(c.references) for c in stored.changes] == [dict(c.references) for c in original.changes]
    task = next(c for c in stored.changes if c.type == "aws_ecs_task_definition")
    assert task.references["task_role_arn"] == ("aws_iam_role.orders",)
