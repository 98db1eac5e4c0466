"""TFR-CHG-005 leaves a policy whose text an update does not change without comparing it: what that rests on."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tfreview.core.plan import ChangeSet, ResourceChange
from tfreview.rules.changes import widens_iam_policy
from tfreview.rules.changes.widens_iam_policy import _unchanged, _widening
from tfreview.rules.support.policy_documents import statements

_DOCUMENTS = [
    {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"},
    {"Effect": "Allow", "Action": ["s3:GetObject", "S3:putobject"], "Resource": ["arn:aws:s3:::b/?x", "*"]},
    {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
    {"Effect": "Allow", "Action": "sqs:*", "NotResource": "arn:aws:sqs:*:*:private"},
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": ["arn:aws:iam::1:root", "*"]}},
    {
        "Effect": "Allow",
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"},
        "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/r:*"}},
    },
    {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Effect": "Deny", "NotAction": ["kms:Decrypt"], "NotResource": "arn:aws:kms:*:*:key/*"},
]


def _text(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.mark.parametrize("document", [_text(d) for d in _DOCUMENTS] + [_text(*_DOCUMENTS)])
def test_a_document_compared_with_itself_widens_nothing(document: str) -> None:
    # every grant covers itself, a condition kept is not dropped, a Deny kept still denies: the skip is exact
    assert statements(document)
    assert _widening(statements(document), statements(document)) == ([], [], [])


def _update(before: dict[str, Any], after: dict[str, Any], **fields: Any) -> ResourceChange:
    return ResourceChange(
        address="aws_iam_policy.p",
        type="aws_iam_policy",
        name="p",
        actions=("update",),
        before=before,
        after=after,
        **fields,
    )


def test_an_update_that_keeps_the_policy_text_is_not_compared() -> None:
    text = _text(*_DOCUMENTS)
    change = _update({"policy": text, "name": "a"}, {"policy": text, "name": "b"}, after_unknown={})
    assert _unchanged(change, "policy")
    assert list(widens_iam_policy.RULE.check_change(change, ChangeSet(changes=[change]))) == []  # type: ignore[misc]


def test_unknown_or_different_text_is_compared() -> None:
    text = _text(_DOCUMENTS[0])
    wider = _text(_DOCUMENTS[0], {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"})
    assert not _unchanged(_update({"policy": text}, {"policy": wider}), "policy")
    assert not _unchanged(_update({"policy": text}, {"policy": text}, after_unknown={"policy": True}), "policy")
    assert not _unchanged(_update({"policy": text}, {"policy": text}, after_unknown=True), "policy")
    # the HCL base side's own mask (ADR 0475): a before side unknown there is the rule's to judge
    assert not _unchanged(_update({"policy": text}, {"policy": text}, before_unknown={"policy": True}), "policy")
    assert _unchanged(_update({"policy": text}, {"policy": text}, before_unknown={"name": True}), "policy")
    [hit] = widens_iam_policy.RULE.check_change(  # type: ignore[misc]
        _update({"policy": text}, {"policy": wider}, after_unknown={}), ChangeSet(changes=[])
    )
    assert "iam:PassRole" in (hit.message or "")
