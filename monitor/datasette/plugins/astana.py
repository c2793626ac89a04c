"""The monitor's Datasette plugin: folded full-text search, a month facet and the coverage timeline."""

from __future__ import annotations

import sqlite3
import sys
from datetime import date, timedelta
from html import escape
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args
from datasette.utils.asgi import Response

# Datasette loads this file by path (--plugins-dir): make the project importable too.
_ROOT = Path(__file__).resolve().parents[3]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from monitor.search import search_form, search_query  # noqa: E402

FTS_TABLE = "articles_fts"
GROUPINGS = {"outlet": "source", "language": "language"}
LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "fa": "Persian", "tr": "Turkish", "ar": "Arabic",
                  "kk": "Kazakh"}
# Colour-blind-friendly categorical palette (Okabe-Ito, then Tableau); the rest is "other".
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
           "#8C564B", "#7F7F7F", "#BCBD22", "#17BECF", "#9467BD", "#2CA02C"]
OTHER_COLOUR = "#C8C8C8"


# --- SQL functions ------------------------------------------------------------------------

def _has_article_search(conn: sqlite3.Connection) -> bool:
    row = conn.execute("select 1 from sqlite_master where name = ?", [FTS_TABLE]).fetchone()
    return row is not None


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection, database: str) -> None:
    conn.create_function("search_query", 1, search_query, deterministic=True)
    conn.create_function("search_form", 1, search_form, deterministic=True)
    # The table search box runs `match escape_fts(:search)`. The index holds folded words
    # and stem keys, so the box must fold the same way: registered after Datasette's own
    # escape_fts (trylast), this one wins, for the monitor's database only.
    if database != "_internal" and _has_article_search(conn):
        conn.create_function("escape_fts", 1, search_query, deterministic=True)


# --- a month facet: ?_facet_month=published ------------------------------------------------

class MonthFacet(Facet):
    """Facet a date column by calendar month (YYYY-MM), filtering with column__startswith."""

    type = "month"

    async def suggest(self) -> list[dict[str, Any]]:
        return []

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        results: list[dict[str, Any]] = []
        timed_out: list[str] = []
        args = dict(self.get_querystring_pairs())
        size = self.get_facet_size()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            sql = f"""
                select substr({escape_sqlite(column)}, 1, 7) as value, count(*) as count
                from ({self.sql}) where {escape_sqlite(column)} glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]*'
                group by value order by value desc limit {size + 1}
            """
            try:
                rows = await self.ds.execute(self.database, sql, self.params, truncate=False,
                                             custom_time_limit=self.ds.setting("facet_time_limit_ms"))
            except Exception:  # a timed-out facet must not break the table page
                timed_out.append(column)
                continue
            key = f"{column}__startswith"
            values = []
            for row in rows.rows[:size]:
                selected = args.get(key) == row["value"]
                path = (path_with_removed_args(self.request, {key: row["value"]}) if selected
                        else path_with_added_args(self.request, {key: row["value"]}))
                values.append({"value": row["value"], "label": row["value"], "count": row["count"],
                               "toggle_url": self.ds.absolute_url(self.request, path), "selected": selected})
            results.append({
                "name": "month" if column == "published" else f"{column} month",
                "type": self.type, "results": values,
                "hideable": source_and_config["source"] != "metadata",
                "toggle_url": path_with_removed_args(self.request, {"_facet_month": column}),
                "truncated": len(rows.rows) > size,
            })
        return results, timed_out


@hookimpl
def register_facet_classes() -> list[type]:
    return [MonthFacet]


# --- the coverage timeline ------------------------------------------------------------------

def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


async def timeline_data(datasette: Any, by: str = "outlet", since: str | None = None,
                        until: str | None = None, database: str | None = None) -> dict[str, Any]:
    """Articles per week (Monday start) per outlet or language, zero-filled, with the rounds."""
    column = GROUPINGS.get(by, "source")
    by = "language" if column == "language" else "outlet"
    db = datasette.get_database(database)
    where = ["published glob '[12][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'"]
    params: dict[str, str] = {}
    since_day, until_day = _parse_day(since), _parse_day(until)
    if since_day:
        where.append("published >= :since")
        params["since"] = since_day.isoformat()
    if until_day:
        where.append("published < :until")
        params["until"] = (until_day + timedelta(days=1)).isoformat()
    rows = (await db.execute(
        f"select date(published, 'weekday 0', '-6 days') as week, coalesce({column}, '?') as key, "
        f"count(*) as n from articles where {' and '.join(where)} group by week, key", params)).rows
    names = await _outlet_names(db) if by == "outlet" else LANGUAGE_NAMES
    weeks = _week_range([r["week"] for r in rows], since_day, until_day)
    index = {w: i for i, w in enumerate(weeks)}
    counts: dict[str, list[int]] = {}
    for row in rows:
        counts.setdefault(row["key"], [0] * len(weeks))[index[row["week"]]] += row["n"]
    series = _series(counts, names)
    totals = [sum(s["counts"][i] for s in series) for i in range(len(weeks))]
    return {
        "database": db.name, "by": by, "since": weeks[0] if weeks else None,
        "until": (date.fromisoformat(weeks[-1]) + timedelta(days=6)).isoformat() if weeks else None,
        "weeks": weeks, "series": series, "totals": totals, "articles": sum(totals),
        "rounds": await _rounds(db, weeks),
    }


async def _outlet_names(db: Any) -> dict[str, str]:
    try:
        return {r["id"]: r["name"] or r["id"] for r in (await db.execute("select id, name from sources")).rows}
    except Exception:  # sources is optional for the chart
        return {}


def _week_range(weeks: list[str], since: date | None, until: date | None) -> list[str]:
    days = [date.fromisoformat(w) for w in weeks if w]
    first = week_start(since) if since else min(days, default=None)
    last = week_start(until) if until else max(days, default=None)
    if first is None or last is None or last < first:
        return []
    return [(first + timedelta(weeks=i)).isoformat() for i in range((last - first).days // 7 + 1)]


def _series(counts: dict[str, list[int]], names: dict[str, str]) -> list[dict[str, Any]]:
    """Biggest first; past the palette, the smallest are summed into one 'other' series."""
    ordered = sorted(counts.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    keep, rest = ordered[:len(PALETTE)], ordered[len(PALETTE):]
    if len(rest) == 1:
        keep, rest = ordered, []
    series = [{"key": k, "label": names.get(k, k), "colour": PALETTE[i % len(PALETTE)], "counts": c}
              for i, (k, c) in enumerate(keep)]
    if rest:
        summed = [sum(col) for col in zip(*(c for _, c in rest), strict=True)]
        series.append({"key": "other", "label": f"{len(rest)} others", "colour": OTHER_COLOUR, "counts": summed})
    return series


async def _rounds(db: Any, weeks: list[str]) -> list[dict[str, Any]]:
    try:
        rows = (await db.execute('select number, start, "end", city from rounds order by number')).rows
    except Exception:  # no rounds table: a chart without marks
        return []
    first = weeks[0] if weeks else ""
    last = (date.fromisoformat(weeks[-1]) + timedelta(days=6)).isoformat() if weeks else ""
    return [{"number": r["number"], "start": r["start"], "end": r["end"], "city": r["city"],
             "week": week_start(date.fromisoformat(r["start"][:10])).isoformat()}
            for r in rows if r["start"] and first <= r["start"][:10] <= last]


def _nice_step(maximum: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if maximum / step <= 6:
            return step
    return 10_000


def render_svg(data: dict[str, Any]) -> str:
    """The stacked weekly bar chart as inline SVG (no JavaScript, no external resources)."""
    weeks = data["weeks"]
    if not weeks:
        return '<p class="timeline-empty">No dated articles in this range.</p>'
    bar = max(2.0, min(16.0, 1100 / len(weeks)))
    left, right, top, bottom, plot_h = 48, 16, 62, 34, 300
    width, height = left + bar * len(weeks) + right, top + plot_h + bottom
    peak = max(data["totals"]) or 1
    step = _nice_step(peak)
    scale_max = step * -(-peak // step)
    y = lambda v: top + plot_h - v * plot_h / scale_max  # noqa: E731 - a tiny local scale
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {width:.0f} {height}" '
             f'width="{width:.0f}" height="{height}" role="img" font-family="sans-serif" font-size="11">',
             f'<title>Articles per week by {escape(data["by"])}</title>']
    for v in range(0, scale_max + 1, step):
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right:.1f}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
                     f'stroke="#e3e3e3"/><text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" fill="#555">{v}</text>')
    parts += _x_axis(weeks, bar, left, top + plot_h)
    # Round marks behind the bars, so a bar in a round's week stays readable.
    parts += _round_marks(data["rounds"], weeks, bar, left, top, plot_h)
    for i, week in enumerate(weeks):
        base = 0
        for s in data["series"]:
            n = s["counts"][i]
            if n:
                x = left + i * bar
                parts.append(f'<rect class="bar" x="{x:.1f}" y="{y(base + n):.1f}" width="{max(bar - 0.6, 1.4):.1f}" '
                             f'height="{y(base) - y(base + n):.1f}" fill="{s["colour"]}"><title>week of {week}: '
                             f'{escape(s["label"])} {n}</title></rect>')
                base += n
    parts.append("</svg>")
    return "\n".join(parts)


def _x_axis(weeks: list[str], bar: float, left: float, base_y: float) -> list[str]:
    parts = [f'<line x1="{left}" x2="{left + bar * len(weeks):.1f}" y1="{base_y}" y2="{base_y}" stroke="#333"/>']
    short = len(weeks) <= 110  # under two years: ticks for months, else for years
    previous, last_label_x = "", -100.0
    for i, week in enumerate(weeks):
        period = week[:7] if short else week[:4]
        if period == previous:
            continue
        previous, x = period, left + i * bar
        day = date.fromisoformat(week)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{base_y}" y2="{base_y + 5}" stroke="#333"/>')
        if x - last_label_x >= 38:  # labels never overlap: a crowded tick goes unlabelled
            text = (day.strftime("%b %Y") if i == 0 or day.month == 1 else day.strftime("%b")) if short \
                else period
            parts.append(f'<text class="tick" x="{x + 2:.1f}" y="{base_y + 17}" fill="#333">{text}</text>')
            last_label_x = x + (30 if " " in text else 0)
    return parts


def _round_marks(rounds: list[dict[str, Any]], weeks: list[str], bar: float, left: float,
                 top: float, plot_h: float) -> list[str]:
    index = {w: i for i, w in enumerate(weeks)}
    parts, last_x, row = [], -100.0, 0
    for r in rounds:
        if r["week"] not in index:
            continue
        x = left + index[r["week"]] * bar + bar / 2
        row = row + 1 if x - last_x < 22 and row < 3 else 0  # stagger labels that would touch
        last_x = x
        label_y = top - 8 - row * 13
        tip = f'Round {r["number"]}: {r["start"]} to {r["end"]}, {r["city"] or ""}'
        parts.append(f'<g class="round"><title>{escape(tip)}</title>'
                     f'<line class="round-mark" x1="{x:.1f}" x2="{x:.1f}" y1="{label_y + 3}" y2="{top + plot_h}" '
                     f'stroke="#B2182B" stroke-dasharray="3,2" stroke-width="1"/>'
                     f'<text class="round-label" x="{x:.1f}" y="{label_y}" text-anchor="middle" fill="#B2182B" '
                     f'font-weight="bold">{r["number"]}</text></g>')
    return parts


async def timeline_json(datasette: Any, request: Any) -> Response:
    data = await timeline_data(datasette, request.args.get("by", "outlet"), request.args.get("since"),
                               request.args.get("until"), request.args.get("database"))
    return Response.json(data)


async def timeline_page(datasette: Any, request: Any) -> Response:
    data = await timeline_data(datasette, request.args.get("by", "outlet"), request.args.get("since"),
                               request.args.get("until"), request.args.get("database"))
    context = {"data": data, "svg": render_svg(data), "query_string": request.query_string}
    html = await datasette.render_template("timeline.html", context, request=request)
    return Response.html(html)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/timeline$", timeline_page), (r"^/-/timeline\.json$", timeline_json)]


@hookimpl
def menu_links(datasette: Any) -> list[dict[str, str]]:
    return [{"href": datasette.urls.path("/-/timeline"), "label": "Coverage timeline"}]


# Thirty-odd column descriptions would push the rows off the first screen: fold them away.
FOLD_COLUMN_DESCRIPTIONS = """
document.querySelectorAll('dl.column-descriptions').forEach(function (dl) {
  var details = document.createElement('details');
  var summary = document.createElement('summary');
  summary.textContent = 'What the ' + dl.querySelectorAll('dt').length + ' columns mean';
  dl.parentNode.insertBefore(details, dl);
  details.appendChild(summary);
  details.appendChild(dl);
});
"""


@hookimpl
def extra_body_script(template: str) -> str:
    return FOLD_COLUMN_DESCRIPTIONS if template == "table.html" else ""
