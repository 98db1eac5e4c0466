"""The block list into the WAF IP set (tfreview.store.aws.waf), against a local AWS endpoint (moto, server mode)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.fakes.aws_store import DUMMY_CREDENTIALS, SerialMoto
from tfreview.core.errors import ConfigError, UpstreamError
from tfreview.door.settings import DoorSettings
from tfreview.lambda_handlers.waf_sync import sync_blocks
from tfreview.ports.blocks import Block
from tfreview.settings import Settings
from tfreview.store.aws.waf import WafIpSetSync, block_cidrs, ip_set_ref
from tfreview.wiring import build_memory_services

NOW = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def moto() -> Iterator[SerialMoto]:
    for name, value in DUMMY_CREDENTIALS.items():
        os.environ.setdefault(name, value)
    server = SerialMoto()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def ip_set_arn(moto: SerialMoto) -> str:
    import boto3

    waf = boto3.client("wafv2", region_name="us-east-1", endpoint_url=moto.endpoint_url)
    created = waf.create_ip_set(Name="tfreview-blocked", Scope="CLOUDFRONT", IPAddressVersion="IPV4", Addresses=[])
    return str(created["Summary"]["ARN"])


def block(source: str, kind: str = "ip") -> Block:
    return Block(source, kind, "25 signature failures in 60 s", "auto", NOW, NOW + timedelta(minutes=5), 1)  # type: ignore[arg-type]


def addresses(moto: SerialMoto, arn: str) -> list[str]:
    import boto3

    ref = ip_set_ref(arn)
    waf = boto3.client("wafv2", region_name=ref.region, endpoint_url=moto.endpoint_url)
    return sorted(waf.get_ip_set(Name=ref.name, Scope=ref.scope, Id=ref.id)["IPSet"]["Addresses"])


def test_ip_blocks_become_ipv4_cidrs_and_the_rest_is_left_to_the_door() -> None:
    blocks = [block("ip:203.0.113.9"), block("ip:2001:db8::1"), block("token:0123456789abcdef", "token"), block("ip:x")]
    assert block_cidrs(blocks) == ["203.0.113.9/32"]


def test_the_arn_names_the_set_and_its_scope() -> None:
    ref = ip_set_ref("arn:aws:wafv2:us-east-1:123456789012:global/ipset/tfreview-blocked/abc-123")
    assert (ref.name, ref.id, ref.scope, ref.region) == ("tfreview-blocked", "abc-123", "CLOUDFRONT", "us-east-1")
    with pytest.raises(ConfigError, match="not a WAF IP set ARN"):
        ip_set_ref("arn:aws:sqs:us-east-1:123456789012:tfreview")


def test_sync_writes_only_what_changed(moto: SerialMoto, ip_set_arn: str) -> None:
    sync = WafIpSetSync(ip_set_arn, endpoint_url=moto.endpoint_url)
    assert sync.sync(["203.0.113.9/32", "198.51.100.7/32"]) is True
    assert addresses(moto, ip_set_arn) == ["198.51.100.7/32", "203.0.113.9/32"]
    assert sync.sync(["198.51.100.7/32", "203.0.113.9/32"]) is False  # the same set: no write
    assert sync.sync([]) is True  # the blocks expired: the set empties
    assert addresses(moto, ip_set_arn) == []


def test_a_missing_set_is_an_upstream_error_naming_it(moto: SerialMoto) -> None:
    arn = "arn:aws:wafv2:us-east-1:123456789012:global/ipset/gone/00000000-0000-0000-0000-000000000000"
    with pytest.raises(UpstreamError, match="WAF IP set gone: WAFNonexistentItemException"):
        WafIpSetSync(arn, endpoint_url=moto.endpoint_url).sync(["203.0.113.9/32"])


def test_the_watchdog_writes_the_door_s_active_blocks(moto: SerialMoto, ip_set_arn: str) -> None:
    settings = Settings(door=DoorSettings(waf_ip_set_arn=ip_set_arn))
    built = build_memory_services(settings, clock=lambda: NOW)
    assert built.door is not None
    built.door.guard.store.put(block("ip:203.0.113.9"))
    expired = dataclasses.replace(block("ip:192.0.2.1"), expires_at=NOW - timedelta(seconds=1))
    built.door.guard.store.put(expired)

    def make(arn: str) -> WafIpSetSync:
        return WafIpSetSync(arn, endpoint_url=moto.endpoint_url)

    assert sync_blocks(built, make) == 1
    assert addresses(moto, ip_set_arn) == ["203.0.113.9/32"]
    gone = "arn:aws:wafv2:us-east-1:123456789012:global/ipset/gone/00000000-0000-0000-0000-000000000000"
    broken = build_memory_services(Settings(door=DoorSettings(waf_ip_set_arn=gone)), clock=lambda: NOW)
    assert sync_blocks(broken, make) is None  # logged, retried next minute; the watchdog goes on
    assert sync_blocks(build_memory_services(clock=lambda: NOW), make) is None  # not configured
