"""The Action's report step in-process (fast; the whole Action is run in tests/packaging/test_action.py):
outputs, job summary, the one comment on the fake GitHub, and its errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tfreview.cli import main as cli
from tfreview.integrations.github.workflow import ACTIONS_LOGIN, annotation, main, pull_request_of, step_outputs
from tfreview.render.stored_report import review_from_report

ROOT = Path(__file__).resolve().parents[3]
REPO = "octo/infra"


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.json"
    code = cli(["scan", str(ROOT / "examples" / "demo" / "plan.json"), "-o", "json", "--output-file", str(path)])
    assert code == 1
    return path


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        fake.add_repo(REPO)
        yield fake


def _environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, github: FakeGitHub, token: str, number: int) -> None:
    pull = github.pull_request(REPO, number)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": number, "head": {"sha": pull.head_sha}}}))
    for name, value in {
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_API_URL": github.api_url,
        "GITHUB_TOKEN": token,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TFREVIEW_MARKER_SECRET", raising=False)


def _pull_request(github: FakeGitHub) -> int:
    github.add_commit(REPO, "main", {"main.tf": "# base\n"})
    github.add_commit(REPO, "feature", {"main.tf": "# head\n"}, base="main")
    return github.open_pull_request(REPO, head="feature", base="main")


def test_outputs_summary_and_one_comment_edited_in_place(
    tmp_path: Path,
    report: Path,
    github: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    number = _pull_request(github)
    token = github.add_personal_token(ACTIONS_LOGIN)
    _environment(monkeypatch, tmp_path, github, token, number)

    assert main(["--report", str(report), "--exit-code", "1", "--sarif-file", "/w/x.sarif", "--comment"]) == 0
    assert main(["--report", str(report), "--exit-code", "1", "--comment"]) == 0

    outputs = dict(line.split("=", 1) for line in (tmp_path / "output").read_text().splitlines())
    assert outputs["verdict"] == "fail"
    assert outputs["exit-code"] == "1"
    assert outputs["sarif-file"] == "/w/x.sarif"
    assert int(outputs["high"]) > 0
    assert "aws_s3_bucket.assets" in (tmp_path / "summary.md").read_text()
    comments = github.comments(REPO, number)
    assert len(comments) == 1  # the second publish found it again and had nothing to change
    assert comments[0]["edits"] == 0
    out = capsys.readouterr()
    assert f"the review comment on {REPO}#{number} is up to date" in out.out
    assert token not in out.out + out.err


def test_a_refused_comment_is_one_warning_line_and_the_token_stays_secret(
    tmp_path: Path,
    report: Path,
    github: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    number = _pull_request(github)
    token = github.add_personal_token(ACTIONS_LOGIN)
    _environment(monkeypatch, tmp_path, github, token, number)
    github.revoke_token(token)

    assert main(["--report", str(report), "--comment"]) == 0

    out = capsys.readouterr().out
    assert out.startswith("::warning::tfreview: the pull-request comment was not written: ")
    assert out.count("\n") == 1
    assert token not in out
    assert github.comments(REPO, number) == []


def test_an_empty_token_is_a_warning_not_a_crash(
    tmp_path: Path,
    report: Path,
    github: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    number = _pull_request(github)
    _environment(monkeypatch, tmp_path, github, "", number)
    assert main(["--report", str(report), "--comment"]) == 0
    assert "GITHUB_TOKEN is empty" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the report"),
        ("{", "the report is not JSON: Expecting property name"),
        ("[" * 100_000, "the report is not JSON: nested deeper than the reader goes"),  # was exit 3 (ADR 0680)
        ('{"schema_version": "9"}', "schema version"),
        (b"\xfe\xff\x00{\x00", "the report is not JSON: not UTF-16-BE (byte 4)"),  # said "not UTF-8"
    ],
    ids=["missing", "broken", "nested", "schema", "utf-16"],
)
def test_a_bad_report_is_exit_2_with_one_line_and_nothing_written(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: str | bytes | None,
    message: str,
) -> None:
    path = tmp_path / "report.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "output"))
    assert main(["--report", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert not (tmp_path / "output").exists()


def test_pull_request_of_events() -> None:
    assert pull_request_of({"ref": "refs/heads/main"}, REPO) is None
    found = pull_request_of({"pull_request": {"number": 7, "head": {"sha": "ab" * 20}}}, REPO)
    assert found is not None
    assert (found.number, found.head_sha) == (7, "ab" * 20)


def test_step_outputs_and_annotations_are_single_line() -> None:
    empty = review_from_report({"schema_version": "1", "verdict": "pass", "fail_on": "high", "summary": {}})
    outputs = step_outputs(empty, exit_code=0, sarif_file=None)
    assert outputs["findings"] == "0"
    assert "sarif-file" not in outputs
    assert annotation("warning", "a\nb%") == "::warning::a%0Ab%25"
