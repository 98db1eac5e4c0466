"""The AWS Lambda package (scripts/build_lambda_package.py) carries the rule library's index, and a function
run from it (unzipped as Lambda unzips it into /var/task, read-only) never needs to write the index."""

from __future__ import annotations

import calendar
import compileall
import os
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_lambda_package.py"
DEMO_PLAN = ROOT / "examples" / "demo" / "plan.json"
TAG = f"cpython-{sys.version_info.major}{sys.version_info.minor}"
INDEX = f"tfreview/rules/__pycache__/library.{TAG}.json"
EPOCH = 1_700_000_000


def _package(tmp_path: Path, *installed: str) -> Path:
    """The zip of a tree as `pip install --target` leaves it (tfreview's sources, compiled, and the `installed`
    distributions of this interpreter, files and .dist-info as pip wrote them), built by the script."""
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "src" / "tfreview", tree / "tfreview", ignore=shutil.ignore_patterns("__pycache__"))
    for name in installed:
        found = metadata.distribution(name)
        for file in found.files or ():
            source = Path(str(found.locate_file(file)))
            if source.is_file() and not str(file).startswith(".."):
                (tree / file).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, tree / file)
    compileall.compile_dir(tree, quiet=1)  # pip compiles what it installs
    out = tmp_path / "tfreview-lambda.zip"
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    environment = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH)}
    subprocess.run(
        [sys.executable, str(SCRIPT), str(tree), str(out), "--python-version", version],
        env=environment,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out


def _unzip(package: Path, task: Path) -> None:
    """Unzipped keeping each entry's time, as an unzip that keeps times does (the zip's time is UTC)."""
    with zipfile.ZipFile(package) as archive:
        for info in archive.infolist():
            path = Path(archive.extract(info, task))
            moment = calendar.timegm((*info.date_time, 0, 0, 0))
            os.utime(path, (moment, moment))


def _run_from(task: Path, code: str) -> str:
    environment = {**os.environ, "PYTHONPATH": str(task), "PYTHONSAFEPATH": "1"}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)  # the index is written where bytecode is: let it be
    answer = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=300, check=False
    )
    assert answer.returncode == 0, answer.stderr[-2000:]
    return answer.stdout


def _state(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


SCAN = f"""
import tfreview, sys
assert tfreview.__file__.startswith({{task!r}}), tfreview.__file__
from tfreview.rules import load_rules
print(len(load_rules()))
from tfreview.cli import main
try:
    main(["scan", {str(DEMO_PLAN)!r}, "-o", "json", "--output-file", {{out!r}}])
except SystemExit as exit:
    assert exit.code in (0, 1, None), exit.code
"""


def test_the_package_holds_the_index_and_a_scan_from_it_does_not_write_it(tmp_path: Path) -> None:
    package = _package(tmp_path)
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        assert INDEX in names
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}  # SOURCE_DATE_EPOCH
    task = tmp_path / "task"
    _unzip(package, task)
    index = task / INDEX
    before = _state(index)
    rules = sorted((task / "tfreview" / "rules").rglob("*"))
    compiled = task / "tfreview" / "rules" / "__pycache__" / f"__init__.{TAG}.pyc"
    assert int.from_bytes(compiled.read_bytes()[8:12], "little") == EPOCH  # pip's bytecode still matches its source

    loaded = _run_from(task, SCAN.format(task=str(task), out=str(tmp_path / "report.json")))
    assert int(loaded.split()[0]) > 100
    assert (tmp_path / "report.json").read_text().startswith("{")
    assert _state(index) == before  # every entry held: nothing to add, nothing written
    assert sorted((task / "tfreview" / "rules").rglob("*")) == rules  # no temporary file, no other index

    # The check can fail: a rule file whose time is not the packaged one makes the scan rewrite the index.
    touched = task / "tfreview" / "rules" / "aws" / "cloudtrail_kms_encryption.py"
    os.utime(touched, (EPOCH + 3600, EPOCH + 3600))
    _run_from(task, SCAN.format(task=str(task), out=str(tmp_path / "report-2.json")))
    assert _state(index) != before


def test_a_tree_without_tfreview_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "tree").mkdir()
    answer = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "tree"), str(tmp_path / "out.zip")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert answer.returncode == 1
    assert "holds no tfreview/rules" in answer.stderr
    assert "Traceback" not in answer.stderr
    assert not (tmp_path / "out.zip").exists()


# a fresh interpreter where httptools and uvloop cannot be imported (as in the zip): every Lambda handler module
# imports, and neither is looked for by what they import
HANDLERS = """
import sys
class Absent:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('httptools', 'uvloop'):
            raise ImportError(name + ' is not in the package')
        return None
sys.meta_path.insert(0, Absent())
import tfreview
assert tfreview.__file__.startswith({task!r}), tfreview.__file__
import tfreview.lambda_handlers, tfreview.lambda_handlers.asgi, tfreview.lambda_handlers.sqs_batch
import tfreview.lambda_handlers.waf_sync, tfreview.lambda_handlers.alarm_values, tfreview.web.app
print('imported')
"""


def test_the_package_leaves_out_the_server_parser_and_loop_and_its_handlers_import_without_them(
    tmp_path: Path,
) -> None:
    package = _package(tmp_path, "httptools", "uvloop")
    with zipfile.ZipFile(package) as archive:
        top = {name.split("/")[0] for name in archive.namelist()}
    assert "tfreview" in top
    assert not [name for name in top if name.lower().startswith(("httptools", "uvloop"))], sorted(top)
    tree = tmp_path / "tree"
    assert not [path for path in tree.iterdir() if path.name.startswith(("httptools", "uvloop"))]
    task = tmp_path / "task"
    _unzip(package, task)
    assert _run_from(task, HANDLERS.format(task=str(task))).strip() == "imported"
