"""Module calls read as pseudo resources, so rules judge a `module` block like any resource (ADR 0431).

Each `module "NAME"` block of the root module and of every module read below it (HCL mode), or each entry of a
plan's `configuration.root_module.module_calls` at any depth (plan mode), becomes the pseudo resource
`module.NAME` (nested: `module.a.module.b`, without instance keys: `terraform init` installs a call's source
once, whatever its `count` or `for_each`) of type `module`, whose values are `source` and, when written,
`version`. Like a provider configuration, it is not a resource of the change: coverage does not count it and the
list of changes does not show it.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from tfreview.core.plan import ResourceChange, strip_index
from tfreview.core.redact import REDACTED

MODULE_CALL_TYPE = "module"  # no provider's resource type: theirs all hold `_` (`aws_s3_bucket`)

_ADDRESS = re.compile(r"(?:module\.[^.]+\.)*module\.[^.]+")


@cache
def _registry_part() -> re.Pattern[str]:
    return re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z_-]{0,62}[0-9A-Za-z])?")


@cache
def _host() -> re.Pattern[str]:
    return re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z.-]*[0-9A-Za-z])?(?::[0-9]+)?")


_NOT_REGISTRY_HOSTS = frozenset({"github.com", "bitbucket.org"})  # go-getter shorthands, never registries
# query arguments a message may show: the rest may carry credentials (go-getter's `sshkey`, S3's
# `aws_access_key_secret`, a signed URL's signature)
_SHOWN_ARGUMENTS = frozenset({"ref", "rev", "depth", "archive", "version"})


def module_call_address(prefix: str, name: str) -> str:
    """`module.a["x"].` and `b` → `module.a.module.b`: the call's address, instance keys of its parents dropped."""
    return f"{strip_index(prefix)}module.{name}"


def is_module_call(change: ResourceChange) -> bool:
    """The pseudo resource of a module call (see the module's docstring), in plan and HCL mode."""
    return change.type == MODULE_CALL_TYPE and _ADDRESS.fullmatch(change.address) is not None


def is_registry_source(source: str) -> bool:
    """A module registry address: `namespace/name/system` or `hostname/namespace/name/system`, with an optional
    `//subdirectory`. A namespace holds no dot, so `github.com/org/repo` (go-getter's GitHub shorthand) is not one,
    and Terraform refuses github.com and bitbucket.org as registry hosts."""
    if "::" in source or "?" in source:
        return False
    parts = source.split("//", 1)[0].split("/")
    if len(parts) == 4:
        host = parts.pop(0).lower()
        if host in _NOT_REGISTRY_HOSTS or not _host().fullmatch(host):
            return False
    return len(parts) == 3 and all(_registry_part().fullmatch(part) for part in parts)


def shown_source(source: str) -> str:
    """A module `source` as the user wrote it, less what may be a credential: the user and password in a URL
    (but `git@`) and query arguments other than `ref`, `depth` and the like."""
    prefix, _, rest = source.rpartition("::") if "::" in source else ("", "", source)
    head = f"{prefix}::" if prefix else ""
    if "?" in rest:
        address, _, query = rest.partition("?")
        pairs = parse_qsl(query, keep_blank_values=True)
        rest = f"{address}?" + "&".join(f"{k}={v if k in _SHOWN_ARGUMENTS else REDACTED}" for k, v in pairs)
    if "://" in rest and "@" in rest.split("://", 1)[1].split("/", 1)[0]:
        parts = urlsplit(rest)
        user, _, host = parts.netloc.rpartition("@")
        name, has_password, _ = user.partition(":")
        if has_password:
            user = f"{name}:{REDACTED}"
        elif name != "git":  # `ssh://git@host` names the protocol's user; any other name may be a token
            user = REDACTED
        rest = urlunsplit(parts._replace(netloc=f"{user}@{host}"))
    return head + rest
