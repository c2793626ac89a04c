"""Stage 5, dedup: exact copies folded into one article, wire copies grouped into stories."""

from __future__ import annotations

import bisect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler

from monitor.context import CrawlContext
from monitor.db import utcnow
from monitor.dedup import NearDuplicateIndex, credited_agency
from monitor.items import Article

logger = logging.getLogger(__name__)

SAME_ARTICLE_SIMILARITY = 0.9   # one outlet, nearly the same text under two URLs: one article
CREDIT_WINDOW = timedelta(days=2)


@dataclass
class Known:
    """What dedup remembers of each stored article, without its text."""

    source: str
    published: datetime | None
    round: int | None
    story_id: int | None
    credit: str | None = None


def parse_time(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


# One near-duplicate index per database and process: the spiders of one `monitor crawl`
# run one after another, and each would otherwise rebuild it from every stored signature.
_INDEXES: dict[Path, tuple[NearDuplicateIndex, int]] = {}


def shared_index(db_path: Path, db: Any) -> NearDuplicateIndex:
    """The index of stored signatures, rebuilt once, then topped up with what was stored since."""
    key = db_path.resolve()
    index, seen = _INDEXES.get(key, (None, 0))
    rows = db.execute(
        "SELECT article_id, signature, published FROM signatures WHERE article_id > ? AND length(signature) > 0 "
        "ORDER BY article_id", [seen],
    )
    if index is None:
        # Rebuilt from stored signatures: no text is re-shingled on start.
        stored = [(r[0], r[1], parse_time(r[2])) for r in rows]
        index = NearDuplicateIndex.rebuild(stored)
    else:
        stored = [(r[0], r[1], parse_time(r[2])) for r in rows]
        for article_id, signature, published in stored:
            index.add(article_id, signature, published)
    last = max([seen, *(r[0] for r in stored)])
    _INDEXES[key] = (index, last)
    return index


class DedupPipeline:
    """Assigns article ids, folds exact copies, and links near-duplicates and credited translations into stories."""

    def __init__(self, crawler: Crawler) -> None:
        self.context = CrawlContext.of(crawler)
        self.stats = crawler.stats
        db = self.context.db
        self.next_id = (db.execute("SELECT max(id) FROM articles").fetchone()[0] or 0) + 1
        self.articles: dict[int, Known] = {}
        # Per round, (published timestamp, id) in order: credit lookups read a slice, not every article.
        self.by_round: dict[int, list[tuple[float, int]]] = {}
        self.members: dict[int, set[int]] = {}
        self.by_hash: dict[str, int] = {}
        self.by_url: dict[str, int] = {}
        for row in db.execute("SELECT id, source, published, round, story_id, text_hash, credit FROM articles"):
            known = self.articles[row[0]] = Known(row[1], parse_time(row[2]), row[3], row[4], row[6])
            self.index_round(row[0], known)
            if row[4]:
                self.members.setdefault(row[4], set()).add(row[0])
            if row[5]:
                self.by_hash.setdefault(row[5], row[0])
        self.index = shared_index(self.context.db_path, db)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        return cls(crawler)

    def process_item(self, item: Article, spider: object = None) -> Article:
        article = ItemAdapter(item).item
        if article.verdict:
            return article
        published = parse_time(article.published)
        article.credit = credited_agency(article.extracted.get("text") or "")
        existing = self.existing_url(article)
        if existing is not None:
            return self.revisit(article, existing)
        if article.text_hash in self.by_hash:
            original = self.by_hash[article.text_hash]
            if self.articles[original].source == article.source:
                return self.fold(article, original, "the same text is stored under another URL of this outlet")
            self.link(article, original, "exact copy")
        elif article.signature:
            self.link_near_duplicate(article, published)
        if article.verdict:
            return article
        article.article_id = self.next_id
        self.link_credited_translation(article, published)
        self.next_id += 1
        self.remember(article, published)
        article.verdict = "stored"
        return article

    def existing_url(self, article: Article) -> int | None:
        if article.canonical_url in self.by_url:
            return self.by_url[article.canonical_url]
        if article.listing.get("update"):
            row = self.context.db.execute("SELECT id FROM articles WHERE url = ?", [article.canonical_url]).fetchone()
            return row[0] if row else None
        return None

    def revisit(self, article: Article, existing: int) -> Article:
        """The same URL again: unchanged, or a new revision of a stored article."""
        article.article_id = existing
        row = self.context.db.execute("SELECT text_hash FROM articles WHERE id = ?", [existing]).fetchone()
        if row is not None and row[0] != article.text_hash:
            article.verdict, article.reason = "updated", "the page's text changed since it was stored"
            self.stats.inc_value("monitor/dedup/updated")
        else:
            article.verdict, article.reason = "known", "already stored under this URL"
            self.context.db.execute("UPDATE articles SET last_seen = ? WHERE id = ?", [utcnow(), existing])
        return article

    def fold(self, article: Article, original: int, reason: str) -> Article:
        article.verdict, article.reason, article.duplicate_of = "duplicate", reason, original
        article.article_id = original
        self.stats.inc_value("monitor/dedup/duplicate")
        return article

    def link(self, article: Article, other: int, why: str) -> None:
        """Put the new article in the story of `other` (creating it), merging stories it already bridges."""
        story = self.articles[other].story_id or other
        self.attach(article, other, story)
        if article.story_id is not None and article.story_id != story:
            self.merge(article, article.story_id, story)
        article.story_id = story
        article.duplicate_of = other
        article.reason = f"{why} of article {other}"
        self.stats.inc_value("monitor/dedup/story_copy")

    def attach(self, article: Article, member: int, story: int) -> None:
        if self.articles[member].story_id != story:
            self.articles[member].story_id = story
            article.story_updates[member] = story
        self.members.setdefault(story, set()).add(member)

    def merge(self, article: Article, old: int, new: int) -> None:
        """Two stories turn out to be one: every member of `old` moves to `new`."""
        for member in self.members.pop(old, set()):
            self.attach(article, member, new)
        article.story_updates[-old] = new   # a negative key retires the old story row

    def link_near_duplicate(self, article: Article, published: datetime | None) -> None:
        """Join the story of the closest copy on another outlet; a copy bridging two stories merges them."""
        for other, similarity in self.index.query(article.signature, published):
            if other not in self.articles:
                continue
            known = self.articles[other]
            if known.source == article.source:
                if similarity >= SAME_ARTICLE_SIMILARITY and article.story_id is None:
                    self.fold(article, other, f"near-identical ({similarity:.2f}) to another URL of this outlet")
                    return
                continue
            if article.story_id is None:
                self.link(article, other, f"near-duplicate ({similarity:.2f})")
            elif known.story_id is None:
                self.attach(article, other, article.story_id)
            elif known.story_id != article.story_id:
                self.merge(article, known.story_id, article.story_id)

    def link_credited_translation(self, article: Article, published: datetime | None) -> None:
        """A copy crediting an agency joins that agency's story on the same round and days, in either order."""
        round_ = article.judgement.get("round")
        if published is None or round_ is None:
            return
        agency = article.credit
        if agency and agency != article.source:
            best = self.closest(published, round_, lambda k: k.source == agency)
            if best is not None:
                self.link(article, best, f"translation crediting {agency}")
        # The agency's own story may arrive after copies that credit it.
        for key in self.all_closest(published, round_, lambda k: k.credit == article.source and k.source != article.source and k.story_id is None):
            if article.story_id is None:
                story = key
                self.attach(article, key, story)
                article.story_id, article.duplicate_of = story, None
                article.reason = f"{article.source}'s original of credited copy {key}"
            else:
                self.attach(article, key, article.story_id)

    def closest(self, published: datetime, round_: int, wanted: Callable[[Known], bool]) -> int | None:
        found = self.all_closest(published, round_, wanted)
        return found[0] if found else None

    def all_closest(self, published: datetime, round_: int, wanted: Callable[[Known], bool]) -> list[int]:
        timeline = self.by_round.get(round_, [])
        when, window = published.timestamp(), CREDIT_WINDOW.total_seconds()
        start = bisect.bisect_left(timeline, (when - window, -1))
        scored = []
        for stamp, key in timeline[start:]:
            if stamp > when + window:
                break
            if wanted(self.articles[key]):
                scored.append((abs(stamp - when), key))
        return [key for _, key in sorted(scored)]

    def index_round(self, key: int, known: Known) -> None:
        if known.round is not None and known.published is not None:
            bisect.insort(self.by_round.setdefault(known.round, []), (known.published.timestamp(), key))

    def remember(self, article: Article, published: datetime | None) -> None:
        assert article.article_id is not None
        known = self.articles[article.article_id] = Known(
            article.source, published, article.judgement.get("round"), article.story_id, article.credit)
        self.index_round(article.article_id, known)
        if article.story_id is not None:
            self.members.setdefault(article.story_id, set()).add(article.article_id)
        self.by_url[article.canonical_url] = article.article_id
        if article.text_hash:
            self.by_hash.setdefault(article.text_hash, article.article_id)
        if article.signature:
            self.index.add(article.article_id, article.signature, published)
