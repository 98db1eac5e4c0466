"""`Resource.get` reads a top-level attribute without `lookup`'s call, and answers as `lookup` does."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tfreview.core.rules import Resource
from tfreview.core.values import lookup

_KEYS = st.sampled_from(["acl", "tags", "0", "1", "ingress", "a_b", ""])
_LEAVES = st.none() | st.booleans() | st.integers(-2, 2) | st.sampled_from(["private", "", "0.0.0.0/0"])
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=8,
)
_MASKS = st.recursive(
    st.none() | st.booleans(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=6,
)
_PATHS = st.lists(_KEYS, min_size=0, max_size=3).map(".".join)


@settings(max_examples=400, deadline=None)
@given(values=st.dictionaries(_KEYS, _VALUES, max_size=4), unknown=_MASKS, path=_PATHS)
def test_get_is_lookup(values: dict[str, Any], unknown: Any, path: str) -> None:
    resource = Resource("aws_s3_bucket.b", "aws_s3_bucket", "b", values, unknown)
    assert resource.get(path) is lookup(values, unknown, path)  # the very same object


def test_top_level_reads() -> None:
    resource = Resource("aws_s3_bucket.b", "aws_s3_bucket", "b", {"acl": "private", "arn": None}, {"arn": True})
    assert resource.get("acl") == "private"
    assert repr(resource.get("arn")) == "(known after apply)"
    assert resource.get("policy") is None
    assert resource.get("") == {"acl": "private", "arn": None}  # the empty path: the whole value, as lookup gives
