"""Datasette on a database the real crawler wrote: canned queries, facets, search and the chart's data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Crawl
from tests.test_datasette import Server, running_datasette

QUERIES = ("coverage_per_round_and_outlet", "new_since_last_crawl", "syndicated_stories", "source_health",
           "seed_and_most_similar", "articles_per_week")


@pytest.fixture(scope="module")
def served(crawled: Crawl) -> Iterator[Server]:
    with running_datasette(crawled.db) as server:
        yield server


@pytest.mark.parametrize("query", QUERIES)
def test_canned_queries_answer_on_crawled_data(served: Server, query: str) -> None:
    rows = served.rows(f"/astana/{query}")
    assert rows, f"{query} returned no rows on the crawled database"


def test_facets_on_crawled_articles(served: Server, crawled: Crawl) -> None:
    data = served.json("/astana/articles.json", _facet=["source", "language", "round"])
    facets = data["facet_results"]
    facets = facets.get("results", facets)
    sources = {f["value"]: f["count"] for f in facets["source"]["results"]}
    expected = dict(crawled.rows("SELECT source, count(*) FROM articles GROUP BY source"))
    assert sources == expected


@pytest.mark.parametrize("term", ["Астана", "آستانه", "Astana", "أستانا", "Suriye"])
def test_multilingual_search_finds_crawled_articles(served: Server, term: str) -> None:
    assert served.rows("/astana/search", q=term)


def test_timeline_counts_match_the_database(served: Server, crawled: Crawl) -> None:
    data = served.json("/-/timeline.json", by="language")
    total = sum(sum(series["counts"]) for series in data["series"])
    expected = crawled.rows("SELECT count(*) FROM articles WHERE published IS NOT NULL")[0][0]
    assert total == expected
