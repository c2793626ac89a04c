"""The seeds loader: real files load, broken ones give an error naming the file and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.errors import SeedsError
from monitor.seeds import load_seed_articles, load_sources

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
NEWSROOM = Path(__file__).resolve().parent.parent / "monitor" / "newsroom" / "outlets.yaml"


def test_real_sources_load_with_at_least_15_outlets() -> None:
    sources = load_sources(SEEDS / "sources.yaml")
    assert len(sources) >= 15
    for required in ("tabnak", "irna", "tass", "ria", "aa", "aljazeera", "sana", "kazinform", "astanatimes", "unnews"):
        assert required in sources.ids
    assert sources.for_url("https://m.tabnak.ir/fa/news/1").id == "tabnak"
    assert sources.host_aliases()["m.tabnak.ir"] == "www.tabnak.ir"


def test_newsroom_outlets_use_the_same_schema() -> None:
    outlets = load_sources(NEWSROOM)
    assert len(outlets) >= 10
    assert all(host.endswith(".test") for s in outlets for host in s.hosts)


def test_seed_article_metadata() -> None:
    (seed,) = load_seed_articles(SEEDS)
    assert seed.outlet == "tabnak" and seed.language == "en" and seed.round == 4
    assert seed.published.isoformat() == "2017-05-03"
    assert "Astana" in seed.text


def broken_copy(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("sources: [\n  - id: x\n", "line", "invalid YAML"),
        ("sources: []\n", "sources", "non-empty list"),
        ("sources:\n  - name: X\n", "sources[0].id", "required"),
        ("sources:\n  - id: x\n    name: X\n    homepage: ftp://x\n    hosts: [x.test]\n    languages: [en]\n",
         "sources[x].homepage", "http(s) URL"),
        ("sources:\n  - id: x\n    name: X\n    homepage: http://x.test/\n    hosts: [x.test]\n    languages: [xx]\n",
         "sources[x].languages", "unknown language"),
        ("sources:\n  - id: x\n    name: X\n    homepage: http://x.test/\n    hosts: [x.test]\n    languages: [en]\n"
         "    article_pattern: '(['\n", "sources[x].article_pattern", "regular expression"),
        ("sources:\n  - id: x\n    name: X\n    homepage: http://x.test/\n    hosts: [x.test]\n    languages: [en]\n"
         "    timezone: Mars/Olympus\n", "sources[x].timezone", "time zone"),
        ("sources:\n  - id: x\n    name: X\n    homepage: http://x.test/\n    hosts: [x.test]\n    languages: [en]\n"
         "    search: http://x.test/s\n", "sources[x].search", "{query}"),
        ("window: {since: 2020-01-01, until: 2019-01-01}\nsources:\n  - id: x\n", "window.since", "after until"),
    ],
)
def test_broken_sources_name_file_and_field(tmp_path: Path, text: str, field: str, words: str) -> None:
    path = broken_copy(tmp_path, text)
    with pytest.raises(SeedsError) as caught:
        load_sources(path)
    message = str(caught.value)
    assert str(path) in message
    assert field in message
    assert words in message


def test_duplicate_hosts_are_refused(tmp_path: Path) -> None:
    entry = "  - id: {id}\n    name: X\n    homepage: http://x.test/\n    hosts: [x.test]\n    languages: [en]\n"
    path = broken_copy(tmp_path, "sources:\n" + entry.format(id="a") + entry.format(id="b"))
    with pytest.raises(SeedsError, match=r"sources\[b\]\.hosts: host x.test already belongs to a"):
        load_sources(path)


def test_malformed_seed_metadata_is_a_clear_error(tmp_path: Path) -> None:
    shutil.copy(SEEDS / "000_a1bba680803d0dec.txt", tmp_path)
    (tmp_path / "000_a1bba680803d0dec.yaml").write_text("outlet: tabnak\nlanguage: en\npublished: 3 May\n")
    with pytest.raises(SeedsError, match="published: must be a date"):
        load_seed_articles(tmp_path)
    (tmp_path / "000_a1bba680803d0dec.yaml").write_text("outlet: tabnak\nlanguage: en\npublished: 2017-05-03\n"
                                                          "url: https://tabnak.ir/002tfp\nround: four\n")
    with pytest.raises(SeedsError, match="round: must be a round number"):
        load_seed_articles(tmp_path)


def test_missing_seed_metadata_and_bad_names(tmp_path: Path) -> None:
    shutil.copy(SEEDS / "000_a1bba680803d0dec.txt", tmp_path)
    with pytest.raises(SeedsError, match="file not found"):
        load_seed_articles(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("x")
    with pytest.raises(SeedsError, match="NNN_<16 hex digits>"):
        load_seed_articles(other)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_either_valid_or_a_seeds_error(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_sources(path)
    except SeedsError as exc:
        assert str(path) in str(exc)


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300) | st.sampled_from(["languages: 5", "name: x\nlanguages: {en: 3}", "window: [1]", "- a\n- b"]))
def test_any_topic_text_is_either_valid_or_a_seeds_error(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    from monitor.relevance import Topic

    folder = tmp_path_factory.mktemp("topic")
    shutil.copy(SEEDS / "rounds.yaml", folder)
    (folder / "topic.yaml").write_text(text, encoding="utf-8")
    try:
        Topic.load(folder, seed_texts=["x"])
    except SeedsError as exc:
        assert "topic.yaml" in str(exc)
