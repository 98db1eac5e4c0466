"""`null` or a wrong type at each level of the plan format, through the real CLI: the parts a review needs
(`resource_changes` entries, their `change`, its actions) are refused in one line naming the entry; the optional
parts (values, configuration, modules, state, drift, outputs) read as absent and the review goes on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PLAN = json.loads(
    (Path(__file__).parents[1] / "data" / "plans" / "corpus" / "tfjson__registry_module__plan.json").read_text()
)


def _with(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    document = json.loads(json.dumps(PLAN))
    holder = document
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    return document


def _scan(tmp_path: Path, document: Any) -> subprocess.CompletedProcess[bytes]:
    (tmp_path / "plan.json").write_text(json.dumps(document))
    return subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", str(tmp_path / "plan.json"), "-o", "json"],
        capture_output=True,
        check=False,
        timeout=60,
    )


OPTIONAL: list[tuple[str | int, ...]] = [
    ("configuration",),
    ("configuration", "root_module"),
    ("configuration", "root_module", "module_calls"),
    ("configuration", "root_module", "module_calls", "module"),
    ("configuration", "root_module", "module_calls", "module", "module"),
    ("planned_values",),
    ("planned_values", "root_module", "child_modules"),
    ("prior_state",),
    ("output_changes",),
]
# null only: a list the review walks, or a resource's values (another type there is refused, below)
NULL_ONLY: list[tuple[str | int, ...]] = [
    ("resource_changes",),
    ("resource_drift",),
    ("resource_changes", 0, "change", "before"),
    ("resource_changes", 0, "change", "after"),
    ("resource_changes", 0, "change", "after_unknown"),
]


@pytest.mark.parametrize(
    ("path", "value"),
    [(path, value) for path in OPTIONAL for value in (None, "x", 7, [])] + [(path, None) for path in NULL_ONLY],
)
def test_an_optional_part_null_or_of_another_type_reads_as_absent(
    tmp_path: Path, path: tuple[str | int, ...], value: Any
) -> None:
    answer = _scan(tmp_path, _with(path, value))
    assert answer.returncode in (0, 1), answer.stderr
    assert answer.stderr == b""
    assert json.loads(answer.stdout)["verdict"] in ("pass", "warn", "fail")


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        (("resource_changes", 0), None, "resource_changes[0] has no address"),
        (("resource_changes", 0, "change"), None, "has no `change` object"),
        (("resource_changes", 0, "change"), "x", "has no `change` object"),
        (("resource_changes", 0, "change", "actions"), None, "has no list of actions"),
        (("resource_changes", 0, "change", "actions"), "create", "has no list of actions"),
        (("resource_changes", 0, "change", "after"), "x", "`change.after` is a string, expected an object or null"),
        (("resource_changes", 0, "change", "after_unknown"), [], "`change.after_unknown` is an array"),
        (("resource_changes",), "x", "`resource_changes` is a string, expected a list"),
        (("resource_drift",), {}, "`resource_drift` is an object, expected a list"),
        (("format_version",), None, "plan format_version is null"),
    ],
)
def test_a_part_the_review_needs_is_refused_in_one_line(
    tmp_path: Path, path: tuple[str | int, ...], value: Any, words: str
) -> None:
    answer = _scan(tmp_path, _with(path, value))
    assert answer.returncode == 2, answer.stderr
    line = answer.stderr.decode()
    assert line.count("\n") == 1, line
    assert words in line, line


@pytest.mark.parametrize("document", [None, "plan", 7, True, [PLAN]])
def test_a_document_that_is_not_an_object_is_named_in_json_words(tmp_path: Path, document: Any) -> None:
    answer = _scan(tmp_path, document)
    assert answer.returncode == 2, answer.stderr
    line = answer.stderr.decode()
    assert "not a Terraform plan: this is " in line, line
    assert not any(word in line for word in ("NoneType", "JSON str", "JSON int", "JSON bool")), line
