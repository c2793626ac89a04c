"""Page templates of the outlets: each with its own boilerplate, metadata habits and date conventions."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING

from monitor.newsroom.calendars import byline_date, rfc822, short_date, today_widget, w3c
from monitor.newsroom.lexicon import RTL, UI

if TYPE_CHECKING:
    from monitor.newsroom.world import Article, Outlet, World


@dataclass(frozen=True)
class Style:
    """How one outlet builds its pages."""

    title: dict[str, str]  # per language, '{t}' is the headline; 'default' as fallback
    meta: frozenset[str]  # jsonld, og, description
    layout: str  # a: h1 then byline; b: date above h1; c: byline after the body
    body_class: str
    color: str
    css_rules: int  # size knobs for the boilerplate
    js_kb: int
    menu_links: int
    footer_links: int
    amp: str = ""  # "", "prefix" (/amp/...) or "suffix" (.../amp/)
    ticker: bool = False
    publisher: str = ""
    extra_classes: dict[str, str] = field(default_factory=dict)


def _t(default: str, **per_lang: str) -> dict[str, str]:
    return {"default": default, **per_lang}


JL, OG, DESC = "jsonld", "og", "description"
STYLES: dict[str, Style] = {
    "tabnak": Style(_t("{t} - Tabnak", fa="{t} - تابناک | TABNAK"), frozenset({DESC}), "b", "body", "#b71c1c",
                    420, 14, 150, 220, ticker=True),
    "irna": Style(_t("IRNA English - {t}", fa="{t} - ایرنا"), frozenset({JL, OG, DESC}), "a", "item-body", "#0d47a1",
                  520, 22, 120, 180, publisher="Islamic Republic News Agency"),
    "mehr": Style(_t("{t} - Mehr News Agency", fa="خبرگزاری مهر | {t}"), frozenset({OG, DESC}), "b", "item-text",
                  "#1b5e20", 380, 16, 130, 200, ticker=True),
    "tass": Style(_t("{t} - TASS", ru="{t} - ТАСС"), frozenset({JL, OG, DESC}), "a", "text-content", "#263238",
                  600, 26, 110, 160, publisher="TASS"),
    "ria": Style(_t("{t} - РИА Новости, {d}"), frozenset({OG, DESC}), "b", "article__body", "#004d40",
                 460, 22, 150, 200, ticker=True),
    "aa": Style(_t("{t}", tr="{t} | Anadolu Ajansı", en="{t} | Anadolu Agency", ar="{t} | وكالة الأناضول"),
                frozenset({JL, OG, DESC}), "a", "detay-icerik", "#1565c0", 480, 20, 140, 200, publisher="Anadolu Agency"),
    "dailysabah": Style(_t("{t} | Daily Sabah"), frozenset({JL, OG, DESC}), "a", "article_body", "#c62828",
                        520, 24, 120, 170, amp="prefix", publisher="Daily Sabah"),
    "hurriyet": Style(_t("{t} - Dünya Haberleri | Hürriyet"), frozenset({OG, DESC}), "b", "news-content",
                      "#d32f2f", 440, 20, 150, 210, ticker=True),
    "aljazeera": Style(_t("Al Jazeera: {t}", ar="{t} | الجزيرة نت"), frozenset({JL, OG, DESC}), "a",
                       "wysiwyg wysiwyg--all-content", "#fa9000", 560, 24, 110, 170, amp="prefix",
                       publisher="Al Jazeera"),
    "sana": Style(_t("{t} – سانا"), frozenset(), "c", "entry-content", "#33691e", 300, 10, 100, 150),
    "kazinform": Style(_t("{t} - Kazinform", kk="{t} - ҚазАқпарат", ru="{t} - Казинформ"),
                       frozenset({JL, OG, DESC}), "b", "article__body-text", "#00838f", 450, 18, 130, 190,
                       publisher="Kazinform"),
    "astanatimes": Style(_t("{t} - The Astana Times"), frozenset({JL, OG, DESC}), "a", "entry-content", "#37474f",
                         350, 14, 90, 140, amp="suffix", publisher="The Astana Times"),
    "unnews": Style(_t("{t} | UN News", ar="{t} | أخبار الأمم المتحدة", ru="{t} | Новости ООН"), frozenset(),
                    "c", "paragraph paragraph--type--text", "#01579b", 400, 16, 120, 210),
}


def _seeded(*parts: object) -> random.Random:
    return random.Random(hashlib.sha1("|".join(map(str, parts)).encode()).digest())


@lru_cache(maxsize=64)
def css_blob(outlet_id: str, rules: int) -> str:
    """Inline CSS of the size real news pages carry (deterministic per outlet)."""
    rng = _seeded("css", outlet_id)
    props = ["margin:0 {a}px", "padding:{a}px {b}px", "color:#{c}", "background:#{c}", "font-size:{a}px",
             "line-height:1.{a}", "border-bottom:1px solid #{c}", "display:flex", "gap:{a}px", "z-index:{a}"]
    blocks = ["header", "nav", "menu", "card", "teaser", "footer", "ad", "widget", "ticker", "grid", "btn"]
    out = []
    for i in range(rules):
        chosen = rng.sample(props, 3)
        decl = ";".join(p.format(a=rng.randint(1, 40), b=rng.randint(1, 30), c=f"{rng.randrange(1 << 24):06x}")
                        for p in chosen)
        out.append(f".{outlet_id[:3]}-{rng.choice(blocks)}__el-{i}{{{decl}}}")
    return "\n".join(out)


@lru_cache(maxsize=64)
def js_blob(outlet_id: str, kb: int) -> str:
    """Inline analytics/ads configuration script of about `kb` kilobytes."""
    rng = _seeded("js", outlet_id)
    slots: list[str] = []
    size = 0
    while size < kb * 1024:
        slot = {"id": f"div-gpt-ad-{rng.randrange(10**12)}-{len(slots)}", "path": f"/{rng.randrange(10**8)}/{outlet_id}/slot{len(slots)}",
                "sizes": [[rng.choice([300, 728, 970, 320]), rng.choice([250, 90, 50, 600])]], "lazy": rng.random() < 0.5,
                "targeting": {"pos": rng.choice(["top", "mid", "bottom", "side"]), "k": f"{rng.randrange(1 << 32):08x}"}}
        text = json.dumps(slot, separators=(",", ":"))
        slots.append(text)
        size += len(text)
    return ("window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
            f"gtag('js',new Date());gtag('config','G-{outlet_id.upper()}');"
            f"window.__adSlots=[{','.join(slots)}];"
            "(function(w,d){var s=d.createElement('script');s.async=1;s.src='/static/ads.js';"
            "d.head.appendChild(s)})(window,document);")


@lru_cache(maxsize=1)
def state_filler() -> str:
    """A long JSON-ish string pages embed as client state; sliced to pad generated pages."""
    rng = random.Random(20170503)
    parts = []
    for i in range(4000):
        parts.append(json.dumps({"k": f"w{i}", "v": f"{rng.randrange(1 << 48):012x}", "n": rng.randint(0, 99999)},
                                separators=(",", ":")))
    return ",".join(parts)


def _href(outlet: Outlet, host: str, path: str) -> str:
    return f"http://{host}{path}"


class Templates:
    """Renders every page of the newsroom; boilerplate strings are cached per outlet and language."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._chrome: dict[tuple[str, str, str], tuple[str, str]] = {}

    # --- boilerplate --------------------------------------------------------------------
    def chrome(self, outlet: Outlet, language: str, host: str) -> tuple[str, str]:
        """(header, footer) HTML of an outlet in a language, built once."""
        key = (outlet.id, language, host)
        if key not in self._chrome:
            self._chrome[key] = (self._header(outlet, language, host), self._footer(outlet, language, host))
        return self._chrome[key]

    def head_assets(self, outlet: Outlet) -> str:
        style = STYLES[outlet.id]
        return (f"<style>{css_blob(outlet.id, style.css_rules)}</style>\n"
                f"<script>{js_blob(outlet.id, style.js_kb)}</script>\n")

    def _menu(self, outlet: Outlet, language: str, host: str, count: int, css: str) -> str:
        ui = UI[language]
        sections: list[str] = ui["sections"]  # type: ignore[assignment]
        subs: list[str] = ui["sub"]  # type: ignore[assignment]
        rng = _seeded("menu", outlet.id, language, css)
        items = []
        for i in range(count):
            sec = sections[i % len(sections)]
            label = sec if i < len(sections) else f"{sec} · {subs[rng.randrange(len(subs))]}"
            items.append(f'<li class="{css}__item"><a href="http://{host}/{language}/service/{i + 1}" '
                         f'class="{css}__link">{escape(label)}</a></li>')
        return f'<ul class="{css}">' + "".join(items) + "</ul>"

    def _header(self, outlet: Outlet, language: str, host: str) -> str:
        ui = UI[language]
        style = STYLES[outlet.id]
        today = today_widget(outlet.id, language)
        parts = [f'<div id="cookie-banner" class="cookie-consent" role="dialog"><p>{escape(str(ui["cookie"]))}</p>'
                 f'<button class="cookie-accept">{escape(str(ui["accept"]))}</button></div>',
                 f'<header class="site-header" style="border-top:4px solid {style.color}">',
                 f'<div class="top-bar"><a class="logo" href="http://{host}/"><span>{escape(outlet.name)}</span></a>']
        if today:
            parts.append(f'<div class="today-date">{escape(today)}</div>')
        parts.append(f'<form class="search-form" action="http://{host}/search"><input name="q" '
                     f'placeholder="{escape(str(ui["search"]))}"></form></div>')
        parts.append('<nav class="main-nav">' + self._menu(outlet, language, host, style.menu_links, "nav-menu") + "</nav>")
        parts.append("</header>")
        return "\n".join(parts)

    def _footer(self, outlet: Outlet, language: str, host: str) -> str:
        ui = UI[language]
        style = STYLES[outlet.id]
        year = 2026
        return ('<footer class="site-footer"><div class="footer-links">'
                + self._menu(outlet, language, host, style.footer_links, "footer-menu")
                + f'</div><div class="newsletter"><h4>{escape(str(ui["newsletter"]))}</h4><input type="email"></div>'
                + f'<p class="copyright">© 2000-{year} {escape(outlet.name)}. {escape(str(ui["copyright"]))}</p>'
                + '<div class="social"><a href="http://facebook.test/">Facebook</a> <a href="http://x.test/">X</a> '
                + '<a href="http://telegram.test/">Telegram</a> <a href="http://youtube.test/">YouTube</a></div>'
                + "</footer>")

    def _page(self, outlet: Outlet, language: str, host: str, title: str, head_extra: str, main: str,
              charset_meta: bool = True, body_class: str = "") -> str:
        header, footer = self.chrome(outlet, language, host)
        direction = ' dir="rtl"' if language in RTL else ""
        meta = '<meta charset="utf-8">\n' if charset_meta else ""
        return (f'<!DOCTYPE html>\n<html lang="{language}"{direction}>\n<head>\n{meta}'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f"<title>{escape(title)}</title>\n{head_extra}{self.head_assets(outlet)}</head>\n"
                f'<body class="{outlet.id} {body_class}">\n{header}\n<main class="site-main">\n{main}\n</main>\n'
                f"{footer}\n</body>\n</html>\n")

    # --- article pages ------------------------------------------------------------------
    def page_title(self, article: Article) -> str:
        style = STYLES[article.outlet]
        pattern = style.title.get(article.language, style.title["default"])
        outlet = self.world.outlet(article.outlet)
        return pattern.format(t=article.title, d=article.published.astimezone(outlet.tz).strftime("%d.%m.%Y"))

    def _metadata(self, article: Article, outlet: Outlet, canonical: str) -> str:
        style = STYLES[outlet.id]
        out = []
        summary = article.summary or article.paragraphs[0][:200]
        if DESC in style.meta:
            out.append(f'<meta name="description" content="{escape(summary)}">')
        if OG in style.meta:
            out += ['<meta property="og:type" content="article">',
                    f'<meta property="og:title" content="{escape(article.title)} | {escape(outlet.name)}">',
                    f'<meta property="og:url" content="{escape(article.url)}">',
                    f'<meta property="og:site_name" content="{escape(outlet.name)}">',
                    f'<meta property="og:description" content="{escape(summary)}">',
                    f'<meta property="article:published_time" content="{w3c(article.published, outlet.tz)}">']
            if article.modified:
                out.append(f'<meta property="article:modified_time" content="{w3c(article.modified, outlet.tz)}">')
        if JL in style.meta:
            data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title,
                    "datePublished": w3c(article.published, outlet.tz),
                    "dateModified": w3c(article.modified or article.published, outlet.tz),
                    "mainEntityOfPage": article.url, "inLanguage": article.language,
                    "publisher": {"@type": "Organization", "name": style.publisher or outlet.name}}
            if article.author:
                data["author"] = {"@type": "Person", "name": article.author}
            if article.tags:
                data["keywords"] = ", ".join(article.tags)
            out.append('<script type="application/ld+json">' + json.dumps(data, ensure_ascii=False) + "</script>")
        return "\n".join(out) + "\n"

    def related_articles(self, article: Article) -> list[Article]:
        """5-8 other headlines: the article's `related` ids first, then neighbours of the same outlet."""
        if article.generated:
            return self.world.generated.neighbours(article)
        chosen = [self.world.by_id[r] for r in article.related if r in self.world.by_id]
        want = 5 + int(hashlib.sha1(article.id.encode()).hexdigest(), 16) % 4
        pool = [a for a in self.world.live_articles(article.outlet) if a.id != article.id and a not in chosen]
        pool.sort(key=lambda a: abs((a.published - article.published).total_seconds()))
        return chosen + pool[: max(0, want - len(chosen))]

    def _related_block(self, article: Article, outlet: Outlet) -> str:
        ui = UI[article.language]
        items = []
        for other in self.related_articles(article):
            other_outlet = self.world.outlet(other.outlet)
            items.append(f'<li class="related__item"><a href="{escape(other.url)}">{escape(other.title)}</a> '
                         f'<time class="related__date">{escape(short_date(other.language, other.published, other_outlet.tz))}</time></li>')
        return (f'<aside class="related-news"><h3>{escape(str(ui["related"]))}</h3><ul>'
                + "".join(items) + "</ul></aside>")

    def _comments(self, article: Article, outlet: Outlet) -> str:
        ui = UI[article.language]
        comments: Sequence[tuple[str, str]] = ui["comment_list"]  # type: ignore[assignment]
        count = 2 + len(article.id) % 2
        items = []
        for i, (name, text) in enumerate(comments[:count]):
            when = article.published + dt.timedelta(hours=3 + 7 * i, minutes=13 * i)
            items.append(f'<li class="comment"><b class="comment__author">{escape(name)}</b> '
                         f'<span class="comment__date">{escape(short_date(article.language, when, outlet.tz))}</span>'
                         f'<p>{escape(text)}</p><a class="comment__reply" href="#">{escape(str(ui["reply"]))}</a></li>')
        return (f'<section class="comments"><h3>{escape(str(ui["comments"]))} ({count})</h3><ol>'
                + "".join(items) + "</ol></section>")

    def article_variants(self, article: Article) -> dict[str, str]:
        """URLs of the variants served for an article: amp, mobile, short link."""
        from monitor.newsroom.urls import amp_url, mobile_url, short_url

        outlet = self.world.outlet(article.outlet)
        out = {}
        for name, url in (("amp", amp_url(outlet, article.url)), ("mobile", mobile_url(outlet, article.url)),
                          ("short", short_url(outlet, article))):
            if url:
                out[name] = url
        return out

    def article_page(self, article: Article, *, mobile: bool = False, charset_meta: bool = True,
                     paywall: bool = False, pad_to: int = 0) -> str:
        outlet = self.world.outlet(article.outlet)
        style = STYLES[outlet.id]
        ui = UI[article.language]
        host = (outlet.mobile_host() if mobile else None) or outlet.host_for(article.language)
        variants = self.article_variants(article)
        # The Astana Times' template bug: every canonical points at the homepage.
        canonical = outlet.homepage if outlet.id == "astanatimes" else article.url
        head = [f'<link rel="canonical" href="{escape(canonical)}">']
        if "amp" in variants:
            head.append(f'<link rel="amphtml" href="{escape(variants["amp"])}">')
        if "mobile" in variants and not mobile:
            head.append(f'<link rel="alternate" media="only screen and (max-width: 640px)" href="{escape(variants["mobile"])}">')
        head_extra = "\n".join(head) + "\n" + self._metadata(article, outlet, canonical)
        date_text = byline_date(outlet.id, article.language, article.published, outlet.tz)
        byline = f'<div class="byline"><time class="date">{escape(date_text)}</time>'
        if outlet.id == "sana":
            byline += f' <span class="hijri">{escape(_hijri(article, outlet))}</span>'
        if article.author:
            byline += f' <span class="author">{escape(str(ui["by"]))} {escape(article.author)}</span>'
        byline += "</div>"
        paragraphs = article.paragraphs[:2] if paywall else article.paragraphs
        body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        if paywall:
            body += (f'<div class="paywall"><h4>{escape(str(ui["subscribe"]))}</h4>'
                     '<a class="btn" href="/subscribe">Subscribe</a> <a href="/login">Log in</a></div>')
        lead = f'<p class="lead">{escape(article.summary)}</p>' if article.summary else ""
        h1 = f'<h1 class="title">{escape(article.title)}</h1>'
        content = f'<div class="{style.body_class}">{body}</div>'
        if style.layout == "a":
            head_block = h1 + byline + lead + content
        elif style.layout == "b":
            head_block = byline + h1 + lead + content
        else:
            head_block = h1 + lead + content + byline
        tags = ""
        if article.tags:
            tags = (f'<div class="tags"><span>{escape(str(ui["tags"]))}:</span> '
                    + " ".join(f'<a href="/tag/{escape(t)}">{escape(t)}</a>' for t in article.tags) + "</div>")
        share = f'<div class="share"><span>{escape(str(ui["share"]))}</span>'
        if "short" in variants:
            share += f' <span class="short-link">{escape(str(ui["shortlink"]))}: <input readonly value="{escape(variants["short"])}"></span>'
        share += "</div>"
        ticker = ""
        if style.ticker:
            latest = self.world.live_articles(outlet.id, article.language)[:6]
            ticker = ('<div class="breaking-ticker">' + " | ".join(
                f'<a href="{escape(a.url)}">{escape(a.title)}</a>' for a in latest) + "</div>")
        main = (f'{ticker}<article class="article-{article.language}">{head_block}{tags}{share}</article>'
                + self._related_block(article, outlet) + self._comments(article, outlet))
        if pad_to:
            main += padding(article.id, pad_to)
        return self._page(outlet, article.language, host, self.page_title(article), head_extra, main,
                          charset_meta=charset_meta, body_class="single-article" + (" mobile" if mobile else ""))

    def amp_page(self, article: Article) -> str:
        """A lean AMP page whose canonical is the article."""
        outlet = self.world.outlet(article.outlet)
        date_text = byline_date(outlet.id, article.language, article.published, outlet.tz)
        body = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
        return (f'<!doctype html><html ⚡ lang="{article.language}"><head><meta charset="utf-8">'
                f"<title>{escape(self.page_title(article))}</title>"
                f'<link rel="canonical" href="{escape(article.url)}">'
                '<meta name="viewport" content="width=device-width">'
                '<style amp-boilerplate>body{-webkit-animation:none;animation:none}</style>'
                '<script async src="https://cdn.ampproject.test/v0.js"></script></head><body>'
                f'<header><a href="{escape(outlet.homepage)}">{escape(outlet.name)}</a></header>'
                f"<article><h1>{escape(article.title)}</h1><time>{escape(date_text)}</time>{body}</article>"
                "</body></html>")

    # --- listings -------------------------------------------------------------------------
    def _listing(self, articles: Sequence[Article], language: str) -> str:
        items = []
        for a in articles:
            o = self.world.outlet(a.outlet)
            items.append(f'<li class="teaser"><a class="teaser__link" href="{escape(a.url)}">{escape(a.title)}</a>'
                         f' <time>{escape(short_date(a.language, a.published, o.tz))}</time>'
                         f'<p class="teaser__summary">{escape(a.summary)}</p></li>')
        return '<ul class="teasers">' + "".join(items) + "</ul>"

    def homepage(self, outlet: Outlet, host: str, language: str, feeds: Sequence[tuple[str, str, str]]) -> str:
        """The front page: the latest articles; feeds listed as <link rel=alternate>."""
        ui = UI[language]
        latest = self.world.live_articles(outlet.id)[:40]
        head = "".join(f'<link rel="alternate" type="{escape(t)}" title="{escape(title)}" href="{escape(u)}">\n'
                       for u, t, title in feeds)
        main = f'<section class="latest"><h2>{escape(str(ui["latest"]))}</h2>{self._listing(latest, language)}</section>'
        title = f"{outlet.name} - {ui['latest']}"
        return self._page(outlet, language, host, title, head, main, body_class="home")

    def search_page(self, outlet: Outlet, host: str, language: str, query: str, page: int,
                    results: Sequence[Article], total: int, next_url: str | None) -> str:
        ui = UI[language]
        if results:
            listing = self._listing(results, language)
            nav = f'<a class="pagination__next" href="{escape(next_url or "")}">{escape(str(ui["next"]))}</a>' if next_url else ""
            main = (f'<h1>{escape(str(ui["results"]))} «{escape(query)}» ({total})</h1>'
                    f'<div class="search-results">{listing}</div><div class="pagination">page {page} {nav}</div>')
        else:
            main = f'<h1>{escape(str(ui["results"]))} «{escape(query)}»</h1><p class="no-results">{escape(str(ui["noresults"]))}</p>'
        return self._page(outlet, language, host, f"{ui['search']}: {query} - {outlet.name}",
                          '<meta name="robots" content="noindex">\n', main, body_class="search")

    def not_found(self, outlet: Outlet, host: str, language: str) -> str:
        ui = UI[language]
        latest = self.world.live_articles(outlet.id)[:8]
        main = (f'<h1 class="error-404">404 - {escape(str(ui["notfound"]))}</h1>'
                f"{self._listing(latest, language)}")
        return self._page(outlet, language, host, f"404 - {outlet.name}", "", main, body_class="error")

    def section_page(self, outlet: Outlet, host: str, language: str, number: int) -> str:
        ui = UI[language]
        sections: list[str] = ui["sections"]  # type: ignore[assignment]
        articles = self.world.live_articles(outlet.id)
        picked = articles[number % 7:: 7][:20]
        main = f"<h1>{escape(sections[number % len(sections)])}</h1>{self._listing(picked, language)}"
        return self._page(outlet, language, host, f"{sections[number % len(sections)]} - {outlet.name}", "", main)


def _hijri(article: Article, outlet: Outlet) -> str:
    from monitor.newsroom.calendars import hijri_line

    return hijri_line(article.published.astimezone(outlet.tz).date())


def padding(key: str, size: int) -> str:
    """Client-state JSON of `size` characters, cut from a cached string (cheap)."""
    filler = state_filler()
    start = int(hashlib.sha1(key.encode()).hexdigest()[:6], 16) % max(1, len(filler) - size)
    wrapper = '<script id="__STATE__" type="application/json">[]</script>'
    size = max(0, size - len(wrapper))
    return f'<script id="__STATE__" type="application/json">[{filler[start:start + size]}]</script>'


def block_page(kind: str, url: str) -> str:
    """Anti-bot and consent-wall pages, served with status 200."""
    if kind == "arvancloud":
        return ("<!DOCTYPE html><html lang='fa' dir='rtl'><head><meta charset='utf-8'><title>ArvanCloud | در حال بررسی مرورگر</title></head>"
                "<body><div class='ar-challenge'><h1>در حال بررسی مرورگر شما...</h1><p>Checking your browser before accessing "
                f"the website. This process is automatic. ArvanCloud DDoS protection.</p><p>Ray ID: 8f2a1c{len(url)}</p>"
                "<noscript>Please enable JavaScript and Cookies to continue</noscript>"
                "<script>setTimeout(function(){location.reload()},5000)</script></div></body></html>")
    if kind == "cloudflare":
        return ("<!DOCTYPE html><html lang='en-US'><head><meta charset='UTF-8'><title>Just a moment...</title>"
                "<meta name='robots' content='noindex,nofollow'></head><body><div id='cf-wrapper'>"
                "<h1>Checking your browser before accessing www.inform.test</h1>"
                "<p>This process is automatic. Your browser will redirect to your requested content shortly.</p>"
                "<p>Please allow up to 5 seconds...</p><div class='cf-footer'>DDoS protection by Cloudflare · "
                "Ray ID: 7c1f0e2d9ab34f51</div></div></body></html>")
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Before you continue</title></head><body>"
            "<div class='consent-wall'><h1>We value your privacy</h1><p>We and our 842 partners store and access "
            "information on your device, such as cookies, and process personal data to show personalised ads and "
            "content, measure ads and content, and develop products.</p><p>You must accept cookies to read this "
            "page.</p><form method='post' action='/consent'><button name='accept'>Accept all</button>"
            "<button name='reject'>Manage options</button></form></div></body></html>")


def rfc_date(when: dt.datetime) -> str:
    return rfc822(when)
