"""A NUL character from outside is a precise 4xx on every backend, never a database error.

PostgreSQL's text cannot hold NUL, and its driver raised (a 500 with a traceback in the log, where SQLite answered)
on `/api/v1/reviews?repository=%00` (also `stack_id`, `finding`: now a 422 naming the filter) and on an OIDC token
whose tenant claim held one (now a 401, as any other control character there). A real `tfreview serve` with a fake
OIDC issuer, on SQLite and, when TFREVIEW_TEST_POSTGRES_URL is set, on a fresh PostgreSQL database."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_in_process import tfreview_in_process
from tests.fakes.oidc import FakeOidcIssuer
from tests.integration.conftest import POSTGRES_ENV
from tests.integration.door_requests import request
from tests.integration.live import fresh_postgres_database
from tests.integration.served import child_env, serving
from tfreview.store.cursor import encode_cursor

FILTERS = ("repository", "stack_id", "finding")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_env(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    if request.param == "sqlite":
        yield {}
        return
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(f"{POSTGRES_ENV} is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    with fresh_postgres_database(admin_url, f"tfreview_nul_{uuid.uuid4().hex[:12]}") as url:
        yield {"TFREVIEW_DATABASE__URL": url}


def test_a_nul_in_a_filter_or_a_tenant_claim_is_refused_precisely(tmp_path: Path, database_env: dict[str, str]) -> None:
    with FakeOidcIssuer() as issuer:
        _probe(tmp_path, database_env, issuer)


def _probe(tmp_path: Path, database_env: dict[str, str], issuer: FakeOidcIssuer) -> None:
    env = child_env(
        **database_env,
        TFREVIEW_AUTH__OIDC_ISSUER=issuer.issuer,
        TFREVIEW_AUTH__OIDC_JWKS_URL=issuer.jwks_url,
        TFREVIEW_AUTH__OIDC_AUDIENCE=str(issuer.audience),
        TFREVIEW_AUTH__TENANT_CLAIM=issuer.tenant_claim,
    )
    claims = {
        "nul": issuer.mint({"scope": "read", issuer.tenant_claim: "github:7\u0000"}),
        "newline": issuer.mint({"scope": "read", issuer.tenant_claim: "github:7\nforged"}),
        "plain": issuer.mint({"scope": "read", issuer.tenant_claim: "github:7"}),
    }
    data = tmp_path / "data"
    if database_env:
        upgraded = tfreview_in_process("db", "upgrade", env=env)  # the same CLI in this process (ADR 0669)
        assert upgraded.returncode == 0, upgraded.stderr
    token = _token(env, data)
    auth = {"Authorization": f"Bearer {token}"}
    operator = {"Authorization": f"Bearer {issuer.mint({'scope': 'admin', issuer.tenant_claim: None})}"}
    # a cursor as `next_cursor` spells one (base64url JSON), holding a NUL no id ever holds (review19a)
    cursor = encode_cursor("2026-01-01T00:00:00.000000+00:00", "a\u0000b")
    # and a lone surrogate (`"\ud800"` in its JSON), which no driver encodes: a 500 on SQLite too (review22b)
    surrogate = encode_cursor("2026-01-01T00:00:00.000000+00:00", "a\ud800b")
    with serving(data, env=env) as served:
        later = {
            "cursor": request(served.port, "GET", f"/api/v1/reviews?cursor={cursor}", headers=auth),
            "surrogate": request(served.port, "GET", f"/api/v1/reviews?cursor={surrogate}", headers=auth),
            "action": request(served.port, "GET", "/api/v1/audit-log?action=a%00b", headers=operator),
        }
        block = json.dumps({"source": "ip:203.0.113.9", "minutes": 1, "reason": "a\u0000b"}).encode()
        json_operator = {**operator, "Content-Type": "application/json"}
        later["block"] = request(served.port, "POST", "/api/v1/blocks", headers=json_operator, body=block)
        later["unblock"] = request(served.port, "DELETE", "/api/v1/blocks/ip:203.0.113.9%00", headers=operator)
        blocks = request(served.port, "GET", "/api/v1/blocks", headers=operator)
        plain_action = request(served.port, "GET", "/api/v1/audit-log?action=token.create", headers=operator)
        refused = {name: request(served.port, "GET", f"/api/v1/reviews?{name}=a%00b", headers=auth) for name in FILTERS}
        plain = {name: request(served.port, "GET", f"/api/v1/reviews?{name}=ab", headers=auth) for name in FILTERS}
        bearer = {
            kind: request(served.port, "GET", "/api/v1/reviews", headers={"Authorization": f"Bearer {token}"})
            for kind, token in claims.items()
        }
        log = served.log()
    for name in FILTERS:
        assert refused[name].status == 422, refused[name].json()
        assert refused[name].json()["detail"] == f"{name}: a NUL character (%00) is not allowed in a filter"
        assert plain[name].status == 200, plain[name].json()
    for kind in ("nul", "newline"):
        assert bearer[kind].status == 401, bearer[kind].json()
        assert bearer[kind].json()["detail"] == "token tenant claim is invalid"
    assert bearer["plain"].status == 200, bearer["plain"].json()
    # review19a: on PostgreSQL these were 500s with a DataError traceback
    assert later["cursor"].status == 422, later["cursor"].body
    assert later["cursor"].json()["detail"] == "invalid cursor: pass the next_cursor of a previous page unchanged"
    assert later["surrogate"].status == 422, later["surrogate"].body
    assert later["surrogate"].json()["detail"] == later["cursor"].json()["detail"]
    assert later["action"].status == 422, later["action"].body
    assert later["action"].json()["detail"] == "action: a NUL character (%00) is not allowed in a filter"
    assert later["block"].status == 422, later["block"].body
    assert "reason" in str(later["block"].json()["detail"])
    assert later["unblock"].status == 404, later["unblock"].body
    assert later["unblock"].json()["detail"] == "ip:203.0.113.9\x00 is not blocked"
    assert blocks.status == 200, blocks.body
    assert blocks.json()["items"] == []  # nothing half-written
    assert plain_action.status == 200, plain_action.body
    assert [item["action"] for item in plain_action.json()["items"]] == ["token.create"]  # type: ignore[union-attr]
    assert "Traceback" not in log
    assert "DataError" not in log
    assert "UnicodeEncodeError" not in log


def _token(env: dict[str, str], data: Path) -> str:
    """The serve's write token: the same CLI in this process (ADR 0669); the serve is the process under test."""
    argv = ["tokens", "create", "--tenant", "github:7", "--scope", "write", "--name", "nul-filter"]
    created = tfreview_in_process(*argv, "--data-dir", str(data), env=env)
    assert created.returncode == 0, created.stderr
    return created.stdout.strip()
