"""Linked-resource lookups go through indexes built once per snapshot (issue 13), both ways.

`Snapshot.targets(source, T, attribute, names)` is the reverse of `Snapshot.linked(target, source.type,
attribute, names)`: the same pairs, found without scanning every resource of T for each source.
"""

from __future__ import annotations

import itertools

from tfreview.core.rules import Resource, Snapshot
from tfreview.core.values import UNKNOWN


def _bucket(name: str, *, known: bool = True) -> Resource:
    values = {"bucket": name, "id": name} if known else {"bucket": name}
    return Resource(f"module.m.aws_s3_bucket.{name}", "aws_s3_bucket", name, values, None if known else {"id": True})


def _policy(name: str, bucket: object, refs: tuple[str, ...] = ()) -> Resource:
    unknown = {"bucket": True} if bucket is UNKNOWN else None
    values = {"bucket": None if bucket is UNKNOWN else bucket}
    return Resource(
        f"aws_s3_bucket_policy.{name}", "aws_s3_bucket_policy", name, values, unknown, references={"bucket": refs}
    )


def test_targets_is_the_reverse_of_linked_on_every_pair() -> None:
    buckets = [_bucket("logs"), _bucket("data"), _bucket("data2", known=False), _bucket("logs")]
    policies = [
        _policy("by_name", "logs"),  # by known value: both buckets named logs
        _policy("by_ref", UNKNOWN, ("module.m.aws_s3_bucket.data2",)),  # by reference, value unknown
        _policy("both", "data", ("module.m.aws_s3_bucket.data",)),  # both ways: found once
        _policy("nothing", "elsewhere"),
        _policy("unknown", UNKNOWN),
    ]
    snapshot = Snapshot([*buckets, *policies])
    names = ("id", "bucket")
    for bucket, policy in itertools.product(buckets, policies):
        forward = any(p is policy for p in snapshot.linked(bucket, policy.type, "bucket", names))
        backward = any(b is bucket for b in snapshot.targets(policy, bucket.type, "bucket", names))
        assert forward == backward, (bucket.address, policy.address)
    assert [b.name for b in snapshot.targets(policies[0], "aws_s3_bucket", "bucket", names)] == ["logs", "logs"]
    assert snapshot.targets(policies[2], "aws_s3_bucket", "bucket", names) == [buckets[1]]
    assert [snapshot.position(b) for b in buckets] == [0, 1, 2, 3]


def test_memo_computes_once_per_snapshot() -> None:
    snapshot = Snapshot([_bucket("a")])
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert snapshot.memo(("k",), compute) == 1
    assert snapshot.memo(("k",), compute) == 1
    assert Snapshot([]).memo(("k",), compute) == 2  # another snapshot, another answer
