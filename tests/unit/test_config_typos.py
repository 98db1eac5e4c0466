"""A misspelt key in `.tfreview.toml` is refused naming the key and the one it most likely meant (ADR 0564)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfreview.cli import main


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('fail_onn = "high"\n', "unknown setting(s) fail_onn (did you mean fail_on?)"),
        ("fail_on_existng = true\n", "unknown setting(s) fail_on_existng (did you mean fail_on_existing?)"),
        ("[rule]\ndisable = []\n", "unknown setting(s) rule (did you mean rules?)"),
        ('[rules]\ndisabled = ["TFR-AWS-001"]\n', "[rules]: unknown key(s) disabled (did you mean disable?)"),
        (
            '[[suppress]]\nrule = "TFR-AWS-001"\nreason = "r"\nexpire = 2026-12-31\n',
            "suppress[0]: unknown key(s) expire (did you mean expires?)",
        ),
        ('[advisor]\nnmae = "builtin"\n', "[advisor]: unknown key(s) nmae (did you mean name?)"),
    ],
)
def test_a_misspelt_key_names_the_closest_one(
    toml: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / ".tfreview.toml"
    config.write_text(toml, encoding="utf-8")
    plan = Path(__file__).parents[2] / "examples" / "demo" / "plan.json"
    code = main(["scan", str(plan), "--config", str(config), "-o", "json"])
    err = capsys.readouterr().err
    assert code == 2
    assert expected in err
    assert len(err.strip().splitlines()) == 1
