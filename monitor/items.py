"""The one item that flows through the pipelines: a fetched page and what became of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Article:
    """A fetched page on its way to the database; each stage fills its own fields."""

    # Set by the spider
    url: str                       # the URL fetched (after redirects)
    source: str                    # outlet id from seeds/sources.yaml
    discovered_via: str            # feed | sitemap | search | archive
    requested_url: str = ""        # the URL as listed, before redirects
    redirect_urls: list[str] = field(default_factory=list)
    listing: dict[str, Any] = field(default_factory=dict)   # title/date/keywords from the feed or sitemap
    status: int = 200
    fetched_at: str = ""
    body: bytes = b""
    encoding: str | None = None
    snapshot_url: str | None = None   # archive: the snapshot fetched
    snapshot_time: str | None = None
    # Set by the pipelines
    canonical_url: str = ""
    aliases: list[tuple[str, str]] = field(default_factory=list)   # (url, kind)
    extracted: dict[str, Any] = field(default_factory=dict)
    published: str | None = None
    published_method: str | None = None
    published_raw: str | None = None
    published_day: str | None = None
    date_flag: str | None = None
    judgement: dict[str, Any] = field(default_factory=dict)
    verdict: str = ""              # stored | updated | irrelevant | duplicate | blocked | ...
    reason: str = ""
    article_id: int | None = None
    text_hash: str = ""
    signature: bytes = b""
    story_id: int | None = None
    duplicate_of: int | None = None
    credit: str | None = None         # the wire agency the text credits
    story_updates: dict[int, int] = field(default_factory=dict)   # other articles moved to a story
