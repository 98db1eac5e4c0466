"""`python -m tfreview.rules`: write the rule library's index (`rules.library_index`) now, whatever
PYTHONDONTWRITEBYTECODE says, as `python -m compileall` writes bytecode (an image build, a benchmark)."""

from __future__ import annotations

import sys

from tfreview.rules import build_index


def main() -> int:
    written = build_index()
    if written is None:
        print("the rule library's index could not be written (a read-only install?)", file=sys.stderr)
        return 1
    print(written)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
