"""URLs the standard library splits but httpx cannot call (ADR 0761), given to real `tfreview` processes.

A port that is no number, a control character, a host that is no valid international domain name: `probe` and
`submit` met them as an internal error, exit 3 (for `probe`, "down": a monitor paged for a typo), and a notifier's
URL passed the settings' check, so the first page failed ("webhook: internal error InvalidURL"). Each is now a usage
error, exit 2, in one line that never shows the URL (a password before its `@`, a Slack webhook's path)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.served import child_env

PASSWORD = "CanaryPassw0rd4242"
BAD_URLS = {
    "port-not-a-number": f"http://ops:{PASSWORD}@[::1",
    "control-character": f"http://ops:{PASSWORD}@tfreview.example\x01.com/",
    "invalid-idna-host": f"http://ops:{PASSWORD}@xn--a.example.com/",
    "port-out-of-range": f"https://ops:{PASSWORD}@tfreview.example.com:99999/",
    "password-read-as-a-port": f"https://ops:{PASSWORD}",
}
PLAN = Path(__file__).resolve().parents[1] / "data" / "plans" / "tfjson__actions__plan.json"


def _run(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "tfreview", *argv]
    return subprocess.run(command, env=child_env(**env), capture_output=True, text=True, timeout=120, check=False)


def _usage_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert "internal error" not in done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    (line,) = done.stderr.strip().splitlines()
    return line


@pytest.mark.parametrize("url", BAD_URLS.values(), ids=BAD_URLS.keys())
def test_probe_of_a_url_no_client_can_call_is_a_usage_error_not_down(url: str) -> None:
    line = _usage_error(_run("probe", url, "--timeout", "5"))
    assert line.startswith("tfreview: error: the URL is not one an HTTP client can call")


@pytest.mark.parametrize("url", BAD_URLS.values(), ids=BAD_URLS.keys())
def test_submit_to_a_url_no_client_can_call_is_a_usage_error(url: str) -> None:
    assert PLAN.is_file()
    line = _usage_error(_run("submit", str(PLAN), "--url", url, TFREVIEW_TOKEN="tfr_" + "a" * 40))
    assert line.startswith("tfreview: error: --url is not a URL an HTTP client can call")


def test_submit_to_a_scheme_it_does_not_speak_does_not_show_the_password() -> None:
    token = {"TFREVIEW_TOKEN": "tfr_" + "a" * 40}
    line = _usage_error(_run("submit", str(PLAN), "--url", f"ftp://ops:{PASSWORD}@example.com/", **token))
    assert line == "tfreview: error: --url must start with http:// or https://"


@pytest.mark.parametrize(
    ("variable", "url"),
    [
        ("TFREVIEW_NOTIFY__WEBHOOK__URL", f"https://hooks.example.com:443x/{PASSWORD}"),
        ("TFREVIEW_NOTIFY__SLACK__WEBHOOK_URL", f"https://hooks.slack.com/services/T0/B0/{PASSWORD}\x01"),
        ("TFREVIEW_NOTIFY__PAGERDUTY__EVENTS_URL", f"https://xn--a.pagerduty.com/{PASSWORD}"),
    ],
    ids=["webhook-port", "slack-control-character", "pagerduty-idna"],
)
def test_serve_refuses_at_its_start_a_notifier_url_its_client_could_never_call(
    tmp_path: Path, variable: str, url: str
) -> None:
    extra = {variable: url, "TFREVIEW_NOTIFY__WEBHOOK__SECRET": "s" * 32}
    extra["TFREVIEW_NOTIFY__PAGERDUTY__ROUTING_KEY"] = "r" * 32
    line = _usage_error(_run("serve", "--port", "0", "--data-dir", str(tmp_path / "data"), **extra))
    refused = f"tfreview: error: invalid settings: {variable}: Value error, not an http(s) URL with a host"
    assert line.startswith(refused)


@pytest.mark.parametrize(
    "url", ["https://tfreview.example.com/?x=1", "https://tfreview.example.com/base#top"], ids=["query", "fragment"]
)
def test_submit_to_a_base_url_with_a_query_or_fragment_is_a_usage_error(url: str) -> None:
    # the plans path was added after the query (`/?x=1/api/v1/plans`): a request to the wrong path
    line = _usage_error(_run("submit", str(PLAN), "--url", url, TFREVIEW_TOKEN="tfr_" + "a" * 40))
    assert line == "tfreview: error: --url is the service's base URL: no query (?…) or fragment (#…)"
