"""CPU seconds to read every root module under a directory (`hcl.load_directory`), after five warm-up reads.

Run it once per source tree to compare two versions of the evaluator side by side, alternating them:

    .venv/bin/python benchmarks/hcl_read_cpu.py benchmarks/heldout
    PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=/tmp/main/src .venv/bin/python benchmarks/hcl_read_cpu.py benchmarks/heldout

(`git archive main src | tar -x -C /tmp/main` gives the other tree.) A root that does not read is skipped.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from tfreview.parsing.hcl import load_directory


def _read(root: Path) -> None:
    try:
        load_directory(root)
    except Exception:  # a root that does not read is not what is measured
        return


def main(directory: str) -> None:
    roots = sorted(path for path in Path(directory).iterdir() if path.is_dir())
    for root in roots[:5]:
        _read(root)
    begun = time.process_time()
    for root in roots:
        _read(root)
    print(f"{time.process_time() - begun:.2f}")


if __name__ == "__main__":
    main(sys.argv[1])
