"""Discovery documents of the outlets: robots.txt, RSS/Atom/RDF feeds, sitemap indexes, news and archive sitemaps."""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from monitor.newsroom.calendars import TODAY, jalali, rfc822, w3c
from monitor.newsroom.faults import BROKEN_FEED, EXTERNAL_FEED, FAULTS, LAUGHS_FEED, gzip_bomb
from monitor.newsroom.urls import TRACKED_FEEDS, legacy_url, mobile_url

if TYPE_CHECKING:
    from monitor.newsroom.world import Article, Outlet, World

FEED_ITEMS = 20
NEWS_ITEMS = 30
SITEMAP_LIMIT = 50_000
FEED_LANGUAGE_OVERRIDES = {"http://www.aljazeera.test/xml/rss/all.xml": "en"}
NEWS_NAMES = {"tabnak": "Tabnak", "irna": "IRNA", "mehr": "Mehr News Agency"}


@dataclass
class Document:
    """A served document: body bytes, content type and the date behind Last-Modified."""

    body: bytes
    content_type: str
    last_modified: dt.datetime | None = None
    gzip_file: bool = False


def url_key(url: str) -> str:
    """host + path + query: how the server looks documents up."""
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


def feed_language(outlet: Outlet, url: str) -> str:
    """The language of a feed: from an override, the path (/fa/, kz.xml) or the host (en.irna.test)."""
    if url in FEED_LANGUAGE_OVERRIDES:
        return FEED_LANGUAGE_OVERRIDES[url]
    parts = urlsplit(url)
    path = parts.path
    for lang in outlet.languages:
        code = "kz" if lang == "kk" else lang
        if f"/{code}/" in path or path.endswith(f"/{code}.xml"):
            return lang
    for lang in outlet.languages:
        if outlet.host_for(lang) == parts.hostname and parts.hostname != outlet.primary_host:
            return lang
    return outlet.languages[0]



def _x(text: str) -> str:
    return escape(text, quote=False)


class Listings:
    """Builds (once, then caches) every feed, sitemap and robots.txt of the newsroom."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.routes: dict[str, Callable[[], Document]] = {}
        self._cache: dict[str, Document] = {}
        for outlet in world.outlets.values():
            self._register(outlet)

    # --- routing ------------------------------------------------------------------------
    def lookup(self, url: str) -> Document | None:
        key = url_key(url)
        if key not in self.routes:
            return None
        if key not in self._cache:
            self._cache[key] = self.routes[key]()
        return self._cache[key]

    def index_url(self, outlet: Outlet) -> str:
        return outlet.sitemaps[0] if outlet.sitemaps else f"http://{outlet.primary_host}/sitemap.xml"

    def news_url(self, outlet: Outlet) -> str:
        return f"http://{outlet.primary_host}/sitemap-news.xml"

    def archive_url(self, outlet: Outlet, year: int, month: int) -> str:
        template = outlet.archive_sitemap or f"http://{outlet.primary_host}/sitemaps/archive/{{year}}-{{month:02d}}.xml"
        if "{jyear" in template:
            return template.format(jyear=year, jmonth=month)
        return template.format(year=year, month=month)

    def generated_url(self, outlet: Outlet, k: int) -> str:
        return f"http://{outlet.primary_host}/sitemap-generated-{k + 1}.xml"

    def feed_links(self, outlet: Outlet) -> list[tuple[str, str, str]]:
        """(url, type, title) of the feeds a homepage advertises, fault feeds included."""
        out = [(u, self._feed_type(u), f"{outlet.name} ({feed_language(outlet, u)})") for u in outlet.feeds]
        for fault in FAULTS:
            if fault.listed_in.rstrip("/") == outlet.homepage.rstrip("/"):
                out.append((fault.url, "application/rss+xml", f"{outlet.name} {fault.name}"))
        return out

    @staticmethod
    def _feed_type(url: str) -> str:
        if url.endswith(".rdf"):
            return "application/rdf+xml"
        if "atom" in url:
            return "application/atom+xml"
        return "application/rss+xml"

    def _register(self, outlet: Outlet) -> None:
        for host in outlet.hosts:
            self.routes[f"{host}/robots.txt"] = lambda o=outlet, h=host: self.robots(o, h)  # type: ignore[misc]
        for feed in outlet.feeds:
            self.routes[url_key(feed)] = lambda o=outlet, f=feed: self.feed(o, f)  # type: ignore[misc]
        self.routes[url_key(self.index_url(outlet))] = lambda o=outlet: self.sitemap_index(o)  # type: ignore[misc]
        self.routes[url_key(self.news_url(outlet))] = lambda o=outlet: self.news_sitemap(o)  # type: ignore[misc]
        for (year, month), articles in self.monthly(outlet).items():
            self.routes[url_key(self.archive_url(outlet, year, month))] = (
                lambda o=outlet, a=articles, y=year, m=month: self.archive_sitemap(o, a, y, m))  # type: ignore[misc]
        for k in range(self._generated_chunks(outlet)):
            self.routes[url_key(self.generated_url(outlet, k))] = lambda o=outlet, k=k: self.generated_sitemap(o, k)  # type: ignore[misc]
        for fault in FAULTS:
            if urlsplit(fault.url).hostname in outlet.hosts:
                body = {"malformed-feed": BROKEN_FEED, "billion-laughs-feed": LAUGHS_FEED,
                        "external-entity-feed": EXTERNAL_FEED}.get(fault.name)
                if body is not None:
                    self.routes[url_key(fault.url)] = lambda b=body: Document(b, "application/rss+xml; charset=utf-8", TODAY)  # type: ignore[misc]
                if fault.name == "gzip-bomb-sitemap":
                    self.routes[url_key(fault.url)] = lambda: Document(gzip_bomb(), "application/x-gzip", TODAY, gzip_file=True)

    # --- robots -------------------------------------------------------------------------
    def robots(self, outlet: Outlet, host: str) -> Document:
        lines = ["User-agent: *", "Disallow: /search/private", "Disallow: /admin", "Disallow: /*?print=1", "",
                 "User-agent: BadBot", "Disallow: /", ""]
        if outlet.robots_sitemaps:
            lines += [f"Sitemap: {self.index_url(outlet)}", f"Sitemap: {self.news_url(outlet)}"]
        return Document(("\n".join(lines) + "\n").encode(), "text/plain; charset=utf-8", dt.datetime(2024, 1, 1, tzinfo=dt.UTC))

    # --- feeds --------------------------------------------------------------------------
    def feed_articles(self, outlet: Outlet, language: str) -> list[Article]:
        static = self.world.live_articles(outlet.id, language)[:FEED_ITEMS]
        gen = self.world.generated
        if not len(gen):
            return static
        latest = gen.newest(outlet.id, language, FEED_ITEMS)
        return sorted(static + latest, key=lambda a: a.published, reverse=True)[:FEED_ITEMS]

    def feed_link(self, outlet: Outlet, article: Article, position: int) -> str:
        """The link a feed gives: sometimes tracked, legacy or mobile, as real feeds do."""
        if outlet.id in TRACKED_FEEDS and position % 2 == 1:
            return f"{article.url}?utm_source=rss&utm_medium=rss&utm_campaign={outlet.id}_feed"
        if outlet.id in ("tass", "aljazeera") and position % 4 == 3 and not article.generated:
            return legacy_url(outlet, article) or article.url
        if outlet.id == "ria" and position % 3 == 2:
            return mobile_url(outlet, article.url) or article.url
        return article.url

    def feed(self, outlet: Outlet, url: str) -> Document:
        language = feed_language(outlet, url)
        articles = self.feed_articles(outlet, language)
        items = [(a, self.feed_link(outlet, a, i)) for i, a in enumerate(articles)]
        faults = [f for f in FAULTS if f.listed_in == url]
        kind = self._feed_type(url)
        if kind == "application/atom+xml":
            body = self._atom(outlet, url, language, items, faults)
        elif kind == "application/rdf+xml":
            body = self._rdf(outlet, url, language, items, faults)
        else:
            body = self._rss(outlet, url, language, items, faults)
        newest = max((a.last_change for a in articles), default=TODAY)
        return Document(body.encode(), f"{kind}; charset=utf-8", newest)

    def _fault_title(self, name: str) -> str:
        article_id = next((f.article_id for f in FAULTS if f.name == name), None)
        if article_id and article_id in self.world.by_id:
            return self.world.by_id[article_id].title
        return f"Astana talks: {name.replace('-', ' ')} report"

    def _fault_date(self, name: str) -> dt.datetime:
        article_id = next((f.article_id for f in FAULTS if f.name == name), None)
        if article_id and article_id in self.world.by_id:
            return self.world.by_id[article_id].published
        return dt.datetime(2024, 11, 20, 10, 0, tzinfo=dt.UTC)

    def _rss(self, outlet: Outlet, url: str, language: str, items: list[tuple[Article, str]], faults: list) -> str:
        tz = outlet.tz if outlet.id in ("tass", "ria", "hurriyet") else None
        out = ['<?xml version="1.0" encoding="UTF-8"?>',
               '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">',
               f"<channel><title>{_x(outlet.name)}</title><link>{_x(outlet.homepage)}</link>",
               f"<description>{_x(outlet.name)} news</description><language>{language}</language>",
               f'<atom:link href="{escape(url)}" rel="self" type="application/rss+xml"/>',
               f"<lastBuildDate>{rfc822(TODAY, tz)}</lastBuildDate>"]
        for article, link in items:
            permalink = "true" if link == article.url else "false"
            out.append(f"<item><title>{_x(article.title)}</title><link>{_x(link)}</link>"
                       f"<description>{_x(article.summary)}</description><pubDate>{rfc822(article.published, tz)}</pubDate>"
                       f'<guid isPermaLink="{permalink}">{_x(article.url)}</guid>'
                       + (f"<dc:creator>{_x(article.author)}</dc:creator>" if article.author else "")
                       + "".join(f"<category>{_x(t)}</category>" for t in article.tags) + "</item>")
        for fault in faults:
            out.append(f"<item><title>{_x(self._fault_title(fault.name))}</title><link>{_x(fault.url)}</link>"
                       f"<pubDate>{rfc822(self._fault_date(fault.name), tz)}</pubDate><guid>{_x(fault.url)}</guid></item>")
        out.append("</channel></rss>")
        return "\n".join(out)

    def _atom(self, outlet: Outlet, url: str, language: str, items: list[tuple[Article, str]], faults: list) -> str:
        out = ['<?xml version="1.0" encoding="utf-8"?>', f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{language}">',
               f"<title>{_x(outlet.name)}</title><id>{_x(outlet.homepage)}</id>",
               f'<link rel="self" href="{escape(url)}"/><link href="{escape(outlet.homepage)}"/>',
               f"<updated>{w3c(TODAY)}</updated>"]
        for article, link in items:
            out.append(f'<entry><title>{_x(article.title)}</title><link rel="alternate" href="{escape(link)}"/>'
                       f"<id>{_x(article.url)}</id><published>{w3c(article.published)}</published>"
                       f"<updated>{w3c(article.last_change)}</updated><summary>{_x(article.summary)}</summary>"
                       + (f"<author><name>{_x(article.author)}</name></author>" if article.author else "") + "</entry>")
        for fault in faults:
            when = w3c(self._fault_date(fault.name))
            out.append(f'<entry><title>{_x(self._fault_title(fault.name))}</title><link rel="alternate" href="{escape(fault.url)}"/>'
                       f"<id>{_x(fault.url)}</id><published>{when}</published><updated>{when}</updated></entry>")
        out.append("</feed>")
        return "\n".join(out)

    def _rdf(self, outlet: Outlet, url: str, language: str, items: list[tuple[Article, str]], faults: list) -> str:
        links = [link for _, link in items] + [f.url for f in faults]
        out = ['<?xml version="1.0" encoding="utf-8"?>',
               '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
               'xmlns:dc="http://purl.org/dc/elements/1.1/">',
               f'<channel rdf:about="{escape(url)}"><title>{_x(outlet.name)}</title><link>{_x(outlet.homepage)}</link>'
               f"<description>{_x(outlet.name)}</description><dc:language>{language}</dc:language><items><rdf:Seq>"
               + "".join(f'<rdf:li rdf:resource="{escape(u)}"/>' for u in links) + "</rdf:Seq></items></channel>"]
        for article, link in items:
            out.append(f'<item rdf:about="{escape(link)}"><title>{_x(article.title)}</title><link>{_x(link)}</link>'
                       f"<description>{_x(article.summary)}</description><dc:date>{w3c(article.published)}</dc:date></item>")
        for fault in faults:
            out.append(f'<item rdf:about="{escape(fault.url)}"><title>{_x(self._fault_title(fault.name))}</title>'
                       f"<link>{_x(fault.url)}</link><dc:date>{w3c(self._fault_date(fault.name))}</dc:date></item>")
        out.append("</rdf:RDF>")
        return "\n".join(out)

    # --- sitemaps -----------------------------------------------------------------------
    def monthly(self, outlet: Outlet) -> dict[tuple[int, int], list[Article]]:
        """The outlet's live articles grouped by the month of its archive sitemaps (Solar Hijri for jyear)."""
        jalali_months = "{jyear" in (outlet.archive_sitemap or "")
        groups: dict[tuple[int, int], list[Article]] = {}
        for article in reversed(self.world.live_articles(outlet.id)):
            local = article.published.astimezone(outlet.tz)
            if jalali_months:
                j = jalali(local)
                key = (j.year, j.month)
            else:
                key = (local.year, local.month)
            groups.setdefault(key, []).append(article)
        return dict(sorted(groups.items()))

    def _generated_chunks(self, outlet: Outlet) -> int:
        count = len(self.world.generated.indices_of(outlet.id))
        return (count + SITEMAP_LIMIT - 1) // SITEMAP_LIMIT

    def sitemap_index(self, outlet: Outlet) -> Document:
        entries: list[tuple[str, dt.datetime]] = [(self.news_url(outlet), TODAY)]
        for (year, month), articles in self.monthly(outlet).items():
            entries.append((self.archive_url(outlet, year, month), max(a.last_change for a in articles)))
        for k in range(self._generated_chunks(outlet)):
            entries.append((self.generated_url(outlet, k), TODAY))
        for fault in FAULTS:
            if fault.listed_in == self.index_url(outlet):
                entries.append((fault.url, TODAY))
        body = ['<?xml version="1.0" encoding="UTF-8"?>', '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
        body += [f"<sitemap><loc>{_x(u)}</loc><lastmod>{w3c(m)}</lastmod></sitemap>" for u, m in entries]
        body.append("</sitemapindex>")
        return Document("\n".join(body).encode(), "application/xml; charset=utf-8", TODAY)

    def news_sitemap(self, outlet: Outlet) -> Document:
        articles = self.world.live_articles(outlet.id)[:NEWS_ITEMS]
        name = NEWS_NAMES.get(outlet.id, outlet.name)
        body = ['<?xml version="1.0" encoding="UTF-8"?>',
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">']
        for a in articles:
            body.append(f"<url><loc>{_x(a.url)}</loc><news:news><news:publication><news:name>{_x(name)}</news:name>"
                        f"<news:language>{a.language}</news:language></news:publication>"
                        f"<news:publication_date>{w3c(a.published, outlet.tz)}</news:publication_date>"
                        f"<news:title>{_x(a.title)}</news:title><news:keywords>{_x(', '.join(a.tags))}</news:keywords>"
                        f"</news:news></url>")
        body.append("</urlset>")
        newest = max((a.last_change for a in articles), default=TODAY)
        return Document("\n".join(body).encode(), "application/xml; charset=utf-8", newest)

    def _urlset(self, rows: Iterable[tuple[str, dt.datetime]]) -> str:
        body = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
        body += [f"<url><loc>{_x(u)}</loc><lastmod>{w3c(m)}</lastmod></url>" for u, m in rows]
        body.append("</urlset>")
        return "\n".join(body)

    def archive_sitemap(self, outlet: Outlet, articles: list[Article], year: int, month: int) -> Document:
        text = self._urlset((a.url, a.last_change) for a in articles)
        newest = max(a.last_change for a in articles)
        if (outlet.archive_sitemap or "").endswith(".gz"):
            return Document(gzip.compress(text.encode(), mtime=0), "application/x-gzip", newest, gzip_file=True)
        return Document(text.encode(), "application/xml; charset=utf-8", newest)

    def generated_sitemap(self, outlet: Outlet, k: int) -> Document:
        indices = self.world.generated.indices_of(outlet.id)[k * SITEMAP_LIMIT:(k + 1) * SITEMAP_LIMIT]
        gen = self.world.generated
        text = self._urlset((a.url, a.published) for a in (gen.meta(i) for i in indices))
        return Document(text.encode(), "application/xml; charset=utf-8", TODAY)
