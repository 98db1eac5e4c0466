"""The cyclic collector while a service process starts (ADR 0752).

A service command's start-up imports FastAPI, SQLAlchemy, pydantic and ~700 modules of ours, and builds the
services: ~140,000 tracked objects, nearly none of them garbage. Each collector pass walks the young ones and every
full pass the whole heap grown so far: ~0.3 s of the ~2 s of CPU that `serve` took to its first /healthz (r25-start).
Reference counting frees what the start-up drops; its few cycles are collected once it ends.

`pause()` (stdlib only: called by the CLI before a service command parses and imports) switches collection off;
`settle()` — `serve` once it listens, `worker` once its threads run — collects once, freezes what is built (it lives
as long as the process: ADR 0450, 0474) and switches collection on; `resume()` switches it on without the freeze
(a one-shot command about to walk data: a backup, an audit, a reconcile). Both act only after `pause()`: a caller
that runs a command in its own process (a test, a wrapper) keeps its collector as it was.
"""

from __future__ import annotations

import gc


class _Paused:
    """Whether this module switched collection off (and so may switch it on)."""

    def __init__(self) -> None:
        self.by_us = False


_PAUSED = _Paused()


def pause() -> None:
    """Collection off until `settle()` or `resume()`; nothing when it is already off (the caller's choice)."""
    if gc.isenabled():
        gc.disable()
        _PAUSED.by_us = True


def resume() -> None:
    """Collection on again, when `pause()` switched it off."""
    if _PAUSED.by_us:
        _PAUSED.by_us = False
        gc.enable()


def settle() -> None:
    """A long-running process is built: its start-up garbage collected, what it built frozen, collection on."""
    if not _PAUSED.by_us:
        return
    gc.collect()  # garbage left by the start-up would be frozen with it and never freed (ADR 0474)
    gc.freeze()
    resume()


def paused() -> bool:
    """Whether collection is off by `pause()` (the CLI switches it on when a command returns)."""
    return _PAUSED.by_us
