"""GitHub App authentication against the fake GitHub: the app JWT, key rotation, installation
tokens (cached, refreshed once on 401, one fetch under concurrency), the permission check (S6),
a plain token — and canaries: no private key and no token in a log line or an error message."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest

from tests.fakes.github import FakeClock, FakeGitHub
from tfreview.core.errors import AuthError, ConfigError
from tfreview.integrations.github import AppAuth, GitHubClient, TokenAuth, build_github_client, permission_warnings
from tfreview.plumbing.secret_references import SecretSource

REPO = "octo/infra"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def github(clock: FakeClock) -> Iterator[FakeGitHub]:
    with FakeGitHub(clock=clock) as fake:
        fake.add_installation(42, "octo", repos=[REPO])
        fake.add_commit(REPO, "main", {"main.tf": "# base\n"})
        fake.add_commit(REPO, "feature", {"main.tf": "# head\n"}, base="main")
        fake.open_pull_request(REPO, head="feature")
        yield fake


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


def token_requests(github: FakeGitHub) -> int:
    return len(github.requests_to("POST", r"^/app/installations/\d+/access_tokens$"))


def test_the_app_jwt_has_githubs_claims(
    github: FakeGitHub, clock: FakeClock, http: httpx.Client, tmp_path: Path
) -> None:
    auth = AppAuth(github.app_settings(tmp_path), http, clock)
    token = auth.app_jwt()
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    public = jwt.algorithms.RSAAlgorithm.from_jwk(jwt.algorithms.RSAAlgorithm.to_jwk(github._app_keys[0].public_key()))
    claims = jwt.decode(token, public, algorithms=["RS256"], options={"verify_exp": False, "verify_iat": False})
    now = int(clock())
    assert claims["iss"] == str(github.app_id)
    assert claims["iat"] == now - 60
    assert now < claims["exp"] <= now + 600
    assert claims["exp"] - claims["iat"] <= 600


def test_a_revoked_first_key_falls_over_to_the_second(
    github: FakeGitHub, clock: FakeClock, http: httpx.Client, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "old.pem").write_text(github.app_private_key_pem(0))
    (tmp_path / "new.pem").write_text(github.add_app_key())
    github.revoke_app_key(0)
    settings = github.app_settings(
        tmp_path, private_keys=[f"file:{tmp_path / 'old.pem'}", f"file:{tmp_path / 'new.pem'}"]
    )
    auth = AppAuth(settings, http, clock)
    assert auth.installation_token(42).startswith("ghs_")
    assert [r.status for r in github.requests_to("POST", "access_tokens")] == [401, 201]
    auth.invalidate(42)
    auth.installation_token(42)
    assert [r.status for r in github.requests_to("POST", "access_tokens")] == [401, 201, 201]  # the good key is kept
    assert "private key 1" in caplog.text


def test_k4_concurrent_refusals_of_the_revoked_key_move_past_it_once(
    github: FakeGitHub, clock: FakeClock, http: httpx.Client, tmp_path: Path
) -> None:
    # K4: the old key is revoked on GitHub while several installations mint tokens at once. Every request in
    # flight was signed with the old key and gets a 401; each refusal moved the key index one step, so the second
    # moved it back to the revoked key and a caller ran out of keys ("rejected ... each of the 2 private keys")
    (tmp_path / "old.pem").write_text(github.app_private_key_pem(0))
    (tmp_path / "new.pem").write_text(github.add_app_key())
    installations = list(range(50, 56))
    for installation in installations:
        github.add_installation(installation, f"org{installation}", repos=[f"org{installation}/infra"])
    github.revoke_app_key(0)
    settings = github.app_settings(
        tmp_path, private_keys=[f"file:{tmp_path / 'old.pem'}", f"file:{tmp_path / 'new.pem'}"]
    )
    auth = AppAuth(settings, http, clock)
    github.slow(0.3, path_contains="access_tokens")  # every caller's first request is in flight before any 401
    start = threading.Barrier(len(installations))
    failures: list[str] = []

    def mint(installation: int) -> None:
        start.wait()
        try:
            assert auth.installation_token(installation).startswith("ghs_")
        except AuthError as error:
            failures.append(str(error))

    threads = [threading.Thread(target=mint, args=(installation,)) for installation in installations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    github.heal()
    assert failures == []
    created = [r for r in github.requests_to("POST", "access_tokens") if r.status == 201]
    assert len(created) == len(installations)


def test_an_unreadable_or_broken_key_is_skipped(
    github: FakeGitHub, clock: FakeClock, http: httpx.Client, tmp_path: Path
) -> None:
    (tmp_path / "broken.pem").write_text("not a key")
    good = github.write_private_key(tmp_path / "good.pem")
    settings = github.app_settings(
        tmp_path, private_keys=[f"file:{tmp_path / 'missing.pem'}", f"file:{tmp_path / 'broken.pem'}", good]
    )
    assert AppAuth(settings, http, clock).installation_token(42)
    assert token_requests(github) == 1


def test_no_working_key_is_an_auth_error(
    github: FakeGitHub, clock: FakeClock, http: httpx.Client, tmp_path: Path
) -> None:
    settings = github.app_settings(tmp_path)
    github.add_app_key()
    github.revoke_app_key(0)
    with pytest.raises(AuthError, match="each of the 1 private keys"):
        AppAuth(settings, http, clock).installation_token(42)
    (tmp_path / "junk.pem").write_text("junk")
    with pytest.raises(ConfigError):
        AppAuth(github.app_settings(tmp_path, private_keys=[f"file:{tmp_path / 'junk.pem'}"]), http, clock).app_jwt()


def test_installation_tokens_are_cached_until_five_minutes_before_expiry(
    github: FakeGitHub, clock: FakeClock, http: httpx.Client, tmp_path: Path
) -> None:
    auth = AppAuth(github.app_settings(tmp_path), http, clock)
    first = auth.installation_token(42)
    clock.advance(3600 - 301)
    assert auth.installation_token(42) == first
    assert token_requests(github) == 1
    clock.advance(2)  # inside the last 5 minutes
    assert auth.installation_token(42) != first
    assert token_requests(github) == 2


def test_concurrent_callers_share_one_token_request(
    github: FakeGitHub, clock: FakeClock, http: httpx.Client, tmp_path: Path
) -> None:
    auth = AppAuth(github.app_settings(tmp_path), http, clock)
    tokens: list[str] = []
    threads = [threading.Thread(target=lambda: tokens.append(auth.installation_token(42))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(tokens)) == 1
    assert token_requests(github) == 1


def test_a_401_refreshes_the_token_exactly_once(
    github: FakeGitHub, clock: FakeClock, http: httpx.Client, tmp_path: Path
) -> None:
    client = build_github_client(
        github.app_settings(tmp_path), http, installation_id=42, clock=clock, sleep=clock.sleep
    )
    client.get_pull_request(REPO, 1)
    github.revoke_installation_tokens(42)
    assert client.get_pull_request(REPO, 1).number == 1
    assert token_requests(github) == 2  # one refresh
    assert [r.status for r in github.requests_to("GET", "/pulls/1$")] == [200, 401, 200]


def test_a_persistent_401_is_an_auth_error_after_one_refresh(
    github: FakeGitHub, clock: FakeClock, http: httpx.Client, tmp_path: Path
) -> None:
    class RevokingAuth(AppAuth):
        def installation_token(self, installation_id: int) -> str:
            token = super().installation_token(installation_id)
            github.revoke_token(token)
            return token

    client = GitHubClient(
        http, github.api_url, RevokingAuth(github.app_settings(tmp_path), http, clock), installation_id=42
    )
    with pytest.raises(AuthError):
        client.get_pull_request(REPO, 1)
    assert token_requests(github) == 2
    assert len(github.requests_to("GET", "/pulls/1$")) == 2


def test_permission_check_warns_on_missing_and_extra_write_permissions(
    clock: FakeClock, http: httpx.Client, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with FakeGitHub(clock=clock) as fake:
        granted = {
            "pull_requests": "write",
            "contents": "write",
            "metadata": "read",
            "administration": "write",
            "issues": "read",
        }
        fake.add_installation(7, "octo", permissions=granted)
        with caplog.at_level(logging.WARNING):
            warnings = AppAuth(fake.app_settings(tmp_path), http, clock).check_permissions(7)
    assert warnings == [
        "missing permission checks: write",
        "extra permission administration: write (tfreview does not need it; remove it from the App)",
        "extra permission contents: write (tfreview does not need it; remove it from the App)",
    ]
    assert "extra permission administration: write" in caplog.text
    assert (
        permission_warnings({"pull_requests": "write", "contents": "read", "checks": "write", "metadata": "read"}) == []
    )
    assert permission_warnings(
        {"pull_requests": "read", "contents": "read", "checks": "write", "metadata": "read"}
    ) == ["permission pull_requests is read, tfreview needs write"]


def test_a_plain_token_works_and_is_reread_after_a_401(
    github: FakeGitHub, clock: FakeClock, http: httpx.Client
) -> None:
    environ = {"GITHUB_TOKEN": github.add_personal_token("octocat")}
    auth = TokenAuth(SecretSource.from_env("GITHUB_TOKEN", environ=environ))
    client = GitHubClient(http, github.api_url, auth, clock=clock, sleep=clock.sleep)
    comment = client.create_issue_comment(REPO, 1, "hello")
    assert (comment.author_login, comment.app_id) == ("octocat", None)
    github.revoke_token(environ["GITHUB_TOKEN"])
    environ["GITHUB_TOKEN"] = github.add_personal_token("octocat")  # rotated by the operator
    assert client.get_pull_request(REPO, 1).number == 1
    with pytest.raises(ConfigError, match="needs a GitHub App"):
        client.get_app()


def test_canary_no_private_key_or_token_in_logs_or_errors(
    github: FakeGitHub, clock: FakeClock, http: httpx.Client, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    (tmp_path / "old.pem").write_text(github.app_private_key_pem(0))
    new_pem = github.add_app_key()
    (tmp_path / "new.pem").write_text(new_pem)
    github.revoke_app_key(0)
    settings = github.app_settings(
        tmp_path, private_keys=[f"file:{tmp_path / 'old.pem'}", f"file:{tmp_path / 'new.pem'}"]
    )
    client = build_github_client(settings, http, installation_id=42, clock=clock, sleep=clock.sleep)
    messages: list[str] = []
    client.get_pull_request(REPO, 1)
    github.revoke_installation_tokens(42)
    client.get_pull_request(REPO, 1)
    for call in (
        lambda: client.create_issue_comment(REPO, 1, "x" * 70000),
        lambda: client.get_pull_request("octo/missing", 1),
        lambda: client.for_installation(999).get_pull_request(REPO, 1),
    ):
        try:
            call()
        except Exception as error:
            messages.append(f"{error!r} {error}")
    assert len(messages) == 3
    issued = [r for r in github.requests if r.path.endswith("/access_tokens") and r.status == 201]
    assert issued
    secrets = [new_pem, github.app_private_key_pem(0)]
    secrets += [line for line in new_pem.splitlines() if len(line) > 40][:3]
    with github.lock:
        secrets += list(github._tokens)
    text = caplog.text + "\n".join(messages) + repr(client) + repr(client._auth)
    for secret in secrets:
        assert secret not in text
    assert "ghs_" not in text


def test_a_lent_token_is_used_until_it_is_stale_and_never_shown(
    github: FakeGitHub, clock: FakeClock, http: httpx.Client, tmp_path: Path
) -> None:
    """A worker lends its installation token to the review process fetching for it (ADR 0690): the process fetches
    none of its own while the lent one is fresh, fetches its own once it is not, and the token shows in no repr."""
    lender = AppAuth(github.app_settings(tmp_path), http, clock)
    borrower = AppAuth(github.app_settings(tmp_path), http, clock)
    lent = lender.lend(42)
    assert token_requests(github) == 1
    assert lent.installation_id == 42
    assert 3600 - 301 <= lent.fresh_seconds <= 3600 - 300
    assert lent.token not in repr(lent)
    assert lent.token not in str(lent)
    borrower.adopt(lent)
    assert borrower.installation_token(42) == lent.token
    assert lent.token not in borrower.scrub(f"GitHub said {lent.token}")  # scrubbed as one it fetched
    assert token_requests(github) == 1, "the borrower fetched nothing while the lent token was fresh"
    clock.advance(lent.fresh_seconds + 1)
    assert borrower.installation_token(42) != lent.token
    assert token_requests(github) == 2


def test_a_token_a_borrower_fetched_in_place_of_the_lent_one_is_taken_back(
    github: FakeGitHub, clock: FakeClock, http: httpx.Client, tmp_path: Path
) -> None:
    """GitHub refused the lent token: the borrower's own token goes back to the lender (ADR 0713), which lends it
    next instead of the refused one — unless the lender has moved on to another token meanwhile."""
    lender = AppAuth(github.app_settings(tmp_path), http, clock)
    borrower = AppAuth(github.app_settings(tmp_path), http, clock)
    lent = lender.lend(42)
    borrower.adopt(lent)
    assert borrower.returned(lent) is None  # it still holds the lent one: nothing to give back
    github.revoke_token(lent.token)
    borrower.invalidate(42)  # what the client does on the 401
    own = borrower.installation_token(42)
    returned = borrower.returned(lent)
    assert returned is not None
    assert returned.token == own
    assert own not in repr(returned)
    lender.take_back(lent, returned)
    assert lender.lend(42).token == own
    assert token_requests(github) == 2
    assert own not in lender.scrub(f"GitHub said {own}")
    # a lender that fetched a newer token meanwhile keeps it
    lender.invalidate(42)
    newer = lender.installation_token(42)
    lender.take_back(lent, returned)
    assert lender.lend(42).token == newer
