"""The cyclic collector while a service process starts (ADR 0752): off through the start-up of `serve`, `worker` and
the one-shot commands, so no pass walks the heap the imports grow; on again once a long-running process is built
(after its one full collection and the freeze, ADR 0450/0474). Real processes: a `sitecustomize` on their PYTHONPATH
counts every collector pass (`gc.callbacks`) and reports, from inside the process, what it saw."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.integration.served import START_SECONDS, child_env, serving, stop

PROBE = """
import atexit, gc, json, os, sys, threading, time

_REPORTS = os.environ.get("TFREVIEW_TEST_GC_REPORTS")
_PASSES = []  # of each collector pass: generation, whether the start-up heap was frozen, whether a command ran
_CLI = os.path.join("tfreview", "cli.py")


def _in_command():  # inside `tfreview.cli._run`, which runs the command (a one-shot's import, work and answer)
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "_run" and frame.f_code.co_filename.endswith(_CLI):
            return True
        frame = frame.f_back
    return False


def _count(phase, info):
    if phase == "start":
        _PASSES.append((info["generation"], gc.get_freeze_count() > 0, _in_command()))


def _report(name, **extra):
    path = os.path.join(_REPORTS, f"{os.getpid()}-{name}.json")
    with open(path + ".part", "w") as out:
        json.dump({"passes": list(_PASSES), **extra}, out)
    os.replace(path + ".part", path)


def _once_built():  # the moment the process froze its start-up heap and collects again
    while not (gc.get_freeze_count() and gc.isenabled()):
        time.sleep(0.01)
    _report("built")


if _REPORTS:  # the review processes a worker spawns run without this variable: nothing there
    gc.callbacks.append(_count)
    threading.Thread(target=_once_built, daemon=True).start()
    atexit.register(lambda: _report("exit", collecting=gc.isenabled()))
"""


def _probed(tmp_path: Path) -> tuple[dict[str, str], Path]:
    probe = tmp_path / "probe"
    probe.mkdir()
    (probe / "sitecustomize.py").write_text(PROBE)
    reports = tmp_path / "reports"
    reports.mkdir()
    path = os.pathsep.join(filter(None, [str(probe), os.environ.get("PYTHONPATH")]))
    return child_env(PYTHONPATH=path, TFREVIEW_TEST_GC_REPORTS=str(reports)), reports


def _report(reports: Path, pid: int, name: str) -> dict[str, object]:
    path = reports / f"{pid}-{name}.json"
    deadline = time.monotonic() + START_SECONDS  # a bound for a loaded machine, not a threshold
    while not path.exists():
        assert time.monotonic() < deadline, f"process {pid} wrote no {name!r} report: {sorted(reports.iterdir())}"
        time.sleep(0.05)
    found: dict[str, object] = json.loads(path.read_text())
    return found


def _before_freeze(report: dict[str, object]) -> list[int]:
    passes = report["passes"]
    assert isinstance(passes, list)
    return [generation for generation, frozen, _ in passes if not frozen]


def test_serve_starts_without_a_collector_pass_then_collects(tmp_path: Path) -> None:
    env, reports = _probed(tmp_path)
    with serving(tmp_path / "data", env=env) as served:
        built = _report(reports, served.process.pid, "built")
    # one pass before the freeze: the full collection that frees the start-up's garbage (ADR 0474), none walking
    # the imports (hundreds of young passes and a few full ones before ADR 0752)
    assert _before_freeze(built) == [2]
    assert served.process.returncode == 0, served.log()


def test_a_worker_starts_without_a_collector_pass_then_freezes_and_collects(tmp_path: Path) -> None:
    env, reports = _probed(tmp_path)
    data = tmp_path / "data"
    log = tmp_path / "worker.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "tfreview", "worker", "--data-dir", str(data)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            text=True,
        )
    try:
        built = _report(reports, process.pid, "built")  # before ADR 0752 a worker froze nothing: no report
    finally:
        stop(process)
    assert _before_freeze(built) == [2]
    assert process.returncode == 0, log.read_text()


def test_a_one_shot_command_runs_without_a_collector_pass_and_keeps_its_answer(tmp_path: Path) -> None:
    env, reports = _probed(tmp_path)
    url = f"sqlite:///{tmp_path / 'tfreview.db'}"
    for _ in range(2):  # the first makes the database (Alembic), the second finds it at the head
        ran = subprocess.run(
            [sys.executable, "-m", "tfreview", "db", "upgrade"],
            env={**env, "TFREVIEW_DATABASE__URL": url},
            capture_output=True,
            text=True,
            timeout=START_SECONDS,
            check=False,
        )
        assert (ran.returncode, ran.stdout, ran.stderr) == (0, f"database schema is up to date ({url})\n", "")
    bad = subprocess.run(
        [sys.executable, "-m", "tfreview", "tokens", "list"],
        env={**env, "TFREVIEW_DATABASE__URL": url, "TFREVIEW_DATABASE__BUSY_TIMEOUT_MS": "10"},
        capture_output=True,
        text=True,
        timeout=START_SECONDS,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("tfreview: error: invalid settings: TFREVIEW_DATABASE__BUSY_TIMEOUT_MS"), bad.stderr
    exits = sorted(reports.glob("*-exit.json"))
    assert len(exits) == 3
    for path in exits:
        report = json.loads(path.read_text())
        assert [p for p in report["passes"] if p[2]] == [], path.name  # while the command ran: hundreds before
        assert report["collecting"] is True  # on again once the command returned
