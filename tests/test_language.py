"""Tests for the rule-based language detector."""

from __future__ import annotations

import time

import pytest

from monitor.language import detect_language

SENTENCES = {
    "en": "The three guarantor countries met again in the Kazakh capital on Tuesday, and the "
          "talks ended with a joint statement on the situation in Idlib.",
    "ru": "Очередной раунд переговоров по Сирии завершился в столице Казахстана, страны-гаранты "
          "приняли совместное заявление о ситуации в Идлибе.",
    "kk": "Сирия бойынша келіссөздердің кезекті раунды Қазақстан астанасында өтті, кепілгер "
          "елдер Идлибтегі жағдай туралы бірлескен мәлімдеме қабылдады.",
    "fa": "دور تازه مذاکرات سوریه در پایتخت قزاقستان برگزار شد و کشورهای ضامن در پایان این "
          "نشست بیانیه مشترکی را درباره وضعیت ادلب منتشر کردند.",
    "ar": "انتهت الجولة الجديدة من المحادثات السورية في العاصمة الكازاخية، وأصدرت الدول الضامنة "
          "بيانا مشتركا حول الوضع في إدلب في ختام الاجتماع.",
    "tr": "Garantör ülkeler Kazakistan'ın başkentinde yeniden bir araya geldi ve görüşmeler "
          "İdlib'deki durum hakkında ortak bir bildiriyle sona erdi.",
    "de": "Die drei Garantiemächte trafen sich erneut in der kasachischen Hauptstadt, und die "
          "Gespräche endeten mit einer gemeinsamen Erklärung zur Lage in Idlib.",
    "fr": "Les trois pays garants se sont de nouveau réunis dans la capitale kazakhe et les "
          "pourparlers se sont terminés par une déclaration commune sur la situation à Idlib.",
}


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_detects_each_language(language: str) -> None:
    assert detect_language(SENTENCES[language]) == language


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_candidates_do_not_override_clear_evidence(language: str) -> None:
    others = [lang for lang in SENTENCES if lang != language]
    assert detect_language(SENTENCES[language], candidates=others) == language


def test_russian_quoting_kazakh_names_stays_russian() -> None:
    text = ("Министр иностранных дел Казахстана выступил на открытии встречи, которую "
            "газета «Егемен Қазақстан» назвала важной для региона и для всего мира.")
    assert detect_language(text) == "ru"


def test_persian_with_arabic_quote_stays_persian() -> None:
    text = ("سخنگوی وزارت خارجه گفت که این نشست مهم است و افزود: «في إطار مسار أستانا» "
            "همکاری سه کشور ضامن ادامه خواهد داشت و گفتگوها به نتیجه می رسد.")
    assert detect_language(text) == "fa"


def test_persian_typed_with_arabic_yeh_and_kaf() -> None:
    # Older Iranian sites type ي and ك; stopwords still tell Persian apart.
    text = "اين نشست در آستانه برگزار شد و نمايندگان سه كشور در آن شركت كردند كه مهم است."
    assert detect_language(text) == "fa"


def test_mixed_script_page_takes_majority_script() -> None:
    text = SENTENCES["ar"] + " Astana, Syria, UN."
    assert detect_language(text) == "ar"
    text = SENTENCES["en"] + " (ТАСС)"
    assert detect_language(text) == "en"


@pytest.mark.parametrize("text", ["", "   ", "12345 67 89", "!!! ... ---", "ab"])
def test_no_letters_or_too_few_gives_none(text: str) -> None:
    assert detect_language(text) is None


def test_short_input_uses_script_and_candidates() -> None:
    assert detect_language("Астана") == "ru"
    assert detect_language("آستانه", candidates=["fa", "en"]) == "fa"
    assert detect_language("Astana", candidates=["tr"]) == "tr"
    assert detect_language("Astana") is None


def test_turkish_letters_without_stopwords() -> None:
    assert detect_language("Dışişleri Bakanlığı açıklaması") == "tr"


def test_fast_enough_for_two_kilobytes() -> None:
    text = (SENTENCES["fa"] + " ") * 20
    text = text[:2048]
    rounds = 200
    start = time.perf_counter()
    for _ in range(rounds):
        detect_language(text)
    per_call = (time.perf_counter() - start) / rounds
    # 0.2 ms is the target on an idle core; allow for a shared, busy machine
    assert per_call < 0.001, f"{per_call * 1000:.3f} ms per call"
