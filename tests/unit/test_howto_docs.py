"""What the README and the how-to guides cite exists as written: a newcomer copies it literally.

The runbooks are checked against the real thing by tests/ops/test_runbook_commands.py; the how-tos (docs/howto/*.md)
name the same kinds of things in prose and in fenced blocks. Here, from both:

- every `tfreview …` command line: each subcommand exists, each option exists for the command it is given to,
  and a literal value of an option with choices (`--scope write`, `-o sarif`) is one of them;
- every `TFREVIEW_…` variable is a setting, or one of the few other variables tfreview reads (the same check the
  service makes at start, `tfreview.setting_variables`);
- every metric name (`tfreview_…`) is in the metric catalogue (a histogram's series by their family);
- every alert id named as one ("the `queue-backlog` alert", "alert `revoked-token-used`"; in the runbooks too) is
  in the alert table;
- every `TFREVIEW_X=value` given loads (the settings model accepts it; no misspelt key in a JSON value);
- every API call written `METHOD /path?query`, and every URL of the service (`$URL/…`, `http://127.0.0.1:8080/…`),
  is a route of the service with that method and those query parameters;
- every Prometheus alert name (`TfreviewQueueBacklog`, in the runbooks too) is one `tfreview alerts export` writes;
- run-a-drill.md's table gives each scenario of `tfreview drill` its alert and that alert's response target.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import pkgutil
import re
import shlex
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from pydantic import ValidationError

import tfreview.web
from tfreview.cli import build_parser
from tfreview.ops.alert_table import load_alert_table
from tfreview.ops.metric_catalogue import BY_NAME
from tfreview.ops.prometheus_alerts import slo_alerts, table_alerts
from tfreview.ops.settings import SloSettings
from tfreview.ops.slo import service_levels
from tfreview.ops_cli.drill_scenarios import SCENARIOS
from tfreview.setting_variables import unknown_variables
from tfreview.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
HOWTOS = [ROOT / "README.md", *sorted((ROOT / "docs" / "howto").glob("*.md"))]  # the README: the newcomer's first page
FENCE = re.compile(r"```[^\n]*\n(.*?)```", re.S)
# a command as written: after optional `VAR=value` assignments and a path (`.venv/bin/tfreview`)
COMMAND = re.compile(r"(?:[A-Z_][A-Z0-9_]*=\S+\s+)*(?:\S*/)?tfreview\s+([a-z-].*)")
SHELL_END = {">", ">>", "&", "|", "||", "&&", ";", "2>&1", "<"}
# an operator's placeholder for a value or a command name: NAME, FILE.md, <source>, …, $URL
PLACEHOLDER = re.compile(r"^(?:[A-Z][A-Z0-9_.-]*|<[^>]*>|…|\.\.\.|\$\S+)$")
# what tfreview prints, quoted in a guide: not a command
QUOTED_OUTPUT = ("tfreview serving on ",)
HISTOGRAM_SUFFIXES = ("_bucket", "_count", "_sum")
# the service's address as the guides write it, then the path asked of it
SERVICE_URL = re.compile(
    r"(?:\$\{?(?:URL|TFREVIEW_URL)\}?|https?://(?:127\.0\.0\.1:\d+|[\w.-]*tfreview[\w.-]*|…))"
    r"(/(?:api|webhooks|healthz|readyz|metrics)[^\s`\"')|]*)"
)


def command_lines(text: str) -> list[str]:
    """The words after `tfreview` of every command line in `text`: each line of a fenced block (a trailing `\\`
    joins the next; a `#` comment dropped; `&&`, `;` and `|` separate commands) and each inline code span."""
    lines: list[str] = []
    for block in FENCE.findall(text):
        lines += re.sub(r"\s*\\\n\s*", " ", block).splitlines()
    prose = " ".join(FENCE.sub("", text).split())
    lines += re.findall(r"`([^`]+)`", prose)
    found = []
    for line in lines:
        for part in re.split(r"\s(?:&&|\|\||;|\|)\s", re.sub(r"(?:^|\s)#\s.*$", "", line)):
            command = re.sub(r"^(?:-|\$|run:)\s+", "", part.strip())
            if command.startswith(QUOTED_OUTPUT):
                continue
            match = COMMAND.fullmatch(command)
            if match:
                found.append(match.group(1))
    return found


parser = functools.cache(build_parser)


def subcommands(at: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser] | None:
    actions = [a for a in at._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices) if actions else None


def command_error(line: str) -> str | None:
    """What is untrue in `tfreview LINE`: an unknown subcommand or option, or a value outside an option's choices.
    Optional parts written `[--flag VALUE]` are read as given; the command may leave out required arguments."""
    try:
        words = shlex.split(line.replace("[", " ").replace("]", " "))
    except ValueError:
        words = line.replace("[", " ").replace("]", " ").split()
    at: argparse.ArgumentParser = parser()
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if word in SHELL_END or word.startswith((">", "2>")):
            break
        if word.startswith("-") and word not in ("-", "--"):
            name, _, inline = word.partition("=")
            action = at._option_string_actions.get(name)
            if action is None:
                return f"{at.prog} has no option {name}"
            if action.nargs == 0:
                continue
            value = inline
            if not inline:
                if index >= len(words):
                    continue  # named in prose: "`--scope`"
                value = words[index]
                index += 1
            if action.choices is not None and not PLACEHOLDER.match(value) and value not in action.choices:
                return f"{at.prog} {name}: {value!r} is not one of {sorted(map(str, action.choices))}"
            continue
        commands = subcommands(at)
        if commands is None:
            continue  # a positional argument
        if PLACEHOLDER.match(word):
            return None  # `tfreview drill NAME`: any of them
        if word not in commands:
            return f"{at.prog} has no subcommand {word!r} (it has {', '.join(commands)})"
        at = commands[word]
    return None


def test_the_command_check_catches_what_it_should() -> None:
    assert command_error("tokens create --tenant spacelift:acme --scope write --name hook") is None
    assert command_error("scan plan.json -o sarif --output-file results.sarif -o text") is None
    assert command_error("audit-log [--action token.create] [--limit 50] [-o json]") is None
    assert command_error("drill NAME --embedded") is None
    assert command_error("completion bash > ~/.local/share/bash-completion/completions/tfreview") is None
    assert (
        command_error("blocks")
        == f"tfreview has no subcommand 'blocks' (it has {', '.join(subcommands(parser()) or {})})"
    )
    assert command_error("tokens mint") is not None
    assert command_error("reconcile --github-delivery") == "tfreview reconcile has no option --github-delivery"
    assert command_error("tokens create --scope owner") is not None
    assert command_lines("run `.venv/bin/tfreview scan .`\n```sh\nTFREVIEW_X=1 tfreview slo  # why\n```\n") == [
        "slo",
        "scan .",
    ]
    assert command_lines("```sh\ntfreview scan a \\\n  -o text && tfreview rules list\n```\n") == [
        "scan a -o text",
        "rules list",
    ]


@pytest.mark.parametrize("howto", HOWTOS, ids=lambda p: p.name)
def test_every_tfreview_command_in_the_howto_exists(howto: Path) -> None:
    wrong = [
        f"`tfreview {line}`: {error}" for line in command_lines(howto.read_text()) if (error := command_error(line))
    ]
    assert not wrong, "\n".join(wrong)


def test_the_howtos_name_commands() -> None:
    assert sum(len(command_lines(p.read_text())) for p in HOWTOS) > 100


def test_every_tfreview_variable_in_the_howtos_is_read() -> None:
    named: dict[str, str] = {}
    for howto in HOWTOS:
        for name in re.findall(r"\bTFREVIEW_[A-Z0-9_]*[A-Z0-9]", howto.read_text()):
            named.setdefault(name, howto.name)
    assert len(named) > 80
    unknown = unknown_variables(dict.fromkeys(named, ""))
    assert not unknown, "\n".join(f"{named[u.name]}: {u}" for u in unknown)


def test_every_metric_in_the_howtos_is_in_the_catalogue() -> None:
    wrong = []
    count = 0
    for howto in HOWTOS:
        # not a database's name (`…/tfreview_new`, `tfreview_verify_<random>`)
        for name in set(re.findall(r"(?<![/\w])tfreview_[a-z0-9_]*[a-z0-9](?![\w<])", howto.read_text())):
            count += 1
            family = next((name.removesuffix(s) for s in HISTOGRAM_SUFFIXES if name.removesuffix(s) in BY_NAME), name)
            if family not in BY_NAME:
                wrong.append(f"{howto.name}: {name}")
    assert count > 10
    assert not wrong, "\n".join(wrong)


def test_every_alert_the_howtos_and_runbooks_name_is_in_the_alert_table() -> None:
    alerts = {rule.id for rule in load_alert_table()} | {slo.alert_id for slo in service_levels(SloSettings())}
    wrong = []
    count = 0
    for howto in [*HOWTOS, *sorted((ROOT / "docs" / "runbooks").glob("*.md"))]:
        prose = " ".join(howto.read_text().split())
        for name in re.findall(
            r"`([a-z0-9]+(?:-[a-z0-9]+)+)` alert\b(?! action)|\balerts? `([a-z0-9]+(?:-[a-z0-9]+)+)`", prose
        ):
            count += 1
            alert = name[0] or name[1]
            if alert not in alerts:
                wrong.append(f"{howto.name}: {alert}")
    assert count > 5
    assert not wrong, "\n".join(wrong)


@functools.cache
def api_routes() -> list[APIRoute]:
    """The routes of the service's routers (the modules of `tfreview.web` with a `router`)."""
    found = []
    for module in pkgutil.iter_modules(tfreview.web.__path__):
        router = getattr(importlib.import_module(f"tfreview.web.{module.name}"), "router", None)
        found += [route for route in getattr(router, "routes", []) if isinstance(route, APIRoute)]
    return found


def routes() -> dict[str, set[str]]:
    """Each path template, its methods."""
    found: dict[str, set[str]] = {}
    for route in api_routes():
        found.setdefault(route.path, set()).update(route.methods)
    return found


def query_parameters(path: str, method: str) -> set[str]:
    """The query parameters of the route (of any of its methods for "any")."""
    return {
        parameter.alias
        for route in api_routes()
        if route.path == path and (method == "any" or method in route.methods)
        for parameter in route.dependant.query_params
    }


def route_of(path: str, templates: dict[str, set[str]]) -> str | None:
    """The template `path` is an instance of: a `{…}`, `ID` or `…` stands for any one segment."""
    parts = path.strip("/").split("/")
    for template in templates:
        pattern = template.strip("/").split("/")
        if len(pattern) == len(parts) and all(
            p == t or (t.startswith("{") and (p.startswith("{") or PLACEHOLDER.match(p) is not None))
            for p, t in zip(parts, pattern, strict=True)
        ):
            return template
    return None


def test_every_api_call_in_the_howtos_is_a_route() -> None:
    templates = routes()
    assert route_of("/api/v1/reviews/{id}/retry", templates) == "/api/v1/reviews/{review_id}/retry"
    assert route_of("/api/v1/review/ID", templates) is None
    calls = set()
    for howto in HOWTOS:
        for line in howto.read_text().splitlines():
            for method, target in re.findall(r"\b(GET|POST|PUT|PATCH|DELETE) (/[^\s`\"')]+)", line):
                calls.add((howto.name, method, target))
            for target in SERVICE_URL.findall(line):  # a curl's, or an address to configure: any method
                method = (re.findall(r"-X\s*([A-Z]+)", line) or ["any"])[0]
                calls.add((howto.name, method, target))
    assert len(calls) > 12
    wrong = []
    for name, method, target in sorted(calls):
        path, _, query = target.partition("?")
        template = route_of(path, templates)
        if template is None or not (method == "any" or method in templates[template]):
            wrong.append(f"{name}: {method} {path} is no route")
            continue
        for parameter in (pair.split("=", 1)[0] for pair in query.split("&") if pair):
            if parameter not in query_parameters(template, method):
                wrong.append(f"{name}: {method} {path} has no query parameter {parameter!r}")
    assert not wrong, "\n".join(wrong)


def test_the_drill_table_names_each_scenario_its_alert_and_target() -> None:
    """run-a-drill.md's table: every scenario of `tfreview drill`, with the alert it drills and that row's target."""
    rules = {rule.id: rule for rule in load_alert_table()}
    text = (ROOT / "docs" / "howto" / "run-a-drill.md").read_text()
    rows = {
        name: (alert, int(minutes))
        for name, alert, minutes in re.findall(r"^\| `([a-z-]+)` \|.*\| `([a-z-]+)` \| (\d+) min \|$", text, re.M)
    }
    assert set(rows) == set(SCENARIOS)
    for name, scenario in SCENARIOS.items():
        assert rows[name] == (scenario.alert_id, rules[scenario.alert_id].response_minutes), name
        row = text.split(f"| `{name}` |", 1)[1].split("\n", 1)[0]
        assert scenario.embedded_only == ("`--embedded` only" in row), name


def given_values() -> list[tuple[str, str, str]]:
    """(how-to, variable, value) of every `TFREVIEW_X=value` the guides give, in fenced blocks and inline code; a
    value with a placeholder (`…`, `<secret>`, `$VAR`) or naming a file (`file:/run/secrets/…`) is left out."""
    found = []
    assignment = re.compile(r"(?:^|\s)(TFREVIEW_[A-Z0-9_]+)=('[^']*'|\"(?:[^\"\\]|\\.)*\"|[^\s'\"]+)")
    for howto in HOWTOS:
        text = howto.read_text()
        for chunk in FENCE.findall(text) + re.findall(r"`([^`]+)`", FENCE.sub("", text)):
            for name, raw in assignment.findall(chunk):
                value = shlex.split(raw)[0] if raw not in ("''", '""') else ""
                if not re.search(r"…|<|\$|file:", value):
                    found.append((howto.name, name, value))
    return found


def test_the_setting_values_the_howtos_give_load(monkeypatch: pytest.MonkeyPatch) -> None:
    given = given_values()
    assert len(given) > 50
    for key in list(os.environ):
        if key.startswith("TFREVIEW_"):
            monkeypatch.delenv(key)
    wrong = []
    for howto, name, value in given:
        monkeypatch.setenv(name, value)
        try:
            Settings()
        except ValidationError as exc:
            wrong.append(f"{howto}: {name}={value} is refused: {exc.errors()[0]['msg']}")
        wrong += [f"{howto}: {name}={value}: {unknown}" for unknown in unknown_variables({name: value})]
        monkeypatch.delenv(name)
    assert not wrong, "\n".join(wrong)


def test_every_prometheus_alert_name_in_the_docs_is_exported() -> None:
    """The name Alertmanager shows (a runbook's "Alert `TfreviewQueueBacklog`") is one `alerts export` writes."""
    exported = {
        alert.alert
        for alert in [
            *table_alerts(load_alert_table(), "x"),
            *slo_alerts(service_levels(SloSettings()), "x"),
        ]
    }
    documents = [*HOWTOS, *sorted((ROOT / "docs" / "runbooks").glob("*.md")), ROOT / "docs" / "reference" / "alerts.md"]
    named = {
        (document.name, name)
        for document in documents
        for name in re.findall(r"`(Tfreview[A-Z][A-Za-z0-9]*)`", document.read_text())
    }
    assert len(named) > 40
    wrong = [f"{document}: {name}" for document, name in sorted(named) if name not in exported]
    assert not wrong, "\n".join(wrong)
