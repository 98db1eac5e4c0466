"""Files written whole (`scan --output-file`, `baseline create`, exports): what a whole-file write must not do
besides tearing a file (tests/chaos/test_kill_mid_write.py covers kills). The real CLI in its own process on
real files: a link planted at the temporary name is never written through, a 0600 file stays 0600, a target
that is a link keeps its link, and writers racing on one target each leave a whole version. ADR 0532.
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PLAN = REPO / "tests/data/plans/corpus/tfcompliance__test_issue-438.json"


def tfreview(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_a_link_planted_at_the_temporary_name_is_not_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("someone else's file\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".r.json.tmp").symlink_to(victim)
    done = tfreview("scan", str(PLAN), "--soft-fail", "-o", "json", "--output-file", str(out / "r.json"))
    assert done.returncode == 0, done.stderr
    assert victim.read_text() == "someone else's file\n"
    assert not (out / "r.json").is_symlink()
    assert json.loads((out / "r.json").read_text())["tool"]["name"] == "tfreview"
    assert sorted(p.name for p in out.iterdir()) == ["r.json"]


def test_a_file_kept_private_stays_private_when_rewritten(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text("{}\n")
    baseline.chmod(0o600)
    done = tfreview("baseline", "create", str(PLAN), "-f", str(baseline))
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(baseline.stat().st_mode) == 0o600
    assert json.loads(baseline.read_text())["findings"]


def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path: Path) -> None:
    report = tmp_path / "r.md"
    done = subprocess.run(
        ["sh", "-c", 'umask 027 && exec "$0" -m tfreview scan "$1" --soft-fail -o markdown --output-file "$2"',
         sys.executable, str(PLAN), str(report)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(report.stat().st_mode) == 0o640


def test_a_target_that_is_a_link_keeps_its_link(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "baseline.json").write_text("{}\n")
    link = tmp_path / "baseline.json"
    link.symlink_to(shared / "baseline.json")
    done = tfreview("baseline", "create", str(PLAN), "-f", str(link))
    assert done.returncode == 0, done.stderr
    assert link.is_symlink()
    assert json.loads((shared / "baseline.json").read_text())["findings"]
    assert sorted(p.name for p in shared.iterdir()) == ["baseline.json"]


WRITER = """
import sys
from pathlib import Path
from tfreview.plumbing.whole_files import write_whole
target, letter, size, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for _ in range(rounds):
    write_whole(target, letter * size)
"""


def test_writers_racing_on_one_target_each_leave_a_whole_version(tmp_path: Path) -> None:
    """Two processes rewrite one file over and over, of different lengths; a reader sees only whole versions."""
    target = tmp_path / "report.txt"
    target.write_text("a" * 10)
    sizes = {"a": 1 << 20, "b": 1 << 10}
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(target), letter, str(size), "150"], stderr=subprocess.PIPE)
        for letter, size in sizes.items()
    ]
    seen: set[tuple[str, int]] = set()
    while any(writer.poll() is None for writer in writers):
        text = target.read_text()
        seen.add((text[:1], len(text)) if len(set(text)) == 1 else ("torn", len(text)))
    for writer in writers:
        _, stderr = writer.communicate(timeout=120)
        assert writer.returncode == 0, stderr.decode()
    final = target.read_text()
    seen.add((final[:1], len(final)) if len(set(final)) == 1 else ("torn", len(final)))
    assert seen <= {("a", 10), ("a", sizes["a"]), ("b", sizes["b"])}, seen
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


HOLDER = """
import fcntl, os, signal, sys
descriptor = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o600)
os.write(descriptor, b"half of a write")
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("locked", flush=True)
os.kill(os.getpid(), signal.SIGSTOP)
"""


def _stopped_holder(temporary: Path) -> subprocess.Popen[str]:
    """A writer of `temporary` stopped (SIGSTOP) while it holds the whole-file lock, as write_whole takes it."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(temporary)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    assert holder.stdout.readline() == "locked\n"
    return holder


def _end(holder: subprocess.Popen[str]) -> None:
    holder.kill()  # SIGKILL reaches a stopped process; its flock goes with its descriptors
    holder.communicate(timeout=30)


def test_a_writer_stopped_while_it_holds_the_lock_does_not_block_the_others_for_ever(tmp_path: Path) -> None:
    """ADR 0542: the lock is waited for a bounded time, then the write fails with a message, the file unchanged."""
    from tfreview.core.errors import InputError
    from tfreview.plumbing.whole_files import write_whole

    target = tmp_path / "manifest.json"
    target.write_text("old\n")
    holder = _stopped_holder(tmp_path / ".manifest.json.tmp")
    try:
        try:
            write_whole(target, "new\n", lock_wait=0.2)
        except InputError as exc:
            message = str(exc)
        else:
            raise AssertionError("the write went through a lock another writer holds")
        assert "held .manifest.json.tmp locked" in message, message
        assert "stopped or hung" in message, message
        assert message.startswith(str(target)), message
        assert target.read_text() == "old\n"
    finally:
        _end(holder)
    write_whole(target, "new\n", lock_wait=0.2)  # the holder gone, its lock went with it
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json"]


def test_a_writer_waiting_for_the_lock_writes_once_the_holder_lets_go(tmp_path: Path) -> None:
    """The bound is a wait, not a refusal: a holder that resumes and finishes lets the waiting writer through."""
    import threading

    from tfreview.plumbing.whole_files import write_whole

    target = tmp_path / "r.json"
    holder = _stopped_holder(tmp_path / ".r.json.tmp")
    errors: list[BaseException] = []

    def write() -> None:
        try:
            write_whole(target, "waited\n", lock_wait=120)
        except BaseException as exc:
            errors.append(exc)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert writer.is_alive()
    finally:
        _end(holder)
    writer.join(timeout=120)
    assert not writer.is_alive()
    assert errors == []
    assert target.read_text() == "waited\n"
