"""Where Python's `re` reads a Terraform (RE2) regular expression as RE2 does, and in bounded time.

Terraform's `replace` (with a `/pattern/`), `regex` and `regexall` take RE2 syntax. Python's `re` is evaluated in
their place only where both agree (ADR 0733, 0744, 0758): RE2 syntax Python reads otherwise, or refuses, leaves the
call unknown; syntax only Python has (a look-around, a back-reference, an atomic group, a possessive quantifier, a
comment, a conditional, a verbose flag) is an error, as RE2 refuses it; a pattern Python would backtrack on for
long is unknown.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterator

PYTHON_ONLY_SYNTAX = re.compile(r"\(\?<?[=!]|\\[1-9]")  # look-around, back-references: RE2 refuses them
# RE2 syntax Python's `re` reads otherwise: a POSIX class `[[:alnum:]]` (to Python a set, then a `]`), `{,n}` (text
# to RE2, a repetition to Python) — left unknown (review23b)
READ_OTHERWISE = re.compile(r"\[:|\{,")
# what Python's `re` refuses of RE2's syntax (`\pL`, `\Q…\E`, `\z`, `(?<name>…)`, `(?U)`): unknown, not an error
# a flag group in the middle (`a(?i)b`): RE2 takes it, Python 3.11 refuses it
RE2_ONLY = (
    "bad escape",
    "unknown extension",
    "unknown flag",
    "missing -, : or )",
    "global flags not at the start",
)
ESCAPE = re.compile(r"\\.", re.DOTALL)
CASELESS = re.compile(r"\(\?[a-zA-Z]*i")  # a flag group turning case-insensitive matching on: `(?i)`, `(?si:…)`
QUANTIFIER = re.compile(r"[*+?]|\{[0-9]")
# a group repeated (`)*`, `)+`, `){2,}`): its ways to split a text multiply. `)?`, `){1}` and `){0,1}` take it once at
# most, as terraform-aws-modules' `/^t(2|3|3a|4g){1}\\..*$/` does
QUANTIFIED_GROUP = re.compile(r"\)(?:[*+]|\{(?!1\}|0,1\})[0-9])")
# Python's `re` backtracks where RE2 is linear: a match may try every way to split the text among the pattern's
# quantifiers. Bounded as (characters + 1) ^ (quantifiers + 1) x pattern length; past it, `replace` is not evaluated.
REGEX_WORK = 10**7


def backtracking_bounded(pattern: str, text: str) -> bool:
    """Whether Python's `re` matches `pattern` all over `text` in bounded time: no quantified group (`(a+)+b`
    is exponential in the text), and few enough ways to split the text among the quantifiers (review23b)."""
    plain = ESCAPE.sub("x", pattern)  # `\(`, `\+` are characters, not syntax
    if QUANTIFIED_GROUP.search(plain):
        return False
    quantifiers = len(QUANTIFIER.findall(plain))
    # in logarithms: a pattern of many thousand quantifiers makes no integer of as many digits
    work = (quantifiers + 1) * math.log(len(text) + 1) + math.log(len(pattern) + 1)
    return work <= math.log(REGEX_WORK)


# `(?` constructs RE2 has: a non-capturing group, a named group, flags of `i m s U` (`(?i)`, `(?s:…)`, `(?-m)`)
_RE2_GROUP = re.compile(r"\(\?(?::|P<|<[A-Za-z_]|[imsU]*(?:-[imsU]*)?[:)])")
# what only Python reads: possessive quantifiers (`a*+`, `a{2}+`) and `\Z`; RE2 refuses them ("bad repetition
# operator", "invalid escape sequence")
_REPEAT_COUNT = re.compile(r"\{([0-9]+)(?:,([0-9]*))?\}")  # RE2 refuses a count past 1000 ("invalid repeat count")
_PYTHON_ONLY_MORE = re.compile(r"(?:[*+?]|\{[0-9]+(?:,[0-9]*)?\})\+|\\Z")


class NotRe2(ValueError):
    """A pattern RE2 refuses (Terraform's call fails)."""


def compiled_as_re2(pattern: str, text: str) -> re.Pattern[str] | None:
    """`pattern` compiled by Python's `re` where it matches `text` as RE2 would, quickly; None where the result is
    not known here; NotRe2 for syntax RE2 refuses."""
    plain = ESCAPE.sub(
        lambda m: "x" if m.group() not in ("\\Z",) and not m.group()[1].isdigit() else m.group(), pattern
    )
    if PYTHON_ONLY_SYNTAX.search(pattern) or _PYTHON_ONLY_MORE.search(plain):
        raise NotRe2("not RE2 syntax: a look-around, back-reference, possessive quantifier or \\Z")
    for start in (m.start() for m in re.finditer(r"\(\?", plain)):
        if not _RE2_GROUP.match(plain, start):
            raise NotRe2("not RE2 syntax: a group RE2 does not have")
    if any(int(n) > 1000 for m in _REPEAT_COUNT.finditer(plain) for n in m.groups() if n):
        raise NotRe2("not RE2 syntax: a repeat count past 1000")
    if READ_OTHERWISE.search(plain):
        return None
    if "$" in plain and text.endswith("\n"):
        return None  # Python's `$` also matches before a final newline, RE2's only at the end
    if CASELESS.search(plain) and not (text.isascii() and pattern.isascii()):
        return None  # RE2 folds case in every script
    if "\\s" in pattern and "\x0b" in text:
        return None  # RE2's `\s` has no vertical tab, Python's has
    if not backtracking_bounded(pattern, text):
        return None
    try:
        with warnings.catch_warnings():  # `[a-z&&b]`: "possible set intersection", a literal `&` to both
            warnings.simplefilter("ignore", FutureWarning)
            return re.compile(pattern, re.ASCII)  # RE2's \d, \w, \s, \b are ASCII
    except re.error as exc:
        if str(exc.msg).startswith(RE2_ONLY):
            return None
        raise NotRe2(f"not a regular expression: {exc.msg}") from exc


def all_matches(compiled: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Go's `FindAll…` matches: successive, not overlapping; an empty match right after a match is skipped, and the
    search goes on one character past an empty match."""
    position = 0
    previous_end = -1
    while position <= len(text):
        match = compiled.search(text, position)
        if match is None:
            return
        start, end = match.span()
        accept = True
        if start == end:  # an empty match
            if start == previous_end:
                accept = False
            position = end + 1
        else:
            position = end
        previous_end = end
        if accept:
            yield match
