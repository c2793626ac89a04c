"""Article extraction and page classification: one parse, structured data first, trafilatura for the body."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.metadata import extract_title as trafilatura_title
from w3lib.encoding import html_to_unicode, resolve_encoding

from monitor.dates import find_page_dates, to_iso
from monitor.language import detect_language, stopword_share

# --------------------------------------------------------------------------- rules
# Classification rules are data: lower-cased markers per verdict, matched on the page's
# visible text (title, body, noscript) unless said otherwise.

BLOCK_TEXT_MARKERS: tuple[str, ...] = (
    # anti-bot challenges and CDN/WAF refusals
    "checking your browser", "just a moment", "attention required", "access denied",
    "verify you are human", "verifying you are human", "are you a robot", "are you human",
    "enable javascript and cookies to continue", "ddos protection by", "ddos-guard",
    "arvancloud", "request unsuccessful", "captcha", "403 forbidden", "error 1020",
    "you have been blocked", "sorry, you have been blocked", "unusual traffic",
    "please complete the security check", "security check to access",
    # court / ISP / regulator block notices
    "доступ ограничен", "доступ к информационному ресурсу ограничен",
    "доступ к запрашиваемому ресурсу ограничен", "роскомнадзор", "единый реестр",
    "دسترسی به این سایت امکان پذیر نمی باشد", "دسترسی به این سایت امکان‌پذیر نمی‌باشد",
    "دسترسی به این وب سایت", "peyvandha",
    "erişim engellendi", "erişime engellenmiştir", "hakkında verilen karar",
    "bu internet sitesi hakkında", "sitesine erişim",
    "تم حجب", "تم حظر هذا الموقع",
)
# Found in the raw HTML (scripts, iframes, form ids) of challenge and filter pages.
BLOCK_HTML_MARKERS: tuple[str, ...] = (
    "cf-chl", "_cf_chl_opt", "challenge-platform", "cf-browser-verification",
    "__ddg", "ddos-guard", "sucuri_cloudproxy", "px-captcha", "perimeterx",
    "10.10.34.34", "10.10.34.35", "10.10.34.36", "peyvandha.ir", "eais.rkn.gov.ru",
    "blocklist.rkn.gov.ru", "arvancloud-challenge", "ar-challenge",
)
CONSENT_MARKERS: tuple[str, ...] = (
    "we value your privacy", "we care about your privacy", "your privacy choices",
    "accept all", "accept cookies", "reject all", "manage cookies", "cookie settings",
    "cookie policy", "consent", "we use cookies", "this site uses cookies",
    "uses cookies", "privacy settings", "manage options", "agree and continue",
    "alle akzeptieren", "wir verwenden cookies", "tout accepter", "nous utilisons des cookies",
    "çerez", "tümünü kabul et", "kabul et", "gizliliğinize",
    "файлы cookie", "файлов cookie", "принять все", "согласие",
    "ملفات تعريف الارتباط", "قبول الكل", "کوکی", "پذیرش همه",
)
# Phrases that tie subscribing to reading on (a newsletter box alone is no paywall).
PAYWALL_MARKERS: tuple[str, ...] = (
    "subscribe to read", "subscribe to continue", "to continue reading", "continue reading with",
    "already a subscriber", "subscribers only", "for subscribers only", "this article is for subscribers",
    "exclusive to subscribers", "sign in to read", "log in to continue reading", "subscribe now to read",
    "okumaya devam etmek için", "devamını okumak için", "abonelere özel", "okumak için abone",
    "чтобы читать дальше", "чтобы продолжить чтение", "только для подписчиков", "доступно подписчикам",
    "оформите подписку, чтобы", "материал доступен по подписке",
    "اشترك لقراءة", "للمشتركين فقط", "لقراءة المقال كاملا", "لمواصلة القراءة",
    "برای خواندن ادامه مطلب", "ادامه مطلب مشترک شوید", "ویژه مشترکین",
    "толық оқу үшін жазылыңыз",
)
# Paths of pages that list articles rather than carry one.
LISTING_PATH_RE = re.compile(
    r"(^/?$|^/(?:[a-z]{2}/)?(?:tag|tags|category|categories|section|topic|topics|search|archive"
    r"|author|authors|page|news|latest|rss|home|index(?:\.\w+)?)/?$|/(?:tag|tags|category|topic)/)",
    re.IGNORECASE,
)
ARTICLE_JSONLD_TYPES = frozenset({
    "newsarticle", "article", "reportagenews", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "blogposting", "liveblogposting",
    "report", "socialmediaposting", "scholarlyarticle", "techarticle", "satiricalarticle",
})
LISTING_JSONLD_TYPES = frozenset({"website", "collectionpage", "itemlist", "searchresultspage"})

MAX_BYTES = 5_000_000
EMPTY_MAX_WORDS = 40          # fewer body words than this: nothing to store
BRIEF_MIN_WORDS = 20          # ... unless the page is marked up or dated as an article
BLOCK_MAX_WORDS = 150         # block and consent pages are short
PAYWALL_MAX_WORDS = 250       # a teaser, not a full article
SHORT_PAGE_WORDS = 400        # challenge and consent pages have little visible text at all
LISTING_LINK_SHARE = 0.5      # share of body words that are link texts on a listing
LISTING_MIN_HEADLINE_LINKS = 12
HEADLINE_LINK_MIN_WORDS = 4
SHORT_BODY_WORDS = 80         # an article body this short gets the slower, fuller extraction
FAVOR_PRECISION = False       # balanced: trafilatura's best F1 on real pages; equal on the newsroom
TITLE_OVERLAP = 0.4  # share of the shorter title's words an h1 and a meta title must share
TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " » ", " « ", " · ", " • ", " / ", ": ")
BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b",
                b"RIFF", b"OggS", b"ID3", b"\x00\x00\x01\x00", b"BM")
# Control characters (not tab/newline/CR): a few are stray bytes, many mean binary data.
CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13)) + b"\x7f"
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_SHARE = 0.02
BINARY_SAMPLE = 65536
# Legacy encodings tried, in order, when a page declares none and is not UTF-8.
LEGACY_ENCODINGS = ("cp1251", "cp1256", "cp1254", "koi8-r", "cp1252")
WHITESPACE_RE = re.compile(r"\s+")
# Short lines at the very start or end of a body that are page furniture, not text.
EDGE_LINE_MAX_WORDS = 8
EDGE_BOILERPLATE_RE = re.compile(
    r"^\W*(read more|read also|also read|related|see also|follow us|share|tags?|keywords|source|"
    r"photo|image|advertisement|all rights reserved|copyright|©|"
    r"читайте также|читать также|подписывайтесь|теги|источник|фото|реклама|"
    r"ayrıca bakınız|ilgili haberler|etiketler|kaynak|paylaş|fotoğraf|"
    r"اقرأ أيضا|اقرأ أيضاً|المصدر|شارك|الكلمات المفتاحية|"
    r"بیشتر بخوانید|بخوانید|منبع|برچسب|اشتراک|کلیدواژه|"
    r"кілт сөздер|тағы оқыңыз)\b",
    re.IGNORECASE,
)
AUTHOR_XPATH = etree.XPath(
    "//*[@itemprop='author' or @rel='author' or contains(@class, 'author') or contains(@class, 'byline__name')]"
    "[not(self::meta) and not(self::link) and not(ancestor::*[contains(@class, 'comment')])]")
AUTHOR_LABEL_RE = re.compile(r"^(by|автор[ы]?:?|نویسنده:?|yazan:?|بقلم:?|авторы:?|von|par)\s+", re.IGNORECASE)
VISIBLE_TEXT_XPATH = etree.XPath("//text()[not(parent::script) and not(parent::style) and not(parent::template)]")
LEAD_XPATH = etree.XPath(
    "//*[@class][self::p or self::div or self::h2 or self::h3 or self::span or self::section]"
    "[contains(@class, 'lead') or contains(@class, 'summary') or contains(@class, 'intro') or "
    "contains(@class, 'excerpt') or contains(@class, 'standfirst') or contains(@class, 'subtitle') or "
    "contains(@class, 'dek') or contains(@class, 'annotation') or contains(@class, 'anons') or "
    "contains(@class, 'spot') or contains(@class, 'ozet') or contains(@class, 'rutitr')]")
ZWNJ = "\u200c"
ZWNJ_STAND_IN = "\u07fa"  # NKo lajanyalan: a printable joiner no monitored language uses
# Classes of the standfirst/summary printed between headline and body: not body text.
LEAD_CLASS_RE = re.compile(r"\b(lead|summary|intro|excerpt|standfirst|subtitle|dek|annotation|anons|"
                           r"article__lead|article-lead|news-lead|spot|ozet|rutitr)\b", re.IGNORECASE)
SKIP_TEXT_TAGS = frozenset({"script", "style", "template", "svg"})
BLOCK_TAGS = frozenset({"div", "table", "ul", "ol", "blockquote", "figure", "section", "h2", "h3", "h4",
                        "form", "iframe"})
BREAK_CONTAINER_MIN_CHARS = 200  # direct text between <br>s: a body, not an address block
# Lines anywhere in a body that are a box label, not text: "Read also: <headline>", "Advertisement".
INLINE_BOX_MAX_WORDS = 14
INLINE_BOX_RE = re.compile(
    r"^\W*(read also|also read|read more|see also|related:|"
    r"читайте также|читать также|смотрите также|тағы оқыңыз|"
    r"ayrıca bakınız|ayrıca okuyun|bunu da okuyun|haberin devamı|ilgili haber|"
    r"اقرأ أيضا|اقرأ أيضاً|اقرأ ايضا|اقرأ المزيد|بیشتر بخوانید|بخوانید|مطالب مرتبط)(?!\w)",
    re.IGNORECASE,
)
# An ad slot's label alone on a line ("Reklam" or "إعلان" opening a sentence is text).
AD_LABEL_RE = re.compile(
    r"\W*(advertisement|advertisement\W+scroll to continue|реклама|reklam|إعلان|اعلان|تبلیغات|жарнама)\W*",
    re.IGNORECASE,
)
# Credit and follow-us lines that close a story ("Reporting by ...; Editing by ...").
CREDIT_LINE_MAX_WORDS = 30
CREDIT_LINE_RE = re.compile(
    r"^\W*(reporting by|additional reporting|writing by|editing by|compiled by|interviewed by|"
    r"follow us on|беседовал|беседовала|интервью записал|подписывайтесь на|"
    r"bizi takip edin|تابعونا على|ما را در .{0,20}دنبال کنید)(?!\w)",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- result


@dataclass
class Extracted:
    """What one fetched page turned out to be, and the article in it."""

    verdict: str
    reason: str
    title: str | None = None
    author: str | None = None
    description: str | None = None
    sitename: str | None = None
    language: str | None = None
    tags: list[str] = field(default_factory=list)
    text: str = ""
    canonical: str | None = None
    published: str | None = None
    published_method: str | None = None
    published_raw: str | None = None
    published_day: str | None = None  # the day the page prints (local); `published` is UTC
    modified: str | None = None
    modified_method: str | None = None
    jsonld_type: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def extract_page(
    body: bytes | str,
    *,
    url: str,
    languages: Sequence[str] = (),
    timezone: str | None = None,
    fetched_at: datetime | None = None,
    encoding: str | None = None,
    outlet_name: str | None = None,
) -> Extracted:
    """Classify a fetched page and extract its article; never raises (failures -> "error")."""
    try:
        return _extract(body, url=url, languages=tuple(languages or ()), timezone=timezone,
                        fetched_at=fetched_at, encoding=encoding, outlet_name=outlet_name)
    except Exception as err:  # the worker must survive any page
        return Extracted(verdict="error", reason=f"{type(err).__name__}: {err}"[:300])


# --------------------------------------------------------------------------- decoding


class PageError(Exception):
    """The input is not an HTML page we can read."""


def decode_page(body: bytes | str, encoding: str | None = None) -> str:
    """HTML bytes -> text: HTTP charset, else BOM/<meta charset>, else detection.

    Refuses oversized and binary input; strips the odd stray control character.
    """
    if isinstance(body, str):
        if len(body) > MAX_BYTES:
            raise PageError(f"page too large ({len(body)} characters)")
        text = body
    elif isinstance(body, (bytes, bytearray)):
        data = bytes(body)
        if len(data) > MAX_BYTES:
            raise PageError(f"page too large ({len(data)} bytes)")
        _refuse_binary(data)
        header = f"text/html; charset={encoding}" if encoding and resolve_encoding(encoding) else None
        _, text = html_to_unicode(header, data, auto_detect_fun=detect_encoding)
        if text.count("\ufffd") > 20 and not header:
            # a wrong <meta charset>: trust the bytes instead
            text = data.decode(detect_encoding(data), errors="replace")
    else:
        raise PageError(f"unsupported body type {type(body).__name__}")
    controls = len(CONTROL_RE.findall(text, 0, BINARY_SAMPLE))
    if controls > CONTROL_SHARE * min(len(text), BINARY_SAMPLE):
        raise PageError("binary content (control characters)")
    return CONTROL_RE.sub("", text) if controls or CONTROL_RE.search(text) else text


def _refuse_binary(data: bytes) -> None:
    head = data[:BINARY_SAMPLE]
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return  # a BOM: UTF-16 text legitimately holds NUL bytes
    if head.lstrip().startswith(BINARY_MAGIC):
        raise PageError("binary content (file signature)")
    controls = len(head) - len(head.translate(None, CONTROL_BYTES))
    if controls > CONTROL_SHARE * len(head):
        raise PageError(f"binary content ({controls} control bytes in {len(head)})")


def detect_encoding(data: bytes) -> str:
    """UTF-8 if the bytes are valid UTF-8, else the legacy code page whose decoding reads best."""
    sample = data[:200_000]
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        if err.start > len(sample) - 4:  # a multi-byte character cut by the sample
            return "utf-8"
    best, best_score = "cp1252", -1.0
    for candidate in LEGACY_ENCODINGS:
        score = stopword_share(sample.decode(candidate, errors="replace"))
        if score > best_score:
            best, best_score = candidate, score
    return best


# --------------------------------------------------------------------------- pipeline


@dataclass
class PageFacts:
    """What was read off the parsed tree before trafilatura touched it."""

    jsonld: list[dict[str, Any]]
    article_ld: dict[str, Any] | None
    meta: dict[str, str]
    meta_tags: list[str]
    title_tag: str | None
    h1s: list[str]
    canonical: str | None
    headline_links: set[str]
    leads: set[str]


def _extract(body: bytes | str, *, url: str, languages: tuple[str, ...], timezone: str | None,
             fetched_at: datetime | None, encoding: str | None, outlet_name: str | None) -> Extracted:
    try:
        text = decode_page(body, encoding)
    except PageError as err:
        return Extracted(verdict="error", reason=str(err))
    if not text.strip():
        return Extracted(verdict="empty", reason="empty response body")
    # trafilatura drops every non-printable character, ZWNJ included, which glues Persian
    # words together ("می‌شود" -> "میشود"): carry it through as a printable stand-in.
    text = text.replace(ZWNJ, ZWNJ_STAND_IN)
    tree = trafilatura.load_html(text)
    if tree is None:
        return Extracted(verdict="error", reason="not parseable as HTML")
    facts = read_page_facts(tree)
    reference = fetched_at or datetime.now(UTC)
    result = Extracted(verdict="article", reason="", canonical=facts.canonical)
    _fill_dates(result, tree, url, languages, reference, timezone, facts.jsonld)
    split_break_paragraphs(tree)
    body_text = extract_body(tree, url, facts)
    _fill_metadata(result, tree, facts, url, outlet_name)
    result.text = _clean_body(body_text, result.title, (result.author, result.sitename), facts.leads)
    _restore_zwnj(result)
    result.language = detect_language(result.text or " ".join(
        filter(None, (result.title, result.description))), languages)
    result.verdict, result.reason = classify(tree, text, facts, result, url)
    return result


def _restore_zwnj(result: Extracted) -> None:
    for name, value in vars(result).items():
        if isinstance(value, str) and ZWNJ_STAND_IN in value:
            setattr(result, name, value.replace(ZWNJ_STAND_IN, ZWNJ))
    result.tags = [tag.replace(ZWNJ_STAND_IN, ZWNJ) for tag in result.tags]


def _fill_dates(result: Extracted, tree: HtmlElement, url: str, languages: tuple[str, ...],
                reference: datetime, timezone: str | None, jsonld: list[dict[str, Any]]) -> None:
    dates = find_page_dates(tree, url=url, languages=languages, reference=reference,
                            timezone=timezone, jsonld=jsonld)
    if dates.published is not None:
        result.published = to_iso(dates.published.value)
        result.published_raw = dates.published.raw
        local_day = dates.published.local_day
        result.published_day = local_day.isoformat() if local_day else (result.published or "")[:10] or None
        result.published_method = dates.published_method
    if dates.modified is not None:
        result.modified = to_iso(dates.modified.value)
        result.modified_method = dates.modified_method


def extract_body(tree: HtmlElement, url: str, facts: PageFacts | None = None) -> str:
    """The article body as paragraphs joined by newlines.

    trafilatura in fast mode first; on an article page where that comes out short, the
    full cascade (readability/justext comparison) and then JSON-LD articleBody.
    """
    text = _trafilatura_text(tree, url, fast=True)
    if facts is None or not _looks_like_article(facts):
        return text
    if _word_count(text) < SHORT_BODY_WORDS:
        slow = _trafilatura_text(tree, url, fast=False)
        if _word_count(slow) > _word_count(text):
            text = slow
    raw_body = (facts.article_ld or {}).get("articleBody")
    ld_body = _ld_text(raw_body)
    if ld_body and not _is_locked(facts) and _word_count(ld_body) > 2 * max(_word_count(text), 20):
        text = _split_ld_body(raw_body)
    return text


def split_break_paragraphs(tree: HtmlElement) -> None:
    """Old CMSs (DataLife Engine, ASP.NET) print a body as one <div> of text runs split by
    <br><br>: trafilatura's fast path does not see paragraphs there and falls back to the whole
    page. Such a container gets one <p> per run, in place."""
    for element in list(tree.iter("div", "td", "section", "article", "span")):
        if not _is_break_container(element):
            continue
        children = list(element)
        paragraph = etree.Element("p")
        paragraph.text, element.text = element.text, None
        parts: list[HtmlElement] = []
        for child in children:
            element.remove(child)
            if child.tag == "br" or child.tag in BLOCK_TAGS:
                parts.append(paragraph)
                if child.tag != "br":
                    tail, child.tail = child.tail, None
                    parts.append(child)
                else:
                    tail = child.tail
                paragraph = etree.Element("p")
                paragraph.text = tail
            else:
                paragraph.append(child)
        parts.append(paragraph)
        for part in parts:
            if part.tag != "p" or len(part) or (part.text or "").strip():
                element.append(part)


def _is_break_container(element: HtmlElement) -> bool:
    breaks = 0
    text = len((element.text or "").strip())
    for child in element:
        if child.tag == "p":
            return False
        if child.tag == "br":
            breaks += 1
        text += len((child.tail or "").strip())
    return breaks >= 2 and text >= BREAK_CONTAINER_MIN_CHARS


def _trafilatura_text(tree: HtmlElement, url: str, *, fast: bool) -> str:
    document = trafilatura.bare_extraction(
        tree, url=url, fast=fast, favor_precision=FAVOR_PRECISION, include_comments=False,
        include_tables=False, include_images=False, with_metadata=False)
    if document is None:
        return ""
    text = document.text if hasattr(document, "text") else document.get("text")
    return text or ""


def _split_ld_body(value: Any) -> str:
    """articleBody is one string, sometimes with HTML or blank lines between paragraphs."""
    raw = value if isinstance(value, str) else " ".join(v for v in value if isinstance(v, str))
    raw = re.sub(r"(?i)<br\s*/?>|</p>", "\n", raw)
    raw = html.unescape(re.sub(r"<[^>]+>", " ", raw))
    return "\n".join(line for line in (_clean_space(x) for x in raw.splitlines()) if line)


def _looks_like_article(facts: PageFacts) -> bool:
    return bool(facts.article_ld) or facts.meta.get("og:type", "").lower() == "article"


def _is_locked(facts: PageFacts) -> bool:
    free = (facts.article_ld or {}).get("isAccessibleForFree")
    if free is None:
        free = next((o.get("isAccessibleForFree") for o in facts.jsonld
                     if "isAccessibleForFree" in o), None)
    return free is False or (isinstance(free, str) and free.strip().lower() == "false")


def _word_count(text: str) -> int:
    return len(text.split())


# --------------------------------------------------------------------------- page facts


def read_page_facts(tree: HtmlElement) -> PageFacts:
    """JSON-LD, meta/OpenGraph, <title>, h1s, canonical and headline links, in one pass each."""
    jsonld = list(read_jsonld(tree))
    meta, meta_tags = read_meta(tree)
    canonical = None
    for link in tree.iterfind(".//link[@rel][@href]"):
        if "canonical" in link.get("rel", "").lower().split():
            canonical = link.get("href", "").strip() or None
            break
    canonical = canonical or meta.get("og:url") or None
    title_el = tree.find(".//title")
    return PageFacts(
        jsonld=jsonld,
        article_ld=_article_object(jsonld),
        meta=meta,
        meta_tags=meta_tags,
        title_tag=_clean_space(title_el.text_content()) if title_el is not None else None,
        h1s=[t for t in (_clean_space(h.text_content()) for h in tree.iterfind(".//h1")) if t],
        canonical=canonical,
        headline_links=_headline_links(tree),
        leads=_lead_texts(tree),
    )


def read_meta(tree: HtmlElement) -> tuple[dict[str, str], list[str]]:
    """Meta name/property -> content (first wins), plus every article:tag."""
    meta: dict[str, str] = {}
    tags: list[str] = []
    for el in tree.iterfind(".//meta[@content]"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = _clean_space(el.get("content", ""))
        if not key or not content:
            continue
        if key in ("article:tag", "og:article:tag"):
            tags.append(content)
        meta.setdefault(key, content)
    return meta, tags


def read_jsonld(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object of the page, @graph flattened, broken JSON tolerated."""
    for script in tree.iterfind(".//script[@type]"):
        if "ld+json" not in script.get("type", "").lower():
            continue
        raw = script.text or ""
        yield from _flatten_jsonld(parse_jsonld(raw))


def parse_jsonld(raw: str) -> Any:
    """Parse one JSON-LD block; repair common breakage; salvage key fields by regex."""
    cleaned = re.sub(r"^\s*(?:<!--|//\s*<!\[CDATA\[)|(?://\s*\]\]>|-->)\s*$", "", raw.strip())
    for attempt in (cleaned, re.sub(r",\s*([\]}])", r"\1", cleaned)):
        try:
            return json.loads(attempt, strict=False)
        except ValueError:
            pass
    objects = _concatenated_json(cleaned)
    return objects if objects else _salvage_jsonld(cleaned)


def _concatenated_json(text: str) -> list[Any]:
    decoder = json.JSONDecoder(strict=False)
    objects: list[Any] = []
    position = 0
    while position < len(text):
        start = text.find("{", position)
        if start < 0:
            break
        try:
            obj, position = decoder.raw_decode(text, start)
        except ValueError:
            return objects
        objects.append(obj)
    return objects


SALVAGE_KEYS = ("@type", "headline", "datePublished", "dateModified", "description",
                "isAccessibleForFree", "keywords")


def _salvage_jsonld(text: str) -> dict[str, Any] | None:
    """Unescaped quotes in a headline break the JSON: pull out the fields we need."""
    found: dict[str, Any] = {}
    for key in SALVAGE_KEYS:
        match = re.search(rf'"{re.escape(key)}"\s*:\s*"(.*?)"\s*[,}}\n]', text, re.DOTALL)
        if match:
            found[key] = match.group(1)
    return found or None


def _flatten_jsonld(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten_jsonld(item)
    elif isinstance(data, dict):
        graph = data.get("@graph")
        if isinstance(graph, (list, dict)):
            yield from _flatten_jsonld(graph)
        if "@type" in data or graph is None:
            yield data


def _types(obj: dict[str, Any]) -> list[str]:
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return [v.strip().lower() for v in values if isinstance(v, str)]


def _article_object(objects: list[dict[str, Any]]) -> dict[str, Any] | None:
    for obj in objects:
        if ARTICLE_JSONLD_TYPES.intersection(_types(obj)):
            return obj
    # a WebPage whose mainEntity is the article
    for obj in objects:
        main = obj.get("mainEntity")
        if isinstance(main, dict) and ARTICLE_JSONLD_TYPES.intersection(_types(main)):
            return main
    return None


def _lead_texts(tree: HtmlElement) -> set[str]:
    """Casefolded texts of standfirst/summary elements (class lead, summary, intro ...)."""
    leads = set()
    for el in LEAD_XPATH(tree):
        if LEAD_CLASS_RE.search(el.get("class", "")):
            text = _clean_space(el.text_content())
            if text and len(text) < 1000:
                leads.add(text.casefold())
    return leads


def _headline_links(tree: HtmlElement) -> set[str]:
    """Normalised texts of links long enough to be headlines (teasers, related news)."""
    links = set()
    for anchor in tree.iterfind(".//a"):
        text = _clean_space(anchor.text_content())
        if text and len(text.split()) >= HEADLINE_LINK_MIN_WORDS:
            links.add(text.casefold())
    return links


# --------------------------------------------------------------------------- metadata


def _fill_metadata(result: Extracted, tree: HtmlElement, facts: PageFacts, url: str,
                   outlet_name: str | None) -> None:
    ld = facts.article_ld or {}
    meta = facts.meta
    result.jsonld_type = _main_type(facts)
    result.sitename = _first(meta.get("og:site_name"), _publisher_name(ld), outlet_name,
                             meta.get("application-name"))
    site_names = [n for n in (outlet_name, meta.get("og:site_name"), _publisher_name(ld),
                              meta.get("application-name"), meta.get("twitter:site", "").lstrip("@"))
                  if n]
    result.title = choose_title(
        headline=_ld_text(ld.get("headline")) or _ld_text(ld.get("name")),
        og_title=meta.get("og:title") or meta.get("twitter:title"),
        title_tag=facts.title_tag, h1s=facts.h1s, site_names=site_names, url=url,
    ) or _fallback_title(tree, site_names, url)
    result.author = _ld_author(ld.get("author")) or _meta_author(meta) or _fallback_author(tree)
    result.description = _first(_ld_text(ld.get("description")), meta.get("og:description"),
                                meta.get("description"), meta.get("twitter:description"))
    result.tags = _tags(ld, meta, facts.meta_tags)


def _main_type(facts: PageFacts) -> str | None:
    if facts.article_ld is not None:
        types = facts.article_ld.get("@type")
        return ",".join(types) if isinstance(types, list) else str(types) if types else None
    for obj in facts.jsonld:
        value = obj.get("@type")
        if isinstance(value, str):
            return value
    return None


def _publisher_name(ld: dict[str, Any]) -> str | None:
    publisher = ld.get("publisher")
    if isinstance(publisher, list) and publisher:
        publisher = publisher[0]
    if isinstance(publisher, dict):
        return _ld_text(publisher.get("name"))
    return _ld_text(publisher)


def _ld_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    if not isinstance(value, str):
        return None
    return _clean_space(html.unescape(value)) or None


def _ld_author(value: Any) -> str | None:
    values = value if isinstance(value, list) else [value]
    names = []
    for item in values:
        name = _ld_text(item.get("name")) if isinstance(item, dict) else _ld_text(item)
        if name and not name.startswith("http") and name not in names:
            names.append(name)
    return ", ".join(names) or None


def _meta_author(meta: dict[str, str]) -> str | None:
    for key in ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author"):
        value = meta.get(key)
        if value and not value.startswith("http"):
            return value
    return None


def _fallback_author(tree: HtmlElement) -> str | None:
    """The first short byline element (itemprop/rel/class author), its label removed."""
    for el in AUTHOR_XPATH(tree):
        text = _clean_space(el.text_content())
        if not text or len(text) > 80:
            continue
        text = AUTHOR_LABEL_RE.sub("", text).strip(" :-–—,")
        if text and not any(ch.isdigit() for ch in text):
            return text
    return None


def _fallback_title(tree: HtmlElement, site_names: list[str], url: str) -> str | None:
    try:
        title = trafilatura_title(tree)
    except Exception:
        return None
    return strip_site_name(title, site_names, url) if title else None


def _tags(ld: dict[str, Any], meta: dict[str, str], meta_tags: list[str]) -> list[str]:
    raw: list[str] = []
    keywords = ld.get("keywords")
    if isinstance(keywords, list):
        raw.extend(k for k in keywords if isinstance(k, str))
    elif isinstance(keywords, str):
        raw.extend(re.split(r"[,،;]", keywords))
    raw.extend(meta_tags)
    for key in ("news_keywords", "keywords"):
        if key in meta:
            raw.extend(re.split(r"[,،;]", meta[key]))
    tags: list[str] = []
    seen = set()
    for tag in raw:
        tag = _clean_space(html.unescape(tag))
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags[:50]


# --------------------------------------------------------------------------- titles


def choose_title(*, headline: str | None, og_title: str | None, title_tag: str | None,
                 h1s: Sequence[str], site_names: Sequence[str], url: str) -> str | None:
    """The headline: an h1 that the meta titles confirm, else the cleaned meta title."""
    metas = [t for t in (headline, og_title, title_tag) if t]
    names = [n.casefold() for n in site_names]
    cleaned = [strip_site_name(t, site_names, url) for t in metas]
    for h1 in h1s:
        folded = h1.casefold()
        if folded in names or len(h1) < 4:
            continue
        for meta_title, clean in zip(metas, cleaned, strict=True):
            if folded in meta_title.casefold() and len(h1) >= 0.4 * len(clean):
                return h1
            # a meta headline truncated by the CMS: the h1 carries the whole of it
            if clean.casefold().rstrip(".… ") and folded.startswith(clean.casefold().rstrip(".… ")):
                return h1
    # A short social/SEO headline in the meta tags: the visible h1 that shares its words is
    # the headline a reader (and an annotator) sees.
    for h1 in h1s:
        words = _title_words(h1)
        if len(words) < 3 or h1.casefold() in names:
            continue
        for clean in cleaned:
            meta_words = _title_words(clean)
            shared = len(words & meta_words)
            if shared >= 2 and shared >= TITLE_OVERLAP * min(len(words), len(meta_words)):
                return h1
    return _strip_section(cleaned[0]) if cleaned else None


def _title_words(text: str) -> set[str]:
    """Crude stems (first four letters) of the title's words: Russian and Turkish headlines
    inflect the same word differently in the h1 and the social title."""
    return {word[:4] for word in re.findall(r"\w+", text.casefold()) if len(word) >= 3}


def _strip_section(title: str) -> str:
    """ "Headline | Section" left after the outlet went: a short last part is the section."""
    for sep in (" | ", " :: ", " » "):
        head, found, tail = title.rpartition(sep)
        if found and len(tail.split()) <= 3 and len(head.split()) >= 3:
            return head.strip()
    return title


def strip_site_name(title: str, site_names: Sequence[str], url: str = "") -> str:
    """Remove " | Outlet", "Outlet: ..." and the like; never cut a title at a bare dash."""
    title = _clean_space(html.unescape(title))
    names = {n.casefold() for n in site_names if n and len(n) > 1}
    host = urlsplit(url).hostname or "" if url else ""
    changed = True
    while changed:
        changed = False
        for sep in TITLE_SEPARATORS:
            if sep not in title:
                continue
            head, _, tail = title.rpartition(sep)
            if sep != ": " and head and _is_site_name(tail, names, host):
                title, changed = head.strip(), True
                break
            first, _, rest = title.partition(sep)
            if rest and _is_site_name(first, names, host):
                title, changed = rest.strip(), True
                break
    return title


def _is_site_name(part: str, names: set[str], host: str) -> bool:
    folded = part.strip().casefold()
    if not folded:
        return False
    if folded in names or any(name in folded and len(folded) <= len(name) + 12 for name in names):
        return True
    # "Daily Sabah" on dailysabah.com, "Tabnak" on tabnak.ir: short parts that spell the host
    compact = re.sub(r"[\W_]+", "", folded)
    if host and len(part.split()) <= 4 and len(compact) >= 3:
        host_compact = re.sub(r"[\W_]+", "", host.casefold())
        return compact in host_compact
    return False


# --------------------------------------------------------------------------- body


def _clean_body(text: str, title: str | None, extra: Sequence[str | None] = (),
                leads: set[str] | frozenset[str] = frozenset()) -> str:
    """Drop the headline and standfirst repeated at the top, duplicate lines and short edge
    boilerplate (datelines, bylines, "Read more", share and tag lines); keep paragraph order."""
    seen: set[str] = set()
    kept: list[str] = []
    skip = {t.casefold() for t in (title, *extra) if t}
    for line in (_clean_space(line) for line in text.splitlines()):
        key = line.casefold()
        if not line or key in skip or key in seen or (len(kept) < 2 and key in leads):
            continue
        seen.add(key)
        kept.append(line)
    kept = [line for line in kept if not AD_LABEL_RE.fullmatch(line)
            and not (len(line.split()) <= INLINE_BOX_MAX_WORDS and INLINE_BOX_RE.match(line))]
    while kept and _is_edge_boilerplate(kept[0]):
        kept.pop(0)
    while kept and (_is_edge_boilerplate(kept[-1]) or (
            len(kept[-1].split()) <= CREDIT_LINE_MAX_WORDS and CREDIT_LINE_RE.match(kept[-1]))):
        kept.pop()
    return "\n".join(kept)


def _is_edge_boilerplate(line: str) -> bool:
    words = line.split()
    if len(words) > EDGE_LINE_MAX_WORDS:
        return False
    if EDGE_BOILERPLATE_RE.match(line):
        return True
    # a dateline/timestamp alone: mostly digits and separators
    letters = sum(ch.isalpha() for ch in line)
    return letters < 0.4 * len(line)


# --------------------------------------------------------------------------- classification


def classify(tree: HtmlElement, page: str, facts: PageFacts, result: Extracted,
             url: str) -> tuple[str, str]:
    """The page's verdict and why, from the body, the structured data and marker lists."""
    words = _word_count(result.text)
    if words < PAYWALL_MAX_WORDS:
        visible = visible_text(tree)
        short_page = _word_count(visible) < SHORT_PAGE_WORDS
        if words < BLOCK_MAX_WORDS and short_page:
            marker = _find_marker(visible, BLOCK_TEXT_MARKERS) or _find_marker(
                page[:200_000].lower(), BLOCK_HTML_MARKERS)
            if marker:
                return "blocked", f"block marker {marker!r}"
        paywall = _paywall_verdict(visible, facts, words)
        if paywall:
            return "paywall", paywall
        if short_page:
            consent = _consent_verdict(visible, result.text)
            if consent:
                return "consent", consent
    listing = _listing_verdict(facts, result, url, words)
    if listing:
        return "listing", listing
    # a dated page with article markup may be a short news brief
    minimum = BRIEF_MIN_WORDS if _looks_like_article(facts) or result.published else EMPTY_MAX_WORDS
    if words < minimum:
        return "empty", f"{words} body words"
    return "article", f"{words} body words"


def visible_text(tree: HtmlElement) -> str:
    """Lower-cased text a reader would see (script and style skipped), one space-joined string."""
    parts = VISIBLE_TEXT_XPATH(tree)
    return _clean_space(" ".join(parts)).lower()


def _find_marker(text: str, markers: Iterable[str]) -> str | None:
    for marker in markers:
        if marker not in text:
            continue
        # short latin markers ("btk") must be whole words
        if marker.isascii() and len(marker) <= 4 and not re.search(rf"\b{re.escape(marker)}\b", text):
            continue
        return marker
    return None


def _consent_verdict(visible: str, body: str) -> str | None:
    found = [m for m in CONSENT_MARKERS if m in visible]
    if len(found) < 2:
        return None
    # what is left of the body once consent lines are dropped
    kept = [line for line in body.splitlines()
            if not any(m in line.lower() for m in CONSENT_MARKERS)]
    if len(" ".join(kept).split()) < EMPTY_MAX_WORDS:
        return f"consent wall ({', '.join(found[:3])})"
    return None


def _paywall_verdict(visible: str, facts: PageFacts, words: int) -> str | None:
    if _is_locked(facts) and words < PAYWALL_MAX_WORDS:
        return "isAccessibleForFree false and a short body"
    marker = _find_marker(visible, PAYWALL_MARKERS)
    if marker and words < PAYWALL_MAX_WORDS:
        return f"paywall marker {marker!r} after {words} words"
    return None


def _listing_verdict(facts: PageFacts, result: Extracted, url: str, words: int) -> str | None:
    lines = result.text.splitlines()
    link_lines = [line for line in lines if line.casefold() in facts.headline_links]
    link_words = sum(_word_count(line) for line in link_lines)
    if words and link_words >= LISTING_LINK_SHARE * words and len(lines) >= 3:
        return f"{link_words}/{words} body words are link texts"
    if _looks_like_article(facts) or len(facts.headline_links) < LISTING_MIN_HEADLINE_LINKS:
        return None
    parts = urlsplit(url)
    if LISTING_PATH_RE.search(parts.path or "/") and not parts.query:
        return f"listing URL {parts.path or '/'!r} with {len(facts.headline_links)} headline links"
    teasers = len(link_lines) >= 5 and len(link_lines) >= 0.3 * len(lines)
    site_types = {t for o in facts.jsonld for t in _types(o)}
    website = facts.meta.get("og:type", "").lower() == "website" or bool(site_types & LISTING_JSONLD_TYPES)
    if teasers and (website or not result.published):
        return f"{len(link_lines)} of {len(lines)} body lines are headline links"
    if website and not result.published:
        return f"og:type website with {len(facts.headline_links)} headline links and no date"
    return None


# --------------------------------------------------------------------------- helpers


def _clean_space(text: str | None) -> str:
    return WHITESPACE_RE.sub(" ", text or "").strip()


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v), None)
