"""What a module source installs, read as Terraform's documentation of module sources describes it
(https://developer.hashicorp.com/terraform/language/modules/sources), and whether it can change under a reviewer.

* a **local path** (`./`, `../`, and `.\\`, `..\\` as Terraform also reads them) is part of the configuration:
  it is reviewed with it and never fetched;
* a **registry** address (`[hostname/]namespace/name/system[//subdirectory]`) installs the newest release that
  meets `version`; without `version`, the newest of all. Terraform's dependency lock file records providers,
  not modules, so only one exact version (`1.2.0`, `= 1.2.0`) keeps a fresh `terraform init` on the release
  the reviewer read;
* a **git** (`git::`, `github.com/…`, `git@…`, `bitbucket.org/…`) or **Mercurial** (`hg::`) source installs
  `ref`, "any reference that would be accepted by the git checkout command": only a commit id names content
  (a branch moves, a tag can be moved; without `ref`, the default branch);
* any other source (an HTTP archive, `s3::`, `gcs::`, an S3 or GCS URL) is an object that can be replaced at
  its address: there is no commit to pin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qsl

from tfreview.core.module_calls import is_registry_source

_LOCAL = ("./", "../", ".\\", "..\\")
_GIT_PREFIXES = ("git::", "hg::", "github.com/", "bitbucket.org/", "git@")


# 7 to 40 hex digits (git's abbreviations up to a full SHA-1 id), or 64 (a SHA-256 repository's); all digits
# reads as a number or date tag (`20240115`), not as an abbreviated id
@cache
def _commit() -> re.Pattern[str]:
    return re.compile(r"(?=[0-9]*[a-fA-F])[0-9a-fA-F]{7,40}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")


@cache
def _exact() -> re.Pattern[str]:
    return re.compile(r"\s*=?\s*v?[0-9]+(?:\.[0-9]+){0,2}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?\s*")


@dataclass(frozen=True, slots=True)
class Unpinned:
    """Why a module source can install other code than the reviewer read, and what pins it."""

    path: str  # the argument to blame: `source` or `version`
    reason: str


def unpinned(source: str, version: str | None) -> Unpinned | None:
    """None when `source` (with `version`) installs one fixed content, or is a local path."""
    text = source.strip()
    if text.startswith(_LOCAL):
        return None
    if is_registry_source(text):
        return _registry(version)
    if text.startswith(_GIT_PREFIXES):
        return _revision(text)
    return Unpinned(
        "source",
        "an archive or object at an address can be replaced there, and nothing in the source names its content; "
        "install the module from a git repository at a commit id, or keep a reviewed copy beside the configuration",
    )


def _registry(version: str | None) -> Unpinned | None:
    if version is None or not version.strip():
        return Unpinned(
            "source",
            "a registry module without `version`: every fresh `terraform init` installs the newest release; "
            'set `version` to the one exact release reviewed (`version = "1.2.0"`)',
        )
    if "," in version or not _exact().fullmatch(version):
        return Unpinned(
            "version",
            f'`version = "{version}"` allows a range: a fresh `terraform init` installs the newest release in it '
            "(the dependency lock file does not record modules); set the one exact release reviewed",
        )
    return None


def _revision(source: str) -> Unpinned | None:
    query = source.split("?", 1)[1] if "?" in source else ""
    ref = next((value for name, value in parse_qsl(query, keep_blank_values=True) if name == "ref"), None)
    if ref is None:
        return Unpinned(
            "source",
            "no `ref`: `terraform init` installs whatever the default branch holds then; "
            "add `?ref=` with the full commit id reviewed",
        )
    if _commit().fullmatch(ref):
        return None
    return Unpinned(
        "source",
        f"`ref={ref}` is a branch or tag, which the repository's owners can move; "
        "use `?ref=` with the full commit id reviewed",
    )
