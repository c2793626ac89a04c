"""Parse feeds (RSS 2.0, Atom, RDF) and sitemaps (incl. Google News) safely, without entity expansion."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

MAX_ENTRIES = 50_000  # the sitemap protocol's own limit per file


class ListingError(ValueError):
    """A feed or sitemap that cannot be read."""


@dataclass
class Entry:
    """One URL a feed or sitemap lists, with what the listing says about it."""

    url: str
    title: str | None = None
    published: str | None = None     # the raw date string as listed
    summary: str | None = None
    keywords: list[str] = field(default_factory=list)
    language: str | None = None
    date_source: str | None = None   # feed | news-sitemap | lastmod


@dataclass
class Sitemap:
    kind: str                       # urlset | sitemapindex
    entries: list[Entry]


def _parser() -> etree.XMLParser:
    # No entities resolved, no DTD loaded, no network: billion laughs and XXE stay inert.
    return etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, recover=True,
        remove_comments=True, remove_pis=True,
    )


DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", re.DOTALL | re.IGNORECASE)


def strip_doctype(body: bytes) -> tuple[bytes, bool]:
    """Drop a DOCTYPE and its internal subset: feeds never need one, and entity bombs live there."""
    head = body[:65536]
    match = DOCTYPE.search(head)
    if not match:
        return body, False
    return body[: match.start()] + body[match.end():], b"<!ENTITY" in match.group(0).upper()


def declares_entities(body: bytes) -> bool:
    """True when the document's DOCTYPE declares entities (billion laughs, external entities)."""
    return strip_doctype(body)[1]


def parse_xml(body: bytes) -> tuple[etree._Element, str | None]:
    """The root element, and the first syntax error that recovery had to work around."""
    body, _ = strip_doctype(body)
    parser = _parser()
    try:
        root = etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise ListingError(f"not XML: {exc}") from None
    if root is None:
        raise ListingError("empty or unreadable XML")
    errors = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
    return root, (f"line {errors[0].line}: {errors[0].message}" if errors else None)


def check_recovered(error: str | None, entries: list[Entry]) -> None:
    """Recovery salvaged nothing from a document with syntax errors: that is a broken listing."""
    if error and not entries:
        raise ListingError(f"malformed XML, no entry recovered ({error})")


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _child_text(node: etree._Element, *names: str) -> str | None:
    for child in node:
        if _local(child.tag) in names:
            text = "".join(child.itertext()).strip()
            if text:
                return text
    return None


def _descendant(node: etree._Element, name: str) -> etree._Element | None:
    for child in node.iter():
        if _local(child.tag) == name:
            return child
    return None


def parse_feed(body: bytes) -> list[Entry]:
    """Entries of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, in document order, duplicates dropped."""
    root, error = parse_xml(body)
    kind = _local(root.tag)
    if kind not in ("rss", "rdf", "feed"):
        raise ListingError(f"not a feed (root element <{kind}>)")
    entries: list[Entry] = []
    seen: set[str] = set()
    for node in root.iter():
        name = _local(node.tag)
        if name not in ("item", "entry"):
            continue
        url = _feed_link(node)
        if not url or url in seen:
            continue
        seen.add(url)
        categories = [c.get("term") or (c.text or "").strip() for c in node if _local(c.tag) in ("category", "subject")]
        entries.append(
            Entry(
                url=url,
                title=_child_text(node, "title"),
                published=_child_text(node, "pubdate", "published", "date", "issued", "updated", "modified"),
                summary=_child_text(node, "description", "summary"),
                keywords=[c for c in categories if c],
                date_source="feed",
            )
        )
        if len(entries) >= MAX_ENTRIES:
            break
    check_recovered(error, entries)
    return entries


def _feed_link(node: etree._Element) -> str | None:
    for child in node:
        if _local(child.tag) != "link":
            continue
        href = child.get("href")
        if href and child.get("rel", "alternate") == "alternate":
            return href.strip()
        if child.text and child.text.strip():
            return child.text.strip()
    about = node.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
    if about:
        return about.strip()
    guid = _child_text(node, "guid")
    if guid and guid.startswith("http"):
        return guid
    return None


def parse_sitemap(body: bytes) -> Sitemap:
    """A sitemap or sitemap index, keeping the nested Google News fields Scrapy's parser drops."""
    root, error = parse_xml(body)
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise ListingError(f"not a sitemap (root element <{kind}>)")
    entries: list[Entry] = []
    for node in root:
        if _local(node.tag) not in ("url", "sitemap"):
            continue
        loc = _child_text(node, "loc")
        if not loc:
            continue
        entry = Entry(url=loc, published=_child_text(node, "lastmod"), date_source="lastmod")
        news = _descendant(node, "news")
        if news is not None:
            entry.title = _child_text(news, "title")
            news_date = _child_text(news, "publication_date")
            if news_date:
                entry.published, entry.date_source = news_date, "news-sitemap"
            keywords = _child_text(news, "keywords")
            entry.keywords = [k.strip() for k in keywords.split(",") if k.strip()] if keywords else []
            publication = _descendant(news, "publication")
            if publication is not None:
                entry.language = _child_text(publication, "language")
        entries.append(entry)
        if len(entries) >= MAX_ENTRIES:
            break
    check_recovered(error, entries)
    return Sitemap(kind, entries)

