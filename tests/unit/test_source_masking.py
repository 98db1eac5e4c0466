"""An uploaded tarball is stored with every sensitive value masked and every name kept (ADR 0472).

Canaries stand for secrets the provider's schema alone calls sensitive (`aws_ssm_parameter.value`,
`kubernetes_secret.data`), reached through a local (`password = local.db_password`), or in a file that does not
parse. The stored copy is read back as the worker reads it: the same addresses and references as the upload."""

from __future__ import annotations

import io
import json
import tarfile

from tfreview.core.redact import SENSITIVE
from tfreview.sources.uploaded import change_set_from_tarball
from tfreview.store.plan_records import prepare_plan
from tfreview.store.source_masking import mask_source, sensitive_values_of_tree

SSM = "SsmLiteral-canary-1b2c"
LOCAL = "LocalPw-canary-77aa"
K8S = "K8sData-canary-9f0e"
BROKEN = "Broken-canary-4d4d"
MODULE = "ModuleInput-canary-31aa"
JSON = "JsonLiteral-canary-aa11"

MAIN = f"""
locals {{
  db_password = "{LOCAL}"
}}
variable "label" {{
  sensitive = true
  default   = "orders"
}}
resource "aws_ssm_parameter" "db" {{
  name  = "/app/db"
  type  = "SecureString"
  value = "{SSM}"
}}
resource "aws_db_instance" "main" {{
  engine   = "postgres"
  password = local.db_password
}}
resource "kubernetes_secret" "app" {{
  metadata {{
    name = "app"
  }}
  data = {{ DB_URL = "{K8S}" }}
}}
resource "aws_s3_bucket" "orders" {{
  bucket = "orders-bucket"
  tags   = {{ label = var.label }}
}}
resource "aws_s3_bucket_versioning" "orders" {{
  bucket = aws_s3_bucket.orders.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}
module "vault" {{
  source = "./modules/vault"
  entry  = "{MODULE}"
}}
"""
VAULT = """
variable "entry" {}
resource "google_secret_manager_secret_version" "entry" {
  secret      = "projects/p/secrets/s"
  secret_data = var.entry
}
"""
BROKEN_TF = f'resource "azurerm_key_vault_secret" "x" {{\n  value = "{BROKEN}"\n}}\nbroken {{{{{{\n'


def _tarball(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            member = tarfile.TarInfo(name)
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


def _members(content: bytes) -> dict[str, str]:
    with tarfile.open(fileobj=io.BytesIO(content), mode="r:*") as archive:
        return {m.name: archive.extractfile(m).read().decode() for m in archive if m.isfile()}  # type: ignore[union-attr]


JSON_TF = json.dumps({"resource": {"aws_ssm_parameter": {"j": {"name": "/j", "type": "String", "value": JSON}}}})
FILES = {
    "main.tf": MAIN,
    "modules/vault/main.tf": VAULT,
    "broken.tf": BROKEN_TF,
    "extra.tf.json": JSON_TF,  # not read by the review, so never evaluated: every value masked, its keys kept
    "NOTES.txt": f"ssm is {SSM}\n",
}


def test_the_stored_tarball_holds_no_sensitive_value_and_reads_with_the_same_names() -> None:
    upload = _tarball(FILES)
    finding = {
        "rule_id": "TFR-X",
        "address": "aws_s3_bucket.orders",  # a name, kept although `orders` is a sensitive value
        "message": f"found {LOCAL} in aws_s3_bucket.orders",
        "evidence": {"path": "tags.label", "value": K8S},
    }
    stored = prepare_plan(upload, "tarball", {}, [finding])
    text = "\n".join(_members(stored.content).values()) + (stored.findings or "")
    for canary in (SSM, LOCAL, K8S, BROKEN, MODULE, JSON):
        assert canary not in text, canary
    assert SENSITIVE in text
    kept = json.loads(stored.findings or "[]")[0]  # found on the original: its values masked, its names kept
    assert kept["evidence"] == {"path": "tags.label", "value": SENSITIVE}
    assert kept["message"] == f"found {SENSITIVE} in aws_s3_bucket.{SENSITIVE}"
    assert kept["address"] == "aws_s3_bucket.orders"
    members = _members(stored.content)
    assert 'resource "aws_s3_bucket" "orders" {' in members["main.tf"]  # a label equal to a sensitive value: a name
    assert "bucket = aws_s3_bucket.orders.id" in members["main.tf"]
    assert 'bucket = "(sensitive value)-bucket"' in members["main.tf"]  # the value in a literal is masked
    assert members["broken.tf"].endswith("broken {{{\n")  # what makes it unparsable is kept
    assert json.loads(members["extra.tf.json"])["resource"]["aws_ssm_parameter"]["j"]["value"] == SENSITIVE

    before = change_set_from_tarball(upload, label="upload")
    after = change_set_from_tarball(stored.content, label="upload")
    assert [c.address for c in after.changes] == [c.address for c in before.changes]
    assert after.dependencies == before.dependencies
    assert after.coverage.files_skipped == before.coverage.files_skipped
    values = {c.address: c.after for c in after.changes}
    assert values["aws_ssm_parameter.db"]["value"] == SENSITIVE  # type: ignore[index]
    assert values["module.vault.google_secret_manager_secret_version.entry"]["secret_data"] == SENSITIVE  # type: ignore[index]


def test_what_the_tree_calls_sensitive_is_evaluated() -> None:
    tree = sensitive_values_of_tree(FILES)
    assert {SSM, LOCAL, K8S, MODULE, "orders"} <= tree.values
    assert "orders-bucket" not in tree.values
    assert "/app/db" not in tree.values
    assert tree.unread == {"broken.tf", "extra.tf.json"}


def test_masking_keeps_labels_keys_references_and_template_code() -> None:
    secrets = {"orders"}
    hcl = (
        'resource "aws_s3_bucket" "orders" {\n'
        '  tags = { "orders" = "orders" }  # orders\n'
        '  name = "${aws_s3_bucket.orders.id}-orders"\n'
        '  other = var.on ? "orders" : "x"\n'
        '  escaped = "$${orders}"\n'
        "  policy = <<-EOT\n    orders ${var.orders}\n  EOT\n"
        "}\n"
    )
    masked = mask_source("main.tf", hcl, secrets)
    assert masked == (
        'resource "aws_s3_bucket" "orders" {\n'
        '  tags = { "orders" = "(sensitive value)" }  # (sensitive value)\n'
        '  name = "${aws_s3_bucket.orders.id}-(sensitive value)"\n'
        '  other = var.on ? "(sensitive value)" : "x"\n'
        '  escaped = "$${(sensitive value)}"\n'
        "  policy = <<-EOT\n    (sensitive value) ${var.orders}\n  EOT\n"
        "}\n"
    )
    document = '{"resource": {"aws_s3_bucket": {"orders": {"bucket": "orders", "tags": {"a": "${var.orders}"}}}}}'
    assert mask_source("main.tf.json", document, secrets) == (
        '{"resource": {"aws_s3_bucket": {"orders": {"bucket": "(sensitive value)", "tags": {"a": "${var.orders}"}}}}}'
    )
    assert mask_source("README.md", "the orders bucket", secrets) == "the (sensitive value) bucket"


ESCAPED = "Escaped-canary-5e5e"
HEREDOC = ("Heredoc-canary-line-1", "Heredoc-canary-line-2")
QUOTED = 'Quo\\ted"canary-6f6f'  # a password holding a backslash and a quote
TEMPLATED = "Templ${ate}-canary-7a7a"  # `$${` in the source is a literal `${`


def test_a_secret_spelled_with_escapes_or_an_indented_heredoc_is_masked_too() -> None:
    """Terraform evaluates `\\u0065`, `\\"`, `\\\\` and `$${` in a quoted string, and strips the indentation of a
    `<<-` heredoc: the value the tree calls sensitive is not the text written, so masking only the value's own
    spelling stored the secret in clear (one decoding step away)."""
    spelled = ESCAPED.replace("e", "\\u0065", 1)
    quoted = QUOTED.replace("\\", "\\\\").replace('"', '\\"')
    templated = TEMPLATED.replace("${", "$${")
    main = f"""
variable "token" {{
  sensitive = true
  default   = "{spelled}"
}}
resource "aws_db_instance" "main" {{
  engine   = "postgres"
  password = "{quoted}"
}}
resource "aws_ssm_parameter" "pem" {{
  name  = "/app/pem"
  type  = "SecureString"
  value = <<-EOT
    {HEREDOC[0]}
    {HEREDOC[1]}
    EOT
}}
resource "aws_ssm_parameter" "templated" {{
  name  = "/app/templated"
  type  = "SecureString"
  value = "{templated}"
}}
"""
    tree = sensitive_values_of_tree({"main.tf": main})
    assert {ESCAPED, QUOTED, TEMPLATED, f"{HEREDOC[0]}\n{HEREDOC[1]}\n"} <= tree.values
    stored = prepare_plan(_tarball({"main.tf": main}), "tarball", {}, [])
    text = _members(stored.content)["main.tf"]
    for leaked in (spelled, ESCAPED, "Quo\\\\ted", "canary-6f6f", "canary-7a7a", *HEREDOC):
        assert leaked not in text, leaked
    after = change_set_from_tarball(stored.content, label="upload")
    assert sorted(c.address for c in after.changes) == [
        "aws_db_instance.main",
        "aws_ssm_parameter.pem",
        "aws_ssm_parameter.templated",
    ]


def test_every_value_a_tree_gives_a_sensitive_variable_is_masked_not_only_the_one_that_wins() -> None:
    """Terraform loads terraform.tfvars, then *.auto.tfvars (a later value wins); a `-var-file` such as
    envs/prod.tfvars is loaded by no root. The value each of them gives `db_pw` is a secret however it is loaded."""
    main = 'variable "db_pw" {\n  sensitive = true\n}\nresource "aws_db_instance" "m" {\n  password = var.db_pw\n}\n'
    files = {
        "main.tf": main,
        "terraform.tfvars": 'db_pw = "Overridden-canary-2222"\n',
        "z.auto.tfvars": 'db_pw = "Winning-canary-3333"\n',
        "envs/prod.tfvars": 'db_pw = "VarFile-canary-1111"\n',
        "envs/stage.tfvars.json": '{"db_pw": "VarFileJson-canary-4444"}',
    }
    stored = prepare_plan(_tarball(files), "tarball", {}, [])
    members = _members(stored.content)
    text = "\n".join(members.values())
    for canary in ("Overridden-canary-2222", "Winning-canary-3333", "VarFile-canary-1111", "VarFileJson-canary-4444"):
        assert canary not in text, canary
    assert members["envs/prod.tfvars"] == f'db_pw = "{SENSITIVE}"\n'  # its names kept
    assert json.loads(members["envs/stage.tfvars.json"]) == {"db_pw": SENSITIVE}
    after = change_set_from_tarball(stored.content, label="upload")
    assert [c.address for c in after.changes] == ["aws_db_instance.m"]
