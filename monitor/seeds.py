"""Load and validate the seeds folder: outlets (sources.yaml) and seed articles."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from monitor.errors import SeedsError

LANGUAGES = frozenset({"en", "ru", "fa", "tr", "ar", "kk", "fr", "de"})
CALENDARS = frozenset({"gregorian", "jalali", "hijri"})
CONFIDENCE = frozenset({"high", "medium", "low"})
SEED_TEXT = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
DEFAULT_WINDOW = (date(2017, 1, 1), date(2024, 12, 31))


@dataclass(frozen=True)
class Source:
    """One outlet: where its articles are listed and how its pages are dated."""

    id: str
    name: str
    homepage: str
    hosts: tuple[str, ...]
    languages: tuple[str, ...]
    timezone: str = "UTC"
    calendar: str = "gregorian"
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    robots_sitemaps: bool = True
    archive_sitemap: str | None = None
    search: str | None = None
    article_pattern: re.Pattern[str] | None = None
    blocks_crawlers: str | None = None
    confidence: str = "medium"

    @property
    def canonical_host(self) -> str:
        return self.hosts[0]

    def is_article_url(self, url: str) -> bool:
        """True when the URL's path (and query) looks like one of this outlet's articles."""
        if self.article_pattern is None:
            return True
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        return bool(self.article_pattern.search(target))


@dataclass(frozen=True)
class Sources:
    """Every configured outlet, looked up by id or by host."""

    items: tuple[Source, ...]
    since: date
    until: date
    file: str = ""
    _by_host: dict[str, Source] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for source in self.items:
            for host in source.hosts:
                self._by_host[host] = source

    def __iter__(self) -> Iterator[Source]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.items]

    def get(self, source_id: str) -> Source:
        for source in self.items:
            if source.id == source_id:
                return source
        raise KeyError(source_id)

    def for_url(self, url: str) -> Source | None:
        host = (urlsplit(url).hostname or "").lower()
        return self._by_host.get(host)

    def host_aliases(self) -> dict[str, str]:
        """Every non-canonical host mapped to its outlet's canonical host."""
        return {h: s.canonical_host for s in self.items for h in s.hosts[1:]}

    def allowed_hosts(self) -> set[str]:
        return set(self._by_host)

    def select(self, ids: Iterable[str]) -> list[Source]:
        wanted = list(ids)
        unknown = [i for i in wanted if i not in self.ids]
        if unknown:
            raise SeedsError(self.file, "source", f"unknown source id(s) {', '.join(unknown)}; known: {', '.join(self.ids)}")
        return [s for s in self.items if s.id in wanted]


@dataclass(frozen=True)
class SeedArticle:
    """A seed article: the text that defined the topic, with its metadata."""

    path: Path
    text: str
    outlet: str
    language: str
    published: date
    round: int | None
    title: str
    url: str


def read_yaml(path: Path) -> Any:
    """Parse one YAML file, turning syntax errors into a SeedsError with the line."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError:
        raise SeedsError(path, "-", "file not found") from None
    except UnicodeDecodeError as exc:
        raise SeedsError(path, "-", f"not UTF-8 text ({exc.reason})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "-"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SeedsError(path, where, f"invalid YAML: {problem}") from None


class _Fields:
    """Typed access to one mapping of a YAML file, each error naming file and field."""

    def __init__(self, file: Path, prefix: str, data: Any) -> None:
        if not isinstance(data, Mapping):
            raise SeedsError(file, prefix or "-", f"expected a mapping, got {type(data).__name__}")
        self.file, self.prefix, self.data = file, prefix, data

    def name(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def fail(self, key: str, message: str) -> SeedsError:
        return SeedsError(self.file, self.name(key), message)

    def text(self, key: str, default: str | None = None, *, required: bool = True) -> str | None:
        value = self.data.get(key, default)
        if value is None:
            if required:
                raise self.fail(key, "is required")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"must be a non-empty string, got {value!r}")
        return value.strip()

    def url(self, key: str, *, required: bool = True) -> str | None:
        value = self.text(key, required=required)
        if value is not None:
            check_url(self, key, value)
        return value

    def urls(self, key: str) -> tuple[str, ...]:
        values = self.strings(key, required=False)
        for value in values:
            check_url(self, key, value)
        return values

    def strings(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(key, "is required")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, "must be a list of non-empty strings")
        if required and not value:
            raise self.fail(key, "must not be empty")
        return tuple(v.strip() for v in value)

    def choice(self, key: str, choices: frozenset[str], default: str) -> str:
        value = self.text(key, default)
        assert value is not None
        if value not in choices:
            raise self.fail(key, f"must be one of {', '.join(sorted(choices))}, got {value!r}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, got {value!r}")
        return value

    def day(self, key: str, default: date | None = None) -> date:
        value = self.data.get(key, default)
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(key, f"must be a date YYYY-MM-DD, got {value!r}")


def check_url(fields: _Fields, key: str, value: str) -> None:
    parts = urlsplit(value.replace("{", "").replace("}", ""))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise fields.fail(key, f"must be an http(s) URL, got {value!r}")


def parse_source(file: Path, index: int, raw: Any) -> Source:
    label = raw.get("id", index) if isinstance(raw, Mapping) else index
    f = _Fields(file, f"sources[{label}]", raw)
    source_id = f.text("id")
    assert source_id is not None
    if not re.fullmatch(r"[a-z][a-z0-9_-]*", source_id):
        raise f.fail("id", f"must be lowercase letters, digits, - or _, got {source_id!r}")
    languages = f.strings("languages")
    for lang in languages:
        if lang not in LANGUAGES:
            raise f.fail("languages", f"unknown language code {lang!r}; known: {', '.join(sorted(LANGUAGES))}")
    hosts = tuple(h.lower() for h in f.strings("hosts"))
    homepage = f.url("homepage")
    assert homepage is not None
    timezone = f.text("timezone", "UTC")
    assert timezone is not None
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise f.fail("timezone", f"unknown time zone {timezone!r}") from None
    pattern_text = f.text("article_pattern", required=False)
    try:
        pattern = re.compile(pattern_text) if pattern_text else None
    except re.error as exc:
        raise f.fail("article_pattern", f"invalid regular expression: {exc}") from None
    search = f.url("search", required=False)
    if search is not None and "{query}" not in search:
        raise f.fail("search", "must contain {query}")
    archive = f.url("archive_sitemap", required=False)
    if archive is not None and not re.search(r"\{j?(year|month)", archive):
        raise f.fail("archive_sitemap", "must contain {year}/{month} or {jyear}/{jmonth}")
    return Source(
        id=source_id,
        name=f.text("name") or source_id,
        homepage=homepage,
        hosts=hosts,
        languages=languages,
        timezone=timezone,
        calendar=f.choice("calendar", CALENDARS, "gregorian"),
        feeds=f.urls("feeds"),
        sitemaps=f.urls("sitemaps"),
        robots_sitemaps=f.flag("robots_sitemaps", True),
        archive_sitemap=archive,
        search=search,
        article_pattern=pattern,
        blocks_crawlers=f.text("blocks_crawlers", required=False),
        confidence=f.choice("confidence", CONFIDENCE, "medium"),
    )


def load_sources(path: Path) -> Sources:
    """Read a sources file; every problem is a SeedsError naming the entry and field."""
    data = read_yaml(path)
    top = _Fields(path, "", data)
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        raise top.fail("sources", "must be a non-empty list of outlets")
    window = _Fields(path, "window", data.get("window") or {})
    since = window.day("since", DEFAULT_WINDOW[0])
    until = window.day("until", DEFAULT_WINDOW[1])
    if since > until:
        raise window.fail("since", "must not be after until")
    items = [parse_source(path, i, raw) for i, raw in enumerate(raw_sources)]
    seen_ids: set[str] = set()
    seen_hosts: dict[str, str] = {}
    for source in items:
        if source.id in seen_ids:
            raise SeedsError(path, f"sources[{source.id}].id", "duplicate id")
        seen_ids.add(source.id)
        for host in source.hosts:
            if host in seen_hosts:
                raise SeedsError(path, f"sources[{source.id}].hosts", f"host {host} already belongs to {seen_hosts[host]}")
            seen_hosts[host] = source.id
    return Sources(tuple(items), since, until, str(path))


def load_seed_articles(seeds_dir: Path) -> list[SeedArticle]:
    """Every `NNN_<hash>.txt` seed with its `.yaml` metadata beside it."""
    seeds: list[SeedArticle] = []
    for text_path in sorted(seeds_dir.glob("*.txt")):
        if not SEED_TEXT.match(text_path.name):
            raise SeedsError(text_path, "file name", "seed texts are named NNN_<16 hex digits>.txt")
        meta_path = text_path.with_suffix(".yaml")
        f = _Fields(meta_path, "", read_yaml(meta_path))
        try:
            text = text_path.read_text(encoding="utf-8").strip()
        except UnicodeDecodeError as exc:
            raise SeedsError(text_path, "-", f"not UTF-8 text ({exc.reason})") from None
        if len(text.split()) < 20:
            raise SeedsError(text_path, "text", "a seed article needs at least 20 words")
        language = f.text("language")
        if language not in LANGUAGES:
            raise f.fail("language", f"unknown language code {language!r}")
        round_value = f.data.get("round")
        if round_value is not None and (not isinstance(round_value, int) or not 1 <= round_value <= 99):
            raise f.fail("round", f"must be a round number, got {round_value!r}")
        seeds.append(
            SeedArticle(
                path=text_path,
                text=text,
                outlet=f.text("outlet") or "",
                language=language or "",
                published=f.day("published"),
                round=round_value,
                title=f.text("title") or text.splitlines()[0][:120],
                url=f.url("url") or "",
            )
        )
    if not seeds:
        raise SeedsError(seeds_dir, "seeds", "no seed article (NNN_<hash>.txt) found")
    return seeds


def source_ids(value: str | Sequence[str] | None) -> list[str]:
    """Split a `source=a,b` argument into ids."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [v.strip() for v in value if v.strip()]
