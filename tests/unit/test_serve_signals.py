"""`tfreview serve`'s SIGINT/SIGTERM handler, given a second signal while it handles the first.

`timeout`, a container runtime or a supervisor may signal the process and then its whole group: two SIGTERMs
microseconds apart. The second one ran the handler again inside the first one's `threading.Event.set()`, which
waited for the lock its own thread held: serve never stopped (seen from the outside: `timeout 120 tfreview serve`
killed early, then SIGTERM again, hung until SIGKILL; py-spy showed handle → Event.set → handle → Event.set)."""

from __future__ import annotations

import signal
import threading

from tfreview.serving import _stop_on_signals


class _Server:
    def __init__(self) -> None:
        self.stops = 0

    def stop(self) -> None:
        self.stops += 1


class _SignalInsideSet(threading.Event):
    """An Event whose first `set()` is interrupted by a second SIGTERM where the real one holds its lock."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.reentered = False

    def set(self) -> None:
        self.depth += 1
        try:
            if self.depth > 1:
                self.reentered = True  # the real Event.set would block here for ever on its own lock
                return
            signal.raise_signal(signal.SIGTERM)  # the handler runs at the next bytecode, inside this set()
            super().set()
        finally:
            self.depth -= 1


def test_a_second_sigterm_while_the_first_is_handled_does_not_reenter_the_stop_event() -> None:
    server = _Server()
    stop = _SignalInsideSet()
    with _stop_on_signals(server, stop):  # type: ignore[arg-type]
        signal.raise_signal(signal.SIGTERM)
        assert stop.is_set()
    assert not stop.reentered
    assert server.stops == 2  # each signal still asks uvicorn to exit
    assert signal.getsignal(signal.SIGTERM) is not None


def test_a_second_sigterm_while_the_first_is_handled_does_not_reenter_the_worker_stop_event() -> None:
    from tfreview.worker.process import _restore_signals
    from tfreview.worker.process import _stop_on_signals as worker_stop_on_signals

    stop = _SignalInsideSet()
    previous = worker_stop_on_signals(stop)
    try:
        signal.raise_signal(signal.SIGTERM)
        assert stop.is_set()
    finally:
        _restore_signals(previous)
    assert not stop.reentered


class _HangupInsideSet(_SignalInsideSet):
    def set(self) -> None:
        self.depth += 1
        try:
            if self.depth > 1:
                self.reentered = True
                return
            signal.raise_signal(signal.SIGHUP)
            threading.Event.set(self)
        finally:
            self.depth -= 1


def test_a_second_sighup_while_the_first_is_handled_does_not_reenter_the_reload_event() -> None:
    from tfreview.ops.metrics import PrometheusRecorder
    from tfreview.service.secret_reload import start_reloading
    from tfreview.settings import Settings

    previous = signal.getsignal(signal.SIGHUP)
    stop = threading.Event()
    reloader, thread = start_reloading(Settings(), Settings, PrometheusRecorder(), stop)
    asked = _HangupInsideSet()
    reloader._asked = asked  # the Event SIGHUP sets, where a second SIGHUP lands inside set()
    try:
        signal.raise_signal(signal.SIGHUP)
        assert asked.is_set()
        assert not asked.reentered
    finally:
        stop.set()
        thread.join()
        signal.signal(signal.SIGHUP, previous)
