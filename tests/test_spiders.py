"""The spiders: argument checks, archive months, and real crawls of the newsroom read from its request log."""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from scrapy.utils.test import get_crawler

from monitor.errors import ArgumentError, MonitorError
from monitor.seeds import load_sources
from monitor.urls import normalize_url
from spiders.archive import ArchiveSpider
from spiders.base import MonitorSpider
from spiders.feeds import FeedsSpider
from spiders.search import SearchSpider
from spiders.sitemaps import SitemapsSpider, archive_urls, url_month
from tests.conftest import ROOT, run_monitor
from tests.truth import OUTLETS

SPIDER_CLASSES = [FeedsSpider, SitemapsSpider, SearchSpider, ArchiveSpider]
TASS = load_sources(OUTLETS).get("tass")


def build(spider: type[MonitorSpider], tmp_path: Path, **args: str) -> MonitorSpider:
    crawler = get_crawler(spider, settings_dict={"MONITOR_DB": str(tmp_path / "astana.db"),
                                                  "MONITOR_SEEDS": str(ROOT / "seeds"),
                                                  "MONITOR_SOURCES": str(OUTLETS),
                                                  "MONITOR_ARCHIVE_URL": "http://web.archive.test"})
    return spider.from_crawler(crawler, **args)


def crawl(newsroom: Any, db: Path, *args: str) -> list[tuple[str, str, int]]:
    """One `monitor crawl` of the newsroom; returns the newsroom's log of (method, url, status) it caused."""
    newsroom.requests.clear()
    result = run_monitor("crawl", "--newsroom", newsroom.proxy_url, *args, db=db, timeout=300)
    assert result.returncode in (0, 1), result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return list(newsroom.requests)


# --------------------------------------------------------------------------- arguments


@pytest.mark.parametrize("spider", SPIDER_CLASSES)
def test_a_bad_date_is_an_argument_error(spider: type[MonitorSpider], tmp_path: Path) -> None:
    with pytest.raises(ArgumentError) as raised:
        build(spider, tmp_path, since="2017-13-01")
    assert str(raised.value) == "-a since='2017-13-01': expected a date as YYYY-MM-DD"


def test_since_after_until_is_an_argument_error(tmp_path: Path) -> None:
    with pytest.raises(ArgumentError, match=r"-a since=2019-06-01 is after -a until=2019-01-31"):
        build(SitemapsSpider, tmp_path, since="2019-06-01", until="2019-01-31")


def test_an_unknown_source_names_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(MonitorError) as raised:
        build(FeedsSpider, tmp_path, source="tass,nosuch")
    unknown, known = str(raised.value).split("; known: ")
    assert unknown.endswith("unknown source id(s) nosuch"), "only the unknown id is named as unknown"
    assert {"tabnak", "tass", "sana", "unnews"} <= set(known.split(", "))


def test_valid_arguments_set_the_window_and_sources(tmp_path: Path) -> None:
    spider = build(SitemapsSpider, tmp_path, source="tass,ria", since="2019-01-01", until="2019-12-31")
    assert [s.id for s in spider.selected] == ["tass", "ria"]
    assert (spider.since, spider.until) == (date(2019, 1, 1), date(2019, 12, 31))
    assert "tass.test" in spider.allowed_domains and "www.tabnak.test" not in spider.allowed_domains
    backfill = build(ArchiveSpider, tmp_path)
    assert (backfill.since, backfill.until) == (date(2017, 1, 1), date(2024, 12, 31)), "the topic's window"
    assert "web.archive.test" in backfill.allowed_domains, "the archive's host is allowed too"


# --------------------------------------------------------------------------- archive months


def months_of(urls: list[str], pattern: str) -> list[tuple[int, int]]:
    return [(int(m.group(1)), int(m.group(2))) for m in (re.search(pattern, u) for u in urls) if m]


def consecutive(months: list[tuple[int, int]], per_year: int = 12) -> bool:
    return all((y2, m2) == ((y, m + 1) if m < per_year else (y + 1, 1))
               for (y, m), (y2, m2) in zip(months, months[1:], strict=False))


def test_gregorian_archive_urls_cover_every_month() -> None:
    urls = archive_urls("http://tass.test/sitemap/{year}-{month:02d}.xml", date(2017, 1, 15), date(2018, 3, 2))
    months = months_of(urls, r"(\d{4})-(\d{2})\.xml")
    assert len(months) == len(urls) == 15
    assert months[0] == (2017, 1) and months[-1] == (2018, 3) and consecutive(months)
    assert archive_urls("http://x.test/{year}/{month}", date(2019, 5, 31), date(2019, 5, 31)) == ["http://x.test/2019/5"]


def test_solar_hijri_archive_urls_cover_every_month() -> None:
    template = "http://www.tabnak.test/sitemap/archive-{jyear}-{jmonth:02d}.xml"
    march = months_of(archive_urls(template, date(2017, 3, 1), date(2017, 3, 31)), r"archive-(\d{4})-(\d{2})")
    assert march == [(1395, 12), (1396, 1)], "Nowruz (21 March) starts 1396"
    window = months_of(archive_urls(template, date(2017, 1, 1), date(2024, 12, 31)), r"archive-(\d{4})-(\d{2})")
    assert window[0] == (1395, 10) and window[-1] == (1403, 10)
    assert consecutive(window) and len(window) == len(set(window)) == 8 * 12 + 1


# --------------------------------------------------------------------------- real crawls


def article_requests(log: list[tuple[str, str, int]], outlet_hosts: tuple[str, ...]) -> list[str]:
    return [url for method, url, _ in log
            if method == "GET" and urlsplit(url).hostname in outlet_hosts and TASS.is_article_url(url)]


@pytest.mark.parametrize(("since", "until"), [(date(2019, 1, 1), date(2019, 12, 31)),
                                             (date(2017, 6, 1), date(2018, 12, 31))])
def test_sitemap_backfill_fetches_only_in_window_candidates(newsroom: Any, tmp_path: Path, since: date,
                                                            until: date) -> None:
    db = tmp_path / "backfill.db"
    log = crawl(newsroom, db, "--spiders", "sitemaps", "--source", "tass",
                "--since", since.isoformat(), "--until", until.isoformat())
    fetched = article_requests(log, TASS.hosts)
    truth = {normalize_url(a.url): a for a in newsroom.world.articles if a.outlet == "tass" and not a.generated}
    slack = timedelta(days=1)
    for url in fetched:
        article = truth.get(normalize_url(url))
        assert article is not None, f"{url} is no tass article"
        assert since - slack <= article.published.date() <= until + slack, (url, article.published)
    # Removed articles and fault pages are in no sitemap; everything else is in its month's archive sitemap.
    listed = [a for a in truth.values() if not a.removed and not a.fault and since <= a.published.date() <= until]
    print(f"\nsitemap backfill of tass {since}..{until}: {len(fetched)} article requests, {len(listed)} tass "
          f"articles listed in the window, {len(log)} requests in all")
    assert listed, "the newsroom has tass articles in the window"
    assert len(fetched) == len(set(fetched)) == len(listed)
    # Archive sitemaps of months outside the window are not even fetched.
    archive_months = [u for _, u, _ in log if re.search(r"/sitemap/\d{4}-\d{2}\.xml$", u)]
    assert archive_months
    assert all(since.replace(day=1) <= url_month(u) <= until for u in archive_months), archive_months  # type: ignore[operator]
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT min(published), max(published) FROM articles "
                              "WHERE source = 'tass' AND is_seed = 0").fetchone()
    assert stored[0] >= (since - slack).isoformat() and stored[1] < (until + slack * 2).isoformat()


def result_pages(log: list[tuple[str, str, int]]) -> dict[str, list[int]]:
    pages: dict[str, list[int]] = defaultdict(list)
    for method, url, _ in log:
        parts = urlsplit(url)
        if method == "GET" and parts.hostname == "tass.test" and parts.path == "/search":
            query = parse_qs(parts.query)
            pages[query["searchStr"][0]].append(int(query["page"][0]))
    return {q: sorted(p) for q, p in pages.items()}


def test_search_stops_paging_when_results_age_out(newsroom: Any, tmp_path: Path) -> None:
    full = result_pages(crawl(newsroom, tmp_path / "full.db", "--spiders", "search", "--source", "tass",
                              "--since", "2017-01-01"))
    recent = result_pages(crawl(newsroom, tmp_path / "recent.db", "--spiders", "search", "--source", "tass",
                                "--since", "2023-06-01"))
    print(f"\nsearch result pages per query: since 2017 {full}, since 2023-06 {recent}")
    assert set(full) == set(recent) and len(full) >= 2
    for query, pages in {**full, **recent}.items():
        assert pages == list(range(1, len(pages) + 1)), (query, pages)
    assert all(len(recent[q]) <= len(full[q]) for q in full)
    assert sum(len(p) for p in recent.values()) < sum(len(p) for p in full.values())
    # A query with several pages of results stops early once its results are older than the window.
    assert any(len(recent[q]) < len(full[q]) for q in full if len(full[q]) > 1)


def test_archive_spider_stores_removed_articles_from_snapshots(newsroom: Any, tmp_path: Path) -> None:
    removed = [a for a in newsroom.world.articles if a.removed and a.relevant and not a.generated]
    assert removed, "the newsroom removes some relevant articles"
    outlet = removed[0].outlet
    gone = [a for a in removed if a.outlet == outlet]
    db = tmp_path / "archive.db"
    log = crawl(newsroom, db, "--spiders", "archive", "--source", outlet, "--since", "2017-01-01")
    aliases = load_sources(OUTLETS).host_aliases()
    with sqlite3.connect(db) as conn:
        rows = {r[0]: r[1:] for r in conn.execute(
            "SELECT url, snapshot_url, snapshot_time, discovered_via, published FROM articles WHERE is_seed = 0")}
    print(f"\narchive crawl of {outlet}: {len(rows)} articles, removed ones: {[a.url for a in gone]}")
    for article in gone:
        url = normalize_url(article.url, aliases)
        assert url in rows, f"removed article {url} not recovered from the archive"
        snapshot_url, snapshot_time, via, published = rows[url]
        assert via == "archive" and snapshot_url.startswith("http://web.archive.test/web/")
        assert snapshot_url.endswith(article.url.split("://", 1)[1]) and "id_/" in snapshot_url
        stamp = re.search(r"/web/(\d{14})id_/", snapshot_url).group(1)  # type: ignore[union-attr]
        assert datetime.fromisoformat(snapshot_time).strftime("%Y%m%d%H%M%S") == stamp
        assert published and published[:10] == article.published.strftime("%Y-%m-%d")
        assert not any(u == article.url for _, u, _ in log), "the removed page itself is not fetched"
    assert all(r[0] and r[2] == "archive" for r in rows.values())


def test_second_feed_crawl_is_conditional(newsroom: Any, tmp_path: Path) -> None:
    feed = "http://tass.test/rss/v2.xml"
    db = tmp_path / "feeds.db"
    first = crawl(newsroom, db, "--spiders", "feeds", "--source", "tass", "--since", "2017-01-01")
    assert [s for m, u, s in first if u == feed and m == "GET"] == [200]
    with sqlite3.connect(db) as conn:
        etag, modified = conn.execute("SELECT etag, last_modified FROM listings WHERE url = ?", [feed]).fetchone()
    assert etag or modified
    second = crawl(newsroom, db, "--spiders", "feeds", "--source", "tass", "--since", "2017-01-01")
    assert [s for m, u, s in second if u == feed and m == "GET"] == [304]
    assert article_requests(second, TASS.hosts) == [], "an unchanged feed leads to no article fetch"
    with sqlite3.connect(db) as conn:
        after = conn.execute("SELECT etag, last_modified, status FROM listings WHERE url = ?", [feed]).fetchone()
    assert after[:2] == (etag, modified), "the validators survive a 304"
