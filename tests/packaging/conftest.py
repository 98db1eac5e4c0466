"""The built distributions (`python -m build`: the sdist, then the wheel from the sdist), once per test run.

Built into a directory shared by the xdist workers, under a file lock: the first worker builds, the
others wait and reuse. The build's isolated environment is made with uv (`--installer uv`), from
uv's local cache when it has the build requirements.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Distributions:
    wheel: Path
    sdist: Path


@pytest.fixture(scope="session")
def distributions(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Distributions:
    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    out = shared / "dist"
    with FileLock(str(shared / "dist.lock")):
        if not list(out.glob("*.whl")):
            env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
            result = subprocess.run(
                [sys.executable, "-m", "build", "--installer", "uv", "--outdir", str(out), str(ROOT)],
                capture_output=True,
                text=True,
                timeout=600,
                env=env,
                check=False,
            )
            assert result.returncode == 0, result.stdout + result.stderr
    wheels, sdists = list(out.glob("tfreview-*.whl")), list(out.glob("tfreview-*.tar.gz"))
    assert len(wheels) == 1
    assert len(sdists) == 1
    return Distributions(wheel=wheels[0], sdist=sdists[0])
