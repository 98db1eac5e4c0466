"""`--output-file` naming a stream (a FIFO, a process substitution's /dev/fd/N) is written as it is: the
rename that makes a file whole would fail there, or replace the FIFO with a regular file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tfreview import cli

PLAN = Path(__file__).resolve().parents[2] / "examples" / "demo" / "plan.json"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_report_to_a_fifo_reaches_its_reader_and_the_fifo_stays(tmp_path: Path) -> None:
    fifo = tmp_path / "report"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    try:
        assert cli.main(["scan", str(PLAN), "-o", "json", "--output-file", str(fifo)]) == 1
    finally:
        if reader.is_alive():  # the scan failed before opening it: let the reader go
            with fifo.open("wb"):
                pass
        reader.join(timeout=60)
    assert json.loads(received[0])["findings"]
    assert fifo.is_fifo()  # still the FIFO, not a file renamed over it
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_report_to_an_inherited_descriptor_path(tmp_path: Path) -> None:
    # what `--output-file >(jq .)` hands over: /dev/fd/N, a pipe no file can be renamed onto
    read_end, write_end = os.pipe()
    with subprocess.Popen(
        [sys.executable, "-m", "tfreview", "scan", str(PLAN), "-o", "json", "--output-file", f"/dev/fd/{write_end}"],
        pass_fds=(write_end,),
        stderr=subprocess.PIPE,
    ) as scan:
        os.close(write_end)  # the scan holds the only write end: the read below ends when it is done
        with os.fdopen(read_end, "rb") as pipe:
            received = pipe.read()
        errors = scan.stderr.read() if scan.stderr is not None else b""
        code = scan.wait(timeout=120)
    assert (code, errors) == (1, b"")
    assert json.loads(received)["findings"]
