"""Feed and sitemap parsing: every format, the nested Google News fields, hostile XML kept inert."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.listings import ListingError, parse_feed, parse_sitemap

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>T</title>
<item><title>Guarantors meet</title><link>http://a.test/news/1?utm_source=rss</link>
<pubDate>Wed, 03 May 2017 10:00:00 +0300</pubDate><description>Talks.</description><category>Syria</category></item>
<item><title>Again</title><link>http://a.test/news/1?utm_source=rss</link></item>
<item><title>Guid only</title><guid>http://a.test/news/2</guid></item>
</channel></rss>"""

ATOM = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><title>One</title><link rel="alternate" href="http://a.test/x/1"/><link rel="amphtml" href="http://a.test/amp/1"/>
<published>2017-05-03T10:00:00Z</published><summary>S</summary></entry></feed>"""

RDF = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="http://a.test/"><title>C</title></channel>
<item rdf:about="http://a.test/r/1"><title>R</title><link>http://a.test/r/1</link><dc:date>2017-05-03</dc:date></item>
</rdf:RDF>"""

NEWS_SITEMAP = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>http://a.test/n/1</loc><lastmod>2017-05-05</lastmod><news:news><news:publication><news:name>A</news:name>
<news:language>ru</news:language></news:publication><news:publication_date>2017-05-03T12:00:00+03:00</news:publication_date>
<news:title>Title one</news:title><news:keywords>Syria, Astana</news:keywords></news:news></url>
<url><loc>http://a.test/n/2</loc><lastmod>2017-05-06</lastmod></url></urlset>"""

INDEX = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>http://a.test/s1.xml</loc><lastmod>2017-06-01</lastmod></sitemap></sitemapindex>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss><channel><item><title>&lol9;</title><link>http://a.test/b/1</link></item></channel></rss>"""

XXE = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&xxe;</title><link>http://a.test/x/9</link></item></channel></rss>"""


def test_rss_items_in_order_without_duplicates() -> None:
    entries = parse_feed(RSS)
    assert [e.url for e in entries] == ["http://a.test/news/1?utm_source=rss", "http://a.test/news/2"]
    assert entries[0].title == "Guarantors meet"
    assert entries[0].published == "Wed, 03 May 2017 10:00:00 +0300"
    assert entries[0].keywords == ["Syria"]


def test_atom_takes_the_alternate_link() -> None:
    (entry,) = parse_feed(ATOM)
    assert entry.url == "http://a.test/x/1"
    assert entry.published == "2017-05-03T10:00:00Z"


def test_rdf_feed() -> None:
    (entry,) = parse_feed(RDF)
    assert entry.url == "http://a.test/r/1" and entry.published == "2017-05-03"


def test_news_sitemap_keeps_nested_news_fields() -> None:
    sitemap = parse_sitemap(NEWS_SITEMAP)
    assert sitemap.kind == "urlset"
    first, second = sitemap.entries
    assert first.title == "Title one"
    assert first.published == "2017-05-03T12:00:00+03:00" and first.date_source == "news-sitemap"
    assert first.keywords == ["Syria", "Astana"] and first.language == "ru"
    assert second.published == "2017-05-06" and second.date_source == "lastmod"


def test_sitemap_index() -> None:
    sitemap = parse_sitemap(INDEX)
    assert sitemap.kind == "sitemapindex" and sitemap.entries[0].url == "http://a.test/s1.xml"


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE])
def test_entity_bombs_and_external_entities_stay_unexpanded(body: bytes) -> None:
    (entry,) = parse_feed(body)
    assert entry.url.startswith("http://a.test/")
    assert "lollol" not in (entry.title or "")
    assert "root:" not in (entry.title or "")


@pytest.mark.parametrize("body", [b"", b"not xml at all", b"<html><body>hi</body></html>", b"\x00\x01\x02"])
def test_garbage_is_a_listing_error(body: bytes) -> None:
    with pytest.raises(ListingError):
        parse_feed(body)
    with pytest.raises(ListingError):
        parse_sitemap(body)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000) | st.text(max_size=2000).map(lambda s: s.encode("utf-8")))
def test_parsers_raise_only_listing_errors(body: bytes) -> None:
    for parse in (parse_feed, parse_sitemap):
        with contextlib.suppress(ListingError):
            parse(body)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 10**6), st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")),
                                                          max_size=40)), max_size=20))
def test_generated_feeds_round_trip(items: list[tuple[int, str]]) -> None:
    from xml.sax.saxutils import escape

    xml = "".join(f"<item><title>{escape(t)}</title><link>http://a.test/n/{n}</link></item>" for n, t in items)
    entries = parse_feed(f"<rss><channel>{xml}</channel></rss>".encode())
    expected = list(dict.fromkeys(f"http://a.test/n/{n}" for n, _ in items))
    assert [e.url for e in entries] == expected
