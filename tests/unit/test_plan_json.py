"""Plan JSON in every shape the fixtures hold, and a precise error for everything that is not a plan."""

from __future__ import annotations

import codecs
import json
from dataclasses import FrozenInstanceError, fields
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tfreview.core.errors import InputError
from tfreview.core.module_calls import is_module_call
from tfreview.core.plan import (
    ChangeKind,
    ResourceChange,
    _walk_keys,
    is_provider_configuration,
    new_resource_change,
    strip_index,
)
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.plan_json import load_plan
from tfreview.rules import load_rules

CORPUS = Path(__file__).parent.parent / "data" / "plans" / "corpus"
PLANS = sorted(CORPUS.glob("*.json"))


def test_corpus_covers_every_format_version() -> None:
    versions = set()
    for path in PLANS:
        versions.add(load_plan(path.read_bytes(), str(path)).format_version)
    assert {"0.1", "0.2", "1.0", "1.1", "1.2"} <= versions


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem[:70])
def test_every_fixture_plan_loads_and_reviews(path: Path) -> None:
    change_set = load_plan(path.read_bytes(), str(path))
    result = review(change_set, load_rules(), Policy())
    assert not result.diagnostics, result.diagnostics
    # provider configurations and module calls (ADR 0431) are pseudo resources, not resources of the change
    blocks = [c for c in change_set.changes if is_provider_configuration(c) or is_module_call(c)]
    assert result.coverage.resources_total == len(change_set.changes) - len(blocks)
    assert result.coverage.resources_covered <= result.coverage.resources_reviewed <= result.coverage.resources_total


def test_utf16_plan_loads() -> None:
    path = CORPUS / "checkov__terraform__runner__resources__plan_with_lifecycle_check__tfplan.json"
    data = path.read_bytes()
    assert data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    assert load_plan(data, str(path)).changes[0].address == "aws_acm_certificate.acme"


def test_utf8_bom_and_utf16_without_bom_load() -> None:
    document = {"format_version": "1.2", "resource_changes": []}
    text = json.dumps(document)
    assert load_plan(codecs.BOM_UTF8 + text.encode(), "bom.json").format_version == "1.2"
    assert load_plan(text.encode("utf-16-le"), "le.json").format_version == "1.2"


@pytest.mark.parametrize(
    ("actions", "kind"),
    [
        (["create"], ChangeKind.CREATE),
        (["update"], ChangeKind.UPDATE),
        (["delete"], ChangeKind.DELETE),
        (["delete", "create"], ChangeKind.REPLACE),
        (["create", "delete"], ChangeKind.REPLACE),
        (["read"], ChangeKind.READ),
        (["no-op"], ChangeKind.NOOP),
        (["forget"], ChangeKind.FORGET),
    ],
)
def test_every_action_is_folded(actions: list[str], kind: ChangeKind) -> None:
    item = {"address": "aws_s3_bucket.b", "type": "aws_s3_bucket", "name": "b", "change": {"actions": actions}}
    document = {"format_version": "1.2", "resource_changes": [item]}
    assert load_plan(json.dumps(document).encode(), "p.json").changes[0].kind is kind


def test_real_plan_with_deletes_updates_and_drift() -> None:
    change_set = load_plan((CORPUS / "tfcompliance__test_issue_522.json").read_bytes(), "522")
    kinds = [c.kind for c in change_set.changes]
    assert kinds.count(ChangeKind.DELETE) == 2
    assert kinds.count(ChangeKind.UPDATE) == 1
    assert len(change_set.drift) == 15  # Terraform 1.0.0 wrote drift without addresses; rebuilt
    assert change_set.drift[0].address == "aws_cloudwatch_event_rule.metrics_schedule"


@pytest.mark.parametrize(
    ("index", "address"),
    [(1, "aws_s3_bucket.b[1]"), (0, "aws_s3_bucket.b[0]"), ("k", 'aws_s3_bucket.b["k"]'), (True, "aws_s3_bucket.b")],
    ids=["one", "zero", "key", "true"],
)
def test_a_drift_address_rebuilt_from_its_parts_takes_a_boolean_index_for_none(index: object, address: str) -> None:
    """JSON `true` is no instance index: it was rebuilt as `aws_s3_bucket.b[True]`, a Python spelling (bool is an int
    in Python), where `1` gives `[1]`."""
    entry = {
        "mode": "managed",
        "type": "aws_s3_bucket",
        "name": "b",
        "index": index,
        "change": {"actions": ["update"], "before": {"bucket": "x"}, "after": {"bucket": "y"}, "after_unknown": {}},
    }
    plan = {"format_version": "1.0", "terraform_version": "1.0.0", "resource_changes": [], "resource_drift": [entry]}
    assert [c.address for c in load_plan(json.dumps(plan).encode(), "drift").drift] == [address]


def test_replace_with_reason() -> None:
    change_set = load_plan((CORPUS / "tfjson__action_reason__plan.json").read_bytes(), "reason")
    replaced = [c for c in change_set.changes if c.kind is ChangeKind.REPLACE]
    assert replaced
    assert replaced[0].action_reason == "replace_because_tainted"


def test_drift_is_kept_apart() -> None:
    change_set = load_plan((CORPUS / "tfcompliance__test_issue_522.json").read_bytes(), "522")
    result = review(change_set, load_rules(), Policy())
    assert len(result.drift) == 15
    drift_only = {c.address for c in change_set.drift} - {c.address for c in change_set.changes}
    assert not drift_only & {f.address for f in result.findings}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "the file is empty"),
        (b"   \n", "the file is empty"),
        (b"PK\x03\x04\x14\x00binary-plan", "binary plan file"),
        (b'resource "aws_s3_bucket" "b" {}', "not JSON"),
        (b'{"format_version": "1.2", "resource_changes": [{"address": "a.b", ', "truncated"),
        (b'{"version": 4, "serial": 3, "lineage": "x", "resources": []}', "Terraform state file"),
        (b'{"format_version": "1.0", "values": {"root_module": {}}}', "state (`terraform show -json` without"),
        (b'{"hello": "world"}', "keys hello"),
        (b"[1, 2, 3]", "JSON array of 3 items"),
        (b'"just a string"', "this is a string, not an object"),
        (b'{"format_version": "2.0", "resource_changes": []}', "format_version 2.0 is not supported"),
        (b'{"format_version": "1.2", "resource_changes": {}}', "expected a list"),
        (b'{"format_version": "1.2", "resource_changes": [{"type": "x"}]}', "resource_changes[0] has no address"),
        (b'{"format_version": "1.2", "resource_changes": [{"address": "a.b"}]}', "has no `change` object"),
        (b"\xff\xfe\x00", "not valid UTF-16"),
        (b'\xef\xbb\xbf{"a": \xff}', "not valid UTF-8 text (byte 9)"),  # in the file, its BOM counted (said 6)
    ],
)
def test_bad_input_gets_one_clear_line(data: bytes, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        load_plan(data, "input.json")
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message
    assert message.startswith("input.json: ")


@pytest.mark.parametrize("actions", [("create",), ("delete", "create"), ("no-op",), ("forget",), ("read",)])
def test_the_readers_constructor_makes_what_the_dataclass_makes(actions: tuple[str, ...]) -> None:
    values = (
        'module.a["x"].aws_s3_bucket.b[0]',
        "aws_s3_bucket",
        "b",
        actions,
        {"acl": "private"},
        {"acl": "public-read", "tags": {"a": "b"}},
        {"arn": True},
        False,
        {"tags": {"a": True}},
        "managed",
        'module.a["x"]',
        "registry.terraform.io/hashicorp/aws",
        0,
        "replace_because_cannot_update",
        (("acl",),),
        "aws_s3_bucket.old",
        {"policy": ("aws_iam_policy.p",)},
        {"acl": {"constant_value": "public-read"}},
    )
    made = new_resource_change(*values)
    expected = ResourceChange(*values[:16], references=values[16], configured=values[17])
    assert type(made) is ResourceChange
    assert made == expected
    assert [getattr(made, f.name) for f in fields(ResourceChange)] == [
        getattr(expected, f.name) for f in fields(ResourceChange)
    ]
    assert made.kind is expected.kind is ChangeKind.from_actions(actions)
    assert made.known_prefixes == {}
    assert made.known_prefixes is not new_resource_change(*values).known_prefixes  # not one shared dict
    with pytest.raises(FrozenInstanceError):  # filled as a draft, then given its class (ADR 0430): still frozen
        made.address = "changed"  # type: ignore[misc]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='ab.[]"0_x', max_size=30))
def test_strip_index_takes_the_fast_path_only_where_the_walk_agrees(address: str) -> None:
    walked = address if "[" not in address else _walk_keys(address)  # (no bracket opened: the address as it is)
    assert strip_index(address) == walked


@pytest.mark.parametrize(
    ("address", "stripped"),
    [
        ("aws_s3_bucket.b[0]", "aws_s3_bucket.b"),
        ("module.m[3].aws_s3_bucket.b[12]", "module.m.aws_s3_bucket.b"),
        ('module.a["x.y[0]"].aws_s3_bucket.b[0]', "module.a.aws_s3_bucket.b"),
        ("aws_s3_bucket.b", "aws_s3_bucket.b"),
        # Terraform quotes a key as HCL does: `"` and `\\` escaped (review15c: `x.yb"` and `x.y` + the rest)
        ('aws_s3_bucket.b["say \\"hi\\"]"].x', "aws_s3_bucket.b.x"),
        ('module.m["a\\"]"].aws_s3_bucket.b["k"]', "module.m.aws_s3_bucket.b"),
        ('module.m["C:\\\\"].aws_s3_bucket.b', "module.m.aws_s3_bucket.b"),
    ],
)
def test_strip_index(address: str, stripped: str) -> None:
    assert strip_index(address) == stripped


def test_a_change_or_resource_without_an_optional_key_reads_as_absent() -> None:
    # Terraform writes the six keys of a change and a resource's type, name, mode and provider in every entry; the
    # reader takes them in one call, and an entry without one (an older or hand-written plan) reads as before
    full = {
        "address": "aws_s3_bucket.b",
        "type": "aws_s3_bucket",
        "name": "b",
        "mode": "managed",
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {
            "actions": ["update"],
            "before": {"acl": "private"},
            "after": {"acl": "public-read"},
            "after_unknown": {},
            "before_sensitive": {},
            "after_sensitive": {},
        },
    }
    sparse = {"address": "aws_s3_bucket.c", "change": {"actions": ["create"], "after": {"acl": "private"}}}
    plan = {"format_version": "1.2", "resource_changes": [full, sparse]}
    first, second = load_plan(json.dumps(plan).encode()).changes
    assert (first.type, first.name, first.mode, first.provider) == (
        "aws_s3_bucket",
        "b",
        "managed",
        "registry.terraform.io/hashicorp/aws",
    )
    assert (first.before, first.after, first.after_unknown, first.before_sensitive) == (
        {"acl": "private"},
        {"acl": "public-read"},
        {},
        {},
    )
    assert (second.type, second.name, second.mode, second.provider, second.kind) == ("", "", "managed", "", "create")
    assert (second.before, second.after_unknown, second.before_sensitive, second.after_sensitive) == (
        None,
        None,
        None,
        None,
    )
    bad = {"format_version": "1.2", "resource_changes": [{**sparse, "change": {"after": {"acl": 1}}}]}
    with pytest.raises(InputError, match=r"resource_changes\[0\] \(aws_s3_bucket.c\) has no list of actions"):
        load_plan(json.dumps(bad).encode())
