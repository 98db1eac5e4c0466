"""`tfreview submit`: send a plan JSON to a tfreview service for review (the Spacelift `after_plan` hook).

    terraform show -json spacelift.plan > plan.json && tfreview submit plan.json --spacelift-env

The plan goes to `POST <url>/api/v1/plans` with `Authorization: Bearer <token>`; the source metadata
(stack, run, repository, commit, pull request) goes in query parameters. Connection errors, 5xx and
429 are retried (3 tries in all, exponential backoff with jitter, `Retry-After` honoured up to a cap).
A retry is safe: the service keys an upload on its bytes and metadata, so a retry after a lost answer
gets the same review back (200, "duplicate") instead of a second one.
The token is read from an environment variable and never printed, logged or put in an error message.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import httpx

from tfreview.core.errors import ConfigError, InputError, UpstreamError
from tfreview.core.links import review_api_path, review_page_url
from tfreview.core.redact import REDACTED
from tfreview.parsing.plan_json import parse_json
from tfreview.plumbing.http import outbound_client, parse_retry_after
from tfreview.plumbing.json_documents import NotJson, read_json

PLANS_PATH = "/api/v1/plans"
ATTEMPTS = 3
BACKOFF_BASE_SECONDS = 1.0
RETRY_AFTER_CAP_SECONDS = 30.0
RETRIABLE_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_ANSWER_BYTES = 1024 * 1024  # a review's JSON is a few KiB; an answer past this is not the service's

# Spacelift's "Spacelift environment" computed variables, injected into every run
# (https://docs.spacelift.io/concepts/configuration/environment#spacelift-environment), mapped to our query parameters.
SPACELIFT_ENVIRONMENT: Mapping[str, str] = {
    "account": "TF_VAR_spacelift_account_name",
    "stack_id": "TF_VAR_spacelift_stack_id",
    "run_id": "TF_VAR_spacelift_run_id",
    "repository": "TF_VAR_spacelift_repository",
    "commit_sha": "TF_VAR_spacelift_commit_sha",
}
_SPACELIFT_HOST_SUFFIX = ".app.spacelift.io"  # the docs show the account name as `<ACCOUNT_NAME>.app.spacelift.io`


@dataclass(frozen=True, slots=True)
class Submitted:
    """What the service answered for an accepted plan."""

    status: int
    review_id: str | None
    review_url: str | None  # the review's page (for people), or its API URL from an older service
    duplicate: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    """A review that `--wait` saw finish (or stop waiting for)."""

    status: str  # completed | completed_without_ai | failed | queued | in_progress (timed out)
    verdict: str | None
    summary: str  # one line: the counts, or why it failed
    finished: bool


def spacelift_metadata(environ: Mapping[str, str]) -> dict[str, str]:
    """The source metadata of the current Spacelift run, from its environment; ConfigError outside a run."""
    found = {
        name: environ[variable].strip() for name, variable in SPACELIFT_ENVIRONMENT.items() if environ.get(variable)
    }
    missing = [SPACELIFT_ENVIRONMENT[name] for name in ("stack_id", "run_id") if not found.get(name)]
    if missing:
        raise ConfigError(f"--spacelift-env: {', '.join(missing)} not set; is this running inside a Spacelift run?")
    account = found.get("account", "")
    account = account.removeprefix("https://").removeprefix("http://").split("/", 1)[0]
    if account.endswith(_SPACELIFT_HOST_SUFFIX):
        account = account.removesuffix(_SPACELIFT_HOST_SUFFIX)
    if account:
        found["account"] = account
    else:
        found.pop("account", None)
    found["source"] = "spacelift"
    return found


def read_plan(path: str, stdin: Callable[[], bytes] | None = None) -> bytes:
    """The plan JSON as bytes, checked to be a `terraform show -json` document (not a binary plan file), read as
    `scan` reads it; sent as it is."""
    try:
        if path == "-":
            if stdin is None:
                raise InputError("standard input is closed", path=path)
            content = stdin()
        else:
            with open(path, "rb") as handle:
                content = handle.read()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None
    if not content or content.isspace():  # `not content.strip()` without a copy of the plan (ADR 0692)
        raise InputError("empty file; expected the output of `terraform show -json PLANFILE`", path=path)
    # read as scan and the service read it (BOM, UTF-16, numbers past a double): refused here only what they refuse
    document = parse_json(content, path)
    if not isinstance(document, dict) or not (
        {"resource_changes", "planned_values", "format_version"} & document.keys()
    ):
        raise InputError("not a Terraform plan JSON (no format_version, planned_values or resource_changes)", path=path)
    return content


def read_token(environ: Mapping[str, str], variable: str) -> str:
    token = environ.get(variable, "").strip()
    if not token:
        raise ConfigError(
            f"the API token is read from ${variable}, which is not set (create one: tfreview tokens create)"
        )
    if any(c.isspace() for c in token) or not token.isprintable():
        raise ConfigError(f"${variable} does not look like an API token (it contains whitespace or control characters)")
    return token


def submit_plan(
    base_url: str,
    plan: bytes,
    token: str,
    metadata: Mapping[str, str],
    *,
    transport: httpx.BaseTransport | None = None,
    attempts: int = ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
    timeout: httpx.Timeout | None = None,
) -> Submitted:
    """POST the plan; retry what may succeed later. InputError on a 4xx (our request is wrong),
    UpstreamError when every try failed (the service is down or failing)."""
    url = _plans_url(base_url)
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept": "application/json, application/problem+json",
        "User-Agent": "tfreview-submit",
    }
    params = {key: value for key, value in metadata.items() if value}
    last_problem = "no attempt made"
    with outbound_client(transport=transport, timeout=timeout or httpx.Timeout(120.0, connect=10.0)) as client:
        for attempt in range(1, attempts + 1):
            retry_after: float | None = None
            try:
                response = _exchange(client, "POST", url, content=plan, headers=headers, params=params)
            except httpx.TransportError as exc:
                last_problem = f"cannot reach {_origin(url)}: {_hidden(_transport_problem(exc), token)}"
            else:
                if 200 <= response.status_code < 300:
                    submitted = _submitted(response, base_url)  # its link is printed: no token in it either
                    shown = None if submitted.review_url is None else _hidden(submitted.review_url, token)
                    return replace(submitted, review_url=shown)
                problem = _hidden(_problem(response), token)
                if response.status_code not in RETRIABLE_STATUS:
                    raise InputError(f"{_origin(url)} refused the plan: {problem}")
                last_problem = f"{_origin(url)} answered {problem}"
                retry_after = _retry_after(response)
            if attempt < attempts:
                delay = retry_after if retry_after is not None else _backoff(attempt)
                sleep(delay)
    raise UpstreamError(f"{last_problem} (gave up after {attempts} tries)")


def _exchange(client: httpx.Client, method: str, url: str, **request: Any) -> httpx.Response:
    """One request, its answer read whole but bounded: at most MAX_ANSWER_BYTES, and within the client's read
    timeout in all (httpx's applies to each read: an answer that never ends, or drips a byte at a time, held
    the hook for ever and its memory grew with it). Past either bound: a TransportError, retried like one."""
    limit = client.timeout.read or 120.0
    started = time.monotonic()
    with client.stream(method, url, **request) as streamed:
        data = bytearray()
        for chunk in streamed.iter_bytes():
            data += chunk
            if len(data) > MAX_ANSWER_BYTES:
                raise httpx.ReadError(f"the answer is longer than {MAX_ANSWER_BYTES} bytes", request=streamed.request)
            if time.monotonic() - started > limit:
                raise httpx.ReadTimeout(f"the answer took longer than {limit:g} s", request=streamed.request)
        kept = [(k, v) for k, v in streamed.headers.multi_items() if k.lower() not in _BODY_FRAMING]
        return httpx.Response(streamed.status_code, headers=kept, content=bytes(data), request=streamed.request)


_BODY_FRAMING = ("content-encoding", "content-length", "transfer-encoding")  # the content above is already decoded


def _plans_url(base_url: str) -> str:
    """The plans endpoint of `base_url`; ConfigError (exit 2) for a value no HTTP client can call, which never shows
    it: `https://user:password@host` is how a service behind basic auth is named (ADR 0761)."""
    from tfreview.plumbing.web_urls import is_web_url

    base = base_url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ConfigError("--url must start with http:// or https://")
    if not is_web_url(base):
        raise ConfigError(
            "--url is not a URL an HTTP client can call: a host that is a valid domain name, a port from 1 to"
            " 65535, no blank or control character"
        )
    if "?" in base or "#" in base:  # the plans path would follow the query: a request to another path
        raise ConfigError("--url is the service's base URL: no query (?…) or fragment (#…)")
    return base + PLANS_PATH


def _origin(url: str) -> str:
    parsed = httpx.URL(url)
    return f"{parsed.scheme}://{parsed.netloc.decode('ascii', 'replace')}"


def _transport_problem(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]


def _hidden(text: str, token: str) -> str:
    """`text` taken from an answer, with the token written `(redacted)`: a gateway's refusal, an error page or a
    review's reason that quotes the credential it was sent must not put it in the CI log (review22b, ADR 0719)."""
    return text.replace(token, REDACTED) if token else text


def _backoff(attempt: int) -> float:
    ceiling: float = BACKOFF_BASE_SECONDS * 2.0 ** (attempt - 1)
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # jitter, not cryptography


def _retry_after(response: httpx.Response) -> float | None:
    wait = parse_retry_after(response.headers)
    return None if wait is None else min(wait, RETRY_AFTER_CAP_SECONDS)


def _problem(response: httpx.Response) -> str:
    """`<status> <reason>: <title> — <detail>` from a problem+json body, or the first line of any other body."""
    head = f"{response.status_code} {response.reason_phrase}".strip()
    body: Any = None
    try:
        body = read_json(response.content)
    except NotJson:
        text = response.text.strip().splitlines()[0][:200] if response.text.strip() else ""
        return f"{head}: {text}" if text else head
    if isinstance(body, dict):
        parts = [str(body[key]) for key in ("title", "detail") if isinstance(body.get(key), str | int) and body[key]]
        errors = body.get("errors")
        if isinstance(errors, list) and errors:
            parts.append("; ".join(_error_text(e) for e in errors[:5]))
        if parts:
            return f"{head}: {' — '.join(parts)}"
    return head


def _error_text(error: object) -> str:
    if isinstance(error, dict):
        where = error.get("loc") or error.get("pointer") or error.get("field")
        message = error.get("msg") or error.get("message") or error.get("detail") or ""
        return f"{where}: {message}" if where else str(message)
    return str(error)


def _submitted(response: httpx.Response, base_url: str) -> Submitted:
    """From the answer `{"review": "<id>", "url": "/api/v1/reviews/<id>", "status": "accepted" | "duplicate"}`."""
    body: Any
    try:
        body = read_json(response.content)
    except NotJson:
        body = {}
    if not isinstance(body, dict):
        body = {}
    review = body.get("review")
    review_id = _first_string(review, body.get("review_id"), body.get("id"))
    review_url = _first_string(body.get("page_url"), body.get("url"), response.headers.get("Location"))
    base = base_url.strip().rstrip("/")
    if review_url and review_url.startswith("/"):
        review_url = base + review_url
    if review_url is None and review_id is not None:
        review_url = review_page_url(base, review_id)
    return Submitted(
        status=response.status_code,
        review_id=review_id,
        review_url=review_url,
        duplicate=body.get("status") == "duplicate",
    )


def _first_string(*values: object) -> str | None:
    for value in values:
        if isinstance(value, str) and value:
            return value
    return None


FINISHED_STATUSES = frozenset({"completed", "completed_without_ai", "failed"})
POLL_SECONDS = (1.0, 2.0, 3.0, 5.0)  # then every 5 s


def wait_for_review(
    base_url: str,
    review_id: str,
    token: str,
    *,
    timeout: float,
    on_status: Callable[[str, float], None] = lambda status, waited: None,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Outcome:
    """Poll `GET /api/v1/reviews/<id>` until the review is finished or `timeout` seconds passed.

    A 5xx, a 429 or a lost connection is waited out like a pending review; a 4xx is an InputError."""
    url = _plans_url(base_url).removesuffix(PLANS_PATH) + review_api_path(review_id)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", "User-Agent": "tfreview-submit"}
    started = clock()
    polls = 0
    status = "queued"
    with outbound_client(transport=transport, timeout=httpx.Timeout(30.0, connect=10.0)) as client:
        while True:
            try:
                response = _exchange(client, "GET", url, headers=headers)
            except httpx.TransportError:
                response = None
            if response is not None and response.status_code == 200:
                body = _review_body(response, url)
                status = _hidden(str(body.get("status") or "unknown"), token)
                if status in FINISHED_STATUSES:
                    outcome = _outcome(body)
                    verdict = None if outcome.verdict is None else _hidden(outcome.verdict, token)
                    return replace(outcome, verdict=verdict, summary=_hidden(outcome.summary, token))
            elif response is not None and response.status_code not in RETRIABLE_STATUS:
                problem = _hidden(_problem(response), token)
                raise InputError(f"{_origin(url)} refused to show review {review_id}: {problem}")
            waited = clock() - started
            on_status(status, waited)
            if waited >= timeout:
                return Outcome(status, None, f"still {status.replace('_', ' ')} after {timeout:g} s", False)
            sleep(min(POLL_SECONDS[min(polls, len(POLL_SECONDS) - 1)], max(0.0, timeout - waited)))
            polls += 1


def _review_body(response: httpx.Response, url: str) -> Mapping[str, Any]:
    try:
        body = read_json(response.content)
    except NotJson:
        body = None
    if not isinstance(body, dict):
        raise UpstreamError(f"{_origin(url)} answered 200 with something that is not a review (not a JSON object)")
    return body


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _outcome(body: Mapping[str, Any]) -> Outcome:
    status = str(body.get("status"))
    if status == "failed":
        return Outcome(status, None, str(body.get("status_reason") or "the review failed"), True)
    counts = body.get("counts")
    findings = counts.get("findings") if isinstance(counts, dict) else None
    if not isinstance(findings, dict):
        findings = {}
    parts = [f"{_count(findings.get(name))} {name}" for name in ("introduced", "existing", "resolved")]
    if status == "completed_without_ai":
        parts.append("the AI review was unavailable")
    verdict = body.get("verdict")
    return Outcome(status, str(verdict) if verdict else None, ", ".join(parts), True)
