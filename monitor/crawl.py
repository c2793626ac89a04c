"""Run spiders in one process, one after another, for cron, the demo and the tests."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

SPIDERS = ("feeds", "search", "sitemaps", "archive")  # cheapest first: later ones skip what is stored


def project_settings(overrides: dict[str, Any] | None = None) -> Settings:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "monitor.settings")
    settings = get_project_settings()
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def newsroom_settings(proxy_url: str) -> dict[str, Any]:
    """Settings for crawling the local newsroom: test mode through its proxy, no politeness delays."""
    return {
        "MONITOR_TEST_MODE": True,
        "MONITOR_PROXY": proxy_url,
        "MONITOR_SOURCES": str(Path(__file__).parent / "newsroom" / "outlets.yaml"),
        "MONITOR_ARCHIVE_URL": "http://web.archive.test",
        "TWISTED_DNS_RESOLVER": "scrapy.resolver.CachingThreadedResolver",
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
        "DOWNLOAD_TIMEOUT": 3,
        "RETRY_TIMES": 2,
    }


@dataclass
class RunResult:
    """What the spiders of one run left: their `crawls` rows, and any database write failure."""

    crawl_ids: list[int] = field(default_factory=list)
    write_failures: list[str] = field(default_factory=list)


def run_spiders(spiders: Sequence[str], settings: Settings, spider_args: dict[str, Any] | None = None) -> RunResult:
    """Run the spiders one after another in this process."""
    # Keep the CLI's own log handlers (levels, log file) when it has installed them.
    settings.set("LOG_INSTALL_ROOT_HANDLER", not logging.getLogger().handlers, priority="cmdline")
    process = CrawlerProcess(settings)
    result = RunResult()
    remaining = list(spiders)

    def start_next(_: object = None) -> Any:
        if not remaining:
            return None
        crawler = process.create_crawler(remaining.pop(0))
        deferred = process.crawl(crawler, **(spider_args or {}))

        def remember(outcome: object) -> object:
            context = getattr(crawler, "_monitor_context", None)
            if context is not None and context.crawl_id is not None:
                result.crawl_ids.append(context.crawl_id)
            failure = crawler.stats.get_value("monitor/store/write_failed") if crawler.stats else None
            if failure:
                result.write_failures.append(str(failure))
                remaining.clear()  # the next spider could not write either
            return outcome

        deferred.addBoth(remember)
        deferred.addBoth(start_next)
        return None

    start_next()
    process.start()
    return result
