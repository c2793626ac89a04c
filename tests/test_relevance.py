"""Tests of the relevance decision: the labelled evaluation set, traps, rounds, loader errors."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.errors import SeedsError
from monitor.relevance import Topic
from tests.scoring import relevance_scores

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
EVAL = Path(__file__).parent / "data" / "relevance_eval.yaml"
SEED_NAME = "000_a1bba680803d0dec.txt"


def _seed_path() -> Path:
    local = SEEDS / SEED_NAME
    return local if local.exists() else Path("/work/shared/seeds") / SEED_NAME


@pytest.fixture(scope="module")
def topic() -> Topic:
    return Topic.load(SEEDS)


@pytest.fixture(scope="module")
def items() -> list[dict[str, Any]]:
    return yaml.safe_load(EVAL.read_text(encoding="utf-8"))["items"]


def test_eval_set_is_big_and_balanced(items: list[dict[str, Any]]) -> None:
    per_language: dict[str, int] = {}
    for item in items:
        per_language[item["language"]] = per_language.get(item["language"], 0) + 1
    assert len(items) >= 130
    assert len({item["id"] for item in items}) == len(items)
    assert sum(item["hard"] for item in items) >= 45
    for language in ("en", "ru", "fa", "tr", "ar"):
        assert per_language[language] >= 15, language
    assert per_language["kk"] >= 8


def test_precision_recall_and_round_accuracy(topic: Topic, items: list[dict[str, Any]]) -> None:
    scores = relevance_scores(topic, items)
    print("\n" + scores.line("relevance eval", len(items)))
    print("\n".join(scores.failures))
    assert scores.precision >= 0.95
    assert scores.recall >= 0.95
    assert scores.round_accuracy >= 0.90


def test_seed_article_is_relevant_with_round_4(topic: Topic) -> None:
    judgement = topic.judge(
        title="",
        text=_seed_path().read_text(encoding="utf-8"),
        language="en",
        published=datetime(2017, 5, 3, 9, 0),
    )
    assert judgement.relevant
    assert judgement.round == 4
    assert judgement.round_method == "ordinal"
    assert judgement.relevance > 0.9


def test_seed_round_from_text_alone(topic: Topic) -> None:
    judgement = topic.judge(title="", text=_seed_path().read_text(encoding="utf-8"))
    assert (judgement.round, judgement.round_method) == (4, "ordinal")


TRAPS = [
    ("FC Astana win the league", "FC Astana beat Kairat 2-0 at the Astana Arena on Sunday."),
    ("Astana cycling team signs sprinter", "The Astana Qazaqstan Team will ride the Tour de France."),
    ("Expo 2017 opens", "Expo 2017 in Astana welcomed its first visitors."),
    ("SCO summit", "Leaders arrived in Astana for the SCO summit."),
    ("Nazarbayev speech", "Nursultan Nazarbayev spoke in Astana about the economy."),
    ("Forum opens", "The Astana International Forum discussed climate finance."),
    ("Air Astana results", "Air Astana reported record passenger numbers."),
    ("Nur Otan congress", "Nur Otan held its party congress in Astana."),
    ("Opera season", "Astana Opera opened its season with a new ballet."),
    ("Startups", "Astana Hub selected forty start-ups for its accelerator."),
    ("AIFC rules", "The AIFC in Astana published new listing rules."),
    ("بارندگی", "بارش باران در آستانه اشرفیه ادامه دارد."),
    ("اقتصاد", "اقتصاد در آستانه تحمل فشار تحریم‌ها است."),
    ("سفر", "در آستانه سفر وزیر به دمشق، سوریه آماده میزبانی شد."),
    ("التاريخ", "كانت الأستانة عاصمة الدولة العثمانية وكان وجهاء سوريا يزورونها."),
    ("منصة", "اجتمع معارضون سوريون في ما عرف بمنصة أستانا."),
    ("ФК", "ФК «Астана» вышел в групповой этап Лиги чемпионов."),
    ("ШОС", "Саммит ШОС прошёл в Астане."),
]


@pytest.mark.parametrize(("title", "text"), TRAPS)
def test_each_trap_alone_is_rejected(topic: Topic, title: str, text: str) -> None:
    judgement = topic.judge(title=title, text=text, published=datetime(2018, 6, 1))
    assert not judgement.relevant, judgement.reason
    assert any(term["kind"] == "trap" for term in judgement.matched_terms) or "Syria" in judgement.reason


def test_single_passing_mention_in_long_text_is_rejected(topic: Topic) -> None:
    filler = (
        "The ministry said the harvest of wheat was larger than last year and that prices for "
        "bread would remain stable through the winter, while farmers asked for new credit lines. "
    )
    paragraphs = [filler * 2 for _ in range(6)]
    paragraphs.insert(
        3, "The minister, who once flew through Astana, also spoke about Syria briefly. " + filler
    )
    judgement = topic.judge(title="Grain harvest beats forecasts", text="\n".join(paragraphs))
    assert not judgement.relevant, judgement.reason
    assert "passing" in judgement.reason


def test_short_anchor_and_syria_paragraph_is_relevant(topic: Topic) -> None:
    judgement = topic.judge(title="", text="Syria's government delegation arrived in Astana on Sunday.")
    assert judgement.relevant


def test_matched_terms_shape(topic: Topic) -> None:
    judgement = topic.judge(
        title="Astana talks on Syria", text="Russia, Iran and Turkey discussed de-escalation zones in Astana."
    )
    assert judgement.matched_terms
    for term in judgement.matched_terms:
        assert set(term) == {"term", "kind", "field", "count"}
        assert term["field"] in ("title", "text")
        assert term["count"] >= 1
    kinds = {(t["kind"], t["field"]) for t in judgement.matched_terms}
    assert ("process", "title") in kinds and ("process", "text") in kinds
    assert ("syria", "title") in kinds


def test_persian_threshold_needs_context(topic: Topic) -> None:
    eve = topic.judge(title="", text="قیمت‌ها در آستانه عید افزایش یافت.")
    talks = topic.judge(title="", text="نمایندگان ایران و روسیه در آستانه درباره سوریه گفتگو کردند.")
    assert not eve.relevant
    assert talks.relevant


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The fourth round of the Astana talks on Syria opened.", 4),
        ("Syria: round 9 of the Astana process ended.", 9),
        ("Syria delegations met at Astana-10 in Sochi.", 10),
        ("Делегации Сирии прибыли на 20-й раунд в Астане.", 20),
        ("Астана-7: переговоры по Сирии завершились.", 7),
        ("دور چهارم مذاکرات آستانه درباره سوریه آغاز شد.", 4),
        ("نشست چهاردهم روند آستانه درباره سوریه برگزار شد.", 14),
        ("Suriye konulu 21. toplantı Astana'da yapıldı.", 21),
        ("Astana'da dördüncü tur Suriye görüşmeleri başladı.", 4),
        ("انطلقت الجولة الرابعة من محادثات أستانا حول سوريا.", 4),
        ("انطلقت الجولة الـ20 من محادثات أستانا حول سوريا.", 20),
        ("Сирия бойынша Астана процесінің төртінші раунды басталды.", 4),
    ],
)
def test_round_from_ordinals(topic: Topic, text: str, expected: int) -> None:
    judgement = topic.judge(title="", text=text)
    assert judgement.relevant
    assert (judgement.round, judgement.round_method) == (expected, "ordinal")


def test_round_from_date_and_dateline_is_not_an_ordinal(topic: Topic) -> None:
    judgement = topic.judge(
        title="",
        text="ASTANA, 14 September: Syria talks resumed in Astana.",
        published=datetime(2018, 11, 27),
    )
    assert (judgement.round, judgement.round_method) == (11, "date")


def test_implausible_ordinal_loses_to_date(topic: Topic) -> None:
    # A "20th" round cannot be reported in 2017: the date decides.
    judgement = topic.judge(
        title="", text="The 20th meeting on Syria opened in Astana.", published=datetime(2017, 7, 4)
    )
    assert (judgement.round, judgement.round_method) == (5, "date")


def test_no_round_far_from_any_round(topic: Topic) -> None:
    judgement = topic.judge(
        title="", text="Syria was discussed again by the Astana guarantors.", published=datetime(2020, 6, 1)
    )
    assert judgement.relevant and judgement.round is None


def test_every_language_has_queries(topic: Topic) -> None:
    assert {"en", "ru", "fa", "tr", "ar", "kk"} <= set(topic.languages())
    for language in topic.languages():
        assert topic.queries(language), language
    assert topic.queries("xx") == []


def test_topic_fields_and_rounds(topic: Topic) -> None:
    assert topic.since == date(2017, 1, 1) and topic.until == date(2024, 12, 31)
    assert [r.number for r in topic.rounds] == list(range(1, 23))
    assert topic.rounds[9].city == "Sochi" and topic.rounds[14].city == "Sochi"
    assert all(r.start <= r.end and r.outcome for r in topic.rounds)


def _broken(tmp_path: Path, edit: str, replacement: str, file: str = "topic.yaml") -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for name in ("topic.yaml", "rounds.yaml"):
        shutil.copy(SEEDS / name, folder / name)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert edit in text
    path.write_text(text.replace(edit, replacement, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("edit", "replacement", "field"),
    [
        ("name: Astana process", "title: Astana process", "name"),
        ("since: 2017-01-01", "since: 2017-13-01", "window.since"),
        ("  kk:\n", "  xx:\n", "languages.xx"),
        (
            "    query: [Astana Syria talks, Astana process Syria, Nur-Sultan Syria talks, de-escalation zones Astana]",
            "    query: []",
            "languages.en.query",
        ),
        ("    syria: [syria*, damascus, idlib, assad]", "    syria: syria", "languages.en.syria"),
        ("    syria: [syria*, damascus, idlib, assad]", "    syriaa: [syria]", "languages.en.syriaa"),
        ("languages:\n", "languages: [\n", "-"),
    ],
)
def test_loader_errors_name_file_and_field(tmp_path: Path, edit: str, replacement: str, field: str) -> None:
    folder = _broken(tmp_path, edit, replacement)
    with pytest.raises(SeedsError) as error:
        Topic.load(folder)
    assert error.value.file.endswith("topic.yaml")
    assert error.value.field == field
    assert "topic.yaml" in str(error.value) and field in str(error.value)


def test_loader_error_in_rounds_file(tmp_path: Path) -> None:
    folder = _broken(tmp_path, "start: 2017-05-03", "start: May 3rd", file="rounds.yaml")
    with pytest.raises(SeedsError) as error:
        Topic.load(folder)
    assert error.value.file.endswith("rounds.yaml")
    assert error.value.field == "rounds[3].start"


def test_missing_topic_file(tmp_path: Path) -> None:
    with pytest.raises(SeedsError) as error:
        Topic.load(tmp_path)
    assert error.value.file.endswith("topic.yaml")


def test_judging_is_fast(topic: Topic) -> None:
    import time

    words = _seed_path().read_text(encoding="utf-8").split()[:400]
    text = "\n".join(" ".join(words[i : i + 80]) for i in range(0, 400, 80))
    topic.judge(title="x", text=text)
    runs = 50
    start = time.perf_counter()
    for _ in range(runs):
        topic.judge(title="x", text=text)
    per_call = (time.perf_counter() - start) / runs
    # Generous bound for a shared, loaded machine; typical is about 1 ms.
    assert per_call < 0.01
