"""The model's answer: one JSON object, validated by hand against a small schema.

    {"summary": str, "risk": "low|medium|high|critical",
     "concerns": [{"address": str, "category": str, "message": str, "severity": "…"}]}

A concern naming an address absent from the change set is dropped and counted (a model that
invents `aws_iam_role.admin` gains nothing). Anything else that does not fit raises
`OutputError`; the chain asks once more, then counts the provider as failed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from tfreview.core.errors import UpstreamError
from tfreview.core.findings import Concern
from tfreview.core.severity import Severity
from tfreview.plumbing.json_documents import NotJson, read_json

RISKS: Final = ("low", "medium", "high", "critical")
CATEGORIES: Final = (
    "iam",
    "network",
    "data-loss",
    "availability",
    "cost",
    "encryption",
    "logging",
    "secrets",
    "general",
)
MAX_SUMMARY: Final = 4_000  # characters accepted (the sanitiser caps what is shown)
MAX_MESSAGE: Final = 1_000
MAX_CONCERNS: Final = 25  # more than this is not a review, it is noise: kept in order, the rest counted

OUTPUT_SCHEMA: Final[dict[str, object]] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["summary", "risk", "concerns"],
    "properties": {
        "summary": {"type": "string"},
        "risk": {"type": "string", "enum": list(RISKS)},
        "concerns": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["address", "category", "message", "severity"],
                "properties": {
                    "address": {"type": "string"},
                    "category": {"type": "string", "enum": list(CATEGORIES)},
                    "message": {"type": "string"},
                    "severity": {"type": "string", "enum": list(RISKS)},
                },
            },
        },
    },
}

_FENCED_JSON = re.compile(r"^\s*```(?:json)?\s*\n(.*)\n\s*```\s*$", re.DOTALL)


class OutputError(UpstreamError):
    """The model answered, but not with what the schema asks for."""


@dataclass(frozen=True, slots=True)
class ParsedAdvice:
    summary: str
    risk: Severity
    concerns: tuple[Concern, ...]
    dropped: int  # concerns naming an address outside the change set, or over MAX_CONCERNS


def parse_output(text: str, addresses: frozenset[str]) -> ParsedAdvice:
    """The validated answer; raises OutputError (never with the model's text in the message)."""
    match = _FENCED_JSON.match(text)
    body = match.group(1) if match else text.strip()
    try:
        document = read_json(body)
    except NotJson:
        raise OutputError(f"the answer is not JSON ({len(text):,} characters)") from None
    if not isinstance(document, Mapping):
        raise OutputError("the answer is not a JSON object")
    extra = set(document) - {"summary", "risk", "concerns"}
    if extra:
        raise OutputError(f"unexpected fields: {', '.join(sorted(map(_short, extra)))}")
    summary = _string(document, "summary", MAX_SUMMARY)
    risk = _choice(document, "risk", RISKS)
    raw = document.get("concerns")
    if not isinstance(raw, list):
        raise OutputError("`concerns` is not a list")
    concerns: list[Concern] = []
    dropped = 0
    for index, item in enumerate(raw):
        concern = _concern(item, index)
        if concern.address not in addresses or len(concerns) >= MAX_CONCERNS:
            dropped += 1
            continue
        concerns.append(concern)
    return ParsedAdvice(summary, Severity(risk), tuple(concerns), dropped)


def _concern(item: Any, index: int) -> Concern:
    if not isinstance(item, Mapping):
        raise OutputError(f"concerns[{index}] is not an object")
    extra = set(item) - {"address", "category", "message", "severity"}
    if extra:
        raise OutputError(f"concerns[{index}] has unexpected fields: {', '.join(sorted(map(_short, extra)))}")
    category = _string(item, "category", 40, where=f"concerns[{index}].").strip().lower()
    return Concern(
        address=_string(item, "address", 500, where=f"concerns[{index}]."),
        category=category if category in CATEGORIES else "general",
        message=_string(item, "message", MAX_MESSAGE, where=f"concerns[{index}]."),
        severity=Severity(_choice(item, "severity", RISKS, where=f"concerns[{index}].")),
    )


def _string(document: Mapping[str, Any], key: str, limit: int, *, where: str = "") -> str:
    value = document.get(key)
    if not isinstance(value, str) or not value.strip():
        raise OutputError(f"`{where}{key}` is missing or not a non-empty string")
    if len(value) > limit:
        raise OutputError(f"`{where}{key}` is longer than {limit:,} characters")
    return value.strip()


def _choice(document: Mapping[str, Any], key: str, allowed: tuple[str, ...], *, where: str = "") -> str:
    value = document.get(key)
    if not isinstance(value, str) or value.strip().lower() not in allowed:
        raise OutputError(f"`{where}{key}` is not one of {', '.join(allowed)}")
    return value.strip().lower()


def _short(name: object) -> str:
    text = str(name)
    return text if len(text) <= 20 and text.isidentifier() else "(unnamed)"
