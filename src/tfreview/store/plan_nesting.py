"""How deep a plan the service keeps (ADR 0496): at most `MAX_STORED_NESTING` levels of objects and lists.

The plan reader takes JSON nested up to 1,024 levels (orjson's limit), and the CLI reviews such a plan. What the
service does with an upload goes further: it redacts every value (a walk that recurses, two frames a level, on
top of the web server's own stack) and writes the redacted plan back with orjson, which stops at 254 levels.
An upload nested deeper than that was a 500 with a RecursionError or a TypeError in the log. No plan Terraform
or OpenTofu writes comes near: the deepest value is a provider's nested blocks, tens of levels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from tfreview.core.errors import InputError

# below orjson's 254 with room for the few levels a review's report adds around a value it quotes
MAX_STORED_NESTING: Final = 200


def check_nesting(document: Mapping[str, Any]) -> None:
    """InputError naming the top-level key under which `document` (a parsed plan, level 1) nests objects and lists
    more than MAX_STORED_NESTING levels deep. A walk with its own stack: it never recurses, whatever the depth."""
    stack: list[tuple[Any, int, str]] = [
        (value, 2, str(key)) for key, value in document.items() if type(value) is dict or type(value) is list
    ]
    while stack:
        value, depth, key = stack.pop()
        if depth > MAX_STORED_NESTING:
            raise InputError(
                f"the plan nests objects and lists more than {MAX_STORED_NESTING} levels deep (under `{key}`); "
                f"the service keeps plans nested at most {MAX_STORED_NESTING} levels"
            )
        for child in value.values() if type(value) is dict else value:
            if type(child) is dict or type(child) is list:
                stack.append((child, depth + 1, key))
