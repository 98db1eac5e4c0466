"""A secret written in an uploaded tarball of .tf files reaches no row, no answer and no log line (ADR 0472).

Canaries stand for what only the provider's schema calls sensitive (`aws_ssm_parameter.value`, `kubernetes_secret`'s
`data`), what reaches a secret-named argument through a local, and a literal in a file that does not parse. A real
`tfreview serve` (embedded worker), the tarball over raw HTTP, the review read back through the API, then every
row of the SQLite file (stored plans and tarballs are gzip) and the serve log. A tarball refused at the door
(a link member) stores nothing and its answer names no canary."""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import tarfile
import time
from pathlib import Path

from tests.integration.door_requests import request
from tests.integration.served import Served, serving, write_token

WAIT = 60.0  # a bound on a loaded CI machine, not a threshold
SSM = "CorrectHorseTarball-canary-5e1b"
LOCAL = "LocalPassword-canary-77aa"
K8S = "KubeData-canary-9f0e"
BROKEN = "UnparsedFile-canary-4d4d"
REFUSED = "RefusedUpload-canary-0c0c"
CANARIES = (SSM, LOCAL, K8S, BROKEN)

MAIN = f"""
locals {{
  db_password = "{LOCAL}"
}}
resource "aws_ssm_parameter" "db" {{
  name  = "/app/db"
  type  = "SecureString"
  value = "{SSM}"
}}
resource "aws_db_instance" "main" {{
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  allocated_storage = 20
  username          = "app"
  password          = local.db_password
}}
resource "kubernetes_secret" "app" {{
  metadata {{
    name = "app"
  }}
  data = {{ DB_URL = "{K8S}" }}
}}
"""
BROKEN_TF = f'resource "azurerm_key_vault_secret" "x" {{\n  value = "{BROKEN}"\n}}\nbroken {{{{{{\n'
# spelled otherwise than it evaluates (an escape, an indented heredoc), or given by a variable file whose value is
# overridden or that no root loads (ADR 0484): the parts after the escape are what must not be stored
ESCAPED_TAIL = "ped-canary-3c3c"
HEREDOC_LINES = ("HeredocLine-canary-6a6a", "HeredocSecond-canary-6b6b")
OVERRIDDEN = "OverriddenTfvars-canary-2e2e"
VAR_FILE = "VarFile-canary-1f1f"
SPELLED = f"""
variable "db_pw" {{
  sensitive = true
}}
resource "aws_ssm_parameter" "escaped" {{
  name  = "/app/escaped"
  type  = "SecureString"
  value = "Esc\\u0061{ESCAPED_TAIL}"
}}
resource "aws_ssm_parameter" "pem" {{
  name  = "/app/pem"
  type  = "SecureString"
  value = <<-EOT
    {HEREDOC_LINES[0]}
    {HEREDOC_LINES[1]}
    EOT
}}
resource "aws_db_instance" "other" {{
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  allocated_storage = 20
  username          = "app"
  password          = var.db_pw
}}
"""
VARIABLE_FILES = {
    "terraform.tfvars": f'db_pw = "{OVERRIDDEN}"\n',
    "z.auto.tfvars": 'db_pw = "Winning-canary-9d9d"\n',
    "envs/prod.tfvars": f'db_pw = "{VAR_FILE}"\n',
}


def _tarball(files: dict[str, str], *, link: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            member = tarfile.TarInfo(name)
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
        if link is not None:
            member = tarfile.TarInfo(link)
            member.type = tarfile.SYMTYPE
            member.linkname = "/etc/passwd"
            archive.addfile(member)
    return buffer.getvalue()


def _readable(cell: bytes) -> str:
    """A blob as text: gzip layers undone (a stored tarball is a .tar.gz, gzipped again), a tar's members read."""
    while cell[:2] == b"\x1f\x8b":
        cell = gzip.decompress(cell)
    if cell[257:262] == b"ustar":
        with tarfile.open(fileobj=io.BytesIO(cell), mode="r:") as archive:
            files = [archive.extractfile(member) for member in archive if member.isfile()]
            return "\n".join(f.read().decode("utf-8", "replace") for f in files if f is not None)
    return cell.decode("utf-8", "replace")


def _stored_text(database: Path) -> str:
    """Every text and blob of every table."""
    parts: list[str] = []
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):  # names from sqlite_master
                parts.extend(_readable(c) if isinstance(c, bytes) else c for c in row if isinstance(c, bytes | str))
    return "\n".join(parts)


def _upload(served: Served, token: str, body: bytes) -> tuple[int, dict[str, object]]:
    answer = request(
        served.port,
        "POST",
        "/api/v1/plans?repository=octo/infra",
        body=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/gzip"},
    )
    return answer.status, answer.json()


def _review(served: Served, token: str, review: str) -> dict[str, object]:
    deadline = time.monotonic() + WAIT
    while True:
        found = request(served.port, "GET", f"/api/v1/reviews/{review}", headers={"Authorization": f"Bearer {token}"})
        document = found.json()
        if (
            document.get("status") not in ("queued", "in_progress", "running", "pending", None)
            or time.monotonic() > deadline
        ):
            return document
        time.sleep(0.1)


def test_a_secret_in_an_uploaded_tarball_is_masked_everywhere(tmp_path: Path) -> None:
    data = tmp_path / "data"
    token = write_token(data, "tarball-secrets")
    with serving(data) as served:
        refused_status, refused = _upload(served, token, _tarball({"main.tf": f"# {REFUSED}\n"}, link="escape.tf"))
        files = {"main.tf": MAIN, "broken.tf": BROKEN_TF, "spelled.tf": SPELLED, **VARIABLE_FILES}
        status, accepted = _upload(served, token, _tarball(files))
        assert status == 202, accepted
        review = _review(served, token, str(accepted["review"]))
        log = served.log()
    assert refused_status == 422, refused
    assert REFUSED not in json.dumps(refused)
    assert review["status"] == "completed", review
    answered = json.dumps(review)
    assert "aws_ssm_parameter.db" in answered
    assert "aws_db_instance.main" in answered
    assert "broken.tf" in answered  # the file that does not parse is still named in the coverage
    stored = _stored_text(data / "tfreview.db")
    assert 'resource "aws_ssm_parameter" "db"' in stored  # the stored tarball is read back whole
    assert "(sensitive value)" in stored
    assert 'resource "aws_ssm_parameter" "escaped"' in stored  # its file stored, names kept, the literal masked
    for canary in (*CANARIES, ESCAPED_TAIL, *HEREDOC_LINES, OVERRIDDEN, "Winning-canary-9d9d", VAR_FILE):
        assert canary not in stored, canary
        assert canary not in answered, canary
        assert canary not in log, canary
    assert REFUSED not in stored
    assert REFUSED not in log
    assert "Traceback" not in log


NESTED_SSM = "NestedNeighbour-canary-6806"
NESTED_TF = f"""
resource "aws_instance" "web" {{
  ami       = "ami-12345678"
  user_data = "{"[" * 5000}{"]" * 5000}"
}}
resource "aws_ssm_parameter" "beside" {{
  name  = "/app/beside"
  type  = "SecureString"
  value = "{NESTED_SSM}"
}}
"""


def test_a_string_of_json_nested_past_the_readers_depth_is_no_json_and_the_upload_is_reviewed(tmp_path: Path) -> None:
    """A .tf string that looks like JSON nested past the standard library reader's depth raised a RecursionError out
    of the search for secret-named arguments in JSON strings: the upload answered 500 (ADR 0680)."""
    data = tmp_path / "data"
    token = write_token(data, "tarball-nested")
    with serving(data) as served:
        status, accepted = _upload(served, token, _tarball({"main.tf": NESTED_TF}))
        assert status == 202, accepted
        review = _review(served, token, str(accepted["review"]))
        log = served.log()
    assert review["status"] == "completed", review
    assert "aws_instance.web" in json.dumps(review)
    stored = _stored_text(data / "tfreview.db")
    assert 'resource "aws_ssm_parameter" "beside"' in stored
    assert NESTED_SSM not in stored
    assert NESTED_SSM not in log
    assert "Traceback" not in log
