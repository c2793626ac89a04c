"""Stage 2, extract: body, title, metadata, page dates and the page's verdict, in the worker pool."""

from __future__ import annotations

import logging

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler

from monitor.context import CrawlContext
from monitor.items import Article
from monitor.workers import analyse_page, run_in_pool

logger = logging.getLogger(__name__)


class ExtractPipeline:
    """Sends each page to a worker process so the reactor keeps fetching while both cores extract."""

    def __init__(self, crawler: Crawler) -> None:
        self.context = CrawlContext.of(crawler)
        self.stats = crawler.stats
        self.workers = crawler.settings.getint("MONITOR_EXTRACT_WORKERS", 0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        return cls(crawler)

    async def process_item(self, item: Article, spider: object = None) -> Article:
        article = ItemAdapter(item).item
        if article.verdict:
            return article
        source = self.context.sources.get(article.source)
        try:
            result = await run_in_pool(
                self.workers, analyse_page, article.body, url=article.canonical_url or article.url,
                languages=source.languages, timezone=source.timezone, fetched_at=article.fetched_at,
                encoding=article.encoding, outlet_name=source.name,
            )
        except Exception as exc:  # noqa: BLE001 - a crashed worker must not stop the crawl
            logger.error("extraction failed for %s: %s", article.url, exc)
            result = {"verdict": "error", "reason": f"extraction failed: {type(exc).__name__}: {exc}"[:300]}
        article.body = b""  # the page is no longer needed; keep memory flat
        article.extracted = result
        self.stats.inc_value(f"monitor/extract/{result.get('verdict', 'error')}")
        if result.get("verdict") != "article":
            article.verdict = result.get("verdict") or "error"
            article.reason = result.get("reason") or ""
            logger.info("%s: %s is not an article (%s: %s)", article.source, article.url, article.verdict, article.reason)
        else:
            self.context.health(article.source, "extracted")
        article.text_hash = result.get("text_hash", "")
        article.signature = result.get("signature", b"")
        return article
