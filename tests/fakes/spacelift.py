"""A fake Spacelift GraphQL API on 127.0.0.1: a real HTTP server that parses and executes GraphQL documents.

    with FakeSpacelift() as spacelift:
        spacelift.add_stack("network-prod", namespace="acme", repository="infra")
        spacelift.add_run("network-prod", "01RUN", state="UNCONFIRMED", type="PROPOSED", changes=["aws_s3_bucket.logs"])
        settings = spacelift.api_settings(secret_env="SPACELIFT_SECRET")      # SpaceliftApiSettings for this fake
        spacelift.comments("network-prod", "01RUN")                           # what runComment recorded

`POST /graphql` takes `{"query", "variables", "operationName"}` and answers `{"data"}` / `{"errors"}`. The
document is parsed (operations, variable definitions, fields with aliases and arguments, nested selection
sets) and executed against a small schema holding ONLY the fields of the documented shapes
(tests/data/spacelift/SHAPES.md and the .graphql documents): a field outside it is a GraphQL error, as on
the real API, so the client cannot drift into fields nobody documented. Required variables are checked.

Schema: mutation `apiKeyUser(id, secret) { id jwt validUntil }` (no bearer needed; a JWT-shaped token
valid `token_ttl` seconds), `runComment(stack, run, body) { body createdAt username }`,
`runReview(stack, run, decision, note) { id author decision note state timestamp }`; query
`stack(id) { id name namespace repository provider branch labels run(id) runs(before) }` with runs
`{ id state type branch title createdAt updatedAt triggeredBy commit { hash authorLogin authorName message }
delta { addCount changeCount deleteCount resources } comments { body createdAt username }
changesV3(input) { resources { address previousAddress metadata { type } } } }` (runs newest first, 10 a page).

Failure modes: an unknown or expired bearer token → `errors: [{message: "unauthorized", extensions:
{code: "UNAUTHENTICATED"}}]`; `fail_next(...)` scripts the next requests ("http500", "graphql_error",
"drop"); `comment_fault(...)` the next runComment ("lost_response": recorded, then the connection is
dropped; "fail_after_create": recorded, then HTTP 500), `review_fault(...)` the next runReview likewise (or "refused").
`clock` is injectable (Unix seconds).
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from tfreview.integrations.spacelift.settings import SpaceliftApiSettings

DEFAULT_KEY_ID = "01HZZZZZZZZZZZZZZZZZZZZZZZ"
DEFAULT_USERNAME = "tfreview-bot"
RUNS_PER_PAGE = 10


RATE_LIMIT_RETRY_AFTER = 120  # seconds, in the Retry-After of a scripted 429


class GraphQLError(Exception):
    def __init__(self, message: str, code: str | None = None) -> None:
        self.code = code
        super().__init__(message)


# --- a small GraphQL parser ----------------------------------------------------------------------

_TOKEN = re.compile(
    r'\s+|,|#[^\n]*|(?P<spread>\.\.\.)|(?P<punct>[{}():!$\[\]=@])|(?P<string>"(?:[^"\\]|\\.)*")'
    r"|(?P<number>-?\d+(?:\.\d+)?)|(?P<name>[_A-Za-z][_0-9A-Za-z]*)"
)


@dataclass
class Field:
    name: str
    alias: str
    arguments: dict[str, Any]  # values: python values, or Variable
    selections: list[Field] | None


@dataclass(frozen=True)
class Variable:
    name: str


@dataclass
class Operation:
    kind: str  # query | mutation
    name: str | None
    variables: dict[str, str]  # name -> type text ("ID!", "String")
    selections: list[Field]


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise GraphQLError(f"Syntax Error: unexpected character {text[position]!r}", "GRAPHQL_PARSE_FAILED")
        position = match.end()
        kind = match.lastgroup
        if kind is not None:
            out.append((kind, match.group(kind)))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, value: str | None = None, kind: str | None = None) -> str:
        token = self.peek()
        if token is None or (value is not None and token[1] != value) or (kind is not None and token[0] != kind):
            raise GraphQLError(f"Syntax Error: expected {value or kind}, found {token[1] if token else 'EOF'}")
        self.at += 1
        return token[1]

    def document(self) -> list[Operation]:
        operations = []
        while self.peek() is not None:
            operations.append(self.operation())
        if not operations:
            raise GraphQLError("Syntax Error: empty document", "GRAPHQL_PARSE_FAILED")
        return operations

    def operation(self) -> Operation:
        token = self.peek()
        if token == ("punct", "{"):
            return Operation("query", None, {}, self.selection_set())
        kind = self.take(kind="name")
        if kind not in ("query", "mutation"):
            raise GraphQLError(f"Syntax Error: unexpected {kind}")
        name = self.take(kind="name") if self.peek() and self.peek()[0] == "name" else None  # type: ignore[index]
        variables: dict[str, str] = {}
        if self.peek() == ("punct", "("):
            self.take("(")
            while self.peek() != ("punct", ")"):
                self.take("$")
                var = self.take(kind="name")
                self.take(":")
                variables[var] = self.type_text()
                if self.peek() == ("punct", "="):
                    self.take("=")
                    self.value()
            self.take(")")
        return Operation(kind, name, variables, self.selection_set())

    def type_text(self) -> str:
        if self.peek() == ("punct", "["):
            self.take("[")
            inner = self.type_text()
            self.take("]")
            text = f"[{inner}]"
        else:
            text = self.take(kind="name")
        if self.peek() == ("punct", "!"):
            self.take("!")
            text += "!"
        return text

    def selection_set(self) -> list[Field]:
        self.take("{")
        fields = []
        while self.peek() != ("punct", "}"):
            if self.peek() is None:
                raise GraphQLError("Syntax Error: unterminated selection set", "GRAPHQL_PARSE_FAILED")
            fields.append(self.field())
        self.take("}")
        return fields

    def field(self) -> Field:
        name = self.take(kind="name")
        alias = name
        if self.peek() == ("punct", ":"):
            self.take(":")
            name = self.take(kind="name")
        arguments: dict[str, Any] = {}
        if self.peek() == ("punct", "("):
            self.take("(")
            while self.peek() != ("punct", ")"):
                arg = self.take(kind="name")
                self.take(":")
                arguments[arg] = self.value()
            self.take(")")
        selections = self.selection_set() if self.peek() == ("punct", "{") else None
        return Field(name, alias, arguments, selections)

    def value(self) -> Any:
        token = self.peek()
        if token is None:
            raise GraphQLError("Syntax Error: expected a value")
        kind, text = token
        if text == "$":
            self.take("$")
            return Variable(self.take(kind="name"))
        if text == "{":
            self.take("{")
            obj = {}
            while self.peek() != ("punct", "}"):
                key = self.take(kind="name")
                self.take(":")
                obj[key] = self.value()
            self.take("}")
            return obj
        if text == "[":
            self.take("[")
            items = []
            while self.peek() != ("punct", "]"):
                items.append(self.value())
            self.take("]")
            return items
        self.at += 1
        if kind == "string":
            return json.loads(text)
        if kind == "number":
            return float(text) if "." in text else int(text)
        return {"true": True, "false": False, "null": None}.get(text, text)  # enums stay names


# --- the fake's data -----------------------------------------------------------------------------


@dataclass
class FakeRun:
    id: str
    state: str
    type: str = "TRACKED"
    branch: str = "main"
    created_at: int = 0
    commit_sha: str = "0" * 40
    changes: list[str] = field(default_factory=list)  # addresses changesV3 reports
    comments: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FakeStack:
    id: str
    namespace: str = "acme"
    repository: str = "infra"
    provider: str = "GITHUB"
    runs: dict[str, FakeRun] = field(default_factory=dict)


@dataclass(frozen=True)
class Recorded:
    operation: str | None
    headers: dict[str, str]
    body: bytes


class FakeSpacelift:
    def __init__(
        self,
        *,
        key_id: str = DEFAULT_KEY_ID,
        key_secret: str | None = None,
        token_ttl: float = 3600.0,
        clock: Callable[[], float] | None = None,
        username: str = DEFAULT_USERNAME,
    ) -> None:
        self.key_id = key_id
        self.key_secret = key_secret or "sl-secret-" + secrets.token_hex(16)
        self.token_ttl = token_ttl
        self.clock = clock or time.time
        self.username = username
        self.stacks: dict[str, FakeStack] = {}
        self.token_exchanges = 0
        self.said_valid_until: Any = None  # what apiKeyUser answers as validUntil, when not the token's real expiry
        self._tokens: dict[str, float] = {}  # jwt -> validUntil
        self._lock = threading.RLock()
        self._script: deque[str] = deque()
        self._comment_faults: deque[str] = deque()
        self._review_faults: deque[str] = deque()
        self._requests: list[Recorded] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._review_ids = 0

    # --- setup ------------------------------------------------------------------------------------

    def add_stack(self, stack_id: str, **fields: Any) -> FakeStack:
        with self._lock:
            stack = self.stacks[stack_id] = FakeStack(stack_id, **fields)
            return stack

    def add_run(self, stack_id: str, run_id: str, **fields: Any) -> FakeRun:
        with self._lock:
            stack = self.stacks.get(stack_id) or self.add_stack(stack_id)
            fields.setdefault("created_at", int(self.clock()))
            run = stack.runs[run_id] = FakeRun(run_id, **fields)
            return run

    def fail_next(self, *modes: str) -> None:
        """The next requests fail: "http500", "http429" (rate limited, `Retry-After: RATE_LIMIT_RETRY_AFTER`),
        "graphql_error" (a retriable internal error), "graphql_rate_limited" (HTTP 200), "drop", "nested" (`[[[[…`
        100 000 deep, HTTP 200), "comments_null" (a run's `comments` come back null without an error: partial data) or
        "null_result" (the operation is executed, its result answered null without an error); "pass" answers as usual
        (to script a later request)."""
        with self._lock:
            self._script.extend(modes)

    def comment_fault(self, *faults: str) -> None:
        """The next runComment calls: "lost_response" or "fail_after_create" (the comment IS recorded)."""
        with self._lock:
            self._comment_faults.extend(faults)

    def review_fault(self, *faults: str) -> None:
        """The next runReview calls: "lost_response" or "fail_after_create" (the review IS recorded), or "refused"
        (a GraphQL BAD_USER_INPUT error, nothing recorded: the run moved past review)."""
        with self._lock:
            self._review_faults.extend(faults)

    def expire_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    def api_settings(self, *, secret_env: str, **overrides: Any) -> SpaceliftApiSettings:
        values: dict[str, Any] = {
            "account": "acme",
            "api_url": f"{self.url}/graphql",
            "api_key_id": self.key_id,
            "api_key_secret": f"env:{secret_env}",
        }
        values.update(overrides)
        return SpaceliftApiSettings(**values)

    # --- inspection -------------------------------------------------------------------------------

    def comments(self, stack_id: str, run_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(c) for c in self.stacks[stack_id].runs[run_id].comments]

    def reviews(self, stack_id: str, run_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self.stacks[stack_id].runs[run_id].reviews]

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("start the fake first")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # --- life cycle -------------------------------------------------------------------------------

    def start(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._server = None

    def __enter__(self) -> FakeSpacelift:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    # --- serving ----------------------------------------------------------------------------------

    def handle(self, headers: Mapping[str, str], body: bytes) -> tuple[int, dict[str, Any] | bytes | None]:
        """(status, JSON answer, or the answer's bytes as they are); None as the answer drops the connection."""
        try:
            request = json.loads(body)
        except ValueError:
            return 400, {"errors": [{"message": "body is not JSON"}]}
        if not isinstance(request, dict) or not isinstance(request.get("query"), str):
            return 400, {"errors": [{"message": "no query"}]}
        with self._lock:
            self._requests.append(Recorded(request.get("operationName"), dict(headers), body))
            scripted = self._script.popleft() if self._script else None
        if scripted == "http500":
            return 500, {"errors": [{"message": "internal server error"}]}
        if scripted == "http429":
            return 429, {"errors": [{"message": "too many requests"}]}
        if scripted == "drop":
            return 0, None
        if scripted == "nested":  # JSON nested deeper than any JSON reader goes: valid to the byte it stops at
            return 200, b"[" * 100_000
        if scripted == "graphql_error":
            return 200, {"errors": [{"message": "something went wrong", "extensions": {"code": "INTERNAL"}}]}
        if scripted == "graphql_rate_limited":  # a limit said in GraphQL's own words, with HTTP 200
            return 200, {"errors": [{"message": "rate limit exceeded", "extensions": {"code": "RATE_LIMITED"}}]}
        variables = request.get("variables") or {}
        try:
            operation = self._operation(request["query"], request.get("operationName"))
            self._check_variables(operation, variables)
            if operation.kind == "query" or any(f.name != "apiKeyUser" for f in operation.selections):
                self._authenticate(headers.get("authorization"))
            with self._lock:
                data, after = self._execute(operation, variables)
        except GraphQLError as error:
            entry: dict[str, Any] = {"message": str(error)}
            if error.code:
                entry["extensions"] = {"code": error.code}
            return 200, {"errors": [entry], "data": None}
        if scripted == "null_result":  # executed (a mutation took effect), then answered null without an error
            data = dict.fromkeys(data)
        if scripted == "comments_null" and isinstance((data.get("stack") or {}).get("run"), dict):
            data["stack"]["run"]["comments"] = None  # partial data: the field resolved to null, no error said why
        if after == "lost_response":
            return 0, None
        if after == "fail_after_create":
            return 500, {"errors": [{"message": "internal server error"}]}
        return 200, {"data": data}

    def _operation(self, query: str, name: Any) -> Operation:
        operations = _Parser(query).document()
        if name:
            chosen = [o for o in operations if o.name == name]
            if not chosen:
                raise GraphQLError(f'Unknown operation named "{name}".', "GRAPHQL_VALIDATION_FAILED")
            return chosen[0]
        if len(operations) != 1:
            raise GraphQLError("Must provide operation name if query contains multiple operations.")
        return operations[0]

    def _check_variables(self, operation: Operation, variables: Mapping[str, Any]) -> None:
        for name, type_text in operation.variables.items():
            if type_text.endswith("!") and variables.get(name) is None:
                raise GraphQLError(
                    f'Variable "${name}" of required type "{type_text}" was not provided.', "BAD_USER_INPUT"
                )

    def _authenticate(self, authorization: str | None) -> None:
        token = (authorization or "").removeprefix("Bearer ").strip()
        with self._lock:
            valid_until = self._tokens.get(token)
        if valid_until is None or self.clock() >= valid_until:
            raise GraphQLError("unauthorized", "UNAUTHENTICATED")

    # --- execution --------------------------------------------------------------------------------

    def _execute(self, operation: Operation, variables: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
        after: list[str] = []
        data: dict[str, Any] = {}
        root = _MUTATION if operation.kind == "mutation" else _QUERY
        for selection in operation.selections:
            resolver = root.get(selection.name)
            if resolver is None:
                raise GraphQLError(
                    f'Cannot query field "{selection.name}" on type "{operation.kind.title()}".',
                    "GRAPHQL_VALIDATION_FAILED",
                )
            args = _arguments(selection.arguments, variables, operation.variables)
            type_name, value = resolver(self, args, after)
            data[selection.alias] = _project(type_name, value, selection, variables, operation.variables, self)
        return data, after[0] if after else None

    def _api_key_user(self, args: Mapping[str, Any], after: list[str]) -> tuple[str, Any]:
        self.token_exchanges += 1
        if args.get("id") != self.key_id or args.get("secret") != self.key_secret:
            raise GraphQLError("unauthorized", "UNAUTHENTICATED")
        jwt = _jwt_shaped()
        valid_until = int(self.clock() + self.token_ttl)
        self._tokens[jwt] = valid_until
        said = valid_until if self.said_valid_until is None else self.said_valid_until
        return "User", {"id": self.key_id, "jwt": jwt, "validUntil": said}

    def _stack(self, args: Mapping[str, Any], after: list[str]) -> tuple[str, Any]:
        return "Stack", self.stacks.get(str(args.get("id")))

    def _run_of(self, args: Mapping[str, Any]) -> FakeRun:
        stack = self.stacks.get(str(args.get("stack")))
        run = stack.runs.get(str(args.get("run"))) if stack else None
        if run is None:
            raise GraphQLError("run not found", "NOT_FOUND")
        return run

    def _run_comment(self, args: Mapping[str, Any], after: list[str]) -> tuple[str, Any]:
        run = self._run_of(args)
        comment = {"body": str(args.get("body")), "createdAt": int(self.clock()), "username": self.username}
        run.comments.append(comment)
        if self._comment_faults:
            after.append(self._comment_faults.popleft())
        return "RunComment", comment

    def _run_review(self, args: Mapping[str, Any], after: list[str]) -> tuple[str, Any]:
        run = self._run_of(args)
        if self._review_faults and self._review_faults[0] == "refused":
            self._review_faults.popleft()
            raise GraphQLError("run is not awaiting review", "BAD_USER_INPUT")
        decision = args.get("decision")
        if decision not in ("APPROVE", "REJECT"):
            raise GraphQLError(f'Value "{decision}" does not exist in "RunReviewDecision" enum.', "BAD_USER_INPUT")
        self._review_ids += 1
        review = {
            "id": f"review-{self._review_ids}",
            "author": self.username,
            "decision": decision,
            "note": args.get("note"),
            "state": run.state,
            "timestamp": int(self.clock()),
        }
        run.reviews.append(review)
        if self._review_faults:
            after.append(self._review_faults.popleft())
        return "RunReview", review


def _jwt_shaped() -> str:
    def part(document: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()

    return ".".join([part({"alg": "HS256", "typ": "JWT"}), part({"sub": secrets.token_hex(8)}), secrets.token_hex(16)])


def _arguments(raw: Mapping[str, Any], variables: Mapping[str, Any], declared: Mapping[str, str]) -> dict[str, Any]:
    def resolve(value: Any) -> Any:
        if isinstance(value, Variable):
            if value.name not in declared:
                raise GraphQLError(f'Variable "${value.name}" is not defined.', "GRAPHQL_VALIDATION_FAILED")
            return variables.get(value.name)
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value

    return {name: resolve(value) for name, value in raw.items()}


def _run_fields(run: FakeRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "state": run.state,
        "type": run.type,
        "branch": run.branch,
        "title": f"run {run.id}",
        "createdAt": run.created_at,
        "updatedAt": run.created_at,
        "triggeredBy": "github/someone",
        "commit": (
            "Commit",
            {"hash": run.commit_sha, "authorLogin": "someone", "authorName": "Some One", "message": "change"},
        ),
        "delta": (
            "Delta",
            {"addCount": len(run.changes), "changeCount": 0, "deleteCount": 0, "resources": len(run.changes)},
        ),
        "comments": [("RunComment", c) for c in run.comments],
        "changesV3": [
            (
                "ChangesGroup",
                {
                    "resources": [
                        (
                            "ChangedResource",
                            {"address": a, "previousAddress": "", "metadata": ("Metadata", {"type": "RESOURCE"})},
                        )
                        for a in run.changes
                    ]
                },
            )
        ],
    }


def _stack_fields(stack: FakeStack, args: Mapping[str, Any], name: str) -> Any:
    if name == "run":
        run = stack.runs.get(str(args.get("id")))
        return ("Run", _run_fields(run)) if run else None
    if name == "runs":
        ordered = sorted(stack.runs.values(), key=lambda r: (r.created_at, r.id), reverse=True)
        before = args.get("before")
        if before is not None:
            ids = [r.id for r in ordered]
            ordered = ordered[ids.index(before) + 1 :] if before in ids else []
        return [("Run", _run_fields(r)) for r in ordered[:RUNS_PER_PAGE]]
    plain = {
        "id": stack.id,
        "name": stack.id,
        "namespace": stack.namespace,
        "repository": stack.repository,
        "provider": stack.provider,
        "branch": "main",
        "labels": [],
    }
    return plain[name]


# The schema: the fields each type has (and nothing else).
_TYPES: dict[str, frozenset[str]] = {
    "User": frozenset({"id", "jwt", "validUntil"}),
    "Stack": frozenset({"id", "name", "namespace", "repository", "provider", "branch", "labels", "run", "runs"}),
    "Run": frozenset(
        {
            "id",
            "state",
            "type",
            "branch",
            "title",
            "createdAt",
            "updatedAt",
            "triggeredBy",
            "commit",
            "delta",
            "comments",
            "changesV3",
        }
    ),
    "Commit": frozenset({"hash", "authorLogin", "authorName", "message"}),
    "Delta": frozenset({"addCount", "changeCount", "deleteCount", "resources"}),
    "RunComment": frozenset({"body", "createdAt", "username"}),
    "RunReview": frozenset({"id", "author", "decision", "note", "state", "timestamp"}),
    "ChangesGroup": frozenset({"resources"}),
    "ChangedResource": frozenset({"address", "previousAddress", "metadata"}),
    "Metadata": frozenset({"type"}),
}


def _project(
    type_name: str,
    value: Any,
    selection: Field,
    variables: Mapping[str, Any],
    declared: Mapping[str, str],
    fake: FakeSpacelift,
) -> Any:
    if value is None:
        return None
    if selection.selections is None:
        raise GraphQLError(
            f'Field "{selection.name}" of type "{type_name}" must have a selection of subfields.',
            "GRAPHQL_VALIDATION_FAILED",
        )
    out: dict[str, Any] = {}
    for child in selection.selections:
        if child.name == "__typename":
            out[child.alias] = type_name
            continue
        if child.name not in _TYPES[type_name]:
            raise GraphQLError(f'Cannot query field "{child.name}" on type "{type_name}".', "GRAPHQL_VALIDATION_FAILED")
        args = _arguments(child.arguments, variables, declared)
        raw = _stack_fields(value, args, child.name) if isinstance(value, FakeStack) else value[child.name]
        out[child.alias] = _leaf_or_object(raw, child, variables, declared, fake)
    return out


def _leaf_or_object(
    raw: Any, child: Field, variables: Mapping[str, Any], declared: Mapping[str, str], fake: FakeSpacelift
) -> Any:
    if raw is None:
        return None
    if isinstance(raw, list):
        return [_leaf_or_object(item, child, variables, declared, fake) for item in raw]
    if isinstance(raw, tuple):
        return _project(raw[0], raw[1], child, variables, declared, fake)
    if child.selections is not None:
        raise GraphQLError(
            f'Field "{child.name}" must not have a selection since it has no subfields.', "GRAPHQL_VALIDATION_FAILED"
        )
    return raw


_Resolver = Callable[[FakeSpacelift, Mapping[str, Any], list[str]], tuple[str, Any]]
_MUTATION: dict[str, _Resolver] = {
    "apiKeyUser": FakeSpacelift._api_key_user,
    "runComment": FakeSpacelift._run_comment,
    "runReview": FakeSpacelift._run_review,
}
_QUERY: dict[str, _Resolver] = {"stack": FakeSpacelift._stack}


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # joined on server_close: no thread outlives the fake
    block_on_close = True
    fake: FakeSpacelift

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up and closed its socket is expected; stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 15

    def log_message(self, format: str, *args: Any) -> None:
        """No access log on stderr."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.split("?", 1)[0] != "/graphql":
            self._send(404, {"errors": [{"message": "not found"}]})
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        status, answer = self.server.fake.handle(headers, body)
        if answer is None:  # the request was handled, but the answer is lost
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(2)  # socket.SHUT_RDWR
            return
        self._send(status, answer)

    def _send(self, status: int, answer: dict[str, Any] | bytes) -> None:
        payload = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        with contextlib.suppress(ConnectionError):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            if status == 429:
                self.send_header("Retry-After", str(RATE_LIMIT_RETRY_AFTER))
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(payload)
