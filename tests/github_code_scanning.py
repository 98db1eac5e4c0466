"""What a SARIF upload must be for GitHub code scanning: the OASIS 2.1.0 schema, then GitHub's own rules.

The schema is the official OASIS file (tests/data/sarif/PROVENANCE.md). GitHub's constraints come
from its documentation, "SARIF support for code scanning" and "SARIF results exceed limit"
(docs.github.com/en/code-security/code-scanning): hard limits per file (an upload above one is
rejected whole), a location on every result, URIs relative to the repository root (a `file://` URI
outside the checkout, or a path that is not in the repository, leaves the alert without a file),
`security-severity` as a number from 0.0 to 10.0 written as a string, and at most 10 MB gzipped.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft4Validator

SCHEMA = Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json"
MAX_RUNS, MAX_RESULTS, MAX_RULES, MAX_EXTENSIONS = 20, 25_000, 25_000, 100
MAX_LOCATIONS, MAX_TAGS, MAX_GZIP_BYTES = 1_000, 20, 10 * 1024 * 1024
_SEVERITY = re.compile(r"^\d+(\.\d+)?$")


@lru_cache(maxsize=1)
def schema_validator() -> Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def schema_problems(log: dict[str, Any]) -> list[str]:
    errors = sorted(schema_validator().iter_errors(log), key=lambda e: list(e.path))
    return [f"{'/'.join(str(p) for p in e.path)}: {e.message}" for e in errors]


def upload_problems(text: str, repository: Path | None = None) -> list[str]:
    """Everything that makes GitHub refuse the upload, or lose an alert's file; `repository` checks URIs exist."""
    log: dict[str, Any] = json.loads(text)
    problems = schema_problems(log)
    if len(gzip.compress(text.encode())) > MAX_GZIP_BYTES:
        problems.append("larger than 10 MB gzipped")
    runs = log.get("runs") or []
    if len(runs) > MAX_RUNS:
        problems.append(f"{len(runs)} runs > {MAX_RUNS}")
    for run in runs:
        driver = run["tool"]["driver"]
        rules = driver.get("rules", [])
        if len(rules) > MAX_RULES or len(run.get("results", [])) > MAX_RESULTS:
            problems.append("too many rules or results in a run")
        if len(run["tool"].get("extensions", [])) > MAX_EXTENSIONS:
            problems.append("too many tool extensions")
        for rule in rules:
            properties = rule.get("properties", {})
            if len(properties.get("tags", [])) > MAX_TAGS:
                problems.append(f"{rule['id']}: more than {MAX_TAGS} tags")
            severity = properties.get("security-severity")
            if severity is not None and not (_SEVERITY.match(severity) and 0 <= float(severity) <= 10):
                problems.append(f"{rule['id']}: security-severity {severity!r} is not 0.0-10.0")
        for index, result in enumerate(run.get("results", [])):
            problems += _result_problems(index, result, repository)
    return problems


def _result_problems(index: int, result: dict[str, Any], repository: Path | None) -> list[str]:
    where = f"results/{index}"
    locations = result.get("locations") or []
    if not result.get("message", {}).get("text"):
        return [f"{where}: no message text"]
    if not locations or len(locations) > MAX_LOCATIONS:
        return [f"{where}: {len(locations)} locations (GitHub needs 1 to {MAX_LOCATIONS})"]
    problems = []
    for location in locations:
        physical = location.get("physicalLocation") or {}
        uri = physical.get("artifactLocation", {}).get("uri", "")
        if not uri or "://" in uri or uri.startswith(("/", "../")) or "/../" in uri:
            problems.append(f"{where}: uri {uri!r} is not relative to the repository root")
        elif repository is not None and not (repository / unquote(uri)).is_file():
            problems.append(f"{where}: uri {uri!r} is not a file of the repository")
        if physical.get("region", {}).get("startLine", 1) < 1:
            problems.append(f"{where}: startLine below 1")
    return problems
