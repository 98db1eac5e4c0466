"""What a service process may import, imported: so that `python -m tfreview.rules` keeps the compiled methods of
every record `serve`, `worker` and the operator commands define (`plumbing.record_code`, ADR 0468 and 0668).

Without them each service process compiled its record methods at every start (`tokens list` ~500, `serve` ~670):
the Makefile's `bytecode` step kept only the scan's, and a process under PYTHONDONTWRITEBYTECODE (the test suite,
a container) keeps nothing itself.
"""

from __future__ import annotations

import importlib
import pkgutil

# not imported: a module's `__main__` runs a command; the migrations run Alembic's context when imported
_SKIPPED = (".__main__", "tfreview.store.migrations")


def define_service_records() -> list[str]:
    """Import every module of the package besides the rules (loaded with the scan's records): each record they define
    is compiled once. Returns the modules that could not be imported (an optional extra not installed)."""
    import tfreview
    from tfreview.rules.scan_records import define_scan_records

    define_scan_records()
    missing = []
    for module in pkgutil.walk_packages(tfreview.__path__, "tfreview."):
        name = module.name
        if name.endswith(_SKIPPED[0]) or name.startswith((_SKIPPED[1], "tfreview.rules.")):
            continue
        try:
            importlib.import_module(name)
        except ImportError:  # an extra's library (boto3, psycopg): its records are compiled when it is there
            missing.append(name)
    return missing
