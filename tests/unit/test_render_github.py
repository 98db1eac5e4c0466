"""GitHub workflow commands: the right command per finding, escaped per GitHub's rules."""

from __future__ import annotations

from dataclasses import replace

from tests.unit.test_render import located, sample_review
from tfreview.core.plan import Location
from tfreview.render.github import command, escape_data, escape_property, render_github


def test_escaping() -> None:
    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert command("error", "m", file="a,b.tf", line=3, endLine=None) == "::error file=a%2Cb.tf,line=3::m"


def test_one_command_per_open_finding_by_status_and_threshold() -> None:
    out = render_github(located(sample_review()))
    lines = out.splitlines()
    findings = [line for line in lines if "title=TFR-" in line]
    # 5 introduced + 2 existing + 1 the change introduces and suppresses (ADR 0562); resolved ones are not annotated
    assert len(findings) == 8
    assert sum(1 for line in findings if line.startswith("::error ")) == 4  # introduced at or above high
    assert sum(1 for line in findings if line.startswith("::warning ")) == 2  # introduced low, and the suppressed one
    assert sum(1 for line in findings if line.startswith("::notice ")) == 2  # existing
    assert all(" file=infra/" in line and ",line=" in line for line in findings if "allowed" not in line)
    assert "aws_s3_bucket.fixed" not in out
    (hidden,) = [line for line in findings if "aws_s3_bucket.allowed" in line]
    assert hidden.startswith("::warning ")
    assert "introduced and suppressed" in hidden
    assert "suppressed (config): public website for @team (.tfreview.toml)" in hidden


def test_every_command_is_one_line_even_with_hostile_text() -> None:
    result = located(sample_review())
    evil = replace(result.findings[0], message="line1\n::error::forged\r\n%0A", location=Location("a:b,c.tf", 4))
    out = render_github(replace(result, findings=[evil, *result.findings[1:]]))
    first = out.splitlines()[0]
    assert first.startswith("::error file=a%3Ab%2Cc.tf,line=4,")
    assert "line1%0A::error::forged%0D%0A%250A" in first
    assert sum(1 for line in out.splitlines() if "forged" in line) == 1


def test_without_location_the_annotation_has_no_file() -> None:
    out = render_github(sample_review())
    assert out.splitlines()[0].startswith("::error title=")
    assert "::warning title=tfreview notice::" in out
    assert "::warning file=modules/broken/main.tf,title=tfreview coverage::" in out
