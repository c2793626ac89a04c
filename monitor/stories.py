"""Stories: clusters of one wire story's copies, the earliest copy as the original."""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils


def refresh_stories(db: sqlite_utils.Database, story_ids: Iterable[int]) -> None:
    """Recompute each story's original, members' `duplicate_of` and summary (inside the caller's transaction)."""
    for story_id in story_ids:
        members = db.execute(
            "SELECT id, source, language, published, title, round FROM articles WHERE story_id = ? "
            "ORDER BY coalesce(published, '9999'), id",
            [story_id],
        ).fetchall()
        if not members:
            continue
        original = members[0]
        db.execute("UPDATE articles SET duplicate_of = NULL WHERE id = ?", [original[0]])
        db.execute("UPDATE articles SET duplicate_of = ? WHERE story_id = ? AND id != ?",
                   [original[0], story_id, original[0]])
        rounds = [m[5] for m in members if m[5] is not None]
        db.table("stories").upsert(
            {
                "id": story_id, "original_id": original[0], "title": original[4],
                "first_published": original[3], "last_published": max((m[3] or "") for m in members) or None,
                "copies": len(members), "outlets": len({m[1] for m in members}),
                "languages": ",".join(sorted({m[2] for m in members if m[2]})),
                "round": max(set(rounds), key=rounds.count) if rounds else None,
            },
            pk="id",
        )
