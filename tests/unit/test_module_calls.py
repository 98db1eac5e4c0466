"""Module calls as pseudo resources `module.NAME` (ADR 0431) and TFR-TF-001 on their sources: what is pinned, what
is not, in plan and HCL mode, and that a finding on a module call suppresses, fingerprints and renders like any."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tfreview.core.findings import Status
from tfreview.core.module_calls import is_registry_source, shown_source
from tfreview.core.plan import Location, ResourceChange
from tfreview.core.policy import Policy, Suppression
from tfreview.core.review import review, with_fingerprint
from tfreview.parsing.enrich import enrich_plan
from tfreview.parsing.hcl import changeset_from_sources, load_directory
from tfreview.parsing.module_calls import module_call_changes
from tfreview.parsing.plan_json import plan_from_document
from tfreview.render.markdown import render_markdown
from tfreview.render.sarif import render_sarif
from tfreview.rules import find_rule
from tfreview.rules.support.module_sources import unpinned

RULE = find_rule("TFR-TF-001")
assert RULE is not None
COMMIT = "51d462976d84fdea54b47d80dcabbf680badcdb8"


@pytest.mark.parametrize(
    ("source", "version", "blamed"),
    [
        ("./modules/vpc", None, None),  # local paths are part of the configuration
        ("../shared", None, None),
        (".\\windows\\path", None, None),
        ("terraform-aws-modules/vpc/aws", None, "source"),  # registry, no version: the newest release
        ("terraform-aws-modules/vpc/aws", "~> 5.0", "version"),
        ("terraform-aws-modules/vpc/aws", ">= 5.0.0, < 6.0.0", "version"),
        ("terraform-aws-modules/vpc/aws", "!= 5.0.1", "version"),
        ("terraform-aws-modules/vpc/aws", "5.1.2", None),  # one exact release
        ("terraform-aws-modules/vpc/aws", "= 5.1.2", None),
        ("terraform-aws-modules/vpc/aws", "v13.2.1", None),
        ("app.terraform.io/corp/k8s/azurerm//modules/pool", "1.0.0-beta.1", None),
        ("github.com/org/repo", None, "source"),  # git without ref: the default branch
        ("github.com/org/repo?ref=main", None, "source"),
        ("git::https://example.com/vpc.git?ref=v1.2.0", None, "source"),  # a tag can be moved
        ("git::https://example.com/vpc.git?ref=20240115", None, "source"),  # all digits: a date tag
        (f"git::https://example.com/vpc.git//sub?ref={COMMIT}", None, None),
        (f"git::https://example.com/vpc.git?depth=1&ref={COMMIT}", None, None),  # Checkov wants `?ref=` first
        ("git@github.com:org/repo.git?ref=51d4629", None, None),  # an abbreviated id, as the docs allow
        (f"bitbucket.org/org/repo?ref={COMMIT.upper()}", None, None),
        ("hg::http://example.com/vpc.hg?ref=v1.2.0", None, "source"),
        ("s3::https://s3-eu-west-1.amazonaws.com/bucket/vpc.zip", None, "source"),  # objects can be replaced
        ("gcs::https://www.googleapis.com/storage/v1/modules/vpc.zip", None, "source"),
        ("https://example.com/vpc.zip", None, "source"),
    ],
)
def test_what_is_pinned(source: str, version: str | None, blamed: str | None) -> None:
    found = unpinned(source, version)
    assert (found.path if found is not None else None) == blamed


def test_registry_addresses_as_terraform_reads_them() -> None:
    assert is_registry_source("hashicorp/consul/aws")
    assert is_registry_source("app.terraform.io/example-corp/k8s-cluster/azurerm//modules/x")
    assert not is_registry_source("github.com/hashicorp/example")  # go-getter's GitHub shorthand
    assert not is_registry_source("github.com/hashicorp/example/aws")  # Terraform refuses it as a registry host
    assert not is_registry_source("git::https://example.com/a/b/c")
    assert not is_registry_source("./a/b/c")


def test_the_source_is_shown_without_credentials() -> None:
    assert shown_source("git::https://oauth2:glpat-Zx81@gitlab.example.com/m.git?ref=main") == (
        "git::https://oauth2:(redacted)@gitlab.example.com/m.git?ref=main"
    )
    assert shown_source("https://ghp_0123456789abcdef@github.com/org/m.zip") == (
        "https://(redacted)@github.com/org/m.zip"
    )
    assert shown_source("git::ssh://git@example.com/m.git?ref=v1&sshkey=LS0tLS1CRUdJTg") == (
        "git::ssh://git@example.com/m.git?ref=v1&sshkey=(redacted)"
    )
    assert "SECRETKEY" not in shown_source("s3::https://s3.amazonaws.com/b/m.zip?aws_access_key_secret=SECRETKEY")
    assert shown_source("terraform-aws-modules/vpc/aws") == "terraform-aws-modules/vpc/aws"


HCL = f"""
module "vpc" {{
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.0"
}}

module "app" {{
  source   = "./app"
  for_each = toset(["a", "b"])
}}

module "pinned" {{
  source = "git::https://example.com/vpc.git?ref={COMMIT}"
}}

resource "aws_s3_bucket" "b" {{
  bucket = "b"
}}
"""
APP = """
module "queue" {
  # tfreview:ignore=CKV_TF_1 our own repository, reviewed by the platform team
  source = "git::https://example.com/queue.git?ref=release"
}

module "cache" {
  source = "git::https://token:s3cr3tvalue@example.com/cache.git?ref=main"
}
"""


def _hcl_review(tmp_path: Path) -> Any:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "main.tf").write_text(HCL)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.tf").write_text(APP)
    return review(load_directory(tmp_path), [RULE], Policy())


def test_hcl_module_calls_of_every_module_once_not_counted_as_resources(tmp_path: Path) -> None:
    result = _hcl_review(tmp_path)
    flagged = {f.address: f for f in result.findings}
    assert set(flagged) == {"module.vpc", "module.app.module.cache"}  # once, whatever `for_each` says
    vpc = flagged["module.vpc"]
    assert (vpc.status, vpc.resource_type, vpc.location) == (Status.INTRODUCED, "module", Location("main.tf", 2, 5))
    assert vpc.evidence.path == "version"
    assert 'module source "terraform-aws-modules/vpc/aws"' in vpc.message
    assert "s3cr3tvalue" not in json.dumps([f.message for f in result.findings] + list(result.coverage.notes))
    assert [f.address for f in result.suppressed] == ["module.app.module.queue"]  # by its Checkov id, inline
    assert result.coverage.resources_total == result.coverage.resources_reviewed == 1  # the bucket only
    assert "module" not in result.coverage.uncovered_types
    assert [c.address for c in result.changes] == ["aws_s3_bucket.b"]  # a call is not a change of its own


def test_a_module_call_suppresses_by_address_and_renders(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(HCL)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.tf").write_text(APP)
    policy = Policy(suppressions=(Suppression("TFR-TF-001", "vendored below", address="module.app.*"),))
    result = review(load_directory(tmp_path), [RULE], policy)
    assert [f.address for f in result.findings] == ["module.vpc"]
    finding = result.findings[0]
    assert with_fingerprint(finding) == with_fingerprint(_hcl_review(tmp_path / "again").findings[-1])
    sarif = json.loads(render_sarif(result, {RULE.id: RULE}))
    results = sarif["runs"][0]["results"]
    assert {e["locations"][0]["logicalLocations"][0]["name"]: e["suppressions"][0]["kind"] for e in results[1:]} == {
        "module.app.module.cache": "external",  # by the address glob
        "module.app.module.queue": "inSource",  # by the comment in the module block
    }
    entry = results[0]
    assert "suppressions" not in entry
    assert entry["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert entry["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "module.vpc"
    assert "module.vpc" in render_markdown(result, {RULE.id: RULE})


def test_base_and_head_say_what_the_change_introduces_and_resolves() -> None:
    pinned = f'module "net" {{\n  source = "github.com/org/net?ref={COMMIT}"\n}}\n'
    branch = 'module "net" {\n  source = "github.com/org/net?ref=main"\n}\n'
    introduced = review(changeset_from_sources({"main.tf": branch}, {"main.tf": pinned}), [RULE], Policy())
    assert [(f.address, f.status) for f in introduced.findings] == [("module.net", Status.INTRODUCED)]
    resolved = review(changeset_from_sources({"main.tf": pinned}, {"main.tf": branch}), [RULE], Policy())
    assert [(f.address, f.status) for f in resolved.findings] == [("module.net", Status.RESOLVED)]
    kept = review(changeset_from_sources({"main.tf": branch}, {"main.tf": branch}), [RULE], Policy())
    assert [(f.address, f.status) for f in kept.findings] == [("module.net", Status.EXISTING)]


PLAN: dict[str, Any] = {
    "format_version": "1.2",
    "resource_changes": [
        {
            "address": "module.app.aws_sqs_queue.q",
            "module_address": "module.app",
            "type": "aws_sqs_queue",
            "name": "q",
            "mode": "managed",
            "change": {"actions": ["create"], "before": None, "after": {"name": "q"}, "after_unknown": {}},
        }
    ],
    "configuration": {
        "root_module": {
            "module_calls": {
                "vpc": {"source": "terraform-aws-modules/vpc/aws", "version_constraint": "~> 5.0", "module": {}},
                "app": {
                    "source": "./app",
                    "module": {
                        "module_calls": {
                            "queue": {"source": "git::https://example.com/queue.git?ref=release", "module": {}}
                        }
                    },
                },
            }
        }
    },
}


def test_plan_module_calls_at_any_depth(tmp_path: Path) -> None:
    change_set = plan_from_document(json.loads(json.dumps(PLAN)), "plan.json")
    result = review(change_set, [RULE], Policy())
    assert {f.address: f.status for f in result.findings} == {
        "module.vpc": Status.EXISTING,  # no resource: nothing says when the block was written (ADR 0453)
        "module.app.module.queue": Status.INTRODUCED,  # inside `module.app`, whose only resource is created
    }
    assert result.coverage.resources_total == 1
    assert [c.address for c in result.changes] == ["module.app.aws_sqs_queue.q"]
    # `scan plan.json --source DIR`: the call's file and line and its inline suppression come from the HCL
    (tmp_path / "main.tf").write_text(HCL)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.tf").write_text(APP)
    enriched = review(enrich_plan(change_set, tmp_path), [RULE], Policy())
    assert [(f.address, f.location) for f in enriched.findings] == [("module.vpc", Location("main.tf", 2, 5))]
    assert [f.address for f in enriched.suppressed] == ["module.app.module.queue"]


def test_a_hostile_plan_nests_calls_without_end() -> None:
    calls: dict[str, Any] = {}
    root = {"module_calls": calls}
    document: dict[str, Any] = {"format_version": "1.2", "resource_changes": [], "configuration": {"root_module": root}}
    for _ in range(500):
        inner: dict[str, Any] = {}
        calls["m"] = {"source": "github.com/org/m", "module": {"module_calls": inner}}
        calls = inner
    change_set = plan_from_document(document, "deep.json")
    assert 0 < len(change_set.changes) <= 100


def _plan_with_calls(actions: dict[str, list[str]], prior_modules: list[str] | None) -> dict[str, Any]:
    """A plan calling `module.net` (unpinned, with a nested unpinned `module.net.module.dns`) and `module.db`
    (unpinned); `actions`: resource address → its actions; `prior_modules`: the module instances the prior state
    holds (None: the plan has no prior state)."""
    changes = []
    for address, acts in actions.items():
        module, _, rest = address.rpartition(".aws_")
        before = None if acts == ["create"] else {"name": "x"}
        changes.append(
            {
                "address": address,
                "module_address": module,
                "type": "aws_" + rest.split(".")[0],
                "name": rest.split(".")[1],
                "mode": "managed",
                "change": {"actions": acts, "before": before, "after": {"name": "x"}, "after_unknown": {}},
            }
        )
    document: dict[str, Any] = {
        "format_version": "1.2",
        "resource_changes": changes,
        "configuration": {
            "root_module": {
                "module_calls": {
                    "net": {
                        "source": "github.com/org/net?ref=main",
                        "module": {"module_calls": {"dns": {"source": "github.com/org/dns", "module": {}}}},
                    },
                    "db": {"source": "github.com/org/db", "module": {}},
                }
            }
        },
    }
    if prior_modules is not None:
        document["prior_state"] = {
            "format_version": "1.0",
            "values": {"root_module": {"child_modules": [{"address": a, "resources": []} for a in prior_modules]}},
        }
    return document


def _statuses(document: dict[str, Any]) -> dict[str, Status]:
    result = review(plan_from_document(document, "plan.json"), [RULE], Policy())
    return {f.address: f.status for f in result.findings}


def test_a_module_call_the_change_adds_reads_as_introduced_in_a_plan() -> None:
    """Its resources are all created and the prior state holds no instance of it: the call is new, and so is a
    call inside it, whose own module has no resource. `module.db` keeps resources that exist: not new."""
    document = _plan_with_calls(
        {
            'module.net["a"].aws_vpc.this': ["create"],
            'module.net["b"].aws_vpc.this': ["create"],
            "module.db.aws_db_instance.this": ["no-op"],
            "module.db.aws_db_subnet_group.this": ["create"],
        },
        ["module.db"],
    )
    assert _statuses(document) == {
        "module.net": Status.INTRODUCED,
        "module.net.module.dns": Status.INTRODUCED,
        "module.db": Status.EXISTING,
    }
    result = review(plan_from_document(document, "plan.json"), [RULE], Policy())
    assert all(f.change.value == "no-op" for f in result.findings)  # Terraform applies nothing to a call
    assert [c.address for c in result.changes] == [
        'module.net["a"].aws_vpc.this',
        'module.net["b"].aws_vpc.this',
        "module.db.aws_db_subnet_group.this",
    ]  # the calls are still not changes, nor counted as resources
    assert result.counts["changes"] == {"create": 3, "no-op": 4}  # as before: three calls, one resource
    assert result.coverage.resources_total == 4
    # a first plan: no prior state at all, every resource created
    assert _statuses(
        _plan_with_calls({"module.net.aws_vpc.this": ["create"], "module.db.aws_db_instance.this": ["create"]}, None)
    ) == dict.fromkeys(("module.net", "module.net.module.dns", "module.db"), Status.INTRODUCED)


@pytest.mark.parametrize(
    ("actions", "prior"),
    [
        ({"module.net.aws_vpc.this": ["no-op"]}, ["module.net"]),  # kept as it is
        ({"module.net.aws_vpc.this": ["update"], "module.net.aws_subnet.a": ["create"]}, ["module.net"]),
        ({"module.net.aws_vpc.this": ["delete", "create"]}, ["module.net"]),  # replaced: the call was there
        ({"module.net.aws_vpc.this": ["create"]}, ['module.net["old"]']),  # the state holds an instance of it
        ({"module.net.aws_vpc.this": ["create"]}, ["module.net.module.dns"]),  # …or of a call inside it
        ({"module.net.module.dns.aws_route53_zone.z": ["no-op"]}, ["module.net.module.dns"]),  # resources below
        ({}, None),  # no resource at all: nothing says the call is new
    ],
)
def test_a_module_call_that_was_there_reads_as_existing_in_a_plan(
    actions: dict[str, list[str]], prior: list[str] | None
) -> None:
    assert _statuses(_plan_with_calls(actions, prior))["module.net"] is Status.EXISTING


class _Untouchable(list[ResourceChange]):
    def __iter__(self) -> Iterator[ResourceChange]:
        raise AssertionError("the resources were read")


def test_a_configuration_without_module_calls_does_not_read_the_resources() -> None:
    # the added-call test walks every resource change (10,000s in a large plan): only when there is a call to judge
    for configuration in ({"root_module": {}}, {"root_module": {"resources": []}}, {}):
        assert module_call_changes(configuration, _Untouchable()) == []
    with pytest.raises(AssertionError, match="the resources were read"):
        module_call_changes({"root_module": {"module_calls": {"a": {"source": "./a"}}}}, _Untouchable())
