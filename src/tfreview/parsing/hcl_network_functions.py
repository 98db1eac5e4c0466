"""Terraform's IP network functions (ADR 0758): `cidrsubnet`, `cidrhost`, `cidrnetmask`, `cidrsubnets`.

A prefix is read as Go's `net.ParseCIDR` reads one: an IPv4 or IPv6 address, `/`, a prefix length in decimal;
host bits may be set (the network is taken). Python's `ipaddress` reads more (a bare address, a netmask, a scope
`%eth0`): those are errors in Terraform, so they are refused before `ipaddress` sees them. Where Go and Python
write an address differently (IPv4-mapped IPv6 addresses, which Go writes as IPv4) and where Terraform releases
differ (a negative host or network number), the call is unknown, not guessed.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from tfreview.core.values import UNKNOWN

_CIDR = re.compile(r"(?P<address>[0-9A-Fa-f:.]+)/(?P<length>0|[1-9][0-9]{0,2})")
_IPV4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class _Unsure(Exception):
    """Not reproduced exactly here: the call is unknown."""


def _network(prefix: Any) -> Network:
    if type(prefix) is not str:
        raise TypeError("not a string")
    match = _CIDR.fullmatch(prefix)
    if match is None:
        raise ValueError(f"invalid CIDR address: {prefix}")
    address = match.group("address")
    if "." in address and ":" in address:
        raise _Unsure  # an IPv4 address written inside an IPv6 one: Go keeps it IPv4-mapped
    try:
        network = ipaddress.ip_network(prefix, strict=False)
    except ValueError as exc:
        raise ValueError(f"invalid CIDR address: {prefix}") from exc
    if isinstance(network, ipaddress.IPv6Network) and network.subnet_of(_IPV4_MAPPED):
        raise _Unsure
    return network


def _whole(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError("not a number")
    if isinstance(value, str):
        if not re.fullmatch(r"[+-]?[0-9]{1,155}", value):
            raise ValueError("not a whole number")
        value = int(value)
    if isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            raise ValueError("not a whole number")
        value = int(value)
    if not isinstance(value, int):
        raise TypeError("not a number")
    if value < 0:
        raise _Unsure  # negative numbers: refused or counted from the end, by release
    return value


def _text(network: Network) -> str:
    if isinstance(network, ipaddress.IPv6Network) and network.subnet_of(_IPV4_MAPPED):
        raise _Unsure  # Go writes these as IPv4
    return str(network)


def _subnet(network: Network, newbits: int, netnum: int) -> Network:
    length = network.prefixlen + newbits
    if length > network.max_prefixlen:
        raise ValueError(f"insufficient address space to extend prefix of {network.prefixlen} by {newbits}")
    if netnum.bit_length() > newbits:
        raise ValueError(f"prefix extension of {newbits} does not accommodate a subnet numbered {netnum}")
    start = int(network.network_address) + (netnum << (network.max_prefixlen - length))
    return ipaddress.ip_network((start, length)) if network.version == 6 else ipaddress.IPv4Network((start, length))


def _cidrsubnet(prefix: Any, newbits: Any, netnum: Any) -> Any:
    """`cidrsubnet("10.1.2.0/24", 4, 15)` is "10.1.2.240/28"."""
    try:
        return _text(_subnet(_network(prefix), _whole(newbits), _whole(netnum)))
    except _Unsure:
        return UNKNOWN


def _cidrhost(prefix: Any, hostnum: Any) -> Any:
    """`cidrhost("10.12.112.0/20", 268)` is "10.12.113.12"."""
    try:
        network, number = _network(prefix), _whole(hostnum)
        if number >= network.num_addresses:
            raise ValueError(f"prefix of {network.prefixlen} does not accommodate a host numbered {number}")
        address = network.network_address + number
        if isinstance(address, ipaddress.IPv6Address) and address in _IPV4_MAPPED:
            return UNKNOWN
        return str(address)
    except _Unsure:
        return UNKNOWN


def _cidrnetmask(prefix: Any) -> Any:
    """`cidrnetmask("172.16.0.0/12")` is "255.240.0.0"; an IPv6 prefix is unknown (an error since Terraform 1.5,
    a text before)."""
    try:
        network = _network(prefix)
    except _Unsure:
        return UNKNOWN
    return str(network.netmask) if network.version == 4 else UNKNOWN


def _cidrsubnets(prefix: Any, *newbits: Any) -> Any:
    """Consecutive subnets of the prefix, each `newbits` longer, each aligned on its own size after the one before
    (go-cidr's `PreviousSubnet`/`NextSubnet`, as Terraform allocates them); an error when they do not fit."""
    try:
        network = _network(prefix)
        bits = network.max_prefixlen
        lengths = [_whole(n) + network.prefixlen for n in newbits]
        if not lengths:
            return []
        if any(length > bits for length in lengths):
            raise ValueError("cidrsubnets: a prefix too long for the address")
        if int(network.network_address) == 0 or any(length <= network.prefixlen for length in lengths):
            return UNKNOWN  # at the address space's start, or not extended: go-cidr's wrap-around, not reproduced
        top = 1 << bits
        start, end = int(network.network_address), int(network.broadcast_address)
        current, size = (start - 1) % top, lengths[0]  # the subnet holding the address before the prefix
        current &= ~((1 << (bits - size)) - 1)
        out: list[str] = []
        for length in lengths:
            last = current + (1 << (bits - size)) - 1  # the current subnet's last address
            aligned = last & ~((1 << (bits - length)) - 1)
            following = aligned + (1 << (bits - length))
            if following >= top or not start <= following <= end:
                raise ValueError(f"cidrsubnets: not enough remaining address space for a subnet of {length} bits")
            current, size = following, length
            out.append(
                _text(
                    ipaddress.ip_network((following, length))
                    if bits == 128
                    else ipaddress.IPv4Network((following, length))
                )
            )
        return out
    except _Unsure:
        return UNKNOWN


NETWORK_FUNCTIONS: Mapping[str, Callable[..., Any]] = {
    "cidrsubnet": _cidrsubnet,
    "cidrhost": _cidrhost,
    "cidrnetmask": _cidrnetmask,
    "cidrsubnets": _cidrsubnets,
}
