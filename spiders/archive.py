"""The archive spider: a Wayback-style CDX query per outlet and window, then the snapshots themselves."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from scrapy.http import Request, Response

from monitor.items import Article
from monitor.seeds import Source
from spiders.base import MonitorSpider


def cdx_time(value: str) -> datetime | None:
    try:
        return datetime.strptime(value[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


class ArchiveSpider(MonitorSpider):
    """Asks the archive which article URLs of each outlet it holds in the window and fetches their snapshots."""

    name = "archive"
    method = "archive"

    @property
    def archive_root(self) -> str:
        return str(self.crawler.settings.get("MONITOR_ARCHIVE_URL")).rstrip("/")

    def extra_hosts(self) -> set[str]:
        return {urlsplit(str(self.crawler.settings.get("MONITOR_ARCHIVE_URL"))).hostname or ""} - {""}

    def start_listing(self, source: Source) -> Iterator[Request]:
        for host in source.hosts:
            if host.startswith(("m.", "amp.")):
                continue   # mobile and AMP copies fold into the main host
            query = urlencode({
                "url": f"{host}/*", "from": self.since.strftime("%Y%m%d"), "to": self.until.strftime("%Y%m%d"),
                "output": "json", "fl": "timestamp,original,statuscode,mimetype",
                "filter": "statuscode:200", "collapse": "urlkey",
                "limit": self.crawler.settings.getint("MONITOR_ARCHIVE_LIMIT", 2000),
            })
            yield Request(f"{self.archive_root}/cdx/search/cdx?{query}", callback=self.parse_cdx,
                          errback=self.listing_failed, meta={"source": source.id}, priority=10)

    def parse_cdx(self, response: Response) -> Iterator[Request]:
        source = self.context.sources.get(response.meta["source"])
        try:
            rows = json.loads(response.text or "[]")
        except ValueError as exc:
            self.bad_listing(response, exc)
            return
        if not isinstance(rows, list) or not rows:
            return
        header, rows = rows[0], rows[1:]
        try:
            ts_col, url_col = header.index("timestamp"), header.index("original")
        except (ValueError, AttributeError):
            self.bad_listing(response, ValueError(f"unexpected CDX header {header!r}"))
            return
        for row in rows:
            timestamp, original = str(row[ts_col]), str(row[url_col])
            request = self.consider(
                original, source, {"date": None, "snapshot_time": timestamp},
                snapshot=f"{self.archive_root}/web/{timestamp}id_/{original}",
            )
            if request is not None:
                # Fetch the raw snapshot, keep the original URL as the article's identity.
                yield request.replace(url=request.meta["snapshot"], callback=self.parse_snapshot)

    def parse_snapshot(self, response: Response) -> Iterator[Article]:
        when = cdx_time(response.meta["listing"]["snapshot_time"])
        item = self.article_item(response, snapshot_url=response.url,
                                 snapshot_time=when.isoformat() if when else None)
        item.url = response.meta["requested_url"]
        yield item
