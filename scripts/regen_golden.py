"""Regenerate tests/golden/: fetch newsroom pages, extract them, write <name>.html and the expected <name>.json."""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.request
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.extraction import extract_page  # noqa: E402
from monitor.newsroom.calendars import TODAY  # noqa: E402
from monitor.newsroom.faults import FAULTS_BY_URL  # noqa: E402
from monitor.newsroom.server import start_newsroom  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
# Every golden page is extracted as if fetched at this instant (dates are relative to it).
FETCHED_AT = TODAY  # the newsroom's "now": its header widgets show this day
SNIPPET = 60
# Special pages: fault name -> (golden name, the Extracted verdict that is the truth).
SPECIAL_FAULTS = {
    "anti-bot-arvancloud": ("block-arvancloud", "blocked"),
    "anti-bot-cloudflare": ("block-cloudflare", "blocked"),
    "cookie-wall": ("consent-wall", "consent"),
    "paywall": ("paywall-teaser", "paywall"),
    "malformed-html": ("malformed-no-article", "empty"),
    "cp1251": ("encoding-cp1251", "article"),
    "windows-1256": ("encoding-windows-1256", "article"),
    "windows-1256-undeclared": ("encoding-windows-1256-undeclared", "article"),
}
LISTING_OUTLETS = ("tabnak", "tass", "aa", "aljazeera")


@dataclass
class Page:
    """One fetched page and what is known to be true about it."""

    name: str
    url: str
    body: bytes
    encoding: str | None
    outlet_id: str
    verdict: str
    truth: Any = None  # the newsroom Article, when there is one


def fetch(proxy_url: str, url: str) -> tuple[bytes, str | None]:
    """GET through the newsroom proxy; the charset from Content-Type, as a crawler sees it."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy_url}))
    with opener.open(url, timeout=30) as response:
        body = response.read()
        charset = response.headers.get_content_charset()
    return body, charset


def expected_fields(page: Page, outlet_name: str, languages: list[str]) -> dict[str, Any]:
    """The truth for the page: from the newsroom's ground truth where it exists."""
    got = extract_page(page.body, url=page.url, languages=languages, fetched_at=FETCHED_AT,
                       encoding=page.encoding, outlet_name=outlet_name)
    expected: dict[str, Any] = {"verdict": page.verdict}
    if page.truth is not None and page.verdict == "article":
        text = "\n".join(page.truth.paragraphs)
        expected.update(
            title=page.truth.title,
            published_day=page.truth.published.astimezone(UTC).date().isoformat(),
            published_method=got.published_method,
            language=page.truth.language,
            text_start=text[:SNIPPET],
            text_end=text[-SNIPPET:],
        )
    observed = observed_fields(got)
    diffs = {k: (v, observed.get(k)) for k, v in expected.items() if observed.get(k) != v}
    return {"expected": expected, "observed_diffs": diffs}


def observed_fields(got: Any) -> dict[str, Any]:
    text = re.sub(r"[ \t]+", " ", got.text)
    return {
        "verdict": got.verdict,
        "title": got.title,
        "published_day": got.published[:10] if got.published else None,
        "published_method": got.published_method,
        "language": got.language,
        "text_start": text[:SNIPPET],
        "text_end": text[-SNIPPET:],
    }


def collect(nr: Any) -> list[Page]:
    world = nr.world
    pages: list[Page] = []
    for outlet_id in sorted(world.outlets):
        live = world.live_articles(outlet_id)
        primary = world.outlet(outlet_id).languages[0]
        relevant = next((a for a in live if a.relevant and a.language == primary), None) or next(
            (a for a in live if a.relevant), None)
        # the off-topic page in another language when the outlet has one: more templates covered
        other = relevant.language if relevant else primary
        offtopic = next((a for a in live if not a.relevant and a.language != other), None) or next(
            (a for a in live if not a.relevant), None)
        picks = [relevant, offtopic]
        for article in filter(None, picks):
            kind = "relevant" if article.relevant else "offtopic"
            body, charset = fetch(nr.proxy_url, article.url)
            pages.append(Page(f"{outlet_id}-{kind}-{article.language}", article.url, body, charset,
                              outlet_id, "article", article))
    for fault_name, (name, verdict) in SPECIAL_FAULTS.items():
        fault = next(f for f in FAULTS_BY_URL.values() if f.name == fault_name)
        body, charset = fetch(nr.proxy_url, fault.url)
        outlet = world.outlet_by_host(fault.url.split("/")[2])
        truth = world.by_id.get(fault.article_id) if fault.article_id else None
        pages.append(Page(name, fault.url, body, charset, outlet.id, verdict, truth))
    for outlet_id in LISTING_OUTLETS:
        outlet = world.outlet(outlet_id)
        body, charset = fetch(nr.proxy_url, outlet.homepage)
        pages.append(Page(f"listing-home-{outlet_id}", outlet.homepage, body, charset, outlet_id, "listing"))
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="report differences, write nothing")
    args = parser.parse_args()
    nr = start_newsroom()
    try:
        pages = collect(nr)
        world = nr.world
        problems = 0
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for page in pages:
            outlet = world.outlet(page.outlet_id)
            result = expected_fields(page, outlet.name, list(outlet.languages))
            record = {
                "url": page.url, "encoding": page.encoding, "outlet_name": outlet.name,
                "languages": list(outlet.languages), "fetched_at": FETCHED_AT.isoformat(),
                **result["expected"],
            }
            if result["observed_diffs"]:
                problems += 1
                print(f"MISMATCH {page.name}:")
                for key, (want, got) in result["observed_diffs"].items():
                    print(f"    {key}: truth={want!r}\n    {' ' * len(key)}  got={got!r}")
            else:
                print(f"ok       {page.name}")
            if not args.check:
                (GOLDEN / f"{page.name}.html").write_bytes(page.body)
                (GOLDEN / f"{page.name}.json").write_text(
                    json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"{len(pages)} pages, {problems} with the extractor disagreeing with the truth")
        return 1 if problems else 0
    finally:
        nr.stop()


if __name__ == "__main__":
    sys.exit(main())
