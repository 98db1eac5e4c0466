"""How a review process is started (ADR 0740): `multiprocessing`'s spawn, with a minimal environment.

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
"""

from __future__ import annotations

import io
import logging
import os
import re
import threading
from collections.abc import Iterable, Mapping
from multiprocessing import popen_spawn_posix, reduction, spawn, util
from multiprocessing.context import SpawnProcess, set_spawning_popen
from typing import Any, cast

from tfreview.plumbing.secret_references import SecretSource

logger = logging.getLogger("tfreview.worker")

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
# set once this Python's spawn primitive refused the call `_spawnv_passfds` makes and the stock spawn was used
FALLBACK_WARNED = threading.Event()


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


class _Popen(popen_spawn_posix.Popen):
    """The stock spawn's launch (CPython 3.11's `popen_spawn_posix.Popen._launch`), the environment aside."""

    def _launch(self, process_obj: Any) -> None:
        from multiprocessing import resource_tracker

        passed: list[int] = cast(Any, self)._fds  # the stock Popen's list (typeshed does not declare it)
        tracker_fd: int = cast(Any, resource_tracker).getfd()  # an fd once the tracker runs (typeshed: int | None)
        passed.append(tracker_fd)
        prep_data = spawn.get_preparation_data(process_obj._name)
        fp = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, fp)
            reduction.dump(process_obj, fp)
        finally:
            set_spawning_popen(None)
        parent_r = child_w = child_r = parent_w = None
        try:
            parent_r, child_w = os.pipe()
            child_r, parent_w = os.pipe()
            cmd = spawn.get_command_line(tracker_fd=tracker_fd, pipe_handle=child_r)
            passed.extend([child_r, child_w])
            self.pid = _spawnv_passfds(spawn.get_executable(), cmd, passed, exec_environment(os.environ))
            self.sentinel = parent_r
            with open(parent_w, "wb", closefd=False) as f:
                f.write(fp.getbuffer())
        finally:
            opened = [fd for fd in (parent_r, parent_w) if fd is not None]
            self.finalizer = util.Finalize(self, cast(Any, util).close_fds, opened)  # typeshed lacks close_fds
            for fd in (child_r, child_w):
                if fd is not None:
                    os.close(fd)


def _spawnv_passfds(path: str, args: list[str], passfds: list[int], environment: Mapping[str, str]) -> int:
    """`multiprocessing.util.spawnv_passfds` with an environment: the same call of the same primitive."""
    import _posixsubprocess
    import subprocess

    fds = tuple(sorted(map(int, passfds)))
    envp = [os.fsencode(name) + b"=" + os.fsencode(value) for name, value in environment.items()]
    errpipe_read, errpipe_write = os.pipe()
    try:
        fork_exec: Any = _posixsubprocess.fork_exec  # Any: the stdlib's own call, whose stub differs by version
        pid = fork_exec(
            args, [path], True, fds, None, envp,
            -1, -1, -1, -1, -1, -1, errpipe_read, errpipe_write,
            False, False, -1, None, None, None, -1, None,
            cast(Any, subprocess)._USE_VFORK,  # private, read as multiprocessing.util reads it
        )  # fmt: skip
        return int(pid)
    except TypeError:  # another CPython's primitive (its arguments are checked before any fork): the stock spawn
        if not FALLBACK_WARNED.is_set():  # once per server, not once per review (review23b)
            FALLBACK_WARNED.set()
            logger.warning(
                "review processes start with the server's whole environment: this Python's spawn primitive differs"
                " from CPython 3.11-3.13's (ADR 0740)"
            )
        return int(util.spawnv_passfds(os.fsencode(path), args, passfds))
    finally:
        os.close(errpipe_read)
        os.close(errpipe_write)


class ReviewSpawnProcess(SpawnProcess):
    """A spawned process executed with `exec_environment` (see the module docstring)."""

    @staticmethod
    def _Popen(process_obj: Any) -> Any:  # multiprocessing's name
        return _Popen(process_obj)
