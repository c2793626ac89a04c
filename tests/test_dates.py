"""Tests for monitor.dates: the multilingual, multi-calendar date table, page dates and properties."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import jdatetime
import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.dates import PageDates, ParsedDate, date_flag, find_page_dates, parse_date, to_iso

# Wednesday 3 May 2017, 12:00 UTC: the day of the seed article (4th Astana round).
REFERENCE = datetime(2017, 5, 3, 12, 0, tzinfo=UTC)

MOSCOW = "Europe/Moscow"  # UTC+3
TEHRAN = "Asia/Tehran"  # UTC+4:30 in summer 2017, +3:30 in winter
ISTANBUL = "Europe/Istanbul"  # UTC+3
ALMATY = "Asia/Almaty"  # UTC+6 in 2017
DAMASCUS = "Asia/Damascus"  # UTC+3 in summer 2017, +2 in winter
RIYADH = "Asia/Riyadh"  # UTC+3
LONDON = "Europe/London"  # UTC+1 in summer

# (text, languages, timezone, expected, calendar)
# expected "YYYY-MM-DD": a day without time (12:00 UTC, has_time False);
# expected "YYYY-MM-DDTHH:MM": the UTC instant (has_time True); None: nothing plausible.
CASES: list[tuple[str, str, str | None, str | None, str | None]] = [
    # English
    ("May 3, 2017", "en", None, "2017-05-03", "gregorian"),
    ("3 May 2017 14:25 GMT", "en", MOSCOW, "2017-05-03T14:25", "gregorian"),
    ("Wed 3 May 2017", "en", None, "2017-05-03", "gregorian"),
    ("Published: 03/05/2017 - 14:25", "en", TEHRAN, "2017-05-03T09:55", "gregorian"),
    ("Wednesday, May 3, 2017 2:25 PM", "en", LONDON, "2017-05-03T13:25", "gregorian"),
    ("03 May 2017 | 09:30", "en", ALMATY, "2017-05-03T03:30", "gregorian"),
    ("2017-05-03T09:30:00+04:30", "en", None, "2017-05-03T05:00", "gregorian"),
    ("2017-05-03T09:30:00Z", "en", MOSCOW, "2017-05-03T09:30", "gregorian"),
    ("2017-05-03T09:30:00.000-05:00", "en", None, "2017-05-03T14:30", "gregorian"),
    ("2017-05-03", "en", TEHRAN, "2017-05-03", "gregorian"),
    ("2017-05-03 09:30:00", "en", MOSCOW, "2017-05-03T06:30", "gregorian"),
    ("Wed, 03 May 2017 09:30:00 GMT", "en", None, "2017-05-03T09:30", "gregorian"),
    ("Wed, 03 May 2017 09:30:00 +0300", "en", None, "2017-05-03T06:30", "gregorian"),
    ("May 3rd, 2017", "en", None, "2017-05-03", "gregorian"),
    ("3rd of May 2017", "en", None, "2017-05-03", "gregorian"),
    ("Jan. 23, 2017", "en", None, "2017-01-23", "gregorian"),
    ("September 14, 2017 at 10:05 am", "en", None, "2017-09-14T10:05", "gregorian"),
    ("12/20/2017", "en", None, "2017-12-20", "gregorian"),
    ("Jan 23 2017 11:00 UTC", "en", MOSCOW, "2017-01-23T11:00", "gregorian"),
    ("11:00 GMT, 23 Jan 2017", "en", None, "2017-01-23T11:00", "gregorian"),
    ("Nov. 12, 2024", "en", None, "2024-11-12", "gregorian"),
    ("Tuesday 14 March 2017", "en", None, "2017-03-14", "gregorian"),
    ("14-Mar-2017", "en", None, "2017-03-14", "gregorian"),
    ("20170503", "en", None, "2017-05-03", "gregorian"),
    ("1493803500", "en", None, "2017-05-03T09:25", "gregorian"),
    ("Posted 3 hours ago", "en", None, "2017-05-03T09:00", "relative"),
    ("2 hours ago", "en", LONDON, "2017-05-03T10:00", "relative"),
    ("2 days ago", "en", None, "2017-05-01", "relative"),
    ("yesterday", "en", None, "2017-05-02", "relative"),
    # Russian
    ("3 мая 2017, 14:25", "ru", MOSCOW, "2017-05-03T11:25", "gregorian"),
    ("03.05.2017 14:25", "ru", MOSCOW, "2017-05-03T11:25", "gregorian"),
    ("вчера, 18:40", "ru", MOSCOW, "2017-05-02T15:40", "relative"),
    ("3 часа назад", "ru", MOSCOW, "2017-05-03T09:00", "relative"),
    ("сегодня в 10:15", "ru", MOSCOW, "2017-05-03T07:15", "relative"),
    ("Сегодня, 09:00", "ru", MOSCOW, "2017-05-03T06:00", "relative"),
    ("15 минут назад", "ru", MOSCOW, "2017-05-03T11:45", "relative"),
    ("вчера", "ru", MOSCOW, "2017-05-02", "relative"),
    ("позавчера", "ru", MOSCOW, "2017-05-01", "relative"),
    ("23 января 2017 года", "ru", MOSCOW, "2017-01-23", "gregorian"),
    ("16 февраля 2017 г., 12:00", "ru", MOSCOW, "2017-02-16T09:00", "gregorian"),
    ("14 марта 2017", "ru", MOSCOW, "2017-03-14", "gregorian"),
    ("4 июля 2017 в 19:30", "ru", MOSCOW, "2017-07-04T16:30", "gregorian"),
    ("Опубликовано: 15.09.2017 08:05", "ru", MOSCOW, "2017-09-15T05:05", "gregorian"),
    ("30 октября 2017, 21:10", "ru", MOSCOW, "2017-10-30T18:10", "gregorian"),
    ("21 декабря 2017", "ru", MOSCOW, "2017-12-21", "gregorian"),
    ("2017-05-03 14:25 МСК", "ru", None, "2017-05-03T11:25", "gregorian"),
    ("3-го мая 2017 года", "ru", MOSCOW, "2017-05-03", "gregorian"),
    # Turkish
    ("03.05.2017 14:25", "tr", ISTANBUL, "2017-05-03T11:25", "gregorian"),
    ("3 Mayıs 2017 Çarşamba", "tr", ISTANBUL, "2017-05-03", "gregorian"),
    ("3 MAYIS 2017", "tr", ISTANBUL, "2017-05-03", "gregorian"),
    ("2 saat önce", "tr", ISTANBUL, "2017-05-03T10:00", "relative"),
    ("5 dakika önce", "tr", ISTANBUL, "2017-05-03T11:55", "relative"),
    ("dün", "tr", ISTANBUL, "2017-05-02", "relative"),
    ("23 Ocak 2017 Pazartesi 10:30", "tr", ISTANBUL, "2017-01-23T07:30", "gregorian"),
    ("15 Şubat 2017", "tr", ISTANBUL, "2017-02-15", "gregorian"),
    ("30 Ekim 2017 - 14:00", "tr", ISTANBUL, "2017-10-30T11:00", "gregorian"),
    ("21 Aralık 2017", "tr", ISTANBUL, "2017-12-21", "gregorian"),
    ("04 Temmuz 2017 19:30", "tr", ISTANBUL, "2017-07-04T16:30", "gregorian"),
    ("14 Eylül 2017", "tr", ISTANBUL, "2017-09-14", "gregorian"),
    ("Güncelleme: 03.05.2017 15:40", "tr", ISTANBUL, "2017-05-03T12:40", "gregorian"),
    # Kazakh
    ("2017 жылғы 3 мамыр", "kk", ALMATY, "2017-05-03", "gregorian"),
    ("3 мамыр 2017, 14:25", "kk", ALMATY, "2017-05-03T08:25", "gregorian"),
    ("2017 жылғы 23 қаңтар", "kk", ALMATY, "2017-01-23", "gregorian"),
    ("16 ақпан 2017", "kk", ALMATY, "2017-02-16", "gregorian"),
    ("2017 жылғы 14 наурыз 10:00", "kk", ALMATY, "2017-03-14T04:00", "gregorian"),
    ("15 сәуір 2017", "kk", ALMATY, "2017-04-15", "gregorian"),
    ("15 маусым 2017", "kk", ALMATY, "2017-06-15", "gregorian"),
    ("4 шілде 2017", "kk", ALMATY, "2017-07-04", "gregorian"),
    ("6 тамыз 2017", "kk", ALMATY, "2017-08-06", "gregorian"),
    ("14 қыркүйек 2017", "kk", ALMATY, "2017-09-14", "gregorian"),
    ("2017 жылғы 30 қазан", "kk", ALMATY, "2017-10-30", "gregorian"),
    ("20 қараша 2017", "kk", ALMATY, "2017-11-20", "gregorian"),
    ("21 желтоқсан 2017, 18:00", "kk", ALMATY, "2017-12-21T12:00", "gregorian"),
    ("2017 жылғы мамырдың 3-і", "kk", ALMATY, "2017-05-03", "gregorian"),
    ("2017 ж. 3 мамыр", "kk", ALMATY, "2017-05-03", "gregorian"),
    ("3 сағат бұрын", "kk", ALMATY, "2017-05-03T09:00", "relative"),
    # Arabic, Levantine months
    ("3 أيار 2017", "ar", DAMASCUS, "2017-05-03", "gregorian"),
    ("الأربعاء 3 أيار 2017 - 14:25", "ar", DAMASCUS, "2017-05-03T11:25", "gregorian"),
    ("23 كانون الثاني 2017", "ar", DAMASCUS, "2017-01-23", "gregorian"),
    ("16 شباط 2017", "ar", DAMASCUS, "2017-02-16", "gregorian"),
    ("14 آذار 2017", "ar", DAMASCUS, "2017-03-14", "gregorian"),
    ("15 نيسان 2017", "ar", DAMASCUS, "2017-04-15", "gregorian"),
    ("4 حزيران 2017", "ar", DAMASCUS, "2017-06-04", "gregorian"),
    ("4 تموز 2017", "ar", DAMASCUS, "2017-07-04", "gregorian"),
    ("6 آب 2017", "ar", DAMASCUS, "2017-08-06", "gregorian"),
    ("14 أيلول 2017", "ar", DAMASCUS, "2017-09-14", "gregorian"),
    ("30 تشرين الأول 2017", "ar", DAMASCUS, "2017-10-30", "gregorian"),
    ("20 تشرين الثاني 2017", "ar", DAMASCUS, "2017-11-20", "gregorian"),
    ("21 كانون الأول 2017", "ar", DAMASCUS, "2017-12-21", "gregorian"),
    # Arabic, Egyptian/Gulf months
    ("3 مايو 2017", "ar", RIYADH, "2017-05-03", "gregorian"),
    ("23 يناير 2017", "ar", RIYADH, "2017-01-23", "gregorian"),
    ("16 فبراير 2017", "ar", RIYADH, "2017-02-16", "gregorian"),
    ("14 مارس 2017", "ar", RIYADH, "2017-03-14", "gregorian"),
    ("15 أبريل 2017", "ar", RIYADH, "2017-04-15", "gregorian"),
    ("4 يونيو 2017", "ar", RIYADH, "2017-06-04", "gregorian"),
    ("4 يوليو 2017", "ar", RIYADH, "2017-07-04", "gregorian"),
    ("6 أغسطس 2017", "ar", RIYADH, "2017-08-06", "gregorian"),
    ("14 سبتمبر 2017", "ar", RIYADH, "2017-09-14", "gregorian"),
    ("30 أكتوبر 2017", "ar", RIYADH, "2017-10-30", "gregorian"),
    ("20 نوفمبر 2017", "ar", RIYADH, "2017-11-20", "gregorian"),
    ("21 ديسمبر 2017", "ar", RIYADH, "2017-12-21", "gregorian"),
    # Arabic-Indic digits, both month names, Arabic AM/PM
    ("٣ مايو ٢٠١٧", "ar", RIYADH, "2017-05-03", "gregorian"),
    ("٢٣ يناير ٢٠١٧ ١٠:٣٠", "ar", RIYADH, "2017-01-23T07:30", "gregorian"),
    ("٣ مايو/أيار ٢٠١٧ - ٠٢:٢٥ م", "ar", DAMASCUS, "2017-05-03T11:25", "gregorian"),
    ("الأربعاء 3 مايو 2017 09:30 ص", "ar", DAMASCUS, "2017-05-03T06:30", "gregorian"),
    ("منذ 3 ساعات", "ar", DAMASCUS, "2017-05-03T09:00", "relative"),
    ("أمس", "ar", DAMASCUS, "2017-05-02", "relative"),
    # Hijri (Umm al-Qura)
    ("7 شعبان 1438 هـ", "ar", RIYADH, "2017-05-03", "hijri"),
    ("٧ شعبان ١٤٣٨هـ", "ar", RIYADH, "2017-05-03", "hijri"),
    ("الأربعاء 7 شعبان 1438", "ar", RIYADH, "2017-05-03", "hijri"),
    ("الأربعاء 7 شعبان 1438 هـ - 3 أيار 2017", "ar", DAMASCUS, "2017-05-03", "gregorian"),
    ("1 رمضان 1438 هـ", "ar", RIYADH, "2017-05-27", "hijri"),
    ("1 شوال 1438", "ar", RIYADH, "2017-06-25", "hijri"),
    ("10 ذو الحجة 1438", "ar", RIYADH, "2017-09-01", "hijri"),
    ("1 محرم 1439", "ar", RIYADH, "2017-09-21", "hijri"),
    ("1438/08/07 هـ", "ar", RIYADH, "2017-05-03", "hijri"),
    # Solar Hijri (jalali), Persian digits, Arabic letter variants, ZWNJ
    ("۱۳ اردیبهشت ۱۳۹۶", "fa", TEHRAN, "2017-05-03", "jalali"),
    ("چهارشنبه ۱۳ اردیبهشت ۱۳۹۶ - ۱۴:۲۵", "fa", TEHRAN, "2017-05-03T09:55", "jalali"),
    ("تاریخ انتشار: ۱۳ ارديبهشت ۱۳۹۶ - ۱۴:۲۵", "fa", TEHRAN, "2017-05-03T09:55", "jalali"),
    ("13 ارديبهشت 1396", "fa", TEHRAN, "2017-05-03", "jalali"),
    ("۱۳ اردیبهشت\u200cماه ۱۳۹۶", "fa", TEHRAN, "2017-05-03", "jalali"),
    ("1396/02/13", "fa", TEHRAN, "2017-05-03", "jalali"),
    ("۱۳۹۶/۰۲/۱۳ ۱۴:۲۵", "fa", TEHRAN, "2017-05-03T09:55", "jalali"),
    ("۱۳۹۶-۰۲-۱۳", "fa", TEHRAN, "2017-05-03", "jalali"),
    ("1396/02/13 ه.ش", "fa", TEHRAN, "2017-05-03", "jalali"),
    ("۱ فروردین ۱۳۹۶", "fa", TEHRAN, "2017-03-21", "jalali"),
    ("۴ بهمن ۱۳۹۵", "fa", TEHRAN, "2017-01-23", "jalali"),
    ("۴ بهمن ۱۳۹۵ ساعت ۱۰:۰۰", "fa", TEHRAN, "2017-01-23T06:30", "jalali"),
    ("۲۲ بهمن ۱۳۹۵", "fa", TEHRAN, "2017-02-10", "jalali"),
    ("۱۰ دی ۱۳۹۵", "fa", TEHRAN, "2016-12-30", "jalali"),
    ("۱ مهر ۱۳۹۶", "fa", TEHRAN, "2017-09-23", "jalali"),
    ("۲۱ آبان ۱۴۰۳", "fa", TEHRAN, "2024-11-11", "jalali"),
    ("1403/08/21", "fa", TEHRAN, "2024-11-11", "jalali"),
    ("۳ مه ۲۰۱۷", "fa", TEHRAN, "2017-05-03", "gregorian"),
    ("۲۳ ژانویه ۲۰۱۷", "fa", TEHRAN, "2017-01-23", "gregorian"),
    ("۳ ساعت پیش", "fa", TEHRAN, "2017-05-03T09:00", "relative"),
    ("دیروز", "fa", TEHRAN, "2017-05-02", "relative"),
    ("۲ روز پیش", "fa", TEHRAN, "2017-05-01", "relative"),
    # Garbage: nothing plausible
    ("", "en", None, None, None),
    ("   ", "en", None, None, None),
    ("123", "en", None, None, None),
    ("Sport", "en", None, None, None),
    ("1396", "fa", TEHRAN, None, None),
    ("۱۳۹۶", "fa", TEHRAN, None, None),
    ("32/13/2017", "en", None, None, None),
    ("31/02/2017", "ru", MOSCOW, None, None),
    ("30 اسفند 1396", "fa", TEHRAN, None, None),
    ("0000-00-00", "en", None, None, None),
    ("2017", "en", None, None, None),
    ("May 2017", "en", None, None, None),
    ("Astana talks", "en", None, None, None),
    ("a", "en", None, None, None),
    ("٤٥٦", "ar", None, None, None),
]


def _expected_value(expected: str) -> tuple[datetime, bool]:
    if "T" in expected:
        return datetime.fromisoformat(expected).replace(tzinfo=UTC), True
    day = date.fromisoformat(expected)
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC), False


def test_table_is_large_and_covers_every_language_and_calendar() -> None:
    assert len(CASES) >= 110
    assert {langs for _, langs, *_ in CASES} >= {"en", "ru", "fa", "tr", "ar", "kk"}
    assert {cal for *_, cal in CASES} >= {"gregorian", "jalali", "hijri", "relative", None}


@pytest.mark.parametrize(("text", "languages", "zone", "expected", "calendar"), CASES)
def test_parse_date_table(text: str, languages: str, zone: str | None, expected: str | None,
                          calendar: str | None) -> None:
    parsed = parse_date(text, languages.split(","), reference=REFERENCE, timezone=zone)
    if expected is None:
        assert parsed is None
        return
    assert parsed is not None, text
    value, has_time = _expected_value(expected)
    assert (parsed.value, parsed.has_time, parsed.calendar) == (value, has_time, calendar)
    assert parsed.raw == text.strip()


def test_two_calendars_on_one_page_give_the_same_day() -> None:
    both = parse_date("الأربعاء 7 شعبان 1438 هـ - 3 أيار 2017", ["ar"], reference=REFERENCE)
    hijri = parse_date("الأربعاء 7 شعبان 1438 هـ", ["ar"], reference=REFERENCE)
    gregorian = parse_date("3 أيار 2017", ["ar"], reference=REFERENCE)
    assert both and hijri and gregorian
    assert both.value.date() == hijri.value.date() == gregorian.value.date() == date(2017, 5, 3)


def test_arabic_and_persian_spellings_of_a_hijri_month_agree() -> None:
    arabic = parse_date("12 ربيع الأول 1439", ["ar"], reference=REFERENCE)
    persian = parse_date("۱۲ ربیع\u200cالاول ۱۴۳۹", ["fa"], reference=REFERENCE)
    assert arabic and persian and arabic.value == persian.value


def test_day_without_time_keeps_its_day_east_of_greenwich() -> None:
    # Midnight in Tehran is the previous evening in UTC; the published day must not move.
    parsed = parse_date("۱۳ اردیبهشت ۱۳۹۶", ["fa"], timezone=TEHRAN)
    assert parsed is not None and parsed.value.date() == date(2017, 5, 3)


def test_unknown_timezone_falls_back_to_utc() -> None:
    parsed = parse_date("3 May 2017 14:25", ["en"], timezone="Mars/Olympus")
    assert parsed is not None and parsed.value == datetime(2017, 5, 3, 14, 25, tzinfo=UTC)


def test_to_iso() -> None:
    tehran_summer = timezone(timedelta(hours=4, minutes=30))
    assert to_iso(datetime(2017, 5, 3, 14, 0, 0, 123, tzinfo=tehran_summer)) == "2017-05-03T09:30:00+00:00"
    assert to_iso(datetime(2017, 5, 3, 13, 30, tzinfo=UTC)) == "2017-05-03T13:30:00+00:00"
    assert to_iso(None) is None


def _flag(value: datetime, now: datetime = datetime(2017, 5, 10, tzinfo=UTC)) -> str | None:
    return date_flag(value, since=date(2017, 1, 1), until=date(2017, 5, 31), now=now)


def test_date_flag() -> None:
    now = datetime(2017, 5, 10, tzinfo=UTC)
    assert _flag(datetime(2017, 5, 3, 9, tzinfo=UTC)) is None
    assert _flag(now + timedelta(hours=20)) is None  # within the 1-day tolerance
    assert _flag(now + timedelta(days=2)) == "future"
    assert _flag(datetime(2016, 12, 31, 23, tzinfo=UTC)) == "before-window"
    assert _flag(datetime(2017, 6, 1, 1, tzinfo=UTC), now=datetime(2017, 7, 1, tzinfo=UTC)) == "after-window"


# --------------------------------------------------------------------------- find_page_dates

PAGE_URL = "https://www.example.test/fa/news/702345/astana-talks"


def _page(body: str, head: str = "") -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


def _dates(tree: lxml.html.HtmlElement, url: str = PAGE_URL, languages: tuple[str, ...] = ("fa",),
           jsonld: Sequence[Mapping[str, Any]] = ()) -> PageDates:
    return find_page_dates(tree, url=url, languages=languages, reference=REFERENCE, timezone=TEHRAN,
                           jsonld=jsonld)


def _day(parsed: ParsedDate | None) -> date | None:
    return parsed.value.date() if parsed else None


TODAY_WIDGET = '<header><div class="today-date">چهارشنبه ۱۳ اردیبهشت ۱۳۹۶</div><nav>خانه</nav></header>'
RELATED = ('<div class="related-news"><h3>اخبار مرتبط</h3><ul>'
           '<li><a href="/fa/news/1">مذاکرات</a> <span class="date">۱ بهمن ۱۳۹۵</span></li>'
           '<li><a href="/fa/news/2">سوریه</a> <span class="date">۲ بهمن ۱۳۹۵</span></li>'
           '<li><a href="/fa/news/3">آستانه</a> <time datetime="2017-01-22">۲ بهمن</time></li>'
           '</ul></div>')


def test_jsonld_wins_over_byline() -> None:
    tree = _page('<article><h1>Talks</h1><div class="news-date">۱۰ اردیبهشت ۱۳۹۶</div><p>text</p></article>')
    jsonld = [{"@context": "https://schema.org", "@type": "NewsArticle",
               "datePublished": "2017-05-03T14:25:00+04:30", "dateModified": "2017-05-04T08:00:00+04:30"}]
    dates = _dates(tree, jsonld=jsonld)
    assert dates.published_method == "json-ld"
    assert dates.published and dates.published.value == datetime(2017, 5, 3, 9, 55, tzinfo=UTC)
    assert dates.modified_method == "json-ld"
    assert dates.modified and dates.modified.value == datetime(2017, 5, 4, 3, 30, tzinfo=UTC)


def test_jsonld_read_from_the_tree_when_not_given() -> None:
    block = json.dumps({"@type": "ReportageNewsArticle", "datePublished": "2017-05-02"})
    tree = _page("<article><p>text</p></article>", head=f'<script type="application/ld+json">{block}</script>')
    dates = _dates(tree)
    assert (dates.published_method, _day(dates.published)) == ("json-ld", date(2017, 5, 2))


def test_jsonld_graph_and_non_article_objects() -> None:
    jsonld = [{"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "datePublished": "2010-01-01"},
        {"@type": "Organization", "name": "Tabnak"},
        {"@type": ["Article", "NewsArticle"], "datePublished": "2017-05-03T10:00:00Z",
         "dateModified": "2017-05-03T11:00:00Z"},
    ]}]
    dates = _dates(_page("<article><p>text</p></article>"), jsonld=jsonld)
    assert dates.published == ParsedDate(datetime(2017, 5, 3, 10, tzinfo=UTC), "2017-05-03T10:00:00Z",
                                         "gregorian", True)
    assert dates.modified and dates.modified.value == datetime(2017, 5, 3, 11, tzinfo=UTC)


def test_header_today_widget_is_ignored_for_the_byline() -> None:
    body = (TODAY_WIDGET + '<div class="main"><h1>مذاکرات آستانه</h1>'
            '<div class="news_pdate_c">تاریخ انتشار: ۱۰ اردیبهشت ۱۳۹۶ - ۰۹:۰۰</div>'
            '<div class="body"><p>متن خبر</p></div></div>')
    dates = _dates(_page(body))
    assert dates.published_method == "byline"
    assert dates.published and dates.published.value == datetime(2017, 4, 30, 4, 30, tzinfo=UTC)
    assert dates.modified is None


def test_related_news_dates_are_never_chosen() -> None:
    body = TODAY_WIDGET + "<article><h1>مذاکرات</h1><p>متن خبر بدون تاریخ</p>" + RELATED + "</article>"
    dates = _dates(_page(body), url="https://www.example.test/fa/news/702345")
    assert dates.published is None and dates.published_method is None
    assert dates.modified is None


def test_related_block_beside_a_byline() -> None:
    body = ("<article><h1>Talks</h1>" + RELATED + '<p class="byline">By Staff, May 3, 2017</p>'
            "<p>Text</p></article><aside><time datetime=\"2017-05-01\">May 1</time></aside>"
            '<footer><span class="date">© 2017-01-01</span></footer>')
    dates = _dates(_page(body), languages=("en",))
    assert (dates.published_method, _day(dates.published)) == ("byline", date(2017, 5, 3))


def test_headline_list_items_are_not_bylines() -> None:
    items = "".join(f'<li><a href="/n/{i}">Other story</a> <span class="date">{i} April 2017</span></li>'
                    for i in range(1, 5))
    body = f"<div class='content'><h1>Talks</h1><ul>{items}</ul><p>Text</p></div>"
    dates = _dates(_page(body), languages=("en",), url="https://www.example.test/2017/05/03/talks")
    assert (dates.published_method, _day(dates.published)) == ("url", date(2017, 5, 3))


def test_meta_tags() -> None:
    head = ('<meta property="article:published_time" content="2017-05-03T14:25:00+03:00">'
            '<meta property="article:modified_time" content="2017-05-03T18:00:00+03:00">')
    dates = _dates(_page("<article><p>text</p></article>", head=head))
    assert dates.published_method == dates.modified_method == "meta"
    assert dates.published and dates.published.value == datetime(2017, 5, 3, 11, 25, tzinfo=UTC)
    assert dates.modified and dates.modified.value == datetime(2017, 5, 3, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize("meta", [
    '<meta name="pubdate" content="2017-05-03">',
    '<meta name="DC.date.issued" content="2017-05-03">',
    '<meta name="parsely-pub-date" content="2017-05-03T08:00:00Z">',
    '<meta name="sailthru.date" content="2017-05-03 08:00:00">',
    '<meta itemprop="datePublished" content="2017-05-03">',
])
def test_other_published_meta_names(meta: str) -> None:
    dates = _dates(_page("<article><p>text</p></article>", head=meta), languages=("en",))
    assert (dates.published_method, _day(dates.published)) == ("meta", date(2017, 5, 3))


def test_time_element_and_modified_kept_separate() -> None:
    body = ('<article><header><h1>Talks</h1>'
            '<time itemprop="datePublished" datetime="2017-05-03T09:00:00+03:00">3 May</time> '
            'Updated: <time datetime="2017-05-04T10:00:00+03:00">4 May</time></header><p>Text</p></article>')
    dates = _dates(_page(TODAY_WIDGET + body), languages=("en",))
    assert dates.published_method == dates.modified_method == "time-element"
    assert dates.published and dates.published.value == datetime(2017, 5, 3, 6, tzinfo=UTC)
    assert dates.modified and dates.modified.value == datetime(2017, 5, 4, 7, tzinfo=UTC)


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.example.test/2017/05/03/astana-talks/", date(2017, 5, 3)),
    ("https://www.example.test/news/20170503/astana", date(2017, 5, 3)),
    ("https://www.example.test/world/astana-talks-2017-05-03.html", date(2017, 5, 3)),
    ("https://www.example.test/news/702345/astana", None),
    ("https://www.example.test/2030/01/01/future", None),
])
def test_url_fallback(url: str, expected: date | None) -> None:
    dates = _dates(_page("<article><p>No date here at all.</p></article>"), url=url)
    assert _day(dates.published) == expected
    assert dates.published_method == ("url" if expected else None)


def test_future_jsonld_date_falls_through_to_meta() -> None:
    head = '<meta property="article:published_time" content="2017-05-02T10:00:00Z">'
    jsonld = [{"@type": "NewsArticle", "datePublished": "2019-01-01T00:00:00Z"}]
    dates = _dates(_page("<article><p>t</p></article>", head=head), jsonld=jsonld)
    assert (dates.published_method, _day(dates.published)) == ("meta", date(2017, 5, 2))


# --------------------------------------------------------------------------- properties

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]
RU_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
             "октября", "ноября", "декабря"]
FA_MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی",
             "بهمن", "اسفند"]


def _renderings(day: date) -> list[tuple[str, list[str]]]:
    jalali = jdatetime.date.fromgregorian(date=day)
    return [
        (day.isoformat(), ["en"]),
        (f"{day.day} {EN_MONTHS[day.month - 1]} {day.year}", ["en"]),
        (f"{EN_MONTHS[day.month - 1][:3]} {day.day}, {day.year}", ["en"]),
        (f"{day.day} {RU_MONTHS[day.month - 1]} {day.year}", ["ru"]),
        (f"{day.day:02d}.{day.month:02d}.{day.year}", ["tr"]),
        (f"{jalali.day} {FA_MONTHS[jalali.month - 1]} {jalali.year}".translate(PERSIAN_DIGITS), ["fa"]),
        (f"{jalali.year}/{jalali.month:02d}/{jalali.day:02d}".translate(PERSIAN_DIGITS), ["fa"]),
    ]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
       st.sampled_from(["UTC", TEHRAN, MOSCOW, ALMATY, "America/New_York"]))
def test_rendered_dates_round_trip(day: date, zone: str) -> None:
    for text, languages in _renderings(day):
        parsed = parse_date(text, languages, reference=REFERENCE, timezone=zone)
        assert parsed is not None, text
        assert parsed.value.date() == day, text
        assert not parsed.has_time


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.text(max_size=60), st.sampled_from(["en", "ru", "fa", "tr", "ar", "kk"]))
def test_parse_date_never_raises_and_returns_utc(text: str, language: str) -> None:
    parsed = parse_date(text, [language], reference=REFERENCE, timezone=TEHRAN)
    if parsed is not None:
        assert parsed.value.utcoffset() == timedelta(0)
        assert 1900 <= parsed.value.year <= 2100


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 12, 31)),
       st.sampled_from([TEHRAN, MOSCOW, ISTANBUL, DAMASCUS, ALMATY]))
def test_times_convert_from_the_outlet_zone(moment: datetime, zone: str) -> None:
    from zoneinfo import ZoneInfo

    local = moment.replace(second=0, microsecond=0, tzinfo=ZoneInfo(zone))
    text = local.strftime("%d.%m.%Y %H:%M")
    parsed = parse_date(text, ["ru"], reference=REFERENCE, timezone=zone)
    assert parsed is not None and parsed.has_time
    assert parsed.value == local.astimezone(UTC)
    assert parsed.value.tzinfo == UTC


def test_byline_in_a_post_meta_list_with_links() -> None:
    body = ('<article><h1>Talks</h1><ul class="post-meta"><li><a href="/a/1">Staff</a></li>'
            '<li><a href="/c/world">World</a></li><li><a href="#c">2 comments</a></li>'
            "<li>May 3, 2017</li></ul><p>Text</p></article>")
    dates = _dates(_page(body), languages=("en",))
    assert (dates.published_method, _day(dates.published)) == ("byline", date(2017, 5, 3))


def test_teaser_articles_do_not_replace_the_headlined_article() -> None:
    teasers = "".join(f'<article class="card"><p>{"Long teaser text. " * 20}</p>'
                      f'<time datetime="2017-04-0{i}">April</time></article>' for i in range(1, 4))
    body = ('<div class="grid">' + teasers + "</div><article><h1>Talks</h1>"
            '<time datetime="2017-05-03T10:00:00Z">3 May</time><p>Short text.</p></article>')
    dates = _dates(_page(body), languages=("en",))
    assert (dates.published_method, _day(dates.published)) == ("time-element", date(2017, 5, 3))


def test_relative_date_with_unknown_timezone_uses_utc() -> None:
    parsed = parse_date("3 hours ago", ["en"], reference=REFERENCE, timezone="Mars/Olympus")
    assert parsed is not None and parsed.value == REFERENCE - timedelta(hours=3)
