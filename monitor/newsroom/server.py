"""The newsroom's HTTP server: a proxy-style server on 127.0.0.1 that plays every outlet, the archive and the faults."""

from __future__ import annotations

import datetime as dt
import hashlib
import socket
import struct
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

from monitor.newsroom.calendars import http_date
from monitor.newsroom.faults import (
    FAULTS_BY_URL,
    MALFORMED_HTML,
    PAYWALL_TEASER,
    Fault,
    binary_blob,
    oversized_page,
)
from monitor.newsroom.generate import page_size_target
from monitor.newsroom.listings import Document, Listings
from monitor.newsroom.services import (
    ARCHIVE_HOST,
    Archive,
    SearchIndex,
    compile_search,
    inject_toolbar,
    search_url,
)
from monitor.newsroom.templates import Templates, block_page, padding
from monitor.newsroom.urls import AJ_LEGACY, AMP_PREFIX, AMP_SUFFIX, SHORT, TASS_OLD, to_base36
from monitor.newsroom.world import Article, Outlet, World, article_from_entry

HTML = "text/html; charset=utf-8"
PAGE_CACHE_SIZE = 4096


@dataclass
class Response:
    """What the handler sends; `action` marks the faults that break the HTTP exchange."""

    status: int
    body: bytes = b""
    content_type: str = HTML
    headers: dict[str, str] = field(default_factory=dict)
    last_modified: dt.datetime | None = None
    etag: bool = False
    action: str = ""  # "", "reset", "truncate"
    delay: float = 0.0


class RequestLog:
    """A thread-safe log of (method, url, status) of every request served."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[tuple[str, str, int]] = []

    def add(self, method: str, url: str, status: int) -> None:
        with self._lock:
            self._items.append((method, url, status))

    def __iter__(self) -> Iterator[tuple[str, str, int]]:
        with self._lock:
            return iter(list(self._items))

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def count(self, url: str, method: str | None = None) -> int:
        with self._lock:
            return sum(1 for m, u, _ in self._items if u == url and (method is None or m == method))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class Site:
    """Routes one request to the page, document, redirect or fault that answers it."""

    def __init__(self, world: World, timeout_delay: float = 5.0) -> None:
        self.world = world
        self.timeout_delay = timeout_delay
        self.templates = Templates(world)
        self.listings = Listings(world)
        self.search = SearchIndex(world)
        self.archive = Archive(world)
        self.search_routes = [r for r in (compile_search(o) for o in world.outlets.values()) if r]
        self._short = {to_base36(a.number): a for a in world.articles if a.outlet == "tabnak"}
        self._pages: dict[tuple[str, bool], bytes] = {}
        self._lock = threading.Lock()
        self._fault_hits: dict[str, int] = {}
        self._paywall = article_from_entry(dict(PAYWALL_TEASER), "faults.py: paywall", world.outlets)

    def reset_faults(self) -> None:
        with self._lock:
            self._fault_hits.clear()

    def _hit(self, url: str) -> int:
        with self._lock:
            self._fault_hits[url] = self._fault_hits.get(url, 0) + 1
            return self._fault_hits[url]

    # --- dispatch -----------------------------------------------------------------------
    def respond(self, host: str, path: str, query: str) -> Response:
        host = host.lower().split(":")[0]
        url = f"http://{host}{path}" + (f"?{query}" if query else "")
        if host == ARCHIVE_HOST:
            return self.archive_response(path, query)
        outlet = self.world.outlet_by_host(host)
        if outlet is None:
            return Response(502, f"newsroom: unknown host {host}\n".encode(), "text/plain; charset=utf-8")
        fault = FAULTS_BY_URL.get(url)
        if fault is not None and fault.verdict not in ("feed-error", "sitemap-error"):
            return self.fault_response(fault, outlet)
        doc = self.listings.lookup(url)
        if doc is not None:
            return self.document_response(doc)
        short = SHORT.match(path)
        if outlet.id == "tabnak" and short and short.group(1) in self._short:
            return self.redirect(302, self._short[short.group(1)].url)
        if host not in outlet.language_hosts() and host != outlet.mobile_host():
            return self.redirect(301, f"http://{outlet.primary_host}{path}" + (f"?{query}" if query else ""))
        legacy = self.legacy_redirect(outlet, path)
        if legacy:
            return legacy
        for route in self.search_routes:
            found = route.match(host, path, query)
            if found:
                return self.search_response(route.outlet, host, found[0], found[1])
        if path == "/" and not query:
            return self.homepage(outlet, host)
        return self.article_response(outlet, host, url, path)

    def language_of(self, outlet: Outlet, host: str) -> str:
        for lang in outlet.languages:
            if outlet.host_for(lang) == host and host != outlet.primary_host:
                return lang
        return outlet.languages[0]

    def html(self, status: int, text: str, **kw: Any) -> Response:
        return Response(status, text.encode("utf-8"), HTML, **kw)

    def redirect(self, status: int, location: str) -> Response:
        body = f'<html><body>Moved to <a href="{location}">{location}</a></body></html>'
        return Response(status, body.encode(), HTML, {"Location": location})

    def not_found(self, outlet: Outlet, host: str) -> Response:
        return self.html(404, self.templates.not_found(outlet, host, self.language_of(outlet, host)))

    def document_response(self, doc: Document) -> Response:
        return Response(200, doc.body, doc.content_type, last_modified=doc.last_modified, etag=True)

    def homepage(self, outlet: Outlet, host: str) -> Response:
        language = self.language_of(outlet, host)
        page = self.templates.homepage(outlet, host, language, self.listings.feed_links(outlet))
        return self.html(200, page)

    def legacy_redirect(self, outlet: Outlet, path: str) -> Response | None:
        m = TASS_OLD.match(path)
        if outlet.id == "tass" and m:
            # Two hops: the old path -> the new path on the www alias -> the bare host.
            return self.redirect(301, f"http://www.tass.test/mezhdunarodnaya-panorama/{m.group(1)}")
        m = AJ_LEGACY.match(path)
        if outlet.id == "aljazeera" and m:
            for article in self.world.live_articles("aljazeera", "en"):
                if article.url.rstrip("/").endswith("/" + m.group(3)):
                    return self.redirect(301, article.url)
        return None

    def search_response(self, outlet: Outlet, host: str, query: str, page: int) -> Response:
        hits = self.search.search(outlet.id, query)
        start = (page - 1) * 10
        results = hits[start:start + 10]
        next_url = search_url(outlet, query, page + 1) if start + 10 < len(hits) else None
        language = self.language_of(outlet, host)
        return self.html(200, self.templates.search_page(outlet, host, language, query, page, results, len(hits), next_url))

    def article_response(self, outlet: Outlet, host: str, url: str, path: str) -> Response:
        amp = (outlet.id in AMP_PREFIX and path.startswith("/amp/")) or (outlet.id in AMP_SUFFIX and path.endswith("/amp/"))
        mobile = host == outlet.mobile_host()
        article = self.world.by_url.get(unquote(url)) or self.world.truth_by_url(url)
        if article is None or article.removed or article.fault:
            parts = path.strip("/").split("/")
            if len(parts) == 3 and parts[1] == "service" and parts[2].isdigit():
                return self.html(200, self.templates.section_page(outlet, host, parts[0], int(parts[2])))
            return self.not_found(outlet, host)
        if amp:
            return self.html(200, self.templates.amp_page(article))
        return Response(200, self.render_article(article, mobile), HTML, last_modified=article.last_change, etag=True)

    def render_article(self, article: Article, mobile: bool = False) -> bytes:
        if article.generated:
            return self.render_generated(article)
        key = (article.id, mobile)
        page = self._pages.get(key)
        if page is None:
            page = self.templates.article_page(article, mobile=mobile).encode("utf-8")
            if len(self._pages) < PAGE_CACHE_SIZE:
                self._pages[key] = page
        return page

    def render_generated(self, article: Article) -> bytes:
        page = self.templates.article_page(article).encode("utf-8")
        missing = page_size_target(article) - len(page)
        if missing > 0:  # splice client-state padding in before </main>: one render, not two
            cut = page.rindex(b"</main>")
            page = page[:cut] + padding(article.id, missing).encode() + page[cut:]
        return page

    # --- faults ---------------------------------------------------------------------------
    def fault_response(self, fault: Fault, outlet: Outlet) -> Response:
        name = fault.name
        article = self.world.by_id.get(fault.article_id or "")
        if name == "error-500-once":
            if self._hit(fault.url) == 1:
                return self.html(500, "<html><body><h1>500 Internal Server Error</h1></body></html>")
            assert article is not None
            return Response(200, self.render_article(article), HTML)
        if name == "unavailable-503":
            return self.html(503, "<html><body><h1>503 Service Unavailable</h1></body></html>", headers={"Retry-After": "1"})
        if name == "rate-limited-429":
            return self.html(429, "<html><body><h1>429 Too Many Requests</h1></body></html>", headers={"Retry-After": "2"})
        if name == "timeout":
            return self.html(200, "<html><body><p>Finally loaded.</p></body></html>", delay=self.timeout_delay)
        if name == "connection-reset":
            return Response(200, action="reset")
        if name == "not-found-in-feed":
            return self.not_found(outlet, outlet.primary_host)
        if name == "truncated":
            page = self.templates.article_page(self._paywall).encode()[:3000]
            return Response(200, page, HTML, {"Content-Length": "60000"}, action="truncate")
        if name == "oversized":
            return Response(200, oversized_page(), HTML)
        if name == "binary-as-html":
            return Response(200, binary_blob(), "text/html")
        if name == "malformed-html":
            return Response(200, MALFORMED_HTML, "text/html")
        if name == "paywall":
            self._paywall.url = fault.url
            return self.html(200, self.templates.article_page(self._paywall, paywall=True))
        if name in ("anti-bot-arvancloud", "anti-bot-cloudflare", "cookie-wall"):
            kind = {"anti-bot-arvancloud": "arvancloud", "anti-bot-cloudflare": "cloudflare"}.get(name, "consent")
            return self.html(200, block_page(kind, fault.url))
        assert article is not None, name
        text = self.templates.article_page(article, charset_meta=False)
        if name == "cp1251":
            return Response(200, text.encode("cp1251", "xmlcharrefreplace"), "text/html; charset=windows-1251")
        if name == "windows-1256":
            return Response(200, text.encode("cp1256", "xmlcharrefreplace"), "text/html; charset=windows-1256")
        return Response(200, text.encode("cp1256", "xmlcharrefreplace"), "text/html")

    # --- archive ----------------------------------------------------------------------------
    def archive_response(self, path: str, query: str) -> Response:
        if path in ("/cdx/search/cdx", "/cdx/search/cdx/"):
            status, ctype, body = self.archive.cdx(query)
            return Response(status, body.encode(), f"{ctype}; charset=utf-8")
        if path.startswith("/web/"):
            stamp, _, original = path[5:].partition("/")
            if query:
                original += "?" + query
            raw = stamp.endswith("id_")
            stamp = stamp.removesuffix("id_")
            exact, nearest = self.archive.snapshot(stamp, original)
            if nearest is None:
                return Response(404, b"<html><body>This page is not in the archive.</body></html>", HTML)
            if exact is None:
                return self.redirect(302, f"http://{ARCHIVE_HOST}/web/{nearest.timestamp}{'id_' if raw else ''}/{nearest.original}")
            return self.snapshot_response(exact, raw)
        if path == "/":
            return self.html(200, "<html><body><h1>Web Archive (newsroom)</h1></body></html>")
        return Response(404, b"not found\n", "text/plain")

    def snapshot_response(self, capture: Any, raw: bool) -> Response:
        if capture.redirect_to:
            return self.redirect(302, f"http://{ARCHIVE_HOST}/web/{capture.timestamp}{'id_' if raw else ''}/{capture.redirect_to}")
        if capture.statuscode != "200":
            return Response(int(capture.statuscode), b"<html><body>Not Found</body></html>", HTML)
        if capture.article_id:
            html = self.templates.article_page(self.world.by_id[capture.article_id])
        elif capture.mimetype == "text/html":
            outlet = self.world.outlet_by_host(urlsplit(capture.original).hostname or "")
            assert outlet is not None
            html = self.templates.homepage(outlet, outlet.primary_host, outlet.languages[0], [])
        else:
            doc = self.listings.lookup(capture.original)
            return Response(200, doc.body if doc else b"\x89PNG\r\n", capture.mimetype)
        if not raw:
            html = inject_toolbar(html, capture)
        return Response(200, html.encode("utf-8"), HTML,
                        {"Memento-Datetime": http_date(dt.datetime.strptime(capture.timestamp, "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC))})


class Handler(BaseHTTPRequestHandler):
    """Accepts absolute-form (proxy) and origin-form request lines."""

    protocol_version = "HTTP/1.1"
    server_version = "Newsroom/1.0"
    timeout = 30

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet server
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self.handle_request(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self.handle_request(head=True)

    def do_POST(self) -> None:  # noqa: N802
        self.send_error(405)

    def target(self) -> tuple[str, str, str]:
        if self.path.startswith(("http://", "https://")):
            parts = urlsplit(self.path)
            return parts.netloc, parts.path or "/", parts.query
        parts = urlsplit(self.path)
        return self.headers.get("Host", ""), parts.path or "/", parts.query

    def handle_request(self, head: bool) -> None:
        newsroom: Newsroom = self.server.newsroom  # type: ignore[attr-defined]
        host, path, query = self.target()
        url = f"http://{host.lower().split(':')[0]}{path}" + (f"?{query}" if query else "")
        try:
            response = newsroom.site.respond(host, path, query)
        except Exception as exc:  # a bug must show as a 500, not a hung client
            response = Response(500, f"newsroom error: {exc!r}\n".encode(), "text/plain; charset=utf-8")
        if response.action == "reset":
            newsroom.requests.add(self.command, url, 0)
            self.reset_connection()
            return
        if response.delay:
            time.sleep(response.delay)
        status = self.conditional_status(response)
        newsroom.requests.add(self.command, url, status)
        try:
            self.send(response, status, head)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def conditional_status(self, response: Response) -> int:
        if response.status != 200 or not (response.etag or response.last_modified):
            return response.status
        etag = self.etag(response)
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            return 304 if etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*" else 200
        ims = self.headers.get("If-Modified-Since")
        if ims and response.last_modified:
            try:
                since = parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return 200
            if since.tzinfo is None:
                since = since.replace(tzinfo=dt.UTC)
            if response.last_modified.replace(microsecond=0) <= since:
                return 304
        return 200

    @staticmethod
    def etag(response: Response) -> str:
        return '"' + hashlib.sha1(response.body).hexdigest()[:20] + '"'

    def send(self, response: Response, status: int, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", response.content_type)
        body = b"" if status == 304 else response.body
        headers = dict(response.headers)
        headers.setdefault("Content-Length", str(len(body)))
        if response.etag:
            headers["ETag"] = self.etag(response)
        if response.last_modified:
            headers["Last-Modified"] = http_date(response.last_modified)
        for name, value in headers.items():
            self.send_header(name, value)
        if response.action == "truncate":
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if not head:
            self.wfile.write(body)
        if response.action == "truncate":
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)

    def reset_connection(self) -> None:
        """Close with a TCP RST (SO_LINGER 0) and no response at all."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    newsroom: Newsroom


class Newsroom:
    """A running newsroom: `proxy_url` is what clients set as their HTTP proxy."""

    def __init__(self, world: World, port: int = 0, timeout_delay: float = 5.0) -> None:
        self.world = world
        self.site = Site(world, timeout_delay)
        self.requests = RequestLog()
        self._server = _Server(("127.0.0.1", port), Handler)
        self._server.newsroom = self
        self.port = self._server.server_address[1]
        self.proxy_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="newsroom", daemon=True)
        self._thread.start()

    def reset_faults(self) -> None:
        self.site.reset_faults()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Newsroom:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def start_newsroom(port: int = 0, *, scale: int = 0, seed: int = 7, timeout_delay: float = 5.0) -> Newsroom:
    """Load the world and serve it on 127.0.0.1:port (0 = any free port) in a background thread."""
    return Newsroom(World.load(scale=scale, seed=seed), port, timeout_delay)


def serve_forever(port: int = 8642, *, scale: int = 0, timeout_delay: float = 5.0) -> None:
    """Run the newsroom in the foreground until interrupted (the `monitor newsroom` command)."""
    newsroom = start_newsroom(port, scale=scale, timeout_delay=timeout_delay)
    print(f"newsroom: {len(newsroom.world.articles)} articles + {len(newsroom.world.generated)} generated, "
          f"{len(newsroom.world.outlets)} outlets; proxy {newsroom.proxy_url} "
          f"(e.g. curl -x {newsroom.proxy_url} http://www.tabnak.test/)", file=sys.stderr, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        newsroom.stop()
