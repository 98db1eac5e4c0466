"""The wheel and the sdist: what they hold, and that the wheel installs with each extra and runs.

Each extra is installed from the built wheel into a clean virtualenv (uv, from its local cache), and
the installed `tfreview` runs there: `--version`, a review of the bundled plan, the schema migration
on SQLite (the packaged Alembic files), and with `[postgres]` the migration on a real PostgreSQL
database when TFREVIEW_TEST_POSTGRES_URL is set.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import tfreview
from tests.packaging.conftest import ROOT, Distributions

pytestmark = pytest.mark.packaging

SRC = ROOT / "src" / "tfreview"
PLAN = ROOT / "examples" / "demo" / "plan.json"
BIN = Path(sys.executable).parent


def _uv() -> str:
    uv = shutil.which("uv", path=str(BIN)) or shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed (make test installs it into .venv)")
    return uv


def _run(*command: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("TFREVIEW_", "VIRTUAL_ENV"))}
    result = subprocess.run(
        [str(c) for c in command],
        capture_output=True,
        text=True,
        timeout=600,
        env={**environment, **(env or {})},
        cwd=cwd,
        check=False,
    )
    assert result.returncode in (0, 1), f"{command}: {result.stdout}{result.stderr}"
    return result.stdout


def _install(tmp_path: Path, requirement: str) -> Path:
    """A clean virtualenv with `requirement` installed; its bin directory."""
    venv = tmp_path / "venv"
    _run(_uv(), "venv", "--quiet", "--python", sys.executable, venv)
    _run(_uv(), "pip", "install", "--quiet", "--python", venv / "bin" / "python", requirement)
    return venv / "bin"


def test_the_wheel_holds_every_packaged_file_and_one_version(distributions: Distributions) -> None:
    with zipfile.ZipFile(distributions.wheel) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(f"tfreview-{tfreview.__version__}.dist-info/METADATA").decode()
    expected = {
        f"tfreview/{path.relative_to(SRC).as_posix()}"
        for path in SRC.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert expected - names == set()
    assert not any(name.startswith(("tests/", "benchmarks/")) for name in names)
    assert distributions.wheel.name == f"tfreview-{tfreview.__version__}-py3-none-any.whl"
    assert f"\nVersion: {tfreview.__version__}\n" in metadata
    for extra in ("postgres", "bedrock", "all"):
        assert f"Provides-Extra: {extra}" in metadata


def test_the_sdist_builds_the_same_package(distributions: Distributions) -> None:
    with tarfile.open(distributions.sdist) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"pyproject.toml", "README.md"} <= names
    expected = {
        f"src/tfreview/{path.relative_to(SRC).as_posix()}"
        for path in SRC.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert expected - names == set()


@pytest.fixture
def postgres_database() -> Iterator[str | None]:
    """A fresh empty PostgreSQL database (URL for the psycopg driver), or None without a server."""
    server = os.environ.get("TFREVIEW_TEST_POSTGRES_URL")
    if not server:
        yield None
        return
    import psycopg

    name = f"tfreview_pkg_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base, _, _ = server.rpartition("/")
        yield f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("extra", ["", "postgres", "bedrock", "all"])
def test_the_wheel_installs_with_each_extra_and_runs(
    tmp_path: Path, distributions: Distributions, extra: str, postgres_database: str | None
) -> None:
    requirement = f"{distributions.wheel}[{extra}]" if extra else str(distributions.wheel)
    bin_dir = _install(tmp_path, requirement)

    assert _run(bin_dir / "tfreview", "--version").strip() == f"tfreview {tfreview.__version__}"
    if extra in ("", "all"):  # a review (the packaged rules), and the packaged Alembic migrations on SQLite
        report = json.loads(_run(bin_dir / "tfreview", "scan", PLAN, "-o", "json", cwd=tmp_path))
        assert report["verdict"] == "fail"
        assert report["tool"]["version"] == tfreview.__version__
        _run(bin_dir / "tfreview", "db", "upgrade", "--data-dir", tmp_path / "data")
        assert (tmp_path / "data" / "tfreview.db").is_file()

    modules = {"": [], "postgres": ["psycopg"], "bedrock": ["boto3"], "all": ["psycopg", "boto3"]}[extra]
    for module in modules:
        _run(bin_dir / "python", "-c", f"import {module}")
    if extra in ("postgres", "all") and postgres_database is not None:
        _run(bin_dir / "tfreview", "db", "upgrade", env={"TFREVIEW_DATABASE__URL": postgres_database})
        import psycopg

        with psycopg.connect(postgres_database.replace("+psycopg", "", 1)) as connection:
            tables = {row[0] for row in connection.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")}
        assert "alembic_version" in tables
        assert "jobs" in tables
    if not extra:
        imported = _run(bin_dir / "python", "-c", "import importlib.util as u; print(u.find_spec('psycopg'))")
        assert imported.strip() == "None"  # the base install stays without the optional drivers
