"""A9: spec-driven fuzzing of every operation in /openapi.json (hypothesis; schemathesis is not a dependency).

Each example picks an operation and a caller — nobody, a credential that is not one, a reader, a writer, a
tenant's admin, an operator — and sends parameters drawn from the operation's own schema or from hostile text
(NUL, bidi controls, combining marks, huge and negative numbers, forged cursors), and, for a body, JSON or not.
Every answer: no 5xx; an error is `application/problem+json` without a traceback; a 2xx body validates against the
operation's response schema; without a valid credential every non-public operation is 401 (or 429 once the door
blocks the source, which it may not here: its limits are raised so the fuzzing reaches the routes)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tests.web.api_operator import OPERATOR, WithOperator
from tests.web.conftest import TENANT_A, Web, make_web, web_settings
from tfreview.door.settings import DoorSettings
from tfreview.ports.records import Scope

PUBLIC = {"/healthz", "/readyz"}
SIGNED = {"/webhooks/github", "/webhooks/spacelift"}  # signature, not bearer: their own tests (A1-A6)
HOSTILE = [
    "", " ", "0", "-1", "1e309", "9" * 40, "null", "\x00", "\u202e", "e\u0301", "Ａ", "<script>", "' or 1=1--",
    "%", "_", "\\", "a" * 600, "2026-02-30T00:00:00", "9999-12-31T23:59:59+14:00", "WyJ4IiwieSJd", "W10=", "eyJ9",
    "ip:127.0.0.1", "token:0", "github:2",
]  # fmt: skip


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[tuple[Web, dict[str, Any], dict[str, dict[str, str]]]]:
    door = DoorSettings(per_ip="1000000/minute", per_token="1000000/minute", block_failures=1_000_000)
    for web in make_web(settings=web_settings(door=door)):
        web.swap(authenticator=WithOperator(web.services.authenticator))
        callers = {
            "nobody": {},
            "forged": {"Authorization": "Bearer tfr_0123456789abcdef_" + "A" * 43},
            "reader": web.token(TENANT_A, Scope.READ),
            "writer": web.token(TENANT_A, Scope.WRITE),
            "admin": web.token(TENANT_A, Scope.ADMIN),
            "operator": OPERATOR,
        }
        yield web, web.client.get("/openapi.json").json(), callers


def _operations() -> list[tuple[str, str]]:
    for web in make_web():
        spec = web.client.get("/openapi.json").json()
    return sorted((m, p) for p, ops in spec["paths"].items() for m in ops if p not in SIGNED)


def _from_schema(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    options = [schema, *schema.get("anyOf", [])]
    values: list[str] = []
    for option in options:
        values += [str(v) for v in option.get("enum", [])]
        if option.get("type") == "integer":
            values += ["1", "2", "50", str(2**31), str(2**63 - 1), str(2**63)]
    text = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)
    return st.one_of(st.sampled_from(values or ["x"]), st.sampled_from(HOSTILE), text)


BODIES = st.one_of(
    st.none(),
    st.sampled_from([b"{}", b"[]", b"null", b"\xff\xfe", b'{"minutes": 1e309}', b'{"tenant": "github:2"}']),
    st.builds(
        lambda v: json.dumps(v).encode(),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
            max_leaves=8,
        ),
    ),
)


CALLERS = ("nobody", "forged", "reader", "writer", "admin", "operator")


# derandomized: with a random seed about one run in two ended in hypothesis's FlakyStrategyDefinition ("the second
# run stopped drawing earlier") although every draw here is a pure function of earlier draws (seen at session 17's
# end and after; the cause inside hypothesis 6.170 not found). The same 400 examples each run keep CI honest.
@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
@given(operation=st.sampled_from(_operations()), caller=st.sampled_from(CALLERS), data=st.data())
def test_a9_no_operation_answers_5xx_or_out_of_its_schema(
    fuzzed: tuple[Web, dict[str, Any], dict[str, dict[str, str]]], operation: tuple[str, str], caller: str, data: Any
) -> None:
    web, spec, callers = fuzzed
    method, template = operation
    op = spec["paths"][template][method]
    path, query = template, {}
    for parameter in op.get("parameters", []):
        value = data.draw(_from_schema(parameter.get("schema", {})), label=parameter["name"])
        if parameter["in"] == "path":
            value = value if value.strip(".") and "/" not in value else "x"  # a path, not another route
            path = path.replace("{" + parameter["name"] + "}", quote(value.encode(), safe=""))
        elif parameter["in"] == "query" and data.draw(st.booleans()):
            query[parameter["name"]] = value
    body = data.draw(BODIES, label="body") if method in ("post", "delete") else None
    headers = {**callers[caller], **({"Content-Type": "application/json"} if body is not None else {})}
    answer = web.client.request(method.upper(), path, params=query, headers=headers, content=body)
    where = (method, path, query, caller, answer.status_code, answer.text[:300])
    event(f"{caller}: {answer.status_code // 100}xx")  # --hypothesis-show-statistics: what was reached
    assert answer.status_code < 500, where
    assert "Traceback" not in answer.text, where
    if answer.status_code >= 400:
        assert answer.headers["content-type"] == "application/problem+json", where
    if caller in ("nobody", "forged") and template not in PUBLIC:
        assert answer.status_code == 401, where
    if 200 <= answer.status_code < 300 and answer.content:
        schema = op["responses"][str(answer.status_code)]["content"]["application/json"]["schema"]
        errors = list(Draft202012Validator({**schema, "components": spec["components"]}).iter_errors(answer.json()))
        assert errors == [], (where, [e.message for e in errors[:3]])
