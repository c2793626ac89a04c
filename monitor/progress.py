"""Progress lines for interactive crawls: pages, stored, rejected and the rate, every few seconds."""

from __future__ import annotations

import logging
import time

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

logger = logging.getLogger(__name__)

REJECTED = ("irrelevant", "duplicate", "blocked", "consent", "paywall", "listing", "empty")


class Progress:
    """Logs one progress line every MONITOR_PROGRESS_SECONDS (0 turns it off; --quiet hides INFO anyway)."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler.settings.getfloat("MONITOR_PROGRESS_SECONDS", 10)
        if interval <= 0:
            raise NotConfigured
        return cls(crawler, interval)

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.report, spider)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()

    def report(self, spider: Spider) -> None:
        stats = self.crawler.stats
        assert stats is not None
        pages = stats.get_value("response_received_count", 0)
        stored = stats.get_value("monitor/store/stored", 0)
        rejected = sum(stats.get_value(f"monitor/store/{v}", 0) for v in REJECTED)
        errors = stats.get_value("monitor/store/error", 0)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        logger.info("%s: %d pages (%.1f/s), %d stored, %d rejected, %d errors",
                    spider.name, pages, pages / elapsed, stored, rejected, errors)
