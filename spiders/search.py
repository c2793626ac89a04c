"""The search spider: the topic's queries in each outlet's languages, page after page, back to the window."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from urllib.parse import quote_plus

from parsel import Selector
from scrapy.http import Request, Response

from monitor.dates import parse_date
from monitor.seeds import Source
from spiders.base import MonitorSpider

RESULTS_PER_PAGE_GUESS = 20   # for templates that page by {offset}
RESULT_CONTAINERS = ("li", "article", "div", "tr")


def search_url(template: str, query: str, page: int) -> str:
    return template.format(query=quote_plus(query), page=page, offset=(page - 1) * RESULTS_PER_PAGE_GUESS)


class SearchSpider(MonitorSpider):
    """Runs each outlet's site search for the topic's queries and follows result pages until they age out."""

    name = "search"
    method = "search"

    def start_listing(self, source: Source) -> Iterator[Request]:
        if not source.search:
            return
        queries = {q for lang in source.languages for q in self.context.topic.queries(lang)}
        for query in sorted(queries):
            yield self.results_request(source, query, 1)

    def results_request(self, source: Source, query: str, page: int) -> Request:
        assert source.search is not None
        return Request(
            search_url(source.search, query, page), callback=self.parse_results, errback=self.listing_failed,
            meta={"source": source.id, "query": query, "page": page}, priority=5,
        )

    def parse_results(self, response: Response) -> Iterator[Request]:
        source = self.context.sources.get(response.meta["source"])
        query, page = response.meta["query"], response.meta["page"]
        if not hasattr(response, "css"):
            self.bad_listing(response, ValueError("search answered with a non-HTML page"))
            return
        found, dates = 0, []
        seen: set[str] = set()
        for link in response.css("a[href]"):
            url = response.urljoin(link.attrib["href"])
            if url in seen or not source.is_article_url(url):
                continue
            seen.add(url)
            found += 1
            title = " ".join(link.css("::text").getall()).strip() or None
            when = self.result_date(link, source)
            if when is not None:
                dates.append(when)
            request = self.consider(url, source, {"title": title, "date": when, "query": query})
            if request is not None:
                yield request
        max_pages = self.crawler.settings.getint("MONITOR_SEARCH_MAX_PAGES", 20)
        aged_out = bool(dates) and max(dates).date() < self.since
        if found and not aged_out and page < max_pages:
            yield self.results_request(source, query, page + 1)

    def result_date(self, link: Selector, source: Source) -> datetime | None:
        """The date shown with one search result: in its container, never the page header."""
        for container in link.xpath("ancestor::*[self::li or self::article or self::div or self::tr][1]"):
            for text in container.css("time::attr(datetime), time::text, .date::text, span::text").getall():
                parsed = parse_date(text.strip(), source.languages, timezone=source.timezone) if text.strip() else None
                if parsed is not None:
                    return parsed.value
        return None
