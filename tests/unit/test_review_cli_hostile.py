"""A hostile second read of the CLI path: malformed plans and settings get one line and exit 2, an
unknown value is never called resolved, sensitive values stay out of messages and evidence, and
`rules show` answers every name a rule goes by."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tfreview.cli import main
from tfreview.core.findings import Status
from tfreview.core.plan import ChangeSet, InlineSuppression, Location, ResourceChange
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.parsing.plan_json import plan_from_document
from tfreview.render.markdown import MAX_CHARS, render_markdown
from tfreview.rules import load_rules

SECRET_CIDR = "198.51.100.7/32"  # a documentation range: a rule quoting it must not show it when sensitive


def _item(address: str, actions: list[str], before: Any, after: Any, **change: Any) -> dict[str, Any]:
    kind, name = address.split(".")[:2]
    return {
        "address": address,
        "type": kind,
        "name": name,
        "mode": "managed",
        "change": {"actions": actions, "before": before, "after": after, **change},
    }


def _plan(*items: dict[str, Any], **document: Any) -> dict[str, Any]:
    return {"format_version": "1.2", "resource_changes": list(items), **document}


def _scan(tmp_path: Path, capsys: pytest.CaptureFixture[str], document: Any, *argv: str) -> tuple[int, str, str]:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document) if not isinstance(document, str) else document, encoding="utf-8")
    code = main(["scan", str(path), *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


BUCKET = _item("aws_s3_bucket.b", ["update"], {"acl": "private"}, {"acl": "public-read"})


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        # configuration with the wrong shapes used to raise AttributeError (exit 3)
        (_plan(BUCKET, configuration={"root_module": {"resources": "x", "module_calls": [1]}}), None),
        (_plan(BUCKET, configuration={"provider_config": {"aws": {"name": "aws", "expressions": "x"}}}), None),
        (
            _plan(
                BUCKET,
                configuration={
                    "root_module": {"resources": [{"address": 5, "expressions": {"acl": {"references": 5}}}]}
                },
            ),
            None,
        ),
        # values and masks of the wrong type are a malformed plan, said in one line
        (_plan(_item("aws_s3_bucket.b", ["update"], "hello", {"acl": "x"})), "`change.before` is a string"),
        (_plan(_item("aws_s3_bucket.b", ["create"], None, [1, 2])), "`change.after` is an array"),
        (_plan(_item("aws_s3_bucket.b", ["create"], None, {}, after_unknown=[True])), "`change.after_unknown`"),
        (_plan(_item("aws_s3_bucket.b", ["create"], None, {}, after_sensitive="x")), "`change.after_sensitive`"),
        (_plan(_item("aws_s3_bucket.b", ["create"], None, {}, before_sensitive=[1])), "`change.before_sensitive`"),
    ],
)
def test_review_malformed_plan_is_one_line_never_internal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: Any, expected: str | None
) -> None:
    code, _, err = _scan(tmp_path, capsys, document, "-o", "json")
    if expected is None:
        assert code in (0, 1), err
        assert err == ""
    else:
        assert code == 2
        assert len(err.strip().splitlines()) == 1
        assert expected in err


def test_review_configuration_nested_past_the_recursion_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    depth = 1015  # orjson accepts 1,024 levels, Python recursion stops near 1,000
    expression = '{"a":' * depth + '{"references":["aws_x.y"]}' + "}" * depth
    text = (
        '{"format_version":"1.2","resource_changes":[],"configuration":{"root_module":{"resources":'
        f'[{{"address":"aws_s3_bucket.b","expressions":{{"acl":{expression}}}}}]}}}}}}'
    )
    code, _, err = _scan(tmp_path, capsys, text)
    assert code == 0, err


def test_review_references_keep_their_order() -> None:
    configuration = {
        "root_module": {
            "resources": [
                {
                    "address": "aws_s3_bucket_policy.p",
                    "expressions": {
                        "bucket": {"references": ["aws_s3_bucket.a.id", "aws_s3_bucket.a"]},
                        "policy": [{"x": {"references": ["aws_iam_role.r.arn"]}}, {"references": ["aws_kms_key.k"]}],
                    },
                }
            ]
        }
    }
    item = _item("aws_s3_bucket_policy.p", ["create"], None, {})
    change_set = plan_from_document(_plan(item, configuration=configuration), "plan.json")
    refs = change_set.changes[0].references
    assert refs["bucket"] == ("aws_s3_bucket.a",)
    assert refs["policy"] == ("aws_iam_role.r", "aws_kms_key.k")


@pytest.mark.parametrize("option", ["--config", "--baseline"])
def test_review_config_or_baseline_that_is_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    code, _, err = _scan(tmp_path, capsys, _plan(BUCKET), option, str(tmp_path))
    assert code == 2
    assert "cannot read" in err
    assert len(err.strip().splitlines()) == 1


def test_review_suppression_expiry_as_a_datetime_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "tfreview.toml"
    config.write_text('[[suppress]]\nrule = "*"\nreason = "r"\nexpires = 2020-01-01T00:00:00\n', encoding="utf-8")
    code, _, err = _scan(tmp_path, capsys, _plan(BUCKET), "--config", str(config))
    assert code == 2  # was a TypeError (exit 3) comparing a datetime with today's date
    assert "expires must be a date" in err


def test_review_unknown_after_is_never_resolved() -> None:
    wildcard = json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    change_set = plan_from_document(
        _plan(
            _item("aws_iam_policy.p", ["update"], {"policy": wildcard}, {}, after_unknown={"policy": True}),
            _item("aws_s3_bucket_acl.a", ["update"], {"acl": "public-read"}, {}, after_unknown=True),
            _item("aws_s3_bucket_acl.f", ["update"], {"acl": "public-read"}, {"acl": "private"}, after_unknown={}),
        ),
        "plan.json",
    )
    result = review(change_set, load_rules(), Policy())
    resolved = {f.address for f in result.findings if f.status is Status.RESOLVED}
    assert resolved == {"aws_s3_bucket_acl.f"}  # fixed for real; the other two are unknown, not resolved


def test_review_sensitive_values_stay_out_of_messages_and_evidence() -> None:
    rule = {
        "type": "ingress",
        "from_port": 22,
        "to_port": 22,
        "protocol": "tcp",
        "cidr_blocks": [SECRET_CIDR, "0.0.0.0/0"],
        "security_group_id": "sg-1",
        "description": "ssh",
    }
    change_set = plan_from_document(
        _plan(
            _item(
                "aws_security_group_rule.r",
                ["create"],
                None,
                rule,
                after_sensitive={"cidr_blocks": [True, True]},
            ),
            _item("aws_s3_bucket_acl.x", ["create"], None, {"acl": "public-read"}, after_sensitive={"acl": True}),
        ),
        "plan.json",
    )
    result = review(change_set, load_rules(), Policy(fail_on=Severity.INFO))
    assert result.findings
    for finding in result.findings:
        shown = f"{finding.message} {finding.evidence.value}"
        assert SECRET_CIDR not in shown, shown
        assert "0.0.0.0/0" not in shown, shown
        assert "public-read" not in shown, shown


@pytest.mark.parametrize("name", ["AVD-AWS-0057", "AVD-AWS-0092", "google-compute-no-public-ingress"])
def test_review_rules_show_a_shared_peer_id_shows_every_rule(capsys: pytest.CaptureFixture[str], name: str) -> None:
    owners = [r.id for r in load_rules() if name in r.names()]
    assert len(owners) > 1
    assert main(["rules", "show", name]) == 0
    out = capsys.readouterr().out
    for rule_id in owners:
        assert f"\n{rule_id}  " in f"\n{out}"


def test_review_rules_show_any_case_and_list_unknown_provider(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "show", "tfr-aws-001"]) == 0
    assert capsys.readouterr().out.startswith("TFR-AWS-001  ")
    with pytest.raises(SystemExit) as exit_info:
        main(["rules", "list", "--provider", "nope"])
    assert exit_info.value.code == 2


def test_review_markdown_huge_version_is_clipped_and_stays_in_the_limit() -> None:
    items = [_item(f"aws_s3_bucket_acl.b{i}", ["create"], None, {"acl": "public-read"}) for i in range(3000)]
    change_set = plan_from_document(_plan(*items, terraform_version="1." + "9" * 200_000), "plan.json")
    text = render_markdown(review(change_set, load_rules(), Policy()))
    assert len(text) <= MAX_CHARS
    assert text.endswith("\n")
    assert "9" * 100 not in text
    assert "findings not shown" in text  # the budget, not the last-resort cut, made it fit


def test_review_no_tf_files_hint_ignores_directories_named_like_tf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x.tf").mkdir()
    assert main(["scan", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "subdirectories" not in err


def _tags_all(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    yield Hit("tags_all.owner", "no owner tag")
    yield Hit("tags.0.owner", "no owner tag in the first tags block")


TAGS = Rule(
    id="T-9",
    long_id="test-tags",
    title="tags",
    severity=Severity.HIGH,
    provider="aws",
    category="general",
    resource_types=("aws_s3_bucket",),
    remediation="",
    check=_tags_all,
)


def test_review_attribute_suppression_does_not_reach_a_longer_attribute_name() -> None:
    inline = InlineSuppression("T-9", "tags come from the module", Location("main.tf", 4), attribute="tags")
    change = ResourceChange(
        address="aws_s3_bucket.b",
        type="aws_s3_bucket",
        name="b",
        actions=("create",),
        after={"tags": [{}], "tags_all": {}},
        suppressions=(inline,),
    )
    result = review(ChangeSet(changes=[change]), [TAGS], Policy())
    assert [f.evidence.path for f in result.suppressed] == ["tags.0.owner"]
    assert [f.evidence.path for f in result.findings] == ["tags_all.owner"]  # `tags` is not `tags_all`
