"""The database: migrations recorded in the file, an older file upgraded in place, WAL, the seed once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from monitor import db as dbmod
from monitor.relevance import Topic
from monitor.seeding import insert_seed_articles
from monitor.seeds import load_seed_articles

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_migrations_are_recorded_and_wal_is_on(tmp_path: Path) -> None:
    db = dbmod.connect(tmp_path / "a.db")
    applied = [r["name"] for r in db.table("_sqlite_migrations").rows]
    assert applied == [m.name for m in dbmod.migrations._migrations]
    assert db.journal_mode == "wal"
    assert "articles_fts" in db.table_names()


def test_an_older_file_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(sqlite3.connect(path))
    dbmod.migrations.apply(old, stop_before="0003_published_day")
    old.table("articles").insert({"id": 1, "url": "https://tass.ru/1", "source": "tass", "title": "Old row"})
    assert "published_day" not in old.table("articles").columns_dict
    old.conn.close()
    upgraded = dbmod.connect(path)
    assert "published_day" in upgraded.table("articles").columns_dict
    assert upgraded.table("articles").get(1)["title"] == "Old row"
    assert "0003_published_day" in [r["name"] for r in upgraded.table("_sqlite_migrations").rows]


def test_seed_inserted_once_with_its_metadata(tmp_path: Path) -> None:
    db = dbmod.connect(tmp_path / "s.db")
    seeds = load_seed_articles(SEEDS)
    topic = Topic.load(SEEDS)
    assert insert_seed_articles(db, seeds, topic) == 1
    assert insert_seed_articles(db, seeds, topic) == 0
    (row,) = list(db.table("articles").rows_where("is_seed = 1"))
    assert row["published"].startswith("2017-05-03") and row["published_day"] == "2017-05-03"
    assert row["round"] == 4 and row["source"] == "tabnak" and row["relevant"] == 1
    hits = db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'astana'").fetchall()
    assert hits == [(row["id"],)]


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    import pytest

    from monitor.errors import MonitorError

    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(MonitorError, match="not usable|cannot open"):
        dbmod.connect(path)
