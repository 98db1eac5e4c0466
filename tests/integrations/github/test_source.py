"""GitHubPlanSource against the fake GitHub: a pull request's Terraform, at head and base, modules followed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tfreview.core.errors import ConfigError, InputError
from tfreview.core.severity import Severity
from tfreview.integrations.github import GitHubClient, build_github_client, default_http_client
from tfreview.integrations.github.source import GitHubPlanSource, SourceLimits
from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview

REPO = "octo/infra"
NOW = datetime(2025, 1, 1, tzinfo=UTC)

BUCKET_MODULE = """
variable "name" {}
resource "aws_s3_bucket" "this" {
  bucket = var.name
}
"""
PROD_BASE = """
module "logs" {
  source = "../../modules/bucket"
  name   = "logs"
}
resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 40
  encrypted         = true
}
"""
PROD_HEAD = """
module "logs" {
  source = "../../modules/bucket"
  name   = "logs-v2"
}
module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
}
resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 80
}
"""


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        fake.add_installation(42, "octo", repos=[REPO])
        yield fake


@pytest.fixture
def client(github: FakeGitHub, tmp_path: Path) -> Iterator[GitHubClient]:
    settings = github.app_settings(tmp_path)
    with default_http_client(settings) as http:
        yield build_github_client(settings, http, installation_id=42, sleep=lambda _s: None)


def source_for(client: GitHubClient, **kwargs: object) -> GitHubPlanSource:
    return GitHubPlanSource(lambda _installation: client, **kwargs)  # type: ignore[arg-type]


def stored(number: int, head: str, tenant: str = "github:42") -> StoredReview:
    return StoredReview(
        id=f"rev-{number}-{head[:6]}",
        tenant_id=tenant,
        source=SourceInfo(kind="github", repository=REPO, pull_request=number, commit_sha=head),
        status=ReviewStatus.IN_PROGRESS,
        created_at=NOW,
        updated_at=NOW,
    )


def payload(github: FakeGitHub, number: int) -> dict[str, object]:
    pull = github.pull_request(REPO, number)
    return {
        "source": "github",
        "repository": REPO,
        "pull_request": number,
        "head_sha": pull.head_sha,
        "base_sha": pull.base_sha,
        "installation_id": 42,
    }


def open_pr(github: FakeGitHub, base_files: dict[str, str | None], head_files: dict[str, str | None]) -> int:
    github.add_commit(REPO, "main", base_files)
    github.add_commit(REPO, "feature", head_files, base="main")
    return github.open_pull_request(REPO, head="feature", base="main")


def test_changed_directory_read_at_head_and_base_with_its_local_modules(
    github: FakeGitHub, client: GitHubClient
) -> None:
    number = open_pr(
        github,
        {"envs/prod/main.tf": PROD_BASE, "modules/bucket/main.tf": BUCKET_MODULE, "README.md": "hi"},
        {"envs/prod/main.tf": PROD_HEAD},
    )
    head = github.pull_request(REPO, number).head_sha
    change_set = source_for(client).fetch(stored(number, head), payload(github, number)).change_set

    kinds = {c.address: c.actions for c in change_set.changes}
    assert kinds == {
        "aws_ebs_volume.data": ("update",),
        "module.logs.aws_s3_bucket.this": ("update",),
        "module.logs": ("no-op",),  # the module calls, read for the rules on module sources (ADR 0431)
        "module.vpc": ("create",),
    }
    locations = {c.address: c.location for c in change_set.changes}
    assert locations["aws_ebs_volume.data"] is not None
    assert locations["aws_ebs_volume.data"].file == "envs/prod/main.tf"  # repository-relative
    module_location = locations["module.logs.aws_s3_bucket.this"]
    assert module_location is not None
    assert module_location.file == "modules/bucket/main.tf"
    assert "envs/prod/main.tf" in change_set.coverage.files_parsed
    assert "modules/bucket/main.tf" in change_set.coverage.files_parsed
    assert any("terraform-aws-modules/vpc/aws" in note for note in change_set.coverage.notes)  # remote: noted
    assert change_set.label == f"{REPO}#{number} @ {head[:12]}"
    assert change_set.source == "hcl"


def test_pull_request_without_terraform_is_an_empty_change_set_with_a_note(
    github: FakeGitHub, client: GitHubClient
) -> None:
    number = open_pr(github, {"main.tf": PROD_BASE, "README.md": "a"}, {"README.md": "b"})
    head = github.pull_request(REPO, number).head_sha
    change_set = source_for(client).fetch(stored(number, head), payload(github, number)).change_set
    assert change_set.changes == []
    assert "changes no Terraform file" in change_set.coverage.notes[0]
    assert not github.requests_to("GET", r"/contents/")  # nothing read


def test_changed_files_are_read_across_pages(github: FakeGitHub, client: GitHubClient) -> None:
    many: dict[str, str | None] = {f"docs/page{i:03}.md": f"text {i}" for i in range(150)}
    number = open_pr(
        github, {"README.md": "a"}, {**many, "zz/main.tf": 'resource "aws_ebs_volume" "v" {\n  size = 1\n}\n'}
    )
    head = github.pull_request(REPO, number).head_sha
    change_set = source_for(client).fetch(stored(number, head), payload(github, number)).change_set
    assert [c.address for c in change_set.changes] == ["aws_ebs_volume.v"]
    assert len(github.requests_to("GET", r"/pulls/\d+/files$")) >= 2


def test_deleted_directory_is_all_deletes(github: FakeGitHub, client: GitHubClient) -> None:
    number = open_pr(
        github, {"old/main.tf": 'resource "aws_ebs_volume" "gone" {\n  size = 1\n}\n'}, {"old/main.tf": None}
    )
    head = github.pull_request(REPO, number).head_sha
    change_set = source_for(client).fetch(stored(number, head), payload(github, number)).change_set
    assert [(c.address, c.actions) for c in change_set.changes] == [("aws_ebs_volume.gone", ("delete",))]


def test_module_directory_touched_with_its_caller_is_reviewed_once(github: FakeGitHub, client: GitHubClient) -> None:
    number = open_pr(
        github,
        {"envs/prod/main.tf": PROD_BASE, "modules/bucket/main.tf": BUCKET_MODULE},
        {"envs/prod/main.tf": PROD_HEAD, "modules/bucket/main.tf": BUCKET_MODULE + "\n# touched\n"},
    )
    head = github.pull_request(REPO, number).head_sha
    change_set = source_for(client).fetch(stored(number, head), payload(github, number)).change_set
    addresses = [c.address for c in change_set.changes]
    assert addresses.count("module.logs.aws_s3_bucket.this") == 1
    assert "aws_s3_bucket.this" not in addresses
    assert any("reviewed as a module called from envs/prod" in n for n in change_set.coverage.notes)


def test_module_source_leaving_the_repository_is_never_requested(github: FakeGitHub, client: GitHubClient) -> None:
    escaping = 'module "x" {\n  source = "../../../../etc"\n}\nresource "aws_ebs_volume" "v" {\n  size = 1\n}\n'
    number = open_pr(github, {"README.md": "a"}, {"main.tf": escaping})
    head = github.pull_request(REPO, number).head_sha
    change_set = source_for(client).fetch(stored(number, head), payload(github, number)).change_set
    assert [c.address for c in change_set.changes] == ["aws_ebs_volume.v", "module.x"]  # the call, not followed
    assert all(".." not in r.path and "etc" not in r.path for r in github.requests)
    assert any("module.x" in note for note in change_set.coverage.notes)


def test_repository_policy_is_the_nearest_tfreview_toml(github: FakeGitHub, client: GitHubClient) -> None:
    number = open_pr(
        github,
        {
            ".tfreview.toml": 'fail_on = "critical"\n',
            "envs/.tfreview.toml": 'fail_on = "medium"\n[rules]\ndisable = ["TFR-AWS-018"]\n',
            "envs/prod/main.tf": PROD_BASE,
            "modules/bucket/main.tf": BUCKET_MODULE,
        },
        {"envs/prod/main.tf": PROD_HEAD},
    )
    head = github.pull_request(REPO, number).head_sha
    source = source_for(client)
    review = stored(number, head)
    fetched = source.fetch(review, payload(github, number))
    assert fetched.policy.fail_on is Severity.MEDIUM
    assert "TFR-AWS-018" in fetched.policy.disabled_rules
    assert not any("policy" in note for note in fetched.change_set.coverage.notes)


@pytest.mark.parametrize(
    "edit",
    [
        {"envs/.tfreview.toml": 'fail_on = "critical"\n[rules]\ndisable = ["TFR-AWS-018"]\n'},  # a nearer file
        {".tfreview.toml": 'fail_on = "critical"\n[[suppress]]\nrule = "*"\naddress = "*"\nreason = "ok"\n'},
        {".tfreview.toml": None},  # the policy deleted: the defaults would apply
    ],
    ids=["nearer-file", "edited", "deleted"],
)
def test_a_pull_request_that_changes_its_policy_is_reviewed_under_the_base_s(
    github: FakeGitHub, client: GitHubClient, edit: dict[str, str | None]
) -> None:
    """S5, ADR 0563: a PR cannot relax the gate that judges it; its policy change applies once merged."""
    number = open_pr(
        github,
        {
            ".tfreview.toml": 'fail_on = "medium"\n',
            "envs/prod/main.tf": PROD_BASE,
            "modules/bucket/main.tf": BUCKET_MODULE,
        },
        {**edit, "envs/prod/main.tf": PROD_HEAD},
    )
    head = github.pull_request(REPO, number).head_sha
    fetched = source_for(client).fetch(stored(number, head), payload(github, number))
    assert fetched.policy.fail_on is Severity.MEDIUM
    assert fetched.policy.disabled_rules == frozenset()
    assert fetched.policy.suppressions == ()
    notes = [n for n in fetched.change_set.coverage.notes if "policy" in n]
    assert len(notes) == 1
    assert "reviewed under the policy at its base commit (.tfreview.toml)" in notes[0]


def test_a_pull_request_that_mends_a_broken_policy_is_reviewed_under_its_own(
    github: FakeGitHub, client: GitHubClient
) -> None:
    """The base's file does not read: the review cannot run under it, and the PR is the fix (ADR 0563)."""
    number = open_pr(
        github,
        {".tfreview.toml": "fail_on = [", "main.tf": PROD_BASE},
        {".tfreview.toml": 'fail_on = "medium"\n', "main.tf": PROD_HEAD},
    )
    head = github.pull_request(REPO, number).head_sha
    fetched = source_for(client).fetch(stored(number, head), payload(github, number))
    assert fetched.policy.fail_on is Severity.MEDIUM
    notes = [n for n in fetched.change_set.coverage.notes if "policy" in n]
    assert len(notes) == 1
    assert "the policy at its base commit does not read" in notes[0]


def test_bad_repository_policy_is_a_config_error_naming_the_file(github: FakeGitHub, client: GitHubClient) -> None:
    number = open_pr(github, {"main.tf": PROD_BASE}, {".tfreview.toml": "fail_on = [", "main.tf": PROD_HEAD})
    head = github.pull_request(REPO, number).head_sha
    with pytest.raises(ConfigError, match=r"\.tfreview\.toml"):
        source_for(client).fetch(stored(number, head), payload(github, number))


def test_target_comes_from_the_stored_review_and_its_tenant_without_a_payload(
    github: FakeGitHub, client: GitHubClient
) -> None:
    number = open_pr(github, {"main.tf": PROD_BASE, "modules/bucket/main.tf": BUCKET_MODULE}, {"main.tf": PROD_HEAD})
    seen: list[int | None] = []

    def clients(installation: int | None) -> GitHubClient:
        seen.append(installation)
        return client

    head = github.pull_request(REPO, number).head_sha
    change_set = GitHubPlanSource(clients).fetch(stored(number, head), {}).change_set  # type: ignore[arg-type]
    assert seen == [42]  # from the tenant id github:42
    assert change_set.changes


def test_unknown_pull_request_is_a_permanent_error(github: FakeGitHub, client: GitHubClient) -> None:
    github.add_commit(REPO, "main", {"main.tf": PROD_BASE})
    with pytest.raises(InputError, match="not found"):
        source_for(client).fetch(
            stored(99, "a" * 40), {"repository": REPO, "pull_request": 99, "head_sha": "a" * 40, "base_sha": "b" * 40}
        )


def test_review_without_repository_is_refused(client: GitHubClient) -> None:
    review = StoredReview(
        id="r",
        tenant_id="github:42",
        source=SourceInfo(kind="github"),
        status=ReviewStatus.QUEUED,
        created_at=NOW,
        updated_at=NOW,
    )
    with pytest.raises(InputError, match="repository"):
        source_for(client).fetch(review, {"repository": "https://evil.example/x"})


def test_read_limits_are_said_in_coverage(github: FakeGitHub, client: GitHubClient) -> None:
    files: dict[str, str | None] = {
        f"d{i}/main.tf": f'resource "aws_ebs_volume" "v{i}" {{\n  size = 1\n}}\n' for i in range(5)
    }
    number = open_pr(github, {"README.md": "a"}, files)
    head = github.pull_request(REPO, number).head_sha
    change_set = (
        source_for(client, limits=SourceLimits(max_roots=3))
        .fetch(stored(number, head), payload(github, number))
        .change_set
    )
    assert len(change_set.changes) == 3
    assert any("2 more changed directories not reviewed" in n for n in change_set.coverage.notes)


def test_a_pull_request_importing_a_bucket_counts_an_import_not_a_create(
    github: FakeGitHub, client: GitHubClient
) -> None:
    """review15a: an `import` block in a changed root is an import in the GitHub review as in `scan --base` (the
    roots' change sets were gathered without their imports)."""
    base = 'resource "aws_ebs_volume" "data" {\n  size = 1\n}\n'
    imported = 'import {\n  to = aws_s3_bucket.legacy\n  id = "legacy"\n}\nresource "aws_s3_bucket" "legacy" {\n}\n'
    number = open_pr(github, {"envs/prod/main.tf": base}, {"envs/prod/main.tf": base + imported})
    head = github.pull_request(REPO, number).head_sha
    change_set = source_for(client).fetch(stored(number, head), payload(github, number)).change_set
    assert change_set.imports == (("aws_s3_bucket.legacy", "legacy"),)
    assert [(c.address, c.actions) for c in change_set.changes if "legacy" in c.address] == [
        ("aws_s3_bucket.legacy", ("no-op",))
    ]


_HOSTILE_POLICIES = {
    "nested": "fail_on = " + "[" * 50_000,  # tomllib recursed: RecursionError, an "internal error" retried
    "huge-integer": "fail_on = " + "9" * 5_000,  # int() past 4,300 digits: ValueError, not TOMLDecodeError
    "over-1-MiB": 'fail_on = "critical"\n' + "# padding\n" * 110_000,  # the CLI refuses it; the service read it
}


@pytest.mark.parametrize("text", list(_HOSTILE_POLICIES.values()), ids=list(_HOSTILE_POLICIES))
def test_a_hostile_policy_at_head_is_a_config_error_naming_the_file(
    github: FakeGitHub, client: GitHubClient, text: str
) -> None:
    """review16a: the service parsed the PR's `.tfreview.toml` with no size bound and caught only TOMLDecodeError:
    a deeply nested or huge-integer file failed the review as an internal error (retried, then FAILED), an 1.1 MB
    one read as the policy. Now each is the author's error (ConfigError, permanent), as the CLI says it."""
    number = open_pr(github, {"main.tf": PROD_BASE}, {".tfreview.toml": text, "main.tf": PROD_HEAD})
    head = github.pull_request(REPO, number).head_sha
    with pytest.raises(ConfigError, match=r"\.tfreview\.toml"):
        source_for(client).fetch(stored(number, head), payload(github, number))


@pytest.mark.parametrize("text", list(_HOSTILE_POLICIES.values()), ids=list(_HOSTILE_POLICIES))
def test_a_hostile_policy_at_base_does_not_fail_the_pull_request_that_mends_it(
    github: FakeGitHub, client: GitHubClient, text: str
) -> None:
    number = open_pr(
        github,
        {".tfreview.toml": text, "main.tf": PROD_BASE},
        {".tfreview.toml": 'fail_on = "medium"\n', "main.tf": PROD_HEAD},
    )
    head = github.pull_request(REPO, number).head_sha
    fetched = source_for(client).fetch(stored(number, head), payload(github, number))
    assert fetched.policy.fail_on is Severity.MEDIUM
    assert any("the policy at its base commit does not read" in n for n in fetched.change_set.coverage.notes)


def test_each_file_of_a_pull_request_is_parsed_once_per_side(
    github: FakeGitHub, client: GitHubClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pass that finds the files to fetch is the one the comparison uses (session 20 found every root's files
    parsed twice: about a third of a review's CPU)."""
    from tfreview.parsing import hcl_syntax

    parsed: list[str] = []
    real = hcl_syntax._parse_blocks

    def counted(text: str) -> list[hcl_syntax.Block]:
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(hcl_syntax, "_parse_blocks", counted)
    number = open_pr(
        github,
        {"envs/prod/main.tf": PROD_BASE, "modules/bucket/main.tf": BUCKET_MODULE},
        {"envs/prod/main.tf": PROD_HEAD},
    )
    head = github.pull_request(REPO, number).head_sha
    change_set = source_for(client).fetch(stored(number, head), payload(github, number)).change_set

    assert {c.address: c.actions for c in change_set.changes}["aws_ebs_volume.data"] == ("update",)
    # head: envs/prod/main.tf and the module; base: its envs/prod/main.tf (the module's text is the same: parsed
    # once for each side's reading of it)
    assert sorted(parsed) == sorted([PROD_HEAD, BUCKET_MODULE, PROD_BASE, BUCKET_MODULE])
