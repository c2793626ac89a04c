"""Run records: one `crawls` row per spider run, the coverage ledger and per-source health counters."""

from __future__ import annotations

import logging
import os
import statistics
from collections import Counter
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from monitor.context import CrawlContext
from monitor.db import to_json, utcnow

logger = logging.getLogger(__name__)

VERDICT_PREFIX = "monitor/store/"


class CrawlRecorder:
    """Opens a `crawls` row when a spider starts and completes it, with counts, when it stops."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRecorder:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        context = CrawlContext.of(self.crawler)
        args = {k: getattr(spider, k, None) for k in ("since", "until")}
        row = {
            "spider": spider.name, "sources": ",".join(s.id for s in getattr(spider, "selected", [])),
            "args": to_json(args), "started": utcnow(), "status": "running", "pid": os.getpid(),
        }
        with context.db.atomic():
            context.crawl_id = context.db.table("crawls").insert(row).last_pk
        logger.info("crawl %s started (%s)", context.crawl_id, spider.name)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        context = CrawlContext.of(self.crawler)
        stats = self.crawler.stats.get_stats()
        verdicts = {k[len(VERDICT_PREFIX):]: v for k, v in stats.items() if k.startswith(VERDICT_PREFIX)}
        rejected = {k: v for k, v in verdicts.items() if k not in ("stored", "updated", "known", "error")}
        write_failed = stats.get("monitor/store/write_failed")
        status = "ok" if reason == "finished" else ("failed" if write_failed else "interrupted")
        listed = sum(c.get("listed", 0) for c in context.per_source.values())
        fetched = sum(c.get("fetched", 0) for c in context.per_source.values())
        errors = sum(c.get("errors", 0) + c.get("listing_errors", 0) for c in context.per_source.values())
        finished = utcnow()
        try:
            with context.db.atomic():
                self.write_coverage(context)
                self.write_source_runs(context, finished)
                if context.listing_validators:
                    context.db.table("listings").upsert_all(list(context.listing_validators.values()), pk="url")
                context.db.table("crawls").update(context.crawl_id or 0, {
                    "finished": finished, "status": status, "listed": listed, "fetched": fetched,
                    "stored": verdicts.get("stored", 0), "updated": verdicts.get("updated", 0),
                    "rejected": to_json(rejected), "errors": errors,
                    "message": write_failed or (reason if reason != "finished" else None),
                })
        except Exception as exc:  # noqa: BLE001 - report, the exit status will say it
            logger.critical("could not record the run: %s", exc)
            return
        logger.info("crawl %s %s: listed %d, fetched %d, stored %d, rejected %s, errors %d",
                    context.crawl_id, status, listed, fetched, verdicts.get("stored", 0), rejected or "{}", errors)

    def write_coverage(self, context: CrawlContext) -> None:
        db = context.db
        for (source, month, method), counts in context.coverage.items():
            db.execute(
                "INSERT INTO coverage (source, month, method, listed, fetched, stored, rejected) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, month, method) DO UPDATE SET "
                "listed = listed + excluded.listed, fetched = fetched + excluded.fetched, "
                "stored = stored + excluded.stored, rejected = rejected + excluded.rejected",
                [source, month, method, counts.get("listed", 0), counts.get("fetched", 0),
                 counts.get("stored", 0), counts.get("rejected", 0)],
            )
        context.coverage.clear()

    def write_source_runs(self, context: CrawlContext, finished: str) -> None:
        rows: list[dict[str, Any]] = []
        spider = getattr(self.crawler, "spider", None)
        selected = [s.id for s in getattr(spider, "selected", [])] or list(context.per_source)
        for source in selected:
            counts: Counter[str] = context.per_source.get(source, Counter())
            words = context.words_by_source.get(source, [])
            rows.append({
                "crawl_id": context.crawl_id, "source": source, "listed": counts.get("listed", 0),
                "fetched": counts.get("fetched", 0), "extracted": counts.get("extracted", 0),
                "dated": counts.get("dated", 0), "relevant": counts.get("relevant", 0),
                "stored": counts.get("stored", 0),
                "errors": counts.get("errors", 0), "listing_errors": counts.get("listing_errors", 0),
                "median_words": int(statistics.median(words)) if words else None, "finished": finished,
            })
        if rows:
            context.db.table("source_runs").upsert_all(rows, pk=("crawl_id", "source"))
