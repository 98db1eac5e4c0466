"""`tfreview completion bash|zsh|fish`: generated from the parser, valid in each shell, and it completes.

Each script is checked by its own shell (`bash -n`, `zsh -n`, `fish -n`) and then asked for real
completions. `make test` installs zsh and fish from apt where it can (`make tools`); where a shell is
missing the case is skipped and says so.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tfreview.cli import build_parser, main
from tfreview.completion import SHELLS, commands, completion_script


def _shell(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (`make tools` installs it from apt as root)")
    return found


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, check=False, capture_output=True, text=True, timeout=60)


def _script(tmp_path: Path, shell: str) -> Path:
    path = tmp_path / f"tfreview.{shell}"
    path.write_text(completion_script(shell, build_parser()), encoding="utf-8")
    return path


def test_the_table_follows_the_parser() -> None:
    table = {c.path: c for c in commands(build_parser())}
    assert {"", "scan", "rules list", "tokens create", "completion"} <= set(table)
    assert ("scan", "review a plan JSON file or a directory of .tf files") in table[""].subcommands
    output = next(o for o in table["scan"].options if "--output" in o.flags)
    assert output.takes_value
    assert "sarif" in output.choices
    assert table["completion"].positional_choices == SHELLS
    soft_fail = next(o for o in table["scan"].options if "--soft-fail" in o.flags)
    assert not soft_fail.takes_value


def test_the_cli_prints_the_script(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "bash"]) == 0
    assert "complete -o filenames -F _tfreview tfreview" in capsys.readouterr().out


def test_an_unknown_shell_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["completion", "powershell"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'powershell'" in capsys.readouterr().err


@pytest.mark.parametrize(("shell", "check"), [("bash", ["-n"]), ("zsh", ["-n"]), ("fish", ["--no-execute"])])
def test_each_shell_parses_its_script(tmp_path: Path, shell: str, check: list[str]) -> None:
    binary = _shell(shell)
    result = _run(binary, *check, str(_script(tmp_path, shell)))
    assert result.returncode == 0, result.stderr


BASH_CASES = [
    (["tfreview", "sc"], ["scan"]),
    (["tfreview", "rules", ""], ["list", "show"]),
    (["tfreview", "scan", "-o", ""], ["text", "json", "sarif", "junit", "markdown", "github"]),
    (["tfreview", "--debug", "scan", "--fail-on", "high", "--so"], ["--soft-fail", "--source"]),
    (["tfreview", "rules", "list", "--provider", "a"], ["aws", "azure"]),
    (["tfreview", "completion", ""], ["bash", "zsh", "fish"]),
    (["tfreview", "tokens", "create", "--scope", "w"], ["write"]),
]


@pytest.mark.parametrize(("words", "expected"), BASH_CASES, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_bash_completes(tmp_path: Path, words: list[str], expected: list[str]) -> None:
    script = _script(tmp_path, "bash")
    array = " ".join(f"'{w}'" for w in words)
    program = (
        f"source {script}; COMP_WORDS=({array}); COMP_CWORD={len(words) - 1}; "
        '_tfreview; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    result = _run(_shell("bash"), "-c", program)
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.split()) == sorted(expected)


def test_bash_completes_files_where_a_path_goes(tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text("{}", encoding="utf-8")
    script = _script(tmp_path, "bash")
    program = f"cd {tmp_path}; source {script}; COMP_WORDS=(tfreview scan pl); COMP_CWORD=2; _tfreview; "
    program += "echo ${COMPREPLY[@]}"
    result = _run(_shell("bash"), "-c", program)
    assert result.stdout.split() == ["plan.json"]


def test_zsh_completes(tmp_path: Path) -> None:
    script = _script(tmp_path, "zsh")
    # compadd is replaced by a function that prints what it was given (zsh prefers functions to builtins)
    program = (
        f"autoload -U compinit; compinit -u -d {tmp_path}/zcompdump; source {script}; "
        'compadd() { print -r -- "$@" }; '
        "words=(tfreview rules ''); CURRENT=3; _tfreview; "
        "words=(tfreview scan --output ''); CURRENT=4; _tfreview"
    )
    result = _run(_shell("zsh"), "-f", "-c", program)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["-- list show", "-- text json sarif junit markdown github"]


def test_fish_completes_with_descriptions(tmp_path: Path) -> None:
    script = _script(tmp_path, "fish")
    program = f'source {script}; complete -C"tfreview rules "; echo ---; complete -C"tfreview scan --output j"'
    result = _run(_shell("fish"), "--no-config", "-c", program)
    assert result.returncode == 0, result.stderr
    listed, _, values = result.stdout.partition("---\n")
    assert listed.splitlines() == ["list\tlist every rule", "show\tshow one rule"]
    assert values.split() == ["json", "junit"]
