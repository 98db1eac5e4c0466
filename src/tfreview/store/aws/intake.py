"""Accepted webhooks and uploads in DynamoDB: the delivery, its dedupe key, its payload (inline or chunked),
its job (with the job's key), the queued review, its tenant (when not stored as it is) and its Spacelift run
state (when newer than the stored one) in ONE transaction; the job's SQS message after it.

At most 2 (job) + 1 (review) + 2 (delivery, key) + 10 (payload chunks: MAX_BLOB_BYTES / CHUNK_BYTES)
+ 1 (tenant) + 1 (run state) = 17 items: well inside TransactWriteItems' 100 (Table.transact checks)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from tfreview.core.errors import IntegrityError, StoreUnavailable
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.plumbing.hashing import sha256_hex
from tfreview.ports.job_types import plan_id_of, review_id_of
from tfreview.ports.jobs import Job, NewJob
from tfreview.ports.records import Delivery, Page, RunStateVersion, SourceInfo, Tenant
from tfreview.store.aws.job_items import job_of, new_job_items
from tfreview.store.aws.queue import SqsJobQueue
from tfreview.store.aws.records import DynamoTenants, tenant_item
from tfreview.store.aws.reviews import REVIEW_SK, new_review_item, review_pk
from tfreview.store.aws.table import Table, TransactionConflict, fixed_id, instant, parse_instant
from tfreview.store.cursor import check_limit, decode_cursor, encode_cursor

_RACE_RETRIES = 5
_NEW = "attribute_not_exists(pk)"


def delivery_pk(delivery_id: int) -> str:
    return f"DEL#{fixed_id(delivery_id)}"


def delivery_key_pk(source: str, key: str) -> str:
    return f"DELKEY#{source}#{key}"


def run_pk(tenant_id: str, run_id: str) -> str:
    return f"RUN#{tenant_id}#{run_id}"


class DynamoIntake:
    def __init__(
        self, table: Table, queue: SqsJobQueue, *, clock: Clock = utcnow, tenants: DynamoTenants | None = None
    ) -> None:
        self.table = table
        self.queue = queue
        self.clock = clock
        self.tenants = tenants if tenants is not None else DynamoTenants(table, clock=clock)  # wiring shares one

    async def accept_async(
        self,
        delivery: Delivery,
        payload: bytes,
        job: NewJob | None,
        *,
        review: tuple[str, SourceInfo] | None = None,
        tenant: Tenant | None = None,
        run_state: RunStateVersion | None = None,
    ) -> tuple[Delivery, bool]:
        """The event loop's entry: DynamoDB's transaction is a blocking HTTP call, so it runs on a thread."""
        return await asyncio.to_thread(
            self.accept, delivery, payload, job, review=review, tenant=tenant, run_state=run_state
        )

    def busy(self) -> bool:
        """No writer of our own to make way for: DynamoDB takes concurrent writes."""
        return False

    def accept(
        self,
        delivery: Delivery,
        payload: bytes,
        job: NewJob | None,
        *,
        review: tuple[str, SourceInfo] | None = None,
        tenant: Tenant | None = None,
        run_state: RunStateVersion | None = None,
    ) -> tuple[Delivery, bool]:
        raced = False
        for _ in range(_RACE_RETRIES):
            existing = self.find(delivery.source, delivery.key)
            if existing is not None:
                return existing, False
            extra = self._tenant_and_run(delivery.tenant_id, tenant, run_state)
            accepted = self._accept_once(delivery, payload, job, review, extra)
            if isinstance(accepted, TransactionConflict):
                raced = accepted.failed == [-1]  # cancelled by a concurrent transaction, not by a condition
                continue
            if tenant is not None:
                self.tenants.remember(tenant)
            return accepted, True
        existing = self.find(delivery.source, delivery.key)
        if existing is None and raced:  # busy, not corrupt: 503 and the sender's retry brings it (docs/adr/0535)
            raise StoreUnavailable(
                f"database unavailable: delivery {delivery.source}:{delivery.key} lost {_RACE_RETRIES} races in a row"
            )
        if existing is None:  # a condition failed on an item that reading again does not account for
            raise IntegrityError(f"delivery {delivery.source}:{delivery.key}: lost {_RACE_RETRIES} races in a row")
        return existing, False

    def _tenant_and_run(
        self, tenant_id: str, tenant: Tenant | None, run: RunStateVersion | None
    ) -> list[dict[str, Any]]:
        """The tenant Put (only when not stored as it is: a Put per delivery would make every delivery of a
        tenant conflict with the others) and the run-state Update (only when newer than the stored state: a
        failing condition would cancel the whole transaction; one that fails after this read is a lost race,
        and the accept reads again)."""
        now = instant(self.clock())
        actions: list[dict[str, Any]] = []
        if tenant is not None and not self.tenants.known(tenant) and self.tenants.get(tenant.id) != tenant:
            actions.append(self.table.put_request(tenant_item(tenant, now)))
        if run is not None:
            stored = self.table.get(run_pk(tenant_id, run.run_id), "RUN")
            if stored is None or int(stored["state_version"]) < run.state_version:
                set_ = {"state": run.state, "state_version": run.state_version, "updated_at": now}
                condition = "attribute_not_exists(#state_version) OR #state_version < :version"
                values = {":version": run.state_version}
                pk = run_pk(tenant_id, run.run_id)
                update = self.table.update_request(pk, "RUN", set_=set_, condition=condition, values=values)
                actions.append({"Update": update})
        return actions

    def _accept_once(
        self,
        delivery: Delivery,
        payload: bytes,
        job: NewJob | None,
        review: tuple[str, SourceInfo] | None,
        extra: list[dict[str, Any]],
    ) -> Delivery | TransactionConflict:
        now = self.clock()
        retained = self.table.retained_until(now)  # the delivery, its key and its payload: DynamoDB's TTL
        joined = self.queue.by_key(job.idempotency_key) if job is not None else None
        new_job: Job | None = None
        actions: list[dict[str, Any]] = list(extra)
        if job is not None and joined is None:
            items = new_job_items(self.table.next_id("job"), job, now, now, key_expires_at=retained)
            actions += [self.table.put_request(i, condition=_NEW) for i in items]
            new_job = job_of(items[1])
        queued = joined or new_job
        # a job that already existed (same idempotency key) keeps its own review: no orphan review item
        wanted = review is not None and (job is None or new_job is not None)
        if wanted and review is not None and self.table.get(review_pk(review[0]), REVIEW_SK) is None:
            plan_id = plan_id_of(job) if job is not None else None
            item = new_review_item(review[0], delivery.tenant_id, review[1], now, plan_id=plan_id)
            actions.append(self.table.put_request(item, condition=_NEW))
        delivery_id = self.table.next_id("delivery")
        pk = delivery_pk(delivery_id)
        blob, chunks = self.table.blob_items(pk, payload, expires_at=retained)
        stored = replace(
            delivery,
            id=delivery_id,
            job_id=queued.id if queued is not None else None,
            payload_sha256=sha256_hex(payload),
        )
        actions.append(
            self.table.put_request(
                {
                    "pk": delivery_key_pk(delivery.source, delivery.key),
                    "sk": "DELKEY",
                    "delivery_id": delivery_id,
                    "expires_at": retained,
                },
                condition=_NEW,
            )
        )
        actions.append(self.table.put_request({**_delivery_item(pk, stored), **blob, "expires_at": retained}))
        actions += [self.table.put_request(c) for c in chunks]
        try:
            self.table.transact(actions)
        except TransactionConflict as conflict:
            return conflict  # the same delivery, job or review was written meanwhile: read again
        if new_job is not None:
            self.queue.announce(new_job)
        joined_review = review_id_of(queued) if queued is not None else None
        return replace(stored, review_id=joined_review or (review[0] if review is not None else None))

    def find(self, source: str, key: str) -> Delivery | None:
        found = self.table.get(delivery_key_pk(source, key), "DELKEY")
        if found is None:
            return None
        item = self.table.get(delivery_pk(int(found["delivery_id"])), "DEL")
        return _delivery_of(item) if item is not None else None

    def spacelift_state(self, tenant_id: str, run_id: str, state: str, state_version: int) -> bool:
        updated = self.table.update(
            run_pk(tenant_id, run_id),
            "RUN",
            set_={"state": state, "state_version": state_version, "updated_at": instant(self.clock())},
            condition="attribute_not_exists(#state_version) OR #state_version < :version",
            values={":version": state_version},
        )
        return updated is not None

    def list(
        self, *, tenant_id: str | None = None, source: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Delivery]:
        check_limit(limit)
        before = fixed_id(int(decode_cursor(cursor, (int,))[0])) if cursor else None
        if tenant_id is not None:
            index, pk = "g1", f"DEL#T#{tenant_id}"
        elif source is not None:
            index, pk = "g2", f"DEL#S#{source}"
        else:
            index, pk = "g3", "DEL"
        found: list[Delivery] = []
        for item in self.table.query(index, pk, before=before, page_size=max(limit + 1, 25)):
            if source is not None and item.get("source") != source:
                continue
            found.append(_delivery_of(item))
            if len(found) > limit:
                break
        items = found[:limit]
        return Page(items, encode_cursor(items[-1].id or 0) if len(found) > limit else None)

    def payload(self, delivery_id: int, tenant_id: str | None = None) -> bytes | None:
        if delivery_id < 1:
            return None
        item = self.table.get(delivery_pk(delivery_id), "DEL")
        if item is None or (tenant_id is not None and item["tenant_id"] != tenant_id):
            return None
        data = self.table.blob(item)
        if data is None or sha256_hex(data) != item["payload_sha256"]:
            raise IntegrityError(f"delivery {delivery_id}: payload does not match its SHA-256")
        return data


def _delivery_item(pk: str, delivery: Delivery) -> dict[str, Any]:
    order = fixed_id(delivery.id or 0)
    return {
        "pk": pk,
        "sk": "DEL",
        "id": delivery.id,
        "source": delivery.source,
        "key": delivery.key,
        "event": delivery.event,
        "tenant_id": delivery.tenant_id,
        "payload_sha256": delivery.payload_sha256,
        "received_at": instant(delivery.received_at),
        "job_id": delivery.job_id,
        "status": delivery.status,
        "g1pk": f"DEL#T#{delivery.tenant_id}",
        "g1sk": order,
        "g2pk": f"DEL#S#{delivery.source}",
        "g2sk": order,
        "g3pk": "DEL",
        "g3sk": order,
    }


def _delivery_of(item: dict[str, Any]) -> Delivery:
    received = parse_instant(item["received_at"])
    assert received is not None
    return Delivery(
        source=str(item["source"]),
        key=str(item["key"]),
        event=str(item["event"]),
        tenant_id=str(item["tenant_id"]),
        payload_sha256=str(item["payload_sha256"]),
        received_at=received,
        id=int(item["id"]),
        job_id=int(item["job_id"]) if item.get("job_id") is not None else None,
        status=str(item["status"]),
    )
