"""A report given as pieces is written whole from them, never joined first (issue 13, ADR 0692).

The JSON report of a 10,000-resource scan is ~15 MB made of ~30,000 pieces (ADR 0500); joining them cost a fresh
15 MB buffer (~3,800 page faults, 10–20 ms) only to be written and dropped. `write_whole` takes the pieces and
writes them with `os.writev`, as many per call as the system allows; a short write (a signal, a pipe) goes on from
the first byte not written. Everything else of a whole write (temporary, fsync, rename, lock, mode) is the same.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tfreview.plumbing.whole_files import write_pieces, write_whole

PIECES = [b'{\n  "findings": [', b"", b"x" * 70_000, *(f'{{"n": {i}}},'.encode() for i in range(3_000)), b"]}\n"]


def test_pieces_are_written_as_their_concatenation(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_bytes(b"the old report")
    target.chmod(0o600)
    write_whole(target, PIECES)
    assert target.read_bytes() == b"".join(PIECES)
    assert target.stat().st_mode & 0o777 == 0o600
    assert not (tmp_path / ".report.json.tmp").exists()


def test_pieces_to_a_stream_are_written_as_their_concatenation(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        small = PIECES[:2] + PIECES[3:50]  # within the pipe's buffer: written before anything reads it
        write_whole(fifo, small)
        assert os.read(reader, 1 << 16) == b"".join(small)
    finally:
        os.close(reader)


@pytest.mark.parametrize("most", [1, 7, 4096, 70_001])
def test_short_writes_go_on_from_the_first_byte_not_written(tmp_path: Path, most: int) -> None:
    """A writer that takes at most `most` bytes a call (as a signal or a pipe may cut a write short)."""
    calls: list[int] = []

    def short_writev(descriptor: int, buffers: list[bytes | memoryview]) -> int:
        calls.append(len(buffers))
        return os.write(descriptor, b"".join(bytes(b) for b in buffers)[:most])

    target = tmp_path / "out"
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT)
    try:
        write_pieces(descriptor, PIECES, writev=short_writev, most=500)
    finally:
        os.close(descriptor)
    assert target.read_bytes() == b"".join(PIECES)
    assert max(calls) <= 500


def test_no_pieces_write_an_empty_file(tmp_path: Path) -> None:
    target = tmp_path / "empty"
    write_whole(target, [])
    assert target.read_bytes() == b""
