"""The upload's review of the original (ADR 0595): `service.uploads.secret_findings` on a generated plan as
generated (some resources carry a sensitive mark: the rules of their types run) and with every mask stripped (the
`secrets` rules alone, as before ADR 0595).

    .venv/bin/python benchmarks/upload_sensitive_cost.py --size 10000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_plan import generate
from tfreview.parsing.plan_json import load_plan
from tfreview.service.uploads import masked_addresses, secret_findings


def _best(body: bytes, repeat: int) -> tuple[float, int]:
    times = []
    kept = 0
    for _ in range(repeat):
        start = time.perf_counter()
        kept = len(secret_findings(body, "plan_json"))
        times.append(time.perf_counter() - start)
    return min(times), kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    plan: dict[str, Any] = generate(args.size)[0]
    secret_findings(json.dumps(plan).encode(), "plan_json")  # warm: the rules imported once, as in a serving process
    for label in ("as generated", "masks stripped"):
        if label == "masks stripped":
            for entry in plan["resource_changes"]:
                entry["change"]["before_sensitive"] = entry["change"]["after_sensitive"] = {}
        body = json.dumps(plan).encode()
        masked = len(masked_addresses(load_plan(body, path="generated")))
        seconds, kept = _best(body, args.repeat)
        print(
            f"{label}: {len(body) / 1e6:.1f} MB, {masked} resources masked, {kept} findings kept, "
            f"best of {args.repeat}: {seconds:.2f} s"
        )


if __name__ == "__main__":
    main()
