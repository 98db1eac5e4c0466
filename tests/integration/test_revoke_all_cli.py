"""`tfreview tokens revoke-all --tenant T [--scope S]` against the live service (SQLite and PostgreSQL):
the tenant's tokens are refused over HTTP at once, another tenant's keep working, nothing secret is printed
or stored, and a bad flag is one line with exit 2."""

from __future__ import annotations

import pytest

from tests.integration.live import LiveService
from tfreview.cli import main
from tfreview.identity.token_admin import create_token
from tfreview.ports.records import Scope


def test_revoke_all_with_the_cli(
    live_without_workers: LiveService, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    live = live_without_workers
    monkeypatch.setenv("TFREVIEW_DATABASE__URL", live.settings.database.url)
    tokens = live.services.tokens
    secrets = {
        name: create_token(tokens, tenant, scope, name)[1]
        for name, tenant, scope in (
            ("reader", "spacelift:compromised", "read"),
            ("writer", "spacelift:compromised", "write"),
            ("bystander", "spacelift:bystander", "read"),
        )
    }

    def status(name: str) -> int:
        return live.http.get("/api/v1/reviews", headers={"Authorization": f"Bearer {secrets[name]}"}).status_code

    assert {name: status(name) for name in secrets} == {"reader": 200, "writer": 200, "bystander": 200}
    capsys.readouterr()
    assert main(["tokens", "revoke-all", "--tenant", "spacelift:compromised", "--scope", "write"]) == 0
    out, err = capsys.readouterr()
    assert "revoked 1 write tokens of spacelift:compromised" in out
    assert status("writer") == 401
    assert status("reader") == 200

    assert main(["tokens", "revoke-all", "--tenant", "spacelift:compromised"]) == 0
    out, err = capsys.readouterr()
    assert "revoked 1 tokens of spacelift:compromised" in out
    assert {name: status(name) for name in secrets} == {"reader": 401, "writer": 401, "bystander": 200}
    assert main(["tokens", "revoke-all", "--tenant", "spacelift:compromised"]) == 0
    assert "revoked 0 tokens" in capsys.readouterr().out

    assert main(["tokens", "revoke-all", "--tenant", "   "]) == 2
    out, err = capsys.readouterr()
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    stored = live.stored_text()
    for secret in secrets.values():
        assert secret not in out + err
        assert secret not in stored
    assert all(t.revoked_at is not None for t in tokens.list("spacelift:compromised"))
    assert Scope.READ in {t.scope for t in tokens.list("spacelift:bystander") if t.revoked_at is None}
