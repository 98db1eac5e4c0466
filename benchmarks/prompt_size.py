"""Prompt size: what tfreview sends a model, against the naive "send the plan JSON" prompt (`make bench`).

For every fixture plan (tests/data/plans/corpus) and for generated plans of 1k, 10k and 50k
resource changes (benchmarks/generate_plan.py), it builds
  * the naive prompt: a one-line instruction and the plan JSON as Terraform writes it (compact),
  * tfreview's prompt: the plan read into a ChangeSet, the rules run, and the advisor's context and
    prompt builder applied under the token budget (`--max-input-tokens`, the settings' default),
and prints characters and estimated tokens (UTF-8 bytes / 4, rounded up) of both, and the ratio.
Targets: at most 10 % of naive on plans of more than 100 resources, and never over the budget.
It exits 1 when a target is missed and writes benchmarks/out/prompt_size.md.

The builder is a plain function (`PromptBuilder`): swap it with `--builder module:function` to
measure another strategy.

    python benchmarks/prompt_size.py [--sizes 1000 10000 50000] [--max-input-tokens 12000]
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
CORPUS = ROOT / "tests" / "data" / "plans" / "corpus"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

from generate_plan import generate  # noqa: E402  (the generator lives beside this script)

DEFAULT_MAX_INPUT_TOKENS = 12_000  # AdvisorSettings.max_input_tokens
LARGE = 100  # resources: from here on the 10 % target applies
TARGET_RATIO = 0.10
NAIVE_INSTRUCTION = "Review this Terraform plan. Point out risky changes and security problems.\n\n"

PromptBuilder = Callable[[dict[str, Any], int], str]  # (plan document, max input tokens) -> the whole prompt text


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text.encode("utf-8")) / 4)


def naive_prompt(document: dict[str, Any]) -> str:
    return NAIVE_INSTRUCTION + json.dumps(document, separators=(",", ":"))


def tfreview_prompt(document: dict[str, Any], max_input_tokens: int) -> str:
    """The advisor's own prompt: parse, rules, redacted context, budgeted prompt (system + user)."""
    from tfreview.advisor.context import build_context
    from tfreview.advisor.prompt import build_prompt
    from tfreview.core.policy import Policy
    from tfreview.core.ports import AdviceContext
    from tfreview.core.review import review
    from tfreview.parsing.plan_json import plan_from_document
    from tfreview.rules import load_rules

    change_set = plan_from_document(document, "plan.json")
    result = review(change_set, load_rules(), Policy())
    context = build_context(AdviceContext(change_set, tuple(result.findings), result.coverage))
    built = build_prompt(context, max_input_tokens=max_input_tokens)
    return built.prompt.system + "\n" + built.prompt.user


@dataclass(frozen=True)
class Measure:
    name: str
    resources: int
    naive_chars: int
    naive_tokens: int
    prompt_chars: int
    prompt_tokens: int
    seconds: float

    @property
    def ratio(self) -> float:
        return self.prompt_tokens / self.naive_tokens if self.naive_tokens else 0.0

    def misses(self, max_input_tokens: int) -> list[str]:
        missed = []
        if self.prompt_tokens > max_input_tokens:
            missed.append(f"over the budget ({self.prompt_tokens:,} > {max_input_tokens:,} tokens)")
        if self.resources > LARGE and self.ratio > TARGET_RATIO:
            missed.append(f"{self.ratio:.1%} of naive (target ≤ {TARGET_RATIO:.0%})")
        return missed


def measure(name: str, document: dict[str, Any], builder: PromptBuilder, max_input_tokens: int) -> Measure:
    naive = naive_prompt(document)
    started = time.perf_counter()
    prompt = builder(document, max_input_tokens)
    seconds = time.perf_counter() - started
    return Measure(
        name,
        len(document.get("resource_changes") or ()),
        len(naive),
        estimate_tokens(naive),
        len(prompt),
        estimate_tokens(prompt),
        seconds,
    )


def plans(sizes: list[int], corpus: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted(corpus.glob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            continue
        if isinstance(document, dict) and "resource_changes" in document:
            yield path.stem, document
    for size in sizes:
        document, _ = generate(size)
        yield f"generated {size:,}", document


def table(measures: list[Measure], max_input_tokens: int) -> str:
    lines = [
        f"Prompt size, tfreview vs the plan JSON (budget {max_input_tokens:,} tokens; tokens = UTF-8 bytes / 4)",
        "",
        "| plan | resources | naive chars | naive tokens | tfreview chars | tfreview tokens | ratio | build s | |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for m in measures:
        verdict = "; ".join(m.misses(max_input_tokens)) or "ok"
        lines.append(
            f"| {m.name} | {m.resources:,} | {m.naive_chars:,} | {m.naive_tokens:,} | {m.prompt_chars:,} "
            f"| {m.prompt_tokens:,} | {m.ratio:.1%} | {m.seconds:.2f} | {verdict} |"
        )
    large = [m for m in measures if m.resources > LARGE]
    if large:
        worst = max(large, key=lambda m: m.ratio)
        lines += ["", f"plans over {LARGE} resources: worst ratio {worst.ratio:.2%} ({worst.name})"]
    return "\n".join(lines)


def load_builder(spec: str | None) -> PromptBuilder:
    if not spec:
        return tfreview_prompt
    module, _, function = spec.partition(":")
    builder: PromptBuilder = getattr(importlib.import_module(module), function)
    return builder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 50_000])
    parser.add_argument("--max-input-tokens", type=int, default=DEFAULT_MAX_INPUT_TOKENS)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--builder", help="module:function building the prompt (default: tfreview's)")
    parser.add_argument("--out", type=Path, default=OUT / "prompt_size.md")
    args = parser.parse_args(argv)
    builder = load_builder(args.builder)
    measures = [measure(name, doc, builder, args.max_input_tokens) for name, doc in plans(args.sizes, args.corpus)]
    report = table(measures, args.max_input_tokens)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report + "\n", encoding="utf-8")
    missed = [m for m in measures if m.misses(args.max_input_tokens)]
    if missed:
        print(f"\n{len(missed)} plan(s) missed a target", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
