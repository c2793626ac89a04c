"""The newsroom's world: outlets, articles, their URLs and the ground truth tests score against."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import yaml

from monitor.errors import MonitorError

HERE = Path(__file__).resolve().parent
OUTLETS_FILE = HERE / "outlets.yaml"
CONTENT_DIR = HERE / "content"
EPOCH = dt.date(2017, 1, 1)
UTC = dt.UTC
# Generated articles carry numbers 9xxxxxxx; static numbers never look like that.
GENERATED_BASE = 90_000_000
# How many static articles are "removed" from their outlet and only left in the archive.
REMOVED_COUNT = 8


class NewsroomError(MonitorError):
    """The newsroom's outlets or content files are invalid; names the file and the entry."""


@dataclass
class Outlet:
    """One simulated outlet, as described in outlets.yaml."""

    id: str
    name: str
    homepage: str
    hosts: list[str]
    languages: list[str]
    calendar: str = "gregorian"
    timezone: str = "UTC"
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    robots_sitemaps: bool = False
    archive_sitemap: str | None = None
    search: str | None = None
    article_pattern: str = ""

    @property
    def primary_host(self) -> str:
        return urlsplit(self.homepage).hostname or ""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def host_for(self, language: str) -> str:
        """The host that serves this outlet's articles in `language`."""
        return LANGUAGE_HOSTS.get(self.id, {}).get(language, self.primary_host)

    def language_hosts(self) -> set[str]:
        return {self.primary_host, *LANGUAGE_HOSTS.get(self.id, {}).values()}

    def mobile_host(self) -> str | None:
        return next((h for h in self.hosts if h.startswith("m.")), None)


LANGUAGE_HOSTS = {
    "irna": {"en": "en.irna.test", "fa": "www.irna.test"},
    "mehr": {"en": "en.mehrnews.test", "fa": "www.mehrnews.test"},
}
# (first number on 2017-01-01, numbers used per day): article ids grow with time, as on real sites.
NUMBERING = {
    "tabnak": (640_000, 60), "irna": (82_400_000, 300), "mehr": (3_900_000, 900),
    "tass": (3_900_000, 400), "ria": (1_480_000_000, 20_000), "aa": (700_000, 300),
    "hurriyet": (40_300_000, 2_000), "sana": (480_000, 40), "kazinform": (2_980_000, 900),
    "unnews": (1_549_000, 50), "dailysabah": (0, 1), "aljazeera": (0, 1), "astanatimes": (0, 1),
}


@dataclass
class Article:
    """One article and its truth: what a perfect crawler would store."""

    id: str
    outlet: str
    language: str
    published: dt.datetime
    title: str
    paragraphs: list[str]
    relevant: bool = False
    modified: dt.datetime | None = None
    round: int | None = None
    story: str | None = None
    original: bool = False
    credit: str | None = None
    trap: str | None = None
    summary: str = ""
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    url: str = ""
    number: int = 0
    removed: bool = False
    fault: str | None = None
    generated: bool = False
    source_file: str = ""

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def last_change(self) -> dt.datetime:
        return self.modified or self.published


# --- slugs ------------------------------------------------------------------------------

_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
     "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
     "a", "g", "q", "n", "o", "u", "u", "h", "i"],
    strict=True,
))
_TURKISH = str.maketrans("çğıöşüâîû", "cgiosuaiu")


def slugify(title: str, language: str, words: int = 8) -> str:
    """A URL slug as the outlet's CMS would make it: ASCII for Latin/Cyrillic, native letters for fa/ar."""
    text = title.replace("İ", "i").lower()
    if language in ("fa", "ar"):
        text = text.replace("\u200c", " ")
        kept = "".join(c if unicodedata.category(c)[0] in "LN" else " " for c in text)
    else:
        text = "".join(_CYRILLIC.get(c, c) for c in text).translate(_TURKISH)
        text = unicodedata.normalize("NFKD", text)
        kept = "".join(c if c.isascii() and c.isalnum() else " " for c in text)
    return "-".join(kept.split()[:words]) or "news"


def url_path_slug(slug: str) -> str:
    return quote(slug, safe="-_")


# --- URL conventions ---------------------------------------------------------------------

def local_date(outlet: Outlet, when: dt.datetime) -> dt.datetime:
    return when.astimezone(outlet.tz)


def _stable_hash(text: str) -> int:
    return int(hashlib.sha1(text.encode()).hexdigest()[:12], 16)


def build_url(outlet: Outlet, language: str, number: int, slug: str, published: dt.datetime,
              variant: int = 0) -> str:
    """The canonical URL of an article, following the outlet's real conventions."""
    s = url_path_slug(slug)
    d = local_date(outlet, published)
    o = outlet.id
    if o == "tabnak":
        return f"http://www.tabnak.test/{language}/news/{number}/{s}"
    if o in ("irna", "mehr"):
        return f"http://{outlet.host_for(language)}/news/{number}/{s}"
    if o == "tass":
        section = "en/world" if language == "en" else "mezhdunarodnaya-panorama"
        return f"http://tass.test/{section}/{number}"
    if o == "ria":
        return f"http://ria.test/{d:%Y%m%d}/{s}-{number}.html"
    if o == "aa":
        section = {"en": "world", "tr": "dunya", "ar": "arab-world"}[language]
        return f"http://www.aa.test/{language}/{section}/{s}/{number}"
    if o == "dailysabah":
        section = ("politics/diplomacy", "world/mid-east", "world/syrian-crisis")[variant % 3]
        return f"http://www.dailysabah.test/{section}/{s}"
    if o == "hurriyet":
        return f"http://www.hurriyet.test/dunya/{s}-{number}"
    if o == "aljazeera":
        prefix = "ar/news" if language == "ar" else "news"
        return f"http://www.aljazeera.test/{prefix}/{d.year}/{d.month}/{d.day}/{s}"
    if o == "sana":
        return f"http://sana.test/?p={number}"
    if o == "kazinform":
        return f"http://www.inform.test/{ {'kk': 'kz'}.get(language, language)}/{s}_a{number}"
    if o == "astanatimes":
        return f"http://astanatimes.test/{d.year}/{d.month:02d}/{s}/"
    if o == "unnews":
        return f"http://news.un.test/{language}/story/{d.year}/{d.month:02d}/{number}"
    raise NewsroomError(f"outlets.yaml: {o}: no URL convention for this outlet")


def article_number(outlet_id: str, published: dt.datetime, key: str) -> int:
    base, per_day = NUMBERING.get(outlet_id, (0, 1))
    days = max(0, (published.date() - EPOCH).days)
    return base + days * per_day + _stable_hash(key) % per_day


TRACKING = re.compile(r"^(utm_\w+|at_\w+|fbclid|gclid|ref|from)$")


def fold_url(url: str, world: World | None = None) -> str:
    """Fold the URL variants the newsroom serves (tracking, AMP, mobile, alias hosts) to one key."""
    parts = urlsplit(unquote(url.strip()))
    host = (parts.hostname or "").lower()
    path = parts.path or "/"
    if world is not None:
        outlet = world.outlet_by_host(host)
        if outlet is not None and host not in outlet.language_hosts():
            host = outlet.primary_host
    elif host.startswith("m."):
        host = "www." + host[2:] if host == "m.tabnak.test" else host[2:]
    if path.startswith("/amp/"):
        path = path[4:]
    if path.endswith("/amp/"):
        path = path[:-4]
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not TRACKING.match(k)])
    return urlunsplit(("http", host, path, query, ""))


# --- loading -------------------------------------------------------------------------------

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
REQUIRED = ("id", "outlet", "language", "published", "title", "paragraphs")


def _as_utc(value: Any, where: str, key: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, dt.date):
        when = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise NewsroomError(f"{where}: {key}: not an ISO 8601 date: {value!r}") from exc
    else:
        raise NewsroomError(f"{where}: {key}: not a date: {value!r}")
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def load_outlets(path: Path = OUTLETS_FILE) -> tuple[dict[str, Outlet], tuple[dt.date, dt.date]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    outlets: dict[str, Outlet] = {}
    for entry in data.get("sources", []):
        known = {k: v for k, v in entry.items() if k in Outlet.__dataclass_fields__}
        try:
            outlet = Outlet(**known)
        except TypeError as exc:
            raise NewsroomError(f"{path.name}: {entry.get('id', '?')}: {exc}") from exc
        outlets[outlet.id] = outlet
    window = data.get("window", {})
    since = window.get("since", dt.date(2017, 1, 1))
    until = window.get("until", dt.date(2024, 12, 31))
    return outlets, (since, until)


def article_from_entry(entry: dict[str, Any], where: str, outlets: dict[str, Outlet]) -> Article:
    """Validate one content entry (README.md format) and turn it into an Article."""
    missing = [k for k in REQUIRED if not entry.get(k)]
    if missing:
        raise NewsroomError(f"{where}: missing {', '.join(missing)}")
    outlet = outlets.get(entry["outlet"])
    if outlet is None:
        raise NewsroomError(f"{where}: outlet {entry['outlet']!r} is not in outlets.yaml "
                            f"(known: {', '.join(sorted(outlets))})")
    if entry["language"] not in outlet.languages:
        raise NewsroomError(f"{where}: language {entry['language']!r} is not one of "
                            f"{outlet.id}'s languages {outlet.languages}")
    paragraphs = entry["paragraphs"]
    if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
        raise NewsroomError(f"{where}: paragraphs must be a list of strings")
    return Article(
        id=str(entry["id"]), outlet=outlet.id, language=entry["language"],
        published=_as_utc(entry["published"], where, "published"),
        modified=_as_utc(entry["modified"], where, "modified") if entry.get("modified") else None,
        title=str(entry["title"]).strip(), paragraphs=[p.strip() for p in paragraphs],
        relevant=bool(entry.get("relevant", False)), round=entry.get("round"),
        story=entry.get("story"), original=bool(entry.get("original", False)),
        credit=entry.get("credit"), trap=entry.get("trap"),
        summary=str(entry.get("summary") or "").strip(), author=entry.get("author"),
        tags=[str(t) for t in entry.get("tags") or []],
        related=[str(r) for r in entry.get("related") or []],
        removed=bool(entry.get("removed", False)), fault=entry.get("fault"),
    )


def load_content(outlets: dict[str, Outlet], folder: Path = CONTENT_DIR) -> list[Article]:
    """Every content/*.yaml, validated; ids must be unique across files."""
    articles: list[Article] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            entries = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or []
        except yaml.YAMLError as exc:
            raise NewsroomError(f"content/{path.name}: invalid YAML: {exc}") from exc
        if not isinstance(entries, list):
            raise NewsroomError(f"content/{path.name}: must be a YAML list of articles")
        for i, entry in enumerate(entries):
            where = f"content/{path.name}: entry {i + 1} ({entry.get('id', '?') if isinstance(entry, dict) else '?'})"
            if not isinstance(entry, dict):
                raise NewsroomError(f"{where}: not a mapping")
            article = article_from_entry(entry, where, outlets)
            if article.id in seen:
                raise NewsroomError(f"{where}: id {article.id!r} already used in {seen[article.id]}")
            seen[article.id] = path.name
            article.source_file = path.name
            articles.append(article)
    return articles


def assign_urls(articles: list[Article], outlets: dict[str, Outlet]) -> None:
    """Give every static article its number and URL; collisions resolved in id order."""
    taken: set[str] = set()
    numbers: set[tuple[str, int]] = set()
    for article in sorted(articles, key=lambda a: a.id):
        if article.url:  # fault articles come with fixed URLs
            taken.add(unquote(article.url))
            numbers.add((article.outlet, article.number))
    for article in sorted(articles, key=lambda a: a.id):
        if article.url:
            continue
        outlet = outlets[article.outlet]
        number = article_number(outlet.id, article.published, article.id)
        while (outlet.id, number) in numbers and NUMBERING[outlet.id][1] > 1:
            number += 1
        slug = slugify(article.title, article.language)
        variant = _stable_hash(article.id)
        url = build_url(outlet, article.language, number, slug, article.published, variant)
        suffix = 2
        while unquote(url) in taken:
            url = build_url(outlet, article.language, number, f"{slug}-{suffix}", article.published, variant)
            suffix += 1
        article.number, article.url = number, url
        numbers.add((outlet.id, number))
        taken.add(unquote(url))


def mark_removed(articles: list[Article], count: int = REMOVED_COUNT) -> None:
    """Deterministically take `count` articles off their outlet (they stay in the archive)."""
    if any(a.removed for a in articles):
        return  # the content chose them itself
    referenced = {r for a in articles for r in a.related}
    candidates = [a for a in articles if not a.fault and a.id not in referenced
                  and not a.original and len(articles) > 3 * count]
    candidates.sort(key=lambda a: hashlib.sha1(("removed:" + a.id).encode()).hexdigest())
    for article in candidates[:count]:
        article.removed = True


class World:
    """Everything the newsroom serves; `articles` is the ground truth the tests score against."""

    def __init__(self, outlets: dict[str, Outlet], articles: list[Article],
                 window: tuple[dt.date, dt.date], scale: int = 0, seed: int = 7) -> None:
        from monitor.newsroom.generate import GeneratedArticles

        self.outlets = outlets
        self.articles = sorted(articles, key=lambda a: (a.published, a.id))
        self.window = window
        self.seed = seed
        self._host_map = {h: o for o in outlets.values() for h in o.hosts}
        self.by_id = {a.id: a for a in self.articles}
        self.by_url = {unquote(a.url): a for a in self.articles}
        self.by_folded = {fold_url(a.url, self): a for a in self.articles}
        self.generated = GeneratedArticles(self, scale, seed)

    @classmethod
    def load(cls, scale: int = 0, seed: int = 7, *, content_dir: Path = CONTENT_DIR,
             outlets_file: Path = OUTLETS_FILE) -> World:
        from monitor.newsroom.faults import fault_articles

        if not 0 <= scale <= 1_000_000:
            raise NewsroomError(f"scale must be between 0 and 1000000, not {scale}")
        outlets, window = load_outlets(outlets_file)
        articles = load_content(outlets, content_dir)
        known = {a.id for a in articles}
        for article in articles:
            unknown = [r for r in article.related if r not in known]
            if unknown:
                raise NewsroomError(f"content/{article.source_file}: {article.id}: related ids not found: {unknown}")
        articles += fault_articles(outlets)
        assign_urls(articles, outlets)
        mark_removed(articles)
        return cls(outlets, articles, window, scale, seed)

    # --- lookups -----------------------------------------------------------------------
    def outlet(self, outlet_id: str) -> Outlet:
        try:
            return self.outlets[outlet_id]
        except KeyError:
            raise NewsroomError(f"no outlet {outlet_id!r} in the newsroom") from None

    def outlet_by_host(self, host: str) -> Outlet | None:
        return self._host_map.get(host.lower().split(":")[0])

    def truth_by_url(self, url: str) -> Article | None:
        """The article behind a URL: exact, percent-decoded, or any variant the newsroom serves."""
        found = self.by_url.get(unquote(url)) or self.by_folded.get(fold_url(url, self))
        if found is None:
            found = self.generated.by_url(url)
        return found

    def live_articles(self, outlet_id: str, language: str | None = None) -> list[Article]:
        """The outlet's articles still on its site (not removed, not faults), newest first."""
        return [a for a in reversed(self.articles) if a.outlet == outlet_id and not a.removed
                and not a.fault and (language is None or a.language == language)]

    def removed_articles(self) -> list[Article]:
        return [a for a in self.articles if a.removed]

    def all_articles(self) -> Iterator[Article]:
        yield from self.articles
        yield from self.generated

    def counts(self) -> dict[str, dict[str, int]]:
        """Articles per language, outlet and relevance (for reports and tests)."""
        out: dict[str, dict[str, int]] = {"language": {}, "outlet": {}, "relevant": {}}
        for a in self.articles:
            for key, value in (("language", a.language), ("outlet", a.outlet), ("relevant", str(a.relevant))):
                out[key][value] = out[key].get(value, 0) + 1
        return out


def months(since: dt.date, until: dt.date) -> Iterable[tuple[int, int]]:
    year, month = since.year, since.month
    while (year, month) <= (until.year, until.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
