"""What every provider adapter relies on: the secret source (K3, S2) and Retry-After parsing (L1)."""

from __future__ import annotations

import logging
import pickle
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tfreview.core.errors import ConfigError
from tfreview.plumbing.http import parse_retry_after
from tfreview.plumbing.secret_references import SecretSource

CANARY = "sk-CANARY-9f8e7d6c5b4a39281706f5e4d3c2b1a0"


def test_a_file_source_is_read_lazily_stripped_and_re_read_only_when_changed(tmp_path: Path) -> None:
    path = tmp_path / "key"
    source = SecretSource.from_file(path)  # the file may appear after start-up
    path.write_text("  first-key\n", encoding="utf-8")

    assert source.value() == "first-key"
    assert source.reload() is False
    path.write_text("second-key\n", encoding="utf-8")
    assert source.reload() is True
    assert source.value() == "second-key"


def test_an_env_source_reads_the_mapping_it_was_given() -> None:
    environ = {"OPENAI_API_KEY": "one"}
    source = SecretSource.from_env("OPENAI_API_KEY", environ=environ)

    assert source.value() == "one"
    environ["OPENAI_API_KEY"] = "two"
    assert source.value() == "one"  # not re-read until asked
    assert source.reload() is True
    assert source.value() == "two"


def test_an_unreadable_source_on_reload_keeps_the_last_good_value(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "key"
    path.write_text(CANARY, encoding="utf-8")
    source = SecretSource.from_file(path)
    assert source.value() == CANARY
    path.unlink()

    assert source.reload() is False
    assert source.value() == CANARY
    assert "cannot be read" in caplog.text
    assert CANARY not in caplog.text


@pytest.mark.parametrize(("environ", "message"), [({}, "is not set"), ({"K": "  \n"}, "is empty")])
def test_a_missing_or_empty_credential_names_its_source(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=f"credential env K {message}"):
        SecretSource.from_env("K", environ=environ).value()


def test_specs_from_settings() -> None:
    assert repr(SecretSource.parse("env:ANTHROPIC_API_KEY")) == "SecretSource(env ANTHROPIC_API_KEY)"
    assert repr(SecretSource.parse("file:/run/secrets/openai")) == "SecretSource(file /run/secrets/openai)"
    with pytest.raises(ConfigError):
        SecretSource.parse(CANARY)


def test_s2_the_value_is_never_shown(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "key"
    path.write_text(CANARY, encoding="utf-8")
    source = SecretSource.from_file(path)
    source.value()
    logging.getLogger("test").info("using %s and %r", source, source)

    for text in (repr(source), str(source), f"{source}", caplog.text):
        assert CANARY not in text
    with pytest.raises(TypeError):
        pickle.dumps(source)


def test_scrub_removes_the_key_its_fragments_and_the_previous_key(tmp_path: Path) -> None:
    path = tmp_path / "key"
    path.write_text(CANARY, encoding="utf-8")
    source = SecretSource.from_file(path)
    source.value()
    path.write_text("sk-NEW-0123456789abcdef0123456789abcdef", encoding="utf-8")
    source.reload()

    text = source.scrub(f"old {CANARY}, shown as {CANARY[:10]}***{CANARY[-6:]}; new {source.value()}")

    assert CANARY[:10] not in text
    assert CANARY[-6:] not in text
    assert source.value() not in text
    assert text.startswith("old (redacted), shown as ")


NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after": "7"}, 7.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after": "Sat, 01 Mar 2025 12:00:07 GMT"}, 7.0),
        ({"retry-after": "Sat, 01 Mar 2025 11:59:00 GMT"}, 0.0),  # in the past: no wait
        ({"retry-after": "-3"}, 0.0),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),  # OpenAI's finer header wins
        ({"retry-after": "soon"}, None),
        ({"retry-after": "nan"}, None),
        ({}, None),
    ],
)
def test_retry_after_in_seconds_or_as_an_http_date(headers: dict[str, str], seconds: float | None) -> None:
    assert parse_retry_after(headers, lambda: NOW) == seconds


class _CountingText(str):
    """A text that counts the substring searches made over it (the cost of scrubbing a large upstream answer)."""

    searches = 0

    def __contains__(self, part: object) -> bool:
        _CountingText.searches += 1
        return super().__contains__(part)  # type: ignore[operator]  # str's own search

    def replace(self, old: str, new: str, count: int = -1) -> str:  # type: ignore[override]  # same signature
        _CountingText.searches += 1
        return _CountingText(super().replace(old, new, count))


@pytest.mark.parametrize("length", [40, 800])
def test_scrubbing_a_large_answer_searches_it_a_bounded_number_of_times(tmp_path: Path, length: int) -> None:
    """A hostile upstream answers 1 MB; the credential is a Bedrock session token (~800 characters) or a key: the
    answer is searched a fixed number of times, not once per fragment of the credential (800²/2 searches of 1 MB
    held a worker for minutes)."""
    secret = "".join(chr(0x41 + (i * 7919) % 26) + str(i % 10) for i in range(length // 2))
    path = tmp_path / "key"
    path.write_text(secret, encoding="utf-8")
    source = SecretSource.from_file(path)
    source.value()
    _CountingText.searches = 0
    text = _CountingText("x" * 1_000 + secret[5:37] + "y" * 1_000 + secret + "z")

    scrubbed = source.without(text)

    assert _CountingText.searches <= 2
    assert scrubbed == "x" * 1_000 + "(redacted)" + "y" * 1_000 + "(redacted)z"


def test_without_leaves_no_six_characters_of_the_key_in_a_row(tmp_path: Path) -> None:
    path = tmp_path / "key"
    path.write_text(CANARY, encoding="utf-8")
    source = SecretSource.from_file(path)
    source.value()
    pieces = [CANARY[i : i + size] for size in (6, 7, 11, 20) for i in range(0, len(CANARY) - size, 3)]
    text = " | ".join(pieces) + " " + CANARY[::-1] + " " + CANARY[3:9] + CANARY[20:30]

    scrubbed = source.without(text)

    for i in range(len(CANARY) - 5):
        assert CANARY[i : i + 6] not in scrubbed
    assert scrubbed.count(" | ") == len(pieces) - 1  # the text around the fragments is kept


@pytest.mark.parametrize("key", ["x", "EMPTY", "ollama", "none"])
def test_a_placeholder_key_leaves_the_words_that_hold_it(key: str) -> None:
    """A local server's placeholder key (vLLM documents `EMPTY`, Ollama `ollama`) is shorter than any fragment the
    answer is searched for: it is removed where it stands alone, not from inside other words of the model's answer
    (`x` turned "example" into "e(redacted)ample")."""
    source = SecretSource.from_env("KEY", environ={"KEY": key})
    source.value()
    text = "An example: nonempty, llamas and xray ollama2 are kept; none EMPTY ollama x are not."

    scrubbed = source.without(text, shortest=12)

    assert text.count(f" {key} ") == 1
    assert scrubbed == text.replace(f" {key} ", " (redacted) ")
    assert source.scrub(f"Incorrect API key provided: {key}.") == "Incorrect API key provided: (redacted)."
