"""Network guard: never fetch private, loopback, link-local, reserved or cloud-metadata addresses."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from twisted.internet.base import ReactorBase
    from twisted.internet.defer import Deferred

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = frozenset({"http", "https"})
METADATA_HOSTS = frozenset(
    {
        "metadata.google.internal",
        "metadata.goog",
        "metadata",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.azure.com",
    }
)
# Names that only ever mean "this machine" or a private network.
PRIVATE_NAME_SUFFIXES = (".localhost", ".internal", ".local", ".localdomain", ".home.arpa")
PRIVATE_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
# Addresses that look public to the ipaddress module but are cloud metadata services.
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
# inet_aton() accepts "2130706433", "0x7f.1", "0177.0.0.1": resolvers treat them as IPv4.
LEGACY_IPV4 = re.compile(r"^(?:0x[0-9a-f]+|\d+)(?:\.(?:0x[0-9a-f]+|\d+)){0,3}$", re.IGNORECASE)
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")


class BlockedDestination(Exception):
    """A URL or address the crawler must never connect to."""


def parse_ip(address: str) -> IPAddress | None:
    """An IP address in any form a resolver would accept, or None for a host name."""
    text = address.strip().strip("[]").split("%", 1)[0]  # brackets, IPv6 zone id
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if LEGACY_IPV4.match(text):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one tunnels to (mapped, NAT64, 6to4, Teredo)."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    return None


def _is_public(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return _is_public(embedded)
    if ip in METADATA_ADDRESSES:
        return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def is_public_ip(address: str) -> bool:
    """True only for a globally routable unicast address; False for anything else or garbage."""
    ip = parse_ip(address)
    return ip is not None and _is_public(ip)


def check_host(host: str) -> None:
    """Raise BlockedDestination for a private name or a non-public literal address."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if not name:
        raise BlockedDestination("no host name")
    if name in PRIVATE_NAMES or name.endswith(PRIVATE_NAME_SUFFIXES):
        raise BlockedDestination(f"{host!r} names this machine or a private network")
    if name in METADATA_HOSTS:
        raise BlockedDestination(f"{host!r} is a cloud metadata service")
    ip = parse_ip(name)
    if ip is not None and not _is_public(ip):
        raise BlockedDestination(f"{host!r} is not a public address")


def check_url_destination(url: str) -> None:
    """Raise BlockedDestination unless the URL is http(s) to a name or a public address."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise BlockedDestination(f"scheme {parts.scheme or '(none)'!r} is not fetched: {url}")
    try:
        check_host(parts.hostname or "")
    except BlockedDestination as exc:
        raise BlockedDestination(f"{exc}: {url}") from None


class PublicOnlyResolver(CachingThreadedResolver):
    """Scrapy DNS resolver that refuses names resolving to non-public addresses.

    Enable with TWISTED_DNS_RESOLVER = "monitor.netguard.PublicOnlyResolver". Hosts listed in
    the NETGUARD_ALLOW_HOSTS setting (e.g. a local proxy) are resolved unchecked.
    A refused lookup fails like an unknown name (DNSLookupError), so every redirect
    hop and every DNS answer goes through the same check. With an HTTP proxy, the
    target's name is resolved by the proxy, so check_url_destination must guard URLs.
    """

    def __init__(
        self, reactor: ReactorBase, cache_size: int, timeout: float, allow_hosts: Iterable[str] = ()
    ) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.allow_hosts = frozenset(h.lower().rstrip(".") for h in allow_hosts)

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: ReactorBase) -> Self:
        cache_size = (
            crawler.settings.getint("DNSCACHE_SIZE") if crawler.settings.getbool("DNSCACHE_ENABLED") else 0
        )
        allow = list(crawler.settings.getlist("NETGUARD_ALLOW_HOSTS"))
        proxy = crawler.settings.get("MONITOR_PROXY")
        if proxy and crawler.settings.getbool("MONITOR_TEST_MODE"):
            # Test mode: the newsroom's local proxy is the one loopback address we may reach.
            allow.append(urlsplit(proxy).hostname or "")
        return cls(reactor, cache_size, crawler.settings.getfloat("DNS_TIMEOUT"), allow)

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        if name.lower().rstrip(".") in self.allow_hosts:
            return super().getHostByName(name, timeout)
        try:
            check_host(name)
        except BlockedDestination as exc:
            # Refused before any DNS query leaves the machine.
            return defer.fail(DNSLookupError(f"blocked by netguard: {exc}"))
        d = super().getHostByName(name, timeout)
        d.addCallback(self._refuse_private_answer, name)
        return d

    @staticmethod
    def _refuse_private_answer(address: Any, name: str) -> Any:
        if not is_public_ip(str(address)):
            raise DNSLookupError(f"blocked by netguard: {name!r} resolves to non-public {address}")
        return address
