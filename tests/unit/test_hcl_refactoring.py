"""`moved` and `removed` blocks between a base and a head configuration (parsing/hcl_refactoring.py, ADR 0518)."""

from __future__ import annotations

import pytest

from tfreview.core.plan import ChangeKind
from tfreview.parsing.hcl import changeset_from_sources

BASE = {
    "main.tf": 'resource "aws_s3_bucket" "a" {\n  count = 2\n  bucket = "a-${count.index}"\n}\n'
    'module "old" {\n  source = "./m"\n}\n',
    "m/main.tf": 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n',
}


def _kinds(head_main: str) -> dict[str, tuple[str, str | None]]:
    head = {**BASE, "main.tf": head_main}
    changes = changeset_from_sources(head, base=BASE).changes
    return {c.address: (c.kind.value, c.previous_address) for c in changes if c.kind is not ChangeKind.NOOP}


def test_instances_and_module_contents_follow_a_move() -> None:
    head = (
        'resource "aws_s3_bucket" "b" {\n  count = 2\n  bucket = "a-${count.index}"\n}\n'
        'module "new" {\n  source = "./m"\n}\n'
        "moved {\n  from = aws_s3_bucket.a\n  to = aws_s3_bucket.b\n}\n"
        "moved {\n  from = module.old\n  to = module.new\n}\n"
    )
    kinds = _kinds(head)
    assert not [k for k, (kind, _) in kinds.items() if kind in ("delete", "create")], kinds


def test_a_forgotten_module_forgets_what_it_held() -> None:
    head = (
        BASE["main.tf"].split("module")[0]
        + "removed {\n  from = module.old\n  lifecycle {\n    destroy = false\n  }\n}\n"
    )
    # the call itself is no object: its pseudo resource (ADR 0431) is deleted, what it held forgotten
    assert _kinds(head) == {"module.old": ("delete", None), "module.old.aws_sqs_queue.q": ("forget", None)}


@pytest.mark.parametrize(
    "odd",
    [
        'removed {\n  from = "aws_s3_bucket.a"\n  lifecycle {\n    destroy = false\n  }\n}\n',
        "removed {\n  from = aws_s3_bucket.a[var.i]\n  lifecycle {\n    destroy = false\n  }\n}\n",
        "removed {\n  from = aws_s3_bucket.a\n  lifecycle {\n    destroy = var.keep\n  }\n}\n",
        "removed {\n  lifecycle {\n    destroy = false\n  }\n}\n",
        'moved {\n  from = 12\n  to = "x"\n}\n',
        "moved {\n  from = aws_s3_bucket.a\n  to = aws_s3_bucket.nowhere\n}\n",
    ],
)
def test_a_block_that_names_nothing_plainly_changes_nothing(odd: str) -> None:
    head = 'module "old" {\n  source = "./m"\n}\n' + odd
    kinds = _kinds(head)
    assert kinds == {"aws_s3_bucket.a[0]": ("delete", None), "aws_s3_bucket.a[1]": ("delete", None)}


@pytest.mark.parametrize(
    ("base_main", "head_main", "moved_to"),
    [
        (  # count added to a resource, its one object moved to [0]: the most common instance-key move
            'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n',
            'resource "aws_s3_bucket" "logs" {\n  count = 1\n  bucket = "logs"\n}\n'
            "moved {\n  from = aws_s3_bucket.logs\n  to = aws_s3_bucket.logs[0]\n}\n",
            {"aws_s3_bucket.logs[0]": "aws_s3_bucket.logs"},
        ),
        (  # a for_each instance renamed, keys quoted as Terraform quotes them
            'resource "aws_s3_bucket" "logs" {\n  for_each = toset(["x"])\n  bucket = each.key\n}\n',
            'resource "aws_s3_bucket" "archive" {\n  for_each = toset(["x"])\n  bucket = each.key\n}\n'
            'moved {\n  from = aws_s3_bucket.logs["x"]\n  to = aws_s3_bucket.archive["x"]\n}\n',
            {'aws_s3_bucket.archive["x"]': 'aws_s3_bucket.logs["x"]'},
        ),
        (  # count to for_each, instance by instance
            'resource "aws_s3_bucket" "logs" {\n  count = 1\n  bucket = "logs"\n}\n',
            'resource "aws_s3_bucket" "logs" {\n  for_each = toset(["a"])\n  bucket = "logs"\n}\n'
            'moved {\n  from = aws_s3_bucket.logs[0]\n  to = aws_s3_bucket.logs["a"]\n}\n',
            {'aws_s3_bucket.logs["a"]': "aws_s3_bucket.logs[0]"},
        ),
        (  # a chain (Terraform follows a.b then b.c: the object moves from a to c)
            'resource "aws_s3_bucket" "a" {\n  bucket = "logs"\n}\n',
            'resource "aws_s3_bucket" "c" {\n  bucket = "logs"\n}\n'
            "moved {\n  from = aws_s3_bucket.a\n  to = aws_s3_bucket.b\n}\n"
            "moved {\n  from = aws_s3_bucket.b\n  to = aws_s3_bucket.c\n}\n",
            {"aws_s3_bucket.c": "aws_s3_bucket.a"},
        ),
        (  # the same chain written in the other order
            'resource "aws_s3_bucket" "a" {\n  bucket = "logs"\n}\n',
            'resource "aws_s3_bucket" "c" {\n  bucket = "logs"\n}\n'
            "moved {\n  from = aws_s3_bucket.b\n  to = aws_s3_bucket.c\n}\n"
            "moved {\n  from = aws_s3_bucket.a\n  to = aws_s3_bucket.b\n}\n",
            {"aws_s3_bucket.c": "aws_s3_bucket.a"},
        ),
    ],
)
def test_instance_key_moves_and_chained_moves_are_moves_not_a_destroy(
    base_main: str, head_main: str, moved_to: dict[str, str]
) -> None:
    changes = changeset_from_sources({"main.tf": head_main}, base={"main.tf": base_main}).changes
    kinds = {c.address: (c.kind.value, c.previous_address) for c in changes}
    assert not [a for a, (kind, _) in kinds.items() if kind in ("delete", "create", "replace")], kinds
    assert {a: previous for a, (_, previous) in kinds.items() if previous} == moved_to


def test_a_cycle_of_moves_ends() -> None:
    base = 'resource "aws_s3_bucket" "a" {\n  bucket = "logs"\n}\n'
    head = (
        'resource "aws_s3_bucket" "c" {\n  bucket = "logs"\n}\n'
        "moved {\n  from = aws_s3_bucket.a\n  to = aws_s3_bucket.b\n}\n"
        "moved {\n  from = aws_s3_bucket.b\n  to = aws_s3_bucket.a\n}\n"
    )
    kinds = {c.address: c.kind.value for c in changeset_from_sources({"main.tf": head}, base={"main.tf": base}).changes}
    assert kinds == {"aws_s3_bucket.a": "delete", "aws_s3_bucket.c": "create"}
