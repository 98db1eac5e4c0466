"""`cli.main` in a caller's process (a wrapper, a test) leaves the cyclic collector as it found it, whatever the
command did with it while it started (ADR 0752); the processes: tests/integration/test_start_collection.py."""

from __future__ import annotations

import contextlib
import gc
import io

import pytest

from tfreview.cli import main
from tfreview.plumbing import start_collection


def _usage_error() -> int:
    with contextlib.redirect_stderr(io.StringIO()), pytest.raises(SystemExit) as stopped:
        main(["tokens", "no-such-subcommand"])
    return int(str(stopped.value.code))


def test_a_service_commands_usage_error_leaves_collection_on() -> None:
    assert gc.isenabled()
    assert _usage_error() == 2
    assert gc.isenabled()
    assert not start_collection.paused()


def test_a_caller_that_switched_collection_off_keeps_it_off() -> None:
    gc.disable()
    try:
        assert _usage_error() == 2
        assert not gc.isenabled()
        frozen = gc.get_freeze_count()
        start_collection.settle()  # not paused by tfreview: nothing to switch on, nothing frozen
        assert not gc.isenabled()
        assert gc.get_freeze_count() == frozen
    finally:
        gc.enable()


def test_resume_switches_on_what_pause_switched_off() -> None:
    start_collection.pause()
    assert not gc.isenabled()
    assert start_collection.paused()
    start_collection.resume()
    assert gc.isenabled()
    assert not start_collection.paused()
