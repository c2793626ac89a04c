"""The `monitor` command: crawl, demo, newsroom, serve, extract, rescore, health, config, report."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from monitor.config import ENVIRONMENT, Config
from monitor.errors import MonitorError

EXIT_OK, EXIT_UNHEALTHY, EXIT_USAGE, EXIT_DATABASE, EXIT_LOCKED = 0, 1, 2, 3, 75

CRAWL_HELP = f"""\
Run the spiders in this process against the configured outlets: what cron calls.

Lock: only one crawl runs per database. A second `monitor crawl` started while one runs
exits at once with status {EXIT_LOCKED} and says which process holds the lock (`<db>.lock`).
The lock is an flock, released by the kernel when its holder dies, so a lock left by a
killed run is detected and taken over by the next run (the log says so).

Exit status: {EXIT_OK} healthy; {EXIT_UNHEALTHY} a source failed entirely, the error rate passed
--error-rate, or a spider did not finish; {EXIT_USAGE} bad arguments or seeds; {EXIT_DATABASE} the database
cannot be opened or written; {EXIT_LOCKED} another crawl holds the lock. The log says which.

Outlets: --sources FILE crawls the outlets of another sources file (same schema as
seeds/sources.yaml), e.g. to backfill one new outlet before adding it to the seeds.
"""


def check_seeds(config: Config, sources_file: Path | None = None) -> None:
    """Load and validate the seeds before any crawl starts: a clear error instead of a traceback."""
    from monitor.relevance import Topic
    from monitor.seeds import load_seed_articles, load_sources

    load_sources(sources_file or config.seeds / "sources.yaml")
    load_seed_articles(config.seeds)
    Topic.load(config.seeds)


def setup_logging(quiet: bool, log_file: Path | None) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    level = logging.WARNING if quiet else logging.INFO
    for handler in handlers:
        # Scrapy resets the root logger's level to NOTSET, so the handlers carry the level.
        handler.setLevel(level)
    logging.basicConfig(level=level, handlers=handlers,
                        format="%(asctime)s [%(name)s] %(levelname)s: %(message)s", force=True)


def cmd_crawl(args: argparse.Namespace, config: Config) -> int:
    from datetime import UTC, datetime

    from monitor import db as dbmod
    from monitor.crawl import SPIDERS, newsroom_settings, project_settings, run_spiders
    from monitor.health import run_problems
    from monitor.lock import AlreadyRunning, CrawlLock, LockUnavailable

    spiders = [s.strip() for s in args.spiders.split(",") if s.strip()]
    unknown = [s for s in spiders if s not in SPIDERS]
    if unknown:
        print(f"monitor crawl: unknown spider(s) {', '.join(unknown)}; choose from {', '.join(SPIDERS)}", file=sys.stderr)
        return EXIT_USAGE
    for name, value in (("--since", args.since), ("--until", args.until)):
        if value:
            try:
                date.fromisoformat(value)
            except ValueError:
                print(f"monitor crawl: {name} {value!r} is not a date YYYY-MM-DD", file=sys.stderr)
                return EXIT_USAGE
    log_file = args.log_file
    if log_file is None and config.log_dir is not None:
        log_file = config.log_dir / f"crawl-{datetime.now(UTC):%Y%m%dT%H%M%S}.log"
    setup_logging(args.quiet, log_file)
    overrides = config.scrapy_settings()
    if args.newsroom:
        overrides.update(newsroom_settings(args.newsroom))
    if args.sources:
        overrides["MONITOR_SOURCES"] = str(args.sources.resolve())
    sources_file = Path(str(overrides["MONITOR_SOURCES"])) if "MONITOR_SOURCES" in overrides else None
    check_seeds(config, sources_file)
    if args.source:
        from monitor.seeds import load_sources
        load_sources(sources_file or config.seeds / "sources.yaml").select(args.source.split(","))
    if args.quiet:
        overrides["LOG_LEVEL"] = "WARNING"
    try:
        lock = CrawlLock(config.db)
        lock.acquire()
    except AlreadyRunning as exc:
        print(f"monitor crawl: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except LockUnavailable as exc:
        print(f"monitor crawl: {exc}", file=sys.stderr)
        return EXIT_DATABASE
    try:
        db = dbmod.connect(config.db)
        dbmod.check_writable(db)
        db.conn.close()
        spider_args = {k: v for k, v in (("source", args.source), ("since", args.since), ("until", args.until)) if v}
        run = run_spiders(spiders, project_settings(overrides), spider_args)
        if run.write_failures:
            for failure in run.write_failures:
                logging.getLogger("monitor").critical("the database could not be written: %s", failure)
            return EXIT_DATABASE
        db = dbmod.connect(config.db)
        threshold = args.error_rate if args.error_rate is not None else config.error_rate_threshold
        problems = run_problems(db, run.crawl_ids, threshold)
    finally:
        lock.release()
    for problem in problems:
        logging.getLogger("monitor").error("unhealthy: %s: %s", problem.source, problem.message)
    if any("database" in p.message for p in problems):
        return EXIT_DATABASE
    return EXIT_UNHEALTHY if problems else EXIT_OK


def cmd_demo(args: argparse.Namespace, config: Config) -> int:
    from monitor.demo import run_demo

    return run_demo(config, spiders=args.spiders.split(","))


def cmd_newsroom(args: argparse.Namespace, config: Config) -> int:
    from monitor.newsroom.server import serve_forever

    serve_forever(args.port)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, config: Config) -> int:
    from monitor.serve import serve

    return serve(config.db, host=args.host, port=args.port)


def cmd_extract(args: argparse.Namespace, config: Config) -> int:
    from monitor.inspect import Inspector, dumps, read_manifest

    inspector = Inspector(config.seeds)
    if args.jsonl:
        manifest = Path(args.jsonl)
        for _number, entry, error in read_manifest(manifest):
            if entry is None:
                print(dumps({"error": error}), flush=True)
                continue
            # Relative paths are read from the manifest's folder, wherever the command runs.
            print(dumps(inspector.inspect(manifest.parent / entry["path"], entry["url"])), flush=True)
        return EXIT_OK
    if not args.file or not args.url:
        print("monitor extract: give FILE --url URL, or --jsonl MANIFEST", file=sys.stderr)
        return EXIT_USAGE
    result = inspector.inspect(Path(args.file), args.url)
    print(json.dumps(result, ensure_ascii=False, indent=1, default=str))
    return EXIT_OK if "error" not in result else EXIT_UNHEALTHY


def cmd_rescore(args: argparse.Namespace, config: Config) -> int:
    from monitor import db as dbmod
    from monitor.relevance import Topic
    from monitor.rescore import rescore
    from monitor.seeds import load_seed_articles

    seeds = load_seed_articles(config.seeds)
    topic = Topic.load(config.seeds, seed_texts=[s.text for s in seeds])
    counts = rescore(dbmod.connect(config.db), topic)
    for key, value in sorted(counts.items()):
        print(f"{key}: {value}")
    return EXIT_OK


def cmd_health(args: argparse.Namespace, config: Config) -> int:
    from monitor import db as dbmod
    from monitor.health import format_table, source_health, to_json

    if not config.db.exists():
        raise MonitorError(f"no database at {config.db}; run a crawl first")
    rows = source_health(dbmod.connect(config.db), drift_days=args.days or config.drift_days)
    print(to_json(rows) if args.json else format_table(rows))
    drifting = [r for r in rows if r.status.startswith("drift")]
    return EXIT_UNHEALTHY if drifting else EXIT_OK


def cmd_config(args: argparse.Namespace, config: Config) -> int:
    for key, value in config.describe().items():
        print(f"{key:<22} {value:<50} (${ENVIRONMENT[key]})")
    return EXIT_OK


def cmd_report(args: argparse.Namespace, config: Config) -> int:
    from monitor import db as dbmod
    from monitor.report import summary

    if not config.db.exists():
        raise MonitorError(f"no database at {config.db}; run a crawl first")
    print(summary(dbmod.connect(config.db)))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    # --db and --seeds are accepted before or after the subcommand (`monitor health --db X`).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=argparse.SUPPRESS,
                        help="the SQLite database (default $MONITOR_DB or astana.db)")
    common.add_argument("--seeds", type=Path, default=argparse.SUPPRESS,
                        help="the seeds folder (default $MONITOR_SEEDS or ./seeds)")
    parser = argparse.ArgumentParser(prog="monitor", description="The Astana process news monitor.",
                                     parents=[common])
    sub = parser.add_subparsers(dest="command", required=True)

    crawl = sub.add_parser("crawl", parents=[common], help="crawl the configured outlets (cron)", description=CRAWL_HELP,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    crawl.add_argument("--spiders", default="feeds,search,sitemaps,archive", help="comma-separated spiders to run")
    crawl.add_argument("--source", help="only these outlet ids (comma-separated)")
    crawl.add_argument("--since", help="start of the window, YYYY-MM-DD (feeds default to the last days)")
    crawl.add_argument("--until", help="end of the window, YYYY-MM-DD")
    crawl.add_argument("--quiet", action="store_true", help="print only problems (for cron mail)")
    crawl.add_argument("--log-file", type=Path, help="also write the log to this file")
    crawl.add_argument("--error-rate", type=float, help="error share per outlet above which the run is unhealthy")
    crawl.add_argument("--newsroom", metavar="PROXY_URL", help="test mode: crawl the newsroom simulator at this proxy")
    crawl.add_argument("--sources", type=Path, metavar="FILE",
                       help="the outlets file (default: sources.yaml in the seeds folder, or the newsroom's with --newsroom)")
    crawl.set_defaults(func=cmd_crawl)

    demo = sub.add_parser("demo", parents=[common], help="start the bundled newsroom and crawl it into the database")
    demo.add_argument("--spiders", default="feeds,search,sitemaps,archive")
    demo.set_defaults(func=cmd_demo)

    newsroom = sub.add_parser("newsroom", parents=[common], help="serve the newsroom simulator in the foreground (127.0.0.1)")
    newsroom.add_argument("--port", type=int, default=8642)
    newsroom.set_defaults(func=cmd_newsroom)

    serve = sub.add_parser("serve", parents=[common], help="browse the database in Datasette")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8001)
    serve.set_defaults(func=cmd_serve)

    extract = sub.add_parser("extract", parents=[common], help="one saved page through extraction, dates and relevance, as JSON")
    extract.add_argument("file", nargs="?", help="the saved HTML page")
    extract.add_argument("--url", help="the page's URL (chooses the outlet and its languages)")
    extract.add_argument("--jsonl", metavar="MANIFEST", help='one {"path": ..., "url": ...} per line; JSON lines out')
    extract.set_defaults(func=cmd_extract)

    rescore = sub.add_parser("rescore", parents=[common], help="re-judge stored and rejected pages after a topic edit")
    rescore.set_defaults(func=cmd_rescore)

    health = sub.add_parser("health", parents=[common], help="per-outlet health; non-zero exit when an outlet drifts")
    health.add_argument("--json", action="store_true")
    health.add_argument("--days", type=int, help="days without new articles that count as drift")
    health.set_defaults(func=cmd_health)

    config = sub.add_parser("config", parents=[common], help="print the effective settings")
    config.set_defaults(func=cmd_config)

    report = sub.add_parser("report", parents=[common], help="a short summary of the database")
    report.set_defaults(func=cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    config = Config.from_env(db=getattr(args, "db", None), seeds=getattr(args, "seeds", None))
    try:
        return int(args.func(args, config))
    except MonitorError as exc:
        print(f"monitor {args.command}: {exc}", file=sys.stderr)
        message = str(exc)
        return EXIT_DATABASE if "database" in message else EXIT_USAGE
    except KeyboardInterrupt:
        print(f"monitor {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK  # the reader (e.g. `| head`) has gone; nothing is wrong


if __name__ == "__main__":
    sys.exit(main())
