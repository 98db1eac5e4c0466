"""An OIDC access token whose time claims are not finite numbers, against a real `tfreview serve` (ADR 0681).

`exp` NaN compared false with every time, so the token never expired: `exp` Infinity (and `1e400`, which JSON readers
read as Infinity) likewise. Signed by the trusted issuer, such a token was a bearer credential forever. `nbf` and
`iat` NaN passed their checks too. Each is now refused: 401, the reason in the log's one line, no traceback; a string
or a boolean was refused already and stays so."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from tests.fakes.oidc import FakeOidcIssuer
from tests.integration.door_requests import request
from tests.integration.served import child_env, serving

RAW = "raw-1e400"
CASES: dict[str, tuple[dict[str, Any], str]] = {
    "exp-nan": ({"exp": math.nan}, "token exp claim is not a number"),
    "exp-infinity": ({"exp": math.inf}, "token exp claim is not a number"),
    "exp-1e400": ({"exp": RAW}, "token exp claim is not a number"),  # written as `1e400`: read as Infinity
    "exp-minus-infinity": ({"exp": -math.inf}, "token exp claim is not a number"),
    "exp-string": ({"exp": "99999999999"}, "token exp claim is not a number"),
    "exp-true": ({"exp": True}, "token exp claim is not a number"),
    "nbf-nan": ({"nbf": math.nan}, "token nbf claim is not a number"),
    "nbf-string": ({"nbf": "0"}, "token nbf claim is not a number"),
    "iat-nan": ({"iat": math.nan}, "token iat claim is not a number"),
    "iat-false": ({"iat": False}, "token iat claim is not a number"),
}


def test_time_claims_that_are_not_finite_numbers_are_refused(tmp_path: Path) -> None:
    with FakeOidcIssuer() as issuer:
        env = child_env(
            TFREVIEW_AUTH__OIDC_ISSUER=issuer.issuer,
            TFREVIEW_AUTH__OIDC_JWKS_URL=issuer.jwks_url,
            TFREVIEW_AUTH__OIDC_AUDIENCE=str(issuer.audience),
            TFREVIEW_AUTH__TENANT_CLAIM=issuer.tenant_claim,
        )
        answers: dict[str, tuple[int, str]] = {}
        with serving(tmp_path / "data", env=env) as served:
            good = issuer.mint({"scope": "read", issuer.tenant_claim: "github:owner:octo"})
            accepted = request(served.port, "GET", "/api/v1/reviews", headers={"Authorization": f"Bearer {good}"})
            for case, (claims, _reason) in CASES.items():
                written = json.dumps(
                    issuer.claims({"scope": "read", issuer.tenant_claim: "github:owner:octo", **claims})
                )
                token = issuer.mint_payload(written.replace(f'"{RAW}"', "1e400").encode())
                answer = request(served.port, "GET", "/api/v1/reviews", headers={"Authorization": f"Bearer {token}"})
                answers[case] = (answer.status, answer.body.decode("utf-8", "replace"))
            log = served.log()
    assert accepted.status == 200
    for case, (_claims, reason) in CASES.items():
        assert answers[case][0] == 401, (case, answers[case])
        assert reason in log, (case, reason)
    assert "Traceback" not in log
