"""Stage 6, store: batched, transactional writes of articles, aliases, pages and stories to SQLite."""

from __future__ import annotations

import logging
import sqlite3
import time
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

from monitor.context import CrawlContext
from monitor.db import to_json, utcnow
from monitor.items import Article
from monitor.search import search_form
from monitor.stories import refresh_stories

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 2.0
REJECTED_TEXT_LIMIT = 20_000   # rejected pages keep their text for `monitor rescore`


class StorePipeline:
    """Writes each page's outcome; one transaction per batch keeps the file consistent if the crawl is killed."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.context = CrawlContext.of(crawler)
        self.stats = crawler.stats
        self.batch_size = crawler.settings.getint("MONITOR_BATCH_SIZE", 100)
        self.pending: list[Article] = []
        self.last_flush = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def process_item(self, item: Article, spider: object = None) -> Article:
        article = ItemAdapter(item).item
        self.pending.append(article)
        if len(self.pending) >= self.batch_size or time.monotonic() - self.last_flush > FLUSH_SECONDS:
            self.flush()
        return article

    def close_spider(self, spider: object = None) -> None:
        self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        self.last_flush = time.monotonic()
        now = utcnow()
        crawl_id = self.context.crawl_id
        articles, signatures, aliases, pages, stories = [], [], [], [], set()
        for article in batch:
            if article.verdict != "known":
                pages.append(self.page_row(article, now, crawl_id))
            aliases.extend(self.alias_rows(article, now))
            if article.verdict in ("stored", "updated"):
                articles.append(self.article_row(article, now, crawl_id))
                signatures.append({"article_id": article.article_id, "published": article.published,
                                   "signature": article.signature})
                if article.story_id:
                    stories.add(article.story_id)
        db = self.context.db
        try:
            with db.atomic():
                new_rows = [row for row in articles if not row["_update"]]
                for row in new_rows:
                    del row["_update"]
                if new_rows:
                    db.table("articles").insert_all(new_rows, pk="id")
                for row in articles:
                    if "_update" in row:
                        self.write_article(row)
                for article in batch:
                    # Copies stored before their story existed (or merged into another) move now.
                    for member, story in article.story_updates.items():
                        if member < 0:
                            db.execute("DELETE FROM stories WHERE id = ?", [-member])
                        else:
                            db.execute("UPDATE articles SET story_id = ? WHERE id = ?", [story, member])
                        stories.add(story)
                if signatures:
                    db.table("signatures").upsert_all(signatures, pk="article_id")
                if aliases:
                    db.table("url_aliases").insert_all(aliases, pk="url", ignore=True)
                if pages:
                    db.table("pages").upsert_all(pages, pk="url")
                refresh_stories(db, stories)
        except sqlite3.OperationalError as exc:
            # A full disk or a read-only file: stop the crawl cleanly; nothing of this batch is
            # marked as seen, so the next run fetches it again.
            logger.critical("cannot write to the database %s: %s", self.context.db_path, exc)
            self.stats.set_value("monitor/store/write_failed", f"database write failed: {exc}")
            self.close_crawl()
            return
        self.context.stored_urls.update(row["url"] for row in articles)
        self.context.stored_urls.update(row["url"] for row in aliases)
        for article in batch:
            self.account(article)

    def close_crawl(self) -> None:
        try:
            engine = self.crawler.engine
        except RuntimeError:  # no crawl running (the stage used on its own)
            return
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason="database write failed"))

    def write_article(self, row: dict[str, Any]) -> None:
        table = self.context.db.table("articles")
        if row.pop("_update", False):
            previous = table.get(row["id"])
            row["revisions"] = (previous.get("revisions") or 0) + 1
            row["first_seen"] = previous["first_seen"]
            row["story_id"] = previous.get("story_id")
            row["duplicate_of"] = previous.get("duplicate_of")
            row["is_seed"] = previous.get("is_seed") or 0
            row["modified"] = row.get("modified") or row["last_seen"]
        table.upsert(row, pk="id")

    def article_row(self, article: Article, now: str, crawl_id: int | None) -> dict[str, Any]:
        page, judgement = article.extracted, article.judgement
        text = page.get("text") or ""
        title = page.get("title") or article.listing.get("title") or ""
        return {
            "_update": article.verdict == "updated",
            "id": article.article_id, "url": article.canonical_url, "source": article.source,
            "title": title, "author": page.get("author"), "published": article.published,
            "published_method": article.published_method, "published_raw": article.published_raw,
            "published_day": article.published_day,
            "date_flag": article.date_flag, "modified": page.get("modified"),
            "modified_method": page.get("modified_method"), "language": page.get("language"),
            "round": judgement.get("round"), "round_method": judgement.get("round_method"),
            "relevance": judgement.get("relevance"), "relevant": int(bool(judgement.get("relevant"))),
            "reason": judgement.get("reason"), "matched_terms": to_json(judgement.get("matched_terms") or []),
            "story_id": article.story_id, "duplicate_of": article.duplicate_of, "credit": article.credit,
            "is_seed": 0,
            "discovered_via": article.discovered_via, "description": page.get("description"),
            "tags": to_json(page.get("tags") or []), "text": text, "words": len(text.split()),
            "text_hash": article.text_hash, "revisions": 0, "snapshot_url": article.snapshot_url,
            "snapshot_time": article.snapshot_time, "first_seen": now, "last_seen": now, "crawl_id": crawl_id,
            "search_title": search_form(title), "search_text": search_form(text),
        }

    def page_row(self, article: Article, now: str, crawl_id: int | None) -> dict[str, Any]:
        page, judgement = article.extracted, article.judgement
        rejected = article.verdict == "irrelevant"
        return {
            "url": article.canonical_url or article.url, "source": article.source, "status": article.status,
            "verdict": article.verdict or "error", "reason": (article.reason or page.get("reason") or "")[:500],
            "relevance": judgement.get("relevance"),
            "matched_terms": to_json(judgement.get("matched_terms")) if judgement else None,
            "title": page.get("title"), "language": page.get("language"), "published": article.published,
            "text": (page.get("text") or "")[:REJECTED_TEXT_LIMIT] if rejected else None,
            "article_id": article.article_id, "discovered_via": article.discovered_via,
            "fetched_at": article.fetched_at or now, "crawl_id": crawl_id,
        }

    def alias_rows(self, article: Article, now: str) -> list[dict[str, Any]]:
        if article.article_id is None:
            return []
        rows = [{"url": url, "article_id": article.article_id, "kind": kind, "first_seen": now}
                for url, kind in article.aliases]
        if article.verdict == "duplicate" and article.canonical_url:
            rows.append({"url": article.canonical_url, "article_id": article.article_id,
                         "kind": "duplicate", "first_seen": now})
        return rows

    def account(self, article: Article) -> None:
        """Counters for the coverage ledger and health, and one log line per stored article."""
        month = (article.published or article.listing.get("date") or "")[:7] or None
        verdict = article.verdict or "error"
        self.stats.inc_value(f"monitor/store/{verdict}")
        if verdict != "known":
            self.context.count(article.source, month, article.discovered_via, "fetched")
            self.context.health(article.source, "fetched")
        if verdict in ("stored", "updated"):
            self.context.count(article.source, month, article.discovered_via, "stored")
            self.context.health(article.source, "stored")
            words = len((article.extracted.get("text") or "").split())
            self.context.words_by_source.setdefault(article.source, []).append(words)
            logger.info("stored [%s] %s (%s)", article.source, (article.extracted.get("title") or article.url)[:90],
                        article.judgement.get("reason", "")[:120])
        elif verdict == "error":
            self.context.count(article.source, month, article.discovered_via, "errors")
            self.context.health(article.source, "errors")
        elif verdict not in ("known",):
            self.context.count(article.source, month, article.discovered_via, "rejected")
