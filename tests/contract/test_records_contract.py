"""ReviewStore, Tokens, Tenants and PlanStore scenarios, on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from dataclasses import replace
from datetime import timedelta

import pytest

from tests.contract.conftest import Stores, raw_dynamodb
from tfreview.core.errors import InputError, NotFound
from tfreview.plumbing.hashing import report_hash
from tfreview.ports.records import ReviewStatus, Scope, SourceInfo, Tenant
from tfreview.service.uploads import secret_findings

GITHUB = SourceInfo(kind="github", repository="acme/infra", pull_request=3)
SPACELIFT = SourceInfo(kind="spacelift", stack_id="networking", run_id="01H")
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
CANARY = "canary-9d1e4c7b-sensitive"


def test_reviews_pages_newest_first_with_an_opaque_cursor(stores: Stores) -> None:
    created = []
    for i in range(7):
        created.append(stores.reviews.create("github:1", GITHUB if i % 2 else SPACELIFT).id)
        if i != 3:
            stores.clock.advance(1)  # two reviews share a created_at: the id breaks the tie
    stores.reviews.create("github:2", GITHUB)
    seen, cursor = [], None
    while True:
        page = stores.reviews.list("github:1", filters={}, limit=2, cursor=cursor)
        seen += [r.id for r in page.items]
        if (cursor := page.next_cursor) is None:
            break
    assert len(seen) == 7
    assert set(seen) == set(created)
    keys = [(r.created_at, r.id) for r in (stores.reviews.get(i) for i in seen) if r]
    assert keys == sorted(keys, reverse=True)
    assert len(stores.reviews.list(None, filters={}).items) == 8  # an operator across tenants
    with pytest.raises(InputError):
        stores.reviews.list("github:1", filters={}, cursor="not-a-cursor")


def test_reviews_filters(stores: Stores) -> None:
    first = stores.reviews.create("github:1", GITHUB)
    stores.clock.advance(60)
    second = stores.reviews.create("github:1", SPACELIFT)
    stores.reviews.save_result(second.id, ReviewStatus.COMPLETED, {"findings": []}, "pass", {"findings": 0})

    def ids(**filters: str) -> list[str]:
        return [r.id for r in stores.reviews.list("github:1", filters=filters).items]

    assert ids(source="github") == [first.id]
    assert ids(repository="acme/infra") == [first.id]
    assert ids(stack_id="networking") == [second.id]
    assert ids(status="completed") == [second.id]
    assert ids(verdict="pass") == [second.id]
    assert ids(since=second.created_at.isoformat()) == [second.id]
    assert ids(until=second.created_at.isoformat()) == [first.id]
    for bad in ({"colour": "red"}, {"status": "done"}, {"since": "yesterday"}):
        with pytest.raises(InputError):
            ids(**bad)


def test_reviews_are_scoped_to_their_tenant(stores: Stores) -> None:
    review = stores.reviews.create("github:1", GITHUB, plan_id="p1", deadline_at=stores.clock() + timedelta(minutes=15))
    assert stores.reviews.get(review.id, tenant_id="github:2") is None
    assert stores.reviews.get(review.id, tenant_id="github:1") == review
    assert stores.reviews.get(review.id) == review
    assert stores.reviews.get("00000000-0000-4000-8000-000000000000") is None
    assert stores.reviews.list("github:2", filters={}).items == []


def test_save_result_stores_report_counts_verdict_and_hash(stores: Stores) -> None:
    review = stores.reviews.create("github:1", GITHUB)
    stores.reviews.set_status(review.id, ReviewStatus.IN_PROGRESS)
    report = {
        "verdict": "fail",
        "findings": [
            {"rule_id": "AWS001", "severity": "high", "status": "introduced", "address": "aws_s3_bucket.b"},
            {"rule_id": "AWS002", "severity": "low", "status": "existing", "address": "aws_iam_role.r"},
        ],
    }
    stores.clock.advance(5)
    saved = stores.reviews.save_result(review.id, ReviewStatus.COMPLETED, report, "fail", {"introduced": 1})
    assert saved.status == ReviewStatus.COMPLETED
    assert saved.verdict == "fail"
    assert saved.report == report
    assert saved.counts == {"introduced": 1}
    assert saved.content_hash == report_hash(report)
    assert saved.updated_at == stores.clock()
    assert saved.created_at == review.created_at
    assert stores.reviews.get(review.id) == saved
    light = stores.reviews.get(review.id, "github:1", with_report=False)  # a store may leave the report out
    assert light is not None
    assert replace(light, report=saved.report) == saved
    assert stores.reviews.get(review.id, "github:2", with_report=False) is None
    stores.reviews.set_status(review.id, ReviewStatus.FAILED, "deadline passed")
    failed = stores.reviews.get(review.id)
    assert failed is not None
    assert failed.status_reason == "deadline passed"
    with pytest.raises(NotFound):
        stores.reviews.set_status("00000000-0000-4000-8000-000000000000", ReviewStatus.FAILED)


def test_a_status_write_may_move_the_deadline_and_otherwise_keeps_it(stores: Stores) -> None:
    """ADR 0536: a review retried by request is queued with a deadline counted from the retry."""
    due = stores.clock() + timedelta(minutes=15)
    review = stores.reviews.create("github:1", GITHUB, deadline_at=due)
    stores.reviews.set_status(review.id, ReviewStatus.FAILED, "deadline exceeded")
    kept = stores.reviews.get(review.id)
    assert kept is not None
    assert kept.deadline_at == due
    stores.clock.advance(86400)
    fresh = stores.clock() + timedelta(minutes=15)
    stores.reviews.set_status(review.id, ReviewStatus.QUEUED, "retried by request", deadline_at=fresh)
    moved = stores.reviews.get(review.id)
    assert moved is not None
    assert (moved.status, moved.status_reason, moved.deadline_at) == (ReviewStatus.QUEUED, "retried by request", fresh)


def test_overdue_gives_the_open_reviews_past_their_deadline_oldest_first(stores: Stores) -> None:
    """ADR 0652: the reaper's sweep reads only these — `deadline_at`, or `created_at + deadline` where none is set."""
    deadline = timedelta(seconds=600)
    by_age = stores.reviews.create("github:1", GITHUB)  # T: due at T+600
    stores.clock.advance(10)
    moved_later = stores.reviews.create("github:1", GITHUB, deadline_at=stores.clock() + timedelta(hours=2))
    stores.clock.advance(10)
    moved_sooner = stores.reviews.create("github:1", SPACELIFT, deadline_at=stores.clock() + timedelta(seconds=60))
    stores.clock.advance(10)
    running = stores.reviews.create("github:2", GITHUB)  # due at T+630
    stores.reviews.set_status(running.id, ReviewStatus.IN_PROGRESS)
    stores.clock.advance(10)
    finished = stores.reviews.create("github:2", GITHUB)
    stores.reviews.set_status(finished.id, ReviewStatus.FAILED, "gone")
    stores.clock.advance(10)
    fresh = stores.reviews.create("github:1", GITHUB)  # T+50: due at T+650

    def overdue(limit: int = 10) -> list[str]:
        found = stores.reviews.overdue(stores.clock(), deadline, limit=limit)
        assert all(review.report is None for review in found)
        return [review.id for review in found]

    assert overdue() == []  # T+50: the moved one is due at T+80
    stores.clock.advance(30)
    assert overdue() == []  # T+80: due exactly now is not past it
    stores.clock.advance(1)
    assert overdue() == [moved_sooner.id]
    stores.clock.advance(520)  # T+601
    assert overdue() == [by_age.id, moved_sooner.id]
    stores.clock.advance(30)  # T+631: the one in progress too
    assert overdue() == [by_age.id, moved_sooner.id, running.id]
    assert overdue(limit=2) == [by_age.id, moved_sooner.id]
    stores.clock.advance(3 * 3600)  # every open one; never the finished one
    assert overdue() == [by_age.id, moved_later.id, moved_sooner.id, running.id, fresh.id]


def test_tokens_create_verify_revoke_and_expire(stores: Stores) -> None:
    token, secret = stores.tokens.create("github:1", Scope.WRITE, "ci", stores.clock() + timedelta(days=1))
    assert secret.startswith("tfr_")
    assert token.id in secret
    verified = stores.tokens.verify(secret)
    assert verified is not None
    assert verified.id == token.id
    assert verified.scope == Scope.WRITE
    assert verified.last_used_at == stores.clock()
    assert stores.tokens.verify(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert stores.tokens.verify(f"tfr_{token.id}_guess") is None
    assert stores.tokens.verify("Bearer nonsense") is None
    assert [t.id for t in stores.tokens.list("github:1")] == [token.id]
    assert stores.tokens.list("github:2") == []
    stores.clock.advance(86_400)
    assert stores.tokens.verify(secret) is None  # expired
    other, other_secret = stores.tokens.create("github:1", Scope.ADMIN, "ops", None)
    assert stores.tokens.verify(other_secret) is not None
    assert stores.tokens.revoke(other.id)
    assert not stores.tokens.revoke(other.id)
    assert stores.tokens.verify(other_secret) is None  # revoked at once
    assert not stores.tokens.revoke("0000000000000000")


def test_tokens_store_only_a_hash(stores: Stores) -> None:
    _, secret = stores.tokens.create("github:1", Scope.READ, "ci", None)
    if stores.backend == "dynamodb":
        raw = raw_dynamodb(stores)
        assert secret.encode() not in raw
        assert secret.split("_", 2)[2].encode() not in raw
        return
    if stores.database is None:
        pytest.skip("the in-memory store has no table to inspect")
    with stores.database.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT * FROM api_tokens").all()
    assert secret not in repr(rows)
    assert secret.split("_", 2)[2] not in repr(rows)


def test_tenants_ensure_and_get(stores: Stores) -> None:
    tenant = Tenant("github:42", "github", "acme")
    assert stores.tenants.ensure(tenant) == tenant
    renamed = Tenant("github:42", "github", "acme-corp")
    assert stores.tenants.ensure(renamed) == renamed
    assert stores.tenants.get("github:42") == renamed
    assert stores.tenants.get("github:43") is None


def canary_plan() -> bytes:
    plan = {
        "format_version": "1.2",
        "variables": {"db_password": {"value": CANARY}},
        "prior_state": {"values": {"root_module": {"resources": [{"values": {"password": CANARY}}]}}},
        "planned_values": {"root_module": {"resources": [{"values": {"password": CANARY}}]}},
        "resource_changes": [
            {
                "address": "aws_db_instance.main",
                "type": "aws_db_instance",
                "change": {
                    "actions": ["update"],
                    "before": {"password": CANARY, "tags": {"owner": "team"}, "user_data": f"key={AWS_KEY}"},
                    "after": {
                        "password": CANARY,
                        "tags": {"owner": "team"},
                        "copy_of_secret": CANARY,
                        "engine": CANARY,
                    },
                    "before_sensitive": {"password": True},
                    "after_sensitive": {"password": True, "copy_of_secret": True, "engine": True},
                    "after_unknown": {},
                },
            }
        ],
        "output_changes": {"token": {"before": None, "after": CANARY, "after_sensitive": True}},
        "configuration": {"root_module": {"resources": [{"expressions": {"password": {"constant_value": CANARY}}}]}},
    }
    return json.dumps(plan).encode()


def raw_plan_rows(stores: Stores) -> bytes:
    assert stores.database is not None
    with stores.database.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT content, metadata FROM plans").all()
    return b"".join(gzip.decompress(bytes(content)) + metadata.encode() for content, metadata in rows)


def test_plan_canary_never_reaches_the_store(stores: Stores) -> None:
    plan_id = stores.plans.put("github:1", canary_plan(), "plan_json", {"stack": "net", "api_key": AWS_KEY})
    found = stores.plans.get(plan_id)
    assert found is not None
    content, kind, metadata = found
    assert kind == "plan_json"
    assert CANARY.encode() not in content
    assert AWS_KEY.encode() not in content
    assert b"(sensitive value)" in content
    assert b"(redacted)" in content
    assert metadata == {"stack": "net", "api_key": "(redacted)"}
    document = json.loads(content)
    assert "prior_state" not in document
    assert "planned_values" not in document
    assert document["variables"] == {"db_password": {}}
    after = document["resource_changes"][0]["change"]["after"]
    assert after["tags"] == {"owner": "team"}
    assert after["engine"] == "(sensitive value)"
    if stores.database is not None:
        raw = raw_plan_rows(stores)
        assert CANARY.encode() not in raw
        assert AWS_KEY.encode() not in raw
    if stores.backend == "dynamodb":
        raw = raw_dynamodb(stores)
        assert CANARY.encode() not in raw
        assert AWS_KEY.encode() not in raw
    assert stores.plans.get("missing") is None


LIVE_KEY_ID = "AKIAQ3EGRDJ7XK4PZ2LM"  # key-id shaped (not the documentation's example, which rules skip)


def test_findings_kept_with_a_plan_round_trip_and_hold_no_secret(stores: Stores) -> None:
    """Issue 9.12: the findings of the secrets rules on the original are kept with the redacted plan."""
    plan = json.loads(canary_plan())
    plan["resource_changes"].append(
        {
            "address": "aws_lambda_function.api",
            "mode": "managed",
            "type": "aws_lambda_function",
            "name": "api",
            "change": {
                "actions": ["create"],
                "before": None,
                "after": {"environment": [{"variables": {"UPSTREAM": LIVE_KEY_ID, "DB": CANARY}}]},
                "after_unknown": {},
                "after_sensitive": {},
            },
        }
    )
    body = json.dumps(plan).encode()
    findings = secret_findings(body, "plan_json")
    assert "aws_lambda_function.api" in {f["address"] for f in findings}
    assert LIVE_KEY_ID not in json.dumps(findings)
    plan_id = stores.plans.put("github:1", body, "plan_json", {}, findings=findings)
    assert stores.plans.findings(plan_id) == findings
    bare = stores.plans.put("github:1", canary_plan(), "plan_json", {})
    assert stores.plans.findings(bare) is None
    if stores.database is not None:
        with stores.database.engine.connect() as conn:
            kept = conn.exec_driver_sql("SELECT findings FROM plans WHERE findings IS NOT NULL").scalars().all()
        assert len(kept) == 1
        assert LIVE_KEY_ID not in kept[0]
        assert CANARY not in kept[0]
        assert LIVE_KEY_ID.encode() not in raw_plan_rows(stores)
    if stores.backend == "dynamodb":
        raw = raw_dynamodb(stores)
        assert LIVE_KEY_ID.encode() not in raw
        assert CANARY.encode() not in raw
    stores.plans.delete(plan_id)
    assert stores.plans.findings(plan_id) is None


def test_tarball_sources_are_scrubbed(stores: Stores) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, text in {
            "main.tf": f'resource "aws_db_instance" "x" {{\n  password = "{CANARY}"\n  name = "db"\n}}\n',
            "terraform.tfvars": f'access_key = "{AWS_KEY}"\nregion = "eu-west-1"\n',
        }.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    plan_id = stores.plans.put("github:1", buffer.getvalue(), "tarball", {})
    found = stores.plans.get(plan_id)
    assert found is not None
    with tarfile.open(fileobj=io.BytesIO(found[0]), mode="r:gz") as tar:
        texts = {m.name: (tar.extractfile(m) or io.BytesIO()).read().decode() for m in tar if m.isfile()}
    assert 'name = "db"' in texts["main.tf"]
    assert 'region = "eu-west-1"' in texts["terraform.tfvars"]
    assert CANARY not in "".join(texts.values())
    assert AWS_KEY not in "".join(texts.values())
    if stores.database is not None:
        with stores.database.engine.connect() as conn:
            (stored,) = conn.exec_driver_sql("SELECT content FROM plans").one()
        members = gzip.decompress(gzip.decompress(bytes(stored)))  # the store's gzip around a .tar.gz
        assert CANARY.encode() not in members
        assert AWS_KEY.encode() not in members
    if stores.backend == "dynamodb":
        raw = raw_dynamodb(stores)
        assert CANARY.encode() not in raw
        assert AWS_KEY.encode() not in raw


def test_plan_uploads_that_are_not_plans_are_refused(stores: Stores) -> None:
    with pytest.raises(InputError):
        stores.plans.put("github:1", b"not json", "plan_json", {})
    with pytest.raises(InputError):
        stores.plans.put("github:1", b"not a tarball", "tarball", {})
    with pytest.raises(InputError):
        stores.plans.put("github:1", b"{}", "zip", {})


def test_a_plan_nested_deeper_than_the_service_keeps_is_refused_by_every_store(stores: Stores) -> None:
    """ADR 0496: 200 levels kept; deeper was a RecursionError in the redaction or orjson's writer (a 500)."""

    def plan(depth: int) -> bytes:
        return b'{"resource_changes": [], "x": ' + b"[" * depth + b"]" * depth + b"}"

    assert stores.plans.put("github:1", plan(199), "plan_json", {})
    for depth in (200, 900):
        with pytest.raises(InputError, match="more than 200 levels deep"):
            stores.plans.put("github:1", plan(depth), "plan_json", {})


def test_reviews_found_by_a_finding_address_or_rule_and_by_open_severity(stores: Stores) -> None:
    def finding(rule: str, severity: str, status: str, address: str) -> dict[str, str]:
        return {"rule_id": rule, "severity": severity, "status": status, "address": address}

    bucket = stores.reviews.create("github:1", GITHUB)
    stores.reviews.save_result(
        bucket.id,
        ReviewStatus.COMPLETED,
        {"findings": [finding("TFR-AWS-001", "high", "introduced", "module.logs.aws_s3_bucket.Audit_Trail")]},
        "fail",
        {},
    )
    role = stores.reviews.create("github:1", GITHUB)
    stores.reviews.save_result(
        role.id,
        ReviewStatus.COMPLETED,
        {"findings": [finding("TFR-AWS-020", "critical", "resolved", "aws_iam_role.deploy")]},
        "pass",
        {},
    )
    other_tenant = stores.reviews.create("github:2", GITHUB)
    stores.reviews.save_result(
        other_tenant.id,
        ReviewStatus.COMPLETED,
        {"findings": [finding("TFR-AWS-001", "high", "introduced", "aws_s3_bucket.audit_trail")]},
        "fail",
        {},
    )

    def ids(**filters: str) -> list[str]:
        return [r.id for r in stores.reviews.list("github:1", filters=filters).items]

    assert ids(finding="s3_bucket.audit") == [bucket.id]  # a part of the address, any case
    assert ids(finding="tfr-aws-020") == [role.id]  # a rule id, any case (resolved findings are found too)
    assert ids(finding="TFR-AWS") == []  # a rule id matches whole, not in part
    assert ids(finding="100%_") == []  # LIKE wildcards are literal
    assert ids(severity="high") == [bucket.id]  # the critical one is resolved: not open
    assert ids(severity="critical") == []
    assert ids(severity="high", finding="deploy") == []
    for bad in ({"severity": "urgent"}, {"finding": " "}, {"finding": "x" * 201}):
        with pytest.raises(InputError):
            ids(**bad)
