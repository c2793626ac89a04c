"""Generated articles for the benchmark: deterministic from (seed, index), rendered lazily on request."""

from __future__ import annotations

import datetime as dt
import heapq
import random
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import unquote

from monitor.newsroom.world import GENERATED_BASE, Article, build_url, fold_url, slugify

if TYPE_CHECKING:
    from monitor.newsroom.world import Outlet, World

# Slots are filled per sentence, so two generated articles rarely share long word runs.
SLOTS: dict[str, dict[str, list[str]]] = {
    "en": {"who": ["Alexander Lavrentiev", "Hossein Jaberi Ansari", "Sedat Onal", "the Kazakh foreign minister",
                   "the UN envoy", "a senior Turkish diplomat", "the Syrian government delegation", "opposition negotiators"],
           "place": ["Idlib", "Eastern Ghouta", "Homs", "Daraa", "Aleppo", "Latakia", "Hama", "the south"],
           "thing": ["the ceasefire", "the de-escalation zones", "the constitutional committee", "the detainee exchange",
                     "humanitarian access", "the joint statement", "the monitoring mechanism", "the next round"],
           "misc": ["the city council", "the football club", "the energy ministry", "the central bank", "a tech startup",
                    "the opera house", "the weather service", "a regional airline"]},
    "ru": {"who": ["Александр Лаврентьев", "глава МИД Казахстана", "спецпосланник ООН", "турецкая делегация",
                   "иранская делегация", "представители оппозиции", "делегация Дамаска", "Сергей Вершинин"],
           "place": ["Идлибе", "Восточной Гуте", "Хомсе", "Дераа", "Алеппо", "Латакии", "Хаме", "на юге Сирии"],
           "thing": ["режим прекращения огня", "зоны деэскалации", "конституционный комитет", "обмен задержанными",
                     "гуманитарный доступ", "совместное заявление", "механизм мониторинга", "следующий раунд"],
           "misc": ["городской совет", "футбольный клуб", "министерство энергетики", "центральный банк",
                    "технологический стартап", "театр оперы", "метеослужба", "региональная авиакомпания"]},
    "tr": {"who": ["Sedat Önal", "Rus heyeti", "İran heyeti", "BM özel temsilcisi", "Kazak Dışişleri Bakanı",
                   "muhalif heyet", "rejim heyeti", "Türk diplomatlar"],
           "place": ["İdlib", "Doğu Guta", "Humus", "Dera", "Halep", "Lazkiye", "Hama", "güney Suriye"],
           "thing": ["ateşkes", "çatışmasızlık bölgeleri", "anayasa komitesi", "esir takası", "insani yardım",
                     "ortak bildiri", "gözlem mekanizması", "bir sonraki tur"],
           "misc": ["belediye meclisi", "futbol kulübü", "enerji bakanlığı", "merkez bankası", "teknoloji girişimi",
                    "opera binası", "meteoroloji", "bölgesel havayolu"]},
    "ar": {"who": ["ألكسندر لافرنتييف", "وفد الجمهورية العربية السورية", "الوفد الإيراني", "الوفد التركي",
                   "المبعوث الأممي", "وزير الخارجية الكازاخي", "وفد المعارضة", "الدول الضامنة"],
           "place": ["إدلب", "الغوطة الشرقية", "حمص", "درعا", "حلب", "اللاذقية", "حماة", "الجنوب السوري"],
           "thing": ["وقف إطلاق النار", "مناطق خفض التصعيد", "لجنة مناقشة الدستور", "تبادل المحتجزين",
                     "وصول المساعدات", "البيان المشترك", "آلية المراقبة", "الجولة المقبلة"],
           "misc": ["المجلس البلدي", "نادي كرة القدم", "وزارة الطاقة", "المصرف المركزي", "شركة ناشئة",
                    "دار الأوبرا", "الأرصاد الجوية", "شركة طيران إقليمية"]},
    "fa": {"who": ["حسین جابری انصاری", "هیئت روسی", "هیئت ترکیه", "فرستاده سازمان ملل", "وزیر خارجه قزاقستان",
                   "هیئت دولت سوریه", "نمایندگان مخالفان", "علی اصغر خاجی"],
           "place": ["ادلب", "غوطه شرقی", "حمص", "درعا", "حلب", "لاذقیه", "حما", "جنوب سوریه"],
           "thing": ["آتش بس", "مناطق کاهش تنش", "کمیته قانون اساسی", "تبادل زندانیان", "دسترسی بشردوستانه",
                     "بیانیه مشترک", "سازوکار نظارت", "دور بعدی"],
           "misc": ["شورای شهر", "باشگاه فوتبال", "وزارت نیرو", "بانک مرکزی", "یک شرکت فناوری",
                    "تالار وحدت", "سازمان هواشناسی", "یک شرکت هواپیمایی"]},
    "kk": {"who": ["Қазақстан СІМ басшысы", "Ресей делегациясы", "Иран делегациясы", "Түркия делегациясы",
                   "БҰҰ арнайы өкілі", "Сирия үкіметінің делегациясы", "оппозиция өкілдері", "кепілгер елдер"],
           "place": ["Идлибте", "Шығыс Гутада", "Хомста", "Дараада", "Алеппода", "Латакияда", "Хамада", "Сирияның оңтүстігінде"],
           "thing": ["атысты тоқтату режимі", "шиеленісті азайту аймақтары", "конституциялық комитет",
                     "тұтқындармен алмасу", "гуманитарлық көмек", "бірлескен мәлімдеме", "бақылау тетігі", "келесі раунд"],
           "misc": ["қалалық мәслихат", "футбол клубы", "энергетика министрлігі", "Ұлттық банк", "технологиялық стартап",
                    "опера театры", "Қазгидромет", "өңірлік әуе компаниясы"]},
}
RELEVANT: dict[str, list[str]] = {
    "en": ["Delegations in Astana discussed {thing} as {who} met counterparts on the sidelines of the talks.",
           "{who} said {thing} in {place} had to be respected by all sides, according to a statement issued after {n} hours of meetings.",
           "The guarantors of the Astana process, Russia, Iran and Turkey, reviewed {thing} at the Kazakh capital.",
           "Reports of violations in {place} overshadowed the meeting, and {who} called for restraint.",
           "The final communique of the Astana talks mentioned {thing} and {place} at least {n} times.",
           "Observers said {thing} would be tested first in {place}, where fighting resumed last week.",
           "{who} told reporters that the next meeting on Syria would take place in Astana within {n} weeks."],
    "ru": ["Делегации в Астане обсудили {thing}, а {who} провел встречи на полях переговоров.",
           "{who} заявил, что {thing} в {place} должны соблюдать все стороны, говорится в заявлении после {n} часов работы.",
           "Гаранты астанинского процесса Россия, Иран и Турция рассмотрели {thing} в столице Казахстана.",
           "Сообщения о нарушениях в {place} омрачили встречу, и {who} призвал к сдержанности.",
           "В итоговом заявлении переговоров в Астане {thing} упоминается не менее {n} раз.",
           "Наблюдатели считают, что {thing} сначала проверят в {place}.",
           "{who} сообщил журналистам, что следующая встреча по Сирии пройдет в Астане через {n} недель."],
    "tr": ["Astana'daki heyetler {thing} konusunu görüştü, {who} ise temaslarda bulundu.",
           "{who}, {place} bölgesinde {thing} konusuna tüm tarafların uyması gerektiğini söyledi; toplantılar {n} saat sürdü.",
           "Astana sürecinin garantörleri Türkiye, Rusya ve İran, Kazakistan'ın başkentinde {thing} konusunu ele aldı.",
           "{place} bölgesindeki ihlal haberleri toplantıya gölge düşürdü, {who} itidal çağrısı yaptı.",
           "Astana görüşmelerinin sonuç bildirgesinde {thing} en az {n} kez geçti.",
           "Gözlemciler {thing} meselesinin önce {place} bölgesinde sınanacağını belirtti.",
           "{who}, Suriye konulu bir sonraki toplantının {n} hafta içinde Astana'da yapılacağını açıkladı."],
    "ar": ["ناقشت الوفود في أستانا {thing} فيما عقد {who} لقاءات على هامش المحادثات.",
           "قال {who} إن {thing} في {place} يجب أن يحترمه جميع الأطراف، بحسب بيان صدر بعد {n} ساعات من الاجتماعات.",
           "بحثت الدول الضامنة لمسار أستانا روسيا وإيران وتركيا {thing} في العاصمة الكازاخية.",
           "ألقت أنباء الخروقات في {place} بظلالها على الاجتماع ودعا {who} إلى ضبط النفس.",
           "ورد ذكر {thing} في البيان الختامي لمحادثات أستانا {n} مرات على الأقل.",
           "يرى مراقبون أن {thing} سيختبر أولا في {place}.",
           "أعلن {who} أن الاجتماع المقبل حول سورية سيعقد في أستانا خلال {n} أسابيع."],
    "fa": ["هیئت های حاضر در آستانه درباره {thing} گفتگو کردند و {who} در حاشیه نشست دیدارهایی داشت.",
           "{who} گفت همه طرف ها باید {thing} را در {place} رعایت کنند؛ این نشست {n} ساعت طول کشید.",
           "کشورهای ضامن روند آستانه یعنی ایران، روسیه و ترکیه {thing} را در پایتخت قزاقستان بررسی کردند.",
           "گزارش نقض آتش بس در {place} بر نشست سایه انداخت و {who} خواستار خویشتنداری شد.",
           "در بیانیه پایانی مذاکرات آستانه دست کم {n} بار به {thing} اشاره شده است.",
           "ناظران می گویند {thing} نخست در {place} آزموده می شود.",
           "{who} اعلام کرد نشست بعدی درباره سوریه تا {n} هفته دیگر در آستانه برگزار می شود."],
    "kk": ["Астанадағы делегациялар {thing} мәселесін талқылады, ал {who} келіссөз аясында кездесулер өткізді.",
           "{who} {place} {thing} барлық тарап сақтауы тиіс екенін айтты, кездесу {n} сағатқа созылды.",
           "Астана процесінің кепілгерлері Ресей, Иран және Түркия {thing} мәселесін қарады.",
           "{place} бұзушылықтар туралы хабарлар кездесуге көлеңке түсірді, {who} байсалдылыққа шақырды.",
           "Астана келіссөздерінің қорытынды мәлімдемесінде {thing} кемінде {n} рет аталды.",
           "Сарапшылар {thing} алдымен {place} сыналатынын айтады.",
           "{who} Сирия бойынша келесі кездесу {n} аптадан кейін Астанада өтетінін хабарлады."],
}
OFFTOPIC: dict[str, list[str]] = {
    "en": ["{misc} announced a new plan for Astana's left bank, with {n} million tenge set aside for parks.",
           "Fans of {misc} gathered at the Astana Arena on Sunday, where the home side won {n}-1.",
           "Prices at Astana's markets rose by {n} percent in a month, {misc} said.",
           "A new flight between Astana and Istanbul was launched by {misc}, with {n} weekly departures.",
           "The forecast for the capital promises snow and temperatures of minus {n} degrees.",
           "{misc} held an exhibition of contemporary art that drew {n} thousand visitors.",
           "Engineers from {misc} presented a solar project expected to power {n} thousand homes."],
    "ru": ["{misc} объявил о новом плане застройки левого берега Астаны, на парки выделено {n} млн тенге.",
           "Болельщики пришли на «Астана Арену», где {misc} победил со счетом {n}:1.",
           "Цены на рынках Астаны выросли за месяц на {n} процентов, сообщил {misc}.",
           "{misc} открыл новый рейс между Астаной и Стамбулом, {n} вылетов в неделю.",
           "Синоптики обещают в столице снег и мороз до минус {n} градусов.",
           "{misc} провел выставку современного искусства, которую посетили {n} тысяч человек.",
           "Инженеры представили солнечную станцию, которая обеспечит энергией {n} тысяч домов."],
    "tr": ["{misc}, Astana'nın sol yakası için yeni bir plan açıkladı; parklara {n} milyon tenge ayrıldı.",
           "Taraftarlar Astana Arena'yı doldurdu, {misc} maçı {n}-1 kazandı.",
           "Astana pazarlarında fiyatlar bir ayda yüzde {n} arttı.",
           "{misc} Astana ile İstanbul arasında haftada {n} sefer yapacak yeni hattı açtı.",
           "Meteoroloji başkentte kar ve eksi {n} derece sıcaklık bekleniyor dedi.",
           "{misc} çağdaş sanat sergisi düzenledi, sergiyi {n} bin kişi ziyaret etti.",
           "Mühendisler {n} bin eve elektrik verecek güneş santralini tanıttı."],
    "ar": ["أعلن {misc} خطة جديدة لتطوير الضفة اليسرى في أستانا بميزانية {n} مليون تنغي.",
           "احتشد المشجعون في ملعب أستانا أرينا حيث فاز {misc} بنتيجة {n}-1.",
           "ارتفعت الأسعار في أسواق العاصمة بنسبة {n} في المئة خلال شهر.",
           "دشن {misc} رحلة جديدة بين أستانا وإسطنبول بمعدل {n} رحلات أسبوعيا.",
           "تتوقع الأرصاد تساقط الثلوج ودرجات حرارة تصل إلى {n} تحت الصفر.",
           "نظم {misc} معرضا للفن المعاصر زاره {n} ألف شخص.",
           "قدم مهندسون مشروعا للطاقة الشمسية يغذي {n} ألف منزل."],
    "fa": ["{misc} طرح تازه ای برای توسعه پارک های شهر با بودجه {n} میلیارد ریال اعلام کرد.",
           "هواداران در ورزشگاه آزادی حاضر شدند و {misc} با نتیجه {n} بر یک پیروز شد.",
           "قیمت ها در بازار تهران طی یک ماه {n} درصد افزایش یافت.",
           "{misc} پرواز تازه ای میان تهران و استانبول با {n} پرواز در هفته راه اندازی کرد.",
           "پیش بینی می شود دمای هوا در پایتخت به {n} درجه زیر صفر برسد.",
           "{misc} نمایشگاهی از هنر معاصر برگزار کرد که {n} هزار بازدیدکننده داشت.",
           "مهندسان طرحی خورشیدی معرفی کردند که برق {n} هزار خانه را تامین می کند."],
    "kk": ["{misc} Астананың сол жағалауын дамытудың жаңа жоспарын жариялады, саябақтарға {n} млн теңге бөлінді.",
           "Жанкүйерлер «Астана Арена» стадионына жиналды, {misc} {n}:1 есебімен жеңді.",
           "Астана базарларында бағалар бір айда {n} пайызға өсті.",
           "{misc} Астана мен Стамбул арасында аптасына {n} рейс ашты.",
           "Синоптиктер елордада қар мен минус {n} градус аяз болатынын айтты.",
           "{misc} заманауи өнер көрмесін өткізді, оған {n} мың адам келді.",
           "Инженерлер {n} мың үйді электрмен қамтитын күн электр станциясын таныстырды."],
}
TITLES: dict[str, tuple[list[str], list[str]]] = {
    "en": (["Astana talks: guarantors discuss {thing}", "{who} on {thing} after Astana meeting",
            "Syria talks in Astana focus on {thing} in {place}"],
           ["{misc} unveils plans for Astana", "Weekend in the capital: {misc} draws crowds", "{misc} reports record year"]),
    "ru": (["Переговоры в Астане: гаранты обсудили {thing}", "{who} об итогах встречи в Астане",
            "В Астане обсудили {thing} и ситуацию в {place}"],
           ["{misc} представил планы для Астаны", "Выходные в столице: {misc} собрал тысячи людей", "{misc} отчитался о рекордном годе"]),
    "tr": (["Astana görüşmelerinde {thing} ele alındı", "{who}: Astana'da {thing} konuşuldu",
            "Suriye için Astana'da {place} gündemi"],
           ["{misc} Astana için yeni planını açıkladı", "Başkentte hafta sonu: {misc} ilgi gördü", "{misc} rekor yıl açıkladı"]),
    "ar": (["محادثات أستانا تبحث {thing}", "{who} يتحدث عن {thing} في أستانا", "أستانا: {thing} و{place} على الطاولة"],
           ["{misc} يعلن خطة جديدة", "عطلة في العاصمة: {misc} يجذب الزوار", "{misc} يسجل عاما قياسيا"]),
    "fa": (["مذاکرات آستانه و {thing}", "{who} درباره {thing} در آستانه", "آستانه؛ {thing} و وضعیت {place}"],
           ["{misc} طرح تازه ای اعلام کرد", "آخر هفته در پایتخت با {misc}", "{misc} رکورد تازه ثبت کرد"]),
    "kk": (["Астана келіссөздерінде {thing} талқыланды", "{who}: Астанада {thing} туралы", "Астана: {thing} және {place}"],
           ["{misc} Астанаға арналған жоспарын таныстырды", "Елордадағы демалыс: {misc}", "{misc} рекордтық жыл"]),
}
NUMBER_RE = re.compile(r"(?<!\d)(9\d{7})(?!\d)")


def _fill(template: str, language: str, rng: random.Random) -> str:
    slots = SLOTS[language]
    text = template.format(who=rng.choice(slots["who"]), place=rng.choice(slots["place"]),
                           thing=rng.choice(slots["thing"]), misc=rng.choice(slots["misc"]), n=rng.randint(2, 60))
    return text[0].upper() + text[1:]


class GeneratedArticles:
    """A lazy, indexable sequence of `scale` generated articles spread over all outlets."""

    def __init__(self, world: World, scale: int, seed: int) -> None:
        self.world = world
        self.scale = scale
        self.seed = seed
        self.outlet_ids = sorted(world.outlets)
        since, until = world.window
        self.start = dt.datetime(since.year, since.month, since.day, tzinfo=dt.UTC)
        end = dt.datetime(until.year, until.month, until.day, 23, 59, tzinfo=dt.UTC)
        self.span = int((end - self.start).total_seconds())

    def __len__(self) -> int:
        return self.scale

    def __iter__(self) -> Iterator[Article]:
        for i in range(self.scale):
            yield self[i]

    def __getitem__(self, i: int) -> Article:
        if not 0 <= i < self.scale:
            raise IndexError(i)
        return _make(self, i)

    def meta(self, i: int) -> Article:
        """Article i without its body (title, URL, date, summary): what feeds and sitemaps need."""
        return _make(self, i, full=False)

    def newest(self, outlet_id: str, language: str, count: int) -> list[Article]:
        """The outlet's `count` newest generated articles in a language."""
        dated = ((published_of(self, i), i) for i in self.indices_of(outlet_id))
        picked = heapq.nlargest(count, ((when, i) for (lang, when), i in dated if lang == language))
        return [self.meta(i) for _, i in picked]

    def indices_of(self, outlet_id: str) -> range:
        """Indices of an outlet's generated articles (they are dealt round-robin)."""
        k = self.outlet_ids.index(outlet_id)
        return range(k, self.scale, len(self.outlet_ids))

    def by_url(self, url: str) -> Article | None:
        match = NUMBER_RE.search(unquote(url))
        if not match:
            return None
        i = int(match.group(1)) - GENERATED_BASE
        if not 0 <= i < self.scale:
            return None
        article = self[i]
        return article if fold_url(article.url, self.world) == fold_url(url, self.world) else None

    def neighbours(self, article: Article) -> list[Article]:
        i = article.number - GENERATED_BASE
        n = len(self.outlet_ids)
        picks = [i + n * d for d in (-3, -2, -1, 1, 2, 3) if 0 <= i + n * d < self.scale]
        return [self.meta(j) for j in picks]


def _basics(gen: GeneratedArticles, i: int) -> tuple[Outlet, str, bool, dt.datetime, random.Random]:
    """Outlet, language, relevance and date of article i (cheap: for picking the newest ones)."""
    rng = random.Random(gen.seed * 1_000_003 + i)
    outlet = gen.world.outlets[gen.outlet_ids[i % len(gen.outlet_ids)]]
    language = outlet.languages[(i // len(gen.outlet_ids)) % len(outlet.languages)]
    relevant = rng.random() < 0.6
    published = (gen.start + dt.timedelta(seconds=rng.randrange(gen.span))).replace(second=0)
    return outlet, language, relevant, published, rng


def published_of(gen: GeneratedArticles, i: int) -> tuple[str, dt.datetime]:
    _, language, _, published, _ = _basics(gen, i)
    return language, published


def _make(gen: GeneratedArticles, i: int, full: bool = True) -> Article:
    """Article i; without `full` only what listings need (title, URL, date, summary), no body."""
    outlet, language, relevant, published, rng = _basics(gen, i)
    lang = language if language in TITLES else "en"
    rel_titles, off_titles = TITLES[lang]
    title = _fill(rng.choice(rel_titles if relevant else off_titles), lang, rng)
    bank = RELEVANT[lang] if relevant else OFFTOPIC[lang]
    summary = _fill(rng.choice(bank), lang, rng)
    number = GENERATED_BASE + i
    slug = slugify(title, language, words=6)
    if outlet.id in ("dailysabah", "aljazeera", "astanatimes"):
        slug = f"{slug}-{number}"
    url = build_url(outlet, language, number, slug, published, variant=i)
    paragraphs = [summary]
    if full:
        body = random.Random(gen.seed * 7_000_009 + i)  # a separate stream: the body never shifts the metadata
        for _ in range(body.randint(4, 8)):
            paragraphs.append(" ".join(_fill(body.choice(bank), lang, body) for _ in range(body.randint(2, 4))))
    return Article(id=f"gen-{i}", outlet=outlet.id, language=language, published=published, title=title,
                   paragraphs=paragraphs, relevant=relevant, summary=summary, url=url, number=number,
                   generated=True, source_file="generated", tags=[])


def page_size_target(article: Article) -> int:
    """The size in bytes a generated page is padded to (60-200 KB)."""
    return 60_000 + random.Random(article.number).randrange(135_000)
