"""Date conventions of the outlets: bylines in Solar Hijri, Hijri, Russian, Turkish, Kazakh, Arabic."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime
from zoneinfo import ZoneInfo

import jdatetime
from hijridate import Gregorian

# The fixed "today" of the newsroom: header date widgets show it (a trap for date extraction).
TODAY = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
UTC = dt.UTC

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
JALALI_MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
                 "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"]
PERSIAN_WEEKDAYS = ["دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه"]
LEVANTINE_MONTHS = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب",
                    "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول"]
EGYPTIAN_MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس",
                   "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"]
ARABIC_WEEKDAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
RUSSIAN_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                  "сентября", "октября", "ноября", "декабря"]
KAZAKH_MONTHS = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
                 "қыркүйек", "қазан", "қараша", "желтоқсан"]
TURKISH_MONTHS = ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos",
                  "Eylül", "Ekim", "Kasım", "Aralık"]
ENGLISH_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"]
IRANIAN = {"tabnak", "irna", "mehr"}
TIME_LOCAL = {"tass", "ria", "aa", "hurriyet", "kazinform", "tabnak", "irna", "mehr", "sana", "aljazeera"}


def jalali(when: dt.datetime) -> jdatetime.datetime:
    return jdatetime.datetime.fromgregorian(datetime=when.replace(tzinfo=None))


def solar_hijri(when: dt.datetime, with_time: bool = True) -> str:
    """'۱۳ اردیبهشت ۱۳۹۶ - ۱۴:۲۵' for a local datetime."""
    j = jalali(when)
    text = f"{j.day} {JALALI_MONTHS[j.month - 1]} {j.year}"
    if with_time:
        text += f" - {when:%H:%M}"
    return text.translate(PERSIAN_DIGITS)


def hijri_line(day: dt.date) -> str:
    h = Gregorian(day.year, day.month, day.day).to_hijri()
    return f"{h.day} {h.month_name('ar')} {h.year} هـ"


def byline_date(outlet_id: str, language: str, when_utc: dt.datetime, tz: ZoneInfo) -> str:
    """The date as the outlet prints it under the headline."""
    local = when_utc.astimezone(tz)
    if language == "fa":
        return solar_hijri(local)
    if language == "ru":
        text = f"{local.day} {RUSSIAN_MONTHS[local.month - 1]} {local.year}"
        return text if outlet_id == "unnews" else f"{text}, {local:%H:%M}"
    if language == "kk":
        return f"{local.year} жылғы {local.day} {KAZAKH_MONTHS[local.month - 1]}, {local:%H:%M}"
    if language == "tr":
        return f"{local:%d.%m.%Y %H:%M}"
    if language == "ar":
        if outlet_id == "sana":
            return f"{local.day} {LEVANTINE_MONTHS[local.month - 1]} {local.year}"
        if outlet_id == "unnews":
            m = local.month - 1
            return f"{local.day} {LEVANTINE_MONTHS[m]}/{EGYPTIAN_MONTHS[m]} {local.year}"
        if outlet_id == "aa":
            return f"{local:%d.%m.%Y}"
        return f"{local.day} {EGYPTIAN_MONTHS[local.month - 1]} {local.year}"
    if outlet_id == "unnews":
        return f"{when_utc.day} {ENGLISH_MONTHS[when_utc.month - 1]} {when_utc.year}"
    return f"{ENGLISH_MONTHS[when_utc.month - 1][:3]} {when_utc.day}, {when_utc.year} {when_utc:%H:%M} GMT"


def short_date(language: str, when_utc: dt.datetime, tz: ZoneInfo) -> str:
    """The date printed next to headlines in related-news blocks and search results."""
    local = when_utc.astimezone(tz)
    if language == "fa":
        return solar_hijri(local, with_time=False)
    if language in ("ru", "kk", "tr"):
        return f"{local:%d.%m.%Y}"
    if language == "ar":
        return f"{local.day} {EGYPTIAN_MONTHS[local.month - 1]} {local.year}"
    return f"{ENGLISH_MONTHS[local.month - 1][:3]} {local.day}, {local.year}"


def today_widget(outlet_id: str, language: str) -> str:
    """The header 'today' date of the Iranian outlets and SANA (always the fixed TODAY)."""
    if outlet_id in IRANIAN and language == "fa":
        local = TODAY.astimezone(ZoneInfo("Asia/Tehran"))
        j = jalali(local)
        text = f"{PERSIAN_WEEKDAYS[local.weekday()]} {j.day} {JALALI_MONTHS[j.month - 1]} {j.year}"
        return text.translate(PERSIAN_DIGITS)
    if outlet_id in IRANIAN:
        j = jalali(TODAY)
        return f"{TODAY:%A, %B} {TODAY.day}, {TODAY.year} - {j.day} Azar {j.year}"
    if outlet_id == "sana":
        local = TODAY.astimezone(ZoneInfo("Asia/Damascus"))
        greg = f"{ARABIC_WEEKDAYS[local.weekday()]}، {local.day} {LEVANTINE_MONTHS[local.month - 1]} {local.year}"
        return f"{greg} - {hijri_line(local.date())}"
    return ""


def rfc822(when: dt.datetime, tz: ZoneInfo | None = None) -> str:
    return format_datetime(when.astimezone(tz or UTC), usegmt=tz is None)


def w3c(when: dt.datetime, tz: ZoneInfo | None = None) -> str:
    local = when.astimezone(tz or UTC)
    text = local.isoformat(timespec="seconds")
    return text.replace("+00:00", "Z") if tz is None else text


def http_date(when: dt.datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)
