"""A `status` kept as structure only when it is one (review23; ADR 0724 as amended by ADR 0739).

ADR 0724 keeps every subtree under a key named `address` or `status` in the sections it masks (checks, condition
results, a top-level key this release does not know), so that a sensitive value spelled `fail` does not blot out a
failed check's status. It kept anything there: a section of a newer Terraform (or a plan written by another tool)
whose `status` is a message, an object or a list held a sensitive value in clear in the stored plan. A check's status is
one of Terraform's four words; anything else under `status` is masked like any value. Addresses stay as written.
"""

from __future__ import annotations

import json
from typing import Any

from tfreview.store.plan_redaction import redact_upload_and_secrets

CANARY = "CANARY-STATUS-77c1-password"


def _plan(**sections: Any) -> bytes:
    change = {
        "actions": ["create"],
        "before": None,
        "after": {"password": CANARY, "engine": "mysql"},
        "after_unknown": {},
        "before_sensitive": False,
        "after_sensitive": {"password": True},
    }
    resource = {
        "address": "aws_db_instance.db",
        "mode": "managed",
        "type": "aws_db_instance",
        "name": "db",
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": change,
    }
    document = {"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": [resource], **sections}
    return json.dumps(document).encode()


def _stored(**sections: Any) -> dict[str, Any]:
    stored, secrets = redact_upload_and_secrets(_plan(**sections), "plan")
    assert secrets == {CANARY}
    result: dict[str, Any] = json.loads(stored)
    return result


def test_a_status_that_is_not_a_check_status_is_masked() -> None:
    stored = _stored(
        future_section=[
            {"status": f"rejected: the password {CANARY} is reused"},
            {"status": {"detail": CANARY}},
            {"status": [CANARY]},
        ]
    )
    assert CANARY not in json.dumps(stored)
    assert stored["future_section"][0]["status"] == "rejected: the password (sensitive value) is reused"


def test_a_check_status_and_an_address_are_kept_as_written() -> None:
    check = {"address": {"kind": "resource", "to_display": "aws_db_instance.db"}, "status": "fail", "instances": []}
    stored = _stored(checks=[check, {**check, "status": "error"}, {**check, "status": "pass"}])
    assert [entry["status"] for entry in stored["checks"]] == ["fail", "error", "pass"]
    assert stored["checks"][0]["address"] == check["address"]
