"""Plan input from the outside, real processes and real bytes: devices, sparse files, pipes, UTF-32 — a
precise line and exit 2, or the review; never a hang, a traceback or gigabytes read for nothing."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

PLAN = (Path(__file__).parents[1] / "data" / "plans" / "tfjson__actions__plan.json").read_bytes()


def _scan(target: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", target, "-o", "json"],
        input=stdin,
        capture_output=True,
        check=False,
        timeout=120,
    )


def _refused(answer: subprocess.CompletedProcess[bytes], *words: str) -> None:
    assert answer.returncode == 2, answer.stderr
    line = answer.stderr.decode()
    assert line.count("\n") == 1, line  # one line, no traceback
    assert all(word in line for word in words), line


def test_zero_filled_sparse_files_and_devices_are_refused_at_the_first_read(tmp_path: Path) -> None:
    sparse = tmp_path / "plan.json"
    with sparse.open("wb") as out:
        out.truncate(2 * 1024 * 1024 * 1024)  # 2 GiB, nothing written: zeros when read
    _refused(_scan(str(sparse)), "NUL bytes", "plan.json")
    _refused(_scan("/dev/zero"), "NUL bytes")
    binary = tmp_path / "binary.json"
    binary.write_bytes(bytes(range(1, 256)) * 512)
    _refused(_scan(str(binary)), "not JSON (starts with")


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be", "utf-16", "utf-16-le", "utf-8-sig"])
def test_a_plan_in_any_unicode_encoding_is_reviewed_as_in_utf_8(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "utf-8").mkdir()
    (tmp_path / encoding).mkdir()
    (tmp_path / "utf-8" / "plan.json").write_bytes(PLAN)
    (tmp_path / encoding / "plan.json").write_bytes(PLAN.decode().encode(encoding))
    expected = _scan(str(tmp_path / "utf-8" / "plan.json"))
    answer = _scan(str(tmp_path / encoding / "plan.json"))
    assert answer.returncode == expected.returncode == 0, answer.stderr
    assert json.loads(answer.stdout)["changes"] == json.loads(expected.stdout)["changes"]


def test_a_plan_through_a_pipe_or_stdin_is_reviewed(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)

    def write() -> None:
        with fifo.open("wb") as out:
            out.write(PLAN)

    writer = threading.Thread(target=write)
    writer.start()
    piped = _scan(str(fifo))  # as `tfreview scan <(terraform show -json tfplan)` reads it
    writer.join()
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout)["verdict"] == "pass"
    from_stdin = json.loads(_scan("-", stdin=PLAN).stdout)
    assert (from_stdin["verdict"], from_stdin["changes"]) == ("pass", json.loads(piped.stdout)["changes"])


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('resource "aws_s3_bucket" "b" {\n  policy = <<EOF\n{"a": 1}\n', ("line 2", "heredoc <<EOF is never closed")),
        ("locals {\n  x = " + "[" * 10_000 + "]" * 10_000 + "\n}\n", ("nested too deeply",)),
        ('resource "a" "b" {\n' + "c {\n" * 10_000 + "}\n" * 10_001, ("nested too deeply",)),
    ],
)
def test_broken_hcl_is_one_precise_line(tmp_path: Path, text: str, words: tuple[str, ...]) -> None:
    (tmp_path / "main.tf").write_text(text)
    (tmp_path / "binary.tf").write_bytes(bytes(range(256)) * 4)
    _refused(_scan(str(tmp_path)), "could not be parsed", "main.tf", "binary.tf (not UTF-8 text)", *words)


@pytest.mark.parametrize("size", [0, 1, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 3 * 1024 * 1024 + 7])
def test_a_regular_file_read_at_once_gives_what_a_pipe_gives(tmp_path: Path, size: int) -> None:
    from tfreview.parsing.inputs import _read_stream, read_bytes

    data = (b"[" + b" " * size)[:size] if size else b""  # JSON's first byte, so the sniff lets it through
    path = tmp_path / "plan.json"
    path.write_bytes(data)
    assert read_bytes(str(path)) == data
    with path.open("rb") as stream:  # the pieces-and-join path pipes and devices take
        assert _read_stream(stream, str(path)) == data


def test_a_regular_file_that_cannot_begin_json_is_refused_at_the_first_64_kib(tmp_path: Path) -> None:
    from tfreview.core.errors import InputError
    from tfreview.parsing.inputs import read_bytes

    path = tmp_path / "plan.json"
    path.write_bytes(b"\x7fELF" + b"\x00" * (1024 * 1024))
    with pytest.raises(InputError, match="not JSON"):
        read_bytes(str(path))


class _GrowingFile(io.RawIOBase):
    """A seekable file that keeps growing while read: `{` then blanks, up to `length` bytes; counts what it gave."""

    def __init__(self, length: int) -> None:
        self.length, self.position, self.served = length, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        assert whence == io.SEEK_SET
        self.position = offset
        return offset

    def readinto(self, buffer: Any) -> int:
        count = min(len(buffer), self.length - self.position)
        view = memoryview(buffer).cast("B")
        view[:count] = b" " * count
        if self.position == 0 and count:
            view[0:1] = b"{"
        self.position += count
        self.served += count
        return count


def test_a_regular_file_growing_while_read_is_refused_past_the_limit_without_reading_all_of_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tfreview.core.errors import InputError
    from tfreview.parsing import inputs

    monkeypatch.setattr(inputs, "_MAX_PLAN_BYTES", 1024 * 1024)
    growing = _GrowingFile(256 * 1024 * 1024)  # measured at 100 KiB, 256 MiB by the time it is read
    with pytest.raises(InputError, match="more than"):
        inputs._read_file(io.BufferedReader(growing), "plan.json", 100 * 1024)
    assert growing.served <= 1024 * 1024 + 17 * 1024 * 1024  # the limit and one more 16 MiB piece, not 256 MiB


def test_a_regular_file_grown_since_measured_is_read_whole(tmp_path: Path) -> None:
    from tfreview.parsing import inputs

    data = b"[" + b" " * (300 * 1024) + b"]"
    path = tmp_path / "plan.json"
    path.write_bytes(data)
    with path.open("rb") as stream:  # measured at 100 KiB, as a file still being written may be
        assert inputs._read_file(stream, str(path), 100 * 1024) == data
