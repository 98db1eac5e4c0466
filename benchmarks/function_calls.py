"""Which Terraform functions real trees call that HCL mode does not evaluate (issue 12; ADR 0748, 0758).

Counts `name(` calls in the `.tf` files under each folder given (default: the shared fixtures' HCL and
benchmarks/heldout), comments left out, less the functions `hcl_functions.EVALUATED` and the type constructors
(`object`, `map`, `optional`, …). Two counts per function: every call, and the calls inside `resource`, `locals` and
`module` blocks (where the values rules judge are written). The source tree first on `sys.path` decides what is
evaluated: run it with a base tree's `PYTHONPATH` for the "before" list.

    .venv/bin/python benchmarks/function_calls.py --top 20
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = [HERE.parent.parent / "shared" / "fixtures" / "hcl", HERE / "heldout"]
_CALL = re.compile(r"\b([a-z_][a-z0-9_]*)\(")
_BLOCK = re.compile(r"(resource|data|locals|variable|output|module|provider|terraform)\b")
_TYPES = frozenset({"object", "map", "optional", "set", "list", "tuple", "any", "string", "number", "bool"})


def count(folders: list[Path], evaluated: frozenset[str]) -> tuple[Counter[str], Counter[str]]:
    every: Counter[str] = Counter()
    judged: Counter[str] = Counter()
    for folder in folders:
        for path in sorted(folder.rglob("*.tf")):
            depth, block = 0, None
            for line in path.read_text(errors="replace").splitlines():
                text = line.strip()
                if depth == 0:
                    match = _BLOCK.match(text)
                    block = match.group(1) if match else None
                if not text.startswith(("#", "//")):
                    for name in _CALL.findall(text):
                        if name in evaluated or name in _TYPES:
                            continue
                        every[name] += 1
                        judged[name] += block in ("resource", "locals", "module")
                depth = max(depth + line.count("{") - line.count("}"), 0)
    return every, judged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    from tfreview.parsing import hcl_functions

    # a tree before session 25 has no EVALUATED: its table of functions is the same thing
    evaluated = getattr(hcl_functions, "EVALUATED", None) or frozenset(hcl_functions._FUNCTIONS) | {"try", "can"}
    every, judged = count(args.folders, evaluated)
    print("function  calls  in resource/locals/module")
    for name, calls in every.most_common(args.top):
        print(f"{name:<18}{calls:>6}{judged[name]:>8}")


if __name__ == "__main__":
    main()
