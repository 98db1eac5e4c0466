"""Issue 9 items 12 and 22: the service and the CLI agree on the same plan, and what the service keeps is
redacted once, from the original, knowing every sensitive value of the plan.

- 12: every real plan of the shared corpus (tests/data/plans/corpus, 108 public plans) gets the same findings
  from `tfreview scan -o json` as from the service (upload → stored plan → review job);
- 22: a value masked in one resource and copied, unmasked, into another is redacted in the stored plan — so in
  everything the worker builds from it (the change set the prompt is made of, the stored report).
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tfreview.cli import main
from tfreview.core.errors import InputError
from tfreview.ports.records import ReviewStatus, SourceInfo
from tfreview.ports.review_codec import report_document
from tfreview.rules import load_rules
from tfreview.service.uploads import accept_upload
from tfreview.sources.uploaded import UploadedPlanSource
from tfreview.wiring import WiredServices, build_memory_services
from tfreview.worker.runner import Worker

from .conftest import PLAN_WITH_FINDINGS, TENANT, ManualClock, upload, worker_settings

CORPUS = Path(__file__).resolve().parents[1] / "data" / "plans" / "corpus"
PLANS = sorted(CORPUS.glob("*.json"))
CANARY = "hunter2-sensitive-canary-7Qx"


def findings_of(report: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((f["rule_id"], f["address"]) for f in report["findings"])


def scanned(plan: Path, tmp_path: Path) -> list[tuple[str, str]] | None:
    """The CLI's findings (None when it refuses the plan), run on a copy far from any .tfreview.toml."""
    copy = tmp_path / plan.name
    shutil.copyfile(plan, copy)
    out = tmp_path / f"{plan.stem}.out.json"
    code = main(["scan", str(copy), "-o", "json", "--output-file", str(out), "--soft-fail"])
    if code == 2:
        return None
    assert code == 0
    return findings_of(json.loads(out.read_text()))


def uploaded(services: WiredServices, body: bytes) -> tuple[str, str]:
    """(review id, plan id) of `body` uploaded as `POST /api/v1/plans` does (service.uploads.accept_upload)."""
    metadata = {"source": "test"}
    review_id, created = accept_upload(
        services, TENANT, body, "plan_json", metadata, SourceInfo(kind="api"), datetime.now(UTC)
    )
    assert created
    queued = services.reviews.get(review_id)
    assert queued is not None
    assert queued.plan_id is not None
    return review_id, queued.plan_id


def test_9_12_the_service_and_scan_find_the_same_on_every_real_plan(tmp_path: Path) -> None:
    assert len(PLANS) >= 100
    services = build_memory_services(worker_settings(), clock=ManualClock())
    worker = Worker(services, "w1", kinds=["review"])
    differ: dict[str, tuple[object, object]] = {}
    for plan in PLANS:
        expected = scanned(plan, tmp_path)
        try:
            review_id, _ = uploaded(services, plan.read_bytes())
        except InputError as exc:
            if expected is not None:
                differ[plan.name] = (expected, f"upload refused: {exc}")
            continue
        while worker.run_once() is not None:
            pass
        stored = services.reviews.get(review_id)
        assert stored is not None
        done = stored.report is not None
        got = findings_of(report_document(stored.report)) if done else f"review {stored.status.value}"
        if got != expected:
            differ[plan.name] = (expected, got)
    assert differ == {}


def plan_with_a_copied_sensitive_value() -> bytes:
    """The worker tests' plan, with a password marked sensitive on one resource and copied into another one's
    tag (as `tags = { mirror = "mirror of ${var.password}" }` would, where Terraform does not mask it)."""
    plan = json.loads(PLAN_WITH_FINDINGS.read_bytes())
    first, second = plan["resource_changes"][0]["change"], plan["resource_changes"][1]["change"]
    first["after"]["master_password"] = CANARY
    first["after_sensitive"] = {**(first.get("after_sensitive") or {}), "master_password": True}
    second["after"]["tags"] = {"mirror": f"mirror of {CANARY}"}
    return json.dumps(plan).encode()


def test_9_22_a_copied_sensitive_value_is_redacted_everywhere_the_service_keeps_or_builds(tmp_path: Path) -> None:
    services = build_memory_services(worker_settings(), clock=ManualClock())
    review_id, plan_id = upload(services, plan_with_a_copied_sensitive_value())
    stored_plan = services.plans.get(plan_id)
    assert stored_plan is not None
    assert CANARY not in stored_plan[0].decode()
    assert "mirror of (sensitive value)" in stored_plan[0].decode()
    review = services.reviews.get(review_id)
    assert review is not None
    fetched = UploadedPlanSource(services.plans).fetch(review, {"plan_id": plan_id})  # what the prompt is built of
    change_set = fetched.change_set
    assert CANARY not in repr(change_set)
    while Worker(services, "w1").run_once() is not None:
        pass
    done = services.reviews.get(review_id)
    assert done is not None
    assert done.status is ReviewStatus.COMPLETED
    assert CANARY not in json.dumps(done.report)


KEY_ID = "AKIAQ3EGRDJ7XK4PZ2LM"  # access key id shaped, not the documentation's example (rules skip that one)
SECRET_KEY = "wJa7rXUtnFEMI9K7MDENGbPxRfiCYz3Qk8v2TLmN"  # a canary too: it must never be stored or shown


def _resource(address: str, after: dict[str, Any]) -> dict[str, Any]:
    kind, name = address.split(".")
    return {
        "address": address,
        "mode": "managed",
        "type": kind,
        "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {
            "actions": ["create"],
            "before": None,
            "after": after,
            "after_unknown": {},
            "before_sensitive": False,
            "after_sensitive": {},
        },
    }


def _lambda_env(plan: dict[str, Any]) -> None:
    """An access key id under an innocuous variable name in a Lambda environment."""
    env = {"variables": {"UPSTREAM": KEY_ID, "UPSTREAM_KEY": SECRET_KEY}}
    after = {"function_name": "api", "environment": [env]}
    plan["resource_changes"].append(_resource("aws_lambda_function.api", after))


def _ec2_user_data(plan: dict[str, Any]) -> None:
    """Keys exported in EC2 user data."""
    script = f"#!/bin/sh\nexport AWS_ACCESS_KEY_ID={KEY_ID}\nexport AWS_SECRET_ACCESS_KEY={SECRET_KEY}\n"
    plan["resource_changes"].append(_resource("aws_instance.web", {"ami": "ami-0abc", "user_data": script}))


def _provider_credentials(plan: dict[str, Any]) -> None:
    """Static credentials written in the provider block."""
    config = plan.setdefault("configuration", {})
    config["provider_config"] = {
        "aws": {
            "name": "aws",
            "full_name": "registry.terraform.io/hashicorp/aws",
            "expressions": {
                "region": {"constant_value": "eu-west-1"},
                "access_key": {"constant_value": KEY_ID},
                "secret_key": {"constant_value": SECRET_KEY},
            },
        }
    }


SECRET_SHAPED = {
    "lambda_env": _lambda_env,
    "ec2_user_data": _ec2_user_data,
    "provider_credentials": _provider_credentials,
}


def secret_shaped_plan(case: str) -> bytes:
    plan = json.loads(PLAN_WITH_FINDINGS.read_bytes())
    SECRET_SHAPED[case](plan)
    return json.dumps(plan).encode()


@pytest.mark.parametrize("case", sorted(SECRET_SHAPED))
def test_9_12_a_secret_shaped_value_is_found_by_the_service_as_by_scan(case: str, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    path = source / f"{case}.json"
    path.write_bytes(secret_shaped_plan(case))
    expected = scanned(path, tmp_path)
    assert expected is not None
    secrets_rules = {rule.id for rule in load_rules() if rule.category == "secrets"}
    assert {rule for rule, _ in expected} & secrets_rules, "the case must exercise a secrets rule"
    services = build_memory_services(worker_settings(), clock=ManualClock())
    review_id, plan_id = uploaded(services, path.read_bytes())
    stored_plan = services.plans.get(plan_id)
    assert stored_plan is not None
    for canary in (KEY_ID, SECRET_KEY):
        assert canary not in stored_plan[0].decode()
        assert canary not in json.dumps(services.plans.findings(plan_id))
    while Worker(services, "w1", kinds=["review"]).run_once() is not None:
        pass
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.report is not None
    assert findings_of(report_document(stored.report)) == expected
    scan_report = json.loads((tmp_path / f"{case}.out.json").read_text())
    statuses = sorted((f["rule_id"], f["address"], f["status"]) for f in scan_report["findings"])
    assert (
        sorted((f["rule_id"], f["address"], f["status"]) for f in report_document(stored.report)["findings"])
        == statuses
    )
    assert report_document(stored.report)["verdict"] == scan_report["verdict"]
    assert report_document(stored.report)["summary"] == scan_report["summary"]
    for canary in (KEY_ID, SECRET_KEY):
        assert canary not in json.dumps(stored.report)
