"""Stage 3, dates: the published date from the page, the listing or the URL, in UTC, flagged if implausible."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler

from monitor.context import CrawlContext
from monitor.dates import date_flag, parse_date, to_iso
from monitor.items import Article
from monitor.urls import url_date

# The page's own structured data beats the listing; the listing beats a byline and the URL.
PAGE_FIRST = ("json-ld", "meta", "time-element")
LISTING_METHOD = {"news-sitemap": "sitemap", "feed": "feed", "lastmod": "sitemap-lastmod"}


class DatesPipeline:
    """Chooses the published date and method, and flags dates outside the topic window or in the future."""

    def __init__(self, crawler: Crawler) -> None:
        self.context = CrawlContext.of(crawler)
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DatesPipeline:
        return cls(crawler)

    def process_item(self, item: Article, spider: object = None) -> Article:
        article = ItemAdapter(item).item
        if article.verdict:
            return article
        source = self.context.sources.get(article.source)
        page = article.extracted
        published, method, raw = page.get("published"), page.get("published_method"), page.get("published_raw")
        listing_value, listing_method = self.listing_date(article)
        if published and method in PAGE_FIRST:
            pass
        elif listing_value and listing_method in ("sitemap", "feed"):
            published, method, raw = listing_value, listing_method, article.listing.get("date_raw")
        elif published:
            pass
        elif listing_value:
            published, method, raw = listing_value, listing_method, article.listing.get("date_raw")
        else:
            day = url_date(article.canonical_url or article.url)
            if day is not None:
                published = datetime(day.year, day.month, day.day, 12, tzinfo=UTC).isoformat()
                method, raw = "url", article.canonical_url
        if published is None and article.snapshot_time:
            # An archived page was published before its first snapshot: better than nothing, and said so.
            published, method, raw = article.snapshot_time, "snapshot", article.listing.get("snapshot_time")
        article.published, article.published_method, article.published_raw = published, method, raw
        article.published_day = self.local_day(published, source.timezone, page)
        if published:
            self.context.health(source.id, "dated")
            value = datetime.fromisoformat(published)
            article.date_flag = date_flag(value, since=self.context.topic.since, until=self.context.topic.until,
                                          now=datetime.now(UTC))
            if article.date_flag:
                self.stats.inc_value(f"monitor/dates/{article.date_flag}")
        else:
            article.date_flag = "undated"
            self.stats.inc_value("monitor/dates/undated")
        return article

    @staticmethod
    def local_day(published: str | None, timezone: str, page: dict[str, object]) -> str | None:
        """The day as the outlet prints it: the page's own when its date was chosen, else in its time zone."""
        if not published:
            return None
        if published == page.get("published") and page.get("published_day"):
            return str(page["published_day"])
        return datetime.fromisoformat(published).astimezone(ZoneInfo(timezone)).date().isoformat()

    def listing_date(self, article: Article) -> tuple[str | None, str | None]:
        value = article.listing.get("date")
        if not value:
            return None, None
        source = self.context.sources.get(article.source)
        if isinstance(value, str):
            try:
                # The spider stores listing dates as ISO strings it already parsed.
                value = datetime.fromisoformat(value)
                if value.tzinfo is None:
                    value = value.replace(tzinfo=UTC)
            except ValueError:
                parsed = parse_date(str(value), source.languages, timezone=source.timezone)
                value = parsed.value if parsed else None
        method = LISTING_METHOD.get(article.listing.get("date_source") or "", "listing")
        return to_iso(value), method
