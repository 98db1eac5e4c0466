"""An error raised in a review process, carried over its pipe and raised again in the worker (ADR 0689).

Plain pickling loses what `worker.errors.classify` and the runner read: an exception whose `__init__` takes
keyword-only arguments (GitHub's `RateLimited`, `GitHubRejected`, core's `AuthError`…) is rebuilt by pickle with
its positional `args` alone and fails, or comes back without its attributes. `pack` keeps the class by name, the
`args`, the instance's attributes that pickle, and the cause (`raise … from`); `unpack` rebuilds an instance of
the same class with the same attributes and the same message — by its constructor when that accepts the `args`,
else without it — or, for a class the worker cannot import (a class local to a function), of its nearest
importable base, still with the message and attributes. What does not pickle — or pickles but does not load again
(an error held in an argument whose constructor wants keywords: it would fail the worker's read of the whole
answer) — is left out, never an error of its own; nor is a message whose `__str__` raises (ADR 0699).
"""

from __future__ import annotations

import importlib
import pickle
from dataclasses import dataclass

from tfreview.worker.errors import message_of

CAUSE_DEPTH = 3  # causes carried (`raise … from` chains are short: a translated vendor error, its own cause)


@dataclass(frozen=True, slots=True)
class PackedError:
    classes: tuple[tuple[str, str], ...]  # (module, qualname) of the class, then of each base (the fallbacks)
    args: tuple[object, ...]
    state: dict[str, object]  # the instance's attributes that pickle
    text: str | None  # str() of the error, for a fallback whose args were dropped; None: its __str__ raised
    cause: PackedError | None = None


def pack(error: BaseException, depth: int = 0) -> PackedError:
    """`error` as data that pickles (see the module docstring)."""
    classes = tuple(
        (kind.__module__, kind.__qualname__) for kind in type(error).__mro__ if issubclass(kind, BaseException)
    )
    text = message_of(error)
    args = error.args if _pickles(error.args) else (() if text is None else (text,))
    attributes = vars(error) if hasattr(error, "__dict__") else {}
    state = {name: value for name, value in attributes.items() if _pickles(value)}
    cause = error.__cause__
    packed_cause = pack(cause, depth + 1) if cause is not None and depth < CAUSE_DEPTH else None
    return PackedError(classes, tuple(args), state, text, packed_cause)


def unpack(packed: PackedError) -> BaseException:
    """The error `packed` describes, raised again as it was raised in the review process."""
    error = _rebuilt(packed)
    if packed.cause is not None:
        error.__cause__ = unpack(packed.cause)
    return error


def _rebuilt(packed: PackedError) -> BaseException:
    for position, (module, qualname) in enumerate(packed.classes):
        kind = _importable(module, qualname)
        if kind is None:
            continue
        args = packed.args if position == 0 else (() if packed.text is None else (packed.text,))
        error = _constructed(kind, args)
        if error is None or message_of(error) != packed.text:  # a constructor that builds its message from its args
            error = kind.__new__(kind)
            error.args = args
        for name, value in packed.state.items():
            try:
                setattr(error, name, value)
            except (AttributeError, TypeError):  # a read-only attribute of a builtin error: its args carry it
                continue
        return error
    return RuntimeError(packed.text or "")  # BaseException itself always imports; kept for the type checker


def _constructed(kind: type[BaseException], args: tuple[object, ...]) -> BaseException | None:
    try:
        return kind(*args)
    except Exception:  # a constructor that wants keyword arguments: rebuilt without it
        return None


def _importable(module: str, qualname: str) -> type[BaseException] | None:
    if "<" in qualname:  # a class local to a function: not importable
        return None
    try:
        found: object = importlib.import_module(module)
        for part in qualname.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError):
        return None
    if isinstance(found, type) and issubclass(found, BaseException):
        return found
    return None


def _pickles(value: object) -> bool:
    """Whether `value` pickles and loads again (the worker loads the whole answer at once)."""
    try:
        pickle.loads(pickle.dumps(value))
    except Exception:  # any object can refuse pickling, or loading, in its own way
        return False
    return True
