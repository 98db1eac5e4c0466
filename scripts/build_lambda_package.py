"""Zip an installed tree (`pip install --target TREE ...`) as the AWS Lambda package, the rule library's index built in.

Lambda's /var/task is read-only: a function cannot write the index (`rules.library_index`, ADR 0290), so without
one built in, every cold start parses the library's TOML again. The index trusts an entry while its file's
modification time (ns) and size are what they were, and a zip keeps times to the even second; so, before the
index is written, every file of the tree gets one fixed time (`SOURCE_DATE_EPOCH`, else 2000-01-01 UTC), which
the zip holds exactly (its date and its Unix-time extra field) and an unzip that keeps times gives back. The
same tree gives the same zip, byte for byte.

The index is written by the tree's own tfreview (a copy of its `tfreview` folder, the rest imported from the
interpreter running this script: the tree's binary wheels may be for another platform) and named for the
functions' Python (`--python-version`, 3.12 as the runtime of deploy/aws), as that interpreter looks for it.

Left out of the zip: the distributions no Lambda handler imports (`LEFT_OUT`: httptools and uvloop, the HTTP
parser and event loop of `tfreview serve`, about 5 MB unzipped on arm64), every file their RECORD lists with it.

    .venv/bin/python scripts/build_lambda_package.py build/lambda tfreview-lambda.zip --python-version 3.12
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

_DEFAULT_EPOCH = 946_684_800  # 2000-01-01T00:00:00Z: an even second, within the zip format's 1980-2107
LEFT_OUT = ("httptools", "uvloop")  # `tfreview serve`'s parser and loop (serving.py): no handler runs a server
_INDEX = "from tfreview.rules import build_index\nwritten = build_index()\nprint(written or '')"


def _epoch() -> int:
    found = os.environ.get("SOURCE_DATE_EPOCH", "")
    epoch = int(found) if found.isdigit() else _DEFAULT_EPOCH
    return max(epoch - epoch % 2, 315_532_800)  # even seconds, not before 1980 (the zip format's first day)


def _files(tree: Path) -> list[Path]:
    return sorted(path for path in tree.rglob("*") if path.is_file())


def stamp(tree: Path, epoch: int) -> None:
    """Every file and folder of `tree` modified at `epoch` (s), as the zip will hold it; the bytecode that pip
    compiled for a source stays valid (its header names the source's time: it is moved along)."""
    for compiled in tree.rglob("__pycache__/*.pyc"):
        _restamp(compiled, epoch)
    for path in [tree, *tree.rglob("*")]:
        os.utime(path, ns=(epoch * 1_000_000_000, epoch * 1_000_000_000), follow_symlinks=False)


def _restamp(compiled: Path, epoch: int) -> None:
    """A timestamp-checked .pyc (PEP 552 flags 0) that matched its source's time now names `epoch`."""
    source = compiled.parent.parent / f"{compiled.name.split('.')[0]}.py"
    if not source.is_file():
        return
    with open(compiled, "r+b") as handle:
        header = handle.read(16)
        if len(header) < 16 or int.from_bytes(header[4:8], "little") != 0:
            return  # a hash-checked .pyc: the time is not in it
        if int.from_bytes(header[8:12], "little") != int(source.stat().st_mtime) & 0xFFFFFFFF:
            return  # stale already: Python compiles that module anyway
        handle.seek(8)
        handle.write((epoch & 0xFFFFFFFF).to_bytes(4, "little"))


def leave_out(tree: Path, names: tuple[str, ...]) -> list[str]:
    """Remove each installed distribution of `names` from `tree`: every file its RECORD lists (inside `tree`),
    then the folders that leaves empty; the `.dist-info` folders removed, sorted."""
    removed: list[str] = []
    root = tree.resolve()
    for name in names:
        for info in sorted(tree.glob(f"{name}-*.dist-info")):
            record = info / "RECORD"
            listed = record.read_text(encoding="utf-8").splitlines() if record.is_file() else []
            folders: set[Path] = set()
            for line in listed:
                target = (tree / line.rsplit(",", 2)[0]).resolve()
                if not line or not target.is_relative_to(root) or target == root:
                    continue  # a RECORD naming a file outside the tree (../bin/…): never touched
                if target.is_file() or target.is_symlink():
                    target.unlink()
                folders.update(
                    up for up in target.parents if up.is_relative_to(root) and up != root and up.name != "__pycache__"
                )
            shutil.rmtree(info, ignore_errors=True)
            for folder in sorted(folders, key=lambda path: len(path.parts), reverse=True):
                for place in (folder / "__pycache__", folder):
                    for compiled in place.glob("*.pyc") if place.name == "__pycache__" else ():
                        if not (folder / f"{compiled.name.split('.')[0]}.py").exists():
                            compiled.unlink()  # bytecode whose source was just removed (RECORD may not list it)
                    if place.is_dir() and not any(place.iterdir()):
                        place.rmdir()
            removed.append(info.name)
    return sorted(removed)


def write_index(tree: Path, python_version: str) -> Path:
    """Write the rule library's index of `tree/tfreview` for CPython `python_version` ("3.12"); its path."""
    rules = tree / "tfreview" / "rules"
    if not rules.is_dir():
        raise SystemExit(f"{tree} holds no tfreview/rules: install tfreview into it first (pip install --target)")
    with tempfile.TemporaryDirectory(prefix="tfreview-index-") as scratch:
        shutil.copytree(tree / "tfreview", Path(scratch) / "tfreview", ignore=shutil.ignore_patterns("__pycache__"))
        environment = {**os.environ, "PYTHONPATH": scratch, "PYTHONSAFEPATH": "1"}
        answer = subprocess.run(
            [sys.executable, "-c", _INDEX], env=environment, capture_output=True, text=True, check=False
        )
        if answer.returncode != 0 or not answer.stdout.strip():
            raise SystemExit(f"the rule library's index could not be written: {answer.stderr.strip()[-2000:]}")
        written = Path(answer.stdout.strip())
        if not written.is_relative_to(scratch):
            raise SystemExit(f"the index was written for another tfreview than the tree's: {written}")
        target = rules / "__pycache__" / f"library.cpython-{python_version.replace('.', '')}.json"
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(written, target)
    return target


def write_zip(tree: Path, out: Path, epoch: int) -> int:
    """Zip `tree` into `out`, entries sorted, times `epoch`, modes 644/755; the number of files."""
    moment = time.gmtime(epoch)[:6]
    extra = b"UT\x05\x00\x01" + epoch.to_bytes(4, "little")  # the Unix time, for unzips that read it
    files = _files(tree)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(tree).as_posix(), moment)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100755 if os.access(path, os.X_OK) else 0o100644) << 16
            info.extra = extra
            archive.writestr(info, path.read_bytes())
    return len(files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path, help="the folder pip installed tfreview into (--target)")
    parser.add_argument("out", type=Path, help="the zip to write (var.lambda_package_file)")
    parser.add_argument("--python-version", default="3.12", help="the functions' runtime (default: 3.12)")
    args = parser.parse_args()
    if not args.python_version.replace(".", "").isdigit() or args.python_version.count(".") != 1:
        parser.error(f"--python-version: {args.python_version!r} is not like 3.12")
    epoch = _epoch()
    gone = leave_out(args.tree, LEFT_OUT)
    stamp(args.tree, epoch)
    index = write_index(args.tree, args.python_version)
    stamp(args.tree, epoch)  # the index's folder and file too
    count = write_zip(args.tree, args.out, epoch)
    print(f"{args.out}: {count} files, the rule library's index at {index.relative_to(args.tree)}")
    if gone:
        print(f"left out (no Lambda handler imports them): {', '.join(gone)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
