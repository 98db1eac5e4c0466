"""The one DynamoDB table as the adapters use it: plain-dict items in and out, fixed-width keys, blobs in
chunks, transactions whose condition failures are reported by item.

Items are Python dicts of str / int / bytes / bool / None / nested lists and maps (boto3's TypeSerializer);
a None attribute is simply left out (`clean`).
"""

from __future__ import annotations

import gzip
import math
import re
import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any, Final

from tfreview.core.errors import InputError, StoreUnavailable
from tfreview.plumbing.clock import as_utc
from tfreview.store.aws.connection import AwsClients, call, error_code
from tfreview.store.aws.definitions import index_name

CHUNK_BYTES: Final = 300_000  # an item is at most 400 KB; a blob larger than this goes to CHUNK#n items
MAX_BLOB_BYTES: Final = 3_000_000  # one transaction carries at most 4 MB: larger (compressed) blobs are refused
# the cancellation reasons of a transaction DynamoDB had no capacity for (a throttled table or index): the store is
# unavailable for now, as a throttled single-item call is (connection.call), not a bug (docs/adr/0535)
CAPACITY_REASONS: Final = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded"})
ID_WIDTH: Final = 20
# the waits before asking again for keys BatchGetItem handed back unprocessed with nothing read (throttling):
# AWS asks for an exponential backoff; after the last, the store is unavailable for now (docs/adr/0600)
UNPROCESSED_BACKOFF: Final = (0.05, 0.1, 0.2, 0.4, 0.8)


def fixed_id(value: int) -> str:
    return f"{value:0{ID_WIDTH}d}"


def instant(value: datetime) -> str:
    """A sortable text of an instant: aware UTC, microseconds, always the same width."""
    return as_utc(value).isoformat(timespec="microseconds")


def parse_instant(text: object) -> datetime | None:
    return as_utc(datetime.fromisoformat(text)) if isinstance(text, str) and text else None


def clean(item: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in item.items() if value is not None}


class TransactionConflict(Exception):
    """A transaction was cancelled by a condition; `failed`: the indexes of the items whose condition failed."""

    def __init__(self, failed: list[int]) -> None:
        self.failed = failed
        super().__init__(f"conditions failed on items {failed}")


class Table:
    def __init__(self, clients: AwsClients) -> None:
        from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

        self.clients = clients
        self.name = clients.target.table
        self._client = clients.dynamodb
        self._to = TypeSerializer()
        self._from = TypeDeserializer()

    # --- conversion --------------------------------------------------------------------------------
    def encode(self, item: dict[str, Any]) -> dict[str, Any]:
        return {name: self._to.serialize(value) for name, value in clean(item).items()}

    def decode(self, raw: dict[str, Any]) -> dict[str, Any]:
        return {name: _plain(self._from.deserialize(value)) for name, value in raw.items()}

    def key(self, pk: str, sk: str) -> dict[str, Any]:
        return {"pk": {"S": pk}, "sk": {"S": sk}}

    def retained_until(self, now: datetime) -> int:
        """The TTL attribute's value (epoch seconds) of what is kept `retention_days` from `now`."""
        return math.ceil(now.timestamp()) + self.clients.target.retention_days * 86_400

    # --- single items ------------------------------------------------------------------------------
    def get(self, pk: str, sk: str) -> dict[str, Any] | None:
        answer = call(
            lambda: self._client.get_item(TableName=self.name, Key=self.key(pk, sk), ConsistentRead=True), "get item"
        )
        raw = answer.get("Item")
        return self.decode(raw) if raw else None

    def get_many(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        """Items by key (consistent reads), up to 100 per call; absent keys are absent from the answer."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        pending = [self.key(pk, sk) for pk, sk in dict.fromkeys(keys)]
        while pending:
            batch, pending = pending[:100], pending[100:]
            request: dict[str, Any] = {self.name: {"Keys": batch, "ConsistentRead": True}}
            stalled = 0  # rounds in a row that read nothing: the keys came back unprocessed (a throttled table)
            while request:
                answer: dict[str, Any] = call(partial(self._client.batch_get_item, RequestItems=request), "get items")
                answered = answer.get("Responses", {}).get(self.name, [])
                for raw in answered:
                    item = self.decode(raw)
                    found[(str(item["pk"]), str(item["sk"]))] = item
                request = answer.get("UnprocessedKeys") or {}
                stalled = 0 if answered else stalled + 1
                if request and stalled > len(UNPROCESSED_BACKOFF):
                    left = len(request.get(self.name, {}).get("Keys", []))
                    raise StoreUnavailable(f"get items: AWS unavailable ({left} keys left unprocessed)")
                if request and stalled:
                    time.sleep(UNPROCESSED_BACKOFF[stalled - 1])
        return found

    def probe_write(self) -> None:
        """Readiness: the table takes a write (StoreUnavailable when AWS does not answer; ClientError otherwise)."""
        self.put({"pk": "HEALTH", "sk": "PROBE"})

    def put(self, item: dict[str, Any], *, condition: str | None = None, values: dict[str, Any] | None = None) -> bool:
        """Write an item; False when `condition` (e.g. "attribute_not_exists(pk)") does not hold
        (its attributes referenced as `#name`, its values as `:name` in `values`)."""
        request: dict[str, Any] = {"TableName": self.name, "Item": self.encode(item)}
        if condition:
            request.update(self._condition(condition, values))
        return self._conditional(lambda: self._client.put_item(**request), "put item") is not None

    def update(
        self,
        pk: str,
        sk: str,
        *,
        set_: dict[str, Any] | None = None,
        remove: Sequence[str] = (),
        add: dict[str, int] | None = None,
        condition: str | None = None,
        values: dict[str, Any] | None = None,
    ) -> dict[str, Any] | None:
        """Update an item and return it as it is now; None when `condition` does not hold.
        Values of `condition` are `:names` in `values`; attributes are always referenced as `#name`."""
        request = self.update_request(pk, sk, set_=set_, remove=remove, add=add, condition=condition, values=values)
        request["ReturnValues"] = "ALL_NEW"
        answer = self._conditional(lambda: self._client.update_item(**request), "update item")
        return None if answer is None else self.decode(answer.get("Attributes", {}))

    def update_request(
        self,
        pk: str,
        sk: str,
        *,
        set_: dict[str, Any] | None = None,
        remove: Sequence[str] = (),
        add: dict[str, int] | None = None,
        condition: str | None = None,
        values: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        names: dict[str, str] = {}
        encoded: dict[str, Any] = {}
        parts: list[str] = []
        sets = [name for name, value in (set_ or {}).items() if value is not None]
        removals = list(remove) + [name for name, value in (set_ or {}).items() if value is None]
        for name in sets:
            names[f"#{name}"] = name
            encoded[f":set_{name}"] = self._to.serialize((set_ or {})[name])
        if sets:
            parts.append("SET " + ", ".join(f"#{n} = :set_{n}" for n in sets))
        if removals:
            names.update({f"#{n}": n for n in removals})
            parts.append("REMOVE " + ", ".join(f"#{n}" for n in removals))
        if add:
            names.update({f"#{n}": n for n in add})
            encoded.update({f":add_{n}": self._to.serialize(v) for n, v in add.items()})
            parts.append("ADD " + ", ".join(f"#{n} :add_{n}" for n in add))
        request: dict[str, Any] = {"TableName": self.name, "Key": self.key(pk, sk), "UpdateExpression": " ".join(parts)}
        if condition:
            request["ConditionExpression"] = condition
            names.update({f"#{n}": n for n in _names_in(condition)})
            encoded.update(self._condition(condition, values).get("ExpressionAttributeValues", {}))
        if names:
            request["ExpressionAttributeNames"] = names
        if encoded:
            request["ExpressionAttributeValues"] = encoded
        return request

    def delete(self, pk: str, sk: str) -> None:
        call(lambda: self._client.delete_item(TableName=self.name, Key=self.key(pk, sk)), "delete item")

    def remove(self, pk: str, sk: str, *, condition: str | None = None, values: dict[str, Any] | None = None) -> bool:
        """Delete an item; False when there was none (or `condition`, as in `put`, does not hold)."""
        request: dict[str, Any] = {"TableName": self.name, "Key": self.key(pk, sk), "ReturnValues": "ALL_OLD"}
        if condition:
            request.update(self._condition(condition, values))
        answer = self._conditional(lambda: self._client.delete_item(**request), "delete item")
        return answer is not None and bool(answer.get("Attributes"))

    def next_id(self, counter: str) -> int:
        """A fresh id from an atomic counter (ids are unique, increasing, not gap-free)."""
        item = self.update(f"COUNTER#{counter}", "COUNTER", add={"n": 1})
        assert item is not None  # an update without a condition always answers
        return int(item["n"])

    # --- transactions ------------------------------------------------------------------------------
    def put_request(self, item: dict[str, Any], *, condition: str | None = None) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self.name, "Item": self.encode(item)}
        if condition:
            put["ConditionExpression"] = condition
        return {"Put": put}

    def transact(self, actions: list[dict[str, Any]]) -> None:
        """All or nothing; TransactionConflict naming the actions whose condition failed; StoreUnavailable when
        DynamoDB cancelled it for capacity."""
        from botocore.exceptions import ClientError

        if len(actions) > 100:
            raise InputError("too much to write at once (more than 100 items)")
        try:
            call(lambda: self._client.transact_write_items(TransactItems=actions), "write transaction")
        except ClientError as error:
            if error_code(error) != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons", [])
            capacity = sorted({str(r.get("Code")) for r in reasons} & CAPACITY_REASONS)
            if capacity:
                raise StoreUnavailable(f"write transaction: AWS unavailable ({capacity[0]})") from error
            failed = [i for i, r in enumerate(reasons) if r.get("Code") == "ConditionalCheckFailed"]
            if not failed and reasons and any(r.get("Code") == "TransactionConflict" for r in reasons):
                failed = [-1]  # lost a race with another transaction: the caller reads again and decides
            if not failed:
                raise
            raise TransactionConflict(failed) from error

    # --- queries -----------------------------------------------------------------------------------
    def query(
        self,
        index: str | None,
        pk: str,
        *,
        before: str | None = None,
        after: str | None = None,
        at_most: str | None = None,
        newest_first: bool = True,
        page_size: int = 100,
        consistent: bool = False,
    ) -> Iterator[dict[str, Any]]:
        """Items of one partition in sort-key order; `before`/`after`: exclusive bounds, `at_most`: inclusive."""
        pk_name, sk_name = (f"{index}pk", f"{index}sk") if index else ("pk", "sk")
        condition = "#pk = :pk"
        values: dict[str, Any] = {":pk": {"S": pk}}
        bound = [(before, "<"), (after, ">"), (at_most, "<=")]
        for value, op in bound:
            if value is not None:
                condition += f" AND #sk {op} :sk"
                values[":sk"] = {"S": value}
        request: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": {"#pk": pk_name, **({"#sk": sk_name} if ":sk" in values else {})},
            "ExpressionAttributeValues": values,
            "ScanIndexForward": not newest_first,
            "Limit": page_size,
        }
        if index:
            request["IndexName"] = index_name(index)
        elif consistent:
            request["ConsistentRead"] = True
        while True:
            answer = call(lambda: self._client.query(**request), "query")
            for raw in answer.get("Items", []):
                yield self.decode(raw)
            last = answer.get("LastEvaluatedKey")
            if not last:
                return
            request["ExclusiveStartKey"] = last

    def count(self, index: str, pk: str) -> int:
        request: dict[str, Any] = {
            "TableName": self.name,
            "IndexName": index_name(index),
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": f"{index}pk"},
            "ExpressionAttributeValues": {":pk": {"S": pk}},
            "Select": "COUNT",
        }
        total = 0
        while True:
            answer = call(lambda: self._client.query(**request), "count")
            total += int(answer.get("Count", 0))
            if not answer.get("LastEvaluatedKey"):
                return total
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    # --- blobs ---------------------------------------------------------------------------------------
    def blob_items(
        self, pk: str, data: bytes, *, expires_at: int | None = None
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """(attributes for the owner item, chunk items): small blobs inline (gzip), large ones in CHUNK#n items."""
        packed = gzip.compress(data)
        if len(packed) > MAX_BLOB_BYTES:
            raise InputError(f"too large to store: {len(packed)} bytes compressed (at most {MAX_BLOB_BYTES})")
        if len(packed) <= CHUNK_BYTES:
            return {"blob": packed}, []
        chunks = [packed[i : i + CHUNK_BYTES] for i in range(0, len(packed), CHUNK_BYTES)]
        items = [
            {"pk": pk, "sk": f"CHUNK#{n:04d}", "data": chunk, "expires_at": expires_at}
            for n, chunk in enumerate(chunks)
        ]
        return {"chunks": len(chunks)}, items

    def blob(self, item: dict[str, Any]) -> bytes | None:
        """The blob of an owner item (inline or chunked), decompressed."""
        if "blob" in item:
            return gzip.decompress(item["blob"])
        count = item.get("chunks")
        if not isinstance(count, int):
            return None
        found = self.query(None, item["pk"], after="CHUNK#", newest_first=False, consistent=True)
        parts = [c["data"] for c in found if str(c["sk"]).startswith("CHUNK#")]  # the owner's sk may sort after
        if len(parts) != count:
            return None
        return gzip.decompress(b"".join(parts))

    def delete_blob(self, item: dict[str, Any]) -> None:
        for n in range(int(item.get("chunks") or 0)):
            self.delete(str(item["pk"]), f"CHUNK#{n:04d}")

    def _condition(self, condition: str, values: dict[str, Any] | None) -> dict[str, Any]:
        """A condition expression with the `#names` it references and the `:values` it uses."""
        request: dict[str, Any] = {"ConditionExpression": condition}
        names = {f"#{n}": n for n in _names_in(condition)}
        used = {name: value for name, value in (values or {}).items() if re.search(rf"{name}\b", condition)}
        if names:
            request["ExpressionAttributeNames"] = names
        if used:
            request["ExpressionAttributeValues"] = {name: self._to.serialize(value) for name, value in used.items()}
        return request

    def _conditional(self, action: Any, what: str) -> dict[str, Any] | None:
        from botocore.exceptions import ClientError

        try:
            answer: dict[str, Any] = call(action, what)
            return answer
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return None
            raise


def _plain(value: Any) -> Any:
    """boto3 answers numbers as Decimal and binary as Binary: make them int / float / bytes."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "value") and type(value).__name__ == "Binary":
        return bytes(value.value)
    return value


def _names_in(condition: str) -> list[str]:
    return re.findall(r"#([A-Za-z_][A-Za-z0-9_]*)", condition)
