"""Multilingual full-text search: search_form and search_query against a real FTS5 table."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.search import NOTHING, search_form, search_query, stem_key

DOCS = {
    "ru_locative": "Переговоры в Астане завершились",
    "ru_instrumental": "Встреча между Астаной и Москвой",
    "kk_locative": "Астанада Сирия бойынша кездесу аяқталды",
    "ru_other_city": "Переговоры в Стамбуле завершились",
    "tr_apostrophe": "Astana'daki görüşmelerde ateşkes konuşuldu",
    "tr_capital_i": "İSTANBUL'DA TOPLANTI YAPILDI",
    "fa_zwnj": "گفت\u200cوگوهای آستانه\u200cای درباره سوریه",
    "fa_arabic_letters": "مذاكرات أستانة و كميته قانون اساسي",
    "fa_tashkeel": "اجتماعُ آسْتانَهْ",
    "fa_threshold_other": "بازار در آستان انتخابات",
    "ar_article": "انعقاد الأستانة بحضور الضامنين",
    "en_plain": "Astana talks on Syria end without a deal",
}


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table docs using fts5(name unindexed, body, "
                 "tokenize='unicode61 remove_diacritics 2')")
    conn.executemany("insert into docs (name, body) values (?, ?)",
                     [(name, search_form(text)) for name, text in DOCS.items()])
    return conn


def found(conn: sqlite3.Connection, q: str) -> set[str]:
    return {row[0] for row in conn.execute("select name from docs where docs match ?", [search_query(q)])}


def test_russian_cases_share_a_key() -> None:
    keys = {stem_key(w) for w in ("астана", "астане", "астаны", "астану", "астаной", "астанада")}
    assert keys == {"астан"}
    assert stem_key("мир") == "мир"  # short words keep their form


def test_russian_query_finds_inflected_forms(fts: sqlite3.Connection) -> None:
    assert found(fts, "Астана") == {"ru_locative", "ru_instrumental", "kk_locative"}
    assert found(fts, "Астане") == found(fts, "астаной") == found(fts, "Астана")


def test_turkish_suffix_after_apostrophe(fts: sqlite3.Connection) -> None:
    assert found(fts, "Astana") == {"tr_apostrophe", "en_plain"}
    assert found(fts, "Astana'daki") == {"tr_apostrophe"}


def test_turkish_dotted_capital_i(fts: sqlite3.Connection) -> None:
    assert found(fts, "istanbul") == {"tr_capital_i"}
    assert found(fts, "İstanbul") == found(fts, "ISTANBUL") == {"tr_capital_i"}


def test_persian_finds_arabic_variants_zwnj_and_tashkeel(fts: sqlite3.Connection) -> None:
    hits = found(fts, "آستانه")
    assert {"fa_zwnj", "fa_arabic_letters", "fa_tashkeel", "ar_article"} <= hits
    assert "fa_threshold_other" not in hits  # "آستان" is another word
    assert found(fts, "آسْتانَه") == hits  # tashkeel in the query too


def test_yeh_and_kaf_variants(fts: sqlite3.Connection) -> None:
    assert found(fts, "کمیته") == {"fa_arabic_letters"}  # Persian ک/ی finds Arabic ك/ي
    assert found(fts, "كميته") == {"fa_arabic_letters"}


def test_arabic_article_prefix(fts: sqlite3.Connection) -> None:
    assert "ar_article" in found(fts, "أستانة")
    assert stem_key("الاستانه") == "استانه"
    assert stem_key("برای") == "برای"  # a short word keeps its first letter


def test_operators(fts: sqlite3.Connection) -> None:
    assert found(fts, "Астана -Москвой") == {"ru_locative", "kk_locative"}
    assert found(fts, "Стамбуле OR Astana'daki") == {"ru_other_city", "tr_apostrophe"}
    assert found(fts, '"talks Syria"') == {"en_plain"}
    assert found(fts, '"Astana deal"') == set()  # too far apart for a phrase


def test_search_form_keeps_words_and_adds_keys() -> None:
    assert search_form("Переговоры в Астане") == "переговоры переговор в астане астан"
    assert search_form("Astana'daki") == "astana daki"
    assert search_form("") == ""


@pytest.mark.parametrize("q", ["", "   ", '"', "-", "OR", "AND NOT", "*", "()", "NEAR(", "-x", '""'])
def test_queries_without_words_match_nothing(fts: sqlite3.Connection, q: str) -> None:
    assert found(fts, q) == set()
    assert search_query("-only -negated") == NOTHING


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40) | st.text(alphabet='"*()-:^+ ORANDNOTNEARаяای\u200c\u064eİı\'', max_size=30))
def test_search_query_never_raises_in_sqlite(q: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table t using fts5(body, tokenize='unicode61 remove_diacritics 2')")
    conn.execute("insert into t values (?)", [search_form("Переговоры в Астане " + q)])
    conn.execute("select count(*) from t where t match ?", [search_query(q)]).fetchall()
