"""The seed articles in the `articles` table (is_seed = 1), inserted once, like any other article."""

from __future__ import annotations

from collections.abc import Sequence

import sqlite_utils

from monitor.db import day_to_iso, to_json, utcnow
from monitor.dedup import minhash_signature, text_fingerprint
from monitor.relevance import Topic
from monitor.search import search_form
from monitor.seeds import SeedArticle


def insert_seed_articles(db: sqlite_utils.Database, seeds: Sequence[SeedArticle], topic: Topic) -> int:
    """Insert the seeds not yet in the database; returns how many were added (idempotent)."""
    added = 0
    for seed in seeds:
        if db.execute("SELECT 1 FROM articles WHERE url = ?", [seed.url]).fetchone():
            continue
        published = day_to_iso(seed.published)
        judgement = topic.judge(title=seed.title, text=seed.text, language=seed.language, published=None)
        now = utcnow()
        row = {
            "url": seed.url, "source": seed.outlet, "title": seed.title, "published": published,
            "published_day": seed.published.isoformat(),
            "published_method": "seed", "published_raw": seed.published.isoformat(), "language": seed.language,
            "round": seed.round or judgement.round, "round_method": "seed" if seed.round else judgement.round_method,
            "relevance": judgement.relevance, "relevant": 1, "reason": "seed article: " + judgement.reason,
            "matched_terms": to_json(judgement.matched_terms),
            "is_seed": 1, "discovered_via": "seed", "text": seed.text, "words": len(seed.text.split()),
            "text_hash": text_fingerprint(seed.text), "revisions": 0, "first_seen": now, "last_seen": now,
            "search_title": search_form(seed.title), "search_text": search_form(seed.text),
        }
        with db.atomic():
            article_id = db.table("articles").insert(row).last_pk
            db.table("signatures").upsert(
                {"article_id": article_id, "published": published, "signature": minhash_signature(seed.text)},
                pk="article_id",
            )
            db.table("url_aliases").insert({"url": seed.url, "article_id": article_id, "kind": "seed", "first_seen": now},
                                     pk="url", ignore=True)
        added += 1
    return added
