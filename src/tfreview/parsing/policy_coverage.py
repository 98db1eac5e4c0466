"""What the coverage says of policy documents not known at plan time (ADR 0635).

A policy written with a value known only after apply (`Resource = aws_s3_bucket.data.arn`) cannot be judged where
that value goes. A plan carries the whole document as one string, unknown as a whole: nothing of it is judged. An
HCL source keeps the object (`PartlyKnownJson`): its known statements and elements are judged, the unknown ones
match nothing. Either way the review says so in its coverage — never a silent partial review — one note per
document: which document, and which of its parts were not judged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from tfreview.core.plan import ChangeKind, ResourceChange
from tfreview.core.rules import resource_of
from tfreview.core.values import UNKNOWN, PartlyKnownJson, unknown_paths

# the resources whose policy documents the IAM and resource-policy rules judge, and where those documents are
POLICY_PATHS: Final = {
    "aws_iam_policy": ("policy",),
    "aws_iam_role_policy": ("policy",),
    "aws_iam_user_policy": ("policy",),
    "aws_iam_group_policy": ("policy",),
    "aws_iam_role": ("assume_role_policy",),  # and each `inline_policy` block's `policy`
    "aws_ssoadmin_permission_set_inline_policy": ("inline_policy",),
    "aws_s3_bucket_policy": ("policy",),
    "aws_sqs_queue_policy": ("policy",),
    "aws_sns_topic_policy": ("policy",),
    "aws_kms_key": ("policy",),
    "aws_ecr_repository_policy": ("policy",),
}
NOTES_MAX = 50  # one per document; past these, one line counts the rest
PARTS_MAX = 6  # parts named per document; past these, counted


def policy_notes(changes: Iterable[ResourceChange]) -> list[str]:
    """One note per policy document of `changes` (their after side) that is not known whole at plan time."""
    notes: list[str] = []
    for change in changes:
        if change.type not in POLICY_PATHS or change.mode != "managed" or change.kind is ChangeKind.DELETE:
            continue
        if change.after is None and not change.after_unknown:
            continue
        resource = resource_of(change, "after")
        paths = list(POLICY_PATHS[change.type])
        if change.type == "aws_iam_role":
            paths += [f"inline_policy.{i}.policy" for i in range(len(resource.blocks("inline_policy")))]
        for path in paths:
            note = _note(change.address, path, resource.get(path))
            if note is not None:
                notes.append(note)
    if len(notes) > NOTES_MAX:
        rest = len(notes) - NOTES_MAX
        notes = [*notes[:NOTES_MAX], f"and {rest} more policy document{'s' if rest != 1 else ''} not judged in full"]
    return notes


def _note(address: str, path: str, value: object) -> str | None:
    if value is UNKNOWN:
        return (
            f"{address}: `{path}` is known only after apply (it is built from values the plan does not know): the "
            "policy rules did not judge it"
        )
    if not isinstance(value, PartlyKnownJson):
        return None
    parts = [_part(place) for place in unknown_paths(value.document)]
    named = ", ".join(parts[:PARTS_MAX]) + (f" and {len(parts) - PARTS_MAX} more" if len(parts) > PARTS_MAX else "")
    return (
        f"{address}: `{path}` has values known only after apply ({named}): the policy rules did not judge those; "
        "the rest of the document was judged"
    )


def _part(place: tuple[str, ...]) -> str:
    """`statement 0 Resource`, `statement 2 Condition.StringEquals.aws:SourceArn`, `Statement` (all of them)."""
    if len(place) >= 2 and place[0] == "Statement" and place[1].isdigit():
        rest = ".".join(place[2:])
        return f"statement {place[1]} {rest}".rstrip() if rest else f"statement {place[1]}"
    return ".".join(place) or "the document"
