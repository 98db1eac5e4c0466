"""Run a composite GitHub Action's steps here, the way the runner does, with the GitHub environment set.

    result = run_action(ROOT / "action.yml", inputs={"path": "plan.json"}, workspace=tmp_path / "ws",
                        temp=runner_temp, files=tmp_path / "run", github={"GITHUB_EVENT_PATH": ..., ...})
    result.outputs["verdict"], result.returncode, result.log

What the real runner does and this does too: each `run:` step goes to `bash --noprofile --norc -eo
pipefail FILE` in its `working-directory` with its `env:`; `${{ inputs.* }}`, `${{ github.* }}` and
`${{ steps.<id>.outputs.* }}` are expanded; every step gets a fresh `GITHUB_OUTPUT` file, read back
afterwards; `GITHUB_PATH` and `GITHUB_ENV` carry over to later steps; `GITHUB_STEP_SUMMARY` is one file;
the first failing step stops the run. `temp` is RUNNER_TEMP (share it to keep the installed venv);
`files` holds this run's own files (summary, outputs, step scripts). What it does not: `uses:` steps
(other actions are not fetched here — recorded in `skipped`), and expressions beyond those above
and `if: inputs.X != ''` / `== 'v'` (anything else raises, so the action cannot grow an expression this runner ignores).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_NOT_INHERITED = ("GITHUB_", "RUNNER_", "INPUT_", "TFREVIEW_", "PYTEST_", "VIRTUAL_ENV")
_CONDITION = re.compile(r"^inputs\.([A-Za-z0-9_-]+)\s*(==|!=)\s*'([^']*)'$")


@dataclass
class ActionResult:
    returncode: int
    outputs: dict[str, str]
    step_outputs: dict[str, dict[str, str]]
    log: str
    summary: str
    skipped: list[str] = field(default_factory=list)


def run_action(
    action_file: Path,
    *,
    inputs: Mapping[str, str],
    workspace: Path,
    temp: Path,
    files: Path,
    github: Mapping[str, str],
    extra_env: Mapping[str, str] | None = None,
    timeout: float = 600,
) -> ActionResult:
    action = yaml.safe_load(action_file.read_text(encoding="utf-8"))
    declared = action.get("inputs") or {}
    unknown = set(inputs) - set(declared)
    if unknown:
        raise ValueError(f"inputs not declared by the action: {sorted(unknown)}")
    temp.mkdir(parents=True, exist_ok=True)
    files.mkdir(parents=True, exist_ok=True)
    summary_file = files / "step-summary.md"
    path_file = files / "github-path"
    env_file = files / "github-env"
    for file in (summary_file, path_file, env_file):
        file.touch()
    github_context = {
        "action_path": str(action_file.parent),
        "token": github.get("GITHUB_TOKEN", ""),
        "workspace": str(workspace),
    }
    steps: dict[str, Any] = {}
    context: dict[str, Any] = {"inputs": {}, "github": github_context, "steps": steps}
    for name, spec in declared.items():
        value = inputs.get(name, str((spec or {}).get("default", "")))
        context["inputs"][name] = _expand(value, context)
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(_NOT_INHERITED)}
    base_env = {
        **inherited,  # a runner's steps see the machine's environment (certificates, proxies, caches)
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "RUNNER_TEMP": str(temp),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_STEP_SUMMARY": str(summary_file),
        "GITHUB_PATH": str(path_file),
        "GITHUB_ENV": str(env_file),
        "GITHUB_ACTION_PATH": str(action_file.parent),
        **github,
        **(extra_env or {}),
    }
    log: list[str] = []
    skipped: list[str] = []
    for index, step in enumerate(action["runs"]["steps"]):
        label = step.get("name") or step.get("id") or f"step {index}"
        if "if" in step and not _condition(str(step["if"]), context):
            continue
        if "uses" in step:
            skipped.append(f"{label}: uses {step['uses']}")
            continue
        env = dict(base_env)
        env.update(_read_env_file(env_file))
        added = [line for line in path_file.read_text(encoding="utf-8").splitlines() if line]
        env["PATH"] = os.pathsep.join([*reversed(added), env["PATH"]])
        env.update({k: _expand(str(v), context) for k, v in (step.get("env") or {}).items()})
        output_file = files / f"output-{index}"
        output_file.write_text("", encoding="utf-8")
        env["GITHUB_OUTPUT"] = str(output_file)
        script = files / f"step-{index}.sh"
        script.write_text(str(step["run"]), encoding="utf-8")
        directory = workspace / _expand(str(step.get("working-directory", ".")), context)
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=directory,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        log.append(f"## {label}\n{completed.stdout}{completed.stderr}")
        if "id" in step:
            steps[step["id"]] = {"outputs": _read_env_file(output_file)}
        if completed.returncode != 0:
            return _result(completed.returncode, action, context, steps, log, summary_file, skipped)
    return _result(0, action, context, steps, log, summary_file, skipped)


def _result(
    code: int,
    action: Mapping[str, Any],
    context: Mapping[str, Any],
    steps: Mapping[str, Any],
    log: list[str],
    summary: Path,
    skipped: list[str],
) -> ActionResult:
    outputs = {name: _expand(str(spec["value"]), context) for name, spec in (action.get("outputs") or {}).items()}
    return ActionResult(
        returncode=code,
        outputs=outputs,
        step_outputs={k: dict(v["outputs"]) for k, v in steps.items()},
        log="\n".join(log),
        summary=summary.read_text(encoding="utf-8"),
        skipped=skipped,
    )


def _expand(text: str, context: Mapping[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        parts = match[1].split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return str(context["inputs"].get(parts[1], ""))
        if parts[0] == "github" and len(parts) == 2 and parts[1] in context["github"]:
            return str(context["github"][parts[1]])
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return str(context["steps"].get(parts[1], {}).get("outputs", {}).get(parts[3], ""))
        raise ValueError(f"this runner does not evaluate ${{{{ {match[1]} }}}}")

    return _EXPRESSION.sub(value, text)


def _condition(text: str, context: Mapping[str, Any]) -> bool:
    match = _CONDITION.match(text.strip())
    if match is None:
        raise ValueError(f"this runner does not evaluate the condition {text!r}")
    actual = str(context["inputs"].get(match[1], ""))
    return (actual == match[3]) if match[2] == "==" else (actual != match[3])


def _read_env_file(path: Path) -> dict[str, str]:
    """`name=value` lines and `name<<DELIMITER` blocks, as in GITHUB_OUTPUT and GITHUB_ENV."""
    values: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body: list[str] = []
            index += 1
            while index < len(lines) and lines[index] != delimiter:
                body.append(lines[index])
                index += 1
            values[name] = "\n".join(body)
        elif "=" in line:
            name, _, value = line.partition("=")
            values[name] = value
        index += 1
    return values
