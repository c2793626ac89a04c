"""Scrapy settings: polite crawling of the configured outlets into the SQLite database."""

from __future__ import annotations

import os

from monitor import __version__

BOT_NAME = "astana-monitor"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Deployment: one place, each overridable with -s NAME=value or the environment.
MONITOR_DB = os.environ.get("MONITOR_DB", "astana.db")
MONITOR_SEEDS = os.environ.get("MONITOR_SEEDS", "seeds")
MONITOR_CONTACT = os.environ.get("MONITOR_CONTACT", "https://github.com/astana-monitor/astana-monitor")
# Test mode lets the crawler reach the newsroom simulator on 127.0.0.1 through MONITOR_PROXY;
# production never fetches private or loopback addresses.
MONITOR_TEST_MODE = os.environ.get("MONITOR_TEST_MODE", "") == "1"
MONITOR_PROXY = os.environ.get("MONITOR_PROXY", "")
MONITOR_ARCHIVE_URL = os.environ.get("MONITOR_ARCHIVE_URL", "https://web.archive.org")
MONITOR_FEED_DAYS = 3             # feeds look back this many days unless -a since=... is given
MONITOR_RETRY_ERRORS_AFTER_HOURS = 24
MONITOR_EXTRACT_WORKERS = int(os.environ.get("MONITOR_EXTRACT_WORKERS", "0"))  # 0 = one per core
MONITOR_BATCH_SIZE = 100          # rows per write transaction
MONITOR_SEARCH_MAX_PAGES = 20
MONITOR_ARCHIVE_LIMIT = 2000      # snapshots per outlet and run
MONITOR_PROGRESS_SECONDS = 10     # one progress line this often (INFO); 0 turns it off

USER_AGENT = f"AstanaMonitor/{__version__} (+{MONITOR_CONTACT})"

ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "scrapy.robotstxt.ProtegoRobotParser"

CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.5
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024   # larger responses are cut off and recorded as errors
DOWNLOAD_WARNSIZE = 3 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 6
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REFERER_ENABLED = True
REFERRER_POLICY = "no-referrer"   # outlets learn nothing about where a link was found
TWISTED_DNS_RESOLVER = "monitor.netguard.PublicOnlyResolver"
DNS_TIMEOUT = 20

DOWNLOADER_MIDDLEWARES = {
    "monitor.middlewares.NetGuardMiddleware": 50,
    "monitor.middlewares.RetryAfterMiddleware": 560,  # sees responses before RetryMiddleware (550)
    "monitor.middlewares.NewsroomProxyMiddleware": 740,  # before HttpProxyMiddleware (750)
}

ITEM_PIPELINES = {
    "pipelines.canonical.CanonicalPipeline": 100,
    "pipelines.extract.ExtractPipeline": 200,
    "pipelines.dates.DatesPipeline": 250,
    "pipelines.relevance.RelevancePipeline": 300,
    "pipelines.dedup.DedupPipeline": 400,
    "pipelines.store.StorePipeline": 900,
}

EXTENSIONS = {
    "monitor.runs.CrawlRecorder": 500,
    "monitor.progress.Progress": 510,
}

LOG_LEVEL = os.environ.get("MONITOR_LOG_LEVEL", "INFO")
LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
