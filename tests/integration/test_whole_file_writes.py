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
