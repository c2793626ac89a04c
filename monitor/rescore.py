"""`monitor rescore`: re-judge stored articles and rejected pages after a topic edit, without a recrawl."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import sqlite_utils

from monitor.db import to_json, utcnow
from monitor.dedup import minhash_signature, text_fingerprint
from monitor.relevance import Topic
from monitor.search import search_form


def _when(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def rescore(db: sqlite_utils.Database, topic: Topic) -> Counter[str]:
    """Returns counts: unchanged, still relevant, now irrelevant, promoted (rejected pages now relevant)."""
    counts: Counter[str] = Counter()
    with db.atomic():
        for row in db.execute(
            "SELECT id, title, text, language, published, relevant FROM articles WHERE is_seed = 0"
        ).fetchall():
            judgement = topic.judge(title=row[1] or "", text=row[2] or "", language=row[3], published=_when(row[4]))
            db.table("articles").update(row[0], {
                "relevance": judgement.relevance, "relevant": int(judgement.relevant), "reason": judgement.reason,
                "matched_terms": to_json(judgement.matched_terms),
                "round": judgement.round, "round_method": judgement.round_method,
            })
            counts["articles relevant" if judgement.relevant else "articles now irrelevant"] += 1
        next_id = (db.execute("SELECT max(id) FROM articles").fetchone()[0] or 0) + 1
        for url, source, title, text, language, published, fetched_at in db.execute(
            "SELECT url, source, title, text, language, published, fetched_at FROM pages "
            "WHERE verdict = 'irrelevant' AND text IS NOT NULL"
        ).fetchall():
            judgement = topic.judge(title=title or "", text=text or "", language=language, published=_when(published))
            if not judgement.relevant:
                db.table("pages").update(url, {"relevance": judgement.relevance, "reason": judgement.reason})
                counts["pages still rejected"] += 1
                continue
            now = utcnow()
            db.table("articles").insert({
                "id": next_id, "url": url, "source": source, "title": title, "published": published,
                "language": language, "text": text, "words": len(text.split()), "relevance": judgement.relevance,
                "relevant": 1, "reason": "rescored: " + judgement.reason, "round": judgement.round,
                "round_method": judgement.round_method, "matched_terms": to_json(judgement.matched_terms),
                "discovered_via": "rescore", "text_hash": text_fingerprint(text), "is_seed": 0, "revisions": 0,
                "first_seen": fetched_at or now, "last_seen": now,
                "search_title": search_form(title or ""), "search_text": search_form(text),
            })
            db.table("signatures").upsert({"article_id": next_id, "published": published,
                                     "signature": minhash_signature(text)}, pk="article_id")
            db.table("pages").update(url, {"verdict": "stored", "article_id": next_id, "reason": "promoted by rescore"})
            next_id += 1
            counts["pages promoted"] += 1
    return counts
