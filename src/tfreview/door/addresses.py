"""Who is calling: the client's address, believed from X-Forwarded-For only when the peer is a trusted proxy.

With trusted proxies, X-Forwarded-For is read from the right: each hop a trusted proxy appended is
skipped, and the first address that is not a trusted proxy is the client (a client cannot forge its way
past the proxies by sending its own header: what it wrote stands left of what the proxies appended).
A hop may carry its port (Azure Application Gateway appends `client:port`): read as its address. Read as garbled,
every client was its proxy, and one client's signature failures blocked the proxy — every caller (ADR 0763).
A hop no parser reads (`unknown`, an obfuscated name) is an "unknown" client — never blocked, as a peer with no
address is not — and never the proxy, whose block would be every caller's (ADR 0765).
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import re
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def networks(texts: Iterable[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(text, strict=False) for text in texts)


# a hop with its port, as Azure Application Gateway writes it (`203.0.113.9:5678`, `[2001:db8::1]:443`; ADR 0763)
_WITH_PORT = re.compile(r"(?P<v4>[0-9.]+):[0-9]{1,5}|\[(?P<v6>[0-9A-Fa-f:.]+(?:%[^\]]+)?)\]:[0-9]{1,5}")


@functools.lru_cache(maxsize=8192)  # the same clients come back: parsing is the hot path's main cost
def parse_address(text: str) -> Address | None:
    """The address of a peer or an X-Forwarded-For hop, with or without brackets and port; None when it is none."""
    text = text.strip()
    ported = _WITH_PORT.fullmatch(text)
    if ported is not None:
        text = ported["v4"] or ported["v6"]
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


def within(address: Address | None, nets: Sequence[Network]) -> bool:
    return address is not None and any(address.version == net.version and address in net for net in nets)


def client_address(peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[Network]) -> str:
    """The client's address as text ("unknown" when the peer has none, e.g. a Unix socket)."""
    if not peer:
        return "unknown"
    if not trusted:  # the socket's peer: already an address in its canonical form
        return peer
    address = parse_address(peer)
    if address is None:
        return "unknown"
    if not within(address, trusted):
        return str(address)
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        found = parse_address(hop)
        if found is None:  # a hop a trusted proxy wrote but no parser reads (`unknown`, an obfuscated name)
            return "unknown"  # believe nothing further left, and never take the proxy for it (ADR 0765)
        if not within(found, trusted):
            return str(found)
        address = found
    return str(address)


def ip_source(address: str) -> str:
    return f"ip:{address}"


def token_source(credential: str) -> str:
    """A token's block key: a prefix of its SHA-256 (the token itself is never stored, logged or sent to Redis)."""
    return "token:" + hashlib.sha256(credential.encode("utf-8")).hexdigest()[:16]
