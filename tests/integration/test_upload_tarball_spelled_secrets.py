"""A secret an uploaded tarball spells in parts, inside a script or a JSON document, or in a nested block reaches no
row, no answer and no log line; the names around it stay (ADR 0494, 0495).

The ways a hostile tester would try: literal parts joined by an interpolation, `join` or `format`, a value passed
through `base64encode` or a heredoc local, an `export DB_PASSWORD=…` in `user_data`, a container definition's
`environment` (`jsonencode`), a `templatefile` argument, a variable file in JSON, and arguments the provider's
schema calls sensitive inside nested blocks (`boot_disk.disk_encryption_key_raw`, a `set_sensitive` block). A real
`tfreview serve` (embedded worker), the tarball over raw HTTP, the review read back through the API, then every row
of the SQLite file and the serve log. The stored tree still reads to the upload's addresses."""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import tarfile
from pathlib import Path

from tests.integration.served import serving, write_token
from tests.integration.test_upload_tarball_secrets import _readable, _review, _stored_text, _tarball, _upload
from tfreview.parsing.hcl_configuration import read_configuration
from tfreview.parsing.source_tree import MappingReader

PIECES = ("Pa55CanaryInterp", "W0rdCanaryInterp", "Pa55CanaryJoin", "W0rdCanaryJoin", "CanaryFormatPart")
BASE64 = "Base64Canary-7c1d"
HEREDOC = "HeredocLocalCanary-5e2a"
EXPORTED = "ExportedCanary-91b4"
ECS = "EcsEnvCanary-33f0"
TEMPLATE = "TemplatefileCanary-6d6d"
TFVARS_JSON = "TfvarsJsonCanary-8a8a"
DISK_KEY = "NestedDiskKeyCanary-4b4b"
HELM = "HelmSetSensitiveCanary-2c2c"
CANARIES = (*PIECES, BASE64, HEREDOC, EXPORTED, ECS, TEMPLATE, TFVARS_JSON, DISK_KEY, HELM)

MAIN = f"""
locals {{
  joined  = join("", ["{PIECES[2]}", "{PIECES[3]}"])
  from_doc = <<EOT
{HEREDOC}
EOT
}}
resource "aws_db_instance" "interpolated" {{
  engine   = "postgres"
  username = "app"
  password = "${{"{PIECES[0]}"}}-${{"{PIECES[1]}"}}"
}}
resource "aws_db_instance" "joined" {{
  engine   = "postgres"
  username = "app"
  password = local.joined
}}
resource "aws_db_instance" "formatted" {{
  engine   = "postgres"
  username = "app"
  password = format("%s-%s", "{PIECES[4]}", "x")
}}
resource "aws_db_instance" "encoded" {{
  engine   = "postgres"
  username = "app"
  password = base64encode("{BASE64}")
}}
resource "aws_db_instance" "heredoc" {{
  engine   = "postgres"
  username = "app"
  password = local.from_doc
}}
resource "aws_instance" "web" {{
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  user_data     = <<EOF
#!/bin/bash
export DB_PASSWORD={EXPORTED}
EOF
}}
resource "aws_instance" "templated" {{
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  user_data     = templatefile("init.sh.tpl", {{ db_password = "{TEMPLATE}" }})
}}
resource "aws_ecs_task_definition" "app" {{
  family = "app"
  container_definitions = jsonencode([{{
    name        = "app"
    image       = "nginx"
    environment = [{{ name = "DB_PASSWORD", value = "{ECS}" }}]
  }}])
}}
resource "google_compute_instance" "vm" {{
  name         = "vm"
  machine_type = "e2-small"
  zone         = "us-central1-a"
  boot_disk {{
    disk_encryption_key_raw = "{DISK_KEY}"
  }}
}}
resource "helm_release" "app" {{
  name  = "app"
  chart = "app"
  set_sensitive {{
    name  = "db.password"
    value = "{HELM}"
  }}
}}
variable "api_token" {{
  sensitive = true
}}
resource "aws_ssm_parameter" "token" {{
  name  = "/app/token"
  type  = "SecureString"
  value = var.api_token
}}
"""
FILES = {
    "main.tf": MAIN,
    "init.sh.tpl": "export DB_PASSWORD=${db_password}\n",
    "terraform.tfvars.json": json.dumps({"api_token": TFVARS_JSON}),
}


def _stored_tree(database: Path) -> dict[str, str]:
    """The stored tarball's files: the one blob that is this upload's tar."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        for table in [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]:
            for row in connection.execute(f'SELECT * FROM "{table}"'):  # names from sqlite_master
                for cell in row:
                    if isinstance(cell, bytes) and 'resource "helm_release"' in _readable(cell):
                        return _members(cell)
    raise AssertionError("no stored tarball")


def _members(cell: bytes) -> dict[str, str]:
    while cell[:2] == b"\x1f\x8b":
        cell = gzip.decompress(cell)
    with tarfile.open(fileobj=io.BytesIO(cell), mode="r:") as archive:
        files = {member.name: archive.extractfile(member) for member in archive if member.isfile()}
        return {name: f.read().decode() for name, f in files.items() if f is not None}


def test_a_secret_spelled_in_parts_or_held_in_a_script_is_masked_everywhere(tmp_path: Path) -> None:
    data = tmp_path / "data"
    token = write_token(data, "tarball-spelled")
    with serving(data) as served:
        status, accepted = _upload(served, token, _tarball(FILES))
        assert status == 202, accepted
        review = _review(served, token, str(accepted["review"]))
        log = served.log()
    assert review["status"] == "completed", review
    answered = json.dumps(review)
    stored = _stored_text(data / "tfreview.db")
    for canary in CANARIES:
        assert canary not in stored, canary
        assert canary not in answered, canary
        assert canary not in log, canary
    assert "Traceback" not in log
    # the names stay: the variable name in the script, the argument names, the block labels
    assert "export DB_PASSWORD=(sensitive value)" in stored
    assert 'name = "DB_PASSWORD"' in stored
    assert "disk_encryption_key_raw = " in stored
    assert "aws_instance.web" in answered  # TFR-AWS-027's resource is still reviewed and named
    tree = _stored_tree(data / "tfreview.db")
    original = read_configuration(MappingReader(FILES)).resources.keys()
    assert read_configuration(MappingReader(tree)).resources.keys() == original  # the stored tree reads the same
