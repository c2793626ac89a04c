"""Stage 4, relevance: is the article about the Astana process, why, and which round."""

from __future__ import annotations

import logging
from datetime import datetime

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler

from monitor.context import CrawlContext
from monitor.items import Article

logger = logging.getLogger(__name__)


class RelevancePipeline:
    """Judges the extracted title and body against seeds/topic.yaml; rejected pages keep score and reason."""

    def __init__(self, crawler: Crawler) -> None:
        self.context = CrawlContext.of(crawler)
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RelevancePipeline:
        return cls(crawler)

    def process_item(self, item: Article, spider: object = None) -> Article:
        article = ItemAdapter(item).item
        if article.verdict:
            return article
        page = article.extracted
        source = self.context.sources.get(article.source)
        published = datetime.fromisoformat(article.published) if article.published else None
        judgement = self.context.topic.judge(
            title=page.get("title") or "", text=page.get("text") or "", language=page.get("language"),
            published=published,
        )
        article.judgement = judgement.to_dict()
        language = page.get("language")
        if language and language not in source.languages:
            article.judgement["reason"] += f"; language {language} is not one of {source.name}'s ({', '.join(source.languages)})"
        if judgement.relevant:
            self.context.health(article.source, "relevant")
            self.stats.inc_value("monitor/relevance/relevant")
        else:
            article.verdict, article.reason = "irrelevant", judgement.reason
            self.stats.inc_value("monitor/relevance/irrelevant")
            logger.debug("%s: rejected %s (%.2f: %s)", article.source, article.url, judgement.relevance, judgement.reason)
        return article
