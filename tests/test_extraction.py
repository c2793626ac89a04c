"""Tests for article extraction and page classification: golden pages, newsroom truth, garbage."""

from __future__ import annotations

import json
import pickle
import re
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.extraction import Extracted, extract_page, strip_site_name
from monitor.newsroom.calendars import TODAY
from tests.scoring import token_f1

GOLDEN = Path(__file__).parent / "golden"
GOLDEN_PAGES = sorted(GOLDEN.glob("*.html"))
VERDICTS = {"article", "blocked", "consent", "paywall", "listing", "empty", "error"}
FETCHED_AT = TODAY  # the newsroom's "now": its header widgets show this day
# Outlets whose every article is checked against the truth: four scripts, five templates.
TRUTH_OUTLETS = ("tabnak", "tass", "aa", "aljazeera", "kazinform")
SPECIAL_VERDICTS = {
    "anti-bot-arvancloud": "blocked",
    "anti-bot-cloudflare": "blocked",
    "cookie-wall": "consent",
    "paywall": "paywall",
    "malformed-html": "empty",
    "oversized": "error",
    "binary-as-html": "error",
    "cp1251": "article",
    "windows-1256": "article",
    "windows-1256-undeclared": "article",
}


def _squash(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text)


# --------------------------------------------------------------------------- golden files


def test_golden_folder_is_populated() -> None:
    assert len(GOLDEN_PAGES) >= 20, "run scripts/regen_golden.py"


@pytest.mark.parametrize("page", GOLDEN_PAGES, ids=lambda p: p.stem)
def test_golden_page(page: Path) -> None:
    expected_file = page.with_suffix(".json")
    if not expected_file.exists():
        pytest.fail(f"{expected_file.name} is missing: run scripts/regen_golden.py and review it")
    spec = json.loads(expected_file.read_text(encoding="utf-8"))
    got = extract_page(page.read_bytes(), url=spec["url"], languages=spec["languages"],
                       fetched_at=datetime.fromisoformat(spec["fetched_at"]),
                       encoding=spec["encoding"], outlet_name=spec["outlet_name"])
    assert got.verdict == spec["verdict"], got.reason
    if spec["verdict"] != "article":
        return
    assert got.title == spec["title"]
    assert got.published and got.published[:10] == spec["published_day"]
    assert got.published_method == spec["published_method"]
    assert got.language == spec["language"]
    text = _squash(got.text)
    assert text[:60] == spec["text_start"]
    assert text[-60:] == spec["text_end"]


def test_every_json_has_its_page() -> None:
    orphans = [p.name for p in GOLDEN.glob("*.json") if not p.with_suffix(".html").exists()]
    assert not orphans


# --------------------------------------------------------------------------- newsroom truth




@pytest.fixture(scope="module")
def newsroom() -> Iterator[Any]:
    from monitor.newsroom.server import start_newsroom

    nr = start_newsroom()
    try:
        yield nr
    finally:
        nr.stop()


def _fetch(nr: Any, url: str) -> tuple[bytes, str | None]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": nr.proxy_url}))
    try:
        with opener.open(url, timeout=30) as response:
            return response.read(), response.headers.get_content_charset()
    except urllib.error.HTTPError as err:
        return err.read(), None


@pytest.fixture(scope="module")
def truth_results(newsroom: Any) -> list[tuple[Any, Extracted]]:
    world = newsroom.world
    results = []
    for outlet_id in TRUTH_OUTLETS:
        outlet = world.outlet(outlet_id)
        for article in world.live_articles(outlet_id):
            body, charset = _fetch(newsroom, article.url)
            got = extract_page(body, url=article.url, languages=outlet.languages,
                               fetched_at=FETCHED_AT, encoding=charset, outlet_name=outlet.name)
            results.append((article, got))
    assert len(results) >= 40
    return results


def test_body_title_and_date_against_truth(truth_results: list[tuple[Any, Extracted]]) -> None:
    f1s, titles, days, langs, verdicts = [], 0, 0, 0, 0
    for article, got in truth_results:
        f1s.append(token_f1(got.text, "\n".join(article.paragraphs)))
        titles += got.title == article.title
        days += (got.published or "")[:10] == article.published.astimezone(UTC).date().isoformat()
        langs += got.language == article.language
        verdicts += got.verdict == "article"
    n = len(truth_results)
    mean_f1 = sum(f1s) / n
    print(f"\n{n} newsroom articles: body token F1 {mean_f1:.3f} (min {min(f1s):.3f}), "
          f"exact title {titles / n:.3f}, exact published day {days / n:.3f}, "
          f"language {langs / n:.3f}, verdict article {verdicts / n:.3f}")
    assert mean_f1 >= 0.95
    assert titles / n >= 0.95
    assert days / n >= 0.95
    assert langs / n >= 0.95
    assert verdicts / n >= 0.98


def test_today_widget_and_related_dates_never_taken(truth_results: list[tuple[Any, Extracted]],
                                                    newsroom: Any) -> None:
    world = newsroom.world
    wrong = []
    for article, got in truth_results:
        day = got.published[:10] if got.published else None
        truth_day = article.published.astimezone(UTC).date().isoformat()
        if day is None or day == truth_day:
            continue
        related_days = {world.by_id[r].published.date().isoformat() for r in article.related
                        if r in world.by_id}
        wrong.append((article.id, day, truth_day, day in related_days))
    today = FETCHED_AT.date().isoformat()
    assert not [w for w in wrong if w[1] == today], "took the header 'today' widget"
    assert not [w for w in wrong if w[3]], "took a related-news date"


def test_no_boilerplate_in_bodies(truth_results: list[tuple[Any, Extracted]], newsroom: Any) -> None:
    world = newsroom.world
    leaks = []
    for article, got in truth_results:
        for related_id in article.related:
            related = world.by_id.get(related_id)
            if related and related.title in got.text and related.title not in article.text:
                leaks.append((article.id, related.title))
    assert not leaks


@pytest.mark.parametrize("fault_name", sorted(SPECIAL_VERDICTS))
def test_special_page_verdicts(newsroom: Any, fault_name: str) -> None:
    from monitor.newsroom.faults import FAULTS

    fault = next(f for f in FAULTS if f.name == fault_name)
    outlet = newsroom.world.outlet_by_host(fault.url.split("/")[2])
    body, charset = _fetch(newsroom, fault.url)
    got = extract_page(body, url=fault.url, languages=outlet.languages, fetched_at=FETCHED_AT,
                       encoding=charset, outlet_name=outlet.name)
    assert got.verdict == SPECIAL_VERDICTS[fault_name], got.reason
    truth = newsroom.world.by_id.get(fault.article_id) if fault.article_id else None
    if truth is not None:
        assert got.title == truth.title
        assert token_f1(got.text, truth.text) >= 0.95


def test_homepages_are_listings(newsroom: Any) -> None:
    world = newsroom.world
    for outlet_id in TRUTH_OUTLETS:
        outlet = world.outlet(outlet_id)
        body, charset = _fetch(newsroom, outlet.homepage)
        got = extract_page(body, url=outlet.homepage, languages=outlet.languages,
                           fetched_at=FETCHED_AT, encoding=charset, outlet_name=outlet.name)
        assert got.verdict == "listing", (outlet_id, got.reason)


# --------------------------------------------------------------------------- unit cases

RU_ARTICLE = ("<html><head><title>Переговоры в Астане завершились</title></head><body><article>"
              "<h1>Переговоры в Астане завершились</h1>"
              "<p>Очередной раунд переговоров по Сирии завершился в столице Казахстана, страны-гаранты "
              "приняли совместное заявление о ситуации в Идлибе и о дальнейших шагах.</p>"
              "<p>Делегации также обсудили освобождение задержанных и заложников, передачу тел погибших "
              "и гуманитарное разминирование, сообщили в МИД Казахстана.</p>"
              "<p>Следующий раунд переговоров в астанинском формате намечен на вторую половину года, "
              "уточнили в министерстве иностранных дел.</p></article></body></html>")
AR_ARTICLE = ("<html><head><title>اختتام محادثات أستانا</title></head><body><article>"
              "<h1>اختتام محادثات أستانا</h1>"
              "<p>انتهت الجولة الجديدة من المحادثات السورية في العاصمة الكازاخية، وأصدرت الدول الضامنة "
              "بيانا مشتركا حول الوضع في إدلب في ختام الاجتماع الذي عقد أمس.</p>"
              "<p>وأكد البيان الختامي للدول الضامنة التزامها بسيادة سورية واستقلالها ووحدة أراضيها، "
              "وأعرب عن القلق من الخروقات في المنطقة.</p>"
              "<p>وبحثت الوفود خلال الجولة تشكيل لجنة مناقشة الدستور على أن تعقد الجولة المقبلة "
              "في وقت لاحق من العام.</p></article></body></html>")


@pytest.mark.parametrize(("page", "codec", "language"), [
    (RU_ARTICLE, "cp1251", "ru"), (AR_ARTICLE, "cp1256", "ar"), (RU_ARTICLE, "koi8-r", "ru")])
def test_undeclared_legacy_encodings_decode_right(page: str, codec: str, language: str) -> None:
    got = extract_page(page.encode(codec), url="http://x.test/news/1", fetched_at=FETCHED_AT)
    assert got.verdict == "article", got.reason
    assert got.language == language
    assert got.title == re.search(r"<h1>(.*?)</h1>", page).group(1)  # type: ignore[union-attr]


def test_http_charset_wins_over_a_wrong_meta() -> None:
    page = RU_ARTICLE.replace("<head>", '<head><meta charset="iso-8859-1">')
    got = extract_page(page.encode("cp1251"), url="http://x.test/news/1", encoding="windows-1251")
    assert got.language == "ru" and "Астане" in (got.title or "")


def test_broken_jsonld_is_tolerated_and_graph_flattened() -> None:
    ld = ('{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"X"},'
          '{"@type":"NewsArticle","headline":"Guarantors meet in Astana","datePublished":'
          '"2018-05-15T11:05:00Z","keywords":["Syria","Astana"],}]}')
    page = RU_ARTICLE.replace("<head>", f'<head><script type="application/ld+json">{ld}</script>')
    got = extract_page(page, url="http://x.test/news/1", fetched_at=FETCHED_AT)
    assert got.jsonld_type == "NewsArticle"
    assert got.published is not None and got.published.startswith("2018-05-15")
    assert got.published_method == "json-ld"
    assert got.tags == ["Syria", "Astana"]


@pytest.mark.parametrize(("title", "expected"), [
    ("Guarantors meet in Astana | Daily Sabah", "Guarantors meet in Astana"),
    ("Guarantors meet in Astana - Daily Sabah", "Guarantors meet in Astana"),
    ("Guarantors meet in Astana — Daily Sabah", "Guarantors meet in Astana"),
    ("Daily Sabah: Guarantors meet in Astana", "Guarantors meet in Astana"),
    ("Daily Sabah - Guarantors meet in Astana", "Guarantors meet in Astana"),
    ("Russia-Turkey talks - what comes next", "Russia-Turkey talks - what comes next"),
    ("Lavrov: talks in Astana were useful", "Lavrov: talks in Astana were useful"),
])
def test_site_name_is_stripped_from_titles(title: str, expected: str) -> None:
    assert strip_site_name(title, ["Daily Sabah"], "http://www.dailysabah.com/x") == expected


def test_h1_preferred_when_title_tag_decorates_it() -> None:
    page = RU_ARTICLE.replace("<title>Переговоры в Астане завершились</title>",
                              "<title>Переговоры в Астане завершились :: Новости :: ТАСС</title>")
    got = extract_page(page, url="http://x.test/news/1", outlet_name="ТАСС")
    assert got.title == "Переговоры в Астане завершились"


def _short_page(title: str, body: str) -> str:
    return f"<html><head><title>{title}</title></head><body><div><h1>{title}</h1><p>{body}</p></div></body></html>"


@pytest.mark.parametrize(("page", "verdict"), [
    (_short_page("Доступ ограничен", "Доступ к информационному ресурсу ограничен на основании "
                 "Федерального закона. Роскомнадзор, единый реестр."), "blocked"),
    (_short_page("Erişim engellendi", "Bu internet sitesi hakkında verilen karar gereğince "
                 "erişime engellenmiştir."), "blocked"),
    ('<html><body><iframe src="http://10.10.34.34?type=Invalid Site"></iframe>'
     "<p>دسترسی به این سایت امکان پذیر نمی باشد</p><a href='http://peyvandha.ir'>peyvandha</a></body></html>",
     "blocked"),
    (_short_page("Attention Required! | Cloudflare", "Sorry, you have been blocked. Ray ID 12ab."), "blocked"),
    (_short_page("Datenschutz", "We value your privacy. We use cookies and ask for your consent. "
                 "Accept all or Reject all."), "consent"),
])
def test_block_and_consent_pages(page: str, verdict: str) -> None:
    got = extract_page(page, url="http://x.test/news/1")
    assert got.verdict == verdict, got.reason


def test_jsonld_locked_teaser_is_a_paywall() -> None:
    ld = ('{"@type":"NewsArticle","headline":"Talks end","datePublished":"2019-08-02T10:00:00Z",'
          '"isAccessibleForFree":"False"}')
    page = RU_ARTICLE.replace("<head>", f'<head><script type="application/ld+json">{ld}</script>')
    assert extract_page(page, url="http://x.test/news/1").verdict == "paywall"


def test_long_article_with_cookie_banner_and_newsletter_box_is_an_article() -> None:
    banner = ('<div class="cookie">We use cookies. Accept all. Manage cookies. Your consent matters.</div>'
              '<div class="newsletter">Подпишитесь на рассылку</div>')
    page = RU_ARTICLE.replace("<body>", f"<body>{banner}")
    assert extract_page(page, url="http://x.test/news/1").verdict == "article"


def test_section_page_with_teasers_is_a_listing() -> None:
    teasers = "".join(f'<li><a href="/news/{i}">Headline number {i} about the talks in Astana</a></li>'
                      for i in range(30))
    page = (f'<html><head><title>World</title><meta property="og:type" content="website"></head>'
            f"<body><h1>World</h1><ul>{teasers}</ul></body></html>")
    assert extract_page(page, url="http://x.test/world/").verdict == "listing"


def test_zero_width_non_joiner_survives_extraction() -> None:
    word = "گفت\u200cوگوهای"
    paragraph = f"<p>{word} سه کشور ضامن در آستانه ادامه یافت و نمایندگان ایران، روسیه و ترکیه درباره آینده سوریه و اجرای توافق‌ها گفتگو کردند و بیانیه مشترک صادر شد.</p>"
    page = f"<html><head><title>{word}</title></head><body><article><h1>{word}</h1>{paragraph * 1}{paragraph.replace('سه', 'هر سه')}</article></body></html>"
    got = extract_page(page, url="http://x.test/news/1")
    assert word in got.text and got.title == word
    assert got.language == "fa"


def test_result_pickles_for_the_process_pool() -> None:
    got = extract_page(RU_ARTICLE, url="http://x.test/news/1")
    assert pickle.loads(pickle.dumps(got)) == got
    assert set(got.to_dict()) >= {"verdict", "title", "text", "published"}


@pytest.mark.parametrize(("body", "verdict"), [
    (b"", "empty"), (b"%PDF-1.7\n...", "error"), (b"\x00" * 100, "error"),
    (b"<html>" + b"x" * 5_000_001, "error"),
])
def test_unusable_inputs(body: bytes, verdict: str) -> None:
    assert extract_page(body, url="http://x.test/").verdict == verdict


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=3000), st.text(max_size=3000),
                 st.text(max_size=500).map(lambda t: f"<html><body><p>{t}</p></body></html>")))
def test_never_raises_on_garbage(body: bytes | str) -> None:
    got = extract_page(body, url="http://x.test/a")
    assert isinstance(got, Extracted)
    assert got.verdict in VERDICTS
