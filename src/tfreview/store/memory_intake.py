"""The in-memory intake: delivery, payload, job, queued review, tenant and run state written together.

It writes into the MemoryJobQueue, MemoryReviewStore and MemoryTenants it is given, holding their locks,
so an accepted delivery and everything it brings appear together or not at all (the SQL adapter's promise).
"""

from __future__ import annotations

import dataclasses
import threading

from tfreview.core.errors import IntegrityError
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.plumbing.hashing import sha256_hex
from tfreview.ports.job_types import plan_id_of, review_id_of
from tfreview.ports.jobs import NewJob
from tfreview.ports.records import Delivery, Page, RunStateVersion, SourceInfo, Tenant
from tfreview.store.cursor import check_limit, decode_cursor, encode_cursor
from tfreview.store.memory import MemoryReviewStore, MemoryTenants
from tfreview.store.memory_queue import MemoryJobQueue


class MemoryIntake:
    def __init__(
        self,
        queue: MemoryJobQueue,
        reviews: MemoryReviewStore,
        *,
        clock: Clock = utcnow,
        tenants: MemoryTenants,
    ) -> None:
        self.queue = queue
        self.reviews = reviews
        self.tenants = tenants  # the tenants adapter of the same services: a new tenant lands there
        self.clock = clock
        self.lock = threading.RLock()
        self._deliveries: dict[int, Delivery] = {}
        self._payloads: dict[int, bytes] = {}
        self._by_key: dict[tuple[str, str], int] = {}
        self._runs: dict[tuple[str, str], tuple[str, int]] = {}

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
        with self.lock, self.queue.lock, self.reviews.lock, self.tenants.lock:
            existing = self._by_key.get((delivery.source, delivery.key))
            if existing is not None:
                return self._deliveries[existing], False
            enqueued = self.queue.enqueue(job) if job is not None else None
            job_id = enqueued[0].id if enqueued is not None else None
            # a job that already existed (same idempotency key) keeps its own review: no orphan review row
            if review is not None and (enqueued is None or enqueued[1]):
                review_id, source = review
                self.reviews.insert(
                    review_id, delivery.tenant_id, source, plan_id=plan_id_of(job) if job is not None else None
                )
            delivery_id = len(self._deliveries) + 1
            joined = review_id_of(enqueued[0]) if enqueued is not None else None
            stored = dataclasses.replace(delivery, id=delivery_id, job_id=job_id, payload_sha256=sha256_hex(payload))
            stored = dataclasses.replace(stored, review_id=joined or (review[0] if review is not None else None))
            self._deliveries[delivery_id] = stored
            self._payloads[delivery_id] = bytes(payload)
            self._by_key[(delivery.source, delivery.key)] = delivery_id
            if tenant is not None:  # last, after everything that can fail: all or nothing as on SQL
                self.tenants.ensure(tenant)
            if run_state is not None:
                self.spacelift_state(delivery.tenant_id, run_state.run_id, run_state.state, run_state.state_version)
            return stored, True

    def busy(self) -> bool:
        return False  # accept is a few dict writes: nothing to make way for

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
        # a few dict writes: no need to leave the loop
        return self.accept(delivery, payload, job, review=review, tenant=tenant, run_state=run_state)

    def find(self, source: str, key: str) -> Delivery | None:
        with self.lock:
            found = self._by_key.get((source, key))
            return self._deliveries[found] if found is not None else None

    def spacelift_state(self, tenant_id: str, run_id: str, state: str, state_version: int) -> bool:
        with self.lock:
            seen = self._runs.get((tenant_id, run_id))
            if seen is not None and seen[1] >= state_version:
                return False
            self._runs[(tenant_id, run_id)] = (state, state_version)
            return True

    def list(
        self, *, tenant_id: str | None = None, source: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Delivery]:
        check_limit(limit)
        before = int(decode_cursor(cursor, (int,))[0]) if cursor else None
        with self.lock:
            found = sorted(
                (
                    d
                    for d in self._deliveries.values()
                    if (tenant_id is None or d.tenant_id == tenant_id)
                    and (source is None or d.source == source)
                    and (before is None or (d.id or 0) < before)
                ),
                key=lambda d: d.id or 0,
                reverse=True,
            )
        items = found[:limit]
        return Page(items, encode_cursor(items[-1].id or 0) if len(found) > limit else None)

    def payload(self, delivery_id: int, tenant_id: str | None = None) -> bytes | None:
        with self.lock:
            delivery = self._deliveries.get(delivery_id)
            data = self._payloads.get(delivery_id)
        if delivery is None or data is None or (tenant_id is not None and delivery.tenant_id != tenant_id):
            return None
        if sha256_hex(data) != delivery.payload_sha256:
            raise IntegrityError(f"delivery {delivery_id}: payload does not match its SHA-256")
        return data

    def corrupt_payload_for_test(self, delivery_id: int, data: bytes) -> None:
        """Not part of the port: replace a stored payload behind the hash (integrity scenarios)."""
        with self.lock:
            self._payloads[delivery_id] = data
