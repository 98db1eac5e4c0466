"""The door's section of the settings (`TFREVIEW_DOOR__*`, docs/howto/abuse-limits.md)."""

from __future__ import annotations

import ipaddress

from pydantic import BaseModel, Field, field_validator

from tfreview.plumbing.secret_setting import SecretSetting

# GitHub's webhook senders ("hooks" of https://api.github.com/meta); refresh the setting when GitHub changes them
GITHUB_HOOK_NETWORKS = (
    "192.30.252.0/22",
    "185.199.108.0/22",
    "140.82.112.0/20",
    "143.55.64.0/20",
    "2a0a:a440::/29",
    "2606:50c0::/32",
)

_BROADEST_PROXY_PREFIX = {4: 8, 6: 7}  # 10.0.0.0/8 and fc00::/7: the widest networks a set of proxies lives in
# IPv6 ranges that hold IPv4 addresses: IPv4-mapped (a dual-stack listener's IPv4 peers) and NAT64's well-known prefix
_IPV4_WITHIN_IPV6 = (ipaddress.ip_network("::ffff:0:0/96"), ipaddress.ip_network("64:ff9b::/96"))


class DoorSettings(BaseModel):
    """Rate limits, load shedding, slow clients and automatic blocks."""

    rate_limits: bool = True  # refuse callers over their limit with 429 (signed webhooks are never refused)
    storage_url: SecretSetting | None = None  # unset: counts in process memory; redis://[:pw@]host:port/db: shared
    key_prefix: str = Field(default="tfreview", pattern=r"^[A-Za-z0-9_.:-]{1,64}$")  # Redis key prefix of the counts
    per_ip: str = "600/minute"  # requests per client address (webhooks, health and metrics excluded)
    per_token: str = "1200/minute"  # requests per API token (its hash)
    per_tenant: str = "3000/minute"  # signed deliveries per installation/account: counted, never refused
    trusted_proxies: list[str] = []  # networks whose X-Forwarded-For is believed, e.g. ["10.0.0.0/8"]
    shed_queue_depth: int = Field(default=5000, ge=1)  # queued jobs above which API reads and uploads get 503
    shed_oldest_age_seconds: float = Field(default=900.0, gt=0)  # oldest waiting job's age above which they get 503
    shed_retry_after_seconds: int = Field(default=30, ge=1)  # Retry-After of a 503 (shed) answer
    shed_check_seconds: float = Field(default=2.0, gt=0)  # the queue is read this often, off the request path
    shed_action_seconds: float = Field(default=300.0, gt=0)  # how long the `shed-load` alert action sheds
    block_failures: int = Field(default=20, ge=2)  # signature or auth failures from one source ...
    block_window_seconds: int = Field(default=60, ge=1)  # ... within this window block it
    block_seconds: float = Field(default=900.0, gt=0)  # the first block (15 min); each further one doubles
    block_max_seconds: float = Field(default=86400.0, gt=0)  # longest block
    block_cache_seconds: float = Field(default=5.0, ge=0)  # others' blocks seen within this + one read
    allow_list: list[str] = list(GITHUB_HOOK_NETWORKS)  # networks never blocked nor rate limited (GitHub's hooks)
    header_timeout_seconds: float = Field(default=10.0, gt=0)  # a request head not complete by then: 408, closed
    body_timeout_seconds: float = Field(default=30.0, gt=0)  # no body bytes, or an answer left unread, this long: 408
    body_min_rate_bytes: int = Field(default=500, ge=0)  # bytes/s a body must average past body_timeout_seconds: 408
    max_connections: int = Field(default=1000, ge=1)  # open connections per process; past it requests get 503
    body_bytes_in_flight: int = Field(
        default=256 * 1024 * 1024,
        ge=1024 * 1024,
        description="bytes of request bodies read at once per process (webhooks, uploads), as they arrive and past "
        "each body's first 256 KiB; a body that would pass it: 503 with Retry-After, read no further (a body alone "
        "is always read, up to its route's limit)",
    )
    waf_ip_set_arn: str | None = None  # AWS: the watchdog function writes the active IP blocks into this WAF IP set

    @field_validator("per_ip", "per_token", "per_tenant")
    @classmethod
    def _rate(cls, value: str) -> str:
        from limits import parse  # here: only a rate set in the environment is read with it (ADR 0753)

        try:
            parse(value)
        except ValueError:
            raise ValueError(f"not a rate such as '600/minute' or '10/second': {value!r}") from None
        return value

    @field_validator("trusted_proxies", "allow_list")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for text in value:
            try:
                ipaddress.ip_network(text, strict=False)
            except ValueError:
                raise ValueError(f"not an address or network: {text!r}") from None
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_not_everyone(cls, value: list[str]) -> list[str]:
        # `0.0.0.0/0` believed every client's X-Forwarded-For: any client chose the address its rate limits, blocks
        # and audit entries count under. The broadest private ranges (10.0.0.0/8, fc00::/7) are still taken.
        for text in value:
            network = ipaddress.ip_network(text, strict=False)
            prefix, version = network.prefixlen, network.version
            for holder in _IPV4_WITHIN_IPV6:  # `::ffff:0:0/96` is every IPv4 client of a dual-stack listener
                if network.version == 6 and network.overlaps(holder):
                    prefix, version = max(0, prefix - 96), 4  # `::/64` holds every one of them too
            if prefix < _BROADEST_PROXY_PREFIX[version]:
                raise ValueError(
                    f"{text} holds more than proxies: every client in it could choose its address with "
                    "X-Forwarded-For; name the proxies' own networks"
                )
        return value
