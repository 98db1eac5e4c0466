"""Removing a credential (and every 6+ character fragment of it) from a large upstream answer, as the model and
GitHub adapters do with what a provider sends back: seconds per key length over a 1 MB answer.

    .venv/bin/python benchmarks/credential_scrub.py [--before OLD_SECRET_REFERENCES_PY]

`--before` names an older copy of src/tfreview/plumbing/secret_references.py (e.g. from
`git show <commit>:src/tfreview/plumbing/secret_references.py > /tmp/old_refs.py`) to time side by side, in
the same run on the same text.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import time
from collections.abc import Callable
from pathlib import Path

from tfreview.plumbing.secret_references import _remove_fragments

ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
KEY_LENGTHS = (50, 164, 400)  # an OpenAI key is ~50 or ~164 characters; a session token several hundred
ANSWER_CHARS = 1_000_000  # the model adapters' answer cap


def _older(path: Path) -> Callable[[str, str], str]:
    spec = importlib.util.spec_from_file_location("older_secret_references", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"{path}: not a Python module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    function: Callable[[str, str], str] = module._remove_fragments
    return function


def _seconds(function: Callable[[str, str], str], text: str, key: str) -> float:
    start = time.perf_counter()
    function(text, key)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="an older secret_references.py to time side by side")
    args = parser.parse_args()
    rng = random.Random(1)
    text = "".join(rng.choice(ALPHABET) for _ in range(ANSWER_CHARS))
    before = _older(args.before) if args.before else None
    for length in KEY_LENGTHS:
        key = "".join(rng.choice(ALPHABET[:-1]) for _ in range(length))
        now = _seconds(_remove_fragments, text, key)
        then = f"before {_seconds(before, text, key):7.2f} s, " if before else ""
        print(f"key {length:>3} characters over a {ANSWER_CHARS:,}-character answer: {then}now {now:5.2f} s")


if __name__ == "__main__":
    main()
