"""Stage 1, canonical: one identity per article URL; already stored articles go no further."""

from __future__ import annotations

import re

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler

from monitor.context import CrawlContext
from monitor.db import utcnow
from monitor.items import Article
from monitor.urls import normalize_url, trusted_canonical

# The <link rel=canonical> and og:url of a page, read from its head without a full parse.
CANONICAL_LINK = re.compile(
    rb"""<link\b[^>]*\brel\s*=\s*["']?canonical["']?[^>]*>|<meta\b[^>]*\bproperty\s*=\s*["']og:url["'][^>]*>""",
    re.IGNORECASE,
)
HREF = re.compile(rb"""\b(?:href|content)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
# trusted_canonical searches its pattern in the whole URL, but outlets anchor theirs to the path
# ('^/news/\d+'): it gets a match-all pattern and the outlet's own check runs on the path.
ANY_ARTICLE = re.compile("")


def declared_canonicals(body: bytes) -> list[str]:
    # Canonical links live in <head>: scanning only it keeps this cheap on 200 KB pages.
    end = body.find(b"</head", 0, 300_000)
    head = body[: end if end > 0 else 300_000]
    found = []
    for tag in CANONICAL_LINK.findall(head):
        match = HREF.search(tag)
        if match:
            found.append(match.group(1).decode("utf-8", "replace").strip())
    return found


class CanonicalPipeline:
    """Folds tracking parameters, AMP and mobile hosts, redirects and trusted canonicals into one URL."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.context = CrawlContext.of(crawler)
        self.stats = crawler.stats
        self.aliases = self.context.sources.host_aliases()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CanonicalPipeline:
        return cls(crawler)

    def process_item(self, item: Article, spider: object = None) -> Article:
        article = ItemAdapter(item).item
        if article.verdict:
            return article
        identity = normalize_url(article.url, self.aliases)
        source = self.context.sources.get(article.source)
        for declared in declared_canonicals(article.body):
            pattern = ANY_ARTICLE if source.article_pattern is not None else None
            trusted = trusted_canonical(article.url, declared, pattern)
            if trusted and source.is_article_url(trusted) and self.context.sources.for_url(trusted) is source:
                identity = normalize_url(trusted, self.aliases)
                break
        article.canonical_url = identity
        seen = {identity}
        for url, kind in ((article.requested_url, "listed"), *((u, "redirect") for u in article.redirect_urls),
                          (article.url, "fetched")):
            if url and url not in seen:
                seen.add(url)
                article.aliases.append((url, kind))
        if not article.listing.get("update") and identity in self.context.stored_urls:
            existing = self.context.db.execute(
                "SELECT id FROM articles WHERE url = ? UNION ALL SELECT article_id FROM url_aliases WHERE url = ? "
                "LIMIT 1", [identity, identity]).fetchone()
            if existing is not None:
                article.article_id = existing[0]
                article.verdict, article.reason = "known", "already stored under its canonical URL"
                self.context.db.execute("UPDATE articles SET last_seen = ? WHERE id = ?", [utcnow(), existing[0]])
                self.stats.inc_value("monitor/canonical/known")
        return article
