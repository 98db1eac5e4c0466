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
