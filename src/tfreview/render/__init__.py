"""Renderers: pure functions from a `Review` to text, one module per output format.

Each is `render_<fmt>(review, rules=None, **options) -> str`; `rules` (by id) adds rule metadata
where a format has room for it (SARIF rule help, JUnit passing checks). The CLI calls `render`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Any

from tfreview.core.errors import ConfigError
from tfreview.core.findings import Review
from tfreview.core.rules import Rule
from tfreview.render.digest import rules_index
from tfreview.render.json_report import render_json, render_json_bytes, render_json_pieces, review_document
from tfreview.render.sarif import render_sarif, render_sarif_bytes

if TYPE_CHECKING:  # imported when first used (`__getattr__`): a scan imports the renderers of its formats only
    from tfreview.render.github import render_github
    from tfreview.render.junit import render_junit
    from tfreview.render.markdown import render_markdown
    from tfreview.render.rules import rule_text, rules_json, rules_text
    from tfreview.render.text import render_text

Renderer = Callable[..., str]

# name → module, for the renderers imported on first use (JUnit's brings xml.etree)
_LAZY = {
    "render_text": "tfreview.render.text",
    "render_junit": "tfreview.render.junit",
    "render_markdown": "tfreview.render.markdown",
    "render_github": "tfreview.render.github",
    "rule_text": "tfreview.render.rules",
    "rules_json": "tfreview.render.rules",
    "rules_text": "tfreview.render.rules",
}
_FORMATS = {
    "text": "render_text",
    "json": "render_json",
    "sarif": "render_sarif",
    "junit": "render_junit",
    "markdown": "render_markdown",
    "github": "render_github",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # once: later lookups find it without this function
    return value


class _Renderers(Mapping[str, Renderer]):
    """Format → renderer, each module imported when its format is first asked for."""

    def __getitem__(self, fmt: str) -> Renderer:
        name = _FORMATS[fmt]
        renderer: Renderer = globals()[name] if name in globals() else __getattr__(name)
        return renderer

    def __iter__(self) -> Iterator[str]:
        return iter(_FORMATS)

    def __len__(self) -> int:
        return len(_FORMATS)


RENDERERS: Mapping[str, Renderer] = _Renderers()


def render(
    fmt: str,
    review: Review,
    rules: Mapping[str, Rule] | Iterable[Rule] | None = None,
    *,
    color: bool = False,
    **options: Any,
) -> str:
    """`review` in format `fmt`; `color` applies to `text` only."""
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        known = ", ".join(RENDERERS)
        raise ConfigError(f"unknown output format {fmt!r} (expected one of {known})")
    if fmt == "text":
        options["color"] = color
    return renderer(review, rules_index(rules), **options)


def render_bytes(
    fmt: str,
    review: Review,
    rules: Mapping[str, Rule] | Iterable[Rule] | None = None,
    *,
    color: bool = False,
    **options: Any,
) -> bytes:
    """`render(...)` as UTF-8 bytes, for a file; JSON is serialised straight to bytes (never decoded)."""
    if fmt == "json":
        return render_json_bytes(review, rules_index(rules), **options)
    if fmt == "sarif":
        return render_sarif_bytes(review, rules_index(rules), **options)
    return render(fmt, review, rules, color=color, **options).encode("utf-8")


def render_pieces(
    fmt: str,
    review: Review,
    rules: Mapping[str, Rule] | Iterable[Rule] | None = None,
    *,
    color: bool = False,
    **options: Any,
) -> list[bytes]:
    """`render_bytes(...)` as pieces whose concatenation it is, for a file written from them (ADR 0692): a JSON
    report's ~30,000 pieces at 10,000 resources are not joined into one more 15 MB copy first."""
    if fmt == "json":
        return render_json_pieces(review, rules_index(rules), **options)
    return [render_bytes(fmt, review, rules, color=color, **options)]


__all__ = [
    "RENDERERS",
    "render",
    "render_bytes",
    "render_github",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_pieces",
    "render_sarif",
    "render_text",
    "review_document",
    "rule_text",
    "rules_json",
    "rules_text",
]
