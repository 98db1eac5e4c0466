"""Which `TFREVIEW_*` environment variables are settings, and which are a person's typo (ADR 0564).

pydantic-settings reads the variables it knows and ignores the rest: `TFREVIEW_DATABSE__URL` left a scaled
service on its embedded SQLite file, `TFREVIEW_DOOR__TRUSTED_PROXIE` left the door believing no proxy, and
nothing said so. `unknown_variables` names every `TFREVIEW_` variable that is no setting (nor one of the few
other variables tfreview reads), each with the closest real setting; the service refuses to start on them, the
scan warns. Only names are ever shown, never a value (the variable may hold a secret). Imports only the standard
library until a variable needs checking: a scan in an environment without one pays nothing (ADR 0469).
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import IO, TYPE_CHECKING, NamedTuple

from tfreview.core.errors import ConfigError
from tfreview.plumbing.json_documents import NotJson, read_json

if TYPE_CHECKING:
    from pydantic import BaseModel

PREFIX = "TFREVIEW_"
NESTING = "__"
# variables tfreview reads outside the settings model: `submit`'s service and token, the GitHub Action's and the
# CI recipes' own, the publishing step's marker secret, the drill's, and the tests' and benchmarks' (OTHER_PREFIXES)
OTHER_VARIABLES = frozenset(
    {
        "TFREVIEW_TOKEN",
        "TFREVIEW_URL",
        "TFREVIEW_VERSION",
        "TFREVIEW_PACKAGE",
        "TFREVIEW_BIN",
        "TFREVIEW_ACTION_PATH",
        "TFREVIEW_MARKER_SECRET",
        "TFREVIEW_DRILL_TOKEN",
        "TFREVIEW_DRILL_MODEL_KEY",
        "TFREVIEW_KILL_POINTS",
        "TFREVIEW_CHAOS_DELIVERIES",
    }
)
OTHER_PREFIXES = ("TFREVIEW_TEST_", "TFREVIEW_E2E_", "TFREVIEW_BENCH_")
_SHOWN = 5  # unknown variables named in one message


@cache
def _env_reference() -> re.Pattern[str]:
    # secret_references' `env:NAME`, in a JSON value too
    return re.compile(r"\benv:([A-Za-z_][A-Za-z0-9_]*)")


class UnknownVariable(NamedTuple):  # not a dataclass: a scan imports this module, and a record compiles code (ADR 0468)
    name: str  # as it is written in the environment (or a key, as written, of the JSON section `within`)
    closest: str | None  # the setting it most likely meant, None when nothing is close
    within: str | None = None  # the variable holding a whole section as JSON, when `name` is one of its keys

    def __str__(self) -> str:
        shown = f"{self.name} in {self.within}" if self.within else self.name
        return f"{shown} (did you mean {self.closest}?)" if self.closest else shown


def setting_variables(
    model: type[BaseModel], prefix: str = PREFIX
) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The variables `model` reads (upper case), the prefixes of its mapping fields (`…__PRICES__<key>`) and the
    variables whose value is JSON (lists, mappings, whole sections)."""
    names: set[str] = set()
    mappings: set[str] = set()
    documents: set[str] = set()
    for name, field in model.model_fields.items():
        variable = prefix + name.upper()
        nested = _nested_model(field.annotation)
        if nested is not None:
            inner_names, inner_mappings, inner_documents = setting_variables(nested, variable + NESTING)
            names |= inner_names
            mappings |= inner_mappings
            documents |= inner_documents
            names.add(variable)  # the whole section as one JSON object is read too
            documents.add(variable)
            continue
        names.add(variable)
        origin = typing.get_origin(field.annotation)
        if origin in (dict, Mapping):
            mappings.add(variable + NESTING)
        if origin in (dict, Mapping, list, set, tuple):
            documents.add(variable)
    return frozenset(names), frozenset(mappings), frozenset(documents)


def _nested_model(annotation: object) -> type[BaseModel] | None:
    """The settings section a field holds (a model, or an optional one), None for a value."""
    from pydantic import BaseModel

    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = members[0] if len(members) == 1 else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


@cache
def _known() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    from tfreview.settings import Settings  # here: the settings import the whole configuration tree

    return setting_variables(Settings)


@cache
def _sections() -> dict[str, type[BaseModel]]:
    """Each variable that holds a whole settings section as JSON (upper case) → the section's model."""
    from tfreview.settings import Settings

    found: dict[str, type[BaseModel]] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            nested = _nested_model(field.annotation)
            if nested is not None:
                found[prefix + name.upper()] = nested
                walk(nested, prefix + name.upper() + NESTING)

    walk(Settings, PREFIX)
    return found


def _unknown_keys(value: object, model: type[BaseModel], path: str = "") -> list[tuple[str, str | None]]:
    """The keys of a section's JSON object that name no field (as written, dotted below the top), each with the
    field it most likely meant. Keys are compared regardless of case, as pydantic-settings reads them; a mapping
    setting's own keys and a list's items are the field's to check."""
    if not isinstance(value, dict):
        return []
    found: list[tuple[str, str | None]] = []
    fields = model.model_fields
    for key, inner in value.items():
        where = f"{path}{key}"
        field = fields.get(str(key).lower())
        if field is None:
            import difflib  # here: a valid environment never pays for it

            close = difflib.get_close_matches(str(key).lower(), list(fields), n=1, cutoff=0.75)
            found.append((where, f"{path.lower()}{close[0]}" if close else None))
            continue
        nested = _nested_model(field.annotation)
        if nested is not None:
            found += _unknown_keys(inner, nested, where + ".")
    return found


def _misspelt_keys(environ: Mapping[str, str], name: str) -> list[UnknownVariable]:
    """The misspelt keys of `name`'s value when it holds a whole section as JSON (ADR 0564: `TFREVIEW_NOTIFY__SLACK=
    '{"levls": [1]}'` was taken and its key ignored, as a misspelt variable was); not JSON: the JSON check's."""
    model = _sections().get(name.upper())
    if model is None:
        return []
    try:
        value = read_json(environ[name])
    except NotJson:  # `[[[[…` past the reader's depth too (ADR 0680)
        return []
    return [UnknownVariable(key, closest, within=name) for key, closest in _unknown_keys(value, model)]


def unknown_variables(environ: Mapping[str, str]) -> list[UnknownVariable]:
    """Each `TFREVIEW_` variable of `environ` that tfreview does not read (names compared as pydantic-settings
    does, regardless of case), in name order, each with the closest setting's name."""
    candidates = [name for name in sorted(environ) if _maybe_setting(name.upper())]
    if not candidates:
        return []
    names, mappings, _ = _known()
    referenced = _referenced(environ, [name for name in candidates if name.upper() in names])
    found = []
    for name in candidates:
        upper = name.upper()
        if upper in names:
            found += _misspelt_keys(environ, name)
            continue
        if name in referenced or any(upper.startswith(m) and len(upper) > len(m) for m in mappings):
            continue
        found.append(UnknownVariable(name, _closest(upper, names)))
    return found


def _referenced(environ: Mapping[str, str], settings: list[str]) -> set[str]:
    """The variables the settings name as where a secret lives (`TFREVIEW_METRICS__TOKEN=env:TFREVIEW_METRICS_KEY`),
    and those the named ones name in turn: `webhook_secrets_from=env:VERSIONS`, whose JSON versions are
    `{"value": "env:V1"}` (the service reads each of them)."""
    referenced: set[str] = set()
    pending = list(settings)
    while pending:
        for match in _env_reference().finditer(environ.get(pending.pop(), "")):
            name = match.group(1)
            if name not in referenced:
                referenced.add(name)
                pending.append(name)
    return referenced


def _maybe_setting(upper: str) -> bool:
    return upper.startswith(PREFIX) and upper not in OTHER_VARIABLES and not upper.startswith(OTHER_PREFIXES)


def _closest(name: str, names: frozenset[str]) -> str | None:
    # compared without the prefix every name shares: what is left is what the person typed differently
    stems = {known[len(PREFIX) :]: known for known in names}
    import difflib  # here: a valid environment never pays for it

    match = difflib.get_close_matches(name[len(PREFIX) :], list(stems), n=1, cutoff=0.75)
    return stems[match[0]] if match else None


def describe(unknown: list[UnknownVariable]) -> str:
    """One line naming the unknown variables (never their values)."""
    shown = "; ".join(str(u) for u in unknown[:_SHOWN])
    more = f" (and {len(unknown) - _SHOWN} more)" if len(unknown) > _SHOWN else ""
    keys = sum(1 for u in unknown if u.within)
    if not keys:
        kind = "variable" if len(unknown) == 1 else "variables"
    else:
        kind = ("key" if keys == 1 else "keys") if keys == len(unknown) else "variables and keys"
    return f"unknown setting {kind} {shown}{more}; the settings are listed in docs/reference/settings.md"


def refuse_unknown_variables(environ: Mapping[str, str]) -> None:
    """ConfigError (the service refuses to start: exit 2) when a `TFREVIEW_` variable is no setting."""
    unknown = unknown_variables(environ)
    if unknown:
        raise ConfigError(f"refusing to start: {describe(unknown)}")


def warn_unknown_variables(environ: Mapping[str, str], stream: IO[str]) -> None:
    """One warning line on `stream` when a `TFREVIEW_` variable is no setting (the scan reads few settings and
    runs in CI environments it does not own: it goes on)."""
    unknown = unknown_variables(environ)
    if unknown:
        stream.write(f"tfreview: warning: {describe(unknown)}\n")


def not_json(environ: Mapping[str, str]) -> str | None:
    """The first setting variable of `environ` whose value should be JSON (a list, a mapping, a section) and is
    not, None when each is: what pydantic-settings' "error parsing value" leaves unsaid."""
    documents = _known()[2]
    for name in sorted(environ):
        if name.upper() in documents:
            try:
                read_json(environ[name])
            except NotJson:
                return name
    return None
