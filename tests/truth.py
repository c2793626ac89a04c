"""Scoring a crawled database against the newsroom's ground truth."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitor.seeds import load_sources
from monitor.urls import normalize_url

OUTLETS = Path(__file__).resolve().parent.parent / "monitor" / "newsroom" / "outlets.yaml"


def truth_by_url(world: Any) -> dict[str, Any]:
    aliases = load_sources(OUTLETS).host_aliases()
    return {normalize_url(a.url, aliases): a for a in world.articles if not getattr(a, "generated", False)}


@dataclass
class Scores:
    stored: int
    relevant_truth: int
    precision: float
    recall: float
    date_accuracy: float
    round_accuracy: float
    false_positives: list[str]
    misses: list[str]

    def line(self) -> str:
        return (f"stored {self.stored}, relevant in truth {self.relevant_truth}: precision {self.precision:.3f}, "
                f"recall {self.recall:.3f}, published day {self.date_accuracy:.3f}, round {self.round_accuracy:.3f}")


def score(rows: list[tuple[Any, ...]], truth: dict[str, Any]) -> Scores:
    """rows: (url, published, round) of stored non-seed articles."""
    relevant = {u for u, a in truth.items() if a.relevant}
    reachable = {u for u in relevant if not getattr(truth[u], "fault", None) or truth[u].fault in ("error-500-once", "cp1251", "windows-1256", "windows-1256-undeclared")}
    stored = {r[0]: r for r in rows}
    hits = [u for u in stored if u in relevant]
    dates = [stored[u][1] and stored[u][1][:10] == truth[u].published.strftime("%Y-%m-%d") for u in hits]
    rounds = [stored[u][2] == truth[u].round for u in hits if truth[u].round is not None]
    return Scores(
        stored=len(stored), relevant_truth=len(reachable),
        precision=len(hits) / max(1, len(stored)), recall=len([u for u in reachable if u in stored]) / max(1, len(reachable)),
        date_accuracy=sum(dates) / max(1, len(dates)), round_accuracy=sum(rounds) / max(1, len(rounds)),
        false_positives=[u for u in stored if u not in relevant], misses=[u for u in reachable if u not in stored],
    )


def pair_scores(groups_found: dict[str, Any], truth: dict[str, Any]) -> tuple[float, float]:
    """Pair precision and recall of story grouping: pairs of stored URLs in one story."""
    def pairs(label: dict[str, Any]) -> set[frozenset[str]]:
        by: dict[Any, list[str]] = {}
        for url, key in label.items():
            if key is not None:
                by.setdefault(key, []).append(url)
        return {frozenset(p) for members in by.values() for p in itertools.combinations(sorted(members), 2)}

    urls = [u for u in groups_found if u in truth]
    found = pairs({u: groups_found[u] for u in urls})
    expected = pairs({u: truth[u].story for u in urls})
    precision = len(found & expected) / len(found) if found else 1.0
    recall = len(found & expected) / len(expected) if expected else 1.0
    return precision, recall
