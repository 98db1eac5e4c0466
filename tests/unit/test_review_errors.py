"""ADR 0689: an error raised in a review process reaches `worker.errors.classify` in the worker as it would have
in-process — the same class, message and attributes — after a pickle round trip through the pipe.

Every TfreviewError subclass of the packages a review process runs (and those around them), the GitHub client's
errors and httpx's own are built, packed, pickled, unpickled, unpacked and compared.
"""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil
from pathlib import Path

import httpx
import pytest

from tfreview.core.errors import DependencyPending, TfreviewError, UpstreamError
from tfreview.integrations.github.errors import GitHubRejected, GitHubUnavailable, RateLimited
from tfreview.worker.errors import classify, retry_cause
from tfreview.worker.review_errors import pack, unpack

PACKAGES = (
    "core",
    "parsing",
    "plumbing",
    "ports",
    "integrations",
    "sources",
    "worker",
    "advisor",
    "store",
    "identity",
    "service",
)


def _every_module() -> None:
    for package in PACKAGES:
        module = importlib.import_module(f"tfreview.{package}")
        for info in pkgutil.walk_packages(module.__path__, f"tfreview.{package}."):
            if ".migrations" not in info.name and not info.name.endswith("__main__"):  # scripts, not modules
                importlib.import_module(info.name)


def _subclasses(root: type[BaseException]) -> list[type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    pending = [root]
    while pending:
        kind = pending.pop()
        for sub in kind.__subclasses__():
            if sub.__module__.startswith("tfreview.") and "<" not in sub.__qualname__:
                found[f"{sub.__module__}.{sub.__qualname__}"] = sub
            pending.append(sub)
    return [found[name] for name in sorted(found)]


_every_module()
TFREVIEW_ERRORS = _subclasses(TfreviewError)


def _value(parameter: inspect.Parameter) -> object:
    """A plausible argument for `parameter` by its name and annotation (a string: postponed annotations)."""
    note = str(parameter.annotation)
    if "BaseException" in note or "Exception" in note:
        return ValueError("the cause")
    if note.startswith(("list", "Sequence", "tuple")):
        return ["first", "second"]
    if note.startswith(("dict", "Mapping")):
        return {"key": "value"}
    if "float" in note:
        return 12.5
    if note.startswith("int"):
        return 7
    if note.startswith("bool"):
        return True
    if "Path" in note:
        return Path("/tmp/some/file")
    return f"the {parameter.name}"


def _instance(kind: type[BaseException]) -> BaseException:
    signature = inspect.signature(kind.__init__)
    args: list[object] = []
    kwargs: dict[str, object] = {}
    for name, parameter in list(signature.parameters.items())[1:]:
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        value = _value(parameter)
        if parameter.kind == parameter.KEYWORD_ONLY:
            kwargs[name] = value
        else:
            args.append(value)
    return kind(*args, **kwargs)


def _through_the_pipe(error: BaseException) -> BaseException:
    return unpack(pickle.loads(pickle.dumps(pack(error))))


def _same(original: BaseException, back: BaseException) -> None:
    assert type(back) is type(original)
    assert str(back) == str(original)
    assert back.args == original.args
    assert {k: v for k, v in vars(back).items() if k != "__cause__"} == {
        k: v for k, v in vars(original).items() if k != "__cause__"
    }
    assert classify(back) == classify(original)
    assert retry_cause(back) == retry_cause(original)


def test_every_tfreview_error_is_found() -> None:
    names = {kind.__name__ for kind in TFREVIEW_ERRORS}
    assert {"InputError", "NotFound", "UpstreamError", "AuthError", "PermissionMissing", "RateLimited"} <= names
    assert {"GitHubUnavailable", "GitHubNotFound", "GitHubRejected", "ReviewProcessEnded"} <= names


@pytest.mark.parametrize("kind", TFREVIEW_ERRORS, ids=lambda kind: f"{kind.__module__}.{kind.__qualname__}")
def test_every_tfreview_error_round_trips_with_its_class_and_attributes(kind: type[BaseException]) -> None:
    original = _instance(kind)
    _same(original, _through_the_pipe(original))


@pytest.mark.parametrize(
    "original",
    [
        RateLimited("GET /repos/o/r/pulls/1: rate limited", wait_seconds=42.0, kind="secondary"),
        GitHubUnavailable("GET /repos/o/r: 502", status=502, ambiguous=True),
        GitHubRejected("POST /repos/o/r/check-runs: 422", status=422, errors=["too long"]),
        httpx.ConnectError("connection refused", request=httpx.Request("GET", "http://127.0.0.1:9/")),
        httpx.ReadTimeout("timed out", request=httpx.Request("GET", "http://127.0.0.1:9/")),
        httpx.RemoteProtocolError("peer closed connection"),
        ConnectionResetError(104, "Connection reset by peer"),
        TimeoutError("the read timed out"),
        KeyError("missing"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_the_github_clients_and_httpx_errors_round_trip(original: BaseException) -> None:
    back = _through_the_pipe(original)
    assert type(back) is type(original)
    assert str(back) == str(original)
    assert classify(back) == classify(original)
    if isinstance(original, DependencyPending):
        assert isinstance(back, DependencyPending)
        assert back.retry_after_seconds == original.retry_after_seconds
    if isinstance(original, OSError):
        assert isinstance(back, OSError)
        assert back.errno == original.errno


def test_an_http_status_error_keeps_its_class_and_message() -> None:
    request = httpx.Request("GET", "http://127.0.0.1:9/x")
    original = httpx.HTTPStatusError("server error 503", request=request, response=httpx.Response(503, request=request))
    back = _through_the_pipe(original)
    assert type(back) is httpx.HTTPStatusError
    assert str(back) == str(original)
    assert classify(back) == classify(original)


def test_the_cause_is_carried() -> None:
    try:
        try:
            raise ConnectionResetError("reset")
        except ConnectionResetError as inner:
            raise GitHubUnavailable("GET /repos/o/r: connection reset", ambiguous=False) from inner
    except GitHubUnavailable as error:
        back = _through_the_pipe(error)
    assert isinstance(back.__cause__, ConnectionResetError)
    assert str(back.__cause__) == "reset"


def test_a_class_the_worker_cannot_import_comes_back_as_its_nearest_importable_base() -> None:
    class LocalUpstreamError(UpstreamError):  # local to a function: not importable by name
        def __init__(self, message: str, *, code: int) -> None:
            self.code = code
            super().__init__(message)

    back = _through_the_pipe(LocalUpstreamError("the upstream said no", code=9))
    assert type(back) is UpstreamError
    assert str(back) == "the upstream said no"
    assert getattr(back, "code", None) == 9
    assert classify(back).permanent is False


def test_an_attribute_that_does_not_pickle_is_left_out_not_an_error_of_its_own() -> None:
    error = UpstreamError("the upstream broke")
    error.handle = lambda: None  # type: ignore[attr-defined]
    error.status = 500  # type: ignore[attr-defined]
    back = _through_the_pipe(error)
    assert type(back) is UpstreamError
    assert not hasattr(back, "handle")
    assert getattr(back, "status", None) == 500


class UnreadableMessage(Exception):
    """An error whose `__str__` raises (a library's bug, or a message built from a value that breaks)."""

    def __str__(self) -> str:
        raise RuntimeError("the message broke")


class KeywordOnly(UpstreamError):
    """Pickles (BaseException.__reduce__: class and args) but does not unpickle: its constructor wants a keyword."""

    def __init__(self, *, upstream: str) -> None:
        super().__init__(f"{upstream} said no")


def test_an_error_whose_message_cannot_be_read_is_classified_by_its_class_in_process_and_through_the_pipe() -> None:
    """Neither the worker's classification nor the review process's packing raises with it (in a review process, an
    exception out of `pack` ended the process, its traceback raw on stderr, and the attempt failed as its death)."""
    in_process = classify(UnreadableMessage())
    assert in_process.reason == "internal error: UnreadableMessage (its message could not be read)"
    back = _through_the_pipe(UnreadableMessage())
    assert type(back) is UnreadableMessage
    assert classify(back) == in_process


def test_a_value_that_pickles_but_does_not_unpickle_is_left_out_not_the_whole_answer() -> None:
    """A pickle that fails to load fails the worker's `recv` of the whole answer: the review's error replaced by an
    unrelated one ("TypeError: … missing 1 required keyword-only argument"), its healthy review process killed."""
    error = UpstreamError("the upstream broke", KeywordOnly(upstream="github"))
    error.last = KeywordOnly(upstream="github")  # type: ignore[attr-defined]
    error.status = 502  # type: ignore[attr-defined]
    back = _through_the_pipe(error)
    assert type(back) is UpstreamError
    assert str(back) == str(error)
    assert not hasattr(back, "last")
    assert getattr(back, "status", None) == 502
    assert classify(back) == classify(error)


def test_a_secret_in_an_errors_arguments_is_scrubbed_from_the_reason_as_in_process() -> None:
    canary = "ghp_" + "Zq8Xw7Vu6Ts5Rq4Po3Nm2Lk1Ji0Hg9Fe8Dc"
    error = RuntimeError(f"GET /repos/o/r answered 401 for token {canary}", canary)
    back = _through_the_pipe(error)
    assert classify(back) == classify(error)
    assert canary not in classify(back).reason
