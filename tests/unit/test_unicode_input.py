"""Text that no encoder takes never stops a review (ADR 0370), and a narrow terminal encoding never stops a
report (ADR 0371): real processes, real bytes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tfreview.core.unicode_text import scrub, scrub_json_escapes
from tfreview.plumbing.json_documents import read_written_json

FORMATS = ("text", "json", "sarif", "markdown", "junit", "github")
# a lone high and a lone low half escaped in JSON, an escaped backslash before `ud800` (text, kept), a valid pair
PLAN = (
    b'{"format_version":"1.2","resource_changes":['
    b'{"address":"aws_s3_bucket_acl.a\\ud800","mode":"managed","type":"aws_s3_bucket_acl","name":"a\\ud800",'
    b'"change":{"actions":["create"],"before":null,"after":{"bucket":"b","acl":"public-read"},"after_unknown":{}}},'
    b'{"address":"aws_security_group.s","mode":"managed","type":"aws_security_group","name":"s",'
    b'"change":{"actions":["create"],"before":null,"after":{"description":"\\\\ud800 \\ud83d\\ude00 \\udc00",'
    b'"ingress":[{"cidr_blocks":["0.0.0.0/0"],"from_port":22,"to_port":22,"protocol":"tcp",'
    b'"description":"ssh \\udfff"}]},"after_unknown":{}}}]}'
)
HCL = (
    'resource "aws_security_group_rule" "r" {\n  type = "ingress"\n  security_group_id = "sg-1"\n'
    '  cidr_blocks = ["0.0.0.0/0"]\n  from_port = 22\n  to_port = 22\n  protocol = "tcp"\n'
    '  description = "x\\ud800 \U0001f600"\n}\n'
    'resource "aws_iam_policy" "p" {\n  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow",'
    ' Action = ["s3:\\udc00*", "*"], Resource = "*"}]})\n}\n'
    'resource "aws_iam_policy" "q" {\n  policy = "{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",'
    '\\"Action\\":\\"\\\\ud800*\\",\\"Resource\\":\\"*\\"}]}"\n}\n'
)


def test_scrub_replaces_surrogates_only() -> None:
    assert scrub("plain") == "plain"
    assert scrub("é\ud800x\udfff") == "é\ufffdx\ufffd"
    assert scrub("\U0001f600") == "\U0001f600"


def test_json_escapes_of_lone_halves_read_as_the_replacement_character() -> None:
    text = r'["\ud800", "\\ud800", "\ud83d\ude00", "\\\udc00x", "\udc00\ud800", "\uD83D\uDE00"]'
    assert json.loads(scrub_json_escapes(text)) == [
        "\ufffd",
        "\\ud800",
        "\U0001f600",
        "\\\ufffdx",
        "\ufffd\ufffd",
        "\U0001f600",
    ]
    assert read_written_json('{"a": "\\ud800"}') == {"a": "\ufffd"}


def _scan(target: Path, fmt: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "LANG", "LC_ALL")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", os.fsencode(target), "-o", fmt],
        capture_output=True,
        cwd=cwd,
        env=environment,
        check=False,
        timeout=120,
    )


def _inputs(tmp_path: Path) -> list[Path]:
    plan = tmp_path / "plan.json"
    plan.write_bytes(PLAN)
    hcl = tmp_path / "hcl"
    hcl.mkdir()
    (hcl / "main.tf").write_text(HCL, encoding="utf-8")
    # file and folder names that are not UTF-8 (Python reads them with surrogateescape), one root and several
    named = Path(os.fsdecode(bytes(tmp_path) + b"/n\xfd"))
    (named / os.fsdecode(b"r\xfe")).mkdir(parents=True)
    (named / os.fsdecode(b"r\xfe") / os.fsdecode(b"m\xffain.tf")).write_text(HCL, encoding="utf-8")
    (named / "ok").mkdir()
    (named / "ok" / "main.tf").write_text('resource "aws_s3_bucket_acl" "a" {\n  acl = "public-read"\n}\n')
    return [plan, hcl, named, named / os.fsdecode(b"r\xfe")]


def _parsed(fmt: str, out: bytes) -> object:
    if fmt in ("json", "sarif"):
        return json.loads(out)
    if fmt == "junit":
        return [(e.tag, e.attrib, e.text) for e in ElementTree.fromstring(out).iter()]
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_surrogates_and_narrow_terminals_never_stop_a_report(tmp_path: Path, fmt: str) -> None:
    narrow = ({"PYTHONIOENCODING": "ascii"}, {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0"})
    for index, target in enumerate(_inputs(tmp_path)):
        wide = _scan(target, fmt, tmp_path, PYTHONIOENCODING="utf-8")
        assert wide.returncode == 1, (target, wide.stderr)
        assert "\ufffd" in wide.stdout.decode("utf-8"), target  # every input above carries a lone half somewhere
        assert wide.stderr == b"", wide.stderr
        answer = _scan(target, fmt, tmp_path, **narrow[index % 2])
        assert answer.returncode == 1, (target, narrow, answer.stderr)
        assert answer.stderr == b"", answer.stderr
        answer.stdout.decode("ascii")  # what the terminal asked for
        if fmt in ("json", "sarif", "junit"):  # escaped in the format's own way: the same document
            assert _parsed(fmt, answer.stdout) == _parsed(fmt, wide.stdout)
        else:
            assert b"\\ufffd" in answer.stdout
