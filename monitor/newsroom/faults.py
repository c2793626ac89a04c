"""Faults the newsroom plays at fixed URLs, with the verdict a correct crawler reaches on each."""

from __future__ import annotations

import gzip
import io
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from monitor.newsroom.world import Article, Outlet


@dataclass(frozen=True)
class Fault:
    """One fault: where it is, how it is found, what the server does and what the crawler should conclude."""

    name: str
    url: str
    listed_in: str  # the feed, sitemap or homepage that links to it
    behaviour: str
    verdict: str  # stored | error | blocked | no-article | feed-error | sitemap-error
    article_id: str | None = None  # the real article behind it, if any (ground truth)


TASS_FEED = "http://tass.test/rss/v2.xml"
AA_EN_FEED = "http://www.aa.test/en/rss/default?cat=world"
AA_TR_FEED = "http://www.aa.test/tr/rss/default?cat=guncel"
SABAH_FEED = "http://www.dailysabah.test/rss/atom"
HURRIYET_FEED = "http://www.hurriyet.test/rss/dunya"
AJ_FEED = "http://www.aljazeera.test/xml/rss/all.xml"
ASTANATIMES_FEED = "http://astanatimes.test/feed/"
IRNA_FA_FEED = "http://www.irna.test/rss"
INFORM_EN_FEED = "http://www.inform.test/rss/en.xml"
SANA_FEED = "http://sana.test/?feed=rss2"

FAULTS: list[Fault] = [
    Fault("error-500-once", "http://tass.test/mezhdunarodnaya-panorama/4999001", TASS_FEED,
          "500 on the first request, then the article (a counter per URL; reset_faults() resets it)",
          "stored", "fault-ru-r7-tass-500"),
    Fault("unavailable-503", "http://www.aa.test/en/world/syria-talks-live-updates/4999003", AA_EN_FEED,
          "always 503 with Retry-After: 1", "error"),
    Fault("rate-limited-429", "http://www.aa.test/tr/dunya/astana-gorusmeleri-canli-yayin/4999004", AA_TR_FEED,
          "always 429 with Retry-After: 2", "error"),
    Fault("timeout", "http://www.dailysabah.test/world/mid-east/slow-loading-analysis", SABAH_FEED,
          "sleeps timeout_delay seconds (server parameter, default 5) before answering", "error"),
    Fault("connection-reset", "http://www.dailysabah.test/world/mid-east/connection-reset-report", SABAH_FEED,
          "reads the request, then closes the socket with a TCP reset and no response", "error"),
    Fault("not-found-in-feed", "http://www.hurriyet.test/dunya/astana-zirvesi-haberi-40999001", HURRIYET_FEED,
          "404 although the feed lists it", "error"),
    Fault("truncated", "http://www.hurriyet.test/dunya/yarim-kalan-haber-40999002", HURRIYET_FEED,
          "Content-Length: 60000 but about 3 KB of HTML sent, then the connection closes", "error"),
    Fault("oversized", "http://www.aljazeera.test/news/2024/11/20/oversized-live-blog", AJ_FEED,
          "a 12 MB HTML page", "error"),
    Fault("binary-as-html", "http://www.aljazeera.test/news/2024/11/21/binary-attachment", AJ_FEED,
          "64 KB of random bytes served as text/html", "error"),
    Fault("malformed-html", "http://astanatimes.test/2024/11/malformed-markup-page/", ASTANATIMES_FEED,
          "unclosed tags, stray control bytes and no article text", "no-article"),
    Fault("paywall", "http://astanatimes.test/2024/11/subscriber-only-analysis/", ASTANATIMES_FEED,
          "200: two teaser paragraphs then 'Subscribe to read'", "blocked"),
    Fault("anti-bot-arvancloud", "http://www.irna.test/news/82999001/", IRNA_FA_FEED,
          "200: an ArvanCloud 'checking your browser' page", "blocked"),
    Fault("anti-bot-cloudflare", "http://www.inform.test/en/checking-your-browser_a4999005", INFORM_EN_FEED,
          "200: a Cloudflare 'Checking your browser before accessing' page", "blocked"),
    Fault("cookie-wall", "http://www.inform.test/en/cookie-consent-required_a4999006", INFORM_EN_FEED,
          "200: a cookie-consent wall with no article", "blocked"),
    Fault("cp1251", "http://tass.test/mezhdunarodnaya-panorama/4999002", TASS_FEED,
          "a real article encoded in cp1251, charset only in the Content-Type header", "stored",
          "fault-ru-r9-tass-cp1251"),
    Fault("windows-1256", "http://sana.test/?p=199001", SANA_FEED,
          "a real article encoded in windows-1256, charset only in the Content-Type header", "stored",
          "fault-ar-r11-sana-1256"),
    Fault("windows-1256-undeclared", "http://sana.test/?p=199002", SANA_FEED,
          "a real article encoded in windows-1256 with no charset anywhere", "stored",
          "fault-ar-r13-sana-1256"),
    Fault("malformed-feed", "http://www.mehrnews.test/rss/broken.xml", "http://www.mehrnews.test/",
          "RSS with broken XML (unclosed elements, a bare &)", "feed-error"),
    Fault("billion-laughs-feed", "http://www.mehrnews.test/rss/laughs.xml", "http://www.mehrnews.test/",
          "RSS whose DOCTYPE defines nested entities (billion laughs)", "feed-error"),
    Fault("external-entity-feed", "http://www.mehrnews.test/rss/external.xml", "http://www.mehrnews.test/",
          "RSS with an external entity SYSTEM 'file:///etc/passwd' in a title", "feed-error"),
    Fault("gzip-bomb-sitemap", "http://www.inform.test/sitemaps/news-bomb.xml.gz", "http://www.inform.test/sitemap.xml",
          "a ~130 KB .xml.gz that expands to 128 MB", "sitemap-error"),
]
FAULTS_BY_URL = {f.url: f for f in FAULTS}
ARTICLE_FAULTS = [f for f in FAULTS if f.verdict not in ("feed-error", "sitemap-error")]

# The real articles behind faults: part of the ground truth (relevant, with dates).
_FAULT_ARTICLES: list[dict[str, object]] = [
    {
        "id": "fault-ru-r7-tass-500", "outlet": "tass", "language": "ru", "fault": "error-500-once",
        "url": "http://tass.test/mezhdunarodnaya-panorama/4999001", "number": 4999001,
        "published": "2017-10-31T13:40:00Z", "relevant": True, "round": 7, "credit": "TASS",
        "title": "Гаранты астанинского процесса поддержали идею Конгресса сирийского национального диалога",
        "summary": "Седьмой раунд переговоров по Сирии в Астане завершился заявлением стран-гарантов.",
        "tags": ["Сирия", "Астана"],
        "paragraphs": [
            "АСТАНА, 31 октября. /ТАСС/. Россия, Иран и Турция по итогам седьмого раунда переговоров по Сирии в Астане договорились обсудить в рамках женевского процесса российское предложение о созыве Конгресса сирийского национального диалога.",
            "Специальный представитель президента России по сирийскому урегулированию Александр Лаврентьев сообщил журналистам, что конгресс мог бы собрать представителей всех этнических и конфессиональных групп Сирии и стать площадкой для работы над новой конституцией.",
            "Делегации также обсудили освобождение задержанных и заложников, передачу тел погибших и гуманитарное разминирование. По словам Лаврентьева, гаранты рассчитывают, что эксперты подготовят конкретные предложения к следующей встрече.",
            "Вооруженная оппозиция выразила недовольство тем, что не все ее требования вошли в итоговое заявление, однако подтвердила участие в дальнейших контактах. Следующий раунд переговоров в Астане намечен на вторую половину декабря.",
        ],
    },
    {
        "id": "fault-ru-r9-tass-cp1251", "outlet": "tass", "language": "ru", "fault": "cp1251",
        "url": "http://tass.test/mezhdunarodnaya-panorama/4999002", "number": 4999002,
        "published": "2018-05-15T11:05:00Z", "relevant": True, "round": 9, "credit": "TASS",
        "title": "Девятый раунд астанинских переговоров завершился, следующая встреча пройдет в Сочи",
        "summary": "Страны-гаранты обсудили в Астане выполнение меморандума о зонах деэскалации и конституционный комитет.",
        "tags": ["Сирия", "Астана", "Сочи"],
        "paragraphs": [
            "АСТАНА, 15 мая. /ТАСС/. Девятый международный раунд переговоров по Сирии в астанинском формате завершился в столице Казахстана. Россия, Иран и Турция рассмотрели выполнение меморандума о создании зон деэскалации и ход работы над формированием конституционного комитета.",
            "Как сообщили в МИД Казахстана, рабочая группа по освобождению задержанных провела свое второе заседание. Стороны договорились продолжить обмен списками удерживаемых лиц.",
            "США на этот раз не направили в Астану своего наблюдателя. Глава российской делегации Александр Лаврентьев отметил, что формат доказал свою эффективность и будет сохранен.",
            "Следующую встречу в астанинском формате решено провести в Сочи. Гаранты также выразили обеспокоенность нарушениями режима прекращения огня в ряде районов страны.",
        ],
    },
    {
        "id": "fault-ar-r11-sana-1256", "outlet": "sana", "language": "ar", "fault": "windows-1256",
        "url": "http://sana.test/?p=199001", "number": 199001,
        "published": "2018-11-29T15:20:00Z", "relevant": True, "round": 11, "credit": "SANA",
        "title": "اختتام الجولة الحادية عشرة من محادثات أستانا حول سورية",
        "summary": "اختتمت في أستانا الجولة الحادية عشرة من المحادثات بمشاركة الدول الضامنة.",
        "tags": ["أستانا", "سورية"],
        "paragraphs": [
            "أستانا-سانا اختتمت اليوم في العاصمة الكازاخية أستانا أعمال الجولة الحادية عشرة من المحادثات حول سورية بمشاركة وفود روسيا وإيران وتركيا بصفتها الدول الضامنة.",
            "وأكد البيان الختامي للدول الضامنة التزامها الثابت بسيادة سورية واستقلالها ووحدة أراضيها، وأعرب عن القلق من الخروقات في المنطقة منزوعة السلاح في إدلب.",
            "وبحثت الوفود خلال الجولة تشكيل لجنة مناقشة الدستور، فيما لم يتم التوصل إلى نتائج ملموسة في هذا الملف، ووصف مكتب المبعوث الأممي نتائج الجولة بأنها فرصة ضائعة.",
            "وكان وفد الجمهورية العربية السورية قد عقد لقاءات ثنائية مع الوفدين الروسي والإيراني على هامش الاجتماعات، وأكد ضرورة مكافحة الإرهاب في جميع المناطق.",
        ],
    },
    {
        "id": "fault-ar-r13-sana-1256", "outlet": "sana", "language": "ar", "fault": "windows-1256-undeclared",
        "url": "http://sana.test/?p=199002", "number": 199002,
        "published": "2019-08-02T12:45:00Z", "relevant": True, "round": 13, "credit": "SANA",
        "title": "البيان الختامي لاجتماع نور سلطان يؤكد الالتزام بوحدة الأراضي السورية",
        "summary": "الدول الضامنة تتفق في نور سلطان على إجراءات لحماية المدنيين في إدلب.",
        "tags": ["نور سلطان", "سورية"],
        "paragraphs": [
            "نور سلطان-سانا أكدت الدول الضامنة لصيغة أستانا في البيان الختامي للجولة الثالثة عشرة من المحادثات التي عقدت في نور سلطان التزامها بسيادة الجمهورية العربية السورية ووحدة أراضيها.",
            "وشارك العراق ولبنان للمرة الأولى بصفة مراقب في الاجتماعات، واتفقت الدول الضامنة على إجراءات ملموسة لضمان حماية المدنيين في منطقة إدلب.",
            "وقال رئيس الوفد السوري إن الاجتماع بحث الوضع في إدلب وضرورة إنهاء وجود التنظيمات الإرهابية فيها، مشيرا إلى أن الحكومة ماضية في مكافحة الإرهاب.",
            "وغاب المبعوث الأممي غير بيدرسون عن الجولة وترأس نائبه فريق الأمم المتحدة، على أن تعقد الجولة المقبلة في وقت لاحق من العام.",
        ],
    },
]


def fault_articles(outlets: dict[str, Outlet]) -> list[Article]:
    """The real articles behind faults, as world Articles with their fixed URLs."""
    from monitor.newsroom.world import article_from_entry

    out = []
    for entry in _FAULT_ARTICLES:
        article = article_from_entry(dict(entry), f"faults.py: {entry['id']}", outlets)
        article.url = str(entry["url"])
        article.number = int(entry["number"])  # type: ignore[call-overload]
        article.source_file = "faults.py"
        out.append(article)
    return out


# --- payloads ----------------------------------------------------------------------------

@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """A small gzip member that expands to 128 MB of sitemap-looking bytes (built once)."""
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as gz:
        gz.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
        chunk = b" " * (1 << 20)
        for _ in range(128):
            gz.write(chunk)
    return buf.getvalue()


@lru_cache(maxsize=1)
def oversized_page() -> bytes:
    row = ("<tr><td>Live update</td><td>" + "Lorem ipsum dolor sit amet " * 8 + "</td></tr>\n").encode()
    head = b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Live blog | Al Jazeera</title></head><body><table>"
    body = row * (12 * (1 << 20) // len(row) + 1)
    return head + body + b"</table></body></html>"


@lru_cache(maxsize=1)
def binary_blob() -> bytes:
    return random.Random(1256).randbytes(64 * 1024)


MALFORMED_HTML = (
    b"<html><head><title>Astana Times <b>broken</title><meta charset=utf-8>\n<body><div class='x'><p>"
    b"<table><tr><td><div><span><a href='/2024/11/'>\x00\x01\x02\xff\xfe<<<>>> &&&; <p <p <div "
    b"<script>var a = '</div>'; <!-- unclosed comment <style>}}}{{{ \x1b[31m\n" * 20
)

BROKEN_FEED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Mehr News & Broken'
    b"<item><title>Unclosed item<link>http://www.mehrnews.test/news/1</link><pubDate>garbage</pubDate>"
    b"<item><title>Another</titl></channel>"
)

LAUGHS_FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Mehr News</title><link>http://www.mehrnews.test/</link>
<description>feed</description>
<item><title>&lol9;</title><link>http://www.mehrnews.test/news/4999010/laughs</link>
<pubDate>Wed, 20 Nov 2024 10:00:00 +0330</pubDate></item>
</channel></rss>
"""

EXTERNAL_FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE rss [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<rss version="2.0"><channel><title>Mehr News</title><link>http://www.mehrnews.test/</link>
<description>feed</description>
<item><title>Leak &secret;</title><link>http://www.mehrnews.test/news/4999011/external</link>
<description>&secret;</description><pubDate>Wed, 20 Nov 2024 10:00:00 +0330</pubDate></item>
</channel></rss>
"""

PAYWALL_TEASER: dict[str, object] = {
    "id": "fault-paywall-astanatimes", "outlet": "astanatimes", "language": "en",
    "published": "2024-11-14T07:00:00Z", "relevant": True, "round": 22,
    "title": "Analysis: what eight years of the Astana format changed for Syria",
    "summary": "A subscriber-only analysis of the Astana process before its 22nd round.",
    "author": "Aigerim Sadykova",
    "paragraphs": [
        "When the first delegations met at a hotel on the left bank of the Ishim in January 2017, few diplomats expected the format to outlive the war's most violent phase.",
        "Eight years and twenty-one rounds later, the guarantors are preparing for another meeting in the Kazakh capital, and the question is what the process still delivers.",
        "The remaining paragraphs of this analysis are for subscribers only.",
    ],
}
