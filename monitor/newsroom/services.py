"""Site search of the outlets and the Wayback-like archive at web.archive.test (CDX API and snapshots)."""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote, unquote, urlsplit

from monitor.newsroom.urls import legacy_url

if TYPE_CHECKING:
    from monitor.newsroom.world import Article, Outlet, World

RESULTS_PER_PAGE = 10
ARCHIVE_HOST = "web.archive.test"
_LETTER_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "أ": "ا", "إ": "ا", "آ": "ا",
                              "ё": "е", "ı": "i", "\u0640": None, "\u200c": " "})
_WORD = re.compile(r"\w+")


def normalise(text: str) -> list[str]:
    """Lower-case words with diacritics removed and Arabic/Persian letter variants folded."""
    text = unicodedata.normalize("NFKD", text.lower()).translate(_LETTER_FOLD)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return _WORD.findall(text)


# --- search --------------------------------------------------------------------------------

@dataclass
class SearchRoute:
    """A compiled search template: where the query and page number sit in the URL."""

    outlet: Outlet
    host: str
    path_re: re.Pattern[str]
    params: dict[str, str]  # query parameter -> 'query' | 'page'

    def match(self, host: str, path: str, query: str) -> tuple[str, int] | None:
        if host != self.host:
            return None
        m = self.path_re.fullmatch(path)
        if not m:
            return None
        qs = parse_qs(query, keep_blank_values=True)
        values = {k: v for k, v in m.groupdict().items()}
        for param, role in self.params.items():
            if param in qs:
                values[role] = qs[param][0]
        if "query" not in values:
            return None
        try:
            page = max(1, int(values.get("page") or 1))
        except ValueError:
            page = 1
        return unquote(values["query"]), page


def compile_search(outlet: Outlet) -> SearchRoute | None:
    if not outlet.search:
        return None
    parts = urlsplit(outlet.search.replace("{query}", "QUERYSLOT").replace("{page}", "PAGESLOT"))
    path_re = re.escape(parts.path).replace("QUERYSLOT", "(?P<query>[^/]+)").replace("PAGESLOT", "(?P<page>\\d+)")
    params = {}
    for pair in parts.query.split("&"):
        name, _, value = pair.partition("=")
        if value == "QUERYSLOT":
            params[name] = "query"
        elif value == "PAGESLOT":
            params[name] = "page"
    return SearchRoute(outlet, parts.hostname or "", re.compile(path_re), params)


def search_url(outlet: Outlet, query: str, page: int) -> str:
    assert outlet.search
    return outlet.search.format(query=quote(query), page=page)


class SearchIndex:
    """Per outlet: each live article's sorted normalised words (prefix matching with bisect)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.docs: dict[str, list[tuple[Article, list[str]]]] = {}
        for outlet_id in world.outlets:
            docs = []
            for article in world.live_articles(outlet_id):
                words = sorted(set(normalise(article.title + " " + article.text)))
                docs.append((article, words))
            self.docs[outlet_id] = docs

    def search(self, outlet_id: str, query: str) -> list[Article]:
        """Articles containing every query word (as a word prefix), newest first."""
        terms = normalise(query)
        if not terms:
            return []
        hits = []
        for article, words in self.docs.get(outlet_id, []):
            if all(_has_prefix(words, t) for t in terms):
                hits.append(article)
        return hits


def _has_prefix(words: list[str], term: str) -> bool:
    i = bisect.bisect_left(words, term)
    return i < len(words) and words[i].startswith(term)


# --- archive -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Capture:
    """One row of the archive's CDX index."""

    urlkey: str
    timestamp: str
    original: str
    mimetype: str
    statuscode: str
    digest: str
    length: str
    article_id: str | None = None
    redirect_to: str | None = None

    def field(self, name: str) -> str:
        return str(getattr(self, name, ""))


CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")


def surt_key(url: str) -> str:
    """A SURT-like key: reversed host without www, then path and query."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    path = parts.path or "/"
    return ",".join(reversed(host.split("."))) + ")" + path.lower() + (f"?{parts.query}" if parts.query else "")


def _plain(url: str) -> str:
    """host (without www) + path + query, the form CDX url= patterns are matched against."""
    parts = urlsplit(url if "://" in url else "http://" + url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    return host + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _ts(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S")


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:32].upper()


class Archive:
    """The captures of every outlet's articles (removed ones included), homepages and a few errors."""

    def __init__(self, world: World) -> None:
        self.world = world
        captures: list[Capture] = []
        for article in world.articles:
            if article.fault:
                continue
            captures += self._article_captures(article)
        for outlet in world.outlets.values():
            captures += self._site_captures(outlet)
        captures.sort(key=lambda c: (c.urlkey, c.timestamp))
        self.captures = captures
        self.by_original: dict[str, list[Capture]] = {}
        for c in captures:
            self.by_original.setdefault(unquote(c.original), []).append(c)

    def _article_captures(self, article: Article) -> list[Capture]:
        h = int(hashlib.sha1(article.id.encode()).hexdigest()[:8], 16)
        first = article.published + dt.timedelta(hours=2 + h % 20, minutes=h % 60)
        stamps = [first] + ([first + dt.timedelta(days=30 + h % 200)] if h % 3 == 0 else [])
        rows = [Capture(surt_key(article.url), _ts(t), article.url, "text/html", "200", _digest(article.id + _ts(t)),
                        str(40_000 + h % 60_000), article_id=article.id) for t in stamps]
        outlet = self.world.outlet(article.outlet)
        old = legacy_url(outlet, article)
        if old and h % 2 == 0:
            rows.append(Capture(surt_key(old), _ts(first), old, "text/html", "301", _digest(old), "420",
                                redirect_to=article.url))
        return rows

    def _site_captures(self, outlet: Outlet) -> list[Capture]:
        rows = []
        for year in range(2017, 2025):
            when = dt.datetime(year, 3, 1 + len(outlet.id), 6, 0, tzinfo=dt.UTC)
            rows.append(Capture(surt_key(outlet.homepage), _ts(when), outlet.homepage, "text/html", "200",
                                _digest(outlet.id + str(year)), "98000"))
        robots = f"http://{outlet.primary_host}/robots.txt"
        rows.append(Capture(surt_key(robots), "20180101000000", robots, "text/plain", "200", _digest(robots), "180"))
        missing = f"http://{outlet.primary_host}/news/deleted-page-0"
        rows.append(Capture(surt_key(missing), "20190101120000", missing, "text/html", "404", _digest(missing), "1200"))
        logo = f"http://{outlet.primary_host}/static/logo.png"
        rows.append(Capture(surt_key(logo), "20200101120000", logo, "image/png", "200", _digest(logo), "5400"))
        return rows

    def cdx(self, query: str) -> tuple[int, str, str]:
        """Answer a CDX query string: (status, content type, body)."""
        qs = parse_qs(query)
        url = qs.get("url", [""])[0]
        if not url:
            return 400, "text/plain", "Missing required query param: url\n"
        match_type = qs.get("matchType", ["exact"])[0]
        if url.endswith("*"):
            url, match_type = url[:-1], "prefix"
        if url.startswith("*."):
            url, match_type = url[2:], "domain"
        pattern = _plain(url) if match_type != "domain" else _plain(url).split("/")[0]
        if match_type == "prefix" and url.endswith("/") and not pattern.endswith("/"):
            pattern += "/"
        low = (qs.get("from", [""])[0] + "00000000000000")[:14]
        high = (qs.get("to", [""])[0] + "99999999999999")[:14] if qs.get("to") else "99999999999999"
        fields = qs.get("fl", [",".join(CDX_FIELDS)])[0].split(",")
        filters = [_compile_filter(f) for f in qs.get("filter", [])]
        limit = int(qs.get("limit", ["0"])[0] or 0)
        rows = []
        for c in self.captures:
            plain = _plain(c.original)
            if match_type == "exact" and plain != pattern:
                continue
            if match_type == "prefix" and not plain.startswith(pattern):
                continue
            if match_type in ("host", "domain"):
                host = plain.split("/")[0]
                if not (host == pattern or (match_type == "domain" and host.endswith("." + pattern))):
                    continue
            if not low <= c.timestamp <= high:
                continue
            if not all(f(c) for f in filters):
                continue
            rows.append([c.field(f) for f in fields])
            if limit and len(rows) >= limit:
                break
        if qs.get("output", [""])[0] == "json":
            return 200, "application/json", json.dumps([fields] + rows if rows else [])
        return 200, "text/plain", "".join(" ".join(r) + "\n" for r in rows)

    def snapshot(self, timestamp: str, original: str) -> tuple[Capture | None, Capture | None]:
        """(exact capture, nearest capture) of an original URL."""
        if original.startswith("http:/") and not original.startswith("http://"):
            original = "http://" + original[6:]
        if "://" not in original:
            original = "http://" + original
        captures = self.by_original.get(unquote(original))
        if not captures:
            from monitor.newsroom.world import fold_url

            folded = fold_url(original, self.world)
            captures = next((v for k, v in self.by_original.items() if fold_url(k, self.world) == folded), None)
        if not captures:
            return None, None
        exact = next((c for c in captures if c.timestamp == timestamp), None)
        nearest = min(captures, key=lambda c: abs(int(c.timestamp) - int((timestamp + "0" * 14)[:14])))
        return exact, nearest


def _compile_filter(spec: str) -> Callable[[Capture], bool]:
    negate = spec.startswith("!")
    name, _, pattern = spec.lstrip("!").partition(":")
    regex = re.compile(pattern)

    def check(c: Capture) -> bool:
        return bool(regex.fullmatch(c.field(name))) != negate

    return check


TOOLBAR = ('<div id="wm-ipp-base" style="position:fixed;top:0;width:100%;background:#eee;border-bottom:1px solid #999;'
           'font:12px sans-serif;z-index:99999"><div id="wm-ipp"><b>WEB ARCHIVE</b> '
           '<span class="wm-capture">{capture}</span> <a href="/web/*/{original}">All captures</a></div></div>')


def inject_toolbar(html: str, capture: Capture) -> str:
    when = dt.datetime.strptime(capture.timestamp, "%Y%m%d%H%M%S")
    bar = TOOLBAR.format(capture=f"captured {when:%d %b %Y %H:%M:%S}", original=capture.original)
    head = ('<script src="/_static/js/wombat.js"></script><link rel="stylesheet" href="/_static/css/banner-styles.css">'
            "<!-- End Wayback Rewrite JS Include -->")
    html = html.replace("<head>", "<head>" + head, 1)
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + bar, html, count=1)
