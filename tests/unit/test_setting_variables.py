"""A misspelt `TFREVIEW_*` variable is named with the setting it most likely meant, never its value (ADR 0564)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tfreview.cli import main
from tfreview.setting_variables import unknown_variables

CANARY = "canary-secret-value-7f3a"


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("TFREVIEW_DATABSE_URL", "TFREVIEW_DATABASE__URL"),
        ("TFREVIEW_DATABASE_URL", "TFREVIEW_DATABASE__URL"),
        ("TFREVIEW_DATABASE__URLL", "TFREVIEW_DATABASE__URL"),
        ("TFREVIEW_GITHUB__WEBHOOK_SECRET", "TFREVIEW_GITHUB__WEBHOOK_SECRETS"),
        ("TFREVIEW_DOOR__TRUSTED_PROXIE", "TFREVIEW_DOOR__TRUSTED_PROXIES"),
        ("tfreview_metrics__tokn", "TFREVIEW_METRICS__TOKEN"),
    ],
)
def test_a_typo_is_named_with_the_closest_setting(typo: str, meant: str) -> None:
    [found] = unknown_variables({typo: CANARY, "PATH": "/bin"})
    assert (found.name, found.closest) == (typo, meant)


@pytest.mark.parametrize(
    "name",
    [
        "TFREVIEW_DATABASE__URL",
        "tfreview_database__url",  # pydantic-settings reads names regardless of case
        "TFREVIEW_DATABASE",  # a whole section as one JSON object
        "TFREVIEW_NOTIFY__SLACK__WEBHOOK_URL",
        "TFREVIEW_ADVISOR__PRICES__gpt-4o",  # one key of a mapping setting
        "TFREVIEW_TOKEN",  # `submit`'s
        "TFREVIEW_URL",
        "TFREVIEW_VERSION",  # the GitHub Action's and the CI recipes'
        "TFREVIEW_TEST_POSTGRES_URL",  # the test suite's
        "NOT_TFREVIEW_ANYTHING",
    ],
)
def test_settings_and_the_other_variables_tfreview_reads_are_known(name: str) -> None:
    assert unknown_variables({name: "x"}) == []


def test_nothing_close_names_no_setting() -> None:
    [found] = unknown_variables({"TFREVIEW_ZZZZZZZZZZ": "x"})
    assert found.closest is None


@pytest.mark.parametrize("command", [["db", "upgrade"], ["tokens", "list"]])
def test_a_service_command_refuses_to_start_naming_the_variable_not_its_value(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TFREVIEW_DATABSE_URL", f"postgresql://tfreview:{CANARY}@db/tfreview")
    code = main([*command, "--data-dir", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 2
    assert "TFREVIEW_DATABSE_URL (did you mean TFREVIEW_DATABASE__URL?)" in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err
    assert CANARY not in captured.err + captured.out
    assert not list(tmp_path.iterdir())  # nothing was created before refusing


def test_a_scan_warns_about_a_misspelt_setting_and_goes_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = str(Path(__file__).parents[2] / "examples" / "demo" / "plan.json")
    expected = main(["scan", plan, "-o", "json", "--soft-fail"])
    capsys.readouterr()
    monkeypatch.setenv("TFREVIEW_ADVISOR__NAEM", CANARY)
    code = main(["scan", plan, "-o", "json", "--soft-fail"])
    captured = capsys.readouterr()
    assert code == expected == 0
    warning = (
        "tfreview: warning: unknown setting variable TFREVIEW_ADVISOR__NAEM (did you mean TFREVIEW_ADVISOR__NAME?)"
    )
    assert warning in captured.err
    assert CANARY not in captured.err + captured.out


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        (  # a rotation's end misspelt: the old secret would stay valid for ever
            "TFREVIEW_GITHUB__WEBHOOK_SECRETS",
            f'[{{"value": "{CANARY}", "not_afer": "2026-01-01T00:00:00Z"}}]',
            "TFREVIEW_GITHUB__WEBHOOK_SECRETS__NOT_AFER: Extra inputs are not permitted",
        ),
        (
            "TFREVIEW_ADVISOR__PROVIDERS",
            f'[{{"provider": "openai", "model": "gpt-4o", "api_kye": "env:{CANARY}"}}]',
            "TFREVIEW_ADVISOR__PROVIDERS__API_KYE: Extra inputs are not permitted",
        ),
        (
            "TFREVIEW_ADVISOR__PRICES",
            f'{{"gpt-4o": {{"input_per_million": 2.5, "output_per_milion": 10, "x": "{CANARY}"}}}}',
            "TFREVIEW_ADVISOR__PRICES__GPT-4O__OUTPUT_PER_MILION",
        ),
    ],
)
def test_a_misspelt_key_inside_a_json_setting_is_refused_by_name(
    name: str,
    value: str,
    named: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(name, value)
    code = main(["db", "upgrade", "--data-dir", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 2
    assert named in captured.err
    assert CANARY not in captured.err + captured.out
    assert "Traceback" not in captured.err


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TFREVIEW_DOOR__TRUSTED_PROXIES", "10.0.0.0/8"),  # a list written as its one element
        ("TFREVIEW_GITHUB__WEBHOOK_SECRETS", CANARY),  # the secret itself instead of its JSON list
        ("TFREVIEW_NOTIFY__SLACK__LEVELS", "1,2"),
        ("TFREVIEW_NOTIFY__SLACK", "[" * 100_000),  # nested past the reader's depth: was exit 3 (ADR 0680)
        ("TFREVIEW_DOOR__TRUSTED_PROXIES", "[" * 100_000),
    ],
    ids=["list-as-element", "secret", "levels", "nested-section", "nested-list"],
)
def test_a_json_setting_that_is_not_json_is_named_not_its_section(
    name: str, value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TFREVIEW_DOOR__PER_IP", "600/minute")  # a plain setting of the same section, not JSON
    monkeypatch.setenv(name, value)
    code = main(["db", "upgrade", "--data-dir", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 2
    assert f"invalid settings: {name} is not valid JSON" in captured.err
    assert CANARY not in captured.err


def test_a_variable_a_setting_names_as_its_secret_s_source_is_known() -> None:
    environ = {
        "TFREVIEW_METRICS__TOKEN": "env:TFREVIEW_METRICS_TOKEN_VALUE",
        "TFREVIEW_METRICS_TOKEN_VALUE": CANARY,
        "TFREVIEW_ADVISOR__PROVIDERS": '[{"provider": "openai", "model": "m", "api_key": "env:TFREVIEW_OPENAI_KEY"}]',
        "TFREVIEW_OPENAI_KEY": CANARY,
        "TFREVIEW_OPENAI_KYE": CANARY,  # named by no reference: still a typo
    }
    assert [u.name for u in unknown_variables(environ)] == ["TFREVIEW_OPENAI_KYE"]


def test_a_variable_named_by_a_referenced_document_of_secret_versions_is_known(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `webhook_secrets_from=env:…` names a variable holding the versions' JSON, whose values may be `env:…` too
    # (run-the-service.md): the service reads all three and started on them before the typo check refused it
    monkeypatch.setenv("TFREVIEW_GITHUB__WEBHOOK_SECRETS_FROM", "env:TFREVIEW_GH_VERSIONS")
    monkeypatch.setenv("TFREVIEW_GH_VERSIONS", '[{"value": "env:TFREVIEW_GH_V1"}, {"value": "env:TFREVIEW_GH_V2"}]')
    monkeypatch.setenv("TFREVIEW_GH_V1", CANARY + "-one")
    monkeypatch.setenv("TFREVIEW_GH_V2", CANARY + "-two")
    monkeypatch.setenv("TFREVIEW_GH_V3", CANARY)  # named by nothing: still refused
    assert [u.name for u in unknown_variables(dict(os.environ))] == ["TFREVIEW_GH_V3"]
    monkeypatch.delenv("TFREVIEW_GH_V3")
    code = main(["db", "upgrade", "--data-dir", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert CANARY not in captured.err + captured.out


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        # a whole section as one JSON object is read like its variables: a misspelt key in it was ignored (the
        # database one left a scaled service on its embedded SQLite file, the ADR's own case)
        ("TFREVIEW_DATABASE", '{"urll": "postgresql+psycopg://db.internal/tfreview"}', "urll in TFREVIEW_DATABASE"),
        ("TFREVIEW_NOTIFY__SLACK", '{"levls": [1]}', "levls in TFREVIEW_NOTIFY__SLACK (did you mean levels?)"),
        ("TFREVIEW_NOTIFY", '{"Slack": {"Levls": [1]}}', "Slack.Levls in TFREVIEW_NOTIFY (did you mean slack.levels?)"),
        ("tfreview_door", '{"trusted_proxie": ["10.0.0.0/8"]}', "trusted_proxie in tfreview_door"),
    ],
)
def test_a_misspelt_key_in_a_section_written_as_json_is_refused(
    name: str,
    value: str,
    shown: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(name, value)
    code = main(["db", "upgrade", "--data-dir", str(tmp_path / "data")])
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert "refusing to start: unknown setting" in captured.err
    assert shown in captured.err
    assert "postgresql" not in captured.err  # names only, never a value
    assert "10.0.0.0" not in captured.err
    assert not (tmp_path / "data").exists()


def test_a_section_written_as_json_with_known_keys_in_any_case_is_taken() -> None:
    environ = {
        "TFREVIEW_NOTIFY": '{"Slack": {"LEVELS": [2]}, "webhook": {"url": "https://hooks.example.com/x"}}',
        "TFREVIEW_WATCHDOG": '{"escalation_channels": {"2": ["page"]}}',  # a mapping setting's own keys are free
        "TFREVIEW_ADVISOR": '{"prices": {"any/model": {"input_per_million": 1, "output_per_million": 2}}}',
        "TFREVIEW_DOOR": "not json",  # left to the JSON check, which names it
    }
    assert unknown_variables(environ) == []


PLAN = Path(__file__).resolve().parents[2] / "examples" / "demo" / "plan.json"


def test_a_scan_with_an_advisor_reads_the_advisor_settings_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # a CI job's environment may carry the service's own settings: the scan reads the advisor's, and a service
    # setting the service would refuse (no scheme, a blank secret) no longer ends the scan with exit 2
    monkeypatch.setenv("TFREVIEW_SERVER__PUBLIC_URL", "tfreview.example.com")
    monkeypatch.setenv("TFREVIEW_METRICS__TOKEN", " ")
    monkeypatch.setenv("TFREVIEW_ADVISOR__MAX_OUTPUT_TOKENS", "200")
    code = main(["scan", str(PLAN), "--advisor", "builtin", "-o", "json"])
    captured = capsys.readouterr()
    assert code == 1, captured.err  # the demo plan's findings
    assert "advisor settings" not in captured.err
    monkeypatch.setenv("TFREVIEW_ADVISOR__MAX_OUTPUT_TOKENS", "1")  # the advisor's own: still refused
    code = main(["scan", str(PLAN), "--advisor", "builtin", "-o", "json"])
    captured = capsys.readouterr()
    assert code == 2
    assert "advisor settings: advisor.max_output_tokens" in captured.err
