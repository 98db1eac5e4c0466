"""`scrub_text` on hostile 5 MB values aimed at the Authorization-header secret shape (S2, review15a): whitespace
runs after the header name, the name repeated, a scheme followed by a huge lowercase run. Prints seconds per case.

    python benchmarks/authorization_shape_scrub.py [--size 5000000]

Run it with `PYTHONPATH=<an older tree>/src` to compare (e.g. a worktree of 985b724e, before the shape existed).
"""

from __future__ import annotations

import argparse
import time

from tfreview.core.redact import scrub_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5_000_000)
    size = parser.parse_args().size
    cases = {
        "Authorization: + spaces": "Authorization: " + " " * size,
        "Authorization: Bearer + spaces": "Authorization: Bearer" + " " * size,
        "Authorization: repeated": "Authorization:" * (size // 14),
        "Authorization: Bearer + lowercase run": "Authorization: Bearer " + "a" * size,
        "control: password= + spaces": "password=x " + " " * size,
    }
    for name, text in cases.items():
        begun = time.perf_counter()
        scrub_text(text)
        print(f"{name:40} {time.perf_counter() - begun:6.2f} s")


if __name__ == "__main__":
    main()
