"""The sitemaps spider: robots.txt discovery, sitemap indexes, Google News and monthly archive sitemaps."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from urllib.parse import urlsplit

import jdatetime
from protego import Protego
from scrapy.http import Request, Response
from scrapy.utils.gz import gunzip, gzip_magic_number

from monitor.listings import ListingError, parse_sitemap
from monitor.seeds import Source
from spiders.base import MonitorSpider


def months(since: date, until: date) -> Iterator[date]:
    day = date(since.year, since.month, 1)
    while day <= until:
        yield day
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def jalali_months(since: date, until: date) -> list[tuple[int, int]]:
    """The Solar Hijri (year, month) pairs that overlap the window, in order."""
    seen: list[tuple[int, int]] = []
    day = since
    while day <= until:
        j = jdatetime.date.fromgregorian(date=day)
        if (j.year, j.month) not in seen:
            seen.append((j.year, j.month))
        day += timedelta(days=10)
    j = jdatetime.date.fromgregorian(date=until)
    if (j.year, j.month) not in seen:
        seen.append((j.year, j.month))
    return seen


def archive_urls(template: str, since: date, until: date) -> list[str]:
    """One archive URL per month of the window, Gregorian or Solar Hijri by the template's fields."""
    return [url for url, _ in archive_months(template, since, until)]


def archive_months(template: str, since: date, until: date) -> list[tuple[str, date]]:
    """(URL, last day of its month) for each month of the window."""
    if "{jyear" in template or "{jmonth" in template:
        result = []
        for y, m in jalali_months(since, until):
            last = jdatetime.date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
            result.append((template.format(jyear=y, jmonth=m), last.togregorian()))
        return result
    return [(template.format(year=d.year, month=d.month),
             date(d.year + (d.month == 12), d.month % 12 + 1, 1) - timedelta(days=1)) for d in months(since, until)]


# A Gregorian month named in a child sitemap's URL: /sitemap/2019-05.xml, /archive/2019/05/, news-201905.xml.
URL_MONTH = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})[-_/]?(0[1-9]|1[0-2])(?![0-9])")


def url_month(url: str) -> date | None:
    """The first day of the month a sitemap URL's path names, if any (Solar Hijri years do not match)."""
    match = URL_MONTH.search(urlsplit(url).path)
    return date(int(match.group(1)), int(match.group(2)), 1) if match else None


ARCHIVE_SETTLE_DAYS = 7   # late additions to a month's archive land within days of its end


class SitemapsSpider(MonitorSpider):
    """Walks sitemaps (from the sources and robots.txt) and dated archive sitemaps inside the window."""

    name = "sitemaps"
    method = "sitemap"

    def __init__(self, refresh: str | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.refresh = str(refresh or "").lower() in ("1", "true", "yes")

    def start_listing(self, source: Source) -> Iterator[Request]:
        for url in source.sitemaps:
            yield self.listing_request(url, source, self.parse_sitemap, "sitemap")
        if source.robots_sitemaps:
            robots = source.homepage.split("/", 3)
            yield Request(f"{robots[0]}//{robots[2]}/robots.txt", callback=self.parse_robots,
                          errback=self.listing_failed, meta={"source": source.id}, priority=10)
        if source.archive_sitemap:
            for url, last_day in archive_months(source.archive_sitemap, self.since, self.until):
                if self.closed_and_read(url, last_day):
                    continue
                yield self.listing_request(url, source, self.parse_sitemap, "archive-sitemap")

    def closed_and_read(self, url: str, last_day: date) -> bool:
        """A past month's archive already read after the month ended has nothing new (unless -a refresh=1)."""
        if self.refresh:
            return False
        fetched = self.context.listing_fetched(url)
        if fetched is not None and fetched.date() > last_day + timedelta(days=ARCHIVE_SETTLE_DAYS):
            self.crawler.stats.inc_value("monitor/sitemap/closed_month_skipped")
            return True
        return False

    def parse_robots(self, response: Response) -> Iterator[Request]:
        source = self.context.sources.get(response.meta["source"])
        try:
            robots = Protego.parse(response.text)
        except Exception as exc:  # noqa: BLE001 - a broken robots.txt is a listing error, not a crash
            self.bad_listing(response, exc)
            return
        configured = set(source.sitemaps)
        for url in robots.sitemaps:
            if url not in configured:
                yield self.listing_request(url, source, self.parse_sitemap, "sitemap")

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        if self.listing_unchanged(response):
            return
        source = self.context.sources.get(response.meta["source"])
        body = response.body
        if gzip_magic_number(response):
            try:
                body = gunzip(body, max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
            except Exception as exc:  # noqa: BLE001 - corrupt or oversized archives are logged and skipped
                self.bad_listing(response, ValueError(f"gzip: {exc or type(exc).__name__}"))
                return
        if not body.lstrip()[:100].lower().startswith((b"<?xml", b"<urlset", b"<sitemapindex")):
            yield from self.parse_listing_page(response, source)
            return
        self.warn_entities(response, body)
        try:
            sitemap = parse_sitemap(body)
        except ListingError as exc:
            self.bad_listing(response, exc)
            return
        if sitemap.kind == "sitemapindex":
            for entry in sitemap.entries:
                modified = self.listing_date(entry.published, source)
                # A child sitemap untouched since before the window holds nothing in it.
                if modified is not None and modified.date() < self.since:
                    self.crawler.stats.inc_value("monitor/sitemap/skipped_old")
                    continue
                # A monthly archive sitemap of a month outside the window: its lastmod says nothing.
                month = url_month(entry.url)
                if month is not None and not date(self.since.year, self.since.month, 1) <= month <= self.until:
                    self.crawler.stats.inc_value("monitor/sitemap/skipped_out_of_window")
                    continue
                yield self.listing_request(response.urljoin(entry.url), source, self.parse_sitemap, "sitemap")
            return
        for entry in sitemap.entries:
            listing = {
                "title": entry.title, "keywords": entry.keywords, "date_raw": entry.published,
                "date_source": entry.date_source, "date": self.listing_date(entry.published, source),
            }
            request = self.consider(response.urljoin(entry.url), source, listing)
            if request is not None:
                yield request

    def parse_listing_page(self, response: Response, source: Source) -> Iterator[Request]:
        """An HTML archive listing (some outlets have no XML archive): its article links."""
        if not hasattr(response, "css"):
            self.bad_listing(response, ValueError("neither a sitemap nor an HTML page"))
            return
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if source.is_article_url(url):
                request = self.consider(url, source, {"date": None})
                if request is not None:
                    yield request
