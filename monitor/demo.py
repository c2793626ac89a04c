"""`monitor demo`: start the bundled newsroom, crawl it with the real spiders, summarise the database."""

from __future__ import annotations

from monitor import db as dbmod
from monitor.config import Config
from monitor.crawl import newsroom_settings, project_settings, run_spiders
from monitor.lock import CrawlLock
from monitor.report import summary


def run_demo(config: Config, spiders: list[str]) -> int:
    from monitor.cli import setup_logging
    from monitor.newsroom.server import start_newsroom

    setup_logging(quiet=True, log_file=None)
    with CrawlLock(config.db), start_newsroom() as newsroom:
        print(f"newsroom: {len(newsroom.world.articles)} articles on 127.0.0.1:{newsroom.port}; crawling ...",
              flush=True)
        overrides = {**config.scrapy_settings(), **newsroom_settings(newsroom.proxy_url), "LOG_LEVEL": "WARNING"}
        # The newsroom's archive goes back to 2017: every spider backfills the whole topic window.
        run_spiders(spiders, project_settings(overrides), {"since": "2017-01-01"})
    db = dbmod.connect(config.db)
    print(summary(db))
    print(f"\nDatabase: {config.db}. Browse it with `make serve` (or `monitor serve --db {config.db}`), "
          "then open http://127.0.0.1:8001/")
    return 0
