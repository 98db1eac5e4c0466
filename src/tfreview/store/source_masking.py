"""The sensitive values of an uploaded tree of Terraform sources, and their masking in its text (ADR 0472).

What is sensitive, read from the tree's own configuration (every value evaluated as the review evaluates it, so
a literal reached through a local, a variable default or a module input is found where it is written):
- the values of `sensitive = true` variables and outputs (as before);
- the values of arguments the provider's schema marks sensitive (`aws_ssm_parameter.value`, `kubernetes_secret.data`:
  `core.sensitive_attributes`) and of secret-named arguments (`password = local.db_password`), at any depth.

Masking keeps what names things, as the stored plan's configuration does (ADR 0462): in Terraform files only the
text of string literals, heredocs and comments is masked; block labels (`resource "aws_s3_bucket" "orders"`),
object keys, identifiers and the references inside `${…}` are kept, so the stored tree parses to the same
addresses and links. Any other text file is masked everywhere. A Terraform file that does not parse was never
evaluated, so what it holds is unknown: every literal of it is masked, its syntax (and so its parse error) kept;
so is a file the review does not read (`.tf.json`, `.tofu`, a variable file no root loads by itself). A value
written with escapes or in an indented heredoc masks the literal that spells it; a variable file's value hidden
by a later one's is masked too (ADR 0484). Every literal of a sensitive argument's expression, and of the locals
and variables it names, is masked where it is written (a value spelled in parts or through a function: a number
there is written as a masked string); a literal that is a part of a value no file spells whole is masked; a
secret-named assignment inside a text (`export DB_PASSWORD=…`, a JSON name/value pair) is a secret value, and is
masked in any text file, its name kept (ADR 0494).
"""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, Final

from tfreview.core.redact import (
    SENSITIVE,
    assigned_secrets,
    is_secret_name,
    mask_assignments,
    mask_text,
    sensitive_strings,
)
from tfreview.core.sensitive_attributes import is_provider_sensitive, source_mask
from tfreview.parsing.hcl_configuration import read_configuration
from tfreview.parsing.hcl_syntax import parses_remembered
from tfreview.parsing.source_tree import MappingReader, is_terraform_file, is_unread_configuration
from tfreview.plumbing.json_documents import NotJson, read_json
from tfreview.store.sensitive_expressions import Span, sensitive_spans

_TERRAFORM_SUFFIXES: Final = (".tf", ".tf.json", ".tfvars", ".tfvars.json", ".hcl", ".tofu", ".tofu.json")
# a block header: a type and its labels, then `{` (`resource "aws_s3_bucket" "orders" {`): its labels are names
_HEADER = re.compile(r'[ \t]*[A-Za-z_][\w-]*(?:[ \t]+(?:"[^"\n]*"|[A-Za-z_][\w-]*))+[ \t]*\{')
_KEY_AFTER = re.compile(r"[ \t]*=(?![=>])")  # `"key" = …` in HCL (not `==`, not a for expression's `=>`)
_JSON_KEY_AFTER = re.compile(r"[ \t\r\n]*:")  # `"key": …` in JSON
_WORDS = re.compile(r"\S(?:[^\n]*\S)?")  # a line's text, its surrounding blanks and line breaks kept
_HEREDOC = re.compile(r"<<-?([A-Za-z_][\w-]*)[ \t]*\r?\n")


@dataclass(frozen=True, slots=True)
class TreeSecrets:
    values: frozenset[str]  # every value that must not be stored in clear
    unread: frozenset[str]  # the Terraform files not parsed (a syntax error, .tf.json): their values never evaluated
    # path → the lines of each sensitive argument's expression (ADR 0494): every literal there is masked
    spans: Mapping[str, tuple[Span, ...]] = field(default_factory=dict)
    # the values no file spells whole (`join("", ["Pa55", "w0rd"])`): a literal that is a part of one is masked
    composed: frozenset[str] = frozenset()


def sensitive_values_of_tree(texts: Mapping[str, str]) -> TreeSecrets:
    """What the tree (relative path → text) holds that must not be stored in clear; each folder holding .tf files
    is read as a root (a module folder too: its own literals are found without its caller)."""
    folders = {posixpath.dirname(path.replace("\\", "/")) for path in texts if path.endswith(".tf")}
    found: set[str] = set()
    unread: set[str] = set()
    spans: dict[str, tuple[Span, ...]] = {}
    for folder in sorted(folders):
        prefix = f"{folder}/" if folder else ""
        inside = {path[len(prefix) :]: text for path, text in texts.items() if path.startswith(prefix)}
        own = {path: text for path, text in inside.items() if "/" not in path}
        with parses_remembered():  # the root's files are parsed once for its configuration and its spans
            configuration = read_configuration(MappingReader(inside))
            spans.update((posixpath.normpath(prefix + path), lines) for path, lines in sensitive_spans(own).items())
        found |= configuration.sensitive_values
        loaded = [path for path in inside if "/" not in path and is_terraform_file(path) and not path.endswith(".tf")]
        if len(loaded) > 1:  # a later variable file's value hides an earlier one's: each one is read alone too
            alone = {path: text for path, text in inside.items() if path not in loaded}
            for path in loaded:
                found |= read_configuration(MappingReader({**alone, path: inside[path]})).sensitive_values
        unread.update(posixpath.normpath(prefix + path) for path, _reason in configuration.files_skipped)
        for resource in configuration.resources.values():
            found |= sensitive_strings(resource.values, source_mask(resource.type, resource.values))
            for name, value in resource.values.items():
                if is_provider_sensitive(resource.type, name):
                    found |= sensitive_strings(value, True)
                else:
                    found |= _secret_named(name, value)
    # `.tf.json` and OpenTofu's own files are not read by the review (noted as such): never evaluated either
    unread.update(posixpath.normpath(path) for path in texts if is_unread_configuration(path))
    # a variable file no root loads by itself (`-var-file=envs/prod.tfvars`): its values are never evaluated either
    unread.update(
        posixpath.normpath(path)
        for path in texts
        if path.endswith((".tfvars", ".tfvars.json"))
        and not (is_terraform_file(path) and posixpath.dirname(path.replace("\\", "/")) in folders)
    )
    composed = frozenset(
        value for value in found if len(value) >= _SHORTEST_PIECE and not any(value in text for text in texts.values())
    )
    return TreeSecrets(frozenset(found), frozenset(unread), spans, composed)


def _secret_named(name: str, value: Any) -> set[str]:
    if is_secret_name(name) and not (isinstance(value, str) and value.startswith("${")):
        return sensitive_strings(value, True)
    found: set[str] = set()
    if isinstance(value, str):
        return _secrets_in_text(value)
    if isinstance(value, Mapping) and is_secret_name(str(value.get("name", ""))) and "value" in value:
        found |= _secret_named(str(value["name"]), value["value"])  # `{ name = "DB_PASSWORD", value = "…" }` (ECS)
    if isinstance(value, Mapping):
        for key, child in value.items():
            found |= _secret_named(str(key), child)
    elif isinstance(value, list):
        for child in value:
            found |= _secret_named(name if not isinstance(child, Mapping) else "", child)
    return found


_SHORTEST_PIECE: Final = 4  # a part of a composed secret shorter than this would blot out ordinary words


def _secrets_in_text(text: str) -> set[str]:
    """What our secret detectors call a secret inside a string: a secret-named assignment of a script or an env
    file (`export DB_PASSWORD=…`), and the secret-named arguments of a JSON document (a `jsonencode`d container
    definition's `environment`)."""
    found: set[str] = set()
    stripped = text.strip()
    if stripped[:1] in "{[" and stripped[-1:] in "}]":
        try:
            document = read_json(stripped)
        except NotJson:  # `[[[[…` past the reader's depth too: a string that is no JSON document (ADR 0680)
            document = None
        if isinstance(document, Mapping | list):
            found |= _secret_named("", document)
    return found | assigned_secrets(text)


def mask_source(
    path: str,
    text: str,
    secrets: AbstractSet[str],
    *,
    unread: bool = False,
    spans: tuple[Span, ...] = (),
    composed: AbstractSet[str] = frozenset(),
) -> str:
    """`text` of the file `path` with every sensitive value masked; a Terraform file keeps its names. An `unread`
    Terraform file (it does not parse, so its values were never evaluated) has all of its literals masked: its
    syntax, so the reason it does not parse, is kept."""
    if unread and path.endswith(_TERRAFORM_SUFFIXES):
        segments = _segments(text, json=path.endswith(".json"))
        return "".join(_blotted(part) if is_value else part for part, is_value in segments)
    terraform = path.endswith(_TERRAFORM_SUFFIXES)
    # a heredoc's value ends with its line break: the text without it is masked, the closing marker kept on its line
    present = {cut for secret in secrets if len(cut := secret.strip() if terraform else secret) >= 3 and cut in text}
    # a value Terraform reads from escapes (`\u0065`, `\"`, `$${`) or an indented `<<-` heredoc is not written
    # as it evaluates: a literal whose text spells a secret that way is masked whole
    spelled: set[str] = set()
    if terraform and secrets:
        spelling = _spelling(text)
        spelled = {
            secret for secret in map(_dedented, secrets) if len(secret) >= _SHORTEST_SPELLED and secret in spelling
        }
    if not terraform:  # a script, an env file, a YAML template: its secret-named assignments too (ADR 0494)
        return mask_assignments(mask_text(text, present) if present else text)
    if not present and not spelled and not spans and not composed and text == mask_assignments(text):
        return text
    pieces = _Pieces(composed)
    starts = _line_starts(text) if spans else []
    out: list[str] = []
    offset = 0
    for part, is_value in _segments(text, json=path.endswith(".json")):
        if not is_value:
            out.append(_quoted_numbers(part, bisect_right(starts, offset), spans) if spans else part)
        elif (spans and _within(bisect_right(starts, offset), spans)) or pieces.holds(part):
            out.append(_blotted(part))
        else:
            out.append(_masked(part, present, spelled))
        offset += len(part)
    return "".join(out)


def _line_starts(text: str) -> list[int]:
    return [0, *(match.end() for match in re.finditer("\n", text))]


def _within(line: int, spans: tuple[Span, ...]) -> bool:
    return any(first <= line <= last for first, last in spans)


class _Pieces:
    """Literals that are a part of a value no file spells whole (`join("", ["Pa55w", "0rd-x"])`)."""

    def __init__(self, composed: AbstractSet[str]) -> None:
        self._composed = composed

    def holds(self, part: str) -> bool:
        piece = part.strip()
        return len(piece) >= _SHORTEST_PIECE and any(piece in value for value in self._composed)


_ESCAPE: Final = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)|\$\$\{|%%\{", re.DOTALL)
_ESCAPED: Final = {"n": "\n", "r": "\r", "t": "\t"}
_INDENT: Final = re.compile(r"^[ \t]+", re.MULTILINE)
_SHORTEST_SPELLED: Final = 6  # a secret reduced to less by its indentation would blot out ordinary words


def _dedented(secret: str) -> str:
    return _INDENT.sub("", secret)


def _spelling(text: str) -> str:
    """`text` with HCL/JSON escapes read and every line's indentation dropped: a secret as a literal spells it."""
    return _INDENT.sub("", _ESCAPE.sub(_unescaped, text))


def _unescaped(match: re.Match[str]) -> str:
    escape = match.group(0)
    if escape[0] != "\\":
        return escape[1:]  # `$${` → `${`, `%%{` → `%{`
    if len(escape) > 2 and escape[1] in "uU":
        code = int(escape[2:], 16)
        return chr(code) if code <= 0x10FFFF else escape
    return _ESCAPED.get(escape[1], escape[1])


def _masked(part: str, present: AbstractSet[str], spelled: AbstractSet[str]) -> str:
    part = mask_text(part, present) if present else part
    if spelled and any(secret in _spelling(part) for secret in spelled):
        return _blotted(part)
    return mask_assignments(part)


_COMMENT: Final = re.compile(r"(?P<open>#|//|/\*)(?P<body>.*?)(?P<close>\*/)?\Z", re.DOTALL)


def _blotted(part: str) -> str:
    """A value part with its words masked; a comment keeps its markers (`#`, `//`, `/* … */`), so the file's syntax
    is the same."""
    comment = _COMMENT.match(part)
    if comment is None:
        return _WORDS.sub(SENSITIVE, part)
    return f"{comment['open']}{_WORDS.sub(SENSITIVE, comment['body'])}{comment['close'] or ''}"


# a number written in code where a sensitive argument's expression is (`password = 98765432101`)
_NUMBER: Final = re.compile(r"(?P<lead>[=:,(\[][ \t]*)-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])")


def _quoted_numbers(code: str, line: int, spans: tuple[Span, ...]) -> str:
    """`code` (starting on `line`) with each number on a line of `spans` written as a masked string."""
    if not any(char.isdigit() for char in code):
        return code
    lines = code.splitlines(keepends=True)
    return "".join(
        _NUMBER.sub(lambda match: f'{match["lead"]}"{SENSITIVE}"', text) if _within(line + index, spans) else text
        for index, text in enumerate(lines)
    )


def _segments(text: str, *, json: bool) -> Iterator[tuple[str, bool]]:
    """`text` cut into (part, holds values) pieces: string literal, heredoc and comment text hold values; code,
    block labels, object keys and `${…}` / `%{…}` template code do not. Unterminated pieces run to the end."""
    lexer = _Lexer(text, _JSON_KEY_AFTER if json else _KEY_AFTER)
    lexer.code(0, len(text), top=True)
    start = 0
    # a string inside a template's code (`"${"a"}-${"b"}"`) is found before the text around it: read in order
    for found, end in sorted(lexer.values):
        begin = max(found, start)
        if begin >= end:
            continue
        if begin > start:
            yield text[start:begin], False
        yield text[begin:end], True
        start = end
    if start < len(text):
        yield text[start:], False


class _Lexer:
    def __init__(self, text: str, key_after: re.Pattern[str]) -> None:
        self.text = text
        self.key_after = key_after
        self.values: list[tuple[int, int]] = []  # spans of value text, in order
        self.header_end = -1  # the end of the block header the scan is in (its labels are names)

    def code(self, position: int, stop: int, *, top: bool = False, depth: int = 0) -> int:
        """Scan code from `position`; inside a template (`top` false) stop after the `}` closing it."""
        text = self.text
        while position < stop:
            char = text[position]
            if top and (position == 0 or text[position - 1] == "\n"):
                header = _HEADER.match(text, position)
                self.header_end = header.end() if header else -1
            if char == '"':
                position = self.string(position + 1, stop, name=position < self.header_end)
            elif char == "#" or text.startswith("//", position):
                end = text.find("\n", position)
                end = stop if end < 0 else end
                self.values.append((position, end))
                position = end
            elif text.startswith("/*", position):
                end = text.find("*/", position + 2)
                end = stop if end < 0 else end + 2
                self.values.append((position, end))
                position = end
            elif char == "<" and (heredoc := _HEREDOC.match(text, position)):
                position = self.heredoc(heredoc.end(), stop, heredoc.group(1))
            elif char == "{":
                depth += 1
                position += 1
            elif char == "}":
                position += 1
                if not top:
                    if depth == 0:
                        return position
                    depth -= 1
            else:
                position += 1
        return stop

    def string(self, position: int, stop: int, *, name: bool) -> int:
        """A quoted string from after its `"`: its literal text holds values unless it is a label or a key."""
        text = self.text
        spans: list[tuple[int, int]] = []
        begin = position
        while position < stop:
            char = text[position]
            if char == "\\":
                position += 2
            elif char == '"':
                if begin < position:
                    spans.append((begin, position))
                position += 1
                if not name and not self.key_after.match(text, position):
                    self.values.extend(spans)
                return position
            elif char == "\n":
                break  # not a string: HCL strings are one line
            elif char in "$%" and text.startswith("{", position + 1):
                if text.startswith(char * 2, position - 1) and position > begin:
                    position += 2  # `$${` / `%%{`: an escaped, literal `${`
                    continue
                if begin < position:
                    spans.append((begin, position))
                position = self.code(position + 2, stop)
                begin = position
            else:
                position += 1
        if begin < position:
            spans.append((begin, position))
        if not name:
            self.values.extend(spans)
        return position

    def heredoc(self, position: int, stop: int, marker: str) -> int:
        """A heredoc's body from its first line to its closing marker: text holds values, templates are code."""
        text = self.text
        closing = re.compile(rf"^[ \t]*{re.escape(marker)}[ \t]*\r?$", re.MULTILINE)
        found = closing.search(text, position, stop)
        end = found.start() if found else stop
        begin = position
        while position < end:
            if text[position] in "$%" and text.startswith("{", position + 1):
                if position + 2 < end and text[position - 1 : position] == text[position]:
                    position += 2
                    continue
                self.values.append((begin, position))
                position = min(self.code(position + 2, end), end)
                begin = position
            else:
                position += 1
        if begin < end:
            self.values.append((begin, end))
        return found.end() if found else stop
