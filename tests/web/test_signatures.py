"""Signature verification: W1 (forgeries), W2 (constant-time only), W3 (raw bytes), W12 (rotation)."""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from tests.web import deliveries
from tests.web.conftest import Web
from tfreview.settings import SecretVersion
from tfreview.web.signatures import signature_header, verify

SECRET = b"It's a Secret to Everybody"
NOW = datetime(2025, 1, 1, tzinfo=UTC)
VERSIONS = [SecretVersion(value=SecretStr(SECRET.decode()))]
BODY = deliveries.fixture_bytes("github.pull_request.opened.payload.json")
VALID = signature_header(SECRET, BODY)
SRC = Path(__file__).resolve().parents[2] / "src" / "tfreview"


def test_githubs_documented_test_vector() -> None:
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert signature_header(SECRET, b"Hello, World!") == expected
    assert verify(expected, b"Hello, World!", VERSIONS, NOW)


_KINDS = ("body", "signature", "prefix", "upper", "empty", "missing", "truncate", "extra")
_PREFIXES = ("sha1=", "", "SHA256=", "sha256:", "sha512=", " sha256=", "sha256= ")


def mutate(rng: random.Random) -> tuple[str | None, bytes]:
    """One mutation of a valid (header, body): a body byte, a signature digit, or the header's form."""
    how = rng.choice(_KINDS)
    body, header = BODY, VALID
    if how == "body":
        at = rng.randrange(len(BODY))
        body = BODY[:at] + bytes([BODY[at] ^ rng.randint(1, 255)]) + BODY[at + 1 :]
    elif how == "signature":
        at = rng.randrange(len("sha256="), len(VALID))
        header = VALID[:at] + rng.choice([c for c in "0123456789abcdef" if c != VALID[at]]) + VALID[at + 1 :]
    elif how == "prefix":
        header = rng.choice(_PREFIXES) + VALID[len("sha256=") :]
    elif how == "upper":
        header = "sha256=" + VALID[len("sha256=") :].upper()
    elif how == "empty":
        header = rng.choice(["", "sha256=", " "])
    elif how == "missing":
        return None, body
    elif how == "truncate":
        header = VALID[: rng.randrange(len(VALID))]
    else:
        header = VALID + rng.choice(["0", "\n", " ", "00"])
    return header, body


@st.composite
def forgeries(draw: st.DrawFn) -> tuple[str | None, bytes]:
    return mutate(draw(st.randoms(use_true_random=False)))


# 500 hypothesis examples x 20 seeded mutations each = 10,000 forgeries (hypothesis's own per-example
# overhead is ~5 ms here, so 10,000 separate examples would cost a minute for no extra coverage).
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_w1_no_mutation_of_a_valid_delivery_verifies(rng: random.Random) -> None:
    for _ in range(20):
        header, body = mutate(rng)
        assert not verify(header, body, VERSIONS, NOW), (header, len(body))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    forgeries(), st.sampled_from(["X-Hub-Signature-256", "X-Hub-Signature", "X-Signature-256", "X-Hub-Signature-512"])
)
def test_w1_forgeries_through_http_are_401_and_write_nothing(
    web: Web, forgery: tuple[str | None, bytes], name: str
) -> None:
    header, body = forgery
    if name != "X-Hub-Signature-256":  # the right signature under the wrong header name
        header, body = VALID, BODY
    web.services.settings.github.webhook_secrets = VERSIONS
    headers = {"Content-Type": "application/json", "X-GitHub-Event": "pull_request", "X-GitHub-Delivery": "d-1"}
    if header is not None:
        headers[name] = header
    answer = web.client.post("/webhooks/github", content=body, headers=headers)
    assert answer.status_code == 401
    assert web.services.intake.list().items == []
    assert web.services.queue.depth() == 0


def test_w1_spacelift_forgeries_are_401(web: Web) -> None:
    body = deliveries.fixture_bytes("spacelift.run-finished-tracked.json")
    good = signature_header(deliveries.SPACELIFT_SECRET.encode(), body)
    for header in (None, "", good.upper(), "sha1=" + good[7:], good[7:], good[:-1] + ("0" if good[-1] != "0" else "1")):
        headers = {"Content-Type": "application/json"}
        if header is not None:
            headers["X-Signature-256"] = header
        assert web.client.post("/webhooks/spacelift", content=body, headers=headers).status_code == 401
    wrong_name = {"Content-Type": "application/json", "X-Hub-Signature-256": good}
    assert web.client.post("/webhooks/spacelift", content=body, headers=wrong_name).status_code == 401
    assert web.services.intake.list().items == []


_DIGEST_EQUALITY = re.compile(r"(digest\(\)|signature|hmac).*(==|!=)|(==|!=).*(digest\(\)|hmac\.new)")


def test_w2_digests_are_compared_only_with_compare_digest() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            if ("digest()" in code or "hexdigest" in code) and ("==" in code or "!=" in code):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert offenders == [], "compare digests with hmac.compare_digest only:\n" + "\n".join(offenders)
    verifier = (SRC / "service" / "webhook_signatures.py").read_text(encoding="utf-8")  # the routes re-export it
    assert "hmac.compare_digest" in verifier
    assert not _DIGEST_EQUALITY.search(verifier.split('"""', 2)[2])


def test_w3_the_same_event_in_any_serialisation_verifies_over_its_own_bytes(web: Web) -> None:
    event = json.loads(BODY)
    forms = [
        json.dumps(event).encode(),
        json.dumps(event, indent=2).encode(),
        json.dumps(event, sort_keys=True, separators=(",", ":")).encode(),
        json.dumps(event, ensure_ascii=False, indent="\t").encode(),
        b"\n  " + json.dumps(dict(reversed(list(event.items())))).encode() + b"\r\n",
    ]
    for index, form in enumerate(forms):
        # a different PR head per form, so that each makes its own job
        raw = form.replace(b"ec26c3e57ca3a959ca5aad62de7213c562f8c821", f"{index:040x}".encode())
        answer = _post(web, deliveries.github("pull_request", raw))
        assert answer.status_code == 202, answer.text
    assert web.services.queue.depth() == len(forms)


def _post(web: Web, signed: deliveries.Signed) -> httpx.Response:
    return web.client.post("/webhooks/github", content=signed.body, headers=signed.headers)


def test_w12_rotation_overlap_accepts_both_then_only_the_new(web: Web) -> None:
    end = web.clock.at + timedelta(hours=1)
    web.services.settings.github.webhook_secrets = [
        SecretVersion(value=SecretStr("old-secret"), not_after=end),
        SecretVersion(value=SecretStr("new-secret")),
    ]
    old = deliveries.github("pull_request", deliveries.pull_request(head_sha="a" * 40), secret="old-secret")
    new = deliveries.github("pull_request", deliveries.pull_request(head_sha="b" * 40), secret="new-secret")
    assert _post(web, old).status_code == 202
    assert _post(web, new).status_code == 202
    web.clock.at = end  # the old version's end: no longer valid (not restarted, same app)
    late_old = deliveries.github("pull_request", deliveries.pull_request(head_sha="c" * 40), secret="old-secret")
    late_new = deliveries.github("pull_request", deliveries.pull_request(head_sha="d" * 40), secret="new-secret")
    assert _post(web, late_old).status_code == 401
    assert _post(web, late_new).status_code == 202


def test_no_configured_secret_refuses_everything(web: Web) -> None:
    web.services.settings.github.webhook_secrets = []
    signed = deliveries.github("pull_request", deliveries.pull_request())
    assert _post(web, signed).status_code == 401


def test_a_repeated_signature_header_is_no_signature_as_api_gateway_sees_it(web: Web) -> None:
    """GitHub and Spacelift sign once. Sent twice, `serve` took the first (a good one before a forged one
    passed) while API Gateway joins the two with a comma, which matches nothing: both answer 401 now."""
    github = deliveries.github("pull_request", deliveries.pull_request())
    good = github.headers["X-Hub-Signature-256"]
    forged = "sha256=" + "0" * 64
    for pair in ((good, forged), (good, good), (forged, good)):
        headers = [(k, v) for k, v in github.headers.items() if k != "X-Hub-Signature-256"]
        headers += [("X-Hub-Signature-256", pair[0]), ("X-Hub-Signature-256", pair[1])]
        answer = web.client.post("/webhooks/github", content=github.body, headers=headers)
        assert answer.status_code == 401, answer.text
        assert "X-Hub-Signature-256" in answer.json()["detail"]
    spacelift = deliveries.spacelift(deliveries.run_state("FINISHED", 1))
    doubled = [("Content-Type", "application/json")] + [("X-Signature-256", spacelift.headers["X-Signature-256"])] * 2
    assert web.client.post("/webhooks/spacelift", content=spacelift.body, headers=doubled).status_code == 401
    assert web.services.intake.list().items == []
    assert web.services.queue.depth() == 0
    once = web.client.post("/webhooks/github", content=github.body, headers=github.headers)
    assert once.status_code == 202, once.text  # the same delivery signed once: accepted


def test_a_repeated_signature_header_is_refused_saying_so(web: Web) -> None:
    """The 401's detail (what GitHub's delivery log and Spacelift's show the operator) names a repeated header,
    sent twice (`serve`) or joined by commas (API Gateway): "missing or does not match" sent them hunting secrets."""
    github = deliveries.github("pull_request", deliveries.pull_request())
    good = github.headers["X-Hub-Signature-256"]
    others = [(k, v) for k, v in github.headers.items() if k != "X-Hub-Signature-256"]
    twice = web.client.post(
        "/webhooks/github", content=github.body, headers=[*others, *[("X-Hub-Signature-256", good)] * 2]
    )
    assert twice.status_code == 401
    assert twice.json()["detail"] == (
        "the X-Hub-Signature-256 header was sent 2 times: a signature is sent once (does a proxy repeat it?)"
    )
    joined = web.client.post(
        "/webhooks/github", content=github.body, headers=[*others, ("X-Hub-Signature-256", f"{good}, {good}")]
    )
    assert joined.status_code == 401
    assert "holds 2 values joined by commas" in joined.json()["detail"]
    assert good not in joined.text  # the detail names the header, never echoes it
    spacelift = deliveries.spacelift(deliveries.run_state("FINISHED", 1))
    doubled = [("Content-Type", "application/json")] + [("X-Signature-256", spacelift.headers["X-Signature-256"])] * 2
    answer = web.client.post("/webhooks/spacelift", content=spacelift.body, headers=doubled)
    assert answer.status_code == 401
    assert answer.json()["detail"].startswith("the X-Signature-256 header was sent 2 times")
    forged = [(k, v) for k, v in github.headers.items() if k != "X-Hub-Signature-256"]
    wrong = web.client.post(
        "/webhooks/github", content=github.body, headers=[*forged, ("X-Hub-Signature-256", "sha256=0")]
    )
    assert wrong.json()["detail"] == "the X-Hub-Signature-256 header is missing or does not match the body"
    assert web.services.queue.depth() == 0
