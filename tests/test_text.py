"""Tests of text normalisation: letter variants, ZWNJ, tashkeel, Turkish i, digits."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.text import normalize_paragraphs, normalize_text, words


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ASTANA", "astana"),
        ("Astana", "astana"),
        ("İSTANBUL", "istanbul"),
        ("ıspanak", "ispanak"),
        ("DİYARBAKIR", "diyarbakir"),
        ("Önal Ünal çatışmasızlık", "onal unal catismasizlik"),
        ("четвёртый", "четвертый"),
        ("سوريا", "سوریا"),
        ("كازاخستان", "کازاخستان"),
        ("أستانة", "استانه"),
        ("إدلب", "ادلب"),
        ("آستانه", "استانه"),
        ("مؤتمر", "موتمر"),
        ("رئيس", "رییس"),
        ("مُحَادَثَات", "محادثات"),
        ("أستـــانا", "استانا"),
        ("می\u200cشود", "میشود"),
        ("\ufeffAstana\u200b", "astana"),
        ("۱۴۰۲", "1402"),
        ("٢٠١٧", "2017"),
        ("«Астана»", '"астана"'),
        ("Astana’s", "astana's"),
        ("  many \t spaces\n\nand lines ", "many spaces and lines"),
        ("ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_variants_meet() -> None:
    assert normalize_text("أستانا") == normalize_text("استانا") == normalize_text("آستانا")
    assert normalize_text("می‌شود") == normalize_text("میشود")
    assert normalize_text("Astana'da") == normalize_text("ASTANA’DA")


def test_words_split_suffixes_and_hyphens() -> None:
    assert words("Astana'daki") == ["astana", "daki"]
    assert words("Нур-Султане, 2019") == ["нур", "султане", "2019"]
    assert words("الـ20 جولة") == ["ال20", "جوله"]
    assert words("snake_case") == ["snake", "case"]
    assert words("") == []


def test_normalize_paragraphs_keeps_paragraphs() -> None:
    assert normalize_paragraphs("One  Two\n\n THREE \n") == ["one two", "three"]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalize_is_idempotent_and_total(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert words(once) == words(text)
