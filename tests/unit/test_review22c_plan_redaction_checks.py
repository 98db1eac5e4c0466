"""A value the plan marks sensitive, copied into a section beside the changes (review22c; ADR 0724).

The stored plan masked every copy of a sensitive value in the changes, outputs, configuration and the Terraform
1.9+/1.14 sections, but kept `checks` (an author's `error_message`, which may interpolate any value), Terraform 1.2's
`condition_results` and any top-level key this release does not know as redact_value left them: a secret-shaped
string was redacted there, a sensitive password was stored in clear. The check's address (structure, read by the
review's notes) is kept.
"""

from __future__ import annotations

import json
from typing import Any

from tfreview.parsing.plan_json import load_plan
from tfreview.store.plan_redaction import redact_upload_and_secrets

CANARY = "CANARY-CHECK-3e9d-password"


def _plan() -> dict[str, Any]:
    address = {"kind": "resource", "to_display": "aws_db_instance.db", "mode": "managed", "type": "aws_db_instance"}
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "variables": {"db_password": {"value": CANARY}},
        "configuration": {"root_module": {"variables": {"db_password": {"sensitive": True}}}},
        "resource_changes": [
            {
                "address": "aws_db_instance.db",
                "mode": "managed",
                "type": "aws_db_instance",
                "name": "db",
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": {"password": CANARY, "engine": "mysql"},
                    "after_unknown": {},
                    "before_sensitive": False,
                    "after_sensitive": {"password": True},
                },
            }
        ],
        "checks": [
            {
                "address": address,
                "status": "fail",
                "instances": [
                    {
                        "address": {"to_display": "aws_db_instance.db"},
                        "status": "fail",
                        "problems": [{"message": f"the password {CANARY} is too short"}],
                    }
                ],
            }
        ],
        "condition_results": [{"address": "aws_db_instance.db", "result": False, "error_message": CANARY}],
        "a_future_section": {"note": f"copied: {CANARY}"},
    }


def test_a_sensitive_value_copied_into_checks_or_an_unknown_section_is_not_stored() -> None:
    stored, secrets = redact_upload_and_secrets(json.dumps(_plan()).encode(), "plan_json")

    assert CANARY in secrets
    assert CANARY.encode() not in stored
    document = json.loads(stored)
    (problem,) = document["checks"][0]["instances"][0]["problems"]
    assert problem["message"] == "the password (sensitive value) is too short"
    assert document["checks"][0]["address"] == _plan()["checks"][0]["address"]  # structure: kept as written
    assert document["a_future_section"] == {"note": "copied: (sensitive value)"}


def test_the_stored_plan_still_notes_its_failed_check_by_address() -> None:
    stored, _ = redact_upload_and_secrets(json.dumps(_plan()).encode(), "plan_json")

    notes = load_plan(stored).coverage.notes
    assert any("aws_db_instance.db (fail)" in note for note in notes), notes


def test_a_sensitive_value_copied_into_an_imports_generated_config_is_not_stored() -> None:
    plan = _plan()
    generated = f'resource "aws_ssm_parameter" "p" {{\n  description = "copied {CANARY}"\n}}\n'
    change = {"actions": ["no-op"], "before": {}, "after": {}, "after_unknown": {}, "before_sensitive": {}}
    change |= {"after_sensitive": {}, "importing": {"id": "p"}, "generated_config": generated}
    imported = {"address": "aws_ssm_parameter.p", "mode": "managed", "type": "aws_ssm_parameter", "name": "p"}
    plan["resource_changes"].append(
        {**imported, "provider_name": "registry.terraform.io/hashicorp/aws", "change": change}
    )

    stored, _ = redact_upload_and_secrets(json.dumps(plan).encode(), "plan_json")

    assert CANARY.encode() not in stored
    kept = json.loads(stored)["resource_changes"][1]["change"]
    assert kept["generated_config"] == generated.replace(CANARY, "(sensitive value)")
    assert kept["importing"] == {"id": "p"}


def test_a_sensitive_value_that_is_a_checks_status_word_leaves_the_status_alone() -> None:
    plan = _plan()
    plan["resource_changes"][0]["change"]["after"]["engine"] = "fail"
    plan["resource_changes"][0]["change"]["after_sensitive"]["engine"] = True

    stored, secrets = redact_upload_and_secrets(json.dumps(plan).encode(), "plan_json")

    assert "fail" in secrets
    assert json.loads(stored)["checks"][0]["status"] == "fail"
    assert any("aws_db_instance.db (fail)" in note for note in load_plan(stored).coverage.notes)
