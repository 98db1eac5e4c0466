"""JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure Pipelines).

One testsuite per provider. A finding that fails the verdict (introduced at or above the threshold;
existing too with `fail_on_existing`) is a failing testcase, so the report fails exactly when the
verdict does. Another existing finding is skipped (already there before this change), another
introduced one passes with its details and a `below-threshold` property, a resolved one passes, a
suppressed one is skipped with its reason. When the rules are given, each rule without a finding is
a passing testcase, so the report shows what was checked; each resource type no rule checks is a
skipped testcase of the `coverage` suite.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from tfreview.core.findings import Finding, Review, Status
from tfreview.core.rules import Rule
from tfreview.render.digest import (
    clean,
    evidence_text,
    first_line,
    location_text,
    one_line,
    rules_index,
    suppressed_by_the_change,
)
from tfreview.render.text import WORKFLOW_COMMAND

# characters XML 1.0 cannot carry at all, even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text a CI page shows: as on a terminal (`clean`: no escape sequence, bidi control shown), and XML 1.0."""
    return _NOT_XML.sub("", clean(text))


def render_junit(review: Review, rules: Mapping[str, Rule] | None = None, **options: Any) -> str:
    """JUnit XML: one testsuite per provider, a failure per introduced or existing finding."""
    known = rules_index(rules)
    suites: dict[str, list[ET.Element]] = {}
    flagged: set[str] = set()
    own = {id(f) for f in suppressed_by_the_change(review)}  # the change's own suppressions say so (ADR 0562)
    for finding in [*review.findings, *review.suppressed]:
        flagged.add(finding.rule_id)
        suites.setdefault(finding.provider or "general", []).append(_case(finding, review, id(finding) in own))
    for rule in sorted(known.values(), key=lambda r: r.id):
        if rule.id not in flagged:
            case = ET.Element("testcase", name=f"{rule.id} {rule.long_id}", classname=f"tfreview.{rule.provider}")
            case.set("time", "0")
            suites.setdefault(rule.provider or "general", []).append(case)

    for resource_type in review.coverage.uncovered_types:
        case = ET.Element("testcase", name=xml_text(f"no rule checks {resource_type}"), classname="tfreview.coverage")
        case.set("time", "0")
        ET.SubElement(case, "skipped", message="no tfreview rule covers this resource type; a pass says nothing")
        suites.setdefault("coverage", []).append(case)

    root = ET.Element("testsuites", name="tfreview")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for provider in sorted(suites):
        cases = suites[provider]
        suite = ET.SubElement(root, "testsuite", name=f"tfreview.{provider}")
        counts = {
            "tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "skipped": sum(1 for c in cases if c.find("skipped") is not None),
        }
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("errors", "0")
        suite.set("time", "0")
        suite.extend(cases)
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", str(len(review.diagnostics)))
    root.set("time", "0")
    if review.diagnostics or review.notices or review.coverage.files_skipped:
        lines = [*review.diagnostics, *review.notices]
        lines += [f"{file}: not reviewed: {why}" for file, why in review.coverage.files_skipped]
        out = ET.SubElement(root, "system-err")
        out.text = xml_text("\n".join(lines))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + inert_xml(ET.tostring(root, encoding="unicode")) + "\n"


def inert_xml(xml: str) -> str:
    """`xml` with nothing a CI runner takes for a workflow command when the report is printed to its log (as
    `render.text.inert` does for the text report): a line's leading `::` and a `##[` anywhere are written with a
    character reference (`&#58;:`, `#&#35;[`), which an XML reader reads back as the same text. The document's
    own markup never holds either, so only quoted text (addresses, values, messages) is touched."""
    if "::" not in xml and "##[" not in xml:
        return xml
    return WORKFLOW_COMMAND.sub(r"\1&#58;:", xml).replace("##[", "#&#35;[")


def _case(finding: Finding, review: Review, own: bool = False) -> ET.Element:
    case = ET.Element(
        "testcase",
        name=xml_text(f"{finding.rule_id} {finding.address}"),
        classname=xml_text(f"tfreview.{finding.provider or 'general'}.{finding.resource_type or 'resource'}"),
    )
    case.set("time", "0")
    where = location_text(finding)
    if where:
        case.set("file", xml_text(finding.location.file if finding.location else ""))
        case.set("line", str(finding.location.line if finding.location else 0))
    body = [
        f"{finding.severity.value} {finding.rule_id} ({finding.long_id}) {finding.status.value}",
        f"resource: {finding.address}",
        f"message: {finding.message}",
    ]
    evidence = evidence_text(finding)
    if evidence:
        body.append(f"evidence: {evidence}")
    if where:
        body.append(f"at: {where}")
    fix = first_line(finding.remediation)
    if fix:
        body.append(f"fix: {fix}")
    if finding.suppressed is not None:
        why = finding.suppressed
        said = f"suppressed ({why.by}): {one_line(why.reason) or 'no reason given'}"
        skipped = ET.SubElement(
            case, "skipped", message=xml_text(f"introduced by this change and {said}" if own else said)
        )
        skipped.text = xml_text("\n".join(body))
    elif finding.status is Status.RESOLVED:
        out = ET.SubElement(case, "system-out")
        out.text = xml_text("resolved by this change\n" + "\n".join(body))
    elif review.fails(finding):
        failure = ET.SubElement(
            case,
            "failure",
            message=xml_text(f"[{finding.status.value}] {finding.message}"),
            type=finding.severity.value,
        )
        failure.text = xml_text("\n".join(body))
    elif finding.status is Status.EXISTING:
        skipped = ET.SubElement(
            case, "skipped", message="existing: already there before this change (fail_on_existing is off)"
        )
        skipped.text = xml_text("\n".join(body))
    else:
        properties = ET.SubElement(case, "properties")
        ET.SubElement(properties, "property", name="below-threshold", value=review.fail_on.value)
        out = ET.SubElement(case, "system-out")
        out.text = xml_text(f"introduced, below the {review.fail_on.value} threshold\n" + "\n".join(body))
    return case
