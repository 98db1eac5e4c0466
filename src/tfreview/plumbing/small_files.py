"""Small files named on the command line (`--config`, `--baseline`), read with a bound.

`Path.read_text` reads until the end: `--config /dev/zero` grew until a MemoryError (exit 3), `--baseline
/dev/urandom` never ended. A pipe (`--config <(…)`) or a device is read like a file, up to the bound (ADR 0497).
"""

from __future__ import annotations

from pathlib import Path

from tfreview.core.errors import ConfigError


def read_small_text(path: Path, limit: int, what: str) -> str:
    """The UTF-8 text of `path`, at most `limit` bytes; ConfigError past it (`what` names the file's kind).
    OSError and UnicodeDecodeError are the caller's, as `Path.read_text`'s were."""
    with path.open("rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise ConfigError(f"larger than {limit // (1024 * 1024)} MiB; not {what}", path=str(path))
    return data.decode("utf-8")
