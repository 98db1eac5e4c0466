"""The dashboard over real HTTP semantics (ASGI): sign-in, sessions, CSRF, tenant scoping, pages, actions."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.fakes.oidc import FakeOidcIssuer
from tests.web.asgi_client import TestClient
from tests.web.conftest import TENANT_A, TENANT_B, Web
from tests.web.dashboard_helpers import DEMO_PLAN, browser, csrf_of, sign_in, stored_review
from tfreview.advisor.sanitize import sanitize
from tfreview.core.findings import Advice, Concern
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.severity import Severity
from tfreview.identity.factory import build_authenticator
from tfreview.identity.sign_in import OidcSignIn
from tfreview.parsing.inputs import load_change_set
from tfreview.ports.jobs import JobState, NewJob
from tfreview.ports.records import ReviewStatus, Scope, SourceInfo
from tfreview.ports.review_codec import report_document
from tfreview.render.json_report import review_document
from tfreview.render.text import render_text
from tfreview.rules import load_rules
from tfreview.settings import ServerSettings
from tfreview.web.dashboard.sessions import SESSION_COOKIE


@pytest.fixture
def client(web: Web) -> Iterator[TestClient]:
    with browser(web.client) as client:
        yield client


def test_the_root_sends_strangers_to_sign_in_and_people_to_their_reviews(web: Web, client: TestClient) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/signin"
    review = client.get("/reviews", follow_redirects=False)
    assert review.status_code == 303
    assert review.headers["location"] == "/signin?next=%2Freviews"
    sign_in(client, web.services, TENANT_A, Scope.READ)
    assert client.get("/", follow_redirects=False).headers["location"] == "/reviews"


def test_token_sign_in_sets_a_secure_http_only_same_site_cookie_without_the_token(web: Web, client: TestClient) -> None:
    page = client.get("/signin")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    _, secret = web.services.tokens.create(TENANT_A, Scope.READ, "canary", None)
    answer = client.post(
        "/signin/token", data={"token": secret, "csrf": csrf_of(page.text), "next": "/reviews"}, follow_redirects=False
    )
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    for attribute in ("Secure", "HttpOnly", "SameSite=lax", "Path=/"):
        assert attribute.lower() in cookie.lower()
    assert secret not in cookie
    assert secret[4:20] not in cookie
    listing = client.get("/reviews")
    assert listing.status_code == 200
    assert secret not in listing.text
    assert TENANT_A in listing.text


def test_a_wrong_token_or_a_missing_csrf_token_signs_nobody_in(web: Web, client: TestClient) -> None:
    page = client.get("/signin")
    wrong = client.post("/signin/token", data={"token": "tfr_not-a-token", "csrf": csrf_of(page.text)})
    assert wrong.status_code == 401
    assert "invalid, expired or revoked API token" in wrong.text
    assert "tfr_not-a-token" not in wrong.text
    _, secret = web.services.tokens.create(TENANT_A, Scope.READ, "t", None)
    forged = client.post("/signin/token", data={"token": secret, "csrf": "forged"}, follow_redirects=False)
    assert forged.status_code == 403
    assert client.get("/reviews", follow_redirects=False).status_code == 303  # still nobody


def test_sign_in_never_redirects_to_another_site(web: Web, client: TestClient) -> None:
    _, secret = web.services.tokens.create(TENANT_A, Scope.READ, "t", None)
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        page = client.get("/signin")
        answer = client.post(
            "/signin/token", data={"token": secret, "csrf": csrf_of(page.text), "next": target}, follow_redirects=False
        )
        assert answer.headers["location"] == "/reviews", target
        client.cookies.clear()


def test_another_tenants_review_is_404_like_a_missing_one(web: Web, client: TestClient) -> None:
    theirs = stored_review(web.services, TENANT_B)
    mine = stored_review(web.services, TENANT_A)
    sign_in(client, web.services, TENANT_A, Scope.ADMIN)
    assert client.get(f"/reviews/{mine.id}").status_code == 200
    for path in (f"/reviews/{theirs.id}", f"/reviews/{theirs.id}/report.json", f"/reviews/{theirs.id}/plan"):
        assert client.get(path).status_code == 404, path
    missing = client.get("/reviews/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404
    assert theirs.id not in client.get("/reviews").text


def test_the_review_page_shows_the_verdict_destroys_first_findings_coverage_and_downloads(
    web: Web, client: TestClient
) -> None:
    stored = stored_review(web.services, TENANT_A)
    sign_in(client, web.services, TENANT_A, Scope.READ)
    page = client.get(f"/reviews/{stored.id}")
    assert page.status_code == 200
    text = page.text
    assert stored.report is not None
    assert report_document(stored.report)["verdict"].upper() in text
    assert "https://github.com/acme/infra/pull/7" in text
    assert "Coverage" in text
    assert "AI review" in text
    introduced = [f for f in report_document(stored.report)["findings"] if f["status"] == "introduced"]
    assert introduced
    assert all(f["rule_id"] in text for f in introduced)
    destroys = [c for c in report_document(stored.report)["changes"] if c["change"] in ("delete", "replace")]
    if destroys:  # the destroys come before the findings
        assert text.index("Destroys and replaces") < text.index("Introduced by this change")
    as_json = client.get(f"/reviews/{stored.id}/report.json")
    assert as_json.json() == stored.report
    assert "attachment" in as_json.headers["content-disposition"]
    sarif = client.get(f"/reviews/{stored.id}/report.sarif").json()
    assert sarif["version"] == "2.1.0"
    markdown = client.get(f"/reviews/{stored.id}/report.md")
    assert markdown.text.startswith("**tfreview:")
    assert client.get(f"/reviews/{stored.id}/report.exe").status_code == 404


def test_a_download_of_a_review_stored_again_is_the_new_report(web: Web, client: TestClient) -> None:
    stored = stored_review(web.services, TENANT_A)
    assert stored.report is not None
    sign_in(client, web.services, TENANT_A, Scope.READ)
    assert client.get(f"/reviews/{stored.id}/report.json").json() == stored.report
    assert client.get(f"/reviews/{stored.id}/report.md").text.startswith("**tfreview:")
    again = {**stored.report, "label": "stored again"}
    web.services.reviews.save_result(stored.id, ReviewStatus.COMPLETED, again, str(again["verdict"]), {})
    assert client.get(f"/reviews/{stored.id}/report.json").json()["label"] == "stored again"
    assert "stored again" in client.get(f"/reviews/{stored.id}/report.md").text


def test_reviews_are_found_by_address_or_rule_and_filtered(web: Web, client: TestClient) -> None:
    stored = stored_review(web.services, TENANT_A)
    spacelift = stored_review(web.services, TENANT_A, SourceInfo(kind="spacelift", stack_id="net", run_id="01H"))
    assert stored.report is not None
    address = report_document(stored.report)["findings"][0]["address"]
    rule = report_document(stored.report)["findings"][0]["rule_id"]
    sign_in(client, web.services, TENANT_A, Scope.READ)
    for query in (address, address.split(".")[-1].upper(), rule.lower()):
        found = client.get("/reviews", params={"q": query})
        assert found.status_code == 200
        assert f"/reviews/{stored.id}" in found.text, query
    nothing = client.get("/reviews", params={"q": "aws_no_such_thing.anywhere"})
    assert f"/reviews/{stored.id}" not in nothing.text
    assert "No review matches" in nothing.text
    by_source = client.get("/reviews", params={"source": "spacelift"}).text
    assert f"/reviews/{spacelift.id}" in by_source
    assert f"/reviews/{stored.id}" not in by_source
    bad = client.get("/reviews", params={"since": "yesterday"})
    assert bad.status_code == 400
    assert "not a date" in bad.text
    assert client.get("/reviews", params={"verdict": "maybe"}).status_code == 400


def test_the_list_pages_with_a_cursor(web: Web, client: TestClient) -> None:
    ids = {web.services.reviews.create(TENANT_A, SourceInfo(kind="api")).id for _ in range(55)}
    sign_in(client, web.services, TENANT_A, Scope.READ)
    first = client.get("/reviews").text
    assert 'rel="next"' in first
    next_url = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    second = client.get(next_url).text
    seen = {i for i in ids if f"/reviews/{i}" in first} | {i for i in ids if f"/reviews/{i}" in second}
    assert seen == ids


def test_a_revoked_token_ends_its_sessions(web: Web, client: TestClient) -> None:
    sign_in(client, web.services, TENANT_A, Scope.READ)
    assert client.get("/reviews").status_code == 200
    for token in web.services.tokens.list(TENANT_A):
        web.services.tokens.revoke(token.id)
    assert client.get("/reviews", follow_redirects=False).status_code == 303


def test_sign_out_needs_the_csrf_token_and_ends_the_session(web: Web, client: TestClient) -> None:
    sign_in(client, web.services, TENANT_A, Scope.READ)
    page = client.get("/reviews")
    assert client.post("/signout", data={"csrf": "nope"}).status_code == 403
    assert client.get("/reviews").status_code == 200
    answer = client.post("/signout", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert answer.headers["location"] == "/signin"
    assert client.get("/reviews", follow_redirects=False).status_code == 303


def test_a_tampered_session_cookie_is_nobody(web: Web, client: TestClient) -> None:
    sign_in(client, web.services, TENANT_A, Scope.ADMIN)
    value = client.cookies[SESSION_COOKIE]
    body, mac = value.split(".")
    client.cookies.set(SESSION_COOKIE, body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1] + "." + mac)
    assert client.get("/reviews", follow_redirects=False).status_code == 303


def test_upload_lands_on_the_review_page_and_bad_files_say_why(web: Web, client: TestClient) -> None:
    sign_in(client, web.services, TENANT_A, Scope.WRITE)
    form = client.get("/upload")
    assert form.status_code == 200
    plan = DEMO_PLAN.read_bytes()
    answer = client.post(
        "/upload",
        data={"csrf": csrf_of(form.text)},
        files={"plan": ("plan.json", plan, "application/json")},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    location = answer.headers["location"]
    assert location.startswith("/reviews/")
    page = client.get(location)
    assert page.status_code == 200
    assert 'http-equiv="refresh"' in page.text
    bad = client.post(
        "/upload", data={"csrf": csrf_of(form.text)}, files={"plan": ("plan.json", b'{"nope": 1}', "application/json")}
    )
    assert bad.status_code == 422
    assert "not a Terraform plan" in bad.text
    no_csrf = client.post("/upload", files={"plan": ("plan.json", plan, "application/json")})
    assert no_csrf.status_code == 403


def test_a_reader_cannot_upload_or_operate(web: Web, client: TestClient) -> None:
    sign_in(client, web.services, TENANT_A, Scope.READ)
    assert client.get("/upload").status_code == 403
    assert client.get("/ops").status_code == 403
    assert client.get("/ops/jobs").status_code == 403


def test_an_admin_retries_a_dead_job_and_sees_health(web: Web, client: TestClient) -> None:
    queue = web.services.queue
    job, _ = queue.enqueue(NewJob(kind="review", tenant_id=TENANT_A, idempotency_key="dash-1", max_attempts=1))
    claimed = queue.claim("w1")
    assert claimed is not None
    assert claimed.attempt_token is not None
    queue.fail(claimed.id, claimed.attempt_token, "upstream said 500 (canary-error)", permanent=True)
    theirs, _ = queue.enqueue(NewJob(kind="review", tenant_id=TENANT_B, idempotency_key="dash-2", max_attempts=1))
    sign_in(client, web.services, TENANT_A, Scope.ADMIN)
    health = client.get("/ops")
    assert health.status_code == 200
    assert "Readiness" in health.text
    dead = client.get("/ops/jobs", params={"state": "dead"})
    assert "canary-error" in dead.text
    retried = client.post(f"/ops/jobs/{job.id}/retry", data={"csrf": csrf_of(dead.text)}, follow_redirects=False)
    assert retried.status_code == 303
    again = queue.get(job.id)
    assert again is not None
    assert again.state is JobState.QUEUED
    twice = client.post(f"/ops/jobs/{job.id}/retry", data={"csrf": csrf_of(dead.text)})
    assert twice.status_code == 409
    assert client.post(f"/ops/jobs/{theirs.id}/retry", data={"csrf": csrf_of(dead.text)}).status_code == 404
    assert client.get("/ops/deliveries").status_code == 200


def test_oidc_sign_in_with_code_and_pkce_against_the_issuer(web: Web) -> None:
    with FakeOidcIssuer() as issuer, httpx.Client() as http:
        issuer.redirect_uris = ["https://testserver/signin/callback"]
        settings = web.services.settings.model_copy(
            update={"auth": issuer.auth_settings(), "server": ServerSettings(public_url="https://testserver")}
        )
        authenticator, _ = build_authenticator(settings.auth, web.services.tokens, http)
        web.swap(settings=settings, authenticator=authenticator, sign_in=OidcSignIn(settings.auth, http))
        stored = stored_review(web.services, "github:1001")
        with browser(web.client) as client:
            start = client.get(f"/signin/oidc?next=/reviews/{stored.id}", follow_redirects=False)
            assert start.status_code == 303
            authorize = urlsplit(start.headers["location"])
            query = {k: v[0] for k, v in parse_qs(authorize.query).items()}
            assert query["code_challenge_method"] == "S256"
            assert query["response_type"] == "code"
            form = http.get(start.headers["location"])
            assert form.status_code == 200
            approved = http.post(
                f"{issuer.issuer}/authorize",
                data={**query, "username": "alice", "tenant": "github:1001", "grant_scope": "read"},
            )
            assert approved.status_code == 302
            callback = urlsplit(approved.headers["location"])
            replayed = f"{callback.path}?{callback.query}"
            done = client.get(replayed, follow_redirects=False)
            assert done.status_code == 303, done.text
            assert done.headers["location"] == f"/reviews/{stored.id}"
            assert client.get(f"/reviews/{stored.id}").status_code == 200
            assert issuer.codes_redeemed == 1
            # the same code again, or a state that is not this browser's, signs nobody in
            with browser(web.client) as stranger:
                assert stranger.get(replayed).status_code == 400
            assert client.get(replayed).status_code == 400  # the round trip's cookie is gone


def test_the_api_answers_carry_the_page_link(web: Web) -> None:
    stored = stored_review(web.services, TENANT_A)
    answer = web.client.get(f"/api/v1/reviews/{stored.id}", headers=web.token(TENANT_A, Scope.READ))
    assert answer.json()["page_url"] == f"/reviews/{stored.id}"
    assert json.loads(answer.text)["url"] == f"/api/v1/reviews/{stored.id}"


def test_a_big_review_shows_the_most_severe_findings_first_and_all_on_request(web: Web, client: TestClient) -> None:
    stored = stored_review(web.services, TENANT_A)
    assert stored.report is not None
    template = [f for f in report_document(stored.report)["findings"] if f["status"] == "introduced"]
    many = [{**template[i % len(template)], "address": f"aws_s3_bucket.b{i}"} for i in range(600)]
    report = {**report_document(stored.report), "findings": many}
    big = web.services.reviews.save_result(stored.id, stored.status, report, "fail", {})
    sign_in(client, web.services, TENANT_A, Scope.READ)
    page = client.get(f"/reviews/{big.id}").text
    assert "Show every finding" in page
    assert "Introduced by this change (600)" in page
    assert page.count("aws_s3_bucket.b") == 250
    everything = client.get(f"/reviews/{big.id}", params={"all": "true"}).text
    assert everything.count("aws_s3_bucket.b") == 600
    assert "Show every finding" not in everything


def test_no_credential_reaches_the_logs(web: Web, client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    secret = sign_in(client, web.services, TENANT_A, Scope.READ)
    page = client.get("/signin?next=/reviews")
    client.post("/signin/token", data={"token": secret + "x", "csrf": csrf_of(page.text)})  # a failed attempt too
    client.get("/reviews")
    assert caplog.records, "the requests were logged"
    assert secret not in caplog.text
    assert secret[4:24] not in caplog.text


def test_a_tarball_of_tf_files_uploads_and_the_plan_page_lists_it(web: Web, client: TestClient) -> None:
    from tests.web.test_uploads import _file, _tar

    tarball = _tar([(_file("main.tf"), b'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')])
    sign_in(client, web.services, TENANT_A, Scope.WRITE)
    form = client.get("/upload")
    answer = client.post(
        "/upload",
        data={"csrf": csrf_of(form.text)},
        files={"plan": ("infra.tar.gz", tarball, "application/gzip")},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    listing = client.get(answer.headers["location"] + "/plan")
    assert listing.status_code == 200
    assert "main.tf" in listing.text
    evil = _tar([(_file("../../etc/cron.d/x"), b"x")])
    refused = client.post(
        "/upload", data={"csrf": csrf_of(form.text)}, files={"plan": ("evil.tar.gz", evil, "application/gzip")}
    )
    assert refused.status_code == 422


def test_the_signing_keys_are_secret_references_like_every_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    from tfreview.settings import DashboardSettings

    monkeypatch.setenv("TFR_TEST_SESSION_KEY", "k" * 32)
    settings = DashboardSettings(session_secret="env:TFR_TEST_SESSION_KEY", csrf_secret="c" * 32)  # type: ignore[arg-type]
    assert settings.session_secret is not None
    assert settings.session_secret.get_secret_value() == "k" * 32
    assert "k" * 32 not in repr(settings)
    with pytest.raises(ValidationError):
        DashboardSettings(session_secret="env:TFR_TEST_NO_SUCH_VARIABLE")  # type: ignore[arg-type]


def test_the_models_words_read_as_written_not_as_the_entities_the_advisor_stores(web: Web, client: TestClient) -> None:
    """`advisor.sanitize` stores `<`, `>` and `&` of a model's answer as entities (ADR 0523); the page escapes
    what it shows, so read as stored they came out twice escaped: a reader saw `a &lt; b` for `a < b`."""
    result = review(load_change_set(str(DEMO_PLAN)), load_rules(), Policy())
    said = "Keep count < 3 && size > 10 for <b>prod</b>"
    advice = Advice(
        summary=sanitize(said),
        risk=Severity.LOW,
        concerns=(Concern(result.changes[0].address, "general", sanitize(said), Severity.LOW),),
        source="openai/gpt",
        is_llm=True,
    )
    assert "&lt;" in advice.summary  # as the advisor chain stores it
    result = dataclasses.replace(result, advice=advice)
    created = web.services.reviews.create(TENANT_A, SourceInfo(kind="api"))
    stored = web.services.reviews.save_result(
        created.id, ReviewStatus.COMPLETED, review_document(result), result.verdict.value, dict(result.counts)
    )
    sign_in(client, web.services, TENANT_A, Scope.READ)
    page = client.get(f"/reviews/{stored.id}").text
    shown = "Keep count &lt; 3 &amp;&amp; size &gt; 10 for &lt;b&gt;prod&lt;/b&gt;"  # escaped once: reads as said
    assert page.count(shown) == 2, page  # the summary and the concern
    assert "&amp;lt;" not in page
    assert "<b>prod" not in page  # still text, never markup
    text = render_text(result)
    assert text.count(said) == 2, text
    assert "&lt;" not in text
