"""How a review process is started (ADR 0740, 0743): `subprocess.Popen` runs `python -P -c BOOTSTRAP
tfreview.worker.review_entry FD` with a minimal environment, FD its end of the pipe.

A review process needs none of the server's secrets from its environment: its settings come through its pipe
(`review_processes.ReviewProcess`), it opens no store, and the only network it calls is GitHub's API. Yet the stock
spawn hands the new interpreter the server's whole environment — the GitHub App's key, webhook secrets, a model's
API key, a database URL with its password — readable in `/proc/<pid>/environ` by every process of the same user
for as long as the review process lives. So:

- the process is executed with `exec_environment`: only the variables a Python process and its locale need, named
  one by one below (`PATH`, `HOME`, `LANG`/`LC_*`, `TZ`, temporary directories, CPython's `PYTHON…`, `VIRTUAL_ENV`,
  the CA bundle's `SSL_CERT_FILE`/`SSL_CERT_DIR`, the loader's and the allocator's settings, a coverage run's own
  variables) — no `TFREVIEW_*`, no credential;
- what it does read from an environment, it gets through its pipe with its settings (`handed_over`) and sets in its
  own `os.environ` (which never rewrites `/proc/<pid>/environ`): the variables the GitHub App's `env:` references
  name, every `*_proxy` variable its GitHub client honours (a proxy's URL may carry a password), and the AWS credential
  chain's variables when one of those references is `aws-sm:`.

The start is the standard library's public one (ADR 0743): no copy of `multiprocessing`'s launch, no call of the
private primitive under it, whose arguments change between CPython versions — a Python where that call was refused
started review processes with the whole environment again. What `multiprocessing`'s spawn gave the new interpreter
is given here too: the parent's `sys.path` (the first message on the pipe, read by `BOOTSTRAP` before it imports
anything of tfreview: tfreview itself, and what a request's pickles name, import there as here; ADR 0751), the
interpreter's options that change what it runs or trusts (`-I`, `-E`, `-s`, `-S`, `-O`, `-B`, `-b`, `-W`, `-X dev`,
`-X utf8`, `-X int_max_str_digits`: `interpreter_options`), stdin from /dev/null; and `-P`: the server's working
directory is not where its modules come from. `SpawnedProcess` gives the `Popen` the meanings
`multiprocessing.Process` had.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping
from multiprocessing.connection import Connection

from tfreview.plumbing.secret_references import SecretSource

# the variables a review process is executed with, when the server has them (none is a credential)
KEPT: frozenset[str] = frozenset(
    {
        "PATH",
        "HOME",
        "USER",
        "LOGNAME",
        "LANG",
        "LANGUAGE",
        "TZ",
        "TMPDIR",
        "TEMP",
        "TMP",
        "VIRTUAL_ENV",
        "SSL_CERT_FILE",  # httpx's CA bundle (a corporate CA for GitHub Enterprise)
        "SSL_CERT_DIR",
        "COVERAGE_PROCESS_START",  # the test suite's coverage of child processes
        "COVERAGE_RCFILE",
        "LD_LIBRARY_PATH",  # an interpreter built against libraries outside the loader's paths does not start without
        "LD_PRELOAD",  # an allocator the operator chose (jemalloc) for every process of the service
        "GLIBC_TUNABLES",  # glibc's allocator limits set for the container
    }
)
KEPT_PREFIXES: tuple[str, ...] = ("LC_", "COV_CORE_", "MALLOC_")  # MALLOC_ARENA_MAX and its kin
# CPython's own variables: `PYTHON` and capitals (`PYTHONPATH`, `PYTHONHASHSEED`), and 3.13's `PYTHON_` names — not
# any name that begins with PYTHON (`PYTHON_REGISTRY_TOKEN`, `PYTHONANYWHERE_API_TOKEN`: review23b)
PYTHONS_OWN = re.compile(r"PYTHON[A-Z0-9]+")
PYTHON_UNDERSCORED: frozenset[str] = frozenset(
    {
        "PYTHON_GIL",
        "PYTHON_CPU_COUNT",
        "PYTHON_FROZEN_MODULES",
        "PYTHON_COLORS",
        "PYTHON_BASIC_REPL",
        "PYTHON_HISTORY",
        "PYTHON_PERF_JIT_SUPPORT",
        "PYTHON_JIT",
    }
)
# the proxy variables (`*_proxy`, any case: what urllib's `getproxies`, and so httpx and `plumbing.proxies`, read):
# handed over through the pipe, a proxy URL may hold a password
PROXY_SUFFIX = "_proxy"
AWS_PREFIX = "AWS_"  # the credential chain boto3 reads for an `aws-sm:` reference
ENTRY = "tfreview.worker.review_entry"  # the module a review process runs (`python -P -c BOOTSTRAP ENTRY FD`)
# What the new interpreter runs first: the standard library only, until its parent's `sys.path` is read; then ENTRY,
# found where the server found tfreview. `-m ENTRY` looked it up in the interpreter's own path first: a server whose
# tfreview is on its `sys.path` only (its working directory's, a wrapper's directory, a zipapp) had every review
# process end at its start, ModuleNotFoundError (review24b). A parent gone before it said anything: a quiet end.
BOOTSTRAP = """\
import sys
from multiprocessing.connection import Connection
connection = Connection(int(sys.argv[2]))
try:
    sys.path[:] = connection.recv()
except (EOFError, OSError):
    raise SystemExit(0) from None
__import__(sys.argv[1], fromlist=["serve"]).serve(connection)
"""


def exec_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment a review process is executed with: the `KEPT` variables of `environ`, nothing else."""
    return {name: value for name, value in environ.items() if _kept(name)}


def _kept(name: str) -> bool:
    if name in KEPT or name in PYTHON_UNDERSCORED or name.startswith(KEPT_PREFIXES):
        return True
    return PYTHONS_OWN.fullmatch(name) is not None


def handed_over(environ: Mapping[str, str], references: Iterable[SecretSource]) -> dict[str, str]:
    """What a review process reads from an environment after its start, taken from `environ`: the variables its
    secret `references` name (`env:NAME`), the proxy variables, and the AWS chain's when a reference is `aws-sm:`."""
    sources = list(references)
    wanted = {source.variable for source in sources if source.variable is not None}
    aws = any(source.kind == "aws-sm" for source in sources)
    return {
        name: value
        for name, value in environ.items()
        if name in wanted or name.lower().endswith(PROXY_SUFFIX) or (aws and name.startswith(AWS_PREFIX))
    }


def interpreter_options() -> list[str]:
    """This interpreter's command-line options a review process is executed with too: those that change what it
    imports, trusts or runs (its `PYTHON…` variables are kept by `exec_environment`)."""
    flags = sys.flags
    options: list[str] = []
    if flags.isolated:
        options.append("-I")  # -E, -s and -P together
    else:
        if flags.ignore_environment:
            options.append("-E")
        if flags.no_user_site:
            options.append("-s")
    if flags.optimize:
        options.append("-" + "O" * flags.optimize)
    if flags.dont_write_bytecode:
        options.append("-B")
    if flags.no_site:
        options.append("-S")  # no `site`: no sitecustomize, no .pth file runs there either (review24b)
    if flags.bytes_warning:
        options.append("-" + "b" * flags.bytes_warning)
    if flags.dev_mode:
        options += ["-X", "dev"]
    if flags.utf8_mode:
        options += ["-X", "utf8"]  # the encoding of a file opened without one
    if flags.int_max_str_digits != -1:
        options += ["-X", f"int_max_str_digits={flags.int_max_str_digits}"]  # the longest integer a plan may hold
    options += [f"-W{warning}" for warning in sys.warnoptions]
    return options


class SpawnedProcess:
    """A review process as `subprocess.Popen` runs it, with the meanings of `multiprocessing.Process` that the
    review processes use: `exitcode` None while it runs, negative after a signal ("-9": SIGKILL); `join` waits at
    most `timeout`; `kill` sends SIGKILL unless it has been reaped (never to a pid since reused)."""

    def __init__(self, popen: subprocess.Popen[bytes]) -> None:
        self._popen = popen

    @property
    def pid(self) -> int:
        return self._popen.pid

    @property
    def exitcode(self) -> int | None:
        return self._popen.poll()

    def is_alive(self) -> bool:
        return self._popen.poll() is None

    def join(self, timeout: float) -> None:
        try:
            self._popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return

    def kill(self) -> None:
        self._popen.kill()


def spawn(ours: Connection, theirs: Connection) -> SpawnedProcess:
    """Execute a review process (`ENTRY`) with `exec_environment`, `theirs` as its end of the pipe (closed here), and
    send it through `ours` what its entry reads first: this interpreter's `sys.path`. No `preexec_fn`: the server
    has threads. The caller's signal mask is the child's (ADR 0698: SIGHUP blocked while it starts)."""
    try:
        popen = subprocess.Popen(
            [sys.executable, *interpreter_options(), "-P", "-c", BOOTSTRAP, ENTRY, str(theirs.fileno())],
            env=exec_environment(os.environ),
            pass_fds=(theirs.fileno(),),
            close_fds=True,
            stdin=subprocess.DEVNULL,
        )
    finally:
        theirs.close()
    ours.send(list(sys.path))
    return SpawnedProcess(popen)
