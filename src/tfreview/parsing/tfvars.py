"""A root module's variable values from its `.tfvars` files, loaded as Terraform loads them: terraform.tfvars,
terraform.tfvars.json, then the `*.auto.tfvars(.json)` files in name order, a later file's value winning.
"""

from __future__ import annotations

import posixpath

import orjson

from tfreview.parsing.hcl_configured import Configuration
from tfreview.parsing.hcl_syntax import Attribute, HclSyntaxError, body_items, parse_blocks
from tfreview.parsing.hcl_values import Evaluator, Input, Scope


def read_tfvars(tfvars: list[tuple[str, str]], configuration: Configuration) -> dict[str, Input]:
    """Variable name → value of the (path, text) `tfvars` files; each is listed in `configuration` as parsed or
    skipped with the reason."""
    out: dict[str, Input] = {}
    for path, text in sorted(tfvars, key=_tfvars_order):
        if path.endswith(".json"):
            _json_tfvars(path, text, out, configuration)
            continue
        try:
            wrapped = parse_blocks("tfvars {\n" + text + "\n}\n")
        except HclSyntaxError as exc:
            line = f"line {exc.line - 1}: " if exc.line and exc.line > 1 else ""
            configuration.files_skipped.append((path, line + exc.message))
            continue
        configuration.files_parsed.append(path)
        evaluator = Evaluator(Scope())
        for item in body_items(wrapped[0].body):
            if isinstance(item, Attribute):
                out[item.name] = Input(evaluator.evaluate(item.expression))
    return out


def _json_tfvars(path: str, text: str, out: dict[str, Input], configuration: Configuration) -> None:
    """A `.tfvars.json` file: one JSON object, variable name → value."""
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        configuration.files_skipped.append((path, f"not JSON: {exc}"))
        return
    if not isinstance(document, dict):
        configuration.files_skipped.append((path, "not a JSON object of variable values"))
        return
    configuration.files_parsed.append(path)
    for name, value in document.items():
        out[name] = Input(value)


def _tfvars_order(item: tuple[str, str]) -> tuple[int, str]:
    """terraform.tfvars, terraform.tfvars.json, then the `*.auto.tfvars(.json)` files by name."""
    name = posixpath.basename(item[0])
    return ({"terraform.tfvars": 0, "terraform.tfvars.json": 1}.get(name, 2), name)
