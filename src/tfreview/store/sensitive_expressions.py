"""The lines of a folder's Terraform files where a sensitive argument's expression is written (ADR 0494).

A value the review cannot evaluate (`format(…)`, `base64encode(…)`, a `templatefile` call) or one built of literal
parts (`"${"Pa55"}-${"w0rd"}"`, `join("", ["Pa", "55"])`) is found in no literal of the file by its value: what
spells it is the expression. So the literals of an expression are sensitive where it is written:
- the arguments the provider's schema calls sensitive (`core.sensitive_attributes`, nested blocks included) and the
  secret-named ones (`password`, `db_password` inside an object), in resources, data sources and provider blocks;
- the `default` of a `sensitive = true` variable and the `value` of a `sensitive = true` output;
- the locals and variables such an expression names (`password = local.pw`), followed from local to local.

The spans are 1-based (first line, last line) per file path; a file that does not parse has none (every literal of
it is masked anyway, ADR 0472).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Final

from tfreview.core.redact import is_secret_name
from tfreview.core.sensitive_attributes import is_provider_sensitive
from tfreview.parsing.hcl_syntax import Attribute, Block, HclSyntaxError, body_items, parse_blocks

Span = tuple[int, int]
_NAMED: Final = re.compile(r"\b(local|var)\.([A-Za-z_][\w-]*)")
_RESOURCE_KINDS: Final = ("resource", "data")
_TRUE: Final = re.compile(r"\bsensitive\s*=\s*true\b")
_FLAG: Final = re.compile(r"[^=]*=\s*(true|false|null)\s*$")  # a flag (`manage_master_user_password = true`)


def sensitive_spans(texts: Mapping[str, str]) -> dict[str, tuple[Span, ...]]:
    """For the .tf files of one folder (path → text), the lines of every sensitive argument's expression."""
    parsed: dict[str, list[Block]] = {}
    for path, text in texts.items():
        if path.endswith(".tf"):
            try:
                parsed[path] = parse_blocks(text)
            except (HclSyntaxError, RecursionError):
                continue
    lines = {path: texts[path].splitlines() for path in parsed}
    spans: dict[str, set[Span]] = {}
    named: set[tuple[str, str]] = set()  # ("local" | "var", name) the sensitive expressions read
    for path, blocks in parsed.items():
        for attribute in _sensitive_attributes(blocks, lines[path]):
            text = _text(lines[path], attribute)
            if not _FLAG.match(text):
                spans.setdefault(path, set()).add((attribute.line, attribute.end_line))
            named.update(_NAMED.findall(text))
    seen: set[tuple[str, str]] = set()
    while named - seen:  # a local naming a local: followed until nothing new is named
        for reference in sorted(named - seen):
            seen.add(reference)
            for path, attribute in _definitions(parsed, reference):
                spans.setdefault(path, set()).add((attribute.line, attribute.end_line))
                named.update(_NAMED.findall(_text(lines[path], attribute)))
    return {path: tuple(sorted(found)) for path, found in spans.items()}


def _text(lines: list[str], attribute: Attribute) -> str:
    return "\n".join(lines[attribute.line - 1 : attribute.end_line])


def _sensitive_attributes(blocks: list[Block], lines: list[str]) -> Iterator[Attribute]:
    for block in blocks:
        if block.kind in _RESOURCE_KINDS and block.labels:
            yield from _arguments(block.labels[0], "", block)
        elif block.kind == "provider" and block.labels:
            yield from _arguments(f"{block.labels[0]}_provider", "", block)
        elif block.kind in ("variable", "output") and _marked_sensitive(block, lines):
            wanted = "default" if block.kind == "variable" else "value"
            yield from (item for item in body_items(block.body) if isinstance(item, Attribute) and item.name == wanted)


def _arguments(resource_type: str, prefix: str, block: Block) -> Iterator[Attribute]:
    for item in body_items(block.body):
        if isinstance(item, Attribute):
            if is_secret_name(item.name) or is_provider_sensitive(resource_type, prefix + item.name):
                yield item
        elif item.kind == "dynamic" and item.labels:
            yield from _arguments(resource_type, f"{prefix}{item.labels[0]}.", item)
        elif item.kind == "content":  # a dynamic block's body: its arguments are the block's own
            yield from _arguments(resource_type, prefix, item)
        else:
            yield from _arguments(resource_type, f"{prefix}{item.kind}.", item)


def _marked_sensitive(block: Block, lines: list[str]) -> bool:
    return any(
        isinstance(item, Attribute) and item.name == "sensitive" and _TRUE.search(_text(lines, item))
        for item in body_items(block.body)
    )


def _definitions(parsed: Mapping[str, list[Block]], reference: tuple[str, str]) -> Iterator[tuple[str, Attribute]]:
    kind, name = reference
    for path, blocks in parsed.items():
        for block in blocks:
            if kind == "local" and block.kind == "locals":
                for item in body_items(block.body):
                    if isinstance(item, Attribute) and item.name == name:
                        yield path, item
            elif kind == "var" and block.kind == "variable" and block.labels[:1] == (name,):
                for item in body_items(block.body):
                    if isinstance(item, Attribute) and item.name == "default":
                        yield path, item
