"""One report for several root modules (`tfreview scan DIR` on a repository): each root's review, named.

Every format shows the root. Text and Markdown: a one-line total, then a section per root. JSON: the
review document of all roots together (schema v1, so the Action's outputs and PR comment read it) plus
`roots`, each root's own document with its folder. SARIF: one run of all roots (GitHub takes at most 20 runs
a file), a `root` property on every result and the roots' verdicts on the run.
JUnit: each suite prefixed with the root. GitHub annotations carry repository paths already. The
verdict is the worst of the roots.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import orjson

from tfreview.core.findings import Review, Status, Verdict, worst_verdict
from tfreview.core.plan import Coverage
from tfreview.core.rules import Rule
from tfreview.render.digest import clean, imported, one_line
from tfreview.render.json_report import review_document
from tfreview.render.junit import inert_xml, xml_text
from tfreview.render.markdown import code, escape


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
    """The report of every root in format `fmt`; the single report when the scanned folder is the one root."""
    from tfreview.render import render

    if len(roots) == 1 and roots[0].root == ".":
        return render(fmt, roots[0].review, rules, color=color, plan_path=roots[0].plan_path)
    if fmt == "json":
        return _json(roots)
    if fmt == "sarif":
        return _sarif(roots, rules)
    parts = [(r, render(fmt, r.review, rules, color=color, plan_path=r.plan_path)) for r in roots]
    if fmt == "junit":
        return _junit(parts)
    if fmt == "github":
        return "".join(text if text.endswith("\n") or not text else text + "\n" for _, text in parts)
    # a root's name is a folder of the repository under review: one line, inert (a folder named
    # "x\n::error::…" wrote a workflow command into the CI log, and closed the heading's code span in a comment)
    if fmt == "markdown":
        total = _total(roots, _markdown_name)
        head = f"**{total}**\n\n"
        headings = [f"## Root {code(r.root) or '`.`'}\n\n" for r, _ in parts]
    else:
        total = _total(roots, _text_name)
        head = f"{total}\n\n"
        headings = [f"=== root {_text_name(r.root)} ===\n" for r, _ in parts]
    return head + "\n".join(
        heading + text.rstrip("\n") + "\n" for heading, (_, text) in zip(headings, parts, strict=True)
    )


def _text_name(root: str) -> str:
    return clean(one_line(root))


def _markdown_name(root: str) -> str:
    return escape(root)


def _total(roots: Sequence[RootReview], name: Callable[[str], str]) -> str:
    findings = sum(len(r.review.findings) for r in roots)
    failing = [name(r.root) for r in roots if r.review.verdict is Verdict.FAIL]
    verdict = verdict_of(roots).value.upper()
    also = f" (failing: {', '.join(failing)})" if failing else ""
    return f"{len(roots)} root modules reviewed, {findings} findings; verdict {verdict}{also}"


def merged(roots: Sequence[RootReview]) -> Review:
    """One review holding every root's findings and changes (paths are the repository's already), with
    the worst verdict: what a consumer of one review (the Action's outputs, a PR comment) reads."""
    first = roots[0].review
    coverages = [r.review.coverage for r in roots]
    coverage = Coverage(
        resources_total=sum(c.resources_total for c in coverages),
        resources_reviewed=sum(c.resources_reviewed for c in coverages),
        resources_covered=sum(c.resources_covered for c in coverages),
        uncovered_types=tuple(sorted({t for c in coverages for t in c.uncovered_types})),
        files_parsed=tuple(sorted({f for c in coverages for f in c.files_parsed})),
        files_skipped=tuple(s for c in coverages for s in c.files_skipped),
        notes=tuple(f"{r.root}: {n}" for r in roots for n in r.review.coverage.notes),
    )
    return Review(
        findings=[f for r in roots for f in r.review.findings],
        suppressed=[f for r in roots for f in r.review.suppressed],
        changes=[c for r in roots for c in r.review.changes],
        drift=[c for r in roots for c in r.review.drift],
        coverage=coverage,
        verdict=verdict_of(roots),
        fail_on=first.fail_on,
        source=first.source,
        label=f"{len(roots)} root modules",
        terraform_version=first.terraform_version,
        diagnostics=[f"{r.root}: {d}" for r in roots for d in r.review.diagnostics],
        notices=[f"{r.root}: {n}" for r in roots for n in r.review.notices],
        fail_on_existing=first.fail_on_existing,
        counts={"imports": sum(imported(r.review) for r in roots)},  # the one count read from `counts`
    )


def _json(roots: Sequence[RootReview]) -> str:
    """A review document of all roots together (schema v1, so readers of one review read it), with each
    root's own document under `roots`."""
    document = review_document(merged(roots))
    document["roots"] = [{"root": r.root, **review_document(r.review)} for r in roots]
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"


def _sarif(roots: Sequence[RootReview], rules: Mapping[str, Rule]) -> str:
    """One run of every root's results (GitHub takes at most 20 runs per file, and one run per tool and
    category), each result with its `root`; the run lists the roots and their verdicts."""
    from tfreview.render import render

    log = orjson.loads(render("sarif", merged(roots), rules))
    findings_first = [r.root for r in roots for f in r.review.findings if f.status is not Status.RESOLVED]
    suppressed = [r.root for r in roots for _ in r.review.suppressed]
    run = log["runs"][0]
    for result, root in zip(run["results"], findings_first + suppressed, strict=True):
        result.setdefault("properties", {})["root"] = root
    run["properties"]["roots"] = [{"root": r.root, "verdict": r.review.verdict.value} for r in roots]
    return orjson.dumps(log, option=orjson.OPT_INDENT_2).decode() + "\n"


def _junit(parts: Sequence[tuple[RootReview, str]]) -> str:
    """The roots' reports as one. Each root's report is read back, so the text in it is plain again (its inert
    `&#58;:` reads `::`): the whole is written inert once more, and a root's name is written as the roots' text
    is (a folder's escape sequence was raw in the report, and not XML 1.0)."""
    combined = ET.Element("testsuites", name="tfreview")
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    errors: list[str] = []
    for root, text in parts:
        tree = ET.fromstring(text)
        for key in totals:
            totals[key] += int(tree.get(key, "0"))
        for suite in tree.findall("testsuite"):
            suite.set("name", xml_text(f"{one_line(root.root)}: {suite.get('name', '')}"))
            combined.append(suite)
        err = tree.find("system-err")
        if err is not None and err.text:
            errors.append(xml_text(f"{one_line(root.root)}: {err.text}"))
    for key, value in totals.items():
        combined.set(key, str(value))
    combined.set("time", "0")
    if errors:
        ET.SubElement(combined, "system-err").text = "\n".join(errors)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + inert_xml(ET.tostring(combined, encoding="unicode")) + "\n"
