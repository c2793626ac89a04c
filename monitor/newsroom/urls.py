"""URL variants the outlets serve besides the canonical one: AMP, mobile, short links, legacy redirects."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from monitor.newsroom.world import Article, Outlet

AMP_PREFIX = {"dailysabah", "aljazeera"}
AMP_SUFFIX = {"astanatimes"}
TRACKED_FEEDS = {"aa", "dailysabah", "astanatimes"}
B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def amp_url(outlet: Outlet, url: str) -> str | None:
    parts = urlsplit(url)
    if outlet.id in AMP_PREFIX:
        return f"http://{parts.netloc}/amp{parts.path}"
    if outlet.id in AMP_SUFFIX:
        return url + "amp/"
    return None


def mobile_url(outlet: Outlet, url: str) -> str | None:
    mobile = outlet.mobile_host()
    if not mobile:
        return None
    parts = urlsplit(url)
    if parts.netloc != outlet.primary_host:
        return None
    return url.replace(f"http://{parts.netloc}", f"http://{mobile}", 1)


def to_base36(number: int) -> str:
    out = ""
    while True:
        number, rem = divmod(number, 36)
        out = B36[rem] + out
        if not number:
            return out


def short_url(outlet: Outlet, article: Article) -> str | None:
    if outlet.id == "tabnak":
        return f"http://tabnak.test/x/{to_base36(article.number)}"
    return None


def legacy_url(outlet: Outlet, article: Article) -> str | None:
    """An old URL of the article that answers with a redirect chain to the canonical one."""
    if outlet.id == "tass":
        return f"http://tass.test/old/{article.number}"
    if outlet.id == "aljazeera" and article.language == "en":
        parts = urlsplit(article.url).path.rstrip("/").split("/")
        return f"http://www.aljazeera.test/news/middleeast/{parts[2]}/{int(parts[3]):02d}/{parts[-1]}.html"
    return None


TASS_OLD = re.compile(r"^/old/(\d+)$")
AJ_LEGACY = re.compile(r"^/news/middleeast/(\d{4})/(\d{2})/([^/]+)\.html$")
SHORT = re.compile(r"^/x/([0-9a-z]+)$")
