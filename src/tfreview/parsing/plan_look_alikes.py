r"""Files passed for a plan that are not one, named in the error: `terraform plan -json`'s UI stream (one JSON message
a line, not the plan) and plans one after another (`terragrunt run-all show -json`, one per module).

>>> is_ui_message({"@level": "info", "@message": "Terraform 1.9.8", "type": "version"})
True
>>> more_than_one_document('{"format_version": "1.2"}\n{"format_version": "1.2"}', "line 2, column 1")[:35]
'more than one JSON document in the '
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tfreview.core.redact import mask_assignments, scrub_text
from tfreview.plumbing.json_documents import NotJson, read_json

UI_STREAM = (
    "the machine-readable UI output of `terraform plan -json` (one message a line); write the plan with "
    "`terraform plan -out=tfplan`, then `terraform show -json tfplan > plan.json` (`tofu` alike)"
)
_FIRST_LINE = 64 * 1024  # a UI message is a line of a few hundred bytes; a longer first line is read no further
_QUOTED = 40  # characters of a file's first line an error quotes


def quoted_start(text: str) -> str:
    """The start of a file's first line as an error quotes it (`'…'`), scrubbed before it is cut: a file given by
    mistake (a `.tfvars`, an `.env`, a token file) starts with a secret more often than not, and the error goes to
    the terminal and the CI log (review21)."""
    stripped = text.lstrip("\ufeff").strip()[:_FIRST_LINE]
    line = stripped.splitlines()[0] if stripped else ""
    return repr(scrub_text(mask_assignments(line))[:_QUOTED])


def is_ui_message(document: Any) -> bool:
    """A message of Terraform's (or OpenTofu's) machine-readable UI: `{"@level", "@message", "type", …}`."""
    return isinstance(document, Mapping) and "@message" in document and "type" in document


QUERY_STREAM = (
    "the machine-readable UI output of `terraform query -json` (one message a line): the existing objects its list "
    "blocks found, not a change; write a plan with `terraform plan -out=tfplan`, then `terraform show -json tfplan "
    "> plan.json`"
)
_QUERY_LINES = 8  # lines of a UI stream looked at for a `terraform query` message (`list_start`, …)


def more_than_one_document(text: str, where: str) -> str:
    line = text[:_FIRST_LINE].split("\n", 1)[0]
    try:
        first = read_json(line) if len(line) < _FIRST_LINE else None
    except NotJson:  # a first document orjson read, nested deeper than this reader goes
        first = None
    if is_ui_message(first):
        return f"not a Terraform plan: this is {QUERY_STREAM if _is_query(text) else UI_STREAM}"
    return (
        f"more than one JSON document in the file (the second starts at {where}); a plan is one document: "
        "scan the plans one at a time (`terragrunt run-all show -json` writes one per module)"
    )


def _is_query(text: str) -> bool:
    """A UI stream of `terraform query -json` (Terraform 1.14): one of its first lines is a `list_…` message."""
    for line in text[:_FIRST_LINE].split("\n")[1:_QUERY_LINES]:
        try:
            message: Any = read_json(line) if line.strip() else None
        except NotJson:
            continue
        if is_ui_message(message) and str(message.get("type", "")).startswith("list_"):
            return True
    return False
