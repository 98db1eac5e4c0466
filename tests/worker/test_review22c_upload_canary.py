"""An upload whose plan repeats a sensitive value in its `checks` section, reviewed end to end by the real worker and a
real, spawned review process (review22c, ADR 0724): the value is in no stored byte (plan, report), in no log line,
and never crosses the pipe (the review process reads the stored, redacted plan)."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime

import pytest

from tfreview.ports.records import ReviewStatus, SourceInfo
from tfreview.service.uploads import accept_upload

from .test_review_processes_uploads import TENANT, _services, pool_of, review_once

CANARY = "CANARY-PIPE-61b0-password"


def _plan() -> bytes:
    change = {
        "actions": ["create"],
        "before": None,
        "after": {"password": CANARY, "engine": "mysql", "identifier": "db"},
        "after_unknown": {},
        "before_sensitive": False,
        "after_sensitive": {"password": True},
    }
    problem = {"message": f"the password {CANARY} is too short"}
    return json.dumps(
        {
            "format_version": "1.2",
            "terraform_version": "1.9.0",
            "resource_changes": [
                {
                    "address": "aws_db_instance.db",
                    "mode": "managed",
                    "type": "aws_db_instance",
                    "name": "db",
                    "provider_name": "registry.terraform.io/hashicorp/aws",
                    "change": change,
                }
            ],
            "checks": [
                {
                    "address": {"kind": "resource", "to_display": "aws_db_instance.db"},
                    "status": "fail",
                    "instances": [
                        {"address": {"to_display": "aws_db_instance.db"}, "status": "fail", "problems": [problem]}
                    ],
                }
            ],
        }
    ).encode()


def test_a_sensitive_value_in_checks_reaches_no_stored_byte_log_or_review_process(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    for services in _services(processes=True):
        metadata = {"source": "api", "run": uuid.uuid4().hex}
        review_id, created = accept_upload(
            services, TENANT, _plan(), "plan", metadata, SourceInfo(kind="api"), datetime.now(UTC)
        )
        assert created
        stored = services.reviews.get(review_id, TENANT)
        assert stored is not None
        assert stored.plan_id is not None
        plan = services.plans.get(stored.plan_id)
        assert plan is not None
        assert CANARY.encode() not in plan[0]  # what the worker hands the review process through the pipe

        outcome = review_once(services)

        assert outcome.result == "succeeded", outcome.reason
        assert pool_of(services).pids()  # reviewed in a review process
        done = services.reviews.get(review_id, TENANT)
        assert done is not None
        assert done.status == ReviewStatus.COMPLETED
        assert CANARY not in json.dumps(done.report)
        assert any("aws_db_instance.db (fail)" in note for note in done.report["review"]["coverage"]["notes"])
    assert CANARY not in caplog.text
