"""Tests for URL identity: normalisation, sites, trusted canonicals and URL dates."""

from __future__ import annotations

import re
import string
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from monitor.urls import normalize_url, site_of, trusted_canonical, url_date

ARTICLE = "http://www.tabnak.test/fa/news/703001/astana-talks"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # tracking parameters
        (ARTICLE + "?utm_source=tg&utm_medium=social&utm_campaign=x", ARTICLE),
        (ARTICLE + "?fbclid=IwAR0abc&gclid=1&dclid=2&yclid=3&msclkid=4", ARTICLE),
        (ARTICLE + "?mc_cid=1&mc_eid=2&_ga=3&igshid=4&at_medium=a&at_campaign=b", ARTICLE),
        (ARTICLE + "?cmpid=rss&ocid=msn", ARTICLE),
        (ARTICLE + "?from=rss", ARTICLE),
        (ARTICLE + "?ref=twitter", ARTICLE),
        (ARTICLE + "?source=feed", ARTICLE),
        (ARTICLE + "?rss=1", ARTICLE),
        # origin words only drop when the value is an origin marker
        (ARTICLE + "?ref=abc123", ARTICLE + "?ref=abc123"),
        # fragments, case, default ports
        (ARTICLE + "#comments", ARTICLE),
        ("HTTP://WWW.Tabnak.TEST:80/fa/news/703001/astana-talks", ARTICLE),
        ("https://www.tabnak.test:443/fa/news/1", "https://www.tabnak.test/fa/news/1"),
        ("http://www.tabnak.test:8080/fa/news/1", "http://www.tabnak.test:8080/fa/news/1"),
        # article ids in the query survive, the rest is sorted
        ("http://sana.test/?p=123&utm_source=x", "http://sana.test/?p=123"),
        ("http://sana.test/view.php?newsid=9&id=5&cat=2", "http://sana.test/view.php?cat=2&id=5&newsid=9"),
        # AMP forms
        ("http://www.tabnak.test/amp/fa/news/703001/astana-talks", ARTICLE),
        (ARTICLE + "/amp", ARTICLE),
        (ARTICLE + "/amp/", ARTICLE + "/"),
        ("http://ria.test/20170503/1493601234.amp.html", "http://ria.test/20170503/1493601234.html"),
        ("http://ria.test/20170503/1493601234.amp", "http://ria.test/20170503/1493601234"),
        (ARTICLE + "?amp=1", ARTICLE),
        (ARTICLE + "?amp", ARTICLE),
        (ARTICLE + "?id=4&outputType=amp", ARTICLE + "?id=4"),
        ("http://amp.tabnak.test/fa/news/1", "http://tabnak.test/fa/news/1"),
        ("http://amp-news.ria.test/x/1", "http://news.ria.test/x/1"),
        (
            "https://www.google.com/amp/s/www.aa.com.tr/en/world/812345",
            "https://www.aa.com.tr/en/world/812345",
        ),
        (
            "https://www-aa-com-tr.cdn.ampproject.org/c/s/www.aa.com.tr/en/world/812345",
            "https://www.aa.com.tr/en/world/812345",
        ),
        # mobile hosts without aliases: the label is dropped
        ("http://m.ria.test/20170503/1.html", "http://ria.test/20170503/1.html"),
        ("http://mobile.tass.test/politics/4222", "http://tass.test/politics/4222"),
        # a registrable domain is never cut ("m.test" is the site itself)
        ("http://m.test/a", "http://m.test/a"),
        # bare path gets its slash; other trailing slashes stay as they are
        ("http://www.tabnak.test", "http://www.tabnak.test/"),
        ("http://www.tabnak.test/fa/", "http://www.tabnak.test/fa/"),
        ("http://www.tabnak.test/fa", "http://www.tabnak.test/fa"),
    ],
)
def test_normalize_url_cases(raw: str, expected: str) -> None:
    assert normalize_url(raw) == expected


def test_host_aliases_fold_mobile_host_to_main_host() -> None:
    aliases = {"m.ria.test": "www.ria.test"}
    assert (
        normalize_url("http://m.ria.test/20170503/1.html", aliases) == "http://www.ria.test/20170503/1.html"
    )
    # hosts not in the map are still folded by the simple rule
    assert normalize_url("http://m.tass.test/x/1", aliases) == "http://tass.test/x/1"


def test_unicode_and_percent_encoded_paths_meet() -> None:
    encoded = "http://www.tabnak.test/fa/news/1/%D9%85%D8%B0%D8%A7%DA%A9%D8%B1%D8%A7%D8%AA"
    assert normalize_url("http://www.tabnak.test/fa/news/1/مذاکرات") == normalize_url(encoded)


def test_different_article_ids_stay_different() -> None:
    assert normalize_url("http://sana.test/?p=123") != normalize_url("http://sana.test/?p=124")
    assert normalize_url("http://x.test/a?id=1&utm_source=a") != normalize_url("http://x.test/a?id=2")


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("http://www.tabnak.test/fa/news/1", "tabnak.test"),
        ("https://www.aa.com.tr/en/x", "aa.com.tr"),
        ("https://www.bbc.co.uk/news", "bbc.co.uk"),
        ("https://primeminister.gov.kz/ru", "primeminister.gov.kz"),
        ("https://www.sana.sy/?p=1", "sana.sy"),
        ("https://m.ria.ru/20170503/", "ria.ru"),
        ("www.tabnak.test", "tabnak.test"),
    ],
)
def test_site_of(url: str, site: str) -> None:
    assert site_of(url) == site


PAGE = "http://www.tabnak.test/fa/news/703001/astana-talks?utm_source=tg"


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("/fa/news/703001/astana-talks", "http://www.tabnak.test/fa/news/703001/astana-talks"),
        ("http://tabnak.test/fa/news/703001/", "http://tabnak.test/fa/news/703001/"),
        ("http://m.tabnak.test/fa/news/703001", "http://tabnak.test/fa/news/703001"),
        ("/?p=123", "http://www.tabnak.test/?p=123"),
        # homepage, language roots, sections, tags, search: never trusted
        ("/", None),
        ("http://www.tabnak.test", None),
        ("/fa/", None),
        ("/fa/index.php", None),
        ("/fa/politics", None),
        ("/tag/astana", None),
        ("/fa/category/world/", None),
        ("/search?q=astana", None),
        # another site, another scheme, nothing
        ("http://www.farsnews.test/fa/news/703001", None),
        ("javascript:void(0)", None),
        ("", None),
        (None, None),
        ("http://[::1", None),
    ],
)
def test_trusted_canonical(candidate: str | None, expected: str | None) -> None:
    assert trusted_canonical(PAGE, candidate) == expected


def test_trusted_canonical_with_article_pattern() -> None:
    pattern = re.compile(r"/news/\d+")
    assert trusted_canonical(PAGE, "/fa/news/77", pattern) == "http://www.tabnak.test/fa/news/77"
    assert trusted_canonical(PAGE, "/fa/report/astana-talks-round-four", pattern) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://x.test/2017/05/03/astana-talks", date(2017, 5, 3)),
        ("http://x.test/news/2017/5/3", date(2017, 5, 3)),
        ("http://ria.test/20170503/1493601234.html", date(2017, 5, 3)),
        ("http://x.test/news/2017-05-03-astana-talks", date(2017, 5, 3)),
        ("http://x.test/2017/13/03/x", None),
        ("http://x.test/news/703001", None),
        ("http://x.test/2017/05/", None),
        ("http://x.test/a?date=2017-05-03", None),
    ],
)
def test_url_date(url: str, expected: date | None) -> None:
    assert url_date(url) == expected


# --- properties ----------------------------------------------------------------------

SEGMENT = st.text(alphabet=string.ascii_lowercase + string.digits + "-_", min_size=1, max_size=8)
PATHS = st.lists(SEGMENT, min_size=1, max_size=4).map(lambda s: "/" + "/".join(s))
# Names that cannot collide with tracking parameters or rendering flags.
PARAM_NAMES = st.sampled_from(["p", "id", "newsid", "q", "page", "cat", "lang", "story"])
VALUES = st.text(alphabet=string.ascii_letters + string.digits + "-._~ %/+", min_size=0, max_size=8)
HOSTS = st.sampled_from(["www.tabnak.test", "m.ria.test", "AA.com.tr", "sana.sy", "tass.test:8080"])
TRACKING = st.sampled_from(["", "&utm_source=x", "&fbclid=1", "&from=rss", "&amp=1", "#top"])


def _no_amp(path: str) -> bool:
    return "amp" not in path


@settings(max_examples=150, deadline=None)
@given(HOSTS, PATHS, st.lists(st.tuples(PARAM_NAMES, VALUES), max_size=3), TRACKING)
def test_normalize_url_is_idempotent(host: str, path: str, params: list[tuple[str, str]], extra: str) -> None:
    query = "&".join(f"{k}={v}" for k, v in params)
    url = f"https://{host}{path}?{query}{extra}"
    once = normalize_url(url)
    assert normalize_url(once) == once


@settings(max_examples=150, deadline=None)
@given(HOSTS, PATHS, PATHS)
def test_different_paths_never_meet(host: str, path_a: str, path_b: str) -> None:
    assume(path_a != path_b and _no_amp(path_a) and _no_amp(path_b))
    assert normalize_url(f"http://{host}{path_a}") != normalize_url(f"http://{host}{path_b}")


@settings(max_examples=150, deadline=None)
@given(HOSTS, PATHS, PARAM_NAMES, VALUES, VALUES)
def test_different_parameter_values_never_meet(host: str, path: str, name: str, a: str, b: str) -> None:
    from urllib.parse import quote

    assume(a != b and _no_amp(path))
    url_a = f"http://{host}{path}?{name}={quote(a)}&utm_source=x"
    url_b = f"http://{host}{path}?{name}={quote(b)}"
    assert normalize_url(url_a) != normalize_url(url_b)
