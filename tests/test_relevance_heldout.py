"""Held-out evaluation of the relevance judge on texts written before the rules were tuned."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.relevance import Topic
from tests.scoring import published_of, relevance_scores

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = Path(__file__).parent / "data" / "relevance_heldout.yaml"
FIELDS = {"id", "language", "title", "text", "published", "relevant", "round", "hard", "note"}


@pytest.fixture(scope="module")
def topic() -> Topic:
    return Topic.load(ROOT / "seeds")


@pytest.fixture(scope="module")
def items() -> list[dict[str, Any]]:
    return yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))["items"]


def test_heldout_set_shape(items: list[dict[str, Any]]) -> None:
    assert len(items) >= 90
    assert len({item["id"] for item in items}) == len(items)
    for item in items:
        assert set(item) == FIELDS, item["id"]
        assert item["note"].strip(), item["id"]
        # A round is only labelled on a relevant text, and it must exist.
        assert item["round"] is None or (item["relevant"] and 1 <= item["round"] <= 22), item["id"]
    per_language = Counter(item["language"] for item in items)
    for language in ("en", "ru", "fa", "tr", "ar"):
        assert per_language[language] >= 12, language
    assert per_language["kk"] >= 8
    # Both classes, texts after the topic window, and summits (relevant without a round).
    assert 0.3 < sum(item["relevant"] for item in items) / len(items) < 0.8
    assert any(item["relevant"] and published_of(item).year >= 2025 for item in items)
    assert sum(item["relevant"] and item["round"] is None for item in items) >= 10


def test_heldout_precision_recall_and_round_accuracy(topic: Topic, items: list[dict[str, Any]]) -> None:
    scores = relevance_scores(topic, items)
    print("\n" + scores.line("held-out eval", len(items)))
    print("\n".join(scores.failures))
    assert scores.precision >= 0.95
    assert scores.recall >= 0.95
    assert scores.round_accuracy >= 0.90


# --------------------------------------------------------------------------- the rules behind the figures

_FILLER = (
    "Bread prices in Aleppo doubled this month and the pound fell again, while aid agencies "
    "warned that the winter would be hard for the displaced families living in tents. "
)


def test_process_named_in_one_paragraph_of_a_long_analysis_is_secondary(topic: Topic) -> None:
    paragraphs = [_FILLER * 2 for _ in range(5)]
    paragraphs.insert(2, "The Astana process, led by Russia, Iran and Turkey, has not met since December.")
    judgement = topic.judge(title="Syria's economy in free fall", text="\n".join(paragraphs))
    assert not judgement.relevant, judgement.reason
    assert "secondary mention" in judgement.reason
    # The same paragraph twice, or the topic in the title, makes it the subject again.
    paragraphs.insert(4, "Diplomats expect the next Astana meeting on Syria to focus on Idlib.")
    assert topic.judge(title="Syria's economy in free fall", text="\n".join(paragraphs)).relevant
    assert topic.judge(title="Astana talks stall as Syria's economy falls", text="\n".join(paragraphs[:3])).relevant


def test_title_about_another_subject_makes_a_one_paragraph_mention_secondary(topic: Topic) -> None:
    text = (
        "President Tokayev offered to host talks between Moscow and Kyiv.\n"
        "Officials point to the Astana talks on Syria as proof that the capital is a neutral venue."
    )
    judgement = topic.judge(title="Kazakhstan offers to host Ukraine talks", text=text)
    assert not judgement.relevant and "another subject" in judgement.reason
    assert topic.judge(title="Kazakhstan offers to host talks", text=text).relevant


def test_guarantor_summit_without_the_city_is_relevant_without_round(topic: Topic) -> None:
    judgement = topic.judge(
        title="Erdoğan, Putin ve Ruhani Ankara'da bir araya geldi",
        text="Türkiye, Rusya ve İran liderleri Suriye'deki son durumu görüşmek üzere Ankara'da üçlü zirvede buluştu.",
        published=datetime(2018, 4, 4),
    )
    assert judgement.relevant and judgement.round is None
    assert "guarantor states" in judgement.reason
    # Two of the three are not enough.
    assert not topic.judge(title="", text="Türkiye ve Rusya Suriye'yi görüştü.").relevant


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("Kazakhstan said the next Syria talks will be held in Astana on Dec. 21-22.", datetime(2017, 11, 30), 8),
        ("Очередная встреча по Сирии в астанинском формате пройдет 7-8 июля.", datetime(2021, 6, 22), 16),
        ("Suriye konulu Astana toplantısı 1-2 Ağustos'ta yapılacak.", datetime(2019, 7, 18), 13),
        ("ستعقد محادثات أستانا حول سوريا يومي 11 و12 تشرين الثاني المقبل.", datetime(2024, 10, 25), 22),
        ("On May 4, 2017, Russia, Iran and Turkey signed the Astana memorandum on Syria.", datetime(2026, 5, 4), 4),
    ],
)
def test_round_from_dates_named_in_the_text(topic: Topic, text: str, published: datetime, expected: int) -> None:
    judgement = topic.judge(title="", text=text, published=published)
    assert judgement.relevant
    assert (judgement.round, judgement.round_method) == (expected, "text_date")


def test_named_date_far_from_any_round_gives_no_round(topic: Topic) -> None:
    judgement = topic.judge(
        title="", text="The Astana talks on Syria will resume on 10 March.", published=datetime(2020, 2, 20)
    )
    assert judgement.relevant and judgement.round is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Девятнадцатая встреча по Сирии в астанинском формате открылась.", 19),
        ("Шестнадцатый раунд переговоров по Сирии в Нур-Султане завершился.", 16),
        ("Девятый раунд переговоров по Сирии в Астане завершился.", 9),
    ],
)
def test_longest_ordinal_wins_over_its_prefix(topic: Topic, text: str, expected: int) -> None:
    assert topic.judge(title="", text=text).round == expected


@pytest.mark.parametrize(
    ("text", "relevant"),
    [
        ("تورم در سوریه از آستانه ۲۰۰ درصد گذشت.", False),
        ("در آستانه دیدار وزیر با همتای سوری در دمشق، توافق‌های تازه اعلام شد.", False),
        ("أرسل والي دمشق برقية إلى الآستانة يطلب فيها جنودا لحماية سوريا.", False),
        ("Сириядан оралған балалар елордадағы мектептерде оқиды.", False),
        ("هیئت‌های ایران و روسیه در آستانه درباره سوریه گفتگو کردند.", True),
        ("Елордада Сирия бойынша кездесу басталды. Кепілгер елдер мәлімдеме жасады.", True),
    ],
)
def test_ambiguous_city_spellings_need_grounding(topic: Topic, text: str, relevant: bool) -> None:
    judgement = topic.judge(title="", text=text)
    assert judgement.relevant is relevant, judgement.reason


def test_loader_checks_the_new_fields(tmp_path: Path) -> None:
    from monitor.errors import SeedsError

    for edit, replacement, field in [
        ("    guarantors:\n      russia: [russia,", "    guarantors:\n      Russia!: [russia,", "languages.en.guarantors"),
        ("month_numbers: {1: [january, jan]", "month_numbers: {13: [january, jan]", "languages.en.month_numbers"),
    ]:
        folder = tmp_path / field
        folder.mkdir()
        text = (ROOT / "seeds" / "topic.yaml").read_text(encoding="utf-8")
        assert edit in text
        (folder / "topic.yaml").write_text(text.replace(edit, replacement, 1), encoding="utf-8")
        (folder / "rounds.yaml").write_text((ROOT / "seeds" / "rounds.yaml").read_text(encoding="utf-8"))
        with pytest.raises(SeedsError) as error:
            Topic.load(folder)
        assert error.value.field == field
