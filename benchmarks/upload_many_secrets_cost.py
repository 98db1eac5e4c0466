"""An upload whose every resource holds its own sensitive value (ADR 0606): the time of the stored copy's masking
(`redact_plan_json`), of `masked_addresses` (ADR 0595) and of the whole review of the original (`secret_findings`),
on N generated `aws_db_instance`s, each with a sensitive `password` and ten plain tags.

    .venv/bin/python benchmarks/upload_many_secrets_cost.py 1000 4000 16000
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from tfreview.parsing.plan_json import load_plan
from tfreview.service.uploads import masked_addresses, secret_findings
from tfreview.store.plan_redaction import redact_plan_json


def plan(count: int) -> bytes:
    changes: list[dict[str, Any]] = [
        {
            "address": f"aws_db_instance.d{n}",
            "mode": "managed",
            "type": "aws_db_instance",
            "name": f"d{n}",
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {
                "actions": ["create"],
                "before": None,
                "after": {
                    "identifier": f"db-{n}",
                    "engine": "postgres",
                    "password": f"pw-{n:08d}-secret",
                    "tags": {f"k{tag}": f"value-{n}-{tag}" for tag in range(10)},
                },
                "after_unknown": {},
                "before_sensitive": False,
                "after_sensitive": {"password": True},
            },
        }
        for n in range(count)
    ]
    document = {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}
    return json.dumps(document).encode()


def _seconds(work: Any, *arguments: Any) -> float:
    started = time.perf_counter()
    work(*arguments)
    return time.perf_counter() - started


def main() -> None:
    for count in (int(argument) for argument in sys.argv[1:] or ["1000", "4000"]):
        body = plan(count)
        change_set = load_plan(body, path="generated")
        addresses = _seconds(masked_addresses, change_set)
        stored = _seconds(redact_plan_json, body)
        original = _seconds(secret_findings, body, "plan_json")
        print(
            f"{count} resources, {len(body) / 1e6:.1f} MB: masked_addresses {addresses:.2f} s, "
            f"redact_plan_json {stored:.2f} s, secret_findings {original:.2f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
