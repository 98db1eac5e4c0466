"""A template's interpolations are parsed together, not one lark parse each (a heredoc of 40k `${1}` took ~40 s);
each still reads as it did parsed on its own, including one that does not parse or that spans lines."""

from __future__ import annotations

from tfreview.core.values import UNKNOWN
from tfreview.parsing.hcl_templates import evaluate_template
from tfreview.parsing.hcl_values import Evaluator, Input, Scope


def _evaluate(text: str) -> object:
    return evaluate_template(Evaluator(Scope({"name": Input("web"), "n": Input(3)})), text)


def test_many_interpolations_read_as_each_alone() -> None:
    text = "".join(f"${{{index}}}-${{var.name}}/${{var.n + {index}}};" for index in range(500))
    assert _evaluate(text) == "".join(f"{index}-web/{3 + index};" for index in range(500))


def test_a_source_that_would_run_into_the_next_is_read_alone() -> None:
    # an unclosed bracket, an attribute-like source, a comment and a multi-line source among good ones
    assert _evaluate('${["a",\n"b"][1]}:${var.name # x\n}:${upper("x")}') == "b:web:X"
    assert _evaluate("${1}${[1,}${2}") is UNKNOWN  # the broken one is unknown, as it was; the template with it
    assert _evaluate("${1}${v0 = 2}${3}") is UNKNOWN
    assert _evaluate("${1}${2 /* c */}${3}") == "123"


def test_escapes_and_directives_are_unchanged() -> None:
    assert _evaluate("$${var.name} ${var.name} %%{x}") == "${var.name} web %{x}"
    assert _evaluate("%{ if true }a%{ endif }") is UNKNOWN
