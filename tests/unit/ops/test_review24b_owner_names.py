"""Outbox sender names on a host whose name is near the stores' column length (review24b): every sender of one host
names the host the same way, whatever its pid and start time, so each knows the others' claims for its host's."""

from __future__ import annotations

from tfreview.ops.notify.outbox import OWNER_LENGTH, PidSpace, dead_owner, owner_name

SPACE = "0123456789abcdef"


def test_senders_of_one_long_host_name_it_alike_whatever_their_pid_and_start() -> None:
    for length in (120, 140, 150, 160, 180, 199, 200, 260):
        host = "h" * length
        first = owner_name(host, 7, PidSpace(SPACE, lambda pid: "5"))
        # pid_max is 4194304; a start in clock ticks grows with the uptime
        later = owner_name(host, 4_194_304, PidSpace(SPACE, lambda pid: "18446744073709551615"))
        assert len(first) <= OWNER_LENGTH
        assert len(later) <= OWNER_LENGTH
        assert first.rpartition(":")[0] == later.rpartition(":")[0], length
        # the later sender, its pid gone, is known dead by the first: its claims are released at once
        gone = later.replace(":4194304;", ":999999;")
        assert dead_owner(gone, first.rpartition(":")[0], lambda pid: False, PidSpace(SPACE, lambda pid: None))


def test_a_host_name_holding_the_separators_reads_back() -> None:
    for host in ("a:b", "a;b", "x;pidns=deadbeef;start=1:2", "é" * 190):
        name = owner_name(host, 42, PidSpace(SPACE, lambda pid: "777"))
        here = name.rpartition(":")[0]
        assert not dead_owner(name, here, lambda pid: True, PidSpace(SPACE, lambda pid: "777")), host  # alive
        assert dead_owner(name, here, lambda pid: False, PidSpace(SPACE, lambda pid: None)), host  # gone
        assert not dead_owner(name, here, lambda pid: False, PidSpace("f" * 16, lambda pid: None)), host  # elsewhere
