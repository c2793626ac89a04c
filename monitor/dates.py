"""Date normalisation: byline/meta/URL dates in five languages and three calendars, to UTC."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import hijridate
import jdatetime
import lxml.html
from dateparser.date import DateDataParser

# Gregorian years outside this range are never a news date (catches "1396" read as AD).
MIN_YEAR = 1900
MAX_YEAR = 2100
MAX_TEXT = 400  # longer inputs are cut: a date string is short, regexes stay cheap
MAX_DATEPARSER_TEXT = 120  # dateparser is slow and greedy on long text


@dataclass(frozen=True)
class ParsedDate:
    """One date found in a page, normalised to UTC."""

    value: datetime  # timezone-aware, UTC
    raw: str  # the string as found
    calendar: str  # "gregorian" | "jalali" | "hijri" | "relative"
    has_time: bool
    # The calendar day as the page prints it (the outlet's local day, Gregorian): "01:40 +06:00"
    # on 19 May is 18 May in UTC, but readers and annotators count it on the 19th.
    local_day: date | None = field(default=None, compare=False)


@dataclass(frozen=True)
class PageDates:
    """The page's own published and modified dates and how each was found."""

    published: ParsedDate | None
    published_method: str | None  # "json-ld" | "meta" | "time-element" | "byline" | "url"
    modified: ParsedDate | None
    modified_method: str | None


# --------------------------------------------------------------------------- normalisation

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Letter variants folded to one form so Arabic- and Persian-typed names match the same key.
_LETTERS = str.maketrans(
    {
        "ي": "ی", "ى": "ی", "ئ": "ی", "ك": "ک", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
        "ة": "ه", "ۀ": "ه", "ؤ": "و", "ı": "i", "İ": "i", "ё": "е", "Ё": "е",
        "،": ",", "٫": ",", "ـ": "", "\u200c": "", "\u200d": "",
        "\u200e": "", "\u200f": "", "\u00ad": "",
    }
)
_INVISIBLE = re.compile("[\u064b-\u065f\u0670\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")


def _normalise(text: str) -> str:
    """ASCII digits, folded letter variants, lower case, single spaces."""
    text = _INVISIBLE.sub("", text.translate(_DIGITS).translate(_LETTERS))
    return _SPACES.sub(" ", text.casefold()).strip()


# --------------------------------------------------------------------------- month names

_GREGORIAN_MONTHS: dict[int, list[str]] = {
    1: ["january", "jan", "январь", "января", "янв", "ocak", "қаңтар", "يناير", "كانون الثاني",
        "ژانویه", "ژانویهٔ"],
    2: ["february", "feb", "февраль", "февраля", "фев", "şubat", "ақпан", "فبراير", "شباط",
        "فوریه"],
    3: ["march", "mar", "март", "марта", "мар", "mart", "наурыз", "مارس", "اذار"],
    4: ["april", "apr", "апрель", "апреля", "апр", "nisan", "сәуір", "ابریل", "نیسان", "اوریل",
        "اپریل"],
    5: ["may", "май", "мая", "mayıs", "мамыр", "مایو", "ایار", "مه", "می"],
    6: ["june", "jun", "июнь", "июня", "июн", "haziran", "маусым", "یونیو", "یونیه", "حزیران",
        "ژوئن"],
    7: ["july", "jul", "июль", "июля", "июл", "temmuz", "шілде", "یولیو", "یولیه", "تموز",
        "ژوییه", "ژوئیه", "جولای"],
    8: ["august", "aug", "август", "августа", "авг", "ağustos", "тамыз", "اغسطس", "اب", "اوت",
        "اگوست"],
    9: ["september", "sept", "sep", "сентябрь", "сентября", "сен", "сент", "eylül", "қыркүйек",
        "سبتمبر", "ایلول", "سپتامبر"],
    10: ["october", "oct", "октябрь", "октября", "окт", "ekim", "қазан", "اکتوبر", "تشرین الاول",
         "اکتبر"],
    11: ["november", "nov", "ноябрь", "ноября", "ноя", "kasım", "қараша", "نوفمبر", "تشرین الثانی",
         "نوامبر"],
    12: ["december", "dec", "декабрь", "декабря", "дек", "aralık", "желтоқсан", "دیسمبر",
         "كانون الاول", "دسامبر"],
}
_JALALI_MONTHS: dict[int, list[str]] = {
    1: ["فروردین"], 2: ["اردیبهشت"], 3: ["خرداد"], 4: ["تیر"], 5: ["مرداد", "امرداد"],
    6: ["شهریور"], 7: ["مهر"], 8: ["ابان"], 9: ["اذر"], 10: ["دی"], 11: ["بهمن"], 12: ["اسفند"],
}
_HIJRI_MONTHS: dict[int, list[str]] = {
    1: ["محرم", "محرم الحرام"], 2: ["صفر"],
    3: ["ربیع الاول", "ربیع اول"],
    4: ["ربیع الاخر", "ربیع الثانی", "ربیع ثانی", "ربیع اخر"],
    5: ["جمادی الاولی", "جمادی الاول", "جمادی اول"],
    6: ["جمادی الاخره", "جمادی الثانیه", "جمادی الاخر", "جمادی الثانی", "جمادی ثانی"],
    7: ["رجب"], 8: ["شعبان"], 9: ["رمضان"], 10: ["شوال"],
    11: ["ذو القعده", "ذی القعده", "ذیقعده"], 12: ["ذو الحجه", "ذی الحجه", "ذیحجه"],
}
_CALENDAR_MONTHS = {"gregorian": _GREGORIAN_MONTHS, "jalali": _JALALI_MONTHS, "hijri": _HIJRI_MONTHS}


def _month_lookup() -> dict[str, tuple[str, int]]:
    """Normalised month name (spaces removed) -> (calendar, month number)."""
    lookup: dict[str, tuple[str, int]] = {}
    for calendar, months in _CALENDAR_MONTHS.items():
        for number, names in months.items():
            for name in names:
                lookup[_normalise(name).replace(" ", "")] = (calendar, number)
    return lookup


_MONTH_KEYS = _month_lookup()


def _month_alternation() -> str:
    """One regex alternative per name, longest first so "مهر" wins over "مه"."""
    names = sorted({_normalise(n) for ms in _CALENDAR_MONTHS.values() for v in ms.values() for n in v},
                   key=len, reverse=True)
    parts = []
    for name in names:
        body = r"\s*".join(re.escape(word) for word in name.split(" "))
        if re.search(r"[a-zа-яәіңғүұқөһçğöşü]", name):
            parts.append(body + r"\w*")  # Latin/Cyrillic: inflections ("мамырдың") and full forms
        else:
            parts.append(body + r"(?:\s*ماه)?")  # Persian "اردیبهشت‌ماه"
    return "(?:" + "|".join(parts) + r")(?!\w)\.?"


_MONTH = _month_alternation()
_DAY = r"(?<!\d)(?P<day>\d{1,2})(?:st|nd|rd|th|-?го|-?ого|-?[іи]|-?ші|\.)?"
_YEAR = r"(?P<year>\d{4})(?!\d)"
_SECOND_MONTH = rf"(?:\s*[/(]\s*{_MONTH}\s*\)?)?"  # "3 أيار/مايو 2017"
_NAMED_PATTERNS = [
    # 3 May 2017, 03-May-2017, 3 мая 2017, ۱۳ اردیبهشت ۱۳۹۶, 7 شعبان 1438
    re.compile(rf"{_DAY}[\s,\-/]*(?:of\s+|de\s+)?(?P<month>{_MONTH}){_SECOND_MONTH}[\s,\-/]*{_YEAR}"),
    # May 3, 2017
    re.compile(rf"(?<!\w)(?P<month>{_MONTH})[\s\-]*(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?[\s\-]+{_YEAR}"),
    # 2017 жылғы 3 мамыр, 2017 г. 3 мая
    re.compile(rf"(?<!\d){_YEAR}\s*(?:жылғы|жылы|жыл|ж|года|г|yılı)?\.?,?\s*"
               rf"(?P<day>\d{{1,2}})(?:-?[іи]|-?ші)?\s*-?\s*(?P<month>{_MONTH})"),
    # 2017 жылғы мамырдың 3-і, 2017 May 3
    re.compile(rf"(?<!\d){_YEAR}\s*(?:жылғы|жылы|ж)?\.?,?\s*(?P<month>{_MONTH})[\s,]*"
               rf"(?P<day>\d{{1,2}})(?!\d)"),
]
_YEAR_FIRST = re.compile(r"(?<!\d)(?P<year>\d{4})(?P<sep>[./\-])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})(?!\d)")
_DAY_FIRST = re.compile(r"(?<!\d)(?P<day>\d{1,2})(?P<sep>[./\-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4})(?!\d)")
_COMPACT = re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})")
_EPOCH = re.compile(r"\d{10}|\d{13}")
_FOUR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)")
# Markers that a year is Hijri (qamari) rather than Solar Hijri.
# "ه.ش" (shamsi) is Solar Hijri and must not match.
_HIJRI_MARK = re.compile(r"(?<!\w)(?:ه\.?\s?ق|قمری|هجریه|ah)(?!\w)|(?:(?<!\w)|(?<=\d))ه(?![\w.])")

# --------------------------------------------------------------------------- times

_TIME = re.compile(
    r"(?<![\d:])(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d)(?:[.,]\d+)?)?(?![\d:])"
    r"(?P<ampm>\s*(?:a\.?m\.?|p\.?m\.?|ق\.?ظ|ب\.?ظ|صباحا|صباح|مساء|مساءا|ص|م)(?!\w))?"
    r"(?P<zone>\s*(?:z(?!\w)|(?:gmt|utc)\s*[+-]\s*\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}(?!\d)"
    r"|(?:gmt|utc|msk|мск|irst|irdt|trt|bst|cest|cet|eest|eet|edt|est|pdt|pst)(?!\w)))?"
)
_ZONE_HOURS = {
    "z": 0.0, "gmt": 0.0, "utc": 0.0, "msk": 3.0, "мск": 3.0, "irst": 3.5, "irdt": 4.5,
    "trt": 3.0, "bst": 1.0, "cet": 1.0, "cest": 2.0, "eet": 2.0, "eest": 3.0,
    "est": -5.0, "edt": -4.0, "pst": -8.0, "pdt": -7.0,
}
_PM = ("p", "ب", "م", "مساء")
_AM = ("a", "ق", "ص", "صباح")


@dataclass(frozen=True)
class _Clock:
    """A time of day found in the text, with its UTC offset when the text gave one."""

    value: time
    offset: timedelta | None


def _zone_offset(token: str) -> timedelta | None:
    """UTC offset of "GMT+3", "+04:30", "MSK", "Z"; None when no zone was written."""
    token = token.strip().replace(" ", "")
    if not token:
        return None
    if token in _ZONE_HOURS:
        return timedelta(hours=_ZONE_HOURS[token])
    match = re.fullmatch(r"(?:gmt|utc)?([+-])(\d{1,2}):?(\d{2})?", token)
    if not match:
        return None
    sign = -1 if match.group(1) == "-" else 1
    return sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))


def _find_clock(text: str, skip: tuple[int, int] | None = None) -> _Clock | None:
    """The first time of day in the text outside the span of the date itself."""
    for match in _TIME.finditer(text):
        if skip and skip[0] <= match.start() < skip[1]:
            continue
        hour = int(match["hour"])
        ampm = (match["ampm"] or "").strip()
        if ampm.startswith(_PM) and hour < 12:
            hour += 12
        elif ampm.startswith(_AM) and hour == 12:
            hour = 0
        second = int(match["second"] or 0)
        return _Clock(time(hour, int(match["minute"]), second), _zone_offset(match["zone"] or ""))
    return None


# --------------------------------------------------------------------------- calendars


def _zone(name: str | None) -> ZoneInfo | dt_timezone:
    """The IANA zone; unknown or missing names fall back to UTC rather than failing a crawl."""
    if not name:
        return UTC
    return _cached_zone(name)


@lru_cache(maxsize=64)
def _cached_zone(name: str) -> ZoneInfo | dt_timezone:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _calendar_for_numeric_year(year: int, text: str) -> str:
    """Years 1300-1499 are Solar Hijri unless the text marks them as lunar Hijri."""
    if 1300 <= year <= 1499:
        return "hijri" if _HIJRI_MARK.search(text) else "jalali"
    return "gregorian"


def _to_gregorian(calendar: str, year: int, month: int, day: int) -> date | None:
    """Convert a calendar day to a Gregorian date; None when it does not exist."""
    try:
        if calendar == "jalali":
            return jdatetime.date(year, month, day).togregorian()
        if calendar == "hijri":
            converted = hijridate.Hijri(year, month, day).to_gregorian()
            return date(converted.year, converted.month, converted.day)
        return date(year, month, day)
    except (ValueError, OverflowError, TypeError):
        return None


def _plausible(day: date) -> bool:
    return MIN_YEAR <= day.year <= MAX_YEAR


def _combine(day: date, clock: _Clock | None, zone: ZoneInfo | dt_timezone) -> datetime:
    """Local day and time -> UTC. A day without time becomes 12:00 UTC of that same day:
    midnight local time converted to UTC would fall on the previous day for every zone east
    of Greenwich (Tehran, Moscow), and the published DAY is what analysts count by."""
    if clock is None:
        return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    tz = dt_timezone(clock.offset) if clock.offset is not None else zone
    return datetime.combine(day, clock.value, tzinfo=tz).astimezone(UTC)


# --------------------------------------------------------------------------- candidates


@dataclass(frozen=True)
class _Candidate:
    day: date
    calendar: str
    span: tuple[int, int]


def _named_candidates(text: str) -> Iterator[_Candidate]:
    """Dates written with a month name, in any calendar."""
    for pattern in _NAMED_PATTERNS:
        for match in pattern.finditer(text):
            key = re.sub(r"\s+|ماه$|\.$", "", match["month"])
            found = _MONTH_KEYS.get(key) or _month_by_prefix(key)
            if not found:
                continue
            calendar, month = found
            day = _to_gregorian(calendar, int(match["year"]), month, int(match["day"]))
            if day and _plausible(day):
                yield _Candidate(day, calendar, match.span())


def _month_by_prefix(word: str) -> tuple[str, int] | None:
    """Inflected Latin/Cyrillic forms ("мамырдың", "septembre") resolved by their longest known prefix."""
    for size in range(len(word) - 1, 2, -1):
        found = _MONTH_KEYS.get(word[:size])
        if found:
            return found
    return None


def _numeric_candidates(text: str) -> Iterator[_Candidate]:
    """Dates written in digits: Y/m/d (any calendar by year) and d.m.Y (Gregorian)."""
    for match in _YEAR_FIRST.finditer(text):
        year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
        calendar = _calendar_for_numeric_year(year, text)
        converted = _to_gregorian(calendar, year, month, day)
        if converted and _plausible(converted):
            yield _Candidate(converted, calendar, match.span())
    for match in _DAY_FIRST.finditer(text):
        day, month, year = int(match["day"]), int(match["month"]), int(match["year"])
        if month > 12 >= day or (day <= 12 and _weekday_says_month_first(text, year, month, day)):
            day, month = month, day  # only US month/day/year can explain it
        calendar = _calendar_for_numeric_year(year, text)
        converted = _to_gregorian(calendar, year, month, day)
        if converted and _plausible(converted):
            yield _Candidate(converted, calendar, match.span())


_WEEKDAYS: dict[int, list[str]] = {
    0: ["monday", "mon", "понедельник", "pazartesi", "الاثنين", "الإثنين", "دوشنبه", "дүйсенбі"],
    1: ["tuesday", "tue", "tues", "вторник", "salı", "الثلاثاء", "سه شنبه", "سه‌شنبه", "сейсенбі"],
    2: ["wednesday", "wed", "среда", "среду", "çarşamba", "الأربعاء", "چهارشنبه", "сәрсенбі"],
    3: ["thursday", "thu", "thur", "thurs", "четверг", "perşembe", "الخميس", "پنجشنبه", "پنج شنبه",
        "бейсенбі"],
    4: ["friday", "fri", "пятница", "пятницу", "cuma", "الجمعة", "جمعه", "жұма"],
    5: ["saturday", "sat", "суббота", "субботу", "cumartesi", "السبت", "شنبه", "сенбі"],
    6: ["sunday", "sun", "воскресенье", "pazar", "الأحد", "یکشنبه", "یک شنبه", "жексенбі"],
}
_WEEKDAY_NUMBERS = {_normalise(name): number for number, names in _WEEKDAYS.items() for name in names}
_WEEKDAY_RE = re.compile(r"(?<!\w)(" + "|".join(
    re.escape(name) for name in sorted(_WEEKDAY_NUMBERS, key=len, reverse=True)) + r")(?!\w)")


def _weekday_says_month_first(text: str, year: int, first: int, second: int) -> bool:
    """ "Wed, 05/03/2017": the weekday printed beside an ambiguous d/m date fits only m/d."""
    found = _WEEKDAY_RE.search(text)
    if not found or first == second:
        return False
    weekday = _WEEKDAY_NUMBERS[found.group(1)]
    try:
        day_first, month_first = date(year, first, second), date(year, second, first)
    except ValueError:
        return False
    return day_first.weekday() != weekday and month_first.weekday() == weekday


def _best_candidate(text: str) -> _Candidate | None:
    """Prefer a Gregorian reading when a page prints two calendars side by side, else the first."""
    found = sorted([*_named_candidates(text), *_numeric_candidates(text)], key=lambda c: c.span[0])
    if not found:
        return None
    gregorian = [c for c in found if c.calendar == "gregorian"]
    return gregorian[0] if gregorian else found[0]


def _whole_number_date(text: str) -> ParsedDate | None:
    """A bare "20170503" or a Unix timestamp, as found in URLs and some meta tags."""
    if _COMPACT.fullmatch(text):
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
        calendar = _calendar_for_numeric_year(year, text)
        converted = _to_gregorian(calendar, year, month, day)
        if converted and _plausible(converted):
            return ParsedDate(_combine(converted, None, UTC), text, calendar, False, converted)
    elif _EPOCH.fullmatch(text):
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        value = datetime.fromtimestamp(seconds, tz=UTC)
        if 2000 <= value.year <= MAX_YEAR:
            return ParsedDate(value, text, "gregorian", True)
    return None


# --------------------------------------------------------------------------- dateparser

# One module-level settings object; only the zone and relative base vary per call.
_DATEPARSER_SETTINGS: dict[str, Any] = {
    "RETURN_AS_TIMEZONE_AWARE": True,
    "PREFER_DATES_FROM": "past",
    "PREFER_DAY_OF_MONTH": "first",
    "DATE_ORDER": "DMY",
    "STRICT_PARSING": False,
}
_DATEPARSER_LANGUAGES = {"en", "ru", "fa", "tr", "ar", "kk"}


@lru_cache(maxsize=32)
def _dateparser(languages: tuple[str, ...], zone_name: str, relative_base: datetime) -> DateDataParser:
    """A parser per outlet and fetch time; dateparser's language data is loaded once per parser."""
    settings = dict(_DATEPARSER_SETTINGS, TIMEZONE=zone_name, RELATIVE_BASE=relative_base)
    return DateDataParser(languages=list(languages), settings=settings)


def _dateparser_languages(languages: Sequence[str]) -> tuple[str, ...]:
    """Known codes only ("fa-IR" -> "fa"), never empty: dateparser must not auto-detect."""
    codes = []
    for code in languages:
        short = code.split("-")[0].split("_")[0].lower()
        if short in _DATEPARSER_LANGUAGES and short not in codes:
            codes.append(short)
    return tuple(codes) or ("en",)


def _with_dateparser(text: str, languages: Sequence[str], zone_name: str,
                     zone: ZoneInfo | dt_timezone, reference: datetime) -> ParsedDate | None:
    """The general and relative case ("3 часа назад", "dün", "May 3")."""
    # dateparser gets the reference as naive local time: with an aware base it reads
    # "вчера, 18:40" as 18:40 UTC instead of 18:40 in the outlet's zone.
    local_reference = reference.astimezone(zone).replace(tzinfo=None, microsecond=0)
    try:
        parser = _dateparser(_dateparser_languages(languages), zone_name, local_reference)
        data = parser.get_date_data(text)
    except Exception:  # dateparser raises assorted errors on odd input; a miss is not a crash
        return None
    value = data.date_obj
    if value is None or data.period in ("year", "month"):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    local = value.astimezone(zone)
    if not MIN_YEAR <= local.year <= MAX_YEAR:
        return None
    normalised = _normalise(text)
    has_time = _find_clock(normalised) is not None or local.time() not in (
        time(0, 0), local_reference.time())
    year_written = str(local.year) in _FOUR_DIGITS.findall(normalised)
    calendar = "gregorian" if year_written else "relative"
    result = value.astimezone(UTC) if has_time else _combine(local.date(), None, UTC)
    return ParsedDate(result, text, calendar, has_time, local.date())


# --------------------------------------------------------------------------- public: parse


def parse_date(text: str, languages: Sequence[str], *, reference: datetime | None = None,
               timezone: str | None = None) -> ParsedDate | None:
    """Parse one date string from a byline, a listing or metadata; None if none is plausible."""
    if not isinstance(text, str):
        return None
    raw = text.strip()[:MAX_TEXT]
    normalised = _normalise(raw)
    if not normalised or not re.search(r"\d|[^\W\d_]", normalised):
        return None
    zone = _zone(timezone)
    whole = _whole_number_date(normalised)
    if whole:
        return ParsedDate(whole.value, raw, whole.calendar, whole.has_time, whole.local_day)
    candidate = _best_candidate(normalised)
    if candidate:
        clock = _find_clock(normalised, skip=candidate.span)
        return ParsedDate(_combine(candidate.day, clock, zone), raw, candidate.calendar, clock is not None,
                          candidate.day)
    if (len(normalised) > MAX_DATEPARSER_TEXT or len(re.findall(r"\w", normalised)) < 3
            or re.fullmatch(r"[\d\s.,:/\-]*", normalised)):
        return None  # bare numbers ("123", "1396") and stray letters are never dates here
    reference = reference or datetime.now(UTC)
    if reference.tzinfo is None:
        reference = reference.replace(tzinfo=UTC)
    text = raw.translate(_DIGITS)
    zone_name = zone.key if isinstance(zone, ZoneInfo) else "UTC"  # never an unknown name to dateparser
    parsed = _with_dateparser(text, languages, zone_name, zone, reference)
    first_digit = re.search(r"\d", text)
    if parsed is None and first_digit and first_digit.start() > 0:
        # "Posted 3 hours ago": dateparser wants the phrase without the label
        parsed = _with_dateparser(text[first_digit.start():], languages, zone_name, zone, reference)
    return ParsedDate(parsed.value, raw, parsed.calendar, parsed.has_time, parsed.local_day) if parsed else None


def date_flag(value: datetime, *, since: date, until: date, now: datetime) -> str | None:
    """"future" beyond now (+1 day tolerance), "before-window"/"after-window", else None."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    if value > now + timedelta(days=1):
        return "future"
    day = value.astimezone(UTC).date()
    if day < since:
        return "before-window"
    if day > until:
        return "after-window"
    return None


def to_iso(value: datetime | None) -> str | None:
    """UTC ISO 8601 to the second: "2017-05-03T09:30:00+00:00"."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


# --------------------------------------------------------------------------- page: JSON-LD

_ARTICLE_TYPES = {"BlogPosting", "LiveBlogPosting", "Report"}


def _is_article_type(value: Any) -> bool:
    types = value if isinstance(value, list) else [value]
    for item in types:
        if isinstance(item, str):
            name = re.split(r"[/:#]", item)[-1]
            if name.endswith("Article") or name in _ARTICLE_TYPES:
                return True
    return False


def _jsonld_articles(objects: Iterable[Any], depth: int = 0) -> Iterator[Mapping[str, Any]]:
    """Article objects, also inside @graph, lists and mainEntity."""
    if depth > 5:
        return
    for obj in objects:
        if isinstance(obj, list):
            yield from _jsonld_articles(obj, depth + 1)
        elif isinstance(obj, Mapping):
            if _is_article_type(obj.get("@type")):
                yield obj
            for key in ("@graph", "mainEntity"):
                inner = obj.get(key)
                if isinstance(inner, (list, Mapping)):
                    yield from _jsonld_articles(inner if isinstance(inner, list) else [inner], depth + 1)


def _jsonld_from_tree(tree: lxml.html.HtmlElement) -> list[Any]:
    """JSON-LD blocks of the page, for callers that did not parse them already."""
    objects: list[Any] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            objects.append(json.loads(script.text_content()))
        except (ValueError, TypeError):
            continue
    return objects


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _jsonld_raw(articles: list[Mapping[str, Any]], key: str) -> list[str]:
    return [s for article in articles for s in _strings(article.get(key))]


# --------------------------------------------------------------------------- page: meta

_META_PUBLISHED = [
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "pubdate", "publishdate", "publish-date", "publish_date", "article.published", "date",
    "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "dcterms.created",
    "parsely-pub-date", "sailthru.date", "cxenseparse:recs:publishtime", "citation_publication_date",
]
_META_MODIFIED = [
    "article:modified_time", "og:updated_time", "og:modified_time", "datemodified",
    "dcterms.modified", "dc.date.modified", "article.updated", "last-modified", "lastmod",
]


def _in_body(element: lxml.html.HtmlElement) -> bool:
    return any(a.tag == "body" for a in element.iterancestors())


def _meta_raw(tree: lxml.html.HtmlElement, keys: list[str]) -> list[str]:
    """Meta and microdata values for the given keys, in key priority order."""
    found: dict[str, list[str]] = {key: [] for key in keys}
    for element in tree.xpath("//meta | //*[@itemprop]"):
        if element.tag == "time":
            continue  # <time itemprop=...> is the time-element step's
        names = [element.get(attr, "").strip().lower() for attr in ("property", "name", "itemprop", "http-equiv")]
        hits = [n for n in names if n in found]
        if not hits:
            continue
        if _in_body(element) and _in_excluded_area(element, None):
            continue  # microdata of a related teaser, not the page
        value = element.get("content") or element.get("datetime")
        if value is None and element.tag != "meta":
            value = element.text_content()
        if value and value.strip():
            found[hits[0]].append(value.strip())
    return [value for key in keys for value in found[key]]


# --------------------------------------------------------------------------- page: article area

# Class/id words of blocks whose dates are never the page's own.
_EXCLUDED_WORDS = {
    "related", "similar", "recommended", "recommend", "recommendation", "recommendations",
    "sidebar", "aside", "widget", "widgets", "comment", "comments", "footer", "nav", "navbar",
    "navigation", "menu", "breadcrumb", "breadcrumbs", "today", "ticker", "trending", "popular",
    "mostread", "most", "latest", "teaser", "teasers", "promo", "ads", "advert",
    "advertisement", "banner", "newsletter", "topbar", "more", "also", "other", "others",
    "archive", "calendar", "weather", "rates", "currency",
    # the same blocks as Turkish, Persian and Russian templates name them
    "yorum", "yorumlar", "ilgili", "benzer", "nazarat", "kommentarii", "pohozhie",
}
_PAGE_HEADER_WORDS = {"header", "masthead", "top"}
_EXCLUDED_TAGS = {"nav", "footer", "aside", "form", "script", "style", "noscript", "template"}
_ARTICLE_WORDS = re.compile(r"article|story|post|entry|news|content|body|main|detail", re.I)


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _class_words(element: lxml.html.HtmlElement) -> set[str]:
    # "lastNewsDate" (ASP.NET ids and classes) -> last news date
    label = _CAMEL.sub(" ", f"{element.get('class', '')} {element.get('id', '')}").lower()
    return set(re.split(r"[^a-z]+", label)) - {""}


def _is_headline_list_item(element: lxml.html.HtmlElement) -> bool:
    """A linked item of a list of other headlines: an <li>, or one of three or more sibling
    blocks of the same tag and class each holding a link ("news_item", "lastNewsItem")."""
    if not isinstance(element.tag, str) or element.tag in ("a", "span", "time", "p"):
        return False
    parent = element.getparent()
    if parent is None or _BYLINE_LABEL.search(f"{parent.get('class', '')} {parent.get('id', '')}".lower()):
        return False
    if element.tag != "li" and not element.get("class"):
        return False
    if element.find(".//a") is None or element.find(".//h1") is not None:
        return False
    linked = 0
    for sibling in parent:
        if element.tag == "li":
            counted = sibling.tag == "li" and sibling.find(".//a") is not None
        else:  # a grid row of byline, tags and share links is no teaser: want headline links
            counted = (sibling.tag == element.tag and sibling.get("class") == element.get("class")
                       and sibling.find(".//h1") is None and _has_headline_link(sibling))
        linked += counted
        if linked >= 3:
            return True
    return False


def _has_headline_link(element: lxml.html.HtmlElement) -> bool:
    return any(len(a.text_content().split()) >= 4 for a in element.iter("a"))


def _is_page_wrapper(node: lxml.html.HtmlElement) -> bool:
    """ASP.NET pages wrap the whole page in one <form>: that one holds the headline."""
    return node.tag == "form" and node.find(".//h1") is not None


def _in_excluded_area(element: lxml.html.HtmlElement, root: lxml.html.HtmlElement | None) -> bool:
    """True inside page headers, navigation, asides, related blocks, comments, footers, headline lists."""
    chain = []
    node: lxml.html.HtmlElement | None = element
    # Stop at <body>: site-wide body classes ("has-sidebar") say nothing about one block.
    while node is not None and node is not root and node.tag not in ("body", "html"):
        chain.append(node)
        node = node.getparent()
    inside_article = root is not None and root.tag == "article"
    for position, node in enumerate(chain):
        tag = node.tag if isinstance(node.tag, str) else ""
        within_article = inside_article or any(a.tag == "article" for a in chain[position + 1:])
        words = _class_words(node)
        if tag in _EXCLUDED_TAGS and not (tag == "footer" and within_article) \
                and not _is_page_wrapper(node):
            return True  # an article's own <footer> holds its byline (Drupal "node__meta")
        if words & _EXCLUDED_WORDS or _is_headline_list_item(node):
            return True
        if (tag == "header" or words & _PAGE_HEADER_WORDS) and not within_article \
                and not _ARTICLE_WORDS.search(" ".join(words)):
            return True
    return False


def _text_size(element: lxml.html.HtmlElement) -> int:
    return len(" ".join(element.itertext()))


def _article_root(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The element holding the article: the largest <article> outside excluded blocks,
    else the parent of itemprop=articleBody, else <main>, else the body."""
    articles = [a for a in tree.iter("article") if not _in_excluded_area(a, None)]
    if articles:
        # Teaser cards are <article>s too: the one with the headline <h1> is the page's own.
        headlined = [a for a in articles if a.find(".//h1") is not None]
        return max(headlined or articles, key=_text_size)
    bodies = tree.xpath('//*[@itemprop="articleBody"]')
    if bodies and bodies[0].getparent() is not None:
        return bodies[0].getparent()
    mains = [m for m in tree.iter("main")]
    if mains:
        return mains[0]
    body = tree.find(".//body")
    return body if body is not None else tree


# --------------------------------------------------------------------------- page: time and byline

_MODIFIED_HINT = re.compile(
    r"updat|modif|обновл|изменен|güncel|به.?روز|ویرایش|تحدیث|تعدیل|жаңарт", re.I)
# Substrings of class/id of byline and date elements ("news_pdate_c", "post-meta", "tarikh").
_BYLINE_LABEL = re.compile(r"date|time|byline|meta|publish|posted|tarikh|tarih|stamp|created|info")
# Words that open a dateline whatever the element's class ("Yayınlanma: 3 Mayıs 2017").
_PUBLISHED_LABEL = re.compile(
    r"(?:published|posted|submitted|first published|опубликовано|дата публикации|yayınlanma|"
    r"yayın tarihi|yayınlandı|oluşturulma|تاریخ انتشار|منتشر شده|نشر في|نشر|تاريخ النشر|بتاريخ|"
    r"жарияланды|жарияланған)(?!\w)"
    r"|(?:date|дата|tarih|تاریخ|تاريخ|күні)\s*:")  # common words: only as a "Date:" label
MAX_BYLINE_TEXT = 160
MAX_CANDIDATES = 12  # the page's own date sits near the top of the article: stop looking after a few


def _is_modified_marker(element: lxml.html.HtmlElement, label_text: str = "") -> bool:
    """itemprop/class/id say "modified", or the words just before the date say "updated"."""
    if element.get("itemprop") == "datePublished":
        return False
    label = f"{element.get('itemprop', '')} {element.get('class', '')} {element.get('id', '')}"
    return bool(_MODIFIED_HINT.search(label) or _MODIFIED_HINT.search(label_text))


def _label_before(element: lxml.html.HtmlElement) -> str:
    """The text right before an element ("Updated:" in "Updated: <time>")."""
    previous = element.getprevious()
    if previous is not None:
        label = previous.text_content() or ""
        text = previous.tail or (label if len(label) < 40 else "")
    else:
        parent = element.getparent()
        text = (parent.text if parent is not None else "") or ""
    return text[-40:]


def _label_inside(text: str) -> str:
    """The words before the first digit of a byline ("Обновлено 4 мая")."""
    return re.split(r"\d|[٠-٩۰-۹]", text, maxsplit=1)[0][-40:]


def _time_raw(root: lxml.html.HtmlElement) -> tuple[list[str], list[str]]:
    """(published, modified) values of <time> elements inside the article area."""
    published: list[str] = []
    modified: list[str] = []
    for element in root.iter("time"):
        if len(published) + len(modified) >= MAX_CANDIDATES:
            break
        if _in_excluded_area(element, root):
            continue
        value = (element.get("datetime") or element.text_content() or "").strip()
        if not value:
            continue
        is_modified = _is_modified_marker(element, _label_before(element))
        (modified if is_modified else published).append(value)
    return published, modified


def _byline_raw(root: lxml.html.HtmlElement) -> tuple[list[str], list[str]]:
    """(published, modified) short texts of byline/date elements inside the article area."""
    published: list[str] = []
    modified: list[str] = []
    for element in root.iter():
        if len(published) + len(modified) >= MAX_CANDIDATES:
            break
        if not isinstance(element.tag, str) or element.tag in ("time", "script", "style"):
            continue
        if not _BYLINE_LABEL.search(f"{element.get('class', '')} {element.get('id', '')}".lower()) \
                and not _PUBLISHED_LABEL.match((element.text or "").lstrip()[:40].lower()):
            continue
        text = _SPACES.sub(" ", " ".join(element.itertext())).strip()
        if not text or len(text) > MAX_BYLINE_TEXT or not re.search(r"\d|[٠-٩۰-۹]", text):
            continue
        if _in_excluded_area(element, root):
            continue
        (modified if _is_modified_marker(element, _label_inside(text)) else published).append(text)
    return published, modified


# --------------------------------------------------------------------------- page: URL

_URL_DATES = [
    re.compile(r"/(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})(?=/|$|[^\d])"),
    re.compile(r"(?<!\d)(?P<year>\d{4})[-_.](?P<month>\d{2})[-_.](?P<day>\d{2})(?!\d)"),
    re.compile(r"(?<![\d])(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})(?!\d)"),
]


def date_from_url(url: str, reference: datetime) -> ParsedDate | None:
    """The day written in an article URL (/2017/05/03/, /20170503/, 2017-05-03 in the slug)."""
    path = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.I)
    for pattern in _URL_DATES:
        for match in pattern.finditer(path):
            year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
            calendar = _calendar_for_numeric_year(year, "")
            converted = _to_gregorian(calendar, year, month, day)
            if converted and converted.year >= 1990 and converted <= reference.date() + timedelta(days=1):
                return ParsedDate(_combine(converted, None, UTC), match.group(0), calendar, False, converted)
    return None


# --------------------------------------------------------------------------- public: page


def _first_parsed(raws: Iterable[str], languages: Sequence[str], reference: datetime,
                  timezone: str | None) -> ParsedDate | None:
    """The first value that parses and is not after the fetch (a page cannot be from the future)."""
    latest = reference + timedelta(days=1)
    for raw in raws:
        parsed = parse_date(raw, languages, reference=reference, timezone=timezone)
        if parsed and parsed.value <= latest:
            return parsed
    return None


def _pick(methods: list[tuple[str, list[str]]], languages: Sequence[str], reference: datetime,
          timezone: str | None) -> tuple[ParsedDate | None, str | None]:
    for method, raws in methods:
        parsed = _first_parsed(raws, languages, reference, timezone)
        if parsed:
            return parsed, method
    return None, None


def find_page_dates(tree: lxml.html.HtmlElement, *, url: str, languages: Sequence[str],
                    reference: datetime, timezone: str | None = None,
                    jsonld: Sequence[Mapping[str, Any]] = ()) -> PageDates:
    """Published and modified dates of the page itself, best source first:
    JSON-LD, meta tags, <time> and byline text inside the article, then the URL."""
    if reference.tzinfo is None:
        reference = reference.replace(tzinfo=UTC)
    articles = list(_jsonld_articles(list(jsonld) or _jsonld_from_tree(tree)))
    root = _article_root(tree)
    time_published, time_modified = _time_raw(root)
    byline_published, byline_modified = _byline_raw(root)
    published, published_method = _pick([
        ("json-ld", _jsonld_raw(articles, "datePublished")),
        ("meta", _meta_raw(tree, _META_PUBLISHED)),
        ("time-element", time_published),
        ("byline", byline_published),
    ], languages, reference, timezone)
    if published is None:
        from_url = date_from_url(url, reference)
        if from_url:
            published, published_method = from_url, "url"
    modified, modified_method = _pick([
        ("json-ld", _jsonld_raw(articles, "dateModified")),
        ("meta", _meta_raw(tree, _META_MODIFIED)),
        ("time-element", time_modified),
        ("byline", byline_modified),
    ], languages, reference, timezone)
    return PageDates(published, published_method, modified, modified_method)
