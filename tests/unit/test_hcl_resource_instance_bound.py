"""review20a, ADR 0677: module instances multiply `count` and `for_each`. Each block expands at most 1,000
instances and a review follows at most 1,000 module instances, but nothing bounded the product: three files of
three lines (`module "a" { count = 1000 }` → `module "b" { count = 1000 }` → `resource … { count = 1000 }`)
were a million resources to review (measured: past 4 minutes and 2 GB before it was stopped). A review now
expands at most `MAX_RESOURCE_INSTANCES` resource instances; past it a resource is reviewed once without an
instance key and no further module instance is followed, both said in the coverage."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tfreview.parsing.hcl_configuration import read_configuration
from tfreview.parsing.hcl_read_budget import ModuleBudget
from tfreview.parsing.source_tree import MappingReader

FILES = {
    "main.tf": 'module "a" {\n  count  = 4\n  source = "./m"\n}\nresource "aws_s3_bucket" "late" {\n  count = 3\n}\n',
    "m/main.tf": 'resource "aws_s3_bucket" "x" {\n  count  = 20\n  bucket = "x-${count.index}"\n}\n',
}


def test_resources_past_the_bound_are_read_once_and_module_instances_not_followed() -> None:
    configuration = read_configuration(MappingReader(FILES), ModuleBudget(resource_limit=50))
    addresses = {a for a in configuration.resources if ".aws_s3_bucket." in a or a.startswith("aws_s3_bucket.")}
    # module.a[0] and [1] expand their 20 each (40); [2]'s 20 would pass 50: read once, without a key; the read
    # is not full yet (41, 42 with [3]): [3] is followed and read once as [2]; the root's own 3 fit
    assert {f"module.a[{i}].aws_s3_bucket.x[{n}]" for i in (0, 1) for n in range(20)} <= addresses
    assert {"module.a[2].aws_s3_bucket.x", "module.a[3].aws_s3_bucket.x"} <= addresses
    assert {"aws_s3_bucket.late[0]", "aws_s3_bucket.late[1]", "aws_s3_bucket.late[2]"} <= addresses
    assert len(addresses) == 40 + 2 + 3
    assert (
        "2 resources (module.a[2].aws_s3_bucket.x (m/main.tf:1, 20 instances) to module.a[3].aws_s3_bucket.x "
        "(m/main.tf:1, 20 instances)) reviewed once, without an instance key: one review expands at most 50 "
        "resource instances"
    ) in configuration.notes


def test_module_instances_past_the_bound_are_noted_not_followed() -> None:
    files = {
        "main.tf": 'module "a" {\n  count  = 10\n  source = "./m"\n}\n',
        "m/main.tf": 'resource "aws_s3_bucket" "x" {\n  count  = 10\n}\n',
    }
    configuration = read_configuration(MappingReader(files), ModuleBudget(resource_limit=25))
    # [0] and [1] expand (20), [2] to [6] are read once each (25: full), [7] to [9] are not followed
    buckets = [a for a in configuration.resources if ".aws_s3_bucket." in a]
    assert sorted({a.split(".aws_s3_bucket")[0] for a in buckets}) == [f"module.a[{i}]" for i in range(7)]
    assert len(buckets) == 25
    assert (
        "3 module instances (module.a[7] to module.a[9]) not followed: one review expands at most 25 resource "
        "instances; the resources in them and the modules they call are not reviewed"
    ) in configuration.notes


def test_a_multiplying_tree_scans_within_the_bound(tmp_path: Path) -> None:
    """From outside: 25 module instances of a module with `count = 1000` were 25,000 resources."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "infra" / "m").mkdir(parents=True)
    (tmp_path / "infra" / "main.tf").write_text('module "a" {\n  count  = 25\n  source = "./m"\n}\n')
    (tmp_path / "infra" / "m" / "main.tf").write_text('resource "random_id" "x" {\n  count = 1000\n}\n')
    done = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", "-o", "json", str(tmp_path / "infra")],
        capture_output=True,
        timeout=600,
        check=False,
        env={**os.environ, "TFREVIEW_LOG_FORMAT": "text"},
    )
    assert done.returncode == 0, done.stderr.decode()
    coverage = json.loads(done.stdout)["coverage"]
    assert coverage["resources_total"] == 20_000  # MAX_RESOURCE_INSTANCES
    assert (
        "5 module instances (module.a[20] to module.a[24]) not followed: one review expands at most 20000 "
        "resource instances; the resources in them and the modules they call are not reviewed"
    ) in coverage["notes"]
