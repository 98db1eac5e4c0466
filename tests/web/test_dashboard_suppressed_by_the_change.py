"""review16a: the review page folded what a change introduces and suppresses into the closed "Suppressed (2)" list,
without severity and with an empty reason, under "Introduced by this change (0) — Nothing introduced." — while the
PR comment, the text report and the headline on the same page showed it in the open (ADR 0562). Now the page shows
the change's own suppressions unfolded, with severity, rule, resource, by, reason (or "no reason given") and where;
older suppressions stay folded."""

from __future__ import annotations

import re

from tests.web.conftest import TENANT_A, Web
from tests.web.dashboard_helpers import browser, sign_in
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.severity import Severity
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.ports.records import ReviewStatus, Scope, SourceInfo
from tfreview.render.json_report import review_document
from tfreview.rules import load_rules

_BUCKET = 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n%s}\n'
_OLD = 'resource "aws_s3_bucket" "old" {\n  bucket = "y" # tfreview:ignore=TFR-AWS-011 -- kept for the archive\n}\n'
BASE = {"main.tf": _BUCKET % "" + _OLD}
HEAD = {"main.tf": _BUCKET % '  acl    = "public-read-write" # tfreview:ignore=TFR-AWS-002\n' + _OLD}


def test_the_review_page_shows_what_the_change_introduces_and_suppresses_in_the_open(web: Web) -> None:
    rules = [rule for rule in load_rules() if rule.id in ("TFR-AWS-002", "TFR-AWS-011")]
    result = review(changeset_from_sources(HEAD, BASE), rules, Policy(fail_on=Severity.HIGH))
    created = web.services.reviews.create(TENANT_A, SourceInfo(kind="github", repository="acme/infra", pull_request=9))
    stored = web.services.reviews.save_result(
        created.id, ReviewStatus.COMPLETED, review_document(result), result.verdict.value, dict(result.counts)
    )
    with browser(web.client) as client:
        sign_in(client, web.services, TENANT_A, Scope.READ)
        page = client.get(f"/reviews/{stored.id}").text
    assert "1 introduced by this change: 1 critical" in page  # the headline already said so
    assert "Nothing introduced." not in page
    own = page.index("Introduced by this change and suppressed (1)")
    section = page[own : page.index("</section>", own)]
    assert "<details" not in page[page.rfind("<section", 0, own) : own]  # not folded
    assert re.search(r'class="sev critical">critical<.*TFR-AWS-002.*aws_s3_bucket\.b.*no reason given', section, re.S)
    assert "main.tf:3" in section
    older = page.index("Suppressed (1)")  # the old one stays folded, with its severity
    assert "<details>" in page[page.rfind("<section", 0, older) : older]
    assert "aws_s3_bucket.old" in page[older:]
    assert "kept for the archive" in page[older:]
