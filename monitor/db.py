"""The SQLite database: schema by sqlite-utils migrations, WAL, the seed article."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from monitor.errors import MonitorError

migrations = Migrations("astana-monitor")

# Columns of `articles`, in the order analysts see them.
ARTICLE_COLUMNS: dict[str, type] = {
    "id": int,
    "url": str,
    "source": str,
    "title": str,
    "author": str,
    "published": str,
    "published_method": str,
    "published_raw": str,
    "date_flag": str,
    "modified": str,
    "modified_method": str,
    "language": str,
    "round": int,
    "round_method": str,
    "relevance": float,
    "relevant": int,
    "reason": str,
    "matched_terms": str,
    "story_id": int,
    "duplicate_of": int,
    "credit": str,
    "is_seed": int,
    "discovered_via": str,
    "description": str,
    "tags": str,
    "text": str,
    "words": int,
    "text_hash": str,
    "revisions": int,
    "snapshot_url": str,
    "snapshot_time": str,
    "first_seen": str,
    "last_seen": str,
    "crawl_id": int,
    "search_title": str,
    "search_text": str,
}


@migrations(name="0001_core_tables")
def create_core_tables(db: sqlite_utils.Database) -> None:
    db.table("articles").create(ARTICLE_COLUMNS, pk="id", not_null={"url", "source"}, defaults={"is_seed": 0, "revisions": 0})
    db.table("articles").create_index(["url"], unique=True)
    db.table("articles").create_index(["text_hash"])
    db.table("articles").create_index(["source", "published"])
    db.table("articles").create_index(["story_id"])
    db.table("articles").create_index(["published"])
    db.table("signatures").create({"article_id": int, "published": str, "signature": bytes}, pk="article_id")
    db.table("sources").create(
        {
            "id": str, "name": str, "homepage": str, "languages": str, "timezone": str, "calendar": str,
            "feeds": str, "sitemaps": str, "search": str, "archive_sitemap": str,
            "blocks_crawlers": str, "confidence": str,
        },
        pk="id",
    )
    db.table("rounds").create(
        {"number": int, "start": str, "end": str, "city": str, "outcome": str}, pk="number"
    )
    db.table("stories").create(
        {
            "id": int, "original_id": int, "title": str, "first_published": str, "last_published": str,
            "copies": int, "outlets": int, "languages": str, "round": int,
        },
        pk="id",
    )
    db.table("url_aliases").create({"url": str, "article_id": int, "kind": str, "first_seen": str}, pk="url")
    db.table("url_aliases").create_index(["article_id"])
    db.table("pages").create(
        {
            "url": str, "source": str, "status": int, "verdict": str, "reason": str,
            "relevance": float, "matched_terms": str, "title": str, "language": str, "published": str,
            "text": str, "article_id": int, "discovered_via": str, "fetched_at": str, "crawl_id": int,
        },
        pk="url",
    )
    db.table("pages").create_index(["verdict"])
    db.table("pages").create_index(["source"])
    db.table("listings").create(
        {"url": str, "source": str, "kind": str, "etag": str, "last_modified": str, "status": int, "fetched_at": str},
        pk="url",
    )
    db.table("crawls").create(
        {
            "id": int, "spider": str, "sources": str, "args": str, "started": str, "finished": str,
            "status": str, "listed": int, "fetched": int, "stored": int, "updated": int, "rejected": str,
            "errors": int, "pid": int, "message": str,
        },
        pk="id",
    )
    db.table("coverage").create(
        {"source": str, "month": str, "method": str, "listed": int, "fetched": int, "stored": int, "rejected": int},
        pk=("source", "month", "method"),
    )
    db.table("source_runs").create(
        {
            "crawl_id": int, "source": str, "listed": int, "fetched": int, "extracted": int, "dated": int,
            "relevant": int, "stored": int, "errors": int, "listing_errors": int, "median_words": int,
            "finished": str,
        },
        pk=("crawl_id", "source"),
    )


@migrations(name="0002_full_text_search")
def create_full_text_search(db: sqlite_utils.Database) -> None:
    # The search_* columns hold letter-folded, normalised text (see monitor.search),
    # so one tokenizer serves Arabic, Persian, Russian, Turkish and English.
    db.table("articles").enable_fts(
        ["search_title", "search_text"], fts_version="FTS5", create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )


@migrations(name="0003_published_day")
def add_published_day(db: sqlite_utils.Database) -> None:
    # The calendar day the outlet printed: `published` is UTC, and an article posted at 01:40
    # in Almaty is still "yesterday" in UTC.
    db.table("articles").add_column("published_day", str)


def utcnow() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def connect(path: str | Path, *, readonly: bool = False) -> sqlite_utils.Database:
    """Open the database in WAL mode with a busy timeout, migrated to the latest schema."""
    path = Path(path)
    try:
        if readonly:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
            return sqlite_utils.Database(conn)
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        db = sqlite_utils.Database(conn)
        db.execute("PRAGMA busy_timeout = 30000")
        if db.journal_mode != "wal":
            db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")
        # A 64 MB page cache keeps the URL, hash and FTS indexes of a large database in memory.
        db.execute("PRAGMA cache_size = -65536")
        migrations.apply(db)
    except sqlite3.OperationalError as exc:
        raise MonitorError(f"cannot open the database {path}: {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise MonitorError(f"the database {path} is not usable: {exc}") from None
    return db


def check_writable(db: sqlite_utils.Database) -> None:
    """Fail early, with a clear message, when the database cannot be written."""
    try:
        with db.atomic():
            db.execute("CREATE TABLE IF NOT EXISTS _write_probe (x)")
            db.execute("DROP TABLE _write_probe")
    except sqlite3.OperationalError as exc:
        raise MonitorError(f"the database cannot be written: {exc}") from None


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def sync_sources(db: sqlite_utils.Database, sources: Iterable[Any]) -> None:
    """Mirror the configured outlets into `sources`, so analysts can facet and join."""
    rows = [
        {
            "id": s.id, "name": s.name, "homepage": s.homepage, "languages": ",".join(s.languages),
            "timezone": s.timezone, "calendar": s.calendar, "feeds": to_json(list(s.feeds)),
            "sitemaps": to_json(list(s.sitemaps)), "search": s.search, "archive_sitemap": s.archive_sitemap,
            "blocks_crawlers": s.blocks_crawlers, "confidence": s.confidence,
        }
        for s in sources
    ]
    with db.atomic():
        db.table("sources").upsert_all(rows, pk="id")


def sync_rounds(db: sqlite_utils.Database, rounds: Iterable[Any]) -> None:
    rows = [
        {"number": r.number, "start": r.start.isoformat(), "end": r.end.isoformat(), "city": r.city, "outcome": r.outcome}
        for r in rounds
    ]
    with db.atomic():
        db.table("rounds").upsert_all(rows, pk="number")


def day_to_iso(day: date) -> str:
    # A seed's published day at noon UTC keeps the calendar day in every time zone around it.
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC).isoformat()
