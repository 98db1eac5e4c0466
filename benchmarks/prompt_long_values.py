"""Prompt building over long attribute values (ADR 0539): five resources whose 2 MB `user_data` changes in its
last character. Prints the seconds `build_context` + `build_prompt` take and the `user_data` line the model reads.

    python benchmarks/prompt_long_values.py [--size 2000000] [--resources 5]

Run it with `PYTHONPATH=<an older tree>/src` to compare with that tree's builder.
"""

from __future__ import annotations

import argparse
import random
import string
import time

from tfreview.advisor.context import build_context
from tfreview.advisor.prompt import build_prompt
from tfreview.core.plan import Coverage
from tfreview.core.ports import AdviceContext
from tfreview.parsing.plan_json import plan_from_document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2_000_000)
    parser.add_argument("--resources", type=int, default=5)
    args = parser.parse_args()
    rnd = random.Random(1)
    big = "".join(rnd.choice(string.ascii_letters + " =/\n") for _ in range(args.size))
    changes = [
        {
            "address": f"aws_instance.a{i}",
            "mode": "managed",
            "type": "aws_instance",
            "name": f"a{i}",
            "change": {
                "actions": ["update"],
                "before": {"user_data": big, "password": "hunter2hunter2"},
                "after": {"user_data": big + "x", "password": "hunter2hunter2"},
                "after_unknown": {},
                "before_sensitive": {"password": True},
                "after_sensitive": {"password": True},
            },
        }
        for i in range(args.resources)
    ]
    change_set = plan_from_document({"format_version": "1.2", "resource_changes": changes}, "long-values.json")
    started = time.perf_counter()
    built = build_prompt(
        build_context(AdviceContext(change_set, (), Coverage())), max_input_tokens=12_000, max_output_tokens=1_500
    )
    took = time.perf_counter() - started
    lines = [line for line in built.prompt.user.splitlines() if "user_data" in line]
    print(f"build {took:.2f} s, {built.estimated_tokens} tokens; user_data lines: {len(lines)}")
    print(lines[0][:200] if lines else "(no user_data line: the change is not shown)")


if __name__ == "__main__":
    main()
