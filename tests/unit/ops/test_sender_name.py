"""The dispatcher's name on its outbox claims (ADR 0712): "host:pid", and in a Lambda container the container's log
stream with the host, so that a container never takes another's live claim for a dead process of its own host."""

from __future__ import annotations

import os

import pytest

from tfreview.ops.notify.outbox import dead_owner
from tfreview.wiring.ops import sender_name


def test_a_process_is_named_by_its_host_and_pid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_LAMBDA_LOG_STREAM_NAME", raising=False)
    assert sender_name("build-7") == f"build-7:{os.getpid()}"


def test_lambda_containers_sharing_a_host_name_never_read_as_each_other(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_LOG_STREAM_NAME", "2026/12/07/[$LATEST]0a1b2c")
    here = sender_name("169.254.10.1")
    assert here == f"169.254.10.1/2026/12/07/[$LATEST]0a1b2c:{os.getpid()}"
    monkeypatch.setenv("AWS_LAMBDA_LOG_STREAM_NAME", "2026/12/07/[$LATEST]9f8e7d")
    other = sender_name("169.254.10.1")
    host = here.rpartition(":")[0]
    # the other container's pid is the same number but not a process here: still not taken for a dead one
    assert not dead_owner(other.replace(f":{os.getpid()}", ":999999"), host, lambda pid: False)
    assert dead_owner(here.replace(f":{os.getpid()}", ":999999"), host, lambda pid: False)  # this container's own
