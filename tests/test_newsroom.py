"""The newsroom simulator, fetched through it as an HTTP proxy: discovery paths, variants, archive and faults."""

from __future__ import annotations

import gzip
import http.client
import json
import re
import socket
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from lxml import etree

from monitor.newsroom import FAULTS, World, start_newsroom
from monitor.newsroom.faults import FAULTS_BY_URL, Fault
from monitor.newsroom.server import Newsroom
from monitor.newsroom.world import CONTENT_DIR, NewsroomError, fold_url, load_outlets

SAFE = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9",
      "atom": "http://www.w3.org/2005/Atom", "rss1": "http://purl.org/rss/1.0/"}


@pytest.fixture(scope="module")
def newsroom() -> Iterator[Newsroom]:
    with start_newsroom(timeout_delay=1.0) as nr:
        yield nr


@pytest.fixture(scope="module")
def opener(newsroom: Newsroom) -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.ProxyHandler({"http": newsroom.proxy_url}))


def fetch(opener: urllib.request.OpenerDirector, url: str, headers: dict[str, str] | None = None,
          timeout: float = 10) -> tuple[int, dict[str, str], bytes, str]:
    """(status, headers, body, final URL) without raising on HTTP errors."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read(), response.url
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read(), url


def raw_get(newsroom: Newsroom, url: str, timeout: float = 5) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", newsroom.port, timeout=timeout)
    conn.request("GET", url)
    return conn.getresponse()


def xml(body: bytes) -> etree._Element:
    return etree.fromstring(body, SAFE)


# --- the world ------------------------------------------------------------------------------

def test_ground_truth_covers_every_content_file(newsroom: Newsroom) -> None:
    world = newsroom.world
    files = sorted(CONTENT_DIR.glob("*.yaml"))
    import yaml

    entries = sum(len(yaml.safe_load(p.read_text(encoding="utf-8")) or []) for p in files)
    faults = [a for a in world.articles if a.fault]
    assert len(world.articles) == entries + len(faults)
    counts = world.counts()
    print(f"\n{len(world.articles)} articles from {len(files)} files:", json.dumps(counts, ensure_ascii=False))
    if len([p for p in files if not p.name.startswith("_")]) >= 3:
        assert len(world.articles) >= 150
    assert counts["relevant"].get("True", 0) > 0 and counts["relevant"].get("False", 0) > 0
    assert len({a.url for a in world.articles}) == len(world.articles)
    for article in world.articles:
        outlet = world.outlet(article.outlet)
        assert re.search(outlet.article_pattern, urlsplit(article.url).path + (
            "?" + urlsplit(article.url).query if urlsplit(article.url).query else "")), article.url
        assert world.truth_by_url(article.url) is article
    assert 6 <= len(world.removed_articles()) <= 10


def test_world_is_deterministic() -> None:
    one, two = World.load(), World.load()
    assert [(a.id, a.url) for a in one.articles] == [(a.id, a.url) for a in two.articles]
    assert [a.id for a in one.removed_articles()] == [a.id for a in two.removed_articles()]


def test_bad_content_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(
        "- {id: a, outlet: tass, language: fa, published: 2017-05-04T10:00:00Z, title: T, paragraphs: [p]}\n")
    with pytest.raises(NewsroomError, match="language 'fa' is not one of tass"):
        World.load(content_dir=tmp_path)
    (tmp_path / "x.yaml").write_text(
        "- {id: a, outlet: nowhere, language: en, published: 2017-05-04T10:00:00Z, title: T, paragraphs: [p]}\n")
    with pytest.raises(NewsroomError, match="outlet 'nowhere' is not in outlets.yaml"):
        World.load(content_dir=tmp_path)


def test_truth_by_url_folds_variants(newsroom: Newsroom) -> None:
    world = newsroom.world
    article = next(a for a in world.articles if a.outlet == "tabnak" and not a.fault)
    mobile = article.url.replace("www.tabnak.test", "m.tabnak.test")
    assert world.truth_by_url(mobile + "?utm_source=rss") is article
    assert fold_url(article.url + "?utm_medium=x", world) == fold_url(article.url, world)


# --- discovery paths --------------------------------------------------------------------

def test_homepages_and_robots(newsroom: Newsroom, opener: urllib.request.OpenerDirector) -> None:
    for outlet in newsroom.world.outlets.values():
        status, headers, body, _ = fetch(opener, outlet.homepage)
        assert status == 200 and 40_000 <= len(body) <= 150_000, (outlet.id, status, len(body))
        assert headers["Content-Type"].startswith("text/html")
        status, _, body, _ = fetch(opener, outlet.homepage + "robots.txt")
        text = body.decode()
        assert status == 200 and "Disallow: /admin" in text and "Disallow: /search/private" in text
        assert ("Sitemap: " in text) == outlet.robots_sitemaps, outlet.id


def test_every_feed_parses_and_links_to_articles(newsroom: Newsroom, opener: urllib.request.OpenerDirector) -> None:
    world = newsroom.world
    kinds: Counter[str] = Counter()
    for outlet in world.outlets.values():
        for feed in outlet.feeds:
            status, headers, body, _ = fetch(opener, feed)
            assert status == 200, feed
            root = xml(body)
            kinds[etree.QName(root).localname] += 1
            links = root.xpath("//item/link/text() | //rss1:item/rss1:link/text() | //atom:entry/atom:link/@href",
                               namespaces=NS)
            assert len(links) >= 1, feed
            for link in links:
                known = world.truth_by_url(link) or FAULTS_BY_URL.get(link)
                legacy = "/old/" in link or link.endswith(".html") and "middleeast" in link
                assert known or legacy, (feed, link)
            assert len(links) <= 20 + sum(1 for f in FAULTS if f.listed_in == feed)
    assert kinds == Counter({"rss": kinds["rss"], "feed": 1, "RDF": 1})
    assert any("utm_source=rss" in link for link in
               xml(fetch(opener, "http://www.aa.test/en/rss/default?cat=world")[2]).xpath("//item/link/text()"))


def test_sitemap_index_news_and_archive_sitemaps(newsroom: Newsroom, opener: urllib.request.OpenerDirector) -> None:
    world, site = newsroom.world, newsroom.site
    for outlet in world.outlets.values():
        index = xml(fetch(opener, site.listings.index_url(outlet))[2])
        locs = index.xpath("//sm:sitemap/sm:loc/text()", namespaces=NS)
        news = next(u for u in locs if u.endswith("sitemap-news.xml"))
        news_root = xml(fetch(opener, news)[2])
        dates = news_root.xpath("//news:publication_date/text()", namespaces=NS)
        assert dates and len(dates) <= 30
        assert news_root.xpath("//news:publication/news:language/text()", namespaces=NS)
        archives = [u for u in locs if u != news and "bomb" not in u and "generated" not in u]
        assert archives, outlet.id
        listed = set()
        for url in archives:
            status, headers, body, _ = fetch(opener, url)
            assert status == 200, url
            if url.endswith(".gz"):
                assert headers["Content-Type"] == "application/x-gzip"
                body = gzip.decompress(body)
            listed.update(xml(body).xpath("//sm:url/sm:loc/text()", namespaces=NS))
        live = {a.url for a in world.live_articles(outlet.id)}
        assert listed == live, outlet.id
        assert not listed & {a.url for a in world.removed_articles()}
    tabnak = world.outlet("tabnak")
    assert any(re.search(r"archive-13\d\d-\d\d\.xml$", u) for u in
               xml(fetch(opener, site.listings.index_url(tabnak))[2]).xpath("//sm:loc/text()", namespaces=NS))


def test_site_search_pages(newsroom: Newsroom, opener: urllib.request.OpenerDirector) -> None:
    world = newsroom.world
    for outlet_id, word in (("tabnak", "آستانه"), ("tass", "Астан"), ("aljazeera", "أستانا"), ("astanatimes", "Astana")):
        outlet = world.outlet(outlet_id)
        assert outlet.search
        expected = newsroom.site.search.search(outlet_id, word)
        assert expected, outlet_id
        body = fetch(opener, outlet.search.format(query=quote(word), page=1))[2].decode()
        first = re.findall(r'class="teaser__link" href="([^"]+)"', body)
        assert first == [a.url for a in expected[:10]]
        assert [a.published for a in expected] == sorted((a.published for a in expected), reverse=True)
        last_page = (len(expected) + 9) // 10
        beyond = fetch(opener, outlet.search.format(query=quote(word), page=last_page + 1))[2].decode()
        assert 'class="no-results"' in beyond and "teaser__link" not in beyond


def test_article_pages_sizes_related_and_removed(newsroom: Newsroom, opener: urllib.request.OpenerDirector) -> None:
    world = newsroom.world
    sizes = []
    for article in world.articles:
        if article.fault:
            continue
        status, headers, body, _ = fetch(opener, article.url)
        if article.removed:
            assert status == 404, article.url
            continue
        assert status == 200, article.url
        html = body.decode()
        sizes.append(len(body))
        assert article.paragraphs[0][:40].replace("&", "&amp;").replace('"', "&quot;").replace("'", "&#x27;") \
            .replace("<", "&lt;").replace(">", "&gt;") in html
        for related in article.related:
            other = world.by_id[related]
            assert f'href="{other.url}"' in html, (article.id, related)
    assert min(sizes) >= 40_000 and max(sizes) <= 125_000, (min(sizes), max(sizes))
    print(f"\narticle pages: {len(sizes)}, {min(sizes)}-{max(sizes)} bytes")


def test_metadata_conventions(newsroom: Newsroom, opener: urllib.request.OpenerDirector) -> None:
    world = newsroom.world

    def page(outlet_id: str, language: str) -> str:
        article = next(a for a in world.live_articles(outlet_id, language))
        return fetch(opener, article.url)[2].decode()

    assert '"@type": "NewsArticle"' in page("aa", "en") and 'property="og:title"' in page("aa", "en")
    un = page("unnews", "en")
    assert "ld+json" not in un and "og:title" not in un
    assert "ld+json" not in page("sana", "ar") and "هـ" in page("sana", "ar")
    assert re.search("[۰-۹]{4}", page("tabnak", "fa")) and "۱۴۰۵" in page("tabnak", "fa")
    assert re.search(r"\d{1,2} (января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря) 20\d\d, \d\d:\d\d",
                     page("tass", "ru"))
    assert re.search(r"\d\d\.\d\d\.20\d\d \d\d:\d\d", page("hurriyet", "tr"))
    assert "жылғы" in page("kazinform", "kk")
    assert '<link rel="canonical" href="http://astanatimes.test/">' in page("astanatimes", "en")


# --- URL variants -----------------------------------------------------------------------

def test_redirect_chain_short_link_amp_and_mobile(newsroom: Newsroom, opener: urllib.request.OpenerDirector) -> None:
    world = newsroom.world
    tass = next(a for a in world.live_articles("tass", "ru"))
    before = len(newsroom.requests)
    status, _, body, final = fetch(opener, f"http://tass.test/old/{tass.number}")
    assert status == 200 and final == tass.url and tass.title[:30] in body.decode()
    statuses = [s for _, _, s in list(newsroom.requests)[before:]]
    assert statuses == [301, 301, 200]
    tabnak = next(a for a in world.live_articles("tabnak"))
    short = newsroom.site.templates.article_variants(tabnak)["short"]
    assert fetch(opener, short)[3] == tabnak.url
    sabah = next(a for a in world.live_articles("dailysabah"))
    amp = fetch(opener, sabah.url.replace("dailysabah.test/", "dailysabah.test/amp/"))[2].decode()
    assert f'<link rel="canonical" href="{sabah.url}">' in amp
    mobile = fetch(opener, tabnak.url.replace("www.tabnak", "m.tabnak"))
    assert mobile[0] == 200 and f'<link rel="canonical" href="{tabnak.url}">' in mobile[2].decode()
    assert fetch(opener, "http://aa.test/")[3] == "http://www.aa.test/"


def test_conditional_get(newsroom: Newsroom, opener: urllib.request.OpenerDirector) -> None:
    feed = "http://tass.test/rss/v2.xml"
    status, headers, _, _ = fetch(opener, feed)
    assert status == 200 and headers["ETag"] and headers["Last-Modified"]
    assert fetch(opener, feed, {"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(opener, feed, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(opener, feed, {"If-None-Match": '"other"'})[0] == 200
    assert parsedate_to_datetime(headers["Last-Modified"]).year >= 2017
    conn = http.client.HTTPConnection("127.0.0.1", newsroom.port, timeout=5)
    conn.request("HEAD", "http://www.tabnak.test/robots.txt")
    response = conn.getresponse()
    assert response.status == 200 and response.read() == b""
    conn.request("GET", "/robots.txt", headers={"Host": "www.tabnak.test"})  # origin-form, same connection
    assert b"Sitemap:" in conn.getresponse().read()


# --- archive ----------------------------------------------------------------------------

def test_cdx_and_snapshots_keep_removed_articles(newsroom: Newsroom, opener: urllib.request.OpenerDirector) -> None:
    world = newsroom.world
    removed = world.removed_articles()[0]
    host = urlsplit(removed.url).hostname.removeprefix("www.")  # type: ignore[union-attr]
    query = (f"http://web.archive.test/cdx/search/cdx?url={host}/*&from=2017&to=2025&output=json"
             "&fl=timestamp,original,statuscode,mimetype&filter=statuscode:200")
    rows = json.loads(fetch(opener, query)[2])
    assert rows[0] == ["timestamp", "original", "statuscode", "mimetype"]
    assert all(r[2] == "200" for r in rows[1:])
    row = next(r for r in rows[1:] if r[1] == removed.url)
    raw = fetch(opener, f"http://web.archive.test/web/{row[0]}id_/{removed.url}")
    assert raw[0] == 200 and removed.title[:30] in raw[2].decode() and "wm-ipp" not in raw[2].decode()
    shown = fetch(opener, f"http://web.archive.test/web/{row[0]}/{removed.url}")[2].decode()
    assert "wm-ipp" in shown and removed.title[:30] in shown
    nearest = fetch(opener, f"http://web.archive.test/web/2017/{removed.url}")
    assert nearest[0] == 200 and "/web/" in nearest[3]
    window = json.loads(fetch(opener, f"http://web.archive.test/cdx/search/cdx?url={host}/*&from=2030&output=json")[2])
    assert window == []
    assert fetch(opener, removed.url)[0] == 404


# --- faults -----------------------------------------------------------------------------

@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_fault_behaves_as_documented(fault: Fault, newsroom: Newsroom, opener: urllib.request.OpenerDirector) -> None:
    newsroom.reset_faults()
    listed = fetch(opener, fault.listed_in)[2]
    if fault.listed_in.endswith(".xml") and not fault.listed_in.endswith("/sitemap.xml") or "rss" in fault.listed_in \
            or "feed" in fault.listed_in:
        assert fault.url.encode() in listed.replace(b"&amp;", b"&"), fault.name
    else:
        assert fault.url.encode() in listed, fault.name
    name = fault.name
    if name == "timeout":
        with pytest.raises((socket.timeout, TimeoutError, urllib.error.URLError)):
            fetch(opener, fault.url, timeout=0.5)
        return
    if name == "connection-reset":
        with pytest.raises((ConnectionError, http.client.RemoteDisconnected, OSError)):
            raw_get(newsroom, fault.url).read()
        return
    if name == "truncated":
        response = raw_get(newsroom, fault.url)
        assert response.getheader("Content-Length") == "60000"
        with pytest.raises(http.client.IncompleteRead):
            response.read()
        return
    status, headers, body, _ = fetch(opener, fault.url)
    article = newsroom.world.by_id.get(fault.article_id or "")
    if name == "error-500-once":
        assert status == 500
        status, _, body, _ = fetch(opener, fault.url)
        assert status == 200 and article is not None and article.title in body.decode()
    elif name in ("unavailable-503", "rate-limited-429"):
        assert status == int(name[-3:]) and int(headers["Retry-After"]) >= 1
    elif name == "not-found-in-feed":
        assert status == 404
    elif name == "oversized":
        assert status == 200 and len(body) > 12_000_000
    elif name == "binary-as-html":
        assert headers["Content-Type"] == "text/html" and b"\x00" in body
    elif name == "malformed-html":
        assert status == 200 and b"<p <p" in body
    elif name == "paywall":
        assert "Subscribe to read" in body.decode()
    elif name.startswith("anti-bot") or name == "cookie-wall":
        assert status == 200 and re.search(rb"Checking your browser|cookies", body)
    elif name == "cp1251":
        assert headers["Content-Type"] == "text/html; charset=windows-1251"
        assert article is not None and article.paragraphs[0][:40] in body.decode("cp1251")
        assert b"charset=" not in body[:2000]
    elif name.startswith("windows-1256"):
        assert (headers["Content-Type"] == "text/html; charset=windows-1256") == (name == "windows-1256")
        assert article is not None and article.paragraphs[0][:40] in body.decode("cp1256")
        assert b"charset" not in body[:2000]
    elif name == "malformed-feed":
        with pytest.raises(etree.XMLSyntaxError):
            xml(body)
    elif name == "billion-laughs-feed":
        assert b"<!ENTITY lol9" in body and len(body) < 5_000
        try:  # a safe parser either refuses it or leaves the entities unexpanded
            assert len(etree.tostring(xml(body))) < 10_000
        except etree.XMLSyntaxError as err:
            assert "amplification" in str(err) or "entity" in str(err).lower()
    elif name == "external-entity-feed":
        root = xml(body)  # served; with entities left unresolved nothing leaks
        assert b'SYSTEM "file:///etc/passwd"' in body and b"root:" not in etree.tostring(root)
    elif name == "gzip-bomb-sitemap":
        assert len(body) < 1_000_000 and headers["Content-Type"] == "application/x-gzip"
        decompressor = __import__("zlib").decompressobj(31)
        assert len(decompressor.decompress(body, 200_000_000)) > 100_000_000
    else:
        pytest.fail(f"untested fault {name}")


# --- scale ------------------------------------------------------------------------------

def test_scale_adds_reachable_generated_pages() -> None:
    with start_newsroom(scale=200) as nr:
        world = nr.world
        assert len(world.generated) == 200 and len(world.articles) == len(World.load().articles)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": nr.proxy_url}))
        listed = set()
        for outlet in world.outlets.values():
            index = xml(fetch(opener, nr.site.listings.index_url(outlet))[2])
            for loc in index.xpath("//sm:loc/text()", namespaces=NS):
                if "generated" in loc:
                    listed.update(xml(fetch(opener, loc)[2]).xpath("//sm:loc/text()", namespaces=NS))
        assert listed == {a.url for a in world.generated}
        sizes, started = [], time.perf_counter()
        for url in sorted(listed):
            status, _, body, _ = fetch(opener, url)
            assert status == 200 and world.truth_by_url(url) is not None
            sizes.append(len(body))
        elapsed = time.perf_counter() - started
        assert min(sizes) >= 60_000 and max(sizes) <= 200_000, (min(sizes), max(sizes))
        relevant = sum(a.relevant for a in world.generated)
        assert 0.4 < relevant / 200 < 0.8
        render = time.perf_counter()
        for article in list(world.generated)[:50]:
            nr.site.render_generated(article)
        per_page = (time.perf_counter() - render) / 50
        print(f"\ngenerated: 200 pages {min(sizes)}-{max(sizes)} bytes, {elapsed / 200 * 1000:.1f} ms per fetch, "
              f"{per_page * 1000:.2f} ms per render")
        assert per_page < 0.02


def test_outlets_file_has_window() -> None:
    outlets, (since, until) = load_outlets()
    assert len(outlets) >= 10 and since.year == 2017 and until.year == 2024
