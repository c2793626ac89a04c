"""Shared state of one crawl: seeds, topic, database, known URLs, the run's counters."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils
from scrapy.crawler import Crawler

from monitor import db as dbmod
from monitor.relevance import Topic
from monitor.seeds import Sources, load_seed_articles, load_sources

logger = logging.getLogger(__name__)

NEWSROOM_SOURCES = Path(__file__).parent / "newsroom" / "outlets.yaml"


class CrawlContext:
    """Everything the spiders and pipelines of one crawler share; built once per crawler."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.seeds_dir = Path(settings.get("MONITOR_SEEDS"))
        self.db_path = Path(settings.get("MONITOR_DB"))
        sources_file = settings.get("MONITOR_SOURCES") or str(self.seeds_dir / "sources.yaml")
        self.sources: Sources = load_sources(Path(sources_file))
        self.seed_articles = load_seed_articles(self.seeds_dir)
        self.topic = Topic.load(self.seeds_dir, seed_texts=[s.text for s in self.seed_articles])
        self.db: sqlite_utils.Database = dbmod.connect(self.db_path)
        dbmod.check_writable(self.db)
        dbmod.sync_sources(self.db, self.sources)
        dbmod.sync_rounds(self.db, self.topic.rounds)
        from monitor.seeding import insert_seed_articles  # late: it needs the pipelines' helpers

        insert_seed_articles(self.db, self.seed_articles, self.topic)
        self.crawl_id: int | None = None
        self.retry_errors_after = timedelta(hours=settings.getfloat("MONITOR_RETRY_ERRORS_AFTER_HOURS", 24))
        self.known = self._load_known_urls()
        # (source, month, method) -> Counter(listed=, fetched=, stored=, rejected=)
        self.coverage: dict[tuple[str, str, str], Counter[str]] = {}
        self.per_source: dict[str, Counter[str]] = {}
        self.words_by_source: dict[str, list[int]] = {}
        self.listing_validators: dict[str, dict[str, Any]] = {}

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlContext:
        context = getattr(crawler, "_monitor_context", None)
        if context is None:
            context = cls(crawler)
            crawler._monitor_context = context  # type: ignore[attr-defined]
        return context

    def _load_known_urls(self) -> set[str]:
        """URLs that need no fetch: stored articles, their aliases, and pages judged recently."""
        # When each stored article was last fetched: a sitemap lastmod after it means an update.
        self.last_fetched: dict[str, datetime] = {}
        for url, last_seen in self.db.execute("SELECT url, last_seen FROM articles WHERE is_seed = 0"):
            try:
                self.last_fetched[url] = datetime.fromisoformat(last_seen)
            except (TypeError, ValueError):
                continue
        known = {row[0] for row in self.db.execute("SELECT url FROM articles")}
        known.update(row[0] for row in self.db.execute("SELECT url FROM url_aliases"))
        # Stored article URLs and their aliases: a URL outside it needs no database lookup.
        self.stored_urls = set(known)
        cutoff = (datetime.now(UTC) - self.retry_errors_after).isoformat()
        known.update(
            row[0]
            for row in self.db.execute(
                "SELECT url FROM pages WHERE verdict NOT IN ('error', 'blocked') OR fetched_at >= ?", [cutoff]
            )
        )
        return known

    def count(self, source: str, month: str | None, method: str, what: str, n: int = 1) -> None:
        """The coverage ledger: per outlet, month and discovery method."""
        key = (source, month or "unknown", method)
        self.coverage.setdefault(key, Counter())[what] += n

    def health(self, source: str, what: str, n: int = 1) -> None:
        """Per-outlet counters of this run: listed, fetched, extracted, dated, relevant, stored, errors."""
        self.per_source.setdefault(source, Counter())[what] += n

    def listing_fetched(self, url: str) -> datetime | None:
        """When a listing was last read successfully, or None."""
        row = self.db.execute("SELECT fetched_at FROM listings WHERE url = ? AND status IN (200, 304, 404, 410)", [url]).fetchone()
        try:
            return datetime.fromisoformat(row[0]) if row and row[0] else None
        except ValueError:
            return None

    def listing_validator(self, url: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT etag, last_modified FROM listings WHERE url = ?", [url]).fetchone()
        if row is None:
            return None
        return {"etag": row[0], "last_modified": row[1]}
