"""Where Juhe may send a request: the one rule for every outbound URL (deliveries, callbacks).

A delivery or callback URL is given by a supplier, an applicant or for a shop; unchecked it
could point the workers at the cloud metadata service (169.254.169.254), the broker's
management port or anything else inside our network. So loopback, link-local, private,
unspecified, multicast and reserved addresses are refused unless `allow_private_targets`
(JUHE_ALLOW_PRIVATE_TARGETS) says otherwise. An IP literal is checked as it is; a host name is
resolved and EVERY address it resolves to is checked. The edge checks at creation (422), the
outbound HTTP client at each connection (juhe.outbound), after its own resolution.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from ipaddress import IPv4Address, IPv6Address, ip_address
from urllib.parse import urlsplit

#: Resolves (host, port) to the IP addresses a connection could go to.
Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = IPv4Address | IPv6Address
#: `ipaddress` flags, most telling first (127.0.0.1 is also private; "loopback" says more).
REFUSED = {
    "is_loopback": "a loopback address",
    "is_link_local": "a link-local address",
    "is_unspecified": "the unspecified address",
    "is_multicast": "a multicast address",
    "is_private": "a private address",
    "is_reserved": "a reserved address",
}


class TargetRefusedError(ValueError):
    """`field` names the URL, e.g. `delivery.url`; the message says why, never with a secret."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


async def system_resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def refused_address(ip: IPAddress) -> str | None:
    """Why no request may go to `ip`, or None when it is a public address."""
    if isinstance(ip, IPv6Address):  # an IPv4 address inside IPv6 is judged as itself
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None:
            return refused_address(inner)
    for flag, what in REFUSED.items():
        if getattr(ip, flag):
            return what
    return None if ip.is_global else "not a public address"  # e.g. 100.64/10 (carrier NAT)


def host_and_port(url: str, field: str) -> tuple[str, int]:
    """An http(s) URL's host (brackets stripped, lower case) and port; anything else is refused."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:  # a port that is no number, or out of range
        raise TargetRefusedError(field, "not a valid URL") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefusedError(field, "an http or https URL with a host is required")
    return parts.hostname, port


async def allowed_addresses(
    host: str, port: int, field: str, *, resolve: Resolver = system_resolve
) -> list[str]:
    """The addresses `host` stands for, each checked; refused if any one of them is not public."""
    try:
        addresses = [str(ip_address(host))]
    except ValueError:  # a name, not an IP literal
        addresses = await resolve(host, port)
    if not addresses:
        raise TargetRefusedError(field, f"{host} does not resolve")
    for address in addresses:
        if why := refused_address(ip_address(address)):
            raise TargetRefusedError(field, f"{host} is {why} ({address}); requests may not go there")
    return addresses


async def check_target(
    url: str, field: str, *, allow_private: bool, resolve: Resolver = system_resolve
) -> None:
    """Refuse (TargetRefusedError) a URL that is not http(s) or may reach a non-public address."""
    host, port = host_and_port(url, field)
    if not allow_private:
        try:
            await allowed_addresses(host, port, field, resolve=resolve)
        except OSError as exc:  # socket.gaierror: the name does not resolve
            raise TargetRefusedError(field, f"{host} does not resolve") from exc
