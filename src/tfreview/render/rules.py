"""The rule catalog as text and JSON, for `tfreview rules list` and `tfreview rules show ID`.

The CLI prints these, so they end without a newline.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from tfreview.core.rules import Rule


def rule_document(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "long_id": rule.long_id,
        "title": rule.title,
        "severity": rule.severity.value,
        "provider": rule.provider,
        "category": rule.category,
        "kind": rule.kind,
        "resource_types": list(rule.resource_types),
        "references": list(rule.references),
        "references_by_kind": {
            "checkov": list(rule.references.checkov),
            "trivy": list(rule.references.trivy),
            "aliases": list(rule.references.aliases),
        },
        "provider_defaults": [{"attribute": path, "default": text} for path, text in rule.defaults],
        "remediation": rule.remediation,
        "description": rule.description,
    }


def peer_ids(rule: Rule) -> str:
    """`Checkov CKV_AWS_3; Trivy AVD-AWS-0026, aws-ebs-encryption`: a rule's names elsewhere, by kind."""
    kinds = (("Checkov", rule.references.checkov), ("Trivy", rule.references.trivy), ("alias", rule.references.aliases))
    return "; ".join(f"{label} {', '.join(ids)}" for label, ids in kinds if ids)


def rules_json(rules: Iterable[Rule]) -> str:
    """Every rule as a JSON list, sorted by id."""
    documents = [rule_document(r) for r in sorted(rules, key=lambda r: r.id)]
    return orjson.dumps(documents, option=orjson.OPT_INDENT_2).decode()


def rules_text(rules: Iterable[Rule]) -> str:
    """One aligned line per rule: id, severity, provider, long id, title."""
    ordered = sorted(rules, key=lambda r: r.id)
    if not ordered:
        return "no rules"
    id_width = max(len(r.id) for r in ordered)
    long_width = max(len(r.long_id) for r in ordered)
    provider_width = max(len(r.provider) for r in ordered)
    lines = []
    for r in ordered:
        columns = (f"{r.id:<{id_width}}", f"{r.severity.value:<8}", f"{r.provider:<{provider_width}}")
        lines.append("  ".join((*columns, f"{r.long_id:<{long_width}}", r.title)))
    lines.append(f"{len(ordered)} rules")
    return "\n".join(lines)


def rule_text(rule: Rule) -> str:
    """Everything about one rule, for a terminal."""
    lines = [
        f"{rule.id}  {rule.long_id}",
        rule.title,
        "",
        f"severity:       {rule.severity.value}",
        f"provider:       {rule.provider}",
        f"category:       {rule.category}",
        f"kind:           {rule.kind} rule",
        f"resource types: {', '.join(rule.resource_types) or '(every type)'}",
        f"same check as:  {peer_ids(rule) or '(none known)'}",
    ]
    if rule.defaults:
        lines.append(f"defaults:       {'; '.join(f'{path} = {text}' for path, text in rule.defaults)}")
    if rule.description:
        lines += ["", rule.description]
    lines += ["", "Remediation:", rule.remediation]
    return "\n".join(lines).rstrip()
