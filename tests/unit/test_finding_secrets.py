"""A finding's message never shows a value the plan marks sensitive: the resource's own side, and for change
rules either side of the change — now read once per resource and change in a review (`review._Secrets`)."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.findings import Status
from tfreview.core.plan import ChangeSet, ResourceChange
from tfreview.core.policy import Policy
from tfreview.core.redact import SENSITIVE
from tfreview.core.review import review
from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity

_OLD = "old-canary-7f3a9c"
_NEW = "new-canary-2b8e41"


def _quotes_both(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    yield Hit("password", f"password is {resource.get('password')}")
    yield Hit("tags", f"tagged beside {resource.get('password')} (also {_OLD})")


def _quotes_the_change(change: ResourceChange, change_set: ChangeSet) -> Iterator[Hit]:
    yield Hit("password", f"password went from {(change.before or {}).get('password')} to {_NEW}")


def _rule(rule_id: str, **checks: object) -> Rule:
    return Rule(
        id=rule_id,
        long_id=f"test-{rule_id.lower()}",
        title="quotes a secret",
        severity=Severity.HIGH,
        provider="aws",
        category="secrets",
        resource_types=("aws_db_instance",),
        remediation="",
        **checks,  # type: ignore[arg-type]
    )


def _change(address: str) -> ResourceChange:
    return ResourceChange(
        address=address,
        type="aws_db_instance",
        name=address.split(".")[1],
        actions=("update",),
        before={"password": _OLD, "tags": {"a": "b"}},
        after={"password": _NEW, "tags": {"a": "b"}},
        before_sensitive={"password": True},
        after_sensitive={"password": True},
    )


def test_no_message_shows_a_sensitive_value_of_either_side_on_any_resource() -> None:
    changes = [_change("aws_db_instance.a"), _change("aws_db_instance.b")]
    rules = [_rule("T-1", check=_quotes_both), _rule("T-2", check_change=_quotes_the_change)]
    result = review(ChangeSet(changes), rules, Policy())
    messages = [f.message for f in result.findings]
    assert len(messages) == 6  # two state hits and one change hit on each of the two resources
    for message in messages:
        assert _OLD not in message, message
        assert _NEW not in message, message
        assert SENSITIVE in message
    statuses = {(f.rule_id, f.status) for f in result.findings}
    assert statuses == {("T-1", Status.EXISTING), ("T-2", Status.INTRODUCED)}


def test_a_value_sensitive_on_one_resource_only_is_masked_only_there() -> None:
    marked = _change("aws_db_instance.a")
    plain = ResourceChange(
        address="aws_db_instance.b",
        type="aws_db_instance",
        name="b",
        actions=("create",),
        after={"password": "plain-value-123", "tags": {}},
    )
    result = review(ChangeSet([marked, plain]), [_rule("T-1", check=_quotes_both)], Policy())
    by_address = {(f.address, f.evidence.path): f.message for f in result.findings}
    assert by_address[("aws_db_instance.b", "password")] == "password is plain-value-123"
    assert by_address[("aws_db_instance.a", "password")] == f"password is {SENSITIVE}"
