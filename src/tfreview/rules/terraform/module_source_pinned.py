"""A module call's source installs fixed content: a registry module at one exact version, a git source at a
commit id; a local path is part of the configuration (ADR 0431)."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.module_calls import shown_source
from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.module_sources import unpinned

# The parsers present each `module "NAME"` block (plan mode: each `module_calls` entry of the configuration) as a
# pseudo resource: address `module.NAME` (nested: `module.a.module.b`), type `module`, values `source` and
# `version` as written; a source or version that is not a literal string reads as unknown.


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    source = resource.get("source")
    version = resource.get("version")
    if not isinstance(source, str) or not (version is None or isinstance(version, str)):
        return  # unknown: Terraform requires literals, so this configuration does not initialise anyway
    found = unpinned(source, version)
    if found is not None:
        text = shown_source(source)
        value = version if found.path == "version" else text
        yield Hit(found.path, f'module source "{text}" can change under review: {found.reason}', value)


RULE = Rule(
    id="TFR-TF-001",
    long_id="terraform-module-source-pinned",
    title="Module source can change after review (not pinned to a commit or an exact version)",
    severity=Severity.LOW,
    provider="terraform",
    category="general",
    resource_types=("module",),
    remediation="Pin what the module call installs: a git source with `?ref=` and the full commit id reviewed "
    "(`git::https://example.com/vpc.git?ref=<40-character commit id>`), a registry module with `version` set to "
    'one exact release (`version = "5.1.2"`). Keep a module you cannot pin as a local copy beside the '
    'configuration (`source = "./modules/vpc"`), which is reviewed with it.',
    description="`terraform init` fetches every module call's source, and Terraform's dependency lock file "
    "records providers, not modules: a source that names a branch, a tag, a version range or an object at a URL "
    "can install different code from what the pull request's reviewer read, without a change to the "
    "configuration (a supply-chain risk). A local path (`./`, `../`) is never flagged: it is part of the "
    "configuration. A git or Mercurial source passes with `ref` set to a commit id (7 to 40 hex digits, or 64); "
    "a registry module passes with one exact `version`, the practice Terraform's documentation recommends for "
    "third-party modules, where Checkov's CKV_TF_1 fails every registry module; an HTTP archive, `s3::` or "
    "`gcs::` source never passes. The message shows the source as written, less anything that may be a "
    "credential (a password or token in the URL, query arguments other than `ref`).",
    references=References(checkov=("CKV_TF_1", "CKV_TF_2")),
    check=check,
)
