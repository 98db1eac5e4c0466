"""`tfreview ARGS` run in the test process, for the steps that PREPARE what a black-box test then examines (the
token a `serve` is called with, the tokens and backup a restore is tried on): `tfreview.cli.main` with the child's
environment, its stdout and stderr captured, its exit code returned — what `subprocess.run([python, -m, tfreview,
…])` gives, without a new interpreter importing the CLI (1–2 s of CPU each on a loaded 2-core machine, ADR 0669).

The command under test stays a real process; this is for the steps before and the reads after it. It is not for
`serve`, `worker` or anything that installs signal handlers or runs until stopped."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
from collections.abc import Iterator, Mapping

from tfreview.cli import main

_LONG_RUNNING = frozenset({"serve", "worker", "drill"})


def tfreview_in_process(*argv: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `tfreview *argv` here under exactly `env` (the child environment the subprocess would get)."""
    if argv and argv[0] in _LONG_RUNNING:
        raise ValueError(f"`tfreview {argv[0]}` runs until stopped: start it as a process")
    out, err = io.StringIO(), io.StringIO()
    with _environment(env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return subprocess.CompletedProcess(["tfreview", *argv], code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
