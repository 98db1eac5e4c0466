"""Secret references: every secret setting names where its value lives, and the value is kept out of sight.

A reference is `env:NAME`, `file:PATH` or `aws-sm:ARN` (AWS Secrets Manager, `aws_secrets`;
REFERENCE_KINDS is the one place a new kind is added).
`resolve_secret` turns a setting's text into its value (a reference is read; anything else is
the value itself), `check_resolvable` refuses to start with one line naming the first setting whose
reference does not resolve — never its value (issue 9 item 2).

`SecretSource` reads an API key from an environment variable or a file (a mounted Kubernetes or
Docker secret, a file a sidecar rotates). It is read lazily, re-read on `reload()` — which answers
whether the value changed, so a 401 can be followed by exactly one reload and one more try (K3) —
and it never shows its value: not in `repr`, not in `str`, not in an error message. Adapters pass
every upstream error text through `SecretSource.scrub` before it becomes part of an exception.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from tfreview.core.errors import ConfigError
from tfreview.core.redact import REDACTED, scrub_text
from tfreview.plumbing import aws_secrets

log = logging.getLogger(__name__)

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

REFERENCE_KINDS = ("env", "file", "aws-sm")
# a key, a PEM private key or a document of webhook-secret versions is a few KiB; past this it is no secret
MAX_SECRET_FILE_BYTES = 1024 * 1024


def looks_like_reference(text: str) -> bool:
    """`env:…`, `file:…` or `aws-sm:…`: the text names where a secret lives (and must resolve), it is not the secret."""
    kind, separator, _ = text.partition(":")
    return bool(separator) and kind in REFERENCE_KINDS


def resolve_secret(text: str) -> str:
    """The secret a setting holds: a reference read now (ConfigError naming the source when it cannot be),
    or the text itself when it is not a reference."""
    return SecretSource.parse(text).value() if looks_like_reference(text) else text


def resolved_secret_field(value: object) -> object:
    """A pydantic `mode="before"` validator body for a SecretStr setting: a reference (`env:NAME`,
    `file:PATH`, `aws-sm:ARN`) becomes its value when the settings are built; one that does not resolve is a ValueError
    (a settings error: the service refuses to start). The value is handed on as a plain string, which SecretStr
    takes in JSON mode too (a versions document is validated as JSON: a SecretStr there was 'not a valid string')."""
    from pydantic import SecretStr

    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    if isinstance(text, str) and not text.strip():
        # unset is None; a blank value (compose's `${UNSET}`) would be taken as the key itself: a /metrics token
        # of " " let `Authorization: Bearer  ` in. Never the value in the message, though blank says little.
        raise ValueError("the secret is empty (blank): unset it, or give the secret, env:NAME, file:PATH or aws-sm:ARN")
    if not isinstance(text, str) or not looks_like_reference(text):
        return value
    try:
        return resolve_secret(text)
    except ConfigError as error:
        raise ValueError(str(error)) from None


def check_resolvable(sources: Iterable[tuple[str, SecretSource]]) -> None:
    """Refuse to start (ConfigError, one line) when a configured secret reference cannot be read."""
    for setting, source in sources:
        try:
            source.value()
        except ConfigError as error:
            raise ConfigError(f"refusing to start: {setting}: {error}") from None


# fragments of a key this long or longer are removed from upstream messages ("Incorrect API key provided: sk-pr***3xYz")
_MIN_FRAGMENT = 6


class SecretSource:
    """One credential: `env` names an environment variable, `path` a file holding the value (stripped),
    `arn` an AWS Secrets Manager secret (`ARN` or `ARN#field`)."""

    __slots__ = ("_arn", "_env", "_environ", "_fingerprint", "_path", "_previous", "_value")

    def __init__(
        self,
        *,
        env: str | None = None,
        path: str | Path | None = None,
        arn: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        if sum(where is not None for where in (env, path, arn)) != 1:
            raise ConfigError(
                "a credential comes from exactly one of: an environment variable, a file, AWS Secrets Manager"
            )
        if arn is not None:
            aws_secrets.parse_arn(arn)
        self._env = env
        self._arn = arn
        self._path = Path(path) if path is not None else None
        self._environ: Mapping[str, str] = os.environ if environ is None else environ
        self._value: str | None = None
        self._previous: str | None = None
        self._fingerprint = b""

    @classmethod
    def from_env(cls, name: str, *, environ: Mapping[str, str] | None = None) -> SecretSource:
        return cls(env=name, environ=environ)

    @classmethod
    def from_file(cls, path: str | Path) -> SecretSource:
        return cls(path=path)

    @classmethod
    def parse(cls, spec: str) -> SecretSource:
        """`env:NAME`, `file:/run/secrets/key` or `aws-sm:ARN[#field]`: the form of settings and `.tfreview.toml`."""
        kind, _, where = spec.partition(":")
        if kind == "env" and _ENV_NAME.fullmatch(where):
            return cls(env=where)
        if kind == "file" and where:
            return cls(path=where)
        if kind == "aws-sm":
            return cls(arn=where)
        raise ConfigError("a credential source is written env:NAME, file:PATH or aws-sm:ARN")

    @property
    def kind(self) -> str:
        """`env`, `file` or `aws-sm`: the kind of reference (for `secrets status`)."""
        return "env" if self._env is not None else "file" if self._path is not None else "aws-sm"

    @property
    def variable(self) -> str | None:
        """The environment variable an `env:NAME` reference reads (None for a file or AWS): a review process gets
        it through its pipe, not its environment (ADR 0740)."""
        return self._env

    @property
    def origin(self) -> str:
        """Where the value comes from, fit for a message: `env OPENAI_API_KEY`, `file /run/secrets/key`."""
        if self._env is not None:
            return f"env {self._env}"
        return f"file {self._path}" if self._path is not None else f"aws-sm {self._arn}"

    def __repr__(self) -> str:
        return f"SecretSource({self.origin})"

    __str__ = __repr__

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a SecretSource is not serialisable")

    def value(self) -> str:
        """The credential itself; read on first use. Raises ConfigError (naming the source, never the value)."""
        if self._value is None:
            self._store(self._read())
        assert self._value is not None  # set by _store just above
        return self._value

    def reload(self) -> bool:
        """Re-read the source; True when the value changed. An unreadable source keeps the old value."""
        try:
            fresh = self._read()
        except ConfigError as error:
            log.warning("credential reload failed: %s", error)
            return False
        changed = self._value is None or not hmac.compare_digest(self._fingerprint, _fingerprint(fresh))
        if changed:
            self._store(fresh)
        return changed

    def scrub(self, text: str) -> str:
        """`text` without this credential (current or previous value, or any long fragment of one) or secret shapes."""
        return scrub_text(self.without(text))

    def without(self, text: str, *, shortest: int = _MIN_FRAGMENT) -> str:
        """`text` without this credential (current or previous value, or any fragment of one `shortest` characters
        or longer), all else kept: for an upstream's answer that is still to be parsed (a JSON document keeps its
        shape)."""
        for secret in (self._value, self._previous):
            if secret:
                text = _remove_fragments(text, secret, shortest)
        return text

    def _store(self, value: str) -> None:
        if self._value is not None:
            self._previous = self._value
        self._value = value
        self._fingerprint = _fingerprint(value)

    def _read(self) -> str:
        if self._env is not None:
            raw = self._environ.get(self._env)
            if raw is None:
                raise ConfigError(f"credential {self.origin} is not set")
        elif self._arn is not None:
            raw = aws_secrets.read_secret(*aws_secrets.parse_arn(self._arn))
        else:
            assert self._path is not None  # the constructor guarantees one of env and path
            try:
                with self._path.open("rb") as stream:  # bounded: `file:/dev/zero` was read until the memory ran out
                    data = stream.read(MAX_SECRET_FILE_BYTES + 1)
            except OSError as error:
                raise ConfigError(f"credential {self.origin} cannot be read: {error.strerror}") from None
            if len(data) > MAX_SECRET_FILE_BYTES:
                raise ConfigError(f"credential {self.origin} is larger than {MAX_SECRET_FILE_BYTES // 1024} KiB")
            try:
                raw = data.decode("utf-8")
            except UnicodeDecodeError:
                raise ConfigError(f"credential {self.origin} is not UTF-8 text") from None
        value = raw.strip()
        if not value:
            raise ConfigError(f"credential {self.origin} is empty")
        return value


def _fingerprint(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8")).digest()


def _remove_fragments(text: str, secret: str, shortest: int = _MIN_FRAGMENT) -> str:
    """Replace `secret` and every run of `shortest` characters or more of it found in `text`.

    One pass over `text`, whatever the length of `secret`: a run starts where one of the secret's
    `shortest`-character windows does and is stretched while it is still part of the secret. (The search of
    every substring of the secret in turn cost len(secret)²/2 searches of `text`: minutes for a session token
    over a 1 MB upstream answer.)"""
    if len(secret) < shortest:
        # a key this short is a placeholder a local server takes (`EMPTY`, `ollama`, `x`): removed where it stands
        # alone, not from inside the words that hold it ("example" keeps its `x`, "nonempty" its `none`)
        return _standalone(secret).sub(REDACTED, text) if secret in text else text
    if secret in text:
        text = text.replace(secret, REDACTED)
    windows = {secret[start : start + shortest] for start in range(len(secret) - shortest + 1)}
    firsts = {window[0] for window in windows}
    kept: list[str] = []
    copied = at = 0
    last = len(text) - shortest
    while at <= last:
        if text[at] not in firsts or text[at : at + shortest] not in windows:
            at += 1
            continue
        end = at + shortest
        while end < len(text) and text[at : end + 1] in secret:
            end += 1
        kept += (text[copied:at], REDACTED)
        copied = at = end
    if not kept:
        return text
    kept.append(text[copied:])
    return "".join(kept)


def _standalone(secret: str) -> re.Pattern[str]:
    """`secret` where no letter or digit touches it on either side (compiled per call, never cached: a module-level
    cache would keep the secret after a rotation drops it)."""
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])")
