"""Fault injection (issue 11): every newsroom fault through the real crawler, bad feeds, a killed crawl, loopback."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.newsroom.faults import ARTICLE_FAULTS, FAULTS, Fault
from monitor.seeds import load_sources
from monitor.urls import normalize_url
from tests.conftest import MONITOR, ROOT, Crawl, crawl_newsroom, monitor_env
from tests.truth import OUTLETS

# Figures gathered by the tests below and printed (and checked) by the last one.
FIGURES: Counter[str] = Counter()
REPORTED: set[str] = set()

ALIASES = load_sources(OUTLETS).host_aliases()
BAD_FEEDS = [f for f in FAULTS if f.verdict == "feed-error"]
# What a correct crawler records in `pages` for each expected verdict of faults.py.
VERDICTS = {"stored": {"stored"}, "error": {"error"}, "blocked": {"blocked", "consent", "paywall"},
            "no-article": {"empty", "listing"}}
SPECIFIC = {"paywall": "paywall", "cookie-wall": "consent", "anti-bot-arvancloud": "blocked",
            "anti-bot-cloudflare": "blocked"}
# Why each failed fetch failed: the HTTP status, or a word of the recorded reason.
ERROR_STATUS = {"unavailable-503": 503, "rate-limited-429": 429, "not-found-in-feed": 404}
ERROR_REASON = {"timeout": "took longer than", "connection-reset": "connection", "truncated": "dataloss",
                "oversized": "download max size", "binary-as-html": "binary"}
# A word of each stored fault article's own text, in its own script (mojibake would lose it).
KNOWN_WORDS = {"error-500-once": "Конгресса", "cp1251": "меморандума", "windows-1256": "الضامنة",
               "windows-1256-undeclared": "إدلب"}


def canonical(url: str) -> str:
    return normalize_url(url, ALIASES)


def rows(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def duplicates(db: Path) -> int:
    """Article rows beyond the first with the same URL, or the same text within one outlet."""
    by_url = rows(db, "SELECT count(*) - 1 FROM articles GROUP BY url HAVING count(*) > 1")
    by_text = rows(db, "SELECT count(*) - 1 FROM articles GROUP BY source, text_hash HAVING count(*) > 1")
    return sum(r[0] for r in by_url + by_text)


def record(test: str, **figures: int) -> None:
    FIGURES.update(figures)
    REPORTED.add(test)


def page_of(crawled: Crawl, fault: Fault) -> tuple[Any, ...]:
    found = rows(crawled.db, "SELECT verdict, status, reason, article_id FROM pages WHERE url = ?",
                 (canonical(fault.url),))
    assert found, f"{fault.name}: no pages row for {fault.url}"
    return found[0]


@pytest.mark.parametrize("fault", ARTICLE_FAULTS, ids=[f.name for f in ARTICLE_FAULTS])
def test_article_fault_gets_its_verdict(crawled: Crawl, fault: Fault) -> None:
    verdict, status, reason, _ = page_of(crawled, fault)
    assert verdict in VERDICTS[fault.verdict], (fault.name, verdict, reason)
    if fault.name in SPECIFIC:
        assert verdict == SPECIFIC[fault.name], (fault.name, verdict, reason)
    if fault.name in ERROR_STATUS:
        assert status == ERROR_STATUS[fault.name], (fault.name, status, reason)
    if fault.name in ERROR_REASON:
        assert ERROR_REASON[fault.name] in reason.lower(), (fault.name, reason)
    assert reason, f"{fault.name}: the verdict needs its reason"
    stored = rows(crawled.db, "SELECT count(*) FROM articles WHERE url = ?", (canonical(fault.url),))[0][0]
    assert stored == (1 if fault.verdict == "stored" else 0), fault.name
    lost = 1 - stored if fault.verdict == "stored" else 0
    record(f"article:{fault.name}", fault_pages=1, bad_inputs=1, rows_lost=lost)


@pytest.mark.parametrize("name", sorted(KNOWN_WORDS))
def test_recovered_fault_articles_have_their_own_text(crawled: Crawl, newsroom: Any, name: str) -> None:
    """500-then-success, cp1251 and windows-1256 (declared or not) articles stored with their truth text."""
    fault = next(f for f in FAULTS if f.name == name)
    truth = newsroom.world.by_id[fault.article_id]
    (text, title, language, published) = rows(
        crawled.db, "SELECT text, title, language, published FROM articles WHERE url = ?", (canonical(fault.url),))[0]
    assert KNOWN_WORDS[name] in text, (name, text[:300])
    words = [w for p in truth.paragraphs for w in p.split() if len(w) > 3]
    found = sum(1 for w in words if w in text)
    assert found >= 0.9 * len(words), f"{name}: {found}/{len(words)} truth words in the stored text"
    assert title == truth.title and language == truth.language
    assert published[:10] == truth.published.strftime("%Y-%m-%d")
    assert not any(mark in text for mark in ("Ð", "Ø", "Ù", "\ufffd")), "mojibake"


def test_gzip_bomb_sitemap_is_refused_and_the_crawl_finishes(crawled: Crawl) -> None:
    (bomb,) = [f for f in FAULTS if f.name == "gzip-bomb-sitemap"]
    lines = [line for line in crawled.result.stderr.splitlines() if bomb.url in line and " ERROR: " in line]
    assert lines, "the refused sitemap must be named in the log"
    assert "kazinform" in lines[0] and "gzip" in lines[0]
    assert rows(crawled.db, "SELECT status FROM crawls WHERE spider = 'sitemaps'") == [("ok",)]
    assert rows(crawled.db, "SELECT sum(listing_errors) FROM source_runs WHERE source = 'kazinform'")[0][0] >= 1
    record("gzip-bomb", fault_pages=1, bad_inputs=1)


def test_oversized_page_is_cut_off_by_download_maxsize(crawled: Crawl) -> None:
    from monitor import settings

    (fault,) = [f for f in FAULTS if f.name == "oversized"]
    verdict, _, reason, _ = page_of(crawled, fault)
    assert verdict == "error" and f"({settings.DOWNLOAD_MAXSIZE})" in reason


def test_crawled_database_has_no_duplicates_and_is_intact(crawled: Crawl) -> None:
    assert rows(crawled.db, "PRAGMA integrity_check") == [("ok",)]
    record("crawled", duplicate_rows=duplicates(crawled.db))


def bad_feeds_sources(tmp_path: Path) -> Path:
    """The newsroom's outlets with Mehr reading only the bad feeds its homepage links to."""
    data = yaml.safe_load(OUTLETS.read_text(encoding="utf-8"))
    (mehr,) = [s for s in data["sources"] if s["id"] == "mehr"]
    assert all(f.listed_in == mehr["homepage"] for f in BAD_FEEDS)
    mehr["feeds"] = [f.url for f in BAD_FEEDS]
    path = tmp_path / "bad-feeds.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_bad_mehr_feeds_are_named_and_nothing_expands(crawled: Crawl, newsroom: Any, tmp_path: Path) -> None:
    db = tmp_path / "mehr.db"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{crawled.db}{suffix}").exists():
            shutil.copy(f"{crawled.db}{suffix}", f"{db}{suffix}")
    before = {r[0] for r in rows(db, "SELECT url FROM articles")}
    last_run = rows(db, "SELECT max(id) FROM crawls")[0][0]
    served = {f.url: newsroom.requests.count(f.url) for f in BAD_FEEDS}
    crawl = crawl_newsroom(newsroom.proxy_url, db, "--sources", str(bad_feeds_sources(tmp_path)),
                           "--spiders", "feeds", "--source", "mehr")
    log = crawl.result.stderr
    assert crawl.result.returncode in (0, 1), log[-3000:]
    assert "Traceback" not in log
    assert rows(crawl.db, "SELECT spider, status FROM crawls WHERE id > ?", (last_run,)) == [("feeds", "ok")]
    for fault in BAD_FEEDS:
        assert newsroom.requests.count(fault.url) > served[fault.url], f"{fault.name} was not fetched"
        named = [line for line in log.splitlines()
                 if fault.url in line and (" WARNING: " in line or " ERROR: " in line)]
        assert named, f"{fault.name}: no warning or error names {fault.url}"
    # Nothing expanded: no laughs, no file contents, anywhere in the database or the log.
    passwd = Path("/etc/passwd").read_text().splitlines()[0]
    with sqlite3.connect(db) as conn:
        dump = "\n".join(conn.iterdump())
    for text in (dump, log):
        assert "lollol" not in text and passwd not in text
    after = {r[0] for r in rows(db, "SELECT url FROM articles")}
    assert rows(crawl.db, "PRAGMA integrity_check") == [("ok",)]
    record("mehr-feeds", fault_pages=len(BAD_FEEDS), bad_inputs=len(BAD_FEEDS), rows_lost=len(before - after),
           duplicate_rows=duplicates(db))


def test_production_mode_refuses_loopback(newsroom: Any, tmp_path: Path) -> None:
    """Without MONITOR_TEST_MODE a sources file pointing at 127.0.0.1 or localhost reaches nothing."""
    port = newsroom.port
    urls = [f"http://127.0.0.1:{port}/rss", f"http://localhost:{port}/rss.xml"]
    sources = tmp_path / "loopback.yaml"
    sources.write_text(yaml.safe_dump({"sources": [
        {"id": "loopback", "name": "Loopback", "homepage": f"http://127.0.0.1:{port}/", "hosts": ["127.0.0.1"],
         "languages": ["en"], "feeds": [urls[0]]},
        {"id": "local", "name": "Local", "homepage": f"http://localhost:{port}/", "hosts": ["localhost"],
         "languages": ["en"], "feeds": [urls[1]]},
    ]}), encoding="utf-8")
    env = monitor_env()
    for name in ("MONITOR_TEST_MODE", "MONITOR_PROXY", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        env.pop(name, None)
    served = len(newsroom.requests)
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "feeds", "-a", "since=2017-01-01",
         "-s", f"MONITOR_SOURCES={sources}", "-s", f"MONITOR_DB={tmp_path / 'loopback.db'}"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(newsroom.requests) == served, "a request reached the newsroom on loopback"
    lines = result.stderr.splitlines()
    for url in urls:
        assert any(f"refused {url}: " in line for line in lines), url
        assert any(f"listing {url} failed: blocked destination" in line for line in lines), url
    assert rows(tmp_path / "loopback.db", "SELECT source, listing_errors FROM source_runs ORDER BY source") == \
        [("local", 1), ("loopback", 1)]
    record("loopback", bad_inputs=len(urls))


@pytest.fixture(scope="module")
def big_newsroom() -> Iterator[Any]:
    """A newsroom with generated articles, so a sitemaps crawl runs for several seconds."""
    from monitor.newsroom.server import start_newsroom

    with start_newsroom(scale=400, timeout_delay=4.0) as server:
        yield server


def test_sigkill_mid_crawl_then_resume_stores_everything_once(big_newsroom: Any, tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
    cmd = [*MONITOR, "--db", str(db), "crawl", "--newsroom", big_newsroom.proxy_url, "--since", "2017-01-01",
           "--spiders", "sitemaps"]

    def stored() -> int:
        try:
            return int(rows(db, "SELECT count(*) FROM articles WHERE is_seed = 0")[0][0])
        except sqlite3.OperationalError:  # not created yet, or busy
            return 0

    with (tmp_path / "killed.log").open("w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=monitor_env(),
                                start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            while proc.poll() is None and stored() < 40 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert proc.poll() is None, "the crawl ended before it could be killed"
            os.killpg(proc.pid, signal.SIGKILL)  # the crawler and its extraction workers
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    survivors = {r[0] for r in rows(db, "SELECT url FROM articles")}
    assert len(survivors) > 40, "the seed and the articles stored before the kill"
    assert rows(db, "SELECT count(*) FROM articles WHERE title IS NULL OR text IS NULL OR text = ''")[0][0] == 0
    assert rows(db, "SELECT status FROM crawls") == [("running",)], "the killed run never finished its record"
    assert Path(f"{db}.lock").read_text() == str(proc.pid)

    resumed = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=monitor_env(), timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert f"took over a stale lock left by pid {proc.pid} (no longer running)" in resumed.stderr
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    after = {r[0] for r in rows(db, "SELECT url FROM articles")}
    expected = {canonical(a.url) for a in big_newsroom.world.articles
                if a.relevant and not a.removed and not a.fault}  # removed pages are only in the archive
    expected |= {canonical(a.url) for a in big_newsroom.world.generated if a.relevant}
    missing = (expected - after) | (survivors - after)
    assert not missing, sorted(missing)[:10]
    dupes = duplicates(db)
    assert dupes == 0
    record("sigkill", crawls_killed=1, rows_lost=len(missing), duplicate_rows=dupes)


def test_summary_of_the_fault_suite() -> None:
    """Runs last: what the suite injected and what it lost."""
    expected = {f"article:{f.name}" for f in ARTICLE_FAULTS} | {"gzip-bomb", "crawled", "mehr-feeds", "loopback",
                                                                 "sigkill"}
    print(f"\nfault suite: pages served with faults {FIGURES['fault_pages']} (of {len(FAULTS)} faults), "
          f"crawls killed {FIGURES['crawls_killed']}, bad inputs tried {FIGURES['bad_inputs']}, "
          f"rows lost {FIGURES['rows_lost']}, duplicate rows {FIGURES['duplicate_rows']}")
    assert expected <= REPORTED, f"run the whole module; missing {sorted(expected - REPORTED)}"
    assert FIGURES["fault_pages"] == len(FAULTS)
    assert FIGURES["crawls_killed"] >= 1
    assert FIGURES["rows_lost"] == 0
    assert FIGURES["duplicate_rows"] == 0
