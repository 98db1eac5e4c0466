"""A pull request's unified diff → the (path, line) pairs GitHub accepts for an inline review comment.

GitHub anchors a review comment with `path`, `line` and `side`; on the RIGHT side (the head) the line
must be inside one of the file's diff hunks — an added or a context line. One comment anywhere else
makes GitHub reject the WHOLE review with 422 ("Pull request review thread line must be part of the
diff"), so anything not in this set is dropped before a review is sent, never sent to be refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_HUNK = re.compile(r"^@@ -(?P<old>\d+)(?:,(?P<old_len>\d+))? \+(?P<new>\d+)(?:,(?P<new_len>\d+))? @@")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


@dataclass(frozen=True, slots=True)
class DiffLines:
    """Head-side lines inside the diff hunks, per file (paths as in the repository, POSIX)."""

    right: dict[str, frozenset[int]] = field(default_factory=dict)
    added: dict[str, frozenset[int]] = field(default_factory=dict)

    def contains(self, path: str, line: int) -> bool:
        """Whether GitHub accepts a RIGHT-side comment on `line` of `path`."""
        return line in self.right.get(path, frozenset())

    def is_added(self, path: str, line: int) -> bool:
        return line in self.added.get(path, frozenset())


def parse_unified_diff(diff: str) -> DiffLines:
    """Parse `git diff` output (what GitHub serves as `application/vnd.github.diff`)."""
    right: dict[str, set[int]] = {}
    added: dict[str, set[int]] = {}
    path: str | None = None
    new_line = 0
    remaining_new = remaining_old = 0
    for raw in diff.splitlines():
        if remaining_new > 0 or remaining_old > 0:
            # inside a hunk: count lines until both sides are consumed ("\ No newline" counts for neither)
            if raw.startswith("\\"):
                continue
            marker = raw[:1]
            if marker == "+":
                _add(path, new_line, right, added)
                new_line += 1
                remaining_new -= 1
                continue
            if marker == "-":
                remaining_old -= 1
                continue
            if marker in (" ", ""):
                _add(path, new_line, right, None)
                new_line += 1
                remaining_new -= 1
                remaining_old -= 1
                continue
            remaining_new = remaining_old = 0  # a malformed hunk: stop counting, read headers again
        if raw.startswith("diff --git "):
            path = None
        elif raw.startswith("+++ "):
            path = _header_path(raw[4:])
        elif raw.startswith("@@"):
            match = _HUNK.match(raw)
            if match is None:
                continue
            new_line = int(match["new"])
            remaining_new = int(match["new_len"]) if match["new_len"] is not None else 1
            remaining_old = int(match["old_len"]) if match["old_len"] is not None else 1
    return DiffLines(
        right={p: frozenset(lines) for p, lines in right.items()},
        added={p: frozenset(lines) for p, lines in added.items()},
    )


def lines_from_patch(patch: str) -> frozenset[int]:
    """The head-side lines of one file's `patch` (the hunks the pull-request files API returns)."""
    parsed = parse_unified_diff("+++ b/file\n" + patch)
    return parsed.right.get("file", frozenset())


def diff_lines_from_files(files: Iterable[tuple[str, str | None]]) -> DiffLines:
    """DiffLines from (filename, patch) pairs of the pull-request files API (a file without patch: no lines)."""
    right: dict[str, frozenset[int]] = {}
    added: dict[str, frozenset[int]] = {}
    for filename, patch in files:
        if not patch:
            continue
        parsed = parse_unified_diff("+++ b/file\n" + patch)
        right[filename] = parsed.right.get("file", frozenset())
        added[filename] = parsed.added.get("file", frozenset())
    return DiffLines(right=right, added=added)


def _add(path: str | None, line: int, right: dict[str, set[int]], added: dict[str, set[int]] | None) -> None:
    if path is None:
        return
    right.setdefault(path, set()).add(line)
    if added is not None:
        added.setdefault(path, set()).add(line)


def _header_path(text: str) -> str | None:
    """`b/dir/main.tf` → `dir/main.tf`; `/dev/null` (a deleted file) → None; C-quoted names unquoted."""
    text = text.rstrip("\n").split("\t", 1)[0]
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        text = _unquote(text[1:-1])
    if text == "/dev/null":
        return None
    return text[2:] if text.startswith(("b/", "a/")) else text


def _unquote(text: str) -> str:
    """Git's C-style quoting of unusual file names (octal escapes are UTF-8 bytes)."""
    out = bytearray()
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            following = text[index + 1]
            if following in "0123" and re.fullmatch(r"[0-7]{3}", text[index + 1 : index + 4]):
                out.append(int(text[index + 1 : index + 4], 8))
                index += 4
                continue
            out += _ESCAPES.get(following, following).encode()
            index += 2
            continue
        out += char.encode()
        index += 1
    return out.decode("utf-8", "replace")
