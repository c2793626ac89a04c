"""`monitor extract`: one saved page through extraction, dates and relevance, as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from monitor.context import NEWSROOM_SOURCES
from monitor.dates import date_flag
from monitor.extraction import extract_page
from monitor.relevance import Topic
from monitor.seeds import Source, Sources, load_sources
from monitor.urls import url_date

MAX_FILE_BYTES = 8 * 1024 * 1024
FIELDS = ("title", "author", "published", "published_method", "modified", "language", "text", "verdict",
          "relevant", "relevance", "matched_terms", "round")


class Inspector:
    """Holds the topic and the outlets, so a manifest of many pages loads them once."""

    def __init__(self, seeds_dir: Path, sources_file: Path | None = None) -> None:
        self.topic = Topic.load(seeds_dir)
        self.sources: list[Sources] = [load_sources(sources_file or seeds_dir / "sources.yaml")]
        if NEWSROOM_SOURCES.exists():
            self.sources.append(load_sources(NEWSROOM_SOURCES))

    def source_for(self, url: str) -> Source | None:
        for sources in self.sources:
            found = sources.for_url(url)
            if found is not None:
                return found
        return None

    def inspect(self, path: Path, url: str) -> dict[str, Any]:
        """Never raises: a page that cannot be read gives a JSON object with an `error` field."""
        try:
            return self._inspect(path, url)
        except Exception as exc:  # noqa: BLE001 - the contract is JSON out, never a traceback
            return {"url": url, "path": str(path), "error": f"{type(exc).__name__}: {exc}"}

    def _inspect(self, path: Path, url: str) -> dict[str, Any]:
        with path.open("rb") as handle:
            body = handle.read(MAX_FILE_BYTES + 1)
        if len(body) > MAX_FILE_BYTES:
            return {"url": url, "path": str(path), "error": f"file larger than {MAX_FILE_BYTES} bytes"}
        source = self.source_for(url)
        languages = source.languages if source else tuple(self.topic.languages())
        extracted = extract_page(body, url=url, languages=languages, timezone=source.timezone if source else None,
                                 fetched_at=datetime.now(UTC), outlet_name=source.name if source else None)
        result: dict[str, Any] = {"url": url, "source": source.id if source else None}
        result.update(extracted.to_dict())
        if not result.get("published"):
            day = url_date(url)
            if day is not None:
                result["published"] = datetime(day.year, day.month, day.day, 12, tzinfo=UTC).isoformat()
                result["published_method"] = "url"
        published = datetime.fromisoformat(result["published"]) if result.get("published") else None
        result["date_flag"] = (date_flag(published, since=self.topic.since, until=self.topic.until, now=datetime.now(UTC))
                               if published else "undated")
        judgement = self.topic.judge(
            title=extracted.title or "", text=extracted.text or "", language=extracted.language, published=published).to_dict()
        if extracted.verdict != "article":
            # Not an article: nothing is relevant, and the extraction's reason is the one that matters.
            judgement["relevant"] = False
            judgement.pop("reason")
            if extracted.verdict in ("error", "empty"):
                result["error"] = f"{extracted.verdict}: {extracted.reason}"
        result.update(judgement)
        return result


def read_manifest(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """(line number, {"path", "url"} or None, error) for each non-empty line."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError as exc:
                yield number, None, f"line {number}: not JSON ({exc})"
                continue
            if not isinstance(entry, dict) or not isinstance(entry.get("path"), str) or not isinstance(entry.get("url"), str):
                yield number, None, f'line {number}: expected {{"path": ..., "url": ...}}'
                continue
            yield number, entry, None


def dumps(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False, default=str)
