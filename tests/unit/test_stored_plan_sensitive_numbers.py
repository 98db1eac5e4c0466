"""A sensitive number in the stored plan (review23; ADR 0736).

Under a `*_sensitive` mask a number is replaced by "(sensitive value)" like a string (ints, floats, a number past a
double). Terraform also repeats a literal in the configuration section as `constant_value`, and a sensitive
variable's `default` there, whatever the attribute's sensitivity: a sensitive string there was masked, a sensitive
number was stored in clear. An equal number in another resource's values is kept: it may be any port or size, and
rules read it (ADR 0736).
"""

from __future__ import annotations

import json
from typing import Any

from tfreview.store.plan_redaction import redact_upload_and_secrets

PIN = 739104  # the canary: a sensitive number
PORT = 48291.0  # a sensitive float that prints whole in Terraform's form
HUGE = "123456789012345678901234567890123"  # past a 64-bit integer: read as a PlanNumber
VARIABLE_PIN = 582047
_STAND_IN = 987.625  # stands for HUGE, which json.dumps cannot write as the plan does


def _plan() -> bytes:
    change = {
        "actions": ["create"],
        "before": None,
        "after": {"pin": PIN, "port": PORT, "huge": _STAND_IN, "name": "kiosk"},
        "after_unknown": {},
        "before_sensitive": False,
        "after_sensitive": {"pin": True, "port": True, "huge": True},
    }
    copy = {
        "actions": ["create"],
        "before": None,
        "after": {"copied_pin": PIN, "ordinary": 443},
        "after_unknown": {},
        "before_sensitive": False,
        "after_sensitive": {},
    }
    configuration = {
        "root_module": {
            "variables": {"door_pin": {"sensitive": True, "default": VARIABLE_PIN}},
            "resources": [
                {
                    "address": "kiosk_device.front",
                    "mode": "managed",
                    "type": "kiosk_device",
                    "name": "front",
                    "expressions": {
                        "pin": {"constant_value": PIN},
                        "port": {"constant_value": PORT},
                        "huge": {"constant_value": _STAND_IN},
                        "retries": {"constant_value": 5},
                    },
                }
            ],
        }
    }
    document = {
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "variables": {"door_pin": {"value": VARIABLE_PIN}},
        "resource_changes": [
            {"address": "kiosk_device.front", "type": "kiosk_device", "name": "front", "change": change},
            {"address": "kiosk_log.copy", "type": "kiosk_log", "name": "copy", "change": copy},
        ],
        "output_changes": {"door": {"actions": ["create"], "before": None, "after": PIN, "after_sensitive": True}},
        "configuration": configuration,
    }
    return json.dumps(document).replace(str(_STAND_IN), HUGE).encode()


def _stored() -> tuple[dict[str, Any], str]:
    stored, _ = redact_upload_and_secrets(_plan(), "plan")
    return json.loads(stored), stored.decode()


def test_a_number_under_a_sensitive_mask_is_replaced() -> None:
    stored, _ = _stored()
    after = stored["resource_changes"][0]["change"]["after"]
    masked = "(sensitive value)"
    assert after == {"pin": masked, "port": masked, "huge": masked, "name": "kiosk"}
    assert stored["output_changes"]["door"]["after"] == "(sensitive value)"


def test_the_configuration_repeating_a_sensitive_number_is_masked() -> None:
    stored, text = _stored()
    root = stored["configuration"]["root_module"]
    expressions = root["resources"][0]["expressions"]
    assert expressions["pin"] == {"constant_value": "(sensitive value)"}
    assert expressions["port"] == {"constant_value": "(sensitive value)"}
    assert expressions["huge"] == {"constant_value": "(sensitive value)"}
    assert root["variables"]["door_pin"]["default"] == "(sensitive value)"
    assert expressions["retries"] == {"constant_value": 5}  # not a sensitive number
    assert HUGE not in text
    assert str(VARIABLE_PIN) not in text


def test_an_equal_number_in_another_resource_is_kept() -> None:
    stored, _ = _stored()
    assert stored["resource_changes"][1]["change"]["after"] == {"copied_pin": PIN, "ordinary": 443}
