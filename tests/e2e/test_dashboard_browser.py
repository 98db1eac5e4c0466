"""The dashboard in headless chromium: sign in (OIDC code + PKCE at the issuer, or a token), find a review by
address and open it, follow the link of a published PR comment, upload a plan and watch it become a
review, retry a dead job, another tenant's review answering 404; screenshots and axe-core checks."""

from __future__ import annotations

import re
import sqlite3
import uuid
from pathlib import Path
from typing import Any

from tests.e2e.browser import screenshot, serious_violations
from tests.e2e.conftest import TENANT, Site
from tests.integration.live import wait_for
from tests.integrations.live_stack import REPO, open_terraform_pull_request, pull_request_event, send_webhook
from tests.web.dashboard_helpers import DEMO_PLAN, stored_review
from tfreview.ports.jobs import JobState, NewJob
from tfreview.ports.records import ReviewStatus, Scope, SourceInfo
from tfreview.ports.review_codec import report_document

_LINK = re.compile(r"\[open the full review\]\((http://127\.0\.0\.1:\d+/reviews/[0-9a-f-]+)\)")


def sign_in_with_token(page: Any, site: Site, scope: Scope, tenant_id: str = TENANT) -> None:
    page.goto(f"{site.url}/signin")
    page.get_by_label("API token").fill(site.token(scope, tenant_id))
    page.get_by_role("button", name="Sign in with the token").click()
    page.wait_for_url(re.compile(r"/reviews"))


def check_page(page: Any, name: str) -> None:
    screenshot(page, name)
    violations = serious_violations(page)
    assert violations == [], f"{name}: {violations}"


def test_oidc_sign_in_then_find_a_review_by_address_and_open_it(site: Site, page: Any) -> None:
    stored = stored_review(site.stack.services, TENANT)
    assert stored.report is not None
    address = report_document(stored.report)["findings"][0]["address"]
    page.goto(f"{site.url}/")
    page.wait_for_url(re.compile(r"/signin"))
    screenshot(page, "signin")
    page.get_by_role("link", name="Sign in with single sign-on").click()
    page.wait_for_url(re.compile(re.escape(site.issuer.issuer) + r"/authorize\?"))
    page.get_by_label("User").fill("alice@example.com")
    page.get_by_label("Tenant").fill(TENANT)
    page.get_by_label("Scope").fill("admin")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site.url}/reviews")
    assert TENANT in page.locator("header").inner_text()
    page.get_by_label("Address or rule").fill(address)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"/reviews\?q="))
    screenshot(page, "reviews-found-by-address")
    page.get_by_role("link", name=f"Open review {stored.id}").click()
    page.wait_for_url(f"{site.url}/reviews/{stored.id}")
    assert stored.id in page.get_by_role("heading", level=1).inner_text()
    assert address in page.content()
    check_page(page, "review")


def test_the_link_of_a_published_pr_comment_opens_the_review_after_sign_in(site: Site, page: Any) -> None:
    number = open_terraform_pull_request(site.github, REPO, f"e2e-{uuid.uuid4().hex[:8]}")
    send_webhook(site.github, "pull_request", pull_request_event(site.github, REPO, number, "opened"))

    def link() -> str | None:
        for comment in site.github.comments(REPO, number):
            found = _LINK.search(str(comment["body"]))
            if found:
                return found.group(1)
        return None

    url = wait_for(link, "the PR comment with the review's link")
    page.goto(url)
    page.wait_for_url(re.compile(r"/signin\?next=%2Freviews%2F"))
    page.get_by_label("API token").fill(site.token(Scope.READ))
    page.get_by_role("button", name="Sign in with the token").click()
    page.wait_for_url(url)
    assert "aws_security_group.web" in page.content()
    assert f"{REPO}#{number}" in page.content()
    screenshot(page, "review-from-pr-comment")


def test_upload_a_plan_and_land_on_its_review(site: Site, page: Any, tmp_path: Path) -> None:
    sign_in_with_token(page, site, Scope.WRITE)
    page.get_by_role("link", name="Upload").click()
    page.wait_for_url(f"{site.url}/upload")
    check_page(page, "upload")
    plan = tmp_path / "plan.json"
    plan.write_bytes(
        DEMO_PLAN.read_bytes().replace(
            b'"format_version"', b'"e2e": "%s", "format_version"' % uuid.uuid4().hex.encode(), 1
        )
    )
    page.get_by_label("Plan or tarball").set_input_files(str(plan))
    page.get_by_role("button", name="Upload and review").click()
    page.wait_for_url(re.compile(r"/reviews/[0-9a-f-]{36}$"))
    page.get_by_role("heading", name=re.compile(r"^(PASS|WARN|FAIL) ")).wait_for(timeout=30_000)  # refreshes until done
    assert "aws_security_group_rule.bastion_ssh" in page.content()
    check_page(page, "review-uploaded")
    page.get_by_role("link", name="the plan (redacted)").click()
    assert "hunter2-canary-not-shown" not in page.content()  # the demo plan's secret was redacted before storing
    check_page(page, "plan-redacted")


def test_an_admin_retries_a_dead_job_and_its_review_completes(site: Site, page: Any) -> None:
    services = site.stack.services
    plan_id = services.plans.put(TENANT, DEMO_PLAN.read_bytes(), "plan", {"source": "api"})
    database = Path(site.stack.settings.database.url.split(":///", 1)[1])
    with sqlite3.connect(database) as db:  # the stored plan fails its integrity check: the job dies
        (good,) = db.execute("SELECT sha256 FROM plans WHERE id = ?", (plan_id,)).fetchone()
        db.execute("UPDATE plans SET sha256 = ? WHERE id = ?", ("0" * 64, plan_id))
    review = services.reviews.create(TENANT, SourceInfo(kind="api"), plan_id=plan_id)
    job, _ = services.queue.enqueue(
        NewJob(
            kind="review",
            tenant_id=TENANT,
            idempotency_key=f"e2e-dead-{uuid.uuid4().hex}",
            payload={"review_id": review.id, "plan_id": plan_id, "source": "api", "plan_kind": "plan"},
            max_attempts=1,
        )
    )
    wait_for(lambda: (services.queue.get(job.id) or job).state is JobState.DEAD, "the job to die")
    with sqlite3.connect(database) as db:  # the operator repairs the cause
        db.execute("UPDATE plans SET sha256 = ? WHERE id = ?", (good, plan_id))
    sign_in_with_token(page, site, Scope.ADMIN)
    page.get_by_role("link", name="Operations").click()
    check_page(page, "operations")
    page.get_by_role("link", name="Jobs").click()
    page.wait_for_url(f"{site.url}/ops/jobs")
    row = page.get_by_role("row").filter(has_text=f"{job.id}")
    assert "integrity" in row.first.inner_text().lower()
    check_page(page, "jobs-dead")
    page.get_by_role("button", name=f"Retry job {job.id}").click()
    page.get_by_text(f"Job {job.id} is queued again.").wait_for()

    def completed() -> bool:
        found = services.reviews.get(review.id)
        return found is not None and found.status in (ReviewStatus.COMPLETED, ReviewStatus.COMPLETED_WITHOUT_AI)

    wait_for(completed, "the retried review to complete")
    page.get_by_role("link", name="Deliveries").click()
    check_page(page, "deliveries")


def test_another_tenants_review_is_404(site: Site, page: Any) -> None:
    theirs = stored_review(site.stack.services, "spacelift:someone-else")
    sign_in_with_token(page, site, Scope.ADMIN)
    answer = page.goto(f"{site.url}/reviews/{theirs.id}")
    assert answer is not None
    assert answer.status == 404
    assert "was not found" in page.content()
    check_page(page, "review-404")


def test_sign_in_and_reviews_pages_are_accessible(site: Site, page: Any) -> None:
    page.goto(f"{site.url}/signin")
    assert serious_violations(page) == []
    sign_in_with_token(page, site, Scope.READ)
    check_page(page, "reviews")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    assert page.get_by_label("Address or rule").get_attribute("maxlength") == "200"
    answer = page.goto(f"{site.url}/reviews?q={'module.a.' * 30}")  # typed into the address bar: the error page
    assert answer is not None
    assert answer.status == 400
    assert "q: at most 200 characters" in page.content()
    check_page(page, "reviews-bad-query")


def test_an_operator_acknowledges_an_incident_and_reads_alerts_and_service_levels(site: Site, page: Any) -> None:
    from tfreview.ops.incidents import NewIncident

    ops = site.stack.services.ops
    assert ops is not None
    flood = NewIncident(
        "flood", "request-flood", "flood", "high", "More than 200 requests per second", 2, 10, ("page",)
    )
    incident, _ = ops.incidents.open(flood, {"alert": "request-flood", "value": 250})
    stored_review(site.stack.services, TENANT)  # a finished review: the SLO charts have a point to draw
    page.goto(f"{site.url}/ops/incidents")
    page.wait_for_url(re.compile(r"/signin"))
    page.get_by_role("link", name="Sign in with single sign-on").click()
    page.wait_for_url(re.compile(re.escape(site.issuer.issuer) + r"/authorize\?"))
    page.get_by_label("User").fill("olivia@example.com")
    page.get_by_label("Tenant").fill("")  # an operator: admin across tenants
    page.get_by_label("Scope").fill("admin")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site.url}/ops/incidents")
    check_page(page, "ops-incidents")
    page.get_by_role("link", name=str(incident.id), exact=True).click()
    page.wait_for_url(f"{site.url}/ops/incidents/{incident.id}")
    check_page(page, "ops-incident")
    page.get_by_role("button", name="Acknowledge").click()
    page.wait_for_url(re.compile(rf"/ops/incidents/{incident.id}\?done="))
    assert "escalation stopped" in page.content()
    acknowledged = ops.incidents.get(incident.id)
    assert acknowledged is not None
    assert acknowledged.acknowledged_by == "dashboard:olivia@example.com"
    for path, name in (("/ops/alerts", "ops-alerts"), ("/ops/slo", "ops-slo"), ("/ops/audit", "ops-audit")):
        page.goto(f"{site.url}{path}")
        check_page(page, name)
        if path == "/ops/slo":
            assert page.locator("svg.chart[role=img]").count() == 2
