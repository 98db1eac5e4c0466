"""A review process imports tfreview from where its server found it (review24b): a server whose tfreview is on its
`sys.path` only — its working directory (`python -m tfreview` in a checkout), a wrapper's directory, a zipapp —
and not installed in its interpreter's site-packages. `multiprocessing`'s spawn set the parent's `sys.path` before
it imported anything; `python -P -m tfreview.worker.review_entry` looked the module up first, and every review
process ended at its start (ModuleNotFoundError), each review retried without end."""

from __future__ import annotations

import subprocess
import sysconfig
import venv
from pathlib import Path

import tfreview

SERVER = """
import pickle, sys
import tfreview
assert tfreview.__file__.startswith(sys.argv[1]), tfreview.__file__  # the server's tfreview: its working directory's
from tfreview.settings import Settings
from tfreview.worker.review_processes import ReviewProcess
child = ReviewProcess(pickle.dumps(Settings()))
child.stop()  # EOF on its pipe: a review process that started ends with 0
print(child.process.exitcode)
"""


def test_a_server_whose_tfreview_is_its_working_directorys_starts_review_processes_that_run(tmp_path: Path) -> None:
    # an interpreter with tfreview's dependencies but not tfreview: a venv whose site-packages points at this one's
    # (a .pth line is a plain directory: this venv's own .pth files, tfreview's editable install among them, are not
    # read there)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "tfreview").symlink_to(Path(tfreview.__file__).parent)
    alone = subprocess.run([python, "-c", "import tfreview"], cwd=tmp_path, capture_output=True, check=False)
    assert alone.returncode == 1  # not installed there

    ran = subprocess.run(
        [python, "-c", SERVER, str(checkout)], cwd=checkout, capture_output=True, text=True, check=False
    )
    assert "ModuleNotFoundError" not in ran.stderr
    assert "Traceback" not in ran.stderr
    assert ran.stdout.split() == ["0"], ran.stderr
