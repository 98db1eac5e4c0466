"""Plan mode follows module inputs and outputs: `bucket = var.bucket` refers to what the caller passed."""

from __future__ import annotations

from tfreview.parsing.plan_configuration import read_configuration

CONFIGURATION = {
    "root_module": {
        "resources": [
            {"address": "aws_s3_bucket.logs", "expressions": {"bucket": {"constant_value": "logs"}}},
            {
                "address": "aws_s3_bucket_versioning.logs",
                "expressions": {"bucket": {"references": ["module.names.bucket_id", "module.names"]}},
            },
        ],
        "module_calls": {
            "guard": {
                "expressions": {"bucket": {"references": ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"]}},
                "module": {
                    "module_calls": {
                        "inner": {
                            "expressions": {"target": {"references": ["var.bucket"]}},
                            "module": {
                                "resources": [
                                    {
                                        "address": "aws_s3_bucket_public_access_block.this",
                                        "expressions": {
                                            "bucket": {"references": ["var.target"]},
                                            "block_public_acls": {"constant_value": True},
                                        },
                                    }
                                ]
                            },
                        }
                    }
                },
            },
            "names": {
                "module": {
                    "resources": [{"address": "aws_s3_bucket.named", "expressions": {}}],
                    "outputs": {
                        "bucket_id": {"expression": {"references": ["aws_s3_bucket.named.id", "aws_s3_bucket.named"]}}
                    },
                }
            },
        },
    }
}


def test_a_module_variable_refers_to_the_resource_its_callers_passed() -> None:
    index = read_configuration(CONFIGURATION)
    block = index.references["module.guard.module.inner.aws_s3_bucket_public_access_block.this"]
    assert block["bucket"] == ("aws_s3_bucket.logs",)
    assert "block_public_acls" not in block


def test_a_module_output_refers_to_the_resource_inside_the_module() -> None:
    index = read_configuration(CONFIGURATION)
    assert index.references["aws_s3_bucket_versioning.logs"]["bucket"] == ("module.names.aws_s3_bucket.named",)


def _one_resource(expressions: dict[str, object], prefix_module: bool) -> dict[str, object]:
    resource = {"address": "aws_s3_bucket_policy.p", "expressions": expressions}
    if not prefix_module:
        return {"root_module": {"resources": [resource]}}
    return {"root_module": {"module_calls": {"m": {"module": {"resources": [resource]}}}}}


def test_a_references_list_is_read_by_its_strings_distinct_and_in_order() -> None:
    """Each distinct `references` list is read once and kept (`_relative`): what it names is the same whatever the
    list holds besides strings, unhashable items included (a malformed plan), and in each module it is read in."""
    expressions = {
        "bucket": {"references": ["aws_s3_bucket.b.id", "aws_s3_bucket.b", 7, None, "aws_s3_bucket.a.arn"]},
        "policy": {"references": [{"not": "a string"}, ["nor", "this"], "data.aws_iam_policy_document.d.json"]},
        "tags": {"references": ["local.tags", "var.tags"]},  # no resource, no caller: nothing
        "other": {"references": [3, True]},
    }
    for in_module in (False, True):
        prefix = "module.m." if in_module else ""
        index = read_configuration(_one_resource(expressions, in_module))
        refs = index.references[f"{prefix}aws_s3_bucket_policy.p"]
        assert refs == {
            "bucket": (f"{prefix}aws_s3_bucket.b", f"{prefix}aws_s3_bucket.a"),
            "policy": (f"{prefix}data.aws_iam_policy_document.d",),
        }
        assert index.dependencies[f"{prefix}aws_s3_bucket_policy.p"] == (
            f"{prefix}aws_s3_bucket.b",
            f"{prefix}aws_s3_bucket.a",
            f"{prefix}data.aws_iam_policy_document.d",
            f"{prefix}var.tags",
        )


def test_a_reference_list_seen_first_without_a_caller_still_follows_one_later() -> None:
    """The same list (`var.bucket`) in a root resource (no caller) and in a called module: only the second follows
    what its caller passed; the cached reading of the list does not carry the first one's answer over."""
    listed = {"bucket": {"references": ["var.bucket"]}}
    configuration = {
        "root_module": {
            "resources": [
                {"address": "aws_s3_bucket.logs", "expressions": {}},
                {"address": "aws_s3_bucket_policy.root", "expressions": listed},
            ],
            "module_calls": {
                "m": {
                    "expressions": {"bucket": {"references": ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"]}},
                    "module": {"resources": [{"address": "aws_s3_bucket_policy.p", "expressions": listed}]},
                }
            },
        }
    }
    index = read_configuration(configuration)
    assert "aws_s3_bucket_policy.root" not in index.references
    assert index.references["module.m.aws_s3_bucket_policy.p"] == {"bucket": ("aws_s3_bucket.logs",)}
