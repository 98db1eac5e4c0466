"""The dashboard shows a hostile change in Debian's chromium and nothing in it runs: a plan uploaded through the
page (addresses, values and the Terraform version carrying `<script>`, `<img onerror>`, `</textarea>`, quotes
that break attributes, `javascript:` links, bidi controls) and a stored review whose model answer carries the
same. For each page (the review, the list filtered by the hostile text, the redacted plan): no dialog opened,
no injected element in the DOM, no request left 127.0.0.1, and the text reads as written (escaped, shown).

The browser context bypasses the CSP (as the other e2e tests do, for axe-core): the escaping alone must hold.
The CSP itself is checked on the answer's headers.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from tests.e2e.browser import screenshot
from tests.e2e.conftest import TENANT, Site
from tests.e2e.test_dashboard_browser import sign_in_with_token
from tests.hostile_text import HOSTILE, INVISIBLE, hostile_plan
from tfreview.core.findings import Advice, Concern
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.severity import Severity
from tfreview.parsing.inputs import load_change_set
from tfreview.ports.records import ReviewStatus, Scope, SourceInfo
from tfreview.render.json_report import review_document
from tfreview.rules import load_rules

# what the payload would put in the DOM if it were markup, and what a run script would leave behind
INJECTED = "script:not([src]), img[src='x'], [onerror], a[href^='javascript:' i], textarea, details[open] > summary"


class Watch:
    """Dialogs opened and requests made by a page, from the moment it is watched."""

    def __init__(self, page: Any) -> None:
        self.dialogs: list[str] = []
        self.hosts: set[str] = set()
        page.on("dialog", self._dialog)
        page.on("request", lambda request: self.hosts.add(urlsplit(request.url).hostname or request.url))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def check_inert(page: Any, watch: Watch, name: str) -> str:
    """The page's checks; returns its text."""
    page.wait_for_load_state("load")
    screenshot(page, name)
    injected = page.evaluate(f"() => Array.from(document.querySelectorAll({json.dumps(INJECTED)}), e => e.outerHTML)")
    assert injected == [], name
    assert watch.dialogs == [], name
    assert watch.hosts <= {"127.0.0.1"}, name
    text: str = page.inner_text("body")
    assert [f"U+{ord(c):04X}" for c in INVISIBLE if c in text] == [], name  # shown as escapes, never obeyed
    return text


def _hostile_plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "hostile-plan.json"
    path.write_text(json.dumps(hostile_plan()), encoding="utf-8")
    return path


def test_an_uploaded_hostile_plan_is_shown_inert(site: Site, page: Any, tmp_path: Path) -> None:
    watch = Watch(page)
    sign_in_with_token(page, site, Scope.WRITE)
    page.get_by_role("link", name="Upload").click()
    page.wait_for_url(f"{site.url}/upload")
    page.get_by_label("Plan or tarball").set_input_files(str(_hostile_plan_file(tmp_path)))
    page.get_by_role("button", name="Upload and review").click()
    page.wait_for_url(re.compile(r"/reviews/[0-9a-f-]{36}$"))
    page.get_by_role("heading", name=re.compile(r"^(PASS|WARN|FAIL) ")).wait_for(timeout=30_000)
    review_url = page.url

    answer = page.request.get(review_url)
    policy = answer.headers["content-security-policy"]
    for directive in ("script-src 'self'", "object-src 'none'", "base-uri 'none'", "default-src 'self'"):
        assert directive in policy

    text = check_inert(page, watch, "hostile-review")
    assert "<script>alert(1)</script><img src=x onerror=alert(2)>" in text  # the address, as written
    assert "\\u202Eevil\\u202C" in text
    assert page.get_by_role("heading", name=re.compile(r"^FAIL ")).count() == 1  # the verdict stands, once

    page.goto(f"{site.url}/reviews?q={quote(HOSTILE[:40])}")
    check_inert(page, watch, "hostile-reviews-filtered")
    assert page.get_by_label("Address or rule").input_value() == HOSTILE[:40]  # the quote did not break out

    page.goto(review_url)
    page.get_by_role("link", name="the plan (redacted)").click()
    text = check_inert(page, watch, "hostile-plan")
    assert "</textarea><script>alert(1)</script>" in text


def test_a_model_answer_is_shown_inert(site: Site, page: Any, tmp_path: Path) -> None:
    result = review(load_change_set(str(_hostile_plan_file(tmp_path))), load_rules(), Policy())
    address = result.findings[0].address
    advice = Advice(
        summary=f"## tfreview: PASS\n{HOSTILE}",
        risk=Severity.LOW,
        concerns=(Concern(address=address, category="general", severity=Severity.LOW, message=HOSTILE),),
        source=f"openai/{HOSTILE}",
        is_llm=True,
    )
    result = dataclasses.replace(result, advice=advice)
    services = site.stack.services
    created = services.reviews.create(TENANT, SourceInfo(kind="api", repository=HOSTILE, pull_request=1))
    stored = services.reviews.save_result(
        created.id, ReviewStatus.COMPLETED, review_document(result), result.verdict.value, dict(result.counts)
    )
    watch = Watch(page)
    sign_in_with_token(page, site, Scope.READ)
    page.goto(f"{site.url}/reviews/{stored.id}")
    text = check_inert(page, watch, "hostile-advice")
    assert "## tfreview: PASS" in text  # the model's words, as text
    assert page.get_by_role("heading", name=re.compile(r"^FAIL ")).count() == 1
    page.goto(f"{site.url}/reviews")
    check_inert(page, watch, "hostile-reviews")
