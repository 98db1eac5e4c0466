"""The rehearsals' loopback endpoints (one shared server, `ops_cli/drill_endpoint.py`): the identity provider
publishes its keys, goes down and rotates; the model provider answers a chat completion, or 500 while down."""

from __future__ import annotations

import httpx
import jwt

from tfreview.ops_cli.drill_issuer import AUDIENCE, JWKS_PATH, DrillIssuer
from tfreview.ops_cli.drill_model import MODEL, DrillModel


def test_the_drill_issuer_publishes_goes_down_and_rotates() -> None:
    with DrillIssuer() as issuer, httpx.Client(base_url=issuer.url, timeout=5) as http:
        first = http.get(JWKS_PATH)
        assert first.status_code == 200
        assert [k["kid"] for k in first.json()["keys"]] == ["drill-1"]
        assert http.get("/elsewhere").status_code == 404
        assert http.post(JWKS_PATH, content=b"{}").status_code == 405
        issuer.down = True
        issuer.rotate()
        assert http.get(JWKS_PATH).status_code == 503
        issuer.down = False
        keys = http.get(JWKS_PATH).json()["keys"]
        assert [k["kid"] for k in keys] == ["drill-1", "drill-2"]
        token = issuer.token()
        public = jwt.PyJWK(keys[1]).key
        claims = jwt.decode(token, public, algorithms=["RS256"], audience=AUDIENCE, issuer=issuer.url)
        assert claims["tfreview:tenant"] == "github:990000001"
        assert issuer.fetches == 4  # every GET, the 404 and the 503 included


def test_the_drill_model_answers_and_fails_on_demand() -> None:
    with DrillModel() as model, httpx.Client(base_url=model.url, timeout=5) as http:
        answer = http.post("/chat/completions", json={"model": MODEL, "messages": []})
        assert answer.status_code == 200
        assert answer.json()["choices"][0]["message"]["role"] == "assistant"
        model.down = True
        failed = http.post("/chat/completions", json={"model": MODEL, "messages": []})
        assert failed.status_code == 500
        assert failed.json()["error"]["type"] == "server_error"
        assert model.calls == 2
        assert model.environment()["TFREVIEW_DRILL_MODEL_KEY"] == model.key
