"""`serve`'s shutdown deadline (ADR 0613) from the outside of a process: a thread still waiting when the interpreter
exits (what a call blocked on a black-holed database does) no longer holds the exit for good — past the deadline
the process logs one line and exits 3. A process that called serve and runs on is left alone."""

from __future__ import annotations

import subprocess
import sys

WAIT = 60.0  # a bound on a loaded machine, not a threshold

HELD_AT_EXIT = """
import logging, threading
from tfreview.serving import _exit_at_deadline
logging.basicConfig()
stop, finished = threading.Event(), threading.Event()
_exit_at_deadline(stop, finished, 1.0)
threading.Thread(target=threading.Event().wait, name="waits-on-the-database").start()  # never ends
stop.set()
finished.set()
"""

RUNS_ON = """
import threading, time
from tfreview.serving import _exit_at_deadline
stop, finished = threading.Event(), threading.Event()
_exit_at_deadline(stop, finished, 1.0)
stop.set()
finished.set()
time.sleep(3.0)  # the caller of serve runs on past the deadline
print("still here")
"""


def test_a_thread_holding_the_exit_ends_the_process_at_the_deadline() -> None:
    done = subprocess.run(
        [sys.executable, "-c", HELD_AT_EXIT], capture_output=True, text=True, timeout=WAIT, check=False
    )
    assert done.returncode == 3, done.stderr
    assert "serve did not stop within 1 s of the stop signal" in done.stderr
    assert "the shutdown steps ended, threads still wait" in done.stderr
    assert "waits-on-the-database" in done.stderr


def test_a_caller_that_runs_on_after_serve_returned_is_left_alone() -> None:
    done = subprocess.run([sys.executable, "-c", RUNS_ON], capture_output=True, text=True, timeout=WAIT, check=False)
    assert (done.returncode, done.stdout.strip()) == (0, "still here"), done.stderr
