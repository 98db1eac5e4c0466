"""`tfreview tokens create|list|revoke` behind the CLI: the secret shown once, never listed; revocation at once."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from tfreview.core.errors import AuthError, InputError
from tfreview.identity.authenticator import BearerAuthenticator
from tfreview.identity.token_admin import (
    create_token,
    format_tokens,
    list_tokens,
    revoke_all_tokens,
    revoke_token,
    token_state,
)
from tfreview.ports.records import Scope
from tfreview.store.memory import MemoryTokens

START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def tokens() -> MemoryTokens:
    return MemoryTokens(clock=lambda: START)


def test_create_prints_the_secret_once_and_list_never_shows_it(tokens: MemoryTokens) -> None:
    out = io.StringIO()
    token, secret = create_token(
        tokens, "github:1", "write", "ci deploy", None, expires_in_days=30, out=out, now=lambda: START
    )
    assert out.getvalue().count(secret) == 1
    assert token.scope is Scope.WRITE
    assert token.expires_at == START + timedelta(days=30)
    listed = list_tokens(tokens)
    assert [t.id for t in listed] == [token.id]
    table = format_tokens(listed, START)
    assert secret not in table
    assert token.id in table
    assert "active" in table
    assert "ci deploy" in table


def test_create_without_out_prints_nothing(tokens: MemoryTokens, capsys: pytest.CaptureFixture[str]) -> None:
    _, secret = create_token(tokens, "github:1", Scope.READ, "x")
    assert secret.startswith("tfr_")
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("tenant", "scope", "name", "days", "message"),
    [
        ("", "read", "x", None, "tenant"),
        ("github 1", "read", "x", None, "tenant"),
        ("github:1", "owner", "x", None, "scope"),
        ("github:1", "read", "", None, "name"),
        ("github:1", "read", "x" * 101, None, "name"),
        ("github:1", "read", "x", 0, "expires-in-days"),
        ("github:1", "read", "x", 100_000, "expires-in-days"),
    ],
)
def test_create_refuses_bad_values(
    tokens: MemoryTokens, tenant: str, scope: str, name: str, days: int | None, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        create_token(tokens, tenant, scope, name, expires_in_days=days)
    assert tokens.list() == []


def test_create_refuses_an_expiry_in_the_past(tokens: MemoryTokens) -> None:
    with pytest.raises(InputError, match="future"):
        create_token(tokens, "github:1", "read", "x", START - timedelta(days=1), now=lambda: START)


def test_list_filters_by_tenant_and_shows_states(tokens: MemoryTokens) -> None:
    first, _ = create_token(
        tokens, "github:1", "read", "a", START + timedelta(days=1), now=lambda: START - timedelta(days=1)
    )
    second, _ = create_token(tokens, "github:1", "admin", "b")
    create_token(tokens, "spacelift:acme", "read", "c")
    revoke_token(tokens, second.id)
    later = START + timedelta(days=2)
    mine = {t.id: t for t in list_tokens(tokens, "github:1")}
    assert set(mine) == {first.id, second.id}
    assert token_state(mine[first.id], later) == "expired"
    assert token_state(mine[second.id], later) == "revoked"
    assert token_state(mine[first.id], START) == "active"
    assert format_tokens([], later) == "no tokens\n"


def test_revoke_is_immediate_and_reports_unknown_ids(tokens: MemoryTokens) -> None:
    authenticator = BearerAuthenticator(None, tokens)
    token, secret = create_token(tokens, "github:1", "read", "x")
    assert authenticator.authenticate(f"Bearer {secret}").tenant_id == "github:1"
    assert revoke_token(tokens, token.id)
    with pytest.raises(AuthError):
        authenticator.authenticate(f"Bearer {secret}")
    assert not revoke_token(tokens, "does-not-exist")
    assert not revoke_token(tokens, "  ")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("spacelift:Acme", "spacelift:acme"),  # the account as Spacelift shows it; its webhooks say spacelift:acme
        ("GitHub:1234", "github:1234"),
        ("github:owner:Octo-Org", "github:owner:octo-org"),
        ("  github:7 \n", "github:7"),
    ],
)
def test_a7_a_tenant_is_stored_as_the_webhooks_spell_it(tokens: MemoryTokens, given: str, stored: str) -> None:
    token, _ = create_token(tokens, given, "read", "x")
    assert token.tenant_id == stored
    assert [t.id for t in list_tokens(tokens, given)] == [token.id]
    assert revoke_all_tokens(tokens, given) == [token.id]


@pytest.mark.parametrize(
    "lookalike",
    [
        "github:\uff11",  # FULLWIDTH DIGIT ONE: shows as github:1 in `tokens list`, is another tenant
        "spacelift:\u0430cme",  # CYRILLIC SMALL LETTER A
        "github:1\u200b",  # ZERO WIDTH SPACE
        "github:\u0661",  # ARABIC-INDIC DIGIT ONE
        "github:1\x00",
    ],
)
def test_a7_a_lookalike_tenant_is_refused(tokens: MemoryTokens, lookalike: str) -> None:
    with pytest.raises(InputError, match="printable ASCII"):
        create_token(tokens, lookalike, "admin", "x")
    assert tokens.list() == []


def test_a7_a_rotated_token_keeps_the_tenant_its_old_token_was_stored_with(tokens: MemoryTokens) -> None:
    from tfreview.service.secret_rotation import rotate_api_token

    old, _ = tokens.create("spacelift:Acme", Scope.WRITE, "made before tenants were case-folded", None)
    rotate_api_token(tokens, old.id, START)
    assert {t.tenant_id for t in tokens.list()} == {"spacelift:Acme"}


def test_a7_tokens_stored_before_the_case_folding_are_listed_under_their_tenant(tokens: MemoryTokens) -> None:
    # a token made as `spacelift:Acme` before tenants were case-folded still authenticates: `tokens list --tenant`
    # under either spelling shows it (it was hidden, while `revoke-all` under the same spelling revoked it)
    old, _ = tokens.create("spacelift:Acme", Scope.WRITE, "made before tenants were case-folded", None)
    new, _ = create_token(tokens, "spacelift:acme", "read", "made after")
    for given in ("spacelift:Acme", "spacelift:acme", "SPACELIFT:ACME"):
        assert {t.id for t in list_tokens(tokens, given)} == {old.id, new.id}, given
    assert [t.id for t in list_tokens(tokens, "spacelift:other")] == []
    assert sorted(revoke_all_tokens(tokens, "spacelift:Acme")) == sorted([old.id, new.id])
