"""Health: did a run succeed, and is any outlet drifting (no articles, extraction or dates failing)?"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlite_utils

RECENT_RUNS = 5
DROP_FACTOR = 0.5   # a rate falling below half its usual value is drift


@dataclass
class Problem:
    source: str
    message: str


def run_problems(db: sqlite_utils.Database, crawl_ids: list[int], error_rate_threshold: float) -> list[Problem]:
    """What made these runs unhealthy: failed runs, outlets that failed entirely, too many errors."""
    problems: list[Problem] = []
    if not crawl_ids:
        return [Problem("-", "no crawl was recorded")]
    marks = ",".join("?" * len(crawl_ids))
    for row in db.execute(f"SELECT id, spider, status, message FROM crawls WHERE id IN ({marks})", crawl_ids):
        if row[2] != "ok":
            problems.append(Problem("-", f"crawl {row[0]} ({row[1]}) ended {row[2]}: {row[3] or 'no reason given'}"))
    totals: dict[str, list[int]] = {}
    for source, listed, fetched, errors, listing_errors in db.execute(
        f"SELECT source, sum(listed), sum(fetched), sum(errors), sum(listing_errors) FROM source_runs "
        f"WHERE crawl_id IN ({marks}) GROUP BY source", crawl_ids,
    ):
        totals[source] = [listed or 0, fetched or 0, errors or 0, listing_errors or 0]
    for source, (listed, fetched, errors, listing_errors) in sorted(totals.items()):
        if (errors or listing_errors) and listed == 0 and fetched == 0:
            problems.append(Problem(source, f"failed entirely: {errors + listing_errors} error(s), "
                                            "nothing listed or fetched"))
        elif fetched and errors / fetched > error_rate_threshold:
            problems.append(Problem(source, f"error rate {errors}/{fetched} above {error_rate_threshold:.0%}"))
    return problems


@dataclass
class SourceHealth:
    source: str
    last_success: str | None
    runs: int
    fetched: int
    extracted_rate: float | None
    dated_rate: float | None
    relevant_rate: float | None
    median_words: int | None
    articles: int
    last_article: str | None
    status: str


def ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def source_health(db: sqlite_utils.Database, drift_days: int = 14, now: datetime | None = None) -> list[SourceHealth]:
    """Per outlet: last success, recent rates against the earlier ones, and a drift verdict."""
    now = now or datetime.now(UTC)
    result: list[SourceHealth] = []
    for (source,) in db.execute("SELECT id FROM sources ORDER BY id"):
        runs = db.execute(
            "SELECT fetched, extracted, dated, relevant, stored, median_words, finished FROM source_runs "
            "WHERE source = ? ORDER BY crawl_id DESC", [source],
        ).fetchall()
        recent, earlier = runs[:RECENT_RUNS], runs[RECENT_RUNS:]
        fetched = sum(r[0] or 0 for r in recent)
        rates = [ratio(sum(r[i] or 0 for r in recent), fetched) for i in (1, 2, 3)]
        before_fetched = sum(r[0] or 0 for r in earlier)
        before = [ratio(sum(r[i] or 0 for r in earlier), before_fetched) for i in (1, 2)]
        last_success = next((r[6] for r in runs if (r[1] or 0) > 0), None)
        articles, last_article = db.execute(
            "SELECT count(*), max(first_seen) FROM articles WHERE source = ? AND is_seed = 0", [source]
        ).fetchone()
        status = "ok"
        if not runs:
            status = "never crawled"
        elif articles and last_article and datetime.fromisoformat(last_article) < now - timedelta(days=drift_days) \
                and any((r[0] or 0) > 0 for r in recent):
            status = f"drift: no new article for {drift_days}+ days"
        for name, now_rate, then_rate in (("extraction", rates[0], before[0]), ("date", rates[1], before[1])):
            if now_rate is not None and then_rate and now_rate < then_rate * DROP_FACTOR:
                status = f"drift: {name} rate {now_rate:.0%} (was {then_rate:.0%})"
                break  # pages that stop extracting lose their dates too: name the first cause
        median = [r[5] for r in recent if r[5]]
        result.append(SourceHealth(source, last_success, len(runs), fetched, rates[0], rates[1], rates[2],
                                   sorted(median)[len(median) // 2] if median else None, articles, last_article, status))
    return result


def format_table(rows: list[SourceHealth]) -> str:
    def pct(v: float | None) -> str:
        return "-" if v is None else f"{v:.0%}"

    lines = [f"{'source':<18} {'status':<42} {'runs':>4} {'fetched':>7} {'extr':>5} {'dated':>5} {'relev':>5} "
             f"{'words':>5} {'articles':>8}  last success"]
    for r in rows:
        lines.append(f"{r.source:<18} {r.status[:42]:<42} {r.runs:>4} {r.fetched:>7} {pct(r.extracted_rate):>5} "
                     f"{pct(r.dated_rate):>5} {pct(r.relevant_rate):>5} {r.median_words or '-':>5} {r.articles:>8}  "
                     f"{r.last_success or '-'}")
    return "\n".join(lines)


def to_json(rows: list[SourceHealth]) -> str:
    return json.dumps([r.__dict__ for r in rows], ensure_ascii=False, indent=1)
