"""Scores the evaluation tests share: body token F1, and relevance precision, recall and round accuracy."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from monitor.relevance import Judgement, Topic


def _tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.casefold()))


def token_f1(got: str, truth: str) -> float:
    a, b = _tokens(got), _tokens(truth)
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def published_of(item: dict[str, Any]) -> datetime:
    value = item["published"]
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return datetime(day.year, day.month, day.day)


def judge_item(topic: Topic, item: dict[str, Any]) -> Judgement:
    return topic.judge(title=item["title"], text=item["text"], language=item["language"],
                       published=published_of(item))


@dataclass
class RelevanceScores:
    precision: float
    recall: float
    round_accuracy: float
    rounds_right: int
    rounds_total: int
    failures: list[str] = field(default_factory=list)

    def line(self, label: str, count: int) -> str:
        return (f"{label} over {count} texts: precision {self.precision:.3f}, recall {self.recall:.3f},"
                f" round accuracy {self.round_accuracy:.3f} ({self.rounds_right}/{self.rounds_total})")


def relevance_scores(topic: Topic, items: list[dict[str, Any]]) -> RelevanceScores:
    """Judge every labelled text; count hits, misses and rounds, keeping each failure's reason."""
    tp = fp = fn = rounds_right = rounds_total = 0
    failures = []
    for item in items:
        judgement = judge_item(topic, item)
        if judgement.relevant and item["relevant"]:
            tp += 1
        elif judgement.relevant:
            fp += 1
            failures.append(f"FP {item['id']}: {judgement.reason}")
        elif item["relevant"]:
            fn += 1
            failures.append(f"FN {item['id']}: {judgement.reason}")
        if item["relevant"] and item["round"] is not None:
            rounds_total += 1
            if judgement.round == item["round"]:
                rounds_right += 1
            else:
                failures.append(f"round {item['id']}: {judgement.round} ({judgement.round_method}),"
                                f" expected {item['round']}")
    return RelevanceScores(
        precision=tp / (tp + fp) if tp + fp else 0.0, recall=tp / (tp + fn) if tp + fn else 0.0,
        round_accuracy=rounds_right / rounds_total if rounds_total else 0.0,
        rounds_right=rounds_right, rounds_total=rounds_total, failures=failures,
    )
