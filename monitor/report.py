"""A short text summary of the database: articles per outlet and language, verdicts, stories."""

from __future__ import annotations

import sqlite_utils


def summary(db: sqlite_utils.Database) -> str:
    lines = []
    total, relevant = db.execute("SELECT count(*), sum(relevant) FROM articles WHERE is_seed = 0").fetchone()
    seeds = db.execute("SELECT count(*) FROM articles WHERE is_seed = 1").fetchone()[0]
    lines.append(f"articles: {total} ({relevant or 0} relevant), seed articles: {seeds}")
    lines.append("per outlet (articles / languages / methods):")
    for source, count, languages, methods in db.execute(
        "SELECT source, count(*), group_concat(DISTINCT language), group_concat(DISTINCT discovered_via) "
        "FROM articles WHERE is_seed = 0 GROUP BY source ORDER BY count(*) DESC"
    ):
        lines.append(f"  {source:<16} {count:>5}  {languages or '-':<12} {methods or '-'}")
    verdicts = db.execute("SELECT verdict, count(*) FROM pages GROUP BY verdict ORDER BY count(*) DESC").fetchall()
    lines.append("pages by verdict: " + ", ".join(f"{v} {n}" for v, n in verdicts))
    stories = db.execute("SELECT count(*), max(outlets) FROM stories WHERE copies > 1").fetchone()
    lines.append(f"stories with copies: {stories[0]} (most outlets in one story: {stories[1] or 0})")
    return "\n".join(lines)
