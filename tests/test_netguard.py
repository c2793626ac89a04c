"""Tests for the network guard: address checks, URL checks and the Scrapy DNS resolver."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from scrapy.resolver import dnscache
from scrapy.utils.test import get_crawler
from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from twisted.internet.selectreactor import SelectReactor
from twisted.python.failure import Failure

from monitor.netguard import (
    BlockedDestination,
    PublicOnlyResolver,
    check_url_destination,
    is_public_ip,
)

NON_PUBLIC = [
    "10.0.0.1",
    "10.255.255.254",
    "172.16.0.1",
    "172.31.255.1",
    "192.168.1.1",
    "127.0.0.1",
    "127.8.9.10",
    "::1",
    "169.254.169.254",
    "169.254.1.1",
    "fe80::1",
    "fe80::1%eth0",
    "fd00:ec2::254",
    "fc00::5",
    "0.0.0.0",
    "::",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2130706433",  # decimal 127.0.0.1
    "0x7f000001",
    "0177.0.0.1",  # octal
    "127.1",
    "100.64.0.1",  # carrier-grade NAT
    "224.0.0.1",
    "ff02::1",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.10",  # documentation
    "not-an-ip",
    "",
]
PUBLIC = ["8.8.8.8", "93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "134744072"]


@pytest.mark.parametrize("address", NON_PUBLIC)
def test_non_public_addresses(address: str) -> None:
    assert is_public_ip(address) is False


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses(address: str) -> None:
    assert is_public_ip(address) is True


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/admin",
        "http://172.16.5.4:8080/",
        "http://192.168.0.1/",
        "http://127.0.0.1:6800/schedule.json",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[fe80::1]/",
        "http://0.0.0.0:8000/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://localhost/",
        "http://LOCALHOST./",
        "http://api.localhost:8001/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://metadata/",
        "http://user:pass@127.0.0.1/",
        "file:///etc/passwd",
        "ftp://ftp.tabnak.test/x",
        "gopher://tabnak.test:70/",
        "javascript:alert(1)",
        "data:text/html,hi",
        "//no-scheme.test/",
        "http:///nohost",
    ],
)
def test_blocked_urls(url: str) -> None:
    with pytest.raises(BlockedDestination):
        check_url_destination(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://www.tabnak.test/fa/news/703001",
        "https://www.aa.com.tr/en/",
        "HTTPS://TASS.COM/politics/1",
        "http://8.8.8.8/",
        "http://[2606:4700:4700::1111]/",
        "http://localhost.example.com/",
    ],
)
def test_allowed_urls(url: str) -> None:
    check_url_destination(url)


def test_block_message_names_the_url() -> None:
    with pytest.raises(BlockedDestination, match="169.254.169.254/latest"):
        check_url_destination("http://169.254.169.254/latest")


# --- the Scrapy resolver, run on a private (never installed) Twisted reactor ----------

FAKE_DNS = {"intranet.example": "10.1.2.3", "news.example": "93.184.216.34"}


def _resolve(resolver: PublicOnlyResolver, reactor: SelectReactor, names: list[str]) -> dict[str, Any]:
    """Run getHostByName for each name on the reactor; return address or Failure per name."""
    results: dict[str, Any] = {}

    def start() -> None:
        lookups = []
        for name in names:
            d = resolver.getHostByName(name)
            d.addBoth(_store(results, name))
            lookups.append(d)
        defer.DeferredList(lookups).addBoth(lambda _: reactor.stop())

    reactor.callWhenRunning(start)
    reactor.callLater(10, reactor.stop)  # never hang the test suite
    reactor.run(installSignalHandlers=False)
    return results


def _store(results: dict[str, Any], name: str) -> Any:
    def store(value: Any) -> None:
        results[name] = value

    return store


def _lookup_error(value: Any) -> str:
    assert isinstance(value, Failure), value
    assert value.check(DNSLookupError)
    return str(value.value)


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Answer the threaded lookups from FAKE_DNS; record which names were asked."""
    asked: list[str] = []

    def gethostbyname(name: str) -> str:
        asked.append(name)
        if name not in FAKE_DNS:
            raise socket.gaierror(f"unknown {name}")
        return FAKE_DNS[name]

    monkeypatch.setattr(socket, "gethostbyname", gethostbyname)
    return asked


def test_resolver_refuses_private_names_and_answers(fake_dns: list[str]) -> None:
    reactor = SelectReactor()
    resolver = PublicOnlyResolver(reactor, cache_size=0, timeout=5.0)
    names = ["localhost", "metadata.google.internal", "127.0.0.1", "intranet.example", "news.example"]
    results = _resolve(resolver, reactor, names)

    assert "names this machine" in _lookup_error(results["localhost"])
    assert "metadata" in _lookup_error(results["metadata.google.internal"])
    assert "not a public address" in _lookup_error(results["127.0.0.1"])
    assert "resolves to non-public 10.1.2.3" in _lookup_error(results["intranet.example"])
    assert results["news.example"] == "93.184.216.34"
    # names refused by the name check never reach DNS
    assert sorted(fake_dns) == ["intranet.example", "news.example"]


def test_resolver_refuses_cached_private_answers(fake_dns: list[str]) -> None:
    reactor = SelectReactor()
    resolver = PublicOnlyResolver(reactor, cache_size=100, timeout=5.0)
    results = _resolve(resolver, reactor, ["intranet.example"])
    _lookup_error(results["intranet.example"])
    # The answer is in Scrapy's shared cache now; the second lookup must still fail.
    second = resolver.getHostByName("intranet.example")
    failures: list[Failure] = []
    second.addErrback(failures.append)
    assert failures and failures[0].check(DNSLookupError)
    dnscache.pop("intranet.example", None)  # the cache is Scrapy's, process-wide


def test_allow_hosts_bypass_the_check() -> None:
    reactor = SelectReactor()
    resolver = PublicOnlyResolver(reactor, cache_size=0, timeout=5.0, allow_hosts=["127.0.0.1"])
    results = _resolve(resolver, reactor, ["127.0.0.1"])
    assert results["127.0.0.1"] == "127.0.0.1"


def test_from_crawler_reads_settings() -> None:
    crawler = get_crawler(
        settings_dict={"DNS_TIMEOUT": 7, "NETGUARD_ALLOW_HOSTS": ["proxy.local"], "DNSCACHE_ENABLED": False}
    )
    resolver = PublicOnlyResolver.from_crawler(crawler, SelectReactor())
    assert resolver.timeout == 7.0
    assert resolver.allow_hosts == frozenset({"proxy.local"})
