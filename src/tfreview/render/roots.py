"""One report for several root modules (`tfreview scan DIR` on a repository): each root's review, named.

Every format shows the root: text and markdown give each its own section under a one-line total;
JSON lists `roots` (each a full review document with its `root`); SARIF gives each root its own run
(`automationDetails.id` = `tfreview/<root>/`, so code scanning keeps their alerts apart) and every result
a `root` property; JUnit prefixes each test suite with the root; GitHub annotations carry repository
paths already. The verdict is the worst of the roots.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from tfreview.core.findings import Review, Verdict, worst_verdict
from tfreview.core.rules import Rule
from tfreview.render.json_report import review_document


@dataclass(frozen=True, slots=True)
class RootReview:
    """The review of one root module; `root` is its folder relative to the scanned one ("." for itself)."""

    root: str
    review: Review
    plan_path: str | None = None


def verdict_of(roots: Sequence[RootReview]) -> Verdict:
    """The worst verdict of the roots."""
    return worst_verdict(*(r.review.verdict for r in roots))


def render_roots(fmt: str, roots: Sequence[RootReview], rules: Mapping[str, Rule], *, color: bool = False) -> str:
    from tfreview.render import render

    if fmt == "json" and not (len(roots) == 1 and roots[0].root == "."):
        return _json(roots)
    parts = [(r, render(fmt, r.review, rules, color=color, plan_path=r.plan_path)) for r in roots]
    if len(parts) == 1 and roots[0].root == ".":
        return parts[0][1]  # the scanned folder is the one root: the report a single review always gave
    if fmt == "sarif":
        return _sarif(parts)
    if fmt == "junit":
        return _junit(parts)
    if fmt == "github":
        return "".join(text if text.endswith("\n") or not text else text + "\n" for _, text in parts)
    heading = "## Root `{}`\n\n" if fmt == "markdown" else "=== root {} ===\n"
    total = _total(roots)
    head = f"**{total}**\n\n" if fmt == "markdown" else f"{total}\n\n"
    return head + "\n".join(heading.format(r.root) + text.rstrip("\n") + "\n" for r, text in parts)


def _total(roots: Sequence[RootReview]) -> str:
    findings = sum(len(r.review.findings) for r in roots)
    failing = [r.root for r in roots if r.review.verdict is Verdict.FAIL]
    verdict = verdict_of(roots).value.upper()
    also = f" (failing: {', '.join(failing)})" if failing else ""
    return f"{len(roots)} root modules reviewed, {findings} findings; verdict {verdict}{also}"


def _json(roots: Sequence[RootReview]) -> str:
    document: dict[str, Any] = {
        "verdict": verdict_of(roots).value,
        "roots": [{"root": r.root, **review_document(r.review)} for r in roots],
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"


def _sarif(parts: Sequence[tuple[RootReview, str]]) -> str:
    runs: list[dict[str, Any]] = []
    log: dict[str, Any] = {}
    for root, text in parts:
        log = orjson.loads(text)
        for run in log["runs"]:
            run["automationDetails"] = {"id": f"tfreview/{root.root}/"}
            run.setdefault("properties", {})["root"] = root.root
            for result in run.get("results", []):
                result.setdefault("properties", {})["root"] = root.root
            runs.append(run)
    log["runs"] = runs
    return orjson.dumps(log, option=orjson.OPT_INDENT_2).decode() + "\n"


def _junit(parts: Sequence[tuple[RootReview, str]]) -> str:
    combined = ET.Element("testsuites", name="tfreview")
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    errors: list[str] = []
    for root, text in parts:
        tree = ET.fromstring(text)
        for key in totals:
            totals[key] += int(tree.get(key, "0"))
        for suite in tree.findall("testsuite"):
            suite.set("name", f"{root.root}: {suite.get('name', '')}")
            combined.append(suite)
        err = tree.find("system-err")
        if err is not None and err.text:
            errors.append(f"{root.root}: {err.text}")
    for key, value in totals.items():
        combined.set(key, str(value))
    combined.set("time", "0")
    if errors:
        ET.SubElement(combined, "system-err").text = "\n".join(errors)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(combined, encoding="unicode") + "\n"
