"""Every numeric setting at its bounds: nan, inf, a duration no thread can wait, zero and negatives where they mean
nothing. One line naming the variable, exit 2, no traceback, no value, nothing created."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from tfreview.cli import main
from tfreview.settings import Settings


def _numeric(model: type[BaseModel], prefix: str = "TFREVIEW_") -> Iterator[tuple[str, object]]:
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if typing.get_origin(annotation) in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = members[0] if len(members) == 1 else None
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _numeric(annotation, prefix + name.upper() + "__")
        elif annotation in (int, float):
            yield prefix + name.upper(), annotation


FLOATS = [name for name, kind in _numeric(Settings) if kind is float]
DURATIONS = [name for name, _ in _numeric(Settings) if name.endswith("_SECONDS")]


def _refused(
    name: str,
    value: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    named: str | None = None,
) -> str:
    monkeypatch.setenv(name, value)
    code = main(["db", "upgrade", "--data-dir", str(tmp_path / "data")])
    captured = capsys.readouterr()
    assert code == 2, captured.err
    line = captured.err.strip()
    assert len(line.splitlines()) == 1
    assert line.startswith("tfreview: error: invalid settings: ")
    assert (named or name) in line
    assert "Traceback" not in line
    assert not (tmp_path / "data").exists()
    return line


def test_the_walk_finds_the_numeric_settings() -> None:
    assert {"TFREVIEW_DOOR__SHED_OLDEST_AGE_SECONDS", "TFREVIEW_DATABASE__CONNECT_TIMEOUT_SECONDS"} <= set(FLOATS)
    assert "TFREVIEW_SPACELIFT__TIMESTAMP_TOLERANCE_SECONDS" in DURATIONS


@pytest.mark.parametrize("name", FLOATS)
@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_no_float_setting_takes_nan_or_inf(
    name: str, value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _refused(name, value, tmp_path, monkeypatch, capsys)


@pytest.mark.parametrize("name", DURATIONS)
def test_no_duration_is_longer_than_a_thread_can_wait(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _refused(name, "10000000000", tmp_path, monkeypatch, capsys)
    assert "10000000000" not in line


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TFREVIEW_DATABASE__POOL_SIZE", "0"),  # SQLAlchemy: no limit at all on PostgreSQL connections
        ("TFREVIEW_DATABASE__POOL_SIZE", "-1"),
        ("TFREVIEW_DATABASE__CONNECT_TIMEOUT_SECONDS", "0"),
        ("TFREVIEW_DATABASE__CONNECT_TIMEOUT_SECONDS", "-1"),
        ("TFREVIEW_GITHUB__MAX_BODY_BYTES", "0"),  # every delivery 413
        ("TFREVIEW_GITHUB__MAX_BODY_BYTES", "-1"),
        ("TFREVIEW_SPACELIFT__MAX_BODY_BYTES", "0"),
        ("TFREVIEW_SPACELIFT__TIMESTAMP_TOLERANCE_SECONDS", "0"),  # every notification refused as a replay
        ("TFREVIEW_SPACELIFT__TIMESTAMP_TOLERANCE_SECONDS", "-1"),
        ("TFREVIEW_API__MAX_UPLOAD_BYTES", "0"),
        ("TFREVIEW_API__MAX_UPLOAD_BYTES", "-5"),
        ("TFREVIEW_API__PAGE_SIZE_MAX", "0"),
        ("TFREVIEW_API__PAGE_SIZE_MAX", "-1"),
        ("TFREVIEW_AUTH__LEEWAY_SECONDS", "-1"),
        ("TFREVIEW_SLO__TIME_TO_REVIEW_SECONDS", "0"),
        ("TFREVIEW_SLO__RULES_LATENCY_SECONDS", "-1"),
        ("TFREVIEW_GITHUB_APP__APP_ID", "0"),
        ("TFREVIEW_GITHUB_APP__APP_ID", "-1"),
        ("TFREVIEW_SERVER__PORT", "-1"),
        ("TFREVIEW_SERVER__PORT", "65536"),
        ("TFREVIEW_DATABASE__POOL_SIZE", "99999999999999999999"),
    ],
)
def test_a_number_that_means_nothing_for_its_setting_is_refused(
    name: str,
    value: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _refused(name, value, tmp_path, monkeypatch, capsys)


@pytest.mark.parametrize(
    ("name", "value", "extra"),
    [
        ("TFREVIEW_SERVER__PUBLIC_URL", "tfreview.example.com", {}),  # links in every comment would be relative
        ("TFREVIEW_SERVER__PUBLIC_URL", "", {}),
        ("TFREVIEW_SERVER__PUBLIC_URL", "ftp://tfreview.example.com", {}),
        ("TFREVIEW_SERVER__PUBLIC_URL", "https://", {}),
        ("TFREVIEW_NOTIFY__PAGERDUTY__EVENTS_URL", "events.pagerduty.com/v2/enqueue", {}),
        ("TFREVIEW_NOTIFY__WEBHOOK__URL", "hooks.example.com/tfreview", {"TFREVIEW_NOTIFY__WEBHOOK__SECRET": "s3cr3t"}),
        ("TFREVIEW_NOTIFY__SLACK__WEBHOOK_URL", "hooks.slack.com/services/T0/B0/canary-slack-path", {}),
        ("TFREVIEW_NOTIFY__SNS__ENDPOINT_URL", "sns.eu-west-1.amazonaws.com", {}),
        # the jobs would go into the SQL database's own table, and nothing would say the SQS queue is unused
        ("TFREVIEW_QUEUE__URL", "sqs://tfreview-jobs", {}),
    ],
)
def test_a_url_setting_without_its_scheme_or_one_that_would_be_ignored_is_refused(
    name: str,
    value: str,
    extra: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for other, text in extra.items():
        monkeypatch.setenv(other, text)
    line = _refused(name, value, tmp_path, monkeypatch, capsys)
    assert "canary-slack-path" not in line


@pytest.mark.parametrize("networks", ['["0.0.0.0/0"]', '["10.0.0.0/8", "::/0"]', '["0.0.0.0/1", "128.0.0.0/1"]'])
def test_trusting_every_address_as_a_proxy_is_refused(
    networks: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # any client could then choose the address its rate limits, blocks and audit entries are counted under
    line = _refused("TFREVIEW_DOOR__TRUSTED_PROXIES", networks, tmp_path, monkeypatch, capsys)
    assert "X-Forwarded-For" in line


@pytest.mark.parametrize("name", ["TFREVIEW_METRICS__TOKEN", "TFREVIEW_GITHUB__WEBHOOK_SECRETS_FROM"])
def test_a_secret_file_larger_than_any_secret_is_refused_not_read_whole(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `file:/dev/zero` (or a log file named by mistake) was read until the memory ran out
    big = tmp_path / "not-a-secret"
    big.write_bytes(b"canary" * (400 * 1024))  # 2.4 MB
    # a versions document is checked by its section: the line names `webhook_secrets_from`
    named = "webhook_secrets_from" if name.endswith("_FROM") else name
    line = _refused(name, f"file:{big}", tmp_path, monkeypatch, capsys, named=named)
    assert "canary" not in line.replace(str(big), "")


@pytest.mark.parametrize("content", [b"s3cret-token\n", b"s3cret-token\r\n", b"  s3cret-token \r\n\n"])
def test_a_secret_file_s_line_ending_is_not_part_of_the_secret(content: bytes, tmp_path: Path) -> None:
    from tfreview.plumbing.secret_references import resolve_secret

    path = tmp_path / "token"
    path.write_bytes(content)
    link = tmp_path / "link"  # a Kubernetes secret volume is a symlink farm
    link.symlink_to(path)
    assert resolve_secret(f"file:{path}") == resolve_secret(f"file:{link}") == "s3cret-token"


def test_a_secret_file_that_is_not_text_is_refused_by_its_source(tmp_path: Path) -> None:
    from tfreview.core.errors import ConfigError
    from tfreview.plumbing.secret_references import SecretSource

    path = tmp_path / "binary"
    path.write_bytes(b"\xff\xfecanary")
    with pytest.raises(ConfigError, match="is not UTF-8 text") as raised:
        SecretSource.parse(f"file:{path}").value()
    assert "canary" not in str(raised.value).replace(str(path), "")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        # SQLite's busy_timeout is a 32-bit count of milliseconds: past it SQLite kept 0 and the service refused to
        # start saying "busy_timeout is 0 ms, must be at least 5000 ms" of a value a person had set huge
        ("TFREVIEW_DATABASE__BUSY_TIMEOUT_MS", "2147483648"),
        # "unlimited" written as a huge number: past a 64-bit integer SQLite's token budget could not bind it, so
        # every review's AI part failed "the token budget could not be read" and was put off, day after day
        ("TFREVIEW_ADVISOR__DAILY_TOKENS_PER_TENANT", "99999999999999999999"),
        ("TFREVIEW_API__MAX_UPLOAD_BYTES", "99999999999999999999"),  # any whole number past 64 bits
    ],
)
def test_a_whole_number_past_what_its_store_or_system_call_holds_is_refused(
    name: str, value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _refused(name, value, tmp_path, monkeypatch, capsys)
    assert value not in line


@pytest.mark.parametrize(
    "networks", ['["::ffff:0:0/96"]', '["::ffff:0.0.0.0/97"]', '["64:ff9b::/96"]', '["::/64"]', '["::/8"]']
)
def test_every_ipv4_address_written_as_ipv6_is_refused_as_a_proxy_too(
    networks: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # on a dual-stack listener (`serve --host ::`) every IPv4 client's peer is `::ffff:a.b.c.d`: a /96 of those is
    # 0.0.0.0/0 and passed the /7 bound of IPv6 networks
    line = _refused("TFREVIEW_DOOR__TRUSTED_PROXIES", networks, tmp_path, monkeypatch, capsys)
    assert "X-Forwarded-For" in line


def test_the_proxies_own_ipv4_network_written_as_ipv6_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    from tfreview.door.settings import DoorSettings

    assert DoorSettings(trusted_proxies=["::ffff:10.0.0.0/104", "fd00::/8"]).trusted_proxies
