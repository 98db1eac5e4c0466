"""B4 on PostgreSQL: a full disk (SQLSTATE 53100, psycopg's DiskFull) is the database being unavailable — the intake
answers 503 with Retry-After and counts tfreview_db_errors_total — not a fault in one delivery's data. Seen from the
outside: `tfreview serve` on a database whose tablespace sat on a full tmpfs answered GitHub deliveries 500 ("internal
error", a traceback per delivery) because the driver error's class name is DiskFull, not OperationalError, and its
message ("could not extend file ...: No space left on device") matched no hint."""

from __future__ import annotations

import pytest
from psycopg import errors

from tfreview.core.errors import StoreUnavailable
from tfreview.store.database import error_kind, unavailable_driver_error

FULL = 'could not extend file "pg_tblspc/22286/PG_15_202209061/22287/22303_fsm": No space left on device'


@pytest.mark.parametrize(
    "error",
    [
        errors.DiskFull(FULL),  # 53100
        errors.OutOfMemory("out of memory"),  # 53200: another subclass of OperationalError
        errors.QueryCanceled("canceling statement due to statement timeout"),
    ],
)
def test_a_psycopg_operational_error_of_any_subclass_is_the_database_unavailable(error: Exception) -> None:
    found = unavailable_driver_error(error)
    assert isinstance(found, StoreUnavailable)
    assert str(found).startswith("database unavailable: ")
    assert str(error).splitlines()[0] in str(found)


def test_a_full_disk_named_by_the_operating_system_is_unavailable_whatever_the_class() -> None:
    found = unavailable_driver_error(errors.InternalError(FULL))  # not an OperationalError: the words say it
    assert isinstance(found, StoreUnavailable)
    assert error_kind(str(found)) == "other"


@pytest.mark.parametrize(
    "error",
    [
        errors.UniqueViolation('duplicate key value violates unique constraint "uq_deliveries_source_key"'),
        errors.StringDataRightTruncation("value too long for type character varying(64)"),
        # OperationalError subclasses too, but a conflict between transactions: the intake retries row by row
        errors.DeadlockDetected("deadlock detected"),
        errors.SerializationFailure("could not serialize access due to concurrent update"),
    ],
)
def test_a_fault_in_the_data_is_still_the_deliverys_own(error: Exception) -> None:
    assert unavailable_driver_error(error) is None
