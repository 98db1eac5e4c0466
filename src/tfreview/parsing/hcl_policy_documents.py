"""`data "aws_iam_policy_document"` read from source: the `json` the AWS provider would compute.

A policy written as a document data source (`policy = data.aws_iam_policy_document.s3.json`) reaches the
IAM rules as the same JSON string a plan holds, so HCL mode and plan mode judge the same statements.
The rendering follows the provider (`data_source_iam_policy_document.go`): `Version` defaults to
`2012-10-17`, `Effect` to `Allow`; a list of one item is written as a string; principals of type `*`
with identifier `*` become `"Principal": "*"`; statements of `source_policy_documents` come first, the
document's own statements replace those with the same `sid`, then `override_policy_documents` replace
again; provider 4's single-document `source_json` is merged before the source documents and `override_json`
after the override documents (both removed in provider 5). Any part unknown from the source (an ARN of another
resource, a `dynamic "statement"` over an unknown collection) makes the whole text unknown, as Terraform defers
reading the data source until apply in that case.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, Final

from tfreview.core.values import UNKNOWN, contains_unknown
from tfreview.parsing.hcl_instances import expand
from tfreview.parsing.hcl_syntax import Block
from tfreview.parsing.hcl_values import NO_KEY, Evaluator, Input, Scope
from tfreview.plumbing.json_documents import read_written_json

TYPE: Final = "aws_iam_policy_document"
_STATEMENT_LISTS: Final = (
    ("actions", "Action"),
    ("not_actions", "NotAction"),
    ("resources", "Resource"),
    ("not_resources", "NotResource"),
)


class PolicyDocuments:
    """The policy documents of one module instance, rendered on first use (they may use each other)."""

    def __init__(self, scope: Scope, blocks: Iterable[Block]) -> None:
        self.scope = scope
        self.blocks = {b.labels[1]: b for b in blocks if b.kind == "data" and b.labels[:1] == (TYPE,) and b.labels[1:]}
        self.rendered: dict[tuple[str, str], Input] = {}
        self.rendering: set[tuple[str, str]] = set()

    def attribute(self, data_type: str, name: str, attribute: str, key: Any = NO_KEY) -> Input | None:
        """`data.<type>.<name>.<attribute>` (or `data.<type>.<name>[key].<attribute>`) when this reader knows it
        (`json` of a document), else None."""
        if data_type != TYPE or attribute not in ("json", "minified_json") or name not in self.blocks:
            return None
        if key is not NO_KEY and (isinstance(key, bool) or not isinstance(key, (str, int))):
            return Input(UNKNOWN)
        cached = (name, "" if key is NO_KEY else json.dumps(key))
        if cached not in self.rendered:
            if cached in self.rendering:
                return Input(UNKNOWN)  # a document that includes itself: Terraform refuses the cycle
            self.rendering.add(cached)
            self.rendered[cached] = self._render(self.blocks[name], key)
            self.rendering.discard(cached)
        found = self.rendered[cached]
        if attribute == "minified_json" and isinstance(found.value, str):
            return Input(json.dumps(read_written_json(found.value), separators=(",", ":")), found.references)
        return found

    def _render(self, block: Block, key: Any) -> Input:
        scope = self.scope
        if key is not NO_KEY:  # one instance of a document with `count`/`for_each`, its own `count`/`each` bound
            expansion = expand(block, scope)
            instance = next((i for i in expansion.instances if _bound_key(i.bindings) == key), None)
            if expansion.unknown is not None or instance is None:
                return Input(UNKNOWN)  # instances known only at plan time, or a key it does not have
            scope = replace(scope, instance=instance.bindings, instance_defaults=expansion.defaults)
        values = Evaluator(scope).body(block.body, top_level=True)
        references = tuple(dict.fromkeys(r for found in values.references.values() for r in found))
        return Input(render(values.values), references)


def _bound_key(bindings: Mapping[str, Any]) -> Any:
    """The key an instance is read by: `count.index`, or `each.key`."""
    if "count" in bindings:
        return bindings["count"]["index"]
    return bindings["each"]["key"] if "each" in bindings else NO_KEY


def render(values: Mapping[str, Any]) -> Any:
    """The `json` attribute for the document's arguments in plan shape (blocks as lists of objects)."""
    if contains_unknown(values):
        return UNKNOWN
    statements: list[dict[str, Any]] = []
    # provider 4's single-document `source_json` comes first and `override_json` last (removed in provider 5)
    for text in _strings([values.get("source_json"), *_listed(values.get("source_policy_documents"))]):
        statements = _merge(statements, _statements_of(text))
    own = [_statement(s) for s in values.get("statement") or () if isinstance(s, Mapping)]
    statements = _merge(statements, own)
    for text in _strings([*_listed(values.get("override_policy_documents")), values.get("override_json")]):
        statements = _merge(statements, _statements_of(text))
    document: dict[str, Any] = {"Version": values.get("version") or "2012-10-17"}
    if values.get("policy_id"):
        document["Id"] = values["policy_id"]
    if statements:
        document["Statement"] = statements
    return json.dumps(document, indent=2)


def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str) and v.strip()] if isinstance(value, list) else []


def _statements_of(text: str) -> list[dict[str, Any]]:
    try:
        parsed = read_written_json(text)
    except ValueError:
        return []
    found = parsed.get("Statement") if isinstance(parsed, Mapping) else None
    if isinstance(found, Mapping):
        return [dict(found)]
    return [dict(s) for s in found if isinstance(s, Mapping)] if isinstance(found, list) else []


def _merge(into: list[dict[str, Any]], statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Statements with a `Sid` already present replace it in place; the others are appended."""
    out = list(into)
    for statement in statements:
        sid = statement.get("Sid")
        at = next((i for i, s in enumerate(out) if sid and s.get("Sid") == sid), None)
        if at is None:
            out.append(statement)
        else:
            out[at] = statement
    return out


def _statement(block: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if block.get("sid"):
        out["Sid"] = block["sid"]
    out["Effect"] = block.get("effect") or "Allow"
    for argument, key in _STATEMENT_LISTS:
        listed = _one_or_many(block.get(argument))
        if listed is not None:
            out[key] = listed
    for argument, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        principals = _principals(block.get(argument))
        if principals is not None:
            out[key] = principals
    conditions = _conditions(block.get("condition"))
    if conditions:
        out["Condition"] = conditions
    return out


def _one_or_many(value: Any) -> Any:
    """A set of strings as the provider writes it: one item as a string, several as a list (reverse sorted)."""
    if value is None:
        return None
    items = [str(v) for v in (value if isinstance(value, list) else [value]) if v is not None]
    if not items:
        return None
    unique = sorted(set(items), reverse=True)
    return unique[0] if len(unique) == 1 else unique


def _principals(blocks: Any) -> Any:
    if not isinstance(blocks, list) or not blocks:
        return None
    merged: dict[str, list[str]] = {}
    for block in blocks:
        if not isinstance(block, Mapping):
            continue
        kind = str(block.get("type") or "")
        identifiers = [str(i) for i in block.get("identifiers") or () if i is not None]
        if kind == "*" and identifiers == ["*"]:
            return "*"
        merged.setdefault(kind, []).extend(identifiers)
    return {kind: _one_or_many(ids) for kind, ids in merged.items()} or None


def _conditions(blocks: Any) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for block in blocks if isinstance(blocks, list) else ():
        if not isinstance(block, Mapping) or not block.get("test") or not block.get("variable"):
            continue
        values = _one_or_many(block.get("values"))
        out.setdefault(str(block["test"]), {})[str(block["variable"])] = values if values is not None else []
    return out
