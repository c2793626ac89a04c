"""Downloader middlewares: the network guard, Retry-After, and the newsroom proxy in test mode."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from monitor.netguard import BlockedDestination, check_url_destination

logger = logging.getLogger(__name__)

RETRY_AFTER_CAP_SECONDS = 120.0


class NetGuardMiddleware:
    """Refuse requests to private, loopback or metadata addresses (outside test mode)."""

    def __init__(self, test_mode: bool) -> None:
        self.test_mode = test_mode

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NetGuardMiddleware:
        return cls(crawler.settings.getbool("MONITOR_TEST_MODE"))

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if self.test_mode:
            return None
        try:
            check_url_destination(request.url)
        except BlockedDestination as exc:
            logger.warning("refused %s: %s", request.url, exc)
            raise IgnoreRequest(f"blocked destination: {exc}") from None
        return None


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    """Wait as long as a 429/503 response asks before the stock RetryMiddleware retries it."""

    async def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if response.status in (429, 503):
            delay = retry_after_seconds(response.headers.get("Retry-After"))
            if delay:
                delay = min(delay, RETRY_AFTER_CAP_SECONDS)
                logger.info("%s answered %s; waiting %.0fs as Retry-After asks", request.url, response.status, delay)
                await asyncio.sleep(delay)
        return response


class NewsroomProxyMiddleware:
    """Route every request through the newsroom simulator when it is configured (test mode only)."""

    def __init__(self, proxy: str) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NewsroomProxyMiddleware:
        proxy = crawler.settings.get("MONITOR_PROXY")
        if not proxy:
            raise NotConfigured
        if not crawler.settings.getbool("MONITOR_TEST_MODE"):
            raise NotConfigured("MONITOR_PROXY is only used in test mode (MONITOR_TEST_MODE=1)")
        return cls(proxy)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        request.meta.setdefault("proxy", self.proxy)
        return None
