"""`python -m tfreview.rules`: write the rule library's index (`rules.library_index`) and the records' compiled
methods (`plumbing.record_code`, ADR 0468) now, whatever PYTHONDONTWRITEBYTECODE says, as `python -m compileall`
writes bytecode (an image build, a benchmark)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tfreview.rules import build_index

# Run in a fresh interpreter: this one imported the engine (and defined its records) with the package
# `tfreview.rules`, before anything could keep what they compile.
_RECORDS = (
    "import sys\n"
    "from tfreview.plumbing.record_code import install\n"
    "records = install()\n"
    "from tfreview.rules.scan_records import define_scan_records\n"
    "define_scan_records()\n"
    "sys.exit(0 if records.save(force=True) else 1)\n"
)
# … and, in another, those of every module a service process may import, kept apart (ADR 0668)
_SERVICE_RECORDS = (
    "import sys\n"
    "from tfreview.plumbing.record_code import install\n"
    "records = install(service=True)\n"
    "from tfreview.service_records import define_service_records\n"
    "define_service_records()\n"
    "sys.exit(0 if records.save(force=True) else 1)\n"
)


def main() -> int:
    written = build_index()
    if written is None:
        print("the rule library's index could not be written (a read-only install?)", file=sys.stderr)
        return 1
    if not _write_records():
        print("the records' compiled methods could not be written (a read-only install?)", file=sys.stderr)
        return 1
    print(written)
    return 0


def _write_records() -> bool:
    """The compiled methods of every record a scan defines, and of every record a service process may define,
    written by fresh interpreters of this install."""
    root = str(Path(__file__).resolve().parent.parent.parent)  # the folder holding this `tfreview` package
    path = os.environ.get("PYTHONPATH")
    environment = {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}
    for script in (_RECORDS, _SERVICE_RECORDS):
        done = subprocess.run([sys.executable, "-c", script], env=environment, check=False)
        if done.returncode != 0:
            return False
    return True


if __name__ == "__main__":
    raise SystemExit(main())
