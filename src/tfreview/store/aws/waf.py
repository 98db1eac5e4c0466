"""The WAF IP set the block list feeds (deploy/aws: `aws_wafv2_ip_set.synced`, docs/adr/0191).

The watchdog function writes the active IP blocks into it once a minute, so the edge refuses a blocked address
before it reaches API Gateway. IPv4 only (the set is IPV4; an IPv6 block stays with the app's door); token blocks
have no address. A write races other writers through WAF's lock token: on WAFOptimisticLockException the set is
read again and the write retried (3 tries).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tfreview.core.errors import ConfigError, UpstreamError
from tfreview.ports.blocks import Block

_ARN = re.compile(
    r"arn:aws[a-z-]*:wafv2:(?P<region>[a-z0-9-]+):\d{12}:(?P<where>global|regional)/ipset/(?P<name>[^/]+)/(?P<id>[^/]+)"
)
TRIES = 3


@dataclass(frozen=True, slots=True)
class IpSetRef:
    name: str
    id: str
    scope: str  # CLOUDFRONT (global, in us-east-1) or REGIONAL
    region: str


def ip_set_ref(arn: str) -> IpSetRef:
    found = _ARN.fullmatch(arn)
    if found is None:
        raise ConfigError(
            "door.waf_ip_set_arn is not a WAF IP set ARN (arn:aws:wafv2:<region>:<account>:global/ipset/<name>/<id>)"
        )
    scope = "CLOUDFRONT" if found["where"] == "global" else "REGIONAL"
    return IpSetRef(found["name"], found["id"], scope, found["region"])


def block_cidrs(blocks: Iterable[Block]) -> list[str]:
    """The IPv4 addresses of the IP blocks, as /32 CIDRs, sorted."""
    found = set()
    for block in blocks:
        if block.kind != "ip":
            continue
        try:
            address = ipaddress.ip_address(block.source.removeprefix("ip:"))
        except ValueError:
            continue
        if address.version == 4:
            found.add(f"{address}/32")
    return sorted(found)


class WafIpSetSync:
    """Keeps one WAF IP set equal to a list of CIDRs. `endpoint_url`: a local AWS endpoint in tests."""

    def __init__(self, arn: str, *, endpoint_url: str | None = None) -> None:
        import boto3

        self.ref = ip_set_ref(arn)
        self._client: Any = boto3.client("wafv2", region_name=self.ref.region, endpoint_url=endpoint_url)

    def sync(self, cidrs: Iterable[str]) -> bool:
        """Write `cidrs` into the set unless it holds them already; whether it wrote."""
        from botocore.exceptions import BotoCoreError, ClientError

        wanted = sorted(set(cidrs))
        key = {"Name": self.ref.name, "Scope": self.ref.scope, "Id": self.ref.id}
        for attempt in range(1, TRIES + 1):
            try:
                current = self._client.get_ip_set(**key)
                if sorted(current["IPSet"]["Addresses"]) == wanted:
                    return False
                self._client.update_ip_set(**key, Addresses=wanted, LockToken=current["LockToken"])
                return True
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                if code == "WAFOptimisticLockException" and attempt < TRIES:
                    continue
                raise UpstreamError(f"WAF IP set {self.ref.name}: {code or 'error'}") from exc
            except BotoCoreError as exc:
                raise UpstreamError(f"WAF IP set {self.ref.name}: {type(exc).__name__}") from exc
        raise AssertionError("unreachable: the last try returns or raises")
