"""The dispatcher's name on its outbox claims (ADR 0712): "host:pid", and in a Lambda container the container's log
stream with the host, so that a container never takes another's live claim for a dead process of its own host."""

from __future__ import annotations

import os

import pytest

from tfreview.ops.notify.outbox import OWNER_LENGTH, PidSpace, dead_owner, owner_name
from tfreview.wiring.ops import sender_name


def test_a_process_is_named_by_its_host_and_pid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_LAMBDA_LOG_STREAM_NAME", raising=False)
    assert sender_name("build-7").startswith(f"build-7:{os.getpid()};pidns=")  # and its start: ADR 0747


def test_lambda_containers_sharing_a_host_name_never_read_as_each_other(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_LOG_STREAM_NAME", "2026/12/07/[$LATEST]0a1b2c")
    here = sender_name("169.254.10.1")
    assert here.startswith(f"169.254.10.1/2026/12/07/[$LATEST]0a1b2c:{os.getpid()};")
    monkeypatch.setenv("AWS_LAMBDA_LOG_STREAM_NAME", "2026/12/07/[$LATEST]9f8e7d")
    other = sender_name("169.254.10.1")
    host = here.rpartition(":")[0]
    # the other container's pid is the same number but not a process here: still not taken for a dead one
    assert not dead_owner(other.replace(f":{os.getpid()};", ":999999;"), host, lambda pid: False)
    assert dead_owner(here.replace(f":{os.getpid()};", ":999999;"), host, lambda pid: False)  # this container's own


def test_a_long_host_name_is_shortened_to_fit_the_stores_column() -> None:
    space = PidSpace("0123456789abcdef", lambda pid: "4242")
    name = owner_name("h" * 250, 12, space)
    assert len(name) <= OWNER_LENGTH
    assert name.endswith(":12;pidns=0123456789abcdef;start=4242")
    assert name == owner_name("h" * 250, 12, space)  # the same host, the same name: its own claims stay its own
    host = name.rpartition(":")[0]
    assert not dead_owner(name, host, lambda pid: True, space)  # running, started when it was named
    assert dead_owner(name, host, lambda pid: True, PidSpace("0123456789abcdef", lambda pid: "9999"))  # pid reused
    assert not dead_owner(name, host, lambda pid: True, PidSpace("0123456789abcdef", lambda pid: None))  # cannot tell
    assert dead_owner(name, host, lambda pid: False, space)


def test_off_linux_the_name_is_host_and_pid_as_before() -> None:
    assert owner_name("mac", 12, PidSpace(None, lambda pid: "1")) == "mac:12"
