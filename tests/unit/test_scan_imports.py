"""`tfreview scan PLAN` stays a light process: the HCL parser and the service stack are never imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "data" / "plans" / "corpus"

# the HCL reader (python-hcl2 and its lark grammar) and the service's web, validation and database stacks
HEAVY = ("hcl2", "lark", "pydantic", "fastapi", "starlette", "sqlalchemy", "alembic", "uvicorn", "httpx")

_PROBE = """
import json, sys
from tfreview.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def test_scanning_a_plan_imports_no_hcl_parser_and_no_service_stack(tmp_path: Path) -> None:
    plan = next(p for p in sorted(FIXTURES.glob("*.json")) if "after_unknown" in p.name)
    report = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "scan", str(plan), "-o", "json", "--output-file", str(report), "--soft-fail"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    probe = json.loads(done.stderr.strip().splitlines()[-1])
    assert probe["code"] == 0, done.stderr
    assert json.loads(report.read_text())["schema_version"] == "1"
    loaded = {name.split(".", 1)[0] for name in probe["modules"]}
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    # the service's own packages are not on the scan path either
    service = [
        m
        for m in probe["modules"]
        if m.startswith(("tfreview.store", "tfreview.web", "tfreview.worker", "tfreview.identity"))
    ]
    assert service == []
