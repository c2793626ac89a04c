"""Each pipeline stage on its own, built from a real crawler's settings, over a real SQLite file."""

from __future__ import annotations

import asyncio
import json
import random
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

import pipelines.store
from monitor import db as dbmod
from monitor.dedup import minhash_signature, text_fingerprint
from monitor.items import Article
from monitor.relevance import Topic
from monitor.rescore import rescore
from monitor.seeding import insert_seed_articles
from monitor.seeds import load_seed_articles
from monitor.workers import analyse_page
from pipelines.canonical import CanonicalPipeline
from pipelines.dates import DatesPipeline
from pipelines.dedup import DedupPipeline
from pipelines.extract import ExtractPipeline
from pipelines.relevance import RelevancePipeline
from pipelines.store import StorePipeline

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
OUTLETS = ROOT / "monitor" / "newsroom" / "outlets.yaml"
GOLDEN = Path(__file__).parent / "golden"


def make_crawler(db: Path, seeds: Path = SEEDS, **extra: Any) -> Crawler:
    settings = {"MONITOR_DB": str(db), "MONITOR_SEEDS": str(seeds), "MONITOR_SOURCES": str(OUTLETS),
                "MONITOR_EXTRACT_WORKERS": 1, **extra}
    return get_crawler(settings_dict=settings)


@dataclass
class Stages:
    """The pipelines of one crawler, in the order of ITEM_PIPELINES (extract left out: pages come pre-extracted)."""

    crawler: Crawler
    canonical: CanonicalPipeline
    dates: DatesPipeline
    relevance: RelevancePipeline
    dedup: DedupPipeline
    store: StorePipeline

    @classmethod
    def build(cls, db: Path, seeds: Path = SEEDS, **extra: Any) -> Stages:
        crawler = make_crawler(db, seeds, **extra)
        return cls(crawler, CanonicalPipeline.from_crawler(crawler), DatesPipeline.from_crawler(crawler),
                   RelevancePipeline.from_crawler(crawler), DedupPipeline.from_crawler(crawler),
                   StorePipeline.from_crawler(crawler))

    @property
    def db(self) -> Any:
        return self.store.context.db

    def run(self, article: Article, *, flush: bool = True) -> Article:
        for stage in (self.canonical, self.dates, self.relevance, self.dedup, self.store):
            article = stage.process_item(article)
        if flush:
            self.store.flush()
        return article

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.db.execute(sql, params or []).fetchall()


@pytest.fixture
def stages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Stages:
    # Batches flush on size or age; the age must not flush halfway through a slow test.
    monkeypatch.setattr(pipelines.store, "FLUSH_SECONDS", 3600.0)
    return Stages.build(tmp_path / "astana.db")


# --------------------------------------------------------------------------- texts

LEAD = "Russia, Iran and Turkey met in Astana for the fourth round of the Astana talks on Syria."
SYLLABLES = ["ka", "lo", "mi", "ter", "san", "du", "vor", "pel", "qui", "ras", "no", "ben", "tor", "li", "gam", "zu"]


def prose(seed: int, words: int = 150) -> str:
    """Deterministic filler prose: a vocabulary of made-up words, so overlaps are exactly what a test builds."""
    rng = random.Random(seed)
    vocab = ["".join(rng.choice(SYLLABLES) for _ in range(3)) for _ in range(600)]
    sentences, sentence = [], []
    for _ in range(words):
        sentence.append(rng.choice(vocab))
        if len(sentence) == 12:
            sentences.append(" ".join(sentence).capitalize() + ".")
            sentence = []
    if sentence:
        sentences.append(" ".join(sentence).capitalize() + ".")
    return " ".join(sentences)


def page(url: str, source: str, text: str, *, title: str = "Astana talks on Syria open",
         published: str | None = "2017-05-03T09:00:00+00:00", method: str | None = "json-ld",
         language: str = "en", listing: dict[str, Any] | None = None, via: str = "feed", **fields: Any) -> Article:
    """An article as the extract stage leaves it: the page analysed, fingerprints computed."""
    extracted = {"verdict": "article", "title": title, "text": text, "language": language, "author": "Staff",
                 "published": published, "published_method": method, "modified": None}
    return Article(url=url, source=source, discovered_via=via, requested_url=fields.pop("requested_url", url),
                   listing=listing or {}, fetched_at="2026-12-01T09:30:00+00:00", extracted=extracted,
                   text_hash=text_fingerprint(text), signature=minhash_signature(text), **fields)


# --------------------------------------------------------------------------- canonical


def test_canonical_folds_tracking_parameters_and_records_aliases(stages: Stages) -> None:
    listed = "http://www.aa.test/en/world/astana-talks/812345?utm_source=rss&utm_medium=feed"
    article = stages.canonical.process_item(
        Article(url="http://aa.test/en/world/astana-talks/812345?fbclid=x1", source="aa", discovered_via="feed",
                requested_url=listed, redirect_urls=[listed]))
    assert article.canonical_url == "http://www.aa.test/en/world/astana-talks/812345"
    assert article.verdict == ""
    assert dict(article.aliases) == {listed: "listed", "http://aa.test/en/world/astana-talks/812345?fbclid=x1": "fetched"}


def test_canonical_folds_mobile_hosts(stages: Stages) -> None:
    article = stages.canonical.process_item(
        Article(url="http://m.ria.test/20170503/astana-1493812345.html", source="ria", discovered_via="feed"))
    assert article.canonical_url == "http://ria.test/20170503/astana-1493812345.html"
    assert article.aliases == [("http://m.ria.test/20170503/astana-1493812345.html", "fetched")]


def test_canonical_follows_a_trusted_rel_canonical(stages: Stages) -> None:
    body = b'<html><head><link rel="canonical" href="http://tass.test/mezhdunarodnaya-panorama/4231234"></head></html>'
    article = stages.canonical.process_item(
        Article(url="http://tass.test/en/world/4231234", source="tass", discovered_via="sitemap", body=body))
    assert article.canonical_url == "http://tass.test/mezhdunarodnaya-panorama/4231234"
    assert article.aliases == [("http://tass.test/en/world/4231234", "fetched")]


def test_canonical_ignores_a_homepage_canonical(stages: Stages) -> None:
    body = (b'<html><head><link rel="canonical" href="http://astanatimes.test/">'
            b'<meta property="og:url" content="http://astanatimes.test/"></head></html>')
    url = "http://astanatimes.test/2017/05/astana-talks-open/"
    article = stages.canonical.process_item(Article(url=url, source="astanatimes", discovered_via="feed", body=body))
    assert article.canonical_url == url


def test_canonical_marks_stored_urls_known_and_touches_last_seen(stages: Stages) -> None:
    stored = stages.run(page("http://www.aa.test/en/world/astana-talks/812345", "aa", f"{LEAD} {prose(1)}"))
    assert stored.verdict == "stored"
    stages.db.execute("UPDATE articles SET last_seen = '2000-01-01T00:00:00+00:00' WHERE id = ?", [stored.article_id])
    again = stages.canonical.process_item(
        Article(url="http://www.aa.test/en/world/astana-talks/812345?utm_campaign=x", source="aa", discovered_via="search"))
    assert again.verdict == "known" and again.article_id == stored.article_id
    (last_seen,) = stages.rows("SELECT last_seen FROM articles WHERE id = ?", [stored.article_id])[0]
    assert last_seen > "2020"
    # A known page goes no further: later stages leave it alone.
    assert stages.dates.process_item(again).published is None


# --------------------------------------------------------------------------- extract


def golden(name: str) -> tuple[bytes, dict[str, Any]]:
    return (GOLDEN / f"{name}.html").read_bytes(), json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))


def extract(stages: Stages, article: Article) -> Article:
    pipeline = ExtractPipeline.from_crawler(stages.crawler)
    result: Article = asyncio.run(pipeline.process_item(article))
    return result


def test_extract_stage_fills_the_fields_of_an_article(stages: Stages) -> None:
    body, expected = golden("tass-relevant-ru")
    article = Article(url=expected["url"], source="tass", discovered_via="feed", body=body,
                      canonical_url=expected["url"], fetched_at=expected["fetched_at"])
    article = extract(stages, article)
    assert article.verdict == ""
    assert article.body == b"", "the page is dropped once analysed"
    page_ = article.extracted
    assert page_["title"] == expected["title"]
    assert page_["published"].startswith(expected["published_day"]) and page_["published_method"] == "json-ld"
    assert page_["language"] == "ru" and page_["text"].startswith(expected["text_start"])
    assert article.text_hash == text_fingerprint(page_["text"]) and len(article.signature) == 512
    assert stages.store.context.per_source["tass"]["extracted"] == 1


def test_extract_stage_gives_a_block_page_its_verdict(stages: Stages) -> None:
    body, expected = golden("block-cloudflare")
    direct = analyse_page(body, url=expected["url"], languages=("en",), timezone=None,
                          fetched_at=expected["fetched_at"], encoding="utf-8", outlet_name="Kazinform")
    assert direct["verdict"] == "blocked" and "text_hash" not in direct
    article = extract(stages, Article(url=expected["url"], source="kazinform", discovered_via="feed", body=body))
    assert article.verdict == "blocked" and article.reason
    assert article.text_hash == "" and article.signature == b""
    # Later stages pass a judged page through untouched, and store records it as a page only.
    article = stages.dedup.process_item(stages.relevance.process_item(stages.dates.process_item(article)))
    assert article.verdict == "blocked" and article.article_id is None


# --------------------------------------------------------------------------- dates


def dated(stages: Stages, article: Article) -> Article:
    article.canonical_url = article.canonical_url or article.url
    return stages.dates.process_item(article)


def test_dates_json_ld_beats_the_listing(stages: Stages) -> None:
    article = dated(stages, page("http://tass.test/mezhdunarodnaya-panorama/4231234", "tass", LEAD,
                                 listing={"date": "2017-05-04T10:00:00+00:00", "date_source": "news-sitemap"}))
    assert (article.published, article.published_method) == ("2017-05-03T09:00:00+00:00", "json-ld")
    assert article.date_flag is None


def test_dates_listing_beats_a_byline(stages: Stages) -> None:
    article = dated(stages, page("http://tass.test/mezhdunarodnaya-panorama/4231234", "tass", LEAD,
                                 published="2017-05-05T09:00:00+00:00", method="byline",
                                 listing={"date": "2017-05-03T11:20:00+00:00", "date_source": "feed",
                                          "date_raw": "Wed, 03 May 2017 14:20:00 +0300"}))
    assert (article.published, article.published_method) == ("2017-05-03T11:20:00+00:00", "feed")
    assert article.published_raw == "Wed, 03 May 2017 14:20:00 +0300"
    # Without a listing date the byline is used.
    article = dated(stages, page("http://tass.test/mezhdunarodnaya-panorama/4231235", "tass", LEAD,
                                 published="2017-05-05T09:00:00+00:00", method="byline"))
    assert (article.published, article.published_method) == ("2017-05-05T09:00:00+00:00", "byline")


def test_dates_fall_back_to_the_url(stages: Stages) -> None:
    article = dated(stages, page("http://www.aljazeera.test/news/2017/5/3/astana-talks", "aljazeera", LEAD,
                                 published=None, method=None))
    assert (article.published, article.published_method) == ("2017-05-03T12:00:00+00:00", "url")


def test_dates_fall_back_to_the_archive_snapshot(stages: Stages) -> None:
    article = dated(stages, page("http://sana.test/?p=126408", "sana", LEAD, published=None, method=None,
                                 via="archive", snapshot_url="http://web.archive.test/web/20170504081500id_/http://sana.test/?p=126408",
                                 snapshot_time="2017-05-04T08:15:00+00:00"))
    assert (article.published, article.published_method) == ("2017-05-04T08:15:00+00:00", "snapshot")


def test_dates_out_of_window_and_future_are_flagged(stages: Stages) -> None:
    early = dated(stages, page("http://tass.test/mezhdunarodnaya-panorama/1000001", "tass", LEAD,
                               published="2015-02-01T09:00:00+00:00"))
    assert early.date_flag == "before-window" and (early.published or "").startswith("2015-02-01")
    future = dated(stages, page("http://tass.test/mezhdunarodnaya-panorama/1000002", "tass", LEAD,
                                published="2099-01-01T09:00:00+00:00"))
    assert future.date_flag == "future"
    undated = dated(stages, page("http://sana.test/?p=1", "sana", LEAD, published=None, method=None))
    assert undated.published is None and undated.date_flag == "undated"
    assert stages.crawler.stats.get_value("monitor/dates/future") == 1


# --------------------------------------------------------------------------- relevance


def test_relevance_keeps_a_relevant_article_with_its_judgement(stages: Stages) -> None:
    article = stages.relevance.process_item(dated(stages, page(
        "http://www.aa.test/en/world/astana-talks/812345", "aa", f"{LEAD}\n\nThe guarantors signed a memorandum.")))
    assert article.verdict == ""
    judgement = article.judgement
    assert judgement["relevant"] and judgement["relevance"] >= 0.5 and judgement["round"] == 4
    assert "astana talks" in {t["term"] for t in judgement["matched_terms"]}
    assert "process terms" in judgement["reason"]


def test_relevance_rejects_an_irrelevant_article_with_the_reason(stages: Stages) -> None:
    article = stages.relevance.process_item(dated(stages, page(
        "http://www.inform.test/en/fc-astana-win_a3012345", "kazinform",
        "FC Astana beat their rivals 3-0 in the Champions League qualifier in front of a full stadium.",
        title="FC Astana win again")))
    assert article.verdict == "irrelevant"
    assert "fc astana" in article.reason and article.judgement["relevance"] < 0.5


# --------------------------------------------------------------------------- dedup


def test_dedup_same_text_same_outlet_is_a_duplicate_with_an_alias(stages: Stages) -> None:
    text = f"{LEAD} {prose(2)}"
    first = stages.run(page("http://www.aa.test/en/world/astana-talks/812345", "aa", text))
    second = stages.run(page("http://www.aa.test/en/world/astana-talks-day-one/812399", "aa", text))
    assert second.verdict == "duplicate" and second.duplicate_of == first.article_id
    assert stages.rows("SELECT article_id, kind FROM url_aliases WHERE url = ?",
                       ["http://www.aa.test/en/world/astana-talks-day-one/812399"]) == [(first.article_id, "duplicate")]
    assert stages.rows("SELECT count(*) FROM articles WHERE source = 'aa'") == [(1,)]
    assert stages.rows("SELECT verdict FROM pages WHERE url LIKE '%812399'") == [("duplicate",)]


def test_dedup_same_text_on_another_outlet_joins_a_story(stages: Stages) -> None:
    text = f"{LEAD} {prose(3)}"
    first = stages.run(page("http://www.aa.test/en/world/astana-talks/812345", "aa", text))
    copy = stages.run(page("http://www.dailysabah.test/world/mid-east/astana-talks", "dailysabah", text,
                           published="2017-05-03T10:00:00+00:00"))
    assert copy.verdict == "stored" and copy.story_id == first.article_id and copy.duplicate_of == first.article_id
    assert stages.rows("SELECT id, story_id, duplicate_of FROM articles WHERE story_id IS NOT NULL ORDER BY id") == [
        (first.article_id, first.article_id, None), (copy.article_id, first.article_id, first.article_id)]


def test_dedup_near_duplicate_copy_joins_the_story(stages: Stages) -> None:
    body = prose(4, 200).split(" ")
    edited = body[:100] + ["inserted", "words", "here"] + body[110:]
    first = stages.run(page("http://tass.test/en/world/4231234", "tass", f"{LEAD} {' '.join(body)}"))
    copy = stages.run(page("http://www.aljazeera.test/news/2017/5/3/astana-talks", "aljazeera",
                           f"{LEAD} {' '.join(edited)}", published="2017-05-03T15:00:00+00:00"))
    assert first.text_hash != copy.text_hash
    assert copy.verdict == "stored" and copy.story_id == first.article_id and copy.duplicate_of == first.article_id
    assert "near-duplicate" in copy.reason
    assert stages.rows("SELECT copies, outlets, original_id FROM stories") == [(2, 2, first.article_id)]


def credited_pair() -> tuple[Article, Article]:
    lead = "Russia, Iran and Turkey opened the fourth round of the Astana talks on Syria."
    original = page("http://tass.test/en/world/4231234", "tass", f"{lead} {prose(5)}",
                    published="2017-05-03T09:00:00+00:00")
    translation = page("http://www.dailysabah.test/world/mid-east/astana-round", "dailysabah",
                       f"MOSCOW, May 3. /TASS/. {lead} {prose(6)}", published="2017-05-03T13:00:00+00:00")
    return original, translation


@pytest.mark.parametrize("order", ["original first", "translation first"])
def test_dedup_credited_translation_joins_the_story_in_either_order(stages: Stages, order: str) -> None:
    original, translation = credited_pair()
    first, second = (original, translation) if order == "original first" else (translation, original)
    stages.run(first)
    stages.run(second)
    assert translation.credit == "tass"
    assert original.verdict == translation.verdict == "stored"
    rows = dict(stages.rows("SELECT source, story_id FROM articles WHERE is_seed = 0"))
    assert rows["tass"] is not None and rows["tass"] == rows["dailysabah"]
    # The agency's copy is the original: it was published first.
    assert stages.rows("SELECT original_id FROM stories") == [(original.article_id,)]
    assert stages.rows("SELECT duplicate_of FROM articles WHERE id = ?", [translation.article_id]) == [
        (original.article_id,)]


def test_dedup_a_copy_bridging_two_stories_merges_them(stages: Stages) -> None:
    a, b, c = prose(7, 120), prose(8, 120), prose(9, 120)
    x = stages.run(page("http://tass.test/en/world/1", "tass", f"{a} {b}"))
    y = stages.run(page("http://ria.test/20170503/copy-x-1.html", "ria", f"{a} {b}"))
    z = stages.run(page("http://www.aa.test/en/world/story-z/2", "aa", f"{b} {c}"))
    w = stages.run(page("http://www.hurriyet.test/dunya/copy-z-40000002", "hurriyet", f"{b} {c}"))
    stories = stages.rows("SELECT DISTINCT story_id FROM articles WHERE is_seed = 0 AND story_id IS NOT NULL")
    assert len(stories) == 2, "two stories before the bridge"
    bridge = stages.run(page("http://www.aljazeera.test/news/2017/5/3/bridge", "aljazeera", f"{a} {b} {c}"))
    ids = [x.article_id, y.article_id, z.article_id, w.article_id, bridge.article_id]
    merged = stages.rows(f"SELECT DISTINCT story_id FROM articles WHERE id IN ({','.join('?' * 5)})", ids)
    assert len(merged) == 1 and merged[0][0] is not None
    assert stages.rows("SELECT id, copies, outlets FROM stories") == [(merged[0][0], 5, 5)]


def test_dedup_changed_text_under_a_known_url_is_an_update(stages: Stages) -> None:
    url = "http://tass.test/mezhdunarodnaya-panorama/4231234"
    first = stages.run(page(url, "tass", f"{LEAD} {prose(10)}"))
    unchanged = stages.run(page(url, "tass", f"{LEAD} {prose(10)}", listing={"update": True}))
    assert unchanged.verdict == "known"
    changed = stages.run(page(url, "tass", f"{LEAD} {prose(10)} An update was added.",
                              listing={"update": True, "date": "2017-05-04T08:00:00+00:00"}))
    assert changed.verdict == "updated" and changed.article_id == first.article_id
    row = stages.rows("SELECT revisions, text, first_seen FROM articles WHERE id = ?", [first.article_id])[0]
    assert row[0] == 1 and row[1].endswith("An update was added.")
    assert stages.rows("SELECT count(*) FROM articles WHERE url = ?", [url]) == [(1,)]


# --------------------------------------------------------------------------- store


def test_store_writes_a_batch_in_one_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipelines.store, "FLUSH_SECONDS", 3600.0)
    stages = Stages.build(tmp_path / "batch.db", MONITOR_BATCH_SIZE=3)
    statements: list[str] = []
    stages.db.conn.set_trace_callback(statements.append)
    urls = [f"http://tass.test/mezhdunarodnaya-panorama/42{n}" for n in range(3)]
    for n, url in enumerate(urls[:2]):
        stages.run(page(url, "tass", f"{LEAD} {prose(20 + n)}"), flush=False)
    assert stages.rows("SELECT count(*) FROM articles WHERE is_seed = 0") == [(0,)], "nothing written before the batch fills"
    statements.clear()
    stages.run(page(urls[2], "tass", f"{LEAD} {prose(22)}"), flush=False)
    begins = [s for s in statements if s.strip().upper().startswith("BEGIN")]
    commits = [s for s in statements if s.strip().upper().startswith("COMMIT")]
    assert len(begins) == 1 and len(commits) == 1, statements
    assert stages.rows("SELECT count(*) FROM articles WHERE is_seed = 0") == [(3,)]
    assert stages.rows("SELECT count(*) FROM pages WHERE verdict = 'stored'") == [(3,)]


def test_store_records_a_page_row_for_every_verdict(stages: Stages) -> None:
    text = f"{LEAD} {prose(30)}"
    stages.run(page("http://www.aa.test/en/world/astana-talks/812345", "aa", text))
    stages.run(page("http://www.aa.test/en/world/astana-talks-copy/812346", "aa", text))
    stages.run(page("http://www.inform.test/en/fc-astana_a3012345", "kazinform",
                    "FC Astana beat their rivals 3-0 in the Champions League qualifier in front of a full stadium.",
                    title="FC Astana win again"))
    stages.run(Article(url="http://www.irna.test/news/82999001/", source="irna", discovered_via="feed",
                       canonical_url="http://www.irna.test/news/82999001/", verdict="blocked", reason="ArvanCloud"))
    stages.run(Article(url="http://www.hurriyet.test/dunya/x-40999001", source="hurriyet", discovered_via="feed",
                       status=404, verdict="error", reason="HttpError: Ignoring non-200 response"))
    stages.run(page("http://www.aa.test/en/world/astana-talks/812345?utm_source=x", "aa", text))
    verdicts = dict(stages.rows("SELECT verdict, count(*) FROM pages GROUP BY verdict"))
    assert verdicts == {"stored": 1, "duplicate": 1, "irrelevant": 1, "blocked": 1, "error": 1}
    assert stages.rows("SELECT status, reason FROM pages WHERE verdict = 'error'") == [
        (404, "HttpError: Ignoring non-200 response")]
    # The known URL added no page row, only an alias of the stored article.
    assert stages.rows("SELECT kind FROM url_aliases WHERE url LIKE '%utm_source=x'") == [("listed",)]


def test_store_keeps_rejected_text_for_rescore(stages: Stages) -> None:
    text = "FC Astana beat their rivals 3-0 in the Champions League qualifier in front of a full stadium."
    stages.run(page("http://www.inform.test/en/fc-astana_a3012345", "kazinform", text, title="FC Astana win again"))
    row = stages.rows("SELECT text, relevance, reason, matched_terms, article_id FROM pages")[0]
    assert row[0] == text and row[1] < 0.5 and "fc astana" in row[2] and row[4] is None
    assert "fc astana" in {t["term"] for t in json.loads(row[3])}
    assert stages.rows("SELECT count(*) FROM articles WHERE source = 'kazinform'") == [(0,)]


def test_store_makes_the_earliest_copy_the_original(stages: Stages) -> None:
    text = f"{LEAD} {prose(40)}"
    late = stages.run(page("http://www.aa.test/en/world/astana-talks/812345", "aa", text,
                           published="2017-05-03T15:00:00+00:00"))
    early = stages.run(page("http://tass.test/en/world/4231234", "tass", text, published="2017-05-03T08:00:00+00:00"))
    assert stages.rows("SELECT original_id, first_published, copies FROM stories") == [
        (early.article_id, "2017-05-03T08:00:00+00:00", 2)]
    assert dict(stages.rows("SELECT id, duplicate_of FROM articles WHERE is_seed = 0")) == {
        late.article_id: early.article_id, early.article_id: None}


def test_store_counts_revisions_and_keeps_first_seen(stages: Stages) -> None:
    url = "http://tass.test/mezhdunarodnaya-panorama/4231234"
    first = stages.run(page(url, "tass", f"{LEAD} {prose(50)}"))
    stages.db.execute("UPDATE articles SET first_seen = '2017-05-03T10:00:00+00:00' WHERE id = ?", [first.article_id])
    for n in range(2):
        stages.run(page(url, "tass", f"{LEAD} {prose(50)} Revision {n} adds this.", listing={"update": True}))
    assert stages.rows("SELECT revisions, first_seen FROM articles WHERE id = ?", [first.article_id]) == [
        (2, "2017-05-03T10:00:00+00:00")]


def test_store_on_a_read_only_database_closes_the_spider(stages: Stages) -> None:
    # Root ignores file modes, so the store gets a read-only connection, as a read-only mount would give.
    stages.store.context.db = dbmod.connect(stages.store.context.db_path, readonly=True)
    stages.store.process_item(page("http://tass.test/en/world/4231234", "tass", LEAD, verdict="stored", article_id=99))
    stages.store.flush()  # logs, records the failure and asks the engine to close; never raises
    failure = stages.crawler.stats.get_value("monitor/store/write_failed")
    assert "database write failed" in failure and "readonly" in failure
    assert stages.store.pending == []


# --------------------------------------------------------------------------- rescore and the seed


@pytest.fixture
def own_seeds(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    return seeds


def edit_topic(seeds: Path, old: str, new: str) -> None:
    topic = seeds / "topic.yaml"
    text = topic.read_text(encoding="utf-8")
    assert old in text
    topic.write_text(text.replace(old, new, 1), encoding="utf-8")


def load_topic(seeds: Path) -> Topic:
    return Topic.load(seeds, seed_texts=[s.text for s in load_seed_articles(seeds)])


def test_rescore_after_removing_a_term_and_adding_a_trap(tmp_path: Path, own_seeds: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipelines.store, "FLUSH_SECONDS", 3600.0)
    stages = Stages.build(tmp_path / "rescore.db", own_seeds)
    envoy = stages.run(page("http://tass.test/en/world/5000001", "tass",
                            "Russian envoy Alexander Lavrentiev said on Tuesday that the ceasefire in Syria holds.\n\n"
                            "He spoke to reporters in Moscow after meeting Syrian officials in Damascus.",
                            title="Lavrentiev says the ceasefire in Syria holds"))
    kept = stages.run(page("http://tass.test/en/world/5000002", "tass", f"{LEAD} {prose(60)}"))
    rejected = stages.run(page("http://tass.test/en/world/5000003", "tass",
                               "Delegations of the Zorbonia format met on Syria this week and agreed to extend "
                               "the ceasefire.\n\nThe next Zorbonia format meeting on Syria will be in spring.",
                               title="Zorbonia format meeting on Syria ends"))
    assert (envoy.verdict, kept.verdict, rejected.verdict) == ("stored", "stored", "irrelevant")
    topic_file = own_seeds / "topic.yaml"
    # The envoy's name is listed under several languages (terms match in every text): remove it everywhere.
    topic_file.write_text(re.sub(r"(?m)^\s*- lavrent\w+\n", "", topic_file.read_text(encoding="utf-8")),
                          encoding="utf-8")
    edit_topic(own_seeds, "      - astana talks\n", "      - astana talks\n      - zorbonia format\n")
    edit_topic(own_seeds, "      - fc astana\n", "      - fc astana\n      - reporters in moscow\n")
    db = dbmod.connect(tmp_path / "rescore.db")
    counts = rescore(db, load_topic(own_seeds))
    assert counts == {"articles relevant": 1, "articles now irrelevant": 1, "pages promoted": 1}
    rows = {r[0]: r[1:] for r in db.execute("SELECT url, relevant, reason FROM articles WHERE is_seed = 0")}
    assert rows["http://tass.test/en/world/5000001"][0] == 0
    assert "traps: reporters in moscow" in rows["http://tass.test/en/world/5000001"][1]
    assert rows["http://tass.test/en/world/5000002"][0] == 1
    promoted = rows["http://tass.test/en/world/5000003"]
    assert promoted[0] == 1 and promoted[1].startswith("rescored:") and "zorbonia format" in promoted[1]
    assert db.execute("SELECT verdict, reason FROM pages WHERE url LIKE '%5000003'").fetchall() == [
        ("stored", "promoted by rescore")]
    # The seed is never rescored away.
    assert db.execute("SELECT relevant FROM articles WHERE is_seed = 1").fetchall() == [(1,)]


def test_seed_article_is_inserted_once(tmp_path: Path) -> None:
    db = dbmod.connect(tmp_path / "seed.db")
    seeds = load_seed_articles(SEEDS)
    topic = load_topic(SEEDS)
    assert insert_seed_articles(db, seeds, topic) == 1
    assert insert_seed_articles(db, seeds, topic) == 0
    rows = db.execute("SELECT url, source, is_seed, published, round, relevant, discovered_via FROM articles").fetchall()
    assert rows == [("https://tabnak.ir/002tfp", "tabnak", 1, "2017-05-03T12:00:00+00:00", 4, 1, "seed")]
    assert db.execute("SELECT count(*) FROM signatures").fetchone() == (1,)
    assert db.execute("SELECT kind FROM url_aliases").fetchall() == [("seed",)]


def test_every_crawler_context_keeps_one_seed(tmp_path: Path) -> None:
    for _ in range(2):
        Stages.build(tmp_path / "twice.db")
    with sqlite3.connect(tmp_path / "twice.db") as conn:
        assert conn.execute("SELECT count(*), min(is_seed) FROM articles").fetchone() == (1, 1)


@pytest.fixture(autouse=True, scope="module")
def _pool_down() -> Iterator[None]:
    yield
    from monitor.workers import shutdown_pool

    shutdown_pool()
