"""The pure step every token-budget store applies (tfreview.core.token_holds, ADR 0560 amended): its examples, and
the cases a killed process, a slow call and a retried review produce."""

from __future__ import annotations

import doctest

from tfreview.core import tenant_names, token_holds
from tfreview.core.token_holds import Hold, Ledger, decode_holds, encode_holds


def test_the_examples_hold() -> None:
    for module in (token_holds, tenant_names):
        failed, tried = doctest.testmod(module)
        assert tried > 0
        assert failed == 0


def test_a_used_up_hold_leaves_no_trace_and_a_partly_used_one_gives_the_rest_back() -> None:
    day = Ledger().reserve(1_000, limit=5_000, hold="r", expires_at=60.0, now=0.0)
    assert day is not None
    used_up = day.settle(1_000, hold="r")
    assert used_up == Ledger(1_000, {})
    partly = day.settle(300, hold="r")
    assert partly.holds == {"r": Hold(700, 60.0)}
    assert partly.release("r") == Ledger(300, {})


def test_an_expired_hold_is_swept_by_the_next_reservation_and_a_refusal_counts_nothing() -> None:
    day = Ledger().reserve(4_000, limit=5_000, hold="dead", expires_at=60.0, now=0.0)
    assert day is not None
    assert day.reserve(2_000, limit=5_000, hold="next", expires_at=120.0, now=59.0) is None
    later = day.reserve(2_000, limit=5_000, hold="next", expires_at=120.0, now=61.0)
    assert later == Ledger(2_000, {"next": Hold(2_000, 120.0)})
    assert later.reserve(500, limit=5_000, hold="next", expires_at=90.0, now=62.0) == Ledger(
        2_500, {"next": Hold(2_500, 120.0)}
    )  # a top-up keeps the later expiry


def test_holds_survive_their_json_text() -> None:
    holds = {"a": Hold(12, 1_700_000_000.5), "b": Hold(0, 1.0)}
    assert decode_holds(encode_holds(holds)) == holds
    assert decode_holds(None) == {} == decode_holds("")
