"""`tfreview scan PLAN` stays a light process: the HCL parser and the service stack are never imported."""

from __future__ import annotations

import json
import os
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
        if m.startswith(
            (
                "tfreview.store",
                "tfreview.web",
                "tfreview.worker",
                "tfreview.identity",
                "tfreview.service.",
                "tfreview.advisor",
            )
        )
        or m == "tfreview.service"
    ]
    assert service == []


def test_scanning_a_plan_loads_only_the_rules_of_its_resource_types(tmp_path: Path) -> None:
    """Issue 13: only rules whose resource types occur are imported (Python) or parsed (declarative)."""
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(_one_bucket_plan()), encoding="utf-8")
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
    findings = json.loads(report.read_text())["findings"]
    assert {f["rule_id"] for f in findings} >= {"TFR-AWS-001"}  # the public-read bucket is still flagged
    rule_modules = {m for m in probe["modules"] if m.startswith("tfreview.rules.") and m.count(".") == 3}
    assert "tfreview.rules.aws.vpc_flow_logs" not in rule_modules  # no aws_vpc in the plan
    assert "tfreview.rules.azure.storage_no_public_blob_access" not in rule_modules
    assert not any(m.startswith("tfreview.rules.gcp.") for m in rule_modules)


def _one_bucket_plan() -> dict[str, object]:
    after = {"bucket": "logs", "acl": "public-read", "tags": None}
    change = {
        "address": "aws_s3_bucket.logs",
        "mode": "managed",
        "type": "aws_s3_bucket",
        "name": "logs",
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {"id": True}},
    }
    return {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": [change]}


def test_each_provider_package_declares_only_its_own_resource_types() -> None:
    """`load_rules_for` skips a provider package's rules it cannot read the types of when no type of that
    provider occurs: that is right only while every rule there names types with the package's prefixes."""
    from tfreview.rules import PROVIDER_PACKAGES, TYPE_PREFIXES, load_rules, load_rules_for

    packages = {"change": "changes"}
    for rule in load_rules():
        prefixes = TYPE_PREFIXES.get(packages.get(rule.provider, rule.provider))
        if prefixes is None:
            assert packages.get(rule.provider, rule.provider) in PROVIDER_PACKAGES
            continue
        stray = [t for t in rule.resource_types if not t.startswith(prefixes)]
        assert stray == [], f"{rule.id} ({rule.provider}) names {stray}"
    # and for a set of types, the subset holds every rule that concerns them and none of another provider
    for types in ({"aws_s3_bucket"}, {"google_compute_firewall", "aws_vpc"}, {"azurerm_storage_container"}, set()):
        needed = {r.id for r in load_rules() if not r.resource_types or set(r.resource_types) & types}
        loaded = load_rules_for(types)
        assert needed <= {r.id for r in loaded}, types
        providers = {t.split("_")[0].replace("azurerm", "azure").replace("google", "gcp") for t in types}
        assert {r.provider for r in loaded} <= providers | {"change"}, types


def test_the_write_only_rule_names_every_type_of_its_table() -> None:
    """TFR-TF-002 spells its types out for the index; they must stay the types its table reads."""
    from tfreview.rules.terraform.write_only_argument_literal import RULE, WRITE_ONLY

    assert set(RULE.resource_types) == set(WRITE_ONLY)


def test_a_scan_imports_tomllib_only_to_parse_a_file(tmp_path: Path) -> None:
    """ADR 0469: tomllib (22 M instructions to import) is imported where a TOML file is parsed: a .tfreview.toml, a
    rule file the library's index does not hold. Reading the settings of a folder without a .tfreview.toml and a
    declarative rule the index holds imports neither it nor gzip (for compressed user data only)."""
    rule = tmp_path / "kms_key_rotation.toml"
    rule.write_bytes((LIBRARY / "aws" / "kms_key_rotation.toml").read_bytes())
    os.utime(rule, (1_000_000_000, 1_000_000_000))  # settled long ago: the index keeps it
    first, second = (_read_rule(tmp_path) for _ in range(2))  # the first parses it and keeps it in the index
    assert first == ["TFR-AWS-034", "tomllib", "no gzip"]
    assert second == ["TFR-AWS-034", "no tomllib", "no gzip"]


LIBRARY = Path(__file__).resolve().parents[2] / "src" / "tfreview" / "rules"
_READ_RULE = """
import sys
from pathlib import Path
import tfreview.config, tfreview.rules.aws.ec2_no_secrets_in_user_data
from tfreview.rules.declarative import load_rule_file
from tfreview.rules.library_index import LibraryIndex
tfreview.config.load_repository_config(None)
base = Path(sys.argv[1])
index = LibraryIndex(base, base / "index.json")
rule = load_rule_file(base / "kms_key_rotation.toml", "aws", parse=index.toml)
index.save(force=True)
loaded = ["tomllib" if "tomllib" in sys.modules else "no tomllib", "gzip" if "gzip" in sys.modules else "no gzip"]
print(rule.id, *loaded, sep="|")
"""


def _read_rule(folder: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _READ_RULE, str(folder)], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip().split("|")


# modules whose patterns only some inputs need: each compiles them on first use, so a scan of an ordinary plan
# compiles none of them (ADR 0705)
_COMPILE_ON_USE = (
    "tfreview.core.plan",
    "tfreview.core.unicode_text",
    "tfreview.parsing.plan_numbers",
    "tfreview.render.digest",
    "tfreview.rules.library_index",
    "tfreview.rules.support.module_sources",
    "tfreview.setting_variables",
)
_COMPILE_PROBE = """
import json, re, sys
compiled = []
_compile = re.compile
def compile(pattern, flags=0):
    compiled.append(sys._getframe(1).f_globals.get("__name__"))
    return _compile(pattern, flags)
re.compile = compile
from tfreview.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "compiled": compiled, "difflib": "difflib" in sys.modules}), file=sys.stderr)
"""


def test_a_scan_compiles_no_pattern_its_plan_does_not_need(tmp_path: Path) -> None:
    """Patterns for addresses with quoted keys, surrogates, huge numbers, terminal text, module versions, a rule file
    the index lacks or a mistyped setting are compiled on first use, not at import: ~10 M instructions of every scan
    (ADR 0705). difflib, for a mistyped setting's suggestion, is imported only then."""
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(_one_bucket_plan()), encoding="utf-8")
    report = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-c", _COMPILE_PROBE, "scan", str(plan), "-o", "json", "--output-file", str(report)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    probe = json.loads(done.stderr.strip().splitlines()[-1])
    assert probe["code"] == 1, done.stderr  # the public-read bucket is flagged
    assert [f["rule_id"] for f in json.loads(report.read_text())["findings"]] != []
    assert "tfreview.rules.declarative" in probe["compiled"]  # the probe sees the library's own patterns
    assert sorted(set(probe["compiled"]) & set(_COMPILE_ON_USE)) == []
    assert probe["difflib"] is False
