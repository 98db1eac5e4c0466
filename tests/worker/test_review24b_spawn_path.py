"""A review process imports tfreview from where its server found it (review24b): a server whose tfreview is on its
`sys.path` only — its working directory (`python -m tfreview` in a checkout), a wrapper's directory, a zipapp —
and not installed in its interpreter's site-packages. `multiprocessing`'s spawn set the parent's `sys.path` before
it imported anything; `python -P -m tfreview.worker.review_entry` looked the module up first, and every review
process ended at its start (ModuleNotFoundError), each review retried without end."""

from __future__ import annotations

import subprocess
import sys
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
child.connection.close()  # EOF on its pipe: a review process that started ends with 0; waited for, not `stop()`'s
child.process.join(120)  # 2 s before a kill, which a loaded machine's interpreter start can outlast (-9, not 0)
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


def test_a_review_process_runs_with_the_servers_site_bytes_utf8_and_digits_options() -> None:
    """What `multiprocessing`'s spawn repeated and `interpreter_options` did not: `-S` (no `site`: no
    `sitecustomize`, no `.pth` file runs in a review process of a server started without them), `-b`, `-X utf8` (the
    encoding of every file opened without one) and `-X int_max_str_digits` (the longest integer a plan's JSON may
    hold). The server here finds tfreview through PYTHONPATH, `site` being off."""
    import os

    flags = "(sys.flags.no_site, sys.flags.bytes_warning, sys.flags.utf8_mode, sys.flags.int_max_str_digits)"
    server = (
        "import subprocess, sys\n"
        "from tfreview.worker.review_spawn import interpreter_options\n"
        f"print(repr({flags}))\n"
        f"child = [sys.executable, *interpreter_options(), '-P', '-c', 'import sys; print(repr({flags}))']\n"
        "print(subprocess.run(child, capture_output=True, text=True, check=True).stdout, end='')\n"
    )
    path = os.pathsep.join([str(Path(tfreview.__file__).parents[1]), sysconfig.get_paths()["purelib"]])
    command = [sys.executable, "-S", "-b", "-X", "utf8", "-X", "int_max_str_digits=0", "-c", server]
    environment = {**os.environ, "PYTHONPATH": path}
    environment.pop("PYTHONINTMAXSTRDIGITS", None)
    environment.pop("PYTHONUTF8", None)
    ran = subprocess.run(command, capture_output=True, text=True, check=False, env=environment)
    assert ran.returncode == 0, ran.stderr
    own, childs = ran.stdout.splitlines()
    assert own == "(1, 1, 1, 0)"
    assert childs == own
