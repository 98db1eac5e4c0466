"""S2: a file that is not JSON is refused with the start of its first line quoted (`not JSON (starts with …)`); a
file given by mistake — a `.tfvars`, an `.env`, a token file — starts with a secret more often than not, and the
quote went verbatim to the terminal and the CI log (review21, session 21). The quote is scrubbed as every other
text tfreview prints: secret-named assignments and secret-shaped strings are masked before it is cut.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CANARY = "CANARYf00dCANARYf00d"
STARTS = {
    "terraform.tfvars": f'db_password = "{CANARY}"\nregion = "eu-west-1"\n',
    ".env": f"AWS_SECRET_ACCESS_KEY={CANARY}\n",
    "token.txt": f"tfr_8ab8c237fd213170_{CANARY}sTX25IsvBe7hwbBaQj8\n",
}


@pytest.mark.parametrize("name", sorted(STARTS))
@pytest.mark.parametrize("command", ["scan", "submit"])
def test_s2_the_start_of_a_file_that_is_not_json_is_quoted_scrubbed(tmp_path: Path, name: str, command: str) -> None:
    target = tmp_path / name
    target.write_text(STARTS[name])
    argv = [sys.executable, "-m", "tfreview", command, str(target)]
    if command == "submit":
        argv += ["--url", "http://127.0.0.1:9"]  # never reached: the file is refused first
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=120, check=False, env={"TFREVIEW_TOKEN": "t", "PATH": ""}
    )

    assert done.returncode == 2, done.stderr
    assert "not JSON (starts with" in done.stderr
    assert CANARY[:8] not in done.stdout + done.stderr
    assert "\n" not in done.stderr.rstrip("\n")  # one line, no traceback
