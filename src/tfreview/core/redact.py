"""Redaction: no secret leaves tfreview through a finding, a comment, a log or a prompt.

Two nets: values under a sensitive mask are never shown, and strings that look like a secret —
by their name (`password`, `secret_key`…) or by their shape (AWS keys, private keys, tokens,
JWTs, credentials in URLs, long high-entropy strings) — are replaced wherever they appear.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from functools import cache
from typing import Any, Final

from tfreview.core.values import UNKNOWN

SENSITIVE: Final = "(sensitive value)"
REDACTED: Final = "(redacted)"

_SECRET_NAME = re.compile(
    r"(pass(word|wd|phrase)?|secret|secret[_-]?key|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret"
    r"|credential|auth[_-]?key|connection[_-]?string|sas[_-]?key|master[_-]?key|signing[_-]?key|pwd)$",
    re.IGNORECASE,
)
# names that end like a secret name but hold no secret
_NOT_SECRET_NAME = re.compile(
    r"(_arn|_id|_ids|_name|_names|_length|_enabled|_type|_version|_rotation|_expiration|_policy|_path"
    r"|_count|_ttl|_days|_prefix|_required|_reset|_reuse_prevention)$",
    re.IGNORECASE,
)

# Each shape with literals every match of it holds: a text holding none of them is matched by no shape, which a
# few substring tests tell far faster than the shapes' union (tried at every position: ~65 µs on a 110-character
# message, paid for every distinct message of a review). tests/unit/test_scrub_needles.py keeps them honest.
# where a token may begin: not inside a word (`\b`), but right after a URL escape too (`%20tfr_…`, `token%3Dghp_…`,
# twice encoded `%253D`), whose last character is a letter or digit (review23, ADR 0736), and right after a backslash
# escape of JSON or HCL string source kept as written (`"#!/bin/sh\nghp_…"`, `\x3d`, `\u003d`; review24)
_ESCAPED: Final = (
    r"(?<=%[0-9A-Fa-f]{2})|(?<=%25[0-9A-Fa-f]{2})"
    r"|(?<=\\[abefnrtv0])|(?<=\\x[0-9A-Fa-f]{2})|(?<=\\u[0-9A-Fa-f]{4})|(?<=\\U[0-9A-Fa-f]{8})"
)
_START: Final = r"(?:(?<![A-Za-z0-9_])|" + _ESCAPED + ")"
_SHAPES: Final = [
    (
        r"(?:(?<![A-Z0-9])|" + _ESCAPED + r")(AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}(?![A-Z0-9])",
        ("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA"),
    ),
    (
        r"-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY( BLOCK)?-----|$)",
        ("-----BEGIN ",),
    ),
    (_START + r"(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}\b", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")),
    (_START + r"github_pat_[A-Za-z0-9_]{20,}\b", ("github_pat_",)),
    (_START + r"tfr_[0-9a-f]{16}_[A-Za-z0-9_-]{20,}", ("tfr_",)),  # tfreview's own API token (store/token_secrets.py)
    (_START + r"xox[abposr]-[A-Za-z0-9-]{10,}\b", ("xox",)),
    (_START + r"sk-(ant-|proj-)?[A-Za-z0-9_-]{20,}\b", ("sk-",)),
    (_START + r"AIza[0-9A-Za-z_-]{35}\b", ("AIza",)),
    (_START + r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b", ("eyJ",)),
    (r"(?<=://)[^/\s:@]+:[^/\s@]+(?=@)", ("://",)),  # user:password@ in a URL
    (r"(?i:\b(AccountKey|SharedAccessKey|sig|password|pwd)=[^;&\s\"']{6,})", ("=",)),
    (  # an HTTP Authorization header's credential (Basic's is `user:password` in base64), in a script or JSON;
        # not one lowercase word of up to 20 letters, which is prose ("the Authorization: Basic header", review15a)
        r"\b(?:[Pp]roxy-)?(?:[Aa]uthorization|AUTHORIZATION)[\"']?\s*[:=]\s*[\"']?"
        r"(?i:basic|bearer|token|digest|negotiate)\s+(?![a-z]{6,20}(?![A-Za-z0-9+/=._~-]))[A-Za-z0-9+/=._~-]{6,}",
        ("uthorization", "UTHORIZATION"),
    ),
]
_SHAPE_NEEDLES: Final = tuple(needle for _, needles in _SHAPES for needle in needles)
_HIGH_ENTROPY_CANDIDATE = re.compile(r"[A-Za-z0-9+/=_\-]{32,}")
_LOOKS_LIKE_ID = re.compile(r"^(arn:|[a-z]+-[0-9a-f]{8,17}$|[0-9a-f]{8}-[0-9a-f]{4}-)")


def _entropy(text: str) -> float:
    counts: dict[str, int] = {}
    for char in text:
        counts[char] = counts.get(char, 0) + 1
    length = len(text)
    return -sum(n / length * math.log2(n / length) for n in counts.values())


def _high_entropy(token: str) -> bool:
    if _LOOKS_LIKE_ID.match(token) or token.isdigit():
        return False
    classes = sum((any(c.islower() for c in token), any(c.isupper() for c in token), any(c.isdigit() for c in token)))
    return classes >= 3 and _entropy(token) >= 4.2


def is_secret_name(name: str) -> bool:
    """`password`, `secret_key`, `client_secret`…, and every write-only argument (`password_wo`, `value_wo`,
    `secret_data_wo`: Terraform 1.11, ADR 0518), which a provider makes write-only only for what must not be stored;
    not `password_wo_version` and the like, which name no secret."""
    leaf = name.rsplit(".", 1)[-1]
    if leaf.endswith(("_wo", "_WO")):
        return True
    return bool(_SECRET_NAME.search(leaf)) and not _NOT_SECRET_NAME.search(leaf)


def looks_secret(text: str) -> bool:
    # some shape matches exactly when their union does, and only where one of their literals is (as `scrub_text`)
    if any(needle in text for needle in _SHAPE_NEEDLES) and _ANY_SHAPE.search(text):
        return True
    return any(_high_entropy(m.group(0)) for m in _HIGH_ENTROPY_CANDIDATE.finditer(text))


_ANY_SHAPE = re.compile("|".join(f"(?:{shape})" for shape, _ in _SHAPES))


@cache
def _secret_shapes() -> list[re.Pattern[str]]:
    """The shapes each compiled, on the first text their union matches: a scan seldom meets one, and compiling
    them costs ~10 M instructions per process (ADR 0649)."""
    return [re.compile(shape) for shape, _ in _SHAPES]


def scrub_text(text: str) -> str:
    """Replace every secret-shaped part of free text (a message, a log line, a prompt).

    The shapes are replaced one by one only when their union finds one: a text none of them matches is left as it
    is by each, so only the long tokens are then judged (a long resource type in a message is such a token)."""
    if len(text) < 12:
        return text
    if any(needle in text for needle in _SHAPE_NEEDLES) and _ANY_SHAPE.search(text):
        for pattern in _secret_shapes():
            text = pattern.sub(REDACTED, text)
    elif not _HIGH_ENTROPY_CANDIDATE.search(text):
        return text
    return _HIGH_ENTROPY_CANDIDATE.sub(_judged, text)


def _judged(match: re.Match[str]) -> str:
    token = match.group(0)
    return REDACTED if _high_entropy(token) else token


def redact_value(value: Any, sensitive: Any = None, name: str = "") -> Any:
    """A copy of `value` fit to show: sensitive leaves, secret-named and secret-shaped strings replaced.

    `sensitive` is the mask at the same position (`true`, or an object/list of the same shape).
    """
    if sensitive is True:
        return SENSITIVE
    if value is UNKNOWN:
        return "(known after apply)"
    if isinstance(value, Mapping):
        mask = sensitive if isinstance(sensitive, Mapping) else {}
        return {key: redact_value(child, mask.get(key), str(key)) for key, child in value.items()}
    if isinstance(value, list):
        masks = sensitive if isinstance(sensitive, list) else []
        return [redact_value(child, masks[i] if i < len(masks) else None, name) for i, child in enumerate(value)]
    if isinstance(value, str):
        if value and name and is_secret_name(name) and not value.startswith("${"):
            return REDACTED
        return scrub_text(mask_assignments(value))
    return value


# A secret-named assignment inside a text: `export DB_PASSWORD=…` in a script, `API_TOKEN: …` in YAML, `"DB_PASSWORD":
# "…"` in JSON; and a JSON `{"name": "DB_PASSWORD", "value": "…"}` pair (an ECS container's `environment`). The
# name is kept, the value is the secret (ADR 0494).
_ASSIGNMENT_HINT: Final = re.compile(r"(?i)pass|secret|token|key|pwd|credential")
_ASSIGNMENT_IN_TEXT: Final = (
    r"""(?P<name>(?<![\w.-])[A-Za-z_][\w.-]*)(?P<between>["']?[ \t]*(?:=|:)[ \t]*(?P<quote>["']?))"""
    r"""(?P<value>[^\s"';&|,}\]]+)"""
)
_NAME_VALUE_PAIR: Final = (
    r'"name"\s*:\s*"(?P<name>[^"\\]+)"\s*,\s*"value"\s*:\s*"(?P<value>(?:[^"\\]|\\.)+)"'
    r'|"value"\s*:\s*"(?P<value2>(?:[^"\\]|\\.)+)"\s*,\s*"name"\s*:\s*"(?P<name2>[^"\\]+)"'
)


@cache
def _assignment_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """`_ASSIGNMENT_IN_TEXT` and `_NAME_VALUE_PAIR` compiled, on the first text that may hold one (ADR 0649)."""
    return re.compile(_ASSIGNMENT_IN_TEXT), re.compile(_NAME_VALUE_PAIR)


_NOT_ASSIGNED: Final = ("$", "{{", "arn:", "<", "(redacted", "(sensitive")  # a reference, a template or a mask


def assigned_secrets(text: str) -> set[str]:
    """The values of the secret-named assignments and JSON name/value pairs inside `text` (at least 3 characters)."""
    return {text[start:end] for start, end in _assigned_spans(text)}


def mask_assignments(text: str) -> str:
    """`text` with the value of every secret-named assignment in it (`assigned_secrets`) redacted, names kept."""
    spans = _assigned_spans(text)
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + REDACTED + text[end:]
    return text


_NOT_A_SECRET: Final = frozenset({"true", "false", "null", "none", "yes", "no", "on", "off"})


def _assigned_spans(text: str) -> set[tuple[int, int]]:
    if not ("=" in text or ":" in text) or not _ASSIGNMENT_HINT.search(text):
        return set()
    found: set[tuple[int, int]] = set()
    assignment, name_value_pair = _assignment_patterns()
    for match in assignment.finditer(text):
        if _assigned(match["name"], match["value"]):
            found.add(match.span("value"))
    for match in name_value_pair.finditer(text):
        group = "value" if match["name"] else "value2"
        if _assigned(match["name"] or match["name2"], match[group]):
            found.add(match.span(group))
    return found


def _assigned(name: str, value: str) -> bool:
    return (
        len(value) >= _SHORTEST_MASKED
        and not value.startswith(_NOT_ASSIGNED)
        and value.lower() not in _NOT_A_SECRET
        and is_secret_name(name)
    )


_SHORTEST_MASKED = 3  # shorter sensitive strings ("on", "1") would blot out ordinary words of a message


def sensitive_strings(value: Any, sensitive: Any, *, numbers: bool = False) -> set[str]:
    """The string leaves of `value` under the sensitive mask `sensitive` (walking only what it marks); with
    `numbers`, the number leaves too, as they print (a message may quote a sensitive number: ADR 0495)."""
    found: set[str] = set()
    if type(sensitive) is dict and not any(sensitive.values()):
        return found  # a plan's usual mask: every attribute's entry empty (`"ingress": []`), nothing marked
    stack: list[tuple[Any, Any]] = [(value, sensitive)]
    while stack:
        node, mask = stack.pop()
        if not mask:
            continue
        if mask is True:
            if isinstance(node, str):
                if len(node) >= _SHORTEST_MASKED:
                    found.add(node)
            elif numbers and isinstance(node, int | float) and not isinstance(node, bool):
                found.update(text for text in _number_texts(node) if len(text) >= _SHORTEST_MASKED)
            elif isinstance(node, Mapping):
                stack.extend((child, True) for child in node.values())
            elif isinstance(node, list):
                stack.extend((child, True) for child in node)
        elif isinstance(mask, Mapping) and isinstance(node, Mapping):
            # a plan's masks are mostly empty blocks (`"ingress": []`): only what marks something is walked
            stack.extend((node.get(key), child) for key, child in mask.items() if child and key in node)
        elif isinstance(mask, list) and isinstance(node, list):
            stack.extend(pair for pair in zip(node, mask, strict=False) if pair[1])
    return found


def sensitive_variable_values(document: Mapping[str, Any]) -> set[str]:
    """The values (strings, and numbers as they print) of the root module's variables a plan's configuration declares
    `sensitive = true`: the plan's `variables` holds them in clear, and a copy the plan does not mark (through
    `nonsensitive()`, or a provider that drops the mark) must be hidden as the variable is (S2)."""
    configuration = document.get("configuration")
    root = configuration.get("root_module") if isinstance(configuration, Mapping) else None
    declared = root.get("variables") if isinstance(root, Mapping) else None
    values = document.get("variables")
    if not isinstance(declared, Mapping) or not isinstance(values, Mapping):
        return set()
    found: set[str] = set()
    for name, declaration in declared.items():
        entry = values.get(name)
        if isinstance(declaration, Mapping) and declaration.get("sensitive") is True and isinstance(entry, Mapping):
            found |= {text for text in sensitive_strings(entry.get("value"), True, numbers=True) if hunted(text)}
    return found


def hunted(value: str, *, shortest: int = _SHORTEST_MASKED) -> bool:
    """Whether copies of the sensitive `value` are hunted in other text: long enough, and not a literal word every
    plan is full of (`true`, `off`, `null`: hidden where it is marked, like a sensitive `true`, never hunted)."""
    return len(value) >= shortest and value.lower() not in _NOT_A_SECRET


def prints_as(value: Any, texts: AbstractSet[str]) -> bool:
    """Whether `value` is a number (not a boolean) that prints as one of `texts` (ADR 0495, 0736)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and not _number_texts(value).isdisjoint(texts)


def _number_texts(number: float) -> set[str]:
    """How a number prints: Python's way and Terraform's (a whole float without its `.0`)."""
    texts = {str(number)}
    if isinstance(number, float) and number.is_integer() and abs(number) < 1e21:
        texts.add(str(int(number)))
    return texts


def mask_of(value: Any, secrets: AbstractSet[str]) -> Any:
    """A plan-style sensitive mask for `value`: True on every string leaf holding one of `secrets` (whole or in
    part, as an interpolation leaves it) and every number that prints as one, nested objects and lists alike; None
    when nothing is sensitive."""
    if not secrets:
        return None
    if isinstance(value, str):
        return True if any(secret in value for secret in secrets) else None
    if isinstance(value, int | float) and not isinstance(value, bool):  # a sensitive number's copy (ADR 0495)
        return True if prints_as(value, secrets) else None
    if isinstance(value, Mapping):
        marks = {key: mark for key, child in value.items() if (mark := mask_of(child, secrets))}
        return marks or None
    if isinstance(value, list):
        items = [mask_of(child, secrets) or False for child in value]
        return items if any(items) else None
    return None


def _longest_first(secret: str) -> tuple[int, str]:
    return -len(secret), secret


def mask_text(text: str, secrets: AbstractSet[str]) -> str:
    """`text` with every occurrence of a sensitive value replaced, longest first (then in text order: the same text
    whatever the set's iteration order, ADR 0606)."""
    for secret in sorted(secrets, key=_longest_first):
        if secret in text:
            text = text.replace(secret, SENSITIVE)
    return text
