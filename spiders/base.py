"""The shared base of every spider: arguments, the date window, known URLs and article requests."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import scrapy
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from monitor.context import CrawlContext
from monitor.dates import parse_date
from monitor.errors import ArgumentError
from monitor.items import Article
from monitor.listings import declares_entities
from monitor.seeds import Source, source_ids
from monitor.urls import normalize_url, url_date

logger = logging.getLogger(__name__)


def parse_day(name: str, value: str | None) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ArgumentError(f"-a {name}={value!r}: expected a date as YYYY-MM-DD") from None


class MonitorSpider(scrapy.Spider):
    """Base of the four spiders; subclasses implement `start_listing(source)` and parse callbacks.

    Hooks:
    - `start_listing(source)`: yield the first requests for one outlet (feeds, sitemaps, ...).
    - `default_since(context)`: the window's start when no `-a since` is given.
    """

    method = "unknown"            # how this spider discovers articles, stored in discovered_via
    context: CrawlContext
    selected: list[Source]
    since: date
    until: date
    allowed_domains: list[str]

    def __init__(self, source: str | None = None, since: str | None = None, until: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source_arg = source_ids(source)
        self.since_arg = parse_day("since", since)
        self.until_arg = parse_day("until", until)
        if self.since_arg and self.until_arg and self.since_arg > self.until_arg:
            raise ArgumentError(f"-a since={self.since_arg} is after -a until={self.until_arg}")

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> MonitorSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.context = CrawlContext.of(crawler)
        spider.selected = spider.context.sources.select(spider.source_arg) if spider.source_arg else list(spider.context.sources)
        spider.since = spider.since_arg or spider.default_since(spider.context)
        spider.until = spider.until_arg or spider.default_until(spider.context)
        spider.allowed_domains = sorted({h for s in spider.selected for h in s.hosts} | spider.extra_hosts())
        return spider

    # -- hooks -----------------------------------------------------------------------------
    def default_since(self, context: CrawlContext) -> date:
        return context.topic.since

    def default_until(self, context: CrawlContext) -> date:
        return context.topic.until

    def extra_hosts(self) -> set[str]:
        return set()

    def start_listing(self, source: Source) -> Iterator[Request]:
        raise NotImplementedError

    # -- shared machinery ------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[Request]:
        logger.info("%s: %d source(s), window %s .. %s", self.name, len(self.selected), self.since, self.until)
        for source in self.selected:
            yield from self.start_listing(source)

    def in_window(self, when: datetime | None) -> bool:
        if when is None:
            return True
        day = when.astimezone(UTC).date()
        # A day of slack each side: listings and pages disagree about time zones.
        return self.since - timedelta(days=1) <= day <= self.until + timedelta(days=1)

    def listing_date(self, raw: str | None, source: Source) -> datetime | None:
        if not raw:
            return None
        parsed = parse_date(raw, source.languages, timezone=source.timezone)
        return parsed.value if parsed else None

    def consider(self, url: str, source: Source, listing: dict[str, Any], *, check_pattern: bool = True,
                 **meta: Any) -> Request | None:
        """A request for a listed article URL, or None when it is known, off-site or out of the window."""
        canonical = normalize_url(url, self.context.sources.host_aliases())
        owner = self.context.sources.for_url(canonical)
        if owner is None or owner.id != source.id:
            self.crawler.stats.inc_value("monitor/listing/offsite")
            return None
        if check_pattern and not source.is_article_url(canonical):
            self.crawler.stats.inc_value("monitor/listing/not_article")
            return None
        when = listing.get("date")
        if not isinstance(when, datetime):
            # No date in the listing: a date in the URL's slug still bounds it in time.
            day = url_date(canonical)
            when = datetime(day.year, day.month, day.day, 12, tzinfo=UTC) if day else None
        month = when.strftime("%Y-%m") if isinstance(when, datetime) else None
        self.context.count(source.id, month, self.method, "listed")
        self.context.health(source.id, "listed")
        if self.is_update(canonical, listing):
            listing = {**listing, "update": True}
            self.crawler.stats.inc_value("monitor/listing/updated")
        elif canonical in self.context.known or url in self.context.known:
            self.crawler.stats.inc_value("monitor/listing/known")
            return None
        if not self.in_window(when):
            self.crawler.stats.inc_value("monitor/listing/out_of_window")
            return None
        self.context.known.add(canonical)
        listing = dict(listing)
        if isinstance(listing.get("date"), datetime):
            listing["date"] = listing["date"].isoformat()
        return Request(
            url, callback=self.parse_article, errback=self.article_failed, priority=1,
            meta={"source": source.id, "listing": listing, "requested_url": url, "month": month, **meta},
        )

    def is_update(self, canonical: str, listing: dict[str, Any]) -> bool:
        """A stored article whose listing says it changed after we last fetched it."""
        fetched = self.context.last_fetched.get(canonical)
        when = listing.get("date")
        if fetched is None or not isinstance(when, datetime) or listing.get("date_source") != "lastmod":
            return False
        if when > fetched:
            self.context.last_fetched[canonical] = datetime.now(UTC)
            return True
        return False

    def parse_article(self, response: Response) -> Iterator[Article]:
        yield self.article_item(response)

    def article_item(self, response: Response, **fields: Any) -> Article:
        meta = response.meta
        encoding = None
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
        if "charset=" in content_type:
            encoding = content_type.split("charset=", 1)[1].split(";")[0].strip() or None
        return Article(
            url=response.url,
            source=meta["source"],
            discovered_via=self.method,
            requested_url=meta.get("requested_url", response.url),
            redirect_urls=list(meta.get("redirect_urls", [])),
            listing=meta.get("listing", {}),
            status=response.status,
            fetched_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
            body=response.body,
            encoding=encoding,
            **fields,
        )

    def article_failed(self, failure: Failure) -> Iterator[Article]:
        """A listed article that could not be fetched still gets a `pages` row with the reason."""
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        reason = failure.getErrorMessage() or failure.type.__name__
        logger.warning("could not fetch %s: %s", request.url, reason)
        yield Article(
            url=request.url, source=request.meta["source"], discovered_via=self.method,
            requested_url=request.meta.get("requested_url", request.url), listing=request.meta.get("listing", {}),
            status=response.status if response is not None else 0,
            fetched_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
            verdict="error", reason=f"{failure.type.__name__}: {reason}"[:300],
        )

    def listing_request(self, url: str, source: Source, callback: Any, kind: str, **meta: Any) -> Request:
        """A feed or sitemap request, conditional when we know its ETag or Last-Modified."""
        headers: dict[str, str] = {}
        validator = self.context.listing_validator(url)
        if validator:
            if validator.get("etag"):
                headers["If-None-Match"] = validator["etag"]
            if validator.get("last_modified"):
                headers["If-Modified-Since"] = validator["last_modified"]
        return Request(
            url, callback=callback, errback=self.listing_failed, headers=headers, priority=10,
            meta={"source": source.id, "listing_kind": kind, "handle_httpstatus_list": [304], **meta},
        )

    def listing_unchanged(self, response: Response) -> bool:
        """Record the validators of a listing response; True when it answered 304 Not Modified."""
        kind = response.meta.get("listing_kind", "listing")
        self.context.listing_validators[response.url] = {
            "url": response.url, "source": response.meta["source"], "kind": kind,
            "etag": (response.headers.get("ETag") or b"").decode("latin-1") or None,
            "last_modified": (response.headers.get("Last-Modified") or b"").decode("latin-1") or None,
            "status": response.status, "fetched_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        }
        if response.status == 304:
            self.crawler.stats.inc_value("monitor/listing/not_modified")
            previous = self.context.listing_validator(response.url) or {}
            self.context.listing_validators[response.url].update({k: v for k, v in previous.items() if v})
            return True
        return False

    def listing_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        source = request.meta.get("source", "?")
        response = getattr(failure.value, "response", None)
        if response is not None and response.status in (404, 410) and request.meta.get("listing_kind") == "archive-sitemap":
            # Months without articles have no archive page on many sites: nothing to see, and
            # remembered, so a closed month is not asked for again.
            self.crawler.stats.inc_value("monitor/listing/archive_month_missing")
            self.context.listing_validators[request.url] = {
                "url": request.url, "source": source, "kind": "archive-sitemap", "etag": None,
                "last_modified": None, "status": response.status,
                "fetched_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            }
            return
        self.context.health(source, "listing_errors")
        self.crawler.stats.inc_value("monitor/listing/errors")
        logger.error("%s: listing %s failed: %s", source, request.url, failure.getErrorMessage() or failure.type.__name__)

    def warn_entities(self, response: Response, body: bytes) -> None:
        if declares_entities(body):
            logger.warning("%s: listing %s declares XML entities; read without its DOCTYPE, nothing expanded",
                           response.meta.get("source", "?"), response.url)
            self.crawler.stats.inc_value("monitor/listing/entities_dropped")

    def bad_listing(self, response: Response, error: Exception) -> None:
        source = response.meta.get("source", "?")
        # Forget its ETag: a broken listing must be fetched (and reported) again next run.
        self.context.listing_validators.pop(response.url, None)
        self.context.health(source, "listing_errors")
        self.crawler.stats.inc_value("monitor/listing/malformed")
        logger.error("%s: listing %s is unreadable: %s", source, response.url, error)
