"""Tenants: a GitHub installation or organisation, or a Spacelift account."""

from __future__ import annotations

import threading

from sqlalchemy import exc

from tfreview.plumbing.clock import Clock, utcnow
from tfreview.ports.records import Tenant
from tfreview.store.database import Database
from tfreview.store.tables import TenantRow


class SqlTenants:
    def __init__(self, database: Database, *, clock: Clock = utcnow) -> None:
        self.database = database
        self.clock = clock
        self._known: set[Tenant] = set()  # stored as they are: ensure() needs no transaction (the hot intake path)
        self._lock = threading.Lock()

    def known(self, tenant: Tenant) -> bool:
        return tenant in self._known

    def ensure(self, tenant: Tenant) -> Tenant:
        """Create the tenant, or update its kind and name; returns what is stored."""
        if tenant in self._known:
            return tenant
        try:
            stored = self._ensure_once(tenant)
        except exc.IntegrityError:  # created by a concurrent ensure: now it exists
            stored = self._ensure_once(tenant)
        self.remember(stored)
        return stored

    def remember(self, tenant: Tenant) -> None:
        """Note a tenant stored as it is (by `ensure`, or by the intake's transaction): no write next time."""
        with self._lock:
            if len(self._known) > 100_000:
                self._known.clear()
            self._known.add(tenant)

    def _ensure_once(self, tenant: Tenant) -> Tenant:
        with self.database.transaction() as session:
            row = session.get(TenantRow, tenant.id)
            if row is None:
                session.add(TenantRow(id=tenant.id, kind=tenant.kind, name=tenant.name, created_at=self.clock()))
                session.flush()
            elif (row.kind, row.name) != (tenant.kind, tenant.name):
                row.kind, row.name = tenant.kind, tenant.name
            return tenant

    def get(self, tenant_id: str) -> Tenant | None:
        with self.database.transaction(write=False) as session:
            row = session.get(TenantRow, tenant_id)
            return None if row is None else Tenant(row.id, row.kind, row.name)
