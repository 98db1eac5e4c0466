"""The records' methods compiled once per install (`plumbing.record_code`, ADR 0468): the same code as `exec`
compiles, kept and read back, never trusted when it is not this interpreter's, and covering what a scan defines."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tfreview import __version__
from tfreview.plumbing.record_code import RecordCode, cache_path

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "tests" / "data" / "plans" / "corpus"

# what `dataclasses` compiles for a frozen record's `__init__` (Python 3.11's text, with its names)
_INIT = (
    "def __create_fn__(_type_a, MISSING, __dataclass_builtins_object__, _return_type):\n"
    " def __init__(self,a:_type_a)->_return_type:\n"
    "  __dataclass_builtins_object__.__setattr__(self,'a',a)\n"
    " return __init__"
)
_OWN = {"__name__": "tfreview.core.example"}


# `exec` called as `dataclasses` calls it: from code without `from __future__` flags (this module has them, and
# `exec` adds its caller's flags to what it compiles)
_REFERENCE: dict[str, Any] = {}
exec(
    compile(
        "def plain_exec(text, globals, namespace):\n exec(text, globals, namespace)\n",
        "<ref>",
        "exec",
        dont_inherit=True,
    ),
    _REFERENCE,
)
plain_exec = _REFERENCE["plain_exec"]


def _run(code: Any, text: str, globals: dict[str, Any]) -> Any:
    namespace: dict[str, Any] = {}
    code(text, globals, namespace)
    return namespace["__create_fn__"]


def test_a_text_runs_as_exec_runs_it_and_is_kept_read_back_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "__pycache__" / "records.marshal"
    cache = RecordCode(path)
    made = _run(cache.exec, _INIT, dict(_OWN))
    expected = _run(plain_exec, _INIT, dict(_OWN))
    assert made.__code__ == expected.__code__  # the same code object: bytecode, constants, names, flags
    assert cache.save(force=True)
    assert path.is_file()

    again = RecordCode(path)
    assert again.code(_INIT) == compile(_INIT, "<string>", "exec", dont_inherit=True)
    assert again.save() is False  # nothing new compiled: nothing written


def test_a_text_is_compiled_without_this_modules_future_flags(tmp_path: Path) -> None:
    """`exec` adds its caller's `from __future__` flags: the cache compiles as `dataclasses` (which has none)."""
    text = "def __create_fn__(_return_type):\n def f()->_return_type:\n  pass\n return f"
    for globals in (dict(_OWN), {"__name__": "elsewhere"}):
        function = _run(RecordCode(tmp_path / "r.marshal").exec, text, globals)(int)
        assert function.__annotations__ == {"return": int}  # a type, not the string "_return_type"


def test_only_tfreviews_own_records_are_kept(tmp_path: Path) -> None:
    cache = RecordCode(tmp_path / "r.marshal")
    _run(cache.exec, _INIT, {"__name__": "someone_elses.module"})
    _run(cache.exec, _INIT.replace("_type_a", "_type_b"), {})  # a class whose module is not imported
    assert cache.save() is False
    assert not (tmp_path / "r.marshal").exists()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not marshal at all",
        marshal.dumps((1, b"\x00\x00\r\n", {_INIT: compile("1", "<string>", "exec")})),  # another interpreter's
        marshal.dumps((1, b"x", [])),
        marshal.dumps({"a": 1}),
    ],
)
def test_a_foreign_or_broken_file_is_ignored(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "r.marshal"
    path.write_bytes(content)
    cache = RecordCode(path)
    made = _run(cache.exec, _INIT, dict(_OWN))
    assert made.__code__ == _run(plain_exec, _INIT, dict(_OWN)).__code__
    assert cache.save(force=True)  # written over with this interpreter's
    assert RecordCode(path).code(_INIT) == compile(_INIT, "<string>", "exec", dont_inherit=True)


_EVERY_DAMAGE = """
import sys
from pathlib import Path
from tfreview.plumbing.record_code import RecordCode
kept, text = Path(sys.argv[1]), sys.argv[2]
good = kept.read_bytes()
expected = compile(text, "<string>", "exec", dont_inherit=True)
damaged = kept.with_name("damaged.marshal")
cases = [good[:cut] for cut in range(0, len(good), 7)]
for at in range(len(good)):
    for value in (0, 0xFF, good[at] ^ 0x01, good[at] ^ 0x80):
        cases.append(good[:at] + bytes([value]) + good[at + 1 :])
for case in cases:
    damaged.write_bytes(case)
    assert RecordCode(damaged).code(text) == expected, case
print(len(cases))
"""


def test_a_damaged_file_is_ignored_never_given_to_marshal(tmp_path: Path) -> None:
    """A cache file one byte off or cut short: marshal.loads of such bytes raised SystemError ("bad argument to
    internal function") or crashed the interpreter with SIGSEGV, in every scan and service process that read it.
    Every truncation and every one-byte change of a real file is read as no cache (run in a child process: on the
    old reader it died of the signal)."""
    kept = tmp_path / "r.marshal"
    cache = RecordCode(kept)
    _run(cache.exec, _INIT, dict(_OWN))
    assert cache.save(force=True)
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    child = subprocess.run(
        [sys.executable, "-c", _EVERY_DAMAGE, str(kept), _INIT],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
        check=False,
    )
    assert (child.returncode, child.stderr) == (0, "")
    assert int(child.stdout) > 4 * len(kept.read_bytes())


def test_a_file_that_cannot_be_written_is_no_failure(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    cache = RecordCode(blocked / "__pycache__" / "r.marshal")
    _run(cache.exec, _INIT, dict(_OWN))
    assert cache.save(force=True) is False


def test_the_install_keeps_its_cache_beside_its_bytecode() -> None:
    path = cache_path()
    assert path is not None
    assert path == ROOT / "src" / "tfreview" / "__pycache__" / f"records.{sys.implementation.cache_tag}.marshal"


_DUMP = """
import dataclasses, json, re, sys
{install}
from tfreview.cli import main
code = main(sys.argv[1:])
records = {{}}
for name, module in sorted(sys.modules.items()):
    if not name.startswith("tfreview."):
        continue
    for cls in vars(module).values():
        if isinstance(cls, type) and cls.__module__ == name and dataclasses.is_dataclass(cls):
            methods = {{}}
            for attribute, function in sorted(vars(cls).items()):
                made = getattr(function, "__code__", None)
                if made is not None and made.co_filename == "<string>":
                    shown = [repr(made.co_consts), repr(function.__defaults__), repr(function.__annotations__)]
                    methods[attribute] = [made.co_code.hex(), made.co_names, made.co_varnames, made.co_flags,
                        *(re.sub(" at 0x[0-9a-f]+", "", text) for text in shown)]  # a sentinel's address
            records[f"{{name}}.{{cls.__qualname__}}"] = methods
compiled = {compiled}
print(json.dumps({{"code": code, "records": records, "compiled": compiled}}), file=sys.stderr)
"""


def _scan(tmp_path: Path, install: str, compiled: str) -> dict[str, Any]:
    plan = next(p for p in sorted(PLAN.glob("*.json")) if "after_unknown" in p.name)
    probe = _DUMP.format(install=install, compiled=compiled)
    report = tmp_path / "report.json"
    arguments = ["scan", str(plan), "-o", "json", "--output-file", str(report), "--soft-fail"]
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", probe, *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=environment,
    )
    result: dict[str, Any] = json.loads(done.stderr.strip().splitlines()[-1])
    assert result["code"] == 0, done.stderr
    return result


def test_a_scan_with_the_kept_code_defines_the_same_records_and_compiles_nothing(tmp_path: Path) -> None:
    """What `python -m tfreview.rules` keeps (the rules and `rules.scan_records`) covers a plan scan, and its
    records are those a process without the cache defines, method for method."""
    kept = tmp_path / "records.marshal"
    write = (
        "import sys\nfrom pathlib import Path\nfrom tfreview.plumbing.record_code import RecordCode, install\n"
        f"records = install(RecordCode(Path({str(kept)!r})))\n"
        "from tfreview.rules.scan_records import define_scan_records\n"
        "define_scan_records()\nsys.exit(0 if records.save(force=True) else 1)\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, "-c", write], check=True, timeout=120, env=environment)

    plain = _scan(tmp_path, "", "None")
    cached = _scan(
        tmp_path,
        f"from pathlib import Path\nfrom tfreview.plumbing.record_code import RecordCode, install\n"
        f"cache = install(RecordCode(Path({str(kept)!r})))",
        "[len(cache._new), len(cache._used)]",
    )
    assert cached["records"] == plain["records"]
    assert len(plain["records"]) >= 30  # the engine's records: the comparison is not of nothing
    new, used = cached["compiled"]
    assert new == 0
    assert used >= 100


def test_the_version_defines_no_record_and_reads_no_cache() -> None:
    probe = "import sys\nfrom tfreview.cli import main\nmain(['--version'])\nprint('dataclasses' in sys.modules)"
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True, env=environment
    )
    assert done.stdout.splitlines() == [f"tfreview {__version__}", "False"]


_WHICH = """
import sys
from pathlib import Path
from tfreview.plumbing import record_code
if sys.argv[1]:  # a cache written by the test
    record_code.install(record_code.RecordCode(Path(sys.argv[1])), service=True)
from tfreview.cli import main
code = main(sys.argv[2:])
cache = record_code._INSTALLED[0]
print(cache.path.name if cache.path else None, len(cache._new), len(cache._used), code, file=sys.stderr)
"""


def _which_cache(tmp_path: Path, kept: Path | None, *arguments: str) -> tuple[str, int, int, int]:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TFREVIEW_")},
        "PYTHONPATH": str(ROOT / "src"),
        "PYTHONDONTWRITEBYTECODE": "1",  # as the suite runs it: the process keeps nothing itself
        "TFREVIEW_DATABASE__URL": f"sqlite:///{tmp_path / 'tfreview.db'}",
    }
    done = subprocess.run(
        [sys.executable, "-c", _WHICH, str(kept or ""), *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=environment,
    )
    name, new, used, code = done.stderr.strip().splitlines()[-1].split()
    return name, int(new), int(used), int(code)


_CREATE = ("tokens", "create", "--tenant", "github:7", "--scope", "read", "--name", "probe")


def test_a_service_command_reads_the_service_cache_a_scan_the_scans(tmp_path: Path) -> None:
    """ADR 0668: the service's cache holds every module's records (1.5 MB, ~6 ms to read), the scan's only the
    scan's; each process reads its own."""
    service, scan = cache_path("service-records"), cache_path()
    assert service is not None
    assert scan is not None
    assert _which_cache(tmp_path, None, *_CREATE)[0::3] == (service.name, 0)
    plan = next(p for p in sorted(PLAN.glob("*.json")) if "after_unknown" in p.name)
    report = str(tmp_path / "report.json")
    scanned = _which_cache(tmp_path, None, "--debug", "scan", str(plan), "-o", "json", "--output-file", report)
    assert scanned[0::3] == (scan.name, 0)


def test_the_service_records_kept_cover_a_service_command(tmp_path: Path) -> None:
    """What `python -m tfreview.rules` keeps for the service (`service_records`, ADR 0668) covers a service
    command — settings, the wiring's services, the store: it compiles none of its records. The service processes
    used to compile theirs at every start (`tokens list` ~500, `serve` ~670), the `bytecode` step keeping only the
    scan's."""
    kept = tmp_path / "service-records.marshal"
    write = (
        "import sys\nfrom pathlib import Path\nfrom tfreview.plumbing.record_code import RecordCode, install\n"
        f"records = install(RecordCode(Path({str(kept)!r})), service=True)\n"
        "from tfreview.service_records import define_service_records\n"
        "define_service_records()\nsys.exit(0 if records.save(force=True) else 1)\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, "-c", write], check=True, timeout=120, env=environment)

    name, new, used, code = _which_cache(tmp_path, kept, *_CREATE)
    assert (name, code) == (kept.name, 0)
    assert new == 0
    assert used >= 300  # the comparison is not of nothing
