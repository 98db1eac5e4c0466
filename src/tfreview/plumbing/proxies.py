"""The egress proxies of the environment, read as httpx reads them, for `plumbing.http.outbound_client` (ADR 0513).

httpx honours HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY (lower-case too) only when it builds its own
transport; a client given a transport ignores them. `environment_proxies` returns httpx's own reading of the
variables (`httpx._utils.get_environment_proxies`, private: pinned by
tests/integration/test_outbound_proxies.py against a plain client's mounts) as URL pattern -> `httpx.Proxy`, or None
where NO_PROXY sends the call direct:

    HTTPS_PROXY=http://user:secret@proxy.internal:3128  NO_PROXY=.corp.internal
    -> {"https://": Proxy(http://proxy.internal:3128, auth=user), "all://*.corp.internal": None}

A proxy httpx could not use (a scheme other than http, https, socks5, socks5h; SOCKS without the `socksio`
package) is a ConfigError naming the pattern and the scheme — never the URL, whose user information is a secret.
A NO_PROXY entry httpx cannot make a URL pattern of (`example.com:abc`, a host IDNA refuses) is a ConfigError
naming the entry, not the `httpx.InvalidURL` httpx raises when the client is built; a bracketed IPv6 address
(`[::1]`, `[::1]:8080`) is read as the address it spells, as httpx reads `::1` (ADR 0526).

An address range in NO_PROXY (`10.0.0.0/8`, `fd00::/8`) is read as requests, curl and Go read it: a call whose
URL names an address in the range goes direct (`no_proxy_networks`, `ProxyBypass`). httpx's own reading documents
`192.168.0.0/16` but matches it as the one address 192.168.0.0, and cannot read an IPv6 range at all (ADR 0526).
"""

from __future__ import annotations

import importlib.util
import ipaddress
from urllib.request import getproxies

import httpx
from httpx._utils import URLPattern  # private, as `get_environment_proxies`: what httpx.Client builds of each key

from tfreview.core.errors import ConfigError

_SCHEMES = ("http", "https", "socks5", "socks5h")


def environment_proxies() -> dict[str, httpx.Proxy | None]:
    """httpx's reading of the proxy environment variables: URL pattern -> proxy (None: no proxy for it)."""
    from httpx._utils import get_environment_proxies  # private, pinned by tests/integration/test_outbound_proxies.py

    return {
        _readable(pattern): None if url is None else _proxy(pattern, url)
        for pattern, url in get_environment_proxies().items()
        if url is not None or _network(pattern.removeprefix("all://")) is None  # a range: `no_proxy_networks`
    }


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def no_proxy_networks() -> tuple[Network, ...]:
    """The address ranges NO_PROXY (or no_proxy) names: `10.0.0.0/8`, `fd00::/8`, `127.0.0.1/32`."""
    found = (_network(entry.strip()) for entry in getproxies().get("no", "").split(","))
    return tuple(network for network in found if network is not None)


def _network(entry: str) -> Network | None:
    if "/" not in entry or "://" in entry:
        return None
    try:
        return ipaddress.ip_network(entry.removeprefix("[").removesuffix("]"), strict=False)
    except ValueError:
        return None


class ProxyBypass(httpx.BaseTransport):
    """A proxied transport that sends a call whose URL names an address in one of `networks` to `direct` instead
    (NO_PROXY's address ranges; a host name is never resolved to be compared, as requests does). It closes only
    its proxied transport: `direct` is the client's own."""

    def __init__(self, proxied: httpx.BaseTransport, direct: httpx.BaseTransport, networks: tuple[Network, ...]):
        self._proxied = proxied
        self._direct = direct
        self._networks = networks

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            address = ipaddress.ip_address(request.url.host)
        except ValueError:
            return self._proxied.handle_request(request)
        bypass = any(address in network for network in self._networks)
        return (self._direct if bypass else self._proxied).handle_request(request)

    def close(self) -> None:
        self._proxied.close()


def _readable(pattern: str) -> str:
    """The URL pattern httpx made of a NO_PROXY entry, as httpx.Client will read it; ConfigError naming the entry
    when it cannot. httpx reads `::1` as `all://[::1]` but `[::1]` as a host name `*[::1]`: that one is the address."""
    entry = pattern.removeprefix("all://")
    if entry.startswith("*["):
        pattern = f"all://{entry[1:]}"
    try:
        URLPattern(pattern)
    except (httpx.InvalidURL, ValueError):
        written = pattern.removeprefix("all://").removeprefix("*")
        raise ConfigError(
            f"NO_PROXY (or no_proxy) names {written!r}, which is no host, domain, IP address or host:port httpx can "
            "match; write it as `example.com`, `.example.com`, `10.0.0.7`, `::1` or `example.com:8443`"
        ) from None
    return pattern


def _proxy(pattern: str, url: str) -> httpx.Proxy:
    where = f"the proxy for {pattern!r} (HTTP_PROXY, HTTPS_PROXY or ALL_PROXY)"
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise ConfigError(f"{where} is not a URL") from None
    if parsed.scheme not in _SCHEMES:
        raise ConfigError(f"{where} has the scheme {parsed.scheme!r}; use one of {', '.join(_SCHEMES)}")
    if not parsed.host:
        raise ConfigError(f"{where} names no host")
    if parsed.scheme.startswith("socks") and importlib.util.find_spec("socksio") is None:
        raise ConfigError(f"{where} is a SOCKS proxy; tfreview does not install the socksio package httpx needs")
    return httpx.Proxy(parsed)
