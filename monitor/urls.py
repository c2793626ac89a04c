"""URL identity: one normalised URL per article, trusted canonicals, sites and URL dates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import lru_cache
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import tldextract
from w3lib.url import canonicalize_url

# Query parameters that only say how the reader arrived; never part of an article's identity.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "yclid",
        "msclkid",
        "twclid",
        "gbraid",
        "wbraid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "igshid",
        "igsh",
        "at_medium",
        "at_campaign",
        "at_format",
        "at_link",
        "at_ptr",
        "at_bbc_team",
        "cmpid",
        "ocid",
        "xtor",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "pk_campaign",
        "pk_kwd",
        "pk_source",
        "pk_medium",
        "mtm_campaign",
        "mtm_source",
        "mtm_medium",
        "yandex_referrer",
        "_openstat",
        "spm",
        "share",
        "shared",
    }
)
TRACKING_PREFIXES = ("utm_",)
# Parameters that are tracking only when their value names an origin (?from=rss, ?ref=twitter).
ORIGIN_PARAMS = frozenset({"ref", "from", "source", "src", "via", "origin", "referrer", "ref_src"})
ORIGIN_VALUE = re.compile(
    r"^(?:rss|rss2|feed|feeds|atom|twitter|tw|x|facebook|fb|telegram|tg|whatsapp|vk|ok|"
    r"instagram|linkedin|newsletter|email|mail|push|yandex|dzen|zen|google|googlenews|gnews|"
    r"news_?google|social|share|sharing|home|homepage|main|mainpage|related|widget|"
    r"recommended|push_notification|app|amp)(?:[_\-.:/].*)?$",
    re.IGNORECASE,
)
# Flags that only mark the feed or AMP rendering of the same article.
RENDERING_FLAGS = {
    "rss": {"1", "true", "yes"},
    "amp": {"", "1", "true", "yes"},
    "outputtype": {"amp"},
    "_amp": {"", "1", "true"},
    "usqp": None,
}

FOLDABLE_HOST_LABELS = ("m", "mobile", "amp", "www-m")
DEFAULT_PORTS = {"http": 80, "https": 443}
AMP_CACHE_HOST = re.compile(r"(?:^|\.)(?:cdn\.ampproject\.org|amp\.cloudflare\.com)$")
AMP_CACHE_PATH = re.compile(r"^/(?:[cvi]/)?(s/)?([^/]+)(/.*)?$")
GOOGLE_AMP_PATH = re.compile(r"^/amp/(s/)?([^/]+\.[^/]+)(/.*)?$")
AMP_SUFFIX = re.compile(r"\.amp(?=\.[a-z0-9]{2,5}$|$)", re.IGNORECASE)

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _is_tracking(name: str, value: str) -> bool:
    """True when a query parameter is known to be tracking or a rendering flag."""
    key = name.lower()
    if key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES):
        return True
    if key in ORIGIN_PARAMS and ORIGIN_VALUE.match(value):
        return True
    if key in RENDERING_FLAGS:
        allowed = RENDERING_FLAGS[key]
        return allowed is None or value.lower() in allowed
    return False


def _unwrap_amp_cache(scheme: str, host: str, path: str) -> tuple[str, str, str]:
    """Google and AMP-project caches wrap the publisher URL in their own path."""
    if host.endswith("ampproject.org") or AMP_CACHE_HOST.search(host):
        match = AMP_CACHE_PATH.match(path)
        if match and "." in match[2]:
            return ("https" if match[1] else "http"), match[2], match[3] or "/"
    if re.fullmatch(r"(?:www\.)?google\.[a-z.]+", host):
        match = GOOGLE_AMP_PATH.match(path)
        if match:
            return ("https" if match[1] else "http"), match[2], match[3] or "/"
    return scheme, host, path


def _fold_host(host: str, host_aliases: Mapping[str, str] | None) -> str:
    """Mobile and AMP hosts -> the site's main host (aliases first, else drop the label)."""
    if host_aliases and host in host_aliases:
        return host_aliases[host].lower()
    site = site_of_host(host)
    first, _, rest = host.partition(".")
    if host != site and rest:
        if first in FOLDABLE_HOST_LABELS:
            return rest
        if first.startswith("amp-") and len(first) > 4:
            return first[4:] + "." + rest
    return host


def _fold_amp_path(path: str) -> str:
    """/amp/ segments, a trailing /amp and .amp suffixes name the AMP rendering."""
    segments = path.split("/")
    kept = [seg for seg in segments[1:] if seg.lower() != "amp"]
    if len(kept) != len(segments) - 1:
        # "/news/1/amp" -> "/news/1", "/amp/news/1/" -> "/news/1/"
        path = "/" + "/".join(kept)
    return AMP_SUFFIX.sub("", path)


def _clean_query(query: str) -> str:
    """Drop tracking parameters, keep everything else sorted."""
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = sorted((k, v) for k, v in pairs if not _is_tracking(k, v))
    return urlencode(kept)


def _port_of(parts: SplitResult) -> int | None:
    try:
        return parts.port
    except ValueError:  # "host:abc" - keep going without a port rather than fail
        return None


def _port_suffix(scheme: str, port: int | None) -> str:
    return "" if port is None or DEFAULT_PORTS.get(scheme) == port else f":{port}"


def normalize_url(url: str, host_aliases: Mapping[str, str] | None = None) -> str:
    """The one identity URL of an article; ValueError for an unparsable URL.

    Lowercase scheme and host, no default port, no fragment, no tracking parameters,
    the rest of the query sorted, AMP and mobile variants folded (see tests/test_urls.py).
    """
    # w3lib: consistent percent-encoding, IDNA host, sorted query, no fragment.
    parts = urlsplit(canonicalize_url(url.strip()))
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    path = parts.path or "/"
    scheme, host, path = _unwrap_amp_cache(scheme, host, path)
    port = _port_of(parts) if host == (parts.hostname or "").rstrip(".") else None
    host = _fold_host(host, host_aliases)
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host + _port_suffix(scheme, port)
    path = _fold_amp_path(path) or "/"
    return urlunsplit((scheme, netloc, path, _clean_query(parts.query), ""))


@lru_cache(maxsize=4096)
def site_of_host(host: str) -> str:
    """Registrable domain of a host name (public suffix list, offline snapshot)."""
    host = host.lower().rstrip(".")
    if not host or re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):
        return host
    ext = _EXTRACT(host)
    if ext.suffix and ext.domain:
        return f"{ext.domain}.{ext.suffix}"
    # Unknown suffix (".test", ".local"): the last two labels.
    return ".".join(host.split(".")[-2:])


def site_of(url: str) -> str:
    """Registrable domain of a URL ("http://www.tabnak.test/x" -> "tabnak.test")."""
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    return site_of_host(host)


# Path segments that mark listings rather than articles.
LISTING_WORDS = frozenset(
    {
        "tag",
        "tags",
        "category",
        "categories",
        "section",
        "sections",
        "topic",
        "topics",
        "search",
        "archive",
        "archives",
        "author",
        "authors",
        "page",
        "rubric",
        "rubrics",
        "rubrika",
        "label",
        "labels",
        "keyword",
        "keywords",
        "hashtag",
        "theme",
        "themes",
        "tema",
        "tegi",
        "teg",
        "etiket",
        "kategori",
        "arama",
        "yazar",
        "service",
        "services",
        "index",
        "list",
        "latest",
        "newsfeed",
        "lenta",
        "feed",
        "rss",
        "sitemap",
    }
)
LANGUAGE_SEGMENT = re.compile(r"^[a-z]{2}(?:[-_][a-z]{2,4})?$", re.IGNORECASE)
HOME_FILE = re.compile(r"^(?:index|default|home)(?:\.[a-z]{2,5})?$", re.IGNORECASE)
ARTICLE_SIGNAL = re.compile(r"\d{3,}|\.s?html?$|\.php$|\.aspx?$|(?:[^/-]+-){2,}[^/-]+")


def _is_listing_path(path: str) -> bool:
    """Homepage, language root, or a tag/section/search page."""
    segments = [s for s in path.split("/") if s]
    while segments and LANGUAGE_SEGMENT.match(segments[0]):
        segments.pop(0)
    if not segments or (len(segments) == 1 and HOME_FILE.match(segments[0])):
        return True
    words_ = {s.lower().split(".")[0] for s in segments}
    if words_ & LISTING_WORDS:
        return True
    # "/politics", "/world/middle-east/" without an id, extension or long slug: a section.
    return not any(ARTICLE_SIGNAL.search(s) for s in segments)


def trusted_canonical(
    page_url: str, candidate: str | None, article_pattern: re.Pattern[str] | None = None
) -> str | None:
    """The normalised rel=canonical/og:url when it names an article on the page's own site."""
    if not candidate or not candidate.strip():
        return None
    try:
        absolute = urljoin(page_url, candidate.strip())
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
        if site_of(absolute) != site_of(page_url):
            return None
        normalized = normalize_url(absolute)
    except ValueError:  # a broken tag is no canonical, not a crash
        return None
    parts = urlsplit(normalized)
    if article_pattern is not None:
        # The source's own article pattern is authoritative; only a bare root is refused.
        if not (article_pattern.search(absolute) or article_pattern.search(normalized)):
            return None
        segments = [s for s in parts.path.split("/") if s and not LANGUAGE_SEGMENT.match(s)]
        return normalized if segments or parts.query else None
    if _is_listing_path(parts.path) and not _query_has_article_id(parts.query):
        return None
    return normalized


def _query_has_article_id(query: str) -> bool:
    """A query with an id (?p=123, ?newsid=5) names an article; ?q=, ?page= do not."""
    names = {k.lower() for k, v in parse_qsl(query) if v}
    return any(n in ("p", "id", "story", "article") or n.endswith("id") for n in names)


def url_date(url: str) -> date | None:
    """A calendar date written in the URL path, if any (Solar Hijri years converted)."""
    # One URL-date parser for the project: monitor.dates reads it for page dates too.
    from monitor.dates import date_from_url

    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    parsed = date_from_url(path, datetime.now(UTC))
    return parsed.value.date() if parsed else None
