"""A stored tarball masks a secret however its tree spells it, and keeps its syntax and its names (ADR 0494, 0495).

The cases a hostile tester would try on `store.source_masking`: parts joined by an interpolation or `join`, a
function the review does not evaluate, a number, a comment, a script or env file beside the .tf files, a nested
provider-sensitive argument. Each stored tree is read back with the review's own reader: the same addresses."""

from __future__ import annotations

from tfreview.core.redact import SENSITIVE, assigned_secrets, mask_assignments
from tfreview.core.sensitive_attributes import source_mask, with_provider_sensitive
from tfreview.parsing.hcl_configuration import read_configuration
from tfreview.parsing.source_tree import MappingReader
from tfreview.store.source_masking import mask_source, sensitive_values_of_tree


def _stored(files: dict[str, str]) -> dict[str, str]:
    tree = sensitive_values_of_tree(files)
    return {
        path: mask_source(
            path,
            text,
            tree.values,
            unread=path in tree.unread,
            spans=tree.spans.get(path, ()),
            composed=tree.composed,
        )
        for path, text in files.items()
    }


def _same_addresses(files: dict[str, str], stored: dict[str, str]) -> None:
    before = read_configuration(MappingReader(files))
    after = read_configuration(MappingReader(stored))
    assert after.files_skipped == before.files_skipped == []
    assert after.resources.keys() == before.resources.keys()


def test_a_template_s_inner_strings_are_masked_in_order_and_the_line_kept() -> None:
    files = {
        "main.tf": 'resource "aws_db_instance" "a" {\n  engine   = "postgres"\n'
        '  password = "${"Pa55Part"}-${"W0rdPart"}"\n}\n'
    }
    stored = _stored(files)["main.tf"]
    assert "Pa55Part" not in stored
    assert "W0rdPart" not in stored
    assert f'password = "${{"{SENSITIVE}"}}{SENSITIVE}${{"{SENSITIVE}"}}"' in stored  # the template's shape kept
    assert 'engine   = "postgres"' in stored  # a literal of another argument is not a part of the secret
    _same_addresses(files, _stored(files))


def test_parts_joined_through_a_local_are_masked_where_they_are_written() -> None:
    files = {
        "main.tf": 'locals {\n  pw   = join("", ["Pa55Join", "W0rdJoin"])\n  name = "orders"\n}\n'
        'resource "aws_db_instance" "a" {\n  identifier = local.name\n  password   = local.pw\n}\n'
    }
    stored = _stored(files)["main.tf"]
    assert "Pa55Join" not in stored
    assert "W0rdJoin" not in stored
    assert 'name = "orders"' in stored
    _same_addresses(files, _stored(files))


def test_a_function_the_review_does_not_evaluate_has_its_literals_masked() -> None:
    files = {
        "main.tf": 'locals {\n  encoded = base64encode("Base64Secret-9a9a")\n}\n'
        'resource "aws_db_instance" "a" {\n  password = format("%s!", "FormatSecret-8b8b")\n}\n'
        'resource "aws_db_instance" "b" {\n  password = local.encoded\n}\n'
    }
    stored = _stored(files)["main.tf"]
    assert "Base64Secret-9a9a" not in stored
    assert "FormatSecret-8b8b" not in stored
    assert "base64encode(" in stored  # the code stays
    assert "format(" in stored
    _same_addresses(files, _stored(files))


def test_a_secret_number_is_written_as_a_masked_string_and_a_comment_keeps_its_marker() -> None:
    files = {
        "main.tf": 'resource "aws_db_instance" "a" {\n  allocated_storage = 20\n'
        "  password = 98765432101 # was: OldSecret-7c7c\n}\n"
    }
    stored = _stored(files)["main.tf"]
    assert "98765432101" not in stored
    assert "OldSecret-7c7c" not in stored
    assert f'password = "{SENSITIVE}" # {SENSITIVE}' in stored
    assert "allocated_storage = 20" in stored
    _same_addresses(files, _stored(files))


def test_a_heredoc_value_keeps_its_closing_marker_on_its_own_line() -> None:
    files = {
        "main.tf": "locals {\n  pw = <<EOT\nHeredocSecret-1d1d\nEOT\n}\n"
        'resource "aws_db_instance" "a" {\n  password = local.pw\n}\n'
    }
    stored = _stored(files)["main.tf"]
    assert "HeredocSecret-1d1d" not in stored
    assert f"<<EOT\n{SENSITIVE}\nEOT\n" in stored
    _same_addresses(files, _stored(files))


def test_a_secret_named_assignment_in_a_script_a_json_document_or_an_env_file_keeps_its_name() -> None:
    files = {
        "main.tf": 'resource "aws_instance" "web" {\n  ami       = "ami-12345678"\n  user_data = <<EOF\n'
        "export DB_PASSWORD=ExportedSecret-2e2e\nexport REGION=eu-west-1\nEOF\n}\n"
        'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = jsonencode([{\n'
        '    environment = [{ name = "API_TOKEN", value = "EcsSecret-3f3f" }]\n  }])\n}\n',
        "scripts/boot.sh": "#!/bin/sh\nexport DB_PASSWORD=ScriptSecret-4a4a\nexport REGION=eu-west-1\n",
        ".env": "DB_PASSWORD=EnvSecret-5b5b\n",
    }
    stored = _stored(files)
    text = "\n".join(stored.values())
    for canary in ("ExportedSecret-2e2e", "EcsSecret-3f3f", "ScriptSecret-4a4a", "EnvSecret-5b5b"):
        assert canary not in text, canary
    assert "export DB_PASSWORD=" in stored["main.tf"]
    assert "export REGION=eu-west-1" in stored["main.tf"]
    assert 'name = "API_TOKEN"' in stored["main.tf"]
    assert stored["scripts/boot.sh"] == "#!/bin/sh\nexport DB_PASSWORD=(redacted)\nexport REGION=eu-west-1\n"
    _same_addresses({"main.tf": files["main.tf"]}, {"main.tf": stored["main.tf"]})


def test_nested_provider_sensitive_arguments_are_masked_and_marked() -> None:
    files = {
        "main.tf": 'resource "google_compute_instance" "vm" {\n  name = "vm"\n  boot_disk {\n'
        '    disk_encryption_key_raw = "DiskKey-6c6c"\n  }\n}\n'
        'resource "helm_release" "app" {\n  name = "app"\n  dynamic "set_sensitive" {\n    for_each = ["x"]\n'
        '    content {\n      name  = "db.password"\n      value = "HelmValue-7d7d"\n    }\n  }\n}\n'
    }
    stored = _stored(files)["main.tf"]
    assert "DiskKey-6c6c" not in stored
    assert "HelmValue-7d7d" not in stored
    assert 'name  = "db.password"' in stored
    values = {"name": "vm", "boot_disk": [{"disk_encryption_key_raw": "k", "image": "debian"}]}
    assert source_mask("google_compute_instance", values) == {"boot_disk": [{"disk_encryption_key_raw": True}]}
    assert with_provider_sensitive("helm_release", None, {"set_sensitive": [{"name": "a", "value": "b"}]}) == {
        "set_sensitive": [{"value": True}]
    }


def test_assignments_that_hold_no_secret_are_left_alone() -> None:
    text = "manage_password=false; password=${DB_PASSWORD}; region=eu-west-1; arn:aws:iam::1:role/key"
    assert assigned_secrets(text) == set()
    assert mask_assignments(text) == text
    assert mask_assignments('{"name":"REGION","value":"eu-west-1"}') == '{"name":"REGION","value":"eu-west-1"}'
