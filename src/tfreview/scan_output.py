"""Where `tfreview scan` writes its reports: each format to its file or to stdout, whole or not at all; never two
reports to one file (the second replaced the first), and a stdout that cannot take them said in one line. A JSON
report printed to stdout (a CI log) holds no `##[`, which GitHub's runner reads as a command anywhere in a line."""

from __future__ import annotations

import argparse
import codecs
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from tfreview.core.errors import ConfigError, InputError
from tfreview.plumbing.whole_files import is_stream, write_whole

__all__ = ["emit", "refuse_shared_files", "write_whole"]


def refuse_shared_files(formats: list[str], files: list[str]) -> None:
    """ConfigError when two -o formats name one file (however spelled): each write replaces the file whole, so
    the first report would be lost. `-` and streams (`/dev/stdout`, a FIFO) take several reports, one after the
    other, as stdout always has."""
    seen: dict[str, str] = {}
    for fmt, target in zip(formats, files, strict=False):
        if target == "-" or is_stream(Path(target)):
            continue
        key = os.path.realpath(target)
        if key in seen:
            raise ConfigError(
                f"--output-file {target} is also the file of -o {seen[key]}: one file holds one report; "
                "give each format its own file"
            )
        seen[key] = fmt


def emit(
    args: argparse.Namespace,
    formats: list[str],
    files: list[str],
    text_of: Callable[[str, bool], str],
    *,
    bytes_of: Callable[[str, bool], Sequence[bytes]] | None = None,
) -> None:
    """Each -o format to its --output-file (or stdout); colour only on a terminal. `bytes_of`, when given, makes
    a file's content straight as bytes, in pieces written as they are (no decoding and encoding again of a report
    of many MB, no join of its pieces: ADR 0692)."""
    to_stdout = False
    for index, fmt in enumerate(formats):
        target = files[index] if index < len(files) else "-"
        if target != "-":  # stdout is not touched: it may be closed (`>&-`, sys.stdout None) when all go to files
            write_whole(Path(target), bytes_of(fmt, False) if bytes_of is not None else text_of(fmt, False))
            continue
        color = sys.stdout.isatty() and not args.no_color and not os.environ.get("NO_COLOR")
        text = text_of(fmt, color)
        if fmt in _JSON_FORMATS and "##[" in text:  # only inside strings: JSON's own syntax never holds it
            text = text.replace("##[", "#\\u0023[")  # read back the same; a CI runner reads `##[` as a command
        try:
            write_stdout(text if text.endswith("\n") else text + "\n", fmt)
        except BrokenPipeError:
            raise  # the reader has gone (`| head`): nothing to say (cli)
        except OSError as exc:
            raise unwritable(exc) from None
        to_stdout = True
    if to_stdout:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise unwritable(exc) from None


_JSON_FORMATS = ("json", "sarif")


def unwritable(exc: OSError) -> InputError:
    """stdout refused the report (a full disk behind `> file`, `> /dev/full`): said as a file's refusal is. What
    it holds unwritten is dropped, so the interpreter's exit does not try again and print a traceback."""
    _drop_unwritten()
    return InputError(f"cannot write: {exc.strerror or type(exc).__name__}", path="stdout")


def _drop_unwritten() -> None:
    """What stdout holds unwritten goes to the null device: stdout's descriptor is pointed there (a stream has no
    way to discard its buffer). A stdout without a descriptor (a test's capture) is left as it is."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, descriptor)
    finally:
        os.close(null)


def write_stdout(text: str, fmt: str) -> None:
    """`text` in stdout's encoding; what it cannot encode is escaped in the format's own way (ADR 0371): JSON
    escapes in json and sarif (the document parses to the same values), character references in junit (XML),
    backslash escapes in the formats people read. A UTF-8 stdout gets the text as it is."""
    encoding = sys.stdout.encoding or "utf-8"
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None or codecs.lookup(encoding).name == "utf-8":
        sys.stdout.write(text)
        return
    data = text.encode(encoding, errors=_ESCAPES.get(fmt, "backslashreplace"))
    sys.stdout.flush()  # what was written as text goes first
    buffer.write(data)


def _json_escape(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: the characters an encoding cannot hold as JSON string escapes (only strings hold
    characters outside ASCII in JSON, so the escapes are always inside one); astral ones as surrogate pairs."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    escaped = []
    for character in error.object[error.start : error.end]:
        code = ord(character)
        if code > 0xFFFF:
            code -= 0x10000
            escaped.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            escaped.append(f"\\u{code:04x}")
    return "".join(escaped), error.end


codecs.register_error("tfreview-json-escape", _json_escape)
_ESCAPES = {"json": "tfreview-json-escape", "sarif": "tfreview-json-escape", "junit": "xmlcharrefreplace"}
