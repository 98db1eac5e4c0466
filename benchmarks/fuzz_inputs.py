"""The long fuzz run (ADR 0497): many mutated real plans and HCL trees through `tfreview scan`, in process.

tests/unit/test_scan_fuzz.py runs 42 plan cases as real processes (a minute); this runs thousands in one process
(`cli.main`, what the entry point calls) to find what the short run cannot. Plans: tests/plan_mutations.py. HCL:
a fixture's .tf file cut at a random offset or with one to four hostile tokens put in (brackets, heredoc and
template openers, 600 of a kind, `1e999`, a 5,000-digit number, NUL, a BOM, a lone surrogate), one case in five
with recursive locals, a 100,000-key for-expression and `count = 1e9` appended. A case is BAD when it ends in
exit 3 or an exception, writes a traceback, refuses in more than one line, or takes more than --slow seconds;
each bad input is kept under --keep. Prints the counts by exit code and the cases a second.

    .venv/bin/python benchmarks/fuzz_inputs.py --seed 1 --plans 2000 --hcl 1000
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from tests.plan_mutations import cases  # noqa: E402

from tfreview.cli import main as tfreview  # noqa: E402
from tfreview.scan_arguments import FORMATS  # noqa: E402

HCL = ROOT.parent / "shared" / "fixtures" / "hcl"  # the shared fixtures' 1,200 .tf files; --hcl-from to change
_TOKENS = (
    *("{", "}", "[", "]", "(", ")", "${", "%{", "%{ for", "<<EOF\n", "<<-EOT\n", '"', "\\", "\n", "=", "=>", "?", ":"),
    *("#", "/*", "//", "...", "-1", "null", "1e999", "9" * 5000, "\x00", "\ufeff", "\ud800", "try(", "jsonencode("),
    *("local.a", "module.m.x", "var.v", "count.index", "each.key", 'dynamic "x" {', "for x in range(1000000): x"),
)
_APPENDED = (
    "\nlocals {\n  a = local.b\n  b = local.a\n  c = { for i in range(100000) : tostring(i) => i }\n}\n"
    'resource "aws_instance" "z" {\n  count = 1e9\n  ami = local.a\n}\n'
)


def hcl_cases(seed: int, count: int, folder: Path) -> Iterator[tuple[str, bytes]]:
    rng = random.Random(seed)
    files = sorted(folder.rglob("*.tf"))
    for number in range(count):
        source = rng.choice(files)
        text = source.read_bytes().decode("utf-8", "surrogateescape")
        if rng.random() < 0.25:
            cut = rng.randrange(len(text) + 1)
            text, what = text[:cut], f"cut-at-{cut}"
        else:
            for _ in range(rng.randint(1, 4)):
                spot, token = rng.randrange(len(text) + 1), rng.choice(_TOKENS)
                token *= rng.choice((1, 1, 1, 50, 300, 600))
                text = text[:spot] + token + text[spot:]
            what = "tokens"
        if rng.random() < 0.2:
            text += _APPENDED
        yield f"{number}:{source.relative_to(folder)}:{what}", text.encode("utf-8", "surrogatepass")


def _run(argv: list[str]) -> tuple[object, str]:
    err, out = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code: object = tfreview(argv)
    except SystemExit as exc:
        code = exc.code
    except BaseException:  # what the harness looks for
        code = "exception"
        err.write(traceback.format_exc())
    return code, err.getvalue()


def _bad(code: object, stderr: str, seconds: float, slow: float) -> bool:
    one_line = code != 2 or stderr.count("\n") == 1
    return code not in (0, 1, 2) or "Traceback" in stderr or not one_line or seconds > slow


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plans", type=int, default=2000, help="mutated plans")
    parser.add_argument("--hcl", type=int, default=1000, help="mutated HCL trees")
    parser.add_argument("--hcl-from", type=Path, default=HCL, help="the .tf files to mutate (default: %(default)s)")
    parser.add_argument("--slow", type=float, default=10.0, help="seconds past which a case counts as a hang")
    parser.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "tfreview-fuzz")
    args = parser.parse_args()
    args.keep.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="tfreview-fuzz-case-"))
    streams = [
        ("plan", ((case.name, case.body) for case in cases(args.seed, args.plans))),
        ("hcl", hcl_cases(args.seed, args.hcl, args.hcl_from)),
    ]
    try:
        for kind, generated in streams:
            codes: Counter[object] = Counter()
            bad, started = 0, time.monotonic()
            for number, (name, body) in enumerate(generated):
                target = work / kind
                shutil.rmtree(target, ignore_errors=True)
                target.mkdir()
                (target / ("plan.json" if kind == "plan" else "main.tf")).write_bytes(body)
                argv = ["scan", str(target / "plan.json" if kind == "plan" else target)]
                report = FORMATS[number % len(FORMATS)]
                began = time.monotonic()
                code, stderr = _run([*argv, "-o", report])
                seconds = time.monotonic() - began
                codes[code] += 1
                if _bad(code, stderr, seconds, args.slow):
                    bad += 1
                    kept = args.keep / f"{kind}-{args.seed}-{number}"
                    kept.write_bytes(body)
                    print(f"BAD {kind} {name} -o {report}: exit {code}, {seconds:.1f} s: {stderr[-600:]!r} → {kept}")
            elapsed = time.monotonic() - started
            total = sum(codes.values())
            by_code = ", ".join(f"exit {code}: {n}" for code, n in sorted(codes.items(), key=str))
            print(f"{kind}: {total} cases, {bad} bad ({by_code}); {total / elapsed:.1f} cases/s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
