"""The feeds spider: RSS 2.0, RSS 1.0 (RDF) and Atom feeds of every configured outlet."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from scrapy.http import Request, Response

from monitor.context import CrawlContext
from monitor.listings import ListingError, parse_feed
from monitor.seeds import Source
from spiders.base import MonitorSpider


class FeedsSpider(MonitorSpider):
    """Reads each outlet's feeds and fetches the new items inside the window (default: the last days)."""

    name = "feeds"
    method = "feed"

    def default_since(self, context: CrawlContext) -> date:
        days = self.crawler.settings.getint("MONITOR_FEED_DAYS", 3)
        return (datetime.now(UTC) - timedelta(days=days)).date()

    def default_until(self, context: CrawlContext) -> date:
        return datetime.now(UTC).date()

    def start_listing(self, source: Source) -> Iterator[Request]:
        for url in source.feeds:
            yield self.listing_request(url, source, self.parse_feed, "feed")

    def parse_feed(self, response: Response) -> Iterator[Request]:
        if self.listing_unchanged(response):
            return
        source = self.context.sources.get(response.meta["source"])
        self.warn_entities(response, response.body)
        try:
            entries = parse_feed(response.body)
        except ListingError as exc:
            self.bad_listing(response, exc)
            return
        for entry in entries:
            listing = {
                "title": entry.title, "summary": entry.summary, "keywords": entry.keywords,
                "date_raw": entry.published, "date_source": entry.date_source,
                "date": self.listing_date(entry.published, source),
            }
            request = self.consider(response.urljoin(entry.url), source, listing)
            if request is not None:
                yield request
