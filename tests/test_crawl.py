"""End to end: the real spiders crawl the newsroom over HTTP into a real SQLite file."""

from __future__ import annotations

import sqlite3
from collections import Counter
from typing import Any

from tests.conftest import Crawl, crawl_newsroom
from tests.truth import pair_scores, score, truth_by_url


def test_crawl_exits_healthy_and_records_runs(crawled: Crawl) -> None:
    assert crawled.result.returncode == 0, crawled.result.stderr[-3000:]
    runs = crawled.rows("SELECT spider, status, listed, fetched FROM crawls ORDER BY id")
    assert [r[0] for r in runs] == ["feeds", "search", "sitemaps", "archive"]
    assert all(r[1] == "ok" for r in runs)
    assert sum(r[3] for r in runs) > 100


def test_seed_article_is_stored_once(crawled: Crawl) -> None:
    (seed,) = crawled.rows("SELECT source, published, round, relevant, language FROM articles WHERE is_seed = 1")
    assert seed[0] == "tabnak" and seed[1].startswith("2017-05-03") and seed[2] == 4 and seed[3] == 1


def test_relevant_articles_found_and_scored_against_truth(crawled: Crawl, newsroom: Any) -> None:
    truth = truth_by_url(newsroom.world)
    rows = crawled.rows("SELECT url, published, round FROM articles WHERE is_seed = 0")
    scores = score(rows, truth)
    print("\nnewsroom crawl:", scores.line())
    assert scores.precision >= 0.95, scores.false_positives
    assert scores.recall >= 0.95, scores.misses
    assert scores.date_accuracy >= 0.95
    assert scores.round_accuracy >= 0.90


def test_coverage_across_outlets_languages_and_methods(crawled: Crawl) -> None:
    outlets = {r[0] for r in crawled.rows("SELECT DISTINCT source FROM articles WHERE is_seed = 0")}
    languages = {r[0] for r in crawled.rows("SELECT DISTINCT language FROM articles WHERE is_seed = 0")}
    methods = {r[0] for r in crawled.rows("SELECT DISTINCT discovered_via FROM articles WHERE is_seed = 0")}
    assert len(outlets) >= 10, outlets
    assert {"en", "ru", "fa", "tr", "ar"} <= languages
    assert {"feed", "sitemap", "search", "archive"} <= methods


def test_off_topic_pages_are_recorded_not_stored(crawled: Crawl, newsroom: Any) -> None:
    truth = truth_by_url(newsroom.world)
    rejected = crawled.rows("SELECT url, reason, relevance FROM pages WHERE verdict = 'irrelevant'")
    assert len(rejected) >= 40
    assert all(r[1] and r[2] is not None for r in rejected)
    traps = {truth[r[0]].trap for r in rejected if r[0] in truth and truth[r[0]].trap}
    assert {"fc-astana", "expo-2017", "nazarbayev", "syria-not-talks"} <= traps


def test_no_duplicate_urls_or_texts(crawled: Crawl) -> None:
    assert crawled.rows("SELECT url, count(*) FROM articles GROUP BY url HAVING count(*) > 1") == []
    assert crawled.rows("SELECT source, text_hash, count(*) FROM articles GROUP BY source, text_hash "
                        "HAVING count(*) > 1") == []
    half_written = crawled.rows("SELECT id FROM articles WHERE title IS NULL OR text IS NULL OR text = '' "
                                "OR published IS NULL OR search_text IS NULL")
    assert half_written == []
    with sqlite3.connect(crawled.db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_wire_copies_grouped_as_the_truth_says(crawled: Crawl, newsroom: Any) -> None:
    truth = truth_by_url(newsroom.world)
    rows = crawled.rows("SELECT url, story_id FROM articles WHERE is_seed = 0")
    precision, recall = pair_scores({r[0]: r[1] for r in rows}, truth)
    print(f"\nstory grouping: pair precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.95 and recall >= 0.95
    widest = crawled.rows("SELECT max(outlets) FROM stories")[0][0]
    assert widest >= 3
    originals = crawled.rows("SELECT s.id, a.published, (SELECT min(published) FROM articles WHERE story_id = s.id) "
                             "FROM stories s JOIN articles a ON a.id = s.original_id")
    assert originals and all(r[1] == r[2] for r in originals)
    copies = crawled.rows("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL")[0][0]
    assert copies >= 6


def test_url_variants_are_kept_as_aliases(crawled: Crawl) -> None:
    kinds = Counter(r[0] for r in crawled.rows("SELECT kind FROM url_aliases"))
    assert kinds["listed"] > 0
    tracked = crawled.rows("SELECT url, article_id FROM url_aliases WHERE url LIKE '%utm_%'")
    assert tracked, "feed links with tracking parameters should be kept as aliases"
    stored_urls = {r[0] for r in crawled.rows("SELECT url FROM articles")}
    assert not any("utm_" in u for u in stored_urls)


def test_coverage_ledger_counts_every_method(crawled: Crawl) -> None:
    methods = {r[0]: (r[1], r[2]) for r in crawled.rows(
        "SELECT method, sum(listed), sum(stored) FROM coverage GROUP BY method")}
    assert {"feed", "sitemap", "search", "archive"} <= set(methods)
    assert all(listed >= stored for listed, stored in methods.values())


def test_second_crawl_fetches_no_article_and_adds_nothing(crawled: Crawl, newsroom: Any, tmp_path: Any) -> None:
    import shutil

    db = tmp_path / "again.db"
    for suffix in ("", "-wal", "-shm"):
        if (crawled.db.parent / f"astana.db{suffix}").exists():
            shutil.copy(crawled.db.parent / f"astana.db{suffix}", tmp_path / f"again.db{suffix}")
    before = Crawl(db, crawled.result).rows("SELECT count(*) FROM articles")[0][0]
    truth = truth_by_url(newsroom.world)
    article_urls = {a.url for a in newsroom.world.articles} | set(truth)
    newsroom.requests.clear()
    again = crawl_newsroom(newsroom.proxy_url, db)
    assert again.result.returncode in (0, 1), again.result.stderr[-2000:]
    fetched_articles = [u for m, u, s in newsroom.requests if u in article_urls and m == "GET"]
    print(f"\nsecond crawl: {len(newsroom.requests)} requests, {len(fetched_articles)} article pages")
    assert fetched_articles == []
    assert again.rows("SELECT count(*) FROM articles")[0][0] == before
    assert again.rows("SELECT count(*) FROM crawls")[0][0] == 8
