"""Every runbook's commands and names exist as written (ADR 0521): an on-call engineer copies them at 3 a.m.

Taken from the inline code of every docs/runbooks/*.md and checked against the real thing, so a renamed flag,
metric, setting, route or log line breaks the suite instead of the runbook:

- `tfreview …` invocations are parsed by the CLI's own argparse parser (placeholders filled in);
- metric names and their label names and values against the exposition of one real `tfreview serve` (and the
  metric catalogue's allowed values); a `grep NAME` of /metrics must match a line of it;
- PromQL expressions through `promtool check rules` (when `make tools` installed promtool);
- settings (`TFREVIEW_A__B`, `backup.audit_rows_per_pass`) against the settings model, values by loading them;
- API paths against the running service's OpenAPI document (query parameters and their enums too); the GET
  paths without placeholders are requested for real with an admin token;
- SQL statements are run against PostgreSQL (with tfreview's schema) when TFREVIEW_TEST_POSTGRES_URL is set;
- quoted log lines against the source's format strings; links and docs/… paths against the tree.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import itertools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, ValidationError

from tests.integration.live import fresh_postgres_database
from tests.integration.served import Served, child_env, serving
from tfreview.cli import build_parser
from tfreview.ops.metric_catalogue import BY_NAME
from tfreview.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
RUNBOOKS = sorted(p for p in (ROOT / "docs" / "runbooks").glob("*.md") if p.name != "README.md")
METRICS_TOKEN = "runbook-metrics-token-5d1c"
TENANT = "github:1"

# what an operator types for a placeholder: values of the right shape (an ID is a token's or an incident's)
PLACEHOLDERS = {
    "ID": ("1e923a584427a99f", "1"),
    "NAME": ("tfreview-20261206T124900Z-7f9e7c.sqlite3",),
    "<source>": ("ip:192.0.2.7",),
    "$URL": ("http://127.0.0.1:8080",),
    "DIR": ("/srv/tfreview",),
    "T": (TENANT,),
    "KIND": ("github-webhook",),
    "…": ("x",),
}
PATH_PLACEHOLDER = re.compile(r"^(?:[A-Z_]*ID|…|<[a-z_]+>)$")
CLI_ONLY_VARIABLES = {"TFREVIEW_DRILL_TOKEN"}  # read by `tfreview drill --url`, not a setting
HISTOGRAM_SUFFIXES = ("_bucket", "_count", "_sum")
TFREVIEW = (sys.executable, "-m", "tfreview")
PG_PROGRAMS = {"pg_dump", "pg_restore", "pg_isready"}  # client programs, not catalogue views


@dataclass(frozen=True)
class Span:
    runbook: str
    text: str  # the inline code, whitespace folded (a span may wrap across lines)
    before: str  # the prose just before it


def spans() -> list[Span]:
    found = []
    for path in RUNBOOKS:
        text = " ".join(path.read_text(encoding="utf-8").split())
        for match in re.finditer(r"`([^`]+)`", text):
            found.append(Span(path.stem, match.group(1), text[max(0, match.start() - 30) : match.start()]))
    return found


SPANS = spans()


def test_the_runbooks_are_read() -> None:
    assert len(RUNBOOKS) >= 40
    assert len(SPANS) > 500


# --- the CLI ------------------------------------------------------------------------------------


def cli_invocations() -> list[tuple[str, str]]:
    """(runbook, words after `tfreview`) of every span that is a `tfreview …` command line."""
    found = []
    for span in SPANS:
        match = re.fullmatch(r"(?:[A-Z_]+=\S+\s+)*tfreview\s+([a-z].*)", span.text)
        if match:
            found.append((span.runbook, match.group(1)))
    return found


# the real parser, built once: parsing leaves it as it was; built for each of 320 parses, it cost 7 s of CPU
cli_parser = functools.cache(build_parser)


def parse_error(words: list[str]) -> str | None:
    """What the real parser says about `tfreview WORDS`, or None when it accepts them."""
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            cli_parser().parse_args(words)
    except SystemExit as exc:
        return f"exit {exc.code}: {stderr.getvalue().strip()}"
    return None


def first_parse_error(words: list[str]) -> str | None:
    """None when some filling-in of the placeholders parses, else the parser's word on the first one."""
    errors = [
        parse_error(list(filled)) for filled in itertools.product(*(PLACEHOLDERS.get(word, (word,)) for word in words))
    ]
    return None if None in errors else errors[0]


def is_leaf_command(words: list[str]) -> bool:
    """`words` are subcommands only and end at a command that takes no further subcommand (`tfreview incidents`
    is not one: it needs list, show, ack, ...)."""
    parser: argparse.ArgumentParser = cli_parser()
    for word in words:
        commands = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not commands or word not in commands[0].choices:
            return False
        parser = commands[0].choices[word]
    return not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)


def prefix_error(words: list[str]) -> str | None:
    """For an elided command (`tfreview tokens create …`): its subcommands and options exist."""
    parser: argparse.ArgumentParser = cli_parser()
    for word in words:
        if word.startswith("-"):
            if word.split("=", 1)[0] not in parser._option_string_actions:
                return f"{parser.prog} has no option {word}"
            continue
        commands = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not commands:
            continue  # a positional argument or an option's value
        if word not in commands[0].choices:
            return f"{parser.prog} has no subcommand {word!r}"
        parser = commands[0].choices[word]
    return None


def test_every_tfreview_command_parses_with_the_real_cli() -> None:
    invocations = cli_invocations()
    assert len(invocations) > 80
    wrong = []
    for runbook, line in invocations:
        words = shlex.split(line)
        if words[-1] == "…":  # elided: `tfreview tokens create …`
            error = prefix_error(words[:-1])
        elif is_leaf_command(words):  # a command named in prose: "an operator's `tfreview block add`"
            error = None
        else:
            error = first_parse_error(words)
        if error:
            wrong.append(f"{runbook}: `tfreview {line}`: {error}")
    assert not wrong, "\n".join(wrong)


def test_no_tfreview_command_line_escapes_the_check() -> None:
    """A command written another way (`sudo tfreview …`, `python -m tfreview …`, `/opt/bin/tfreview …`,
    `tfreview --data-dir DIR backup …`, a quoted `VAR="a b"`) or in a fenced block (folded into one span with the
    lines around it) would be skipped by `cli_invocations` without a word: none may be written so."""
    loose = re.compile(r"(?:[A-Z_]+=\S+\s+|sudo\s+|\S*python3?\s+-m\s+)*(?:\S*/)?tfreview\s+\S.*")
    checked = {(runbook, f"tfreview {line}") for runbook, line in cli_invocations()}
    escaped = [
        f"{s.runbook}: `{s.text}`"
        for s in SPANS
        if loose.fullmatch(s.text)
        and s.text != "tfreview …"
        and not any(runbook == s.runbook and s.text.endswith(line) for runbook, line in checked)
    ]
    assert not escaped, "\n".join(escaped)
    fenced = [p.name for p in RUNBOOKS if "```" in p.read_text(encoding="utf-8")]
    assert not fenced, f"fenced code blocks are not read by this test: {fenced}"


def test_the_command_check_catches_a_wrong_flag_and_a_missing_subcommand() -> None:
    assert parse_error(["reconcile", "--github-deliveries"]) is None
    assert "unrecognized arguments: --github-delivery" in (parse_error(["reconcile", "--github-delivery"]) or "")
    assert "required: incidents_command" in (parse_error(["incidents"]) or "")
    assert prefix_error(["tokens", "create", "--tenant"]) is None
    assert prefix_error(["tokens", "mint"]) == "tfreview tokens has no subcommand 'mint'"
    assert is_leaf_command(["block", "add"])
    assert not is_leaf_command(["incidents"])
    assert first_parse_error(["incidents", "ack", "ID"]) is None  # an incident's ID is a number
    assert first_parse_error(["tokens", "revoke", "ID"]) is None


# --- settings -----------------------------------------------------------------------------------


def setting_error(parts: list[str]) -> str | None:
    model: type[BaseModel] = Settings
    for depth, part in enumerate(parts):
        field = model.model_fields.get(part.lower())
        if field is None:
            return f"{model.__name__} has no field {part.lower()!r}"
        annotation = field.annotation
        if depth < len(parts) - 1:
            if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
                return f"{part.lower()} is not a group of settings"
            model = annotation
    return None


def test_every_setting_named_exists_in_the_settings_model() -> None:
    named: dict[str, str] = {}
    for path in RUNBOOKS:
        for name in re.findall(r"\bTFREVIEW_[A-Z0-9_]*[A-Z0-9]", path.read_text(encoding="utf-8")):
            named.setdefault(name, path.stem)
    dotted = {s.text: s.runbook for s in SPANS if re.fullmatch(r"[a-z_]+\.[a-z_]+", s.text)}
    dotted = {text: rb for text, rb in dotted.items() if text.split(".")[0] in Settings.model_fields}
    assert len(named) > 25
    assert dotted  # backup.audit_rows_per_pass
    source = "\n".join(p.read_text() for p in (ROOT / "src" / "tfreview").rglob("*.py"))
    wrong = []
    for name, runbook in sorted(named.items()):
        if name in CLI_ONLY_VARIABLES:
            if f'"{name}"' not in source:
                wrong.append(f"{runbook}: {name} is read nowhere")
            continue
        error = setting_error(name.removeprefix("TFREVIEW_").split("__"))
        if error:
            wrong.append(f"{runbook}: {name}: {error}")
    for text, runbook in sorted(dotted.items()):
        error = setting_error(text.split("."))
        if error:
            wrong.append(f"{runbook}: {text}: {error}")
    assert not wrong, "\n".join(wrong)
    assert setting_error(["DATABASE", "POOL_SIZE"]) is None
    assert setting_error(["DATABASE", "POOLSIZE"]) == "DatabaseSettings has no field 'poolsize'"


def test_setting_values_given_in_the_runbooks_load(monkeypatch: pytest.MonkeyPatch) -> None:
    given = [
        (s.runbook, m.group(1), m.group(2))
        for s in SPANS
        if (m := re.fullmatch(r"(TFREVIEW_[A-Z0-9_]+)=(\S+)", s.text)) and "…" not in m.group(2)
    ]
    assert given  # TFREVIEW_GITHUB__FAILED_REVIEW_CONCLUSION=failure
    for key in list(os.environ):
        if key.startswith("TFREVIEW_"):
            monkeypatch.delenv(key)
    for runbook, name, value in given:
        monkeypatch.setenv(name, value)
        try:
            Settings()
        except ValidationError as exc:
            pytest.fail(f"{runbook}: {name}={value} is refused: {exc}")
        monkeypatch.delenv(name)


# --- links and files ----------------------------------------------------------------------------


def test_links_and_named_docs_exist() -> None:
    wrong = []
    for path in RUNBOOKS:
        text = path.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#]+)\)", text):
            if not (path.parent / target).exists():
                wrong.append(f"{path.stem}: link {target}")
        for named in re.findall(r"\b(docs/[\w/.-]+\.md)\b", text):
            if not (ROOT / named).exists():
                wrong.append(f"{path.stem}: {named}")
    assert not wrong, "\n".join(wrong)


# --- log lines ----------------------------------------------------------------------------------

LOG_PLACEHOLDER = re.compile(
    r"…|\b(?:[A-Z]|KIND|kind|reason|ID|PATH|ExceptionType)\b|<[^>]+>|provider/model|HTTP status"
)


def quoted_log_lines() -> list[Span]:
    """Spans the prose introduces as a log line ("Log lines `…`", "logs `…`", "WARNING `…`")."""
    return [
        s
        for s in SPANS
        if re.search(r"\b(?:[Ll]ogs?|log lines?|WARNING|ERROR|warning line|each one:)\b[^`]*$", s.before)
        and " " in s.text
        and not s.text.startswith(("tfreview", "curl", "journalctl", "select", "dmesg", "psql"))
    ]


def missing_log_fragments(line: str, source: str) -> list[str]:
    """The literal parts of a quoted log line (split at placeholders and `key=`) the source does not hold."""
    missing = [f"{key}=" for key in re.findall(r"\b([a-z_]+)=", line) if f"{key}=" not in source]
    head, _, reason = line.partition(" reason=")
    line = re.sub(r"\b[a-z_]+=\S*", " ", head) + " " + reason
    for piece in LOG_PLACEHOLDER.split(line):
        for part in re.split(r": ", piece):
            fragment = part.strip()
            if len(fragment) >= 8 and fragment not in source:
                missing.append(fragment)
    return missing


def test_quoted_log_lines_are_what_the_code_logs() -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "src" / "tfreview").rglob("*.py"))
    lines = quoted_log_lines()
    assert len(lines) >= 12
    wrong = [f"{s.runbook}: `{s.text}` lacks {m}" for s in lines if (m := missing_log_fragments(s.text, source))]
    assert not wrong, "\n".join(wrong)
    assert missing_log_fragments("reaper: N job(s) had an expired lease; re-queued", source) == [
        "job(s) had an expired lease; re-queued"
    ]


# --- one real serve: metrics and API paths ------------------------------------------------------


@dataclass
class Service:
    served: Served
    data_dir: Path
    exposition: str
    openapi: dict[str, Any]
    admin: str


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    data_dir = tmp_path_factory.mktemp("runbooks") / "data"
    data_dir.mkdir()
    env = child_env(TFREVIEW_METRICS__TOKEN=METRICS_TOKEN)
    created = subprocess.run(
        [
            *TFREVIEW,
            "tokens",
            "create",
            "--tenant",
            TENANT,
            "--scope",
            "admin",
            "--name",
            "oncall",
            "--data-dir",
            str(data_dir),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    admin = created.stdout.strip().splitlines()[-1]
    with serving(data_dir, env=env) as served:
        metrics = httpx.get(f"{served.url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=30)
        assert metrics.status_code == 200, metrics.text
        openapi = httpx.get(f"{served.url}/openapi.json", timeout=30).json()
        yield Service(served, data_dir, metrics.text, openapi, admin)


def exposed_names(exposition: str) -> set[str]:
    names = set()
    for name, kind in re.findall(r"^# TYPE (\S+) (\S+)$", exposition, flags=re.MULTILINE):
        names.add(name)
        if kind == "histogram":
            names.update(name + suffix for suffix in HISTOGRAM_SUFFIXES)
    return names


def catalogue_name(name: str) -> str:
    for suffix in HISTOGRAM_SUFFIXES:
        if name.endswith(suffix) and name.removesuffix(suffix) in BY_NAME:
            return name.removesuffix(suffix)
    return name


def label_errors(name: str, matchers: str) -> list[str]:
    """`{a="x",b=~"y|z",c=…}` against the catalogue: label names, and values where the catalogue lists them."""
    spec = BY_NAME[catalogue_name(name)]
    errors = []
    for label, op, value in re.findall(r'(\w+)\s*(=~|!=|!~|=)\s*("[^"]*"|…)', matchers):
        if label not in spec.label_names:
            errors.append(f"{name} has no label {label!r} (has {', '.join(spec.label_names) or 'none'})")
            continue
        allowed = spec.allowed(label)
        literals = value.strip('"').split("|") if op == "=~" else [value.strip('"')]
        for literal in literals:
            if allowed and literal != "…" and not re.search(r"[.*+?\\\[]", literal) and literal not in allowed:
                errors.append(f"{name}{{{label}}} never has the value {literal!r} (allowed: {', '.join(allowed)})")
    return errors


def test_every_metric_named_is_exposed_by_a_real_serve(service: Service) -> None:
    exposed = exposed_names(service.exposition)
    assert "tfreview_build_info" in exposed
    assert 'role="serve"' in service.exposition
    wrong = []
    seen = 0
    for path in RUNBOOKS:
        text = " ".join(path.read_text(encoding="utf-8").split())
        for match in re.finditer(r"\btfreview_[a-z0-9_]*[a-z0-9]", text):
            name = match.group(0)
            seen += 1
            if text[: match.start()].endswith("grep "):  # a prefix someone greps /metrics for
                if name not in service.exposition:
                    wrong.append(f"{path.stem}: `grep {name}` matches no line of /metrics")
                continue
            if name not in exposed:
                wrong.append(f"{path.stem}: {name} is not exposed")
                continue
            rest = text[match.end() :]
            if rest.startswith("{"):
                wrong += [f"{path.stem}: {e}" for e in label_errors(name, rest[1 : rest.find("}")])]
            by = re.match(r"(?:\{[^}]*\})?(?:`\)?)? by `(\w+)`", rest)
            if by and by.group(1) not in BY_NAME[catalogue_name(name)].label_names:
                wrong.append(f"{path.stem}: {name} has no label {by.group(1)!r} to group by")
    assert seen > 60
    assert not wrong, "\n".join(wrong)
    assert label_errors("tfreview_db_errors_total", 'kind="locked"') == []
    assert label_errors("tfreview_db_errors_total", 'kind="busy"') == [
        "tfreview_db_errors_total{kind} never has the value 'busy' (allowed: connect, locked, other)"
    ]


def test_the_sqlite_file_the_runbooks_name_is_the_one_serve_writes(service: Service) -> None:
    named = {m for s in SPANS for m in re.findall(r"DIR/(\w+\.db)", s.text)}
    assert named == {"tfreview.db"}
    assert (service.data_dir / "tfreview.db").is_file()


@dataclass(frozen=True)
class ApiCall:
    runbook: str
    method: str
    path: str
    query: dict[str, str]


def api_calls() -> list[ApiCall]:
    calls = []
    for span in SPANS:
        text = span.text
        found = re.findall(r'\$URL(/[^"\s]*)', text) + re.findall(r"^(?:GET|POST|DELETE) (/\S+)$", text)
        if re.fullmatch(r"/(?:readyz|healthz|metrics)", text):
            found.append(text)
        for target in found:
            method = "POST" if "-X POST" in text or text.startswith("POST ") else "GET"
            method = "DELETE" if text.startswith("DELETE ") else method
            path, _, query = target.partition("?")
            pairs = dict(pair.split("=", 1) for pair in query.split("&") if pair)
            calls.append(ApiCall(span.runbook, method, path, pairs))
    return calls


def route_of(openapi: dict[str, Any], path: str) -> str | None:
    """The OpenAPI path template that `path` (with ID / JOB_ID / … placeholders) is an instance of."""
    parts = path.strip("/").split("/")
    for template in openapi["paths"]:
        pattern = template.strip("/").split("/")
        if len(pattern) == len(parts) and all(
            p == t or (t.startswith("{") and (PATH_PLACEHOLDER.match(p) or p.isdigit()))
            for p, t in zip(parts, pattern, strict=True)
        ):
            return str(template)
    return None


def enum_of(openapi: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    for option in [schema, *schema.get("anyOf", [])]:
        target = openapi["components"]["schemas"][option["$ref"].rsplit("/", 1)[1]] if "$ref" in option else option
        if "enum" in target:
            return [str(v) for v in target["enum"]]
    return []


def test_every_api_path_is_a_route_of_the_running_service(service: Service) -> None:
    calls = api_calls()
    assert len(calls) > 25
    wrong = []
    for call in calls:
        if call.path == "/metrics":
            continue  # not in the OpenAPI document; fetched by the fixture
        template = route_of(service.openapi, call.path)
        operation = service.openapi["paths"].get(template, {}).get(call.method.lower()) if template else None
        if operation is None:
            wrong.append(f"{call.runbook}: {call.method} {call.path} is no route")
            continue
        parameters = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
        for name, value in call.query.items():
            if name not in parameters:
                wrong.append(f"{call.runbook}: {call.method} {call.path} has no query parameter {name!r}")
            elif (allowed := enum_of(service.openapi, parameters[name]["schema"])) and value not in allowed:
                wrong.append(f"{call.runbook}: {name}={value} is not one of {allowed}")
    assert not wrong, "\n".join(wrong)


def test_the_plain_get_requests_answer_for_real(service: Service) -> None:
    """The GETs without a placeholder, sent as the runbooks write them, with a tenant admin token."""
    plain = {
        (c.path, tuple(sorted(c.query.items())))
        for c in api_calls()
        if c.method == "GET" and c.path != "/metrics" and not any(PATH_PLACEHOLDER.match(p) for p in c.path.split("/"))
    }
    assert ("/api/v1/jobs", (("state", "dead"),)) in plain
    operator_only = {"/api/v1/blocks"}  # a tenant admin is refused with 403: the runbook says OPERATOR_TOKEN
    for path, query in sorted(plain):
        answer = httpx.get(
            service.served.url + path,
            params=dict(query),
            headers={"Authorization": f"Bearer {service.admin}"},
            timeout=30,
        )
        expected = 403 if path in operator_only else 200
        assert answer.status_code == expected, (path, query, answer.text)


# --- PromQL -------------------------------------------------------------------------------------

_VENV_PROMTOOL = Path(sys.executable).parent / "promtool"  # where `make tools` puts it
PROMTOOL = str(_VENV_PROMTOOL) if _VENV_PROMTOOL.exists() else shutil.which("promtool")


def promql_expressions() -> list[tuple[str, str]]:
    """Spans written as a PromQL expression (not `NAME ≥ 3` or `{provider=…} = 1`, which are prose)."""
    return [
        (s.runbook, s.text)
        for s in SPANS
        if re.match(r"(?:tfreview_|sum\b|rate\(|time\(\))", s.text) and not re.search(r"[…≥]| = ", s.text)
    ]


@pytest.mark.skipif(PROMTOOL is None, reason="promtool is not installed: `make tools` installs it (needs apt)")
def test_promql_expressions_are_valid_for_promtool(tmp_path: Path) -> None:
    expressions = promql_expressions()
    assert len(expressions) > 40
    rules = [{"record": f"runbook:expression_{n}", "expr": e} for n, (_, e) in enumerate(expressions)]
    (tmp_path / "rules.json").write_text(json.dumps({"groups": [{"name": "runbooks", "rules": rules}]}))
    assert PROMTOOL is not None
    checked = subprocess.run(
        [PROMTOOL, "check", "rules", "rules.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    where = {f"runbook:expression_{n}": f"{rb}: `{e}`" for n, (rb, e) in enumerate(expressions)}
    assert checked.returncode == 0, checked.stdout + checked.stderr + "\n" + json.dumps(where, indent=1)


# --- SQL ----------------------------------------------------------------------------------------


def sql_statements() -> list[tuple[str, str]]:
    found = []
    for span in SPANS:
        inner = re.search(r"-c '([^']+)'", span.text)
        text = inner.group(1) if inner else span.text
        if re.match(r"(?i)select\b", text):
            found.append((span.runbook, text))
        elif re.fullmatch(r"pg_[a-z_]+", text) and text not in PG_PROGRAMS:  # a catalogue view named on its own
            found.append((span.runbook, f"select * from {text}"))
    return found


def test_sql_statements_run_against_postgresql_with_the_schema() -> None:
    statements = sql_statements()
    assert len(statements) >= 3
    admin_url = os.environ.get("TFREVIEW_TEST_POSTGRES_URL")
    if not admin_url:
        pytest.skip("TFREVIEW_TEST_POSTGRES_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    import sqlalchemy

    from tfreview.store.migrate import upgrade

    with fresh_postgres_database(admin_url, f"tfreview_rb_{uuid.uuid4().hex[:10]}") as url:
        upgrade(url)
        engine = sqlalchemy.create_engine(url)
        try:
            with engine.connect() as conn:
                for runbook, statement in statements:
                    try:
                        conn.execute(sqlalchemy.text(f"select * from ({statement}) as probe limit 0"))
                    except sqlalchemy.exc.DBAPIError as exc:
                        pytest.fail(f"{runbook}: `{statement}` fails: {str(exc.orig).splitlines()[0]}")
        finally:
            engine.dispose()
