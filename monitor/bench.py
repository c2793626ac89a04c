"""The benchmark (`make bench`): project crawl vs naive spider vs bare extraction, store cost, memory, re-crawl."""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NEWSROOM_SOURCES = ROOT / "monitor" / "newsroom" / "outlets.yaml"
SINCE = "2017-01-01"
STORE_BATCH = 300          # new articles stored and deduplicated at each database size
TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")

# Targets of issue 10.
TARGET_RATIO, TARGET_VS_NAIVE, TARGET_PEAK_MB = 0.9, 1.5, 1024.0
TARGET_STORE_GROWTH, TARGET_INCREMENTAL = 1.5, 0.05


# --- processes: CPU time and memory from /proc ------------------------------------------------

def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process (all its threads), 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def process_tree(pid: int) -> list[int]:
    tree, found, todo = _children(), [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(tree.get(current, []))
    return found


def rss_mb(pid: int) -> float:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE / 2**20
    except (OSError, IndexError):
        return 0.0


class TreeSampler:
    """Samples the summed RSS of a process and its descendants (extraction workers) and its CPU time."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        self.pid, self.interval = pid, interval
        self.peak_total = self.peak_main = 0.0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = process_tree(self.pid)
            self.peak_total = max(self.peak_total, sum(rss_mb(p) for p in pids))
            self.peak_main = max(self.peak_main, rss_mb(self.pid))
            for p in pids:  # children's CPU, remembered while they are alive
                self.cpu[p] = max(self.cpu.get(p, 0.0), cpu_seconds(p))
            self._stop.wait(self.interval)

    def cpu_total(self) -> float:
        return sum(self.cpu.values())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NewsroomProcess:
    """The newsroom in its own process, so its page rendering does not take the crawler's GIL."""

    def __init__(self, scale: int) -> None:
        self.port = free_port()
        self.proxy_url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "monitor.newsroom", "--port", str(self.port), "--scale", str(scale)],
            cwd=ROOT, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                fetch(self.proxy_url, "http://tass.test/robots.txt")
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("the newsroom exited on start") from None
                time.sleep(0.2)
        raise RuntimeError("the newsroom did not answer within 60 s")

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"MONITOR_SEEDS": str(ROOT / "seeds"), "PYTHONPATH": str(ROOT)})
    env.update(extra)
    return env


def fetch(proxy_url: str, url: str) -> tuple[bytes, str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy_url}))
    with opener.open(url, timeout=30) as response:
        return response.read(), response.headers.get("Content-Type", "")


def generated_urls(n: int) -> list[str]:
    from monitor.newsroom.world import World

    generated = World.load(scale=n).generated
    return [generated.meta(i).url for i in range(n)]


# --- 1. the project's crawl, end to end, and the incremental re-crawl ---------------------------

def project_crawl(newsroom: NewsroomProcess, db: Path, workers: int, log: Path) -> dict[str, Any]:
    """`monitor crawl --spiders sitemaps` into `db`: wall time, pages judged, CPU and memory of the run."""
    before = 0
    if db.exists():
        with sqlite3.connect(db) as conn:
            before = conn.execute("SELECT coalesce(max(id), 0) FROM crawls").fetchone()[0]
    command = [sys.executable, "-m", "monitor.cli", "--db", str(db), "crawl", "--newsroom", newsroom.proxy_url,
               "--spiders", "sitemaps", "--since", SINCE, "--quiet"]
    newsroom_cpu = newsroom.cpu()
    started = time.perf_counter()
    with log.open("w") as err:
        proc = subprocess.Popen(command, cwd=ROOT, env=child_env(MONITOR_EXTRACT_WORKERS=str(workers)),
                                stdout=err, stderr=err)
        with TreeSampler(proc.pid) as sampler:
            code = proc.wait()
    seconds = time.perf_counter() - started
    newsroom_cpu = newsroom.cpu() - newsroom_cpu
    if code not in (0, 1):
        raise RuntimeError(f"monitor crawl exited {code}; see {log}")
    with sqlite3.connect(db) as conn:
        runs = [r[0] for r in conn.execute("SELECT id FROM crawls WHERE id > ?", [before])]
        marks = ",".join("?" * len(runs)) or "NULL"
        verdicts = dict(conn.execute(f"SELECT verdict, count(*) FROM pages WHERE crawl_id IN ({marks}) "
                                     "GROUP BY verdict", runs).fetchall())
        fetched = conn.execute(f"SELECT coalesce(sum(fetched), 0) FROM crawls WHERE id IN ({marks})", runs).fetchone()[0]
        stored = conn.execute("SELECT count(*) FROM articles WHERE is_seed = 0").fetchone()[0]
    pages = sum(verdicts.values())
    return {
        "exit_status": code, "seconds": round(seconds, 2), "pages": pages, "fetched": fetched,
        "verdicts": verdicts, "articles_in_db": stored,
        "articles_per_s": round(pages / seconds, 2),
        # CPU seconds do not depend on what else runs on the machine: ms per page compares runs fairly.
        "crawl_cpu_s": round(sampler.cpu_total(), 1), "main_cpu_s": round(sampler.cpu.get(proc.pid, 0.0), 1),
        "cpu_ms_per_page": round(1000 * sampler.cpu_total() / max(pages, 1), 1),
        "newsroom_cpu_s": round(newsroom_cpu, 1),
        "newsroom_cpu_share": round(newsroom_cpu / (seconds * (os.cpu_count() or 1)), 3),
        "peak_rss_mb": round(sampler.peak_total, 1), "peak_rss_main_mb": round(sampler.peak_main, 1),
    }


# --- 2. the naive baseline: trafilatura inside `parse`, one INSERT+commit per row ----------------

def naive_worker(url_file: Path, db_path: Path, proxy_url: str) -> None:
    """One naive process: a minimal Scrapy spider over its share of the URLs."""
    import scrapy
    import trafilatura
    from scrapy.crawler import CrawlerProcess

    urls = url_file.read_text().split()
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE IF NOT EXISTS articles (url TEXT PRIMARY KEY, title TEXT, date TEXT, text TEXT)")
    conn.commit()

    class NaiveSpider(scrapy.Spider):
        name = "naive"

        async def start(self):
            for url in urls:
                yield scrapy.Request(url, meta={"proxy": proxy_url})

        def parse(self, response: Any) -> None:
            found = trafilatura.extract(response.text, url=response.url, with_metadata=True, output_format="json")
            page = json.loads(found) if found else {}
            conn.execute("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?)",
                         [response.url, page.get("title"), page.get("date"), page.get("text")])
            conn.commit()

    process = CrawlerProcess({
        "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": False, "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False, "LOG_LEVEL": "WARNING", "RETRY_TIMES": 2,
        # The stalled reactor makes downloads look slow: a long timeout keeps the baseline from failing.
        "DOWNLOAD_TIMEOUT": 120,
    })
    process.crawl(NaiveSpider)
    process.start()
    conn.close()


def naive_crawl(newsroom: NewsroomProcess, urls: list[str], processes: int, work: Path) -> dict[str, Any]:
    """`processes` naive spiders, each on a share of the URLs and its own database, run at once."""
    procs = []
    newsroom_cpu = newsroom.cpu()
    started = time.perf_counter()
    for k in range(processes):
        url_file = work / f"naive-{k}.txt"
        url_file.write_text("\n".join(urls[k::processes]))
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "monitor.bench", "--naive-worker", str(url_file), str(work / f"naive-{k}.db"),
             newsroom.proxy_url], cwd=ROOT, env=child_env(), stderr=(work / f"naive-{k}.log").open("w")))
    samplers = [TreeSampler(p.pid).__enter__() for p in procs]
    codes = [p.wait() for p in procs]
    seconds = time.perf_counter() - started
    for sampler in samplers:
        sampler.__exit__()
    cpu = sum(s.cpu_total() for s in samplers)
    newsroom_cpu = newsroom.cpu() - newsroom_cpu
    if any(codes):
        raise RuntimeError(f"a naive spider failed ({codes}); see {work}/naive-*.log")
    rows = 0
    for k in range(processes):
        with sqlite3.connect(work / f"naive-{k}.db") as conn:
            rows += conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    return {"processes": processes, "seconds": round(seconds, 2), "pages": rows,
            "articles_per_s": round(rows / seconds, 2), "cpu_ms_per_page": round(1000 * cpu / max(rows, 1), 1),
            "newsroom_cpu_share": round(newsroom_cpu / (seconds * (os.cpu_count() or 1)), 3)}


# --- 3. bare extraction: the project's analyse_page over the same pages, no Scrapy ---------------

def _bare_one(path: str, url: str, encoding: str | None) -> str:
    from monitor.seeds import load_sources
    from monitor.workers import analyse_page

    source = _sources(load_sources).for_url(url)
    assert source is not None, url
    result = analyse_page(Path(path).read_bytes(), url=url, languages=source.languages, timezone=source.timezone,
                          fetched_at=datetime.now(UTC).replace(microsecond=0).isoformat(), encoding=encoding,
                          outlet_name=source.name)
    return str(result.get("verdict"))


_SOURCES: list[Any] = []


def _sources(load: Callable[[Path], Any]) -> Any:
    if not _SOURCES:
        _SOURCES.append(load(NEWSROOM_SOURCES))
    return _SOURCES[0]


def _warm() -> None:
    from monitor.seeds import load_sources
    from monitor.workers import _warm_up

    _warm_up()
    _sources(load_sources)


def _noop(_: int) -> int:
    return os.getpid()


def bare_extraction(newsroom: NewsroomProcess, urls: list[str], workers: int, work: Path) -> dict[str, Any]:
    """Pre-fetch the pages once, then time analyse_page over them in a pool of `workers` processes."""
    import multiprocessing

    pages = work / "pages"
    pages.mkdir(exist_ok=True)

    def get(item: tuple[int, str]) -> tuple[str, str, str | None, int]:
        i, url = item
        body, content_type = fetch(newsroom.proxy_url, url)
        path = pages / f"{i}.html"
        path.write_bytes(body)
        charset = content_type.split("charset=", 1)[1].split(";")[0].strip() if "charset=" in content_type else None
        return str(path), url, charset, len(body)

    with ThreadPoolExecutor(8) as threads:
        fetched = list(threads.map(get, enumerate(urls)))
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_warm) as pool:
        list(pool.map(_noop, range(workers * 4)))  # workers started and warmed before the clock
        pids = list(pool._processes or {})
        cpu = sum(cpu_seconds(p) for p in pids)
        started = time.perf_counter()
        verdicts = list(pool.map(_bare_one, *zip(*[(p, u, c) for p, u, c, _ in fetched], strict=True), chunksize=4))
        seconds = time.perf_counter() - started
        cpu = sum(cpu_seconds(p) for p in pids) - cpu
    sizes = [size for *_, size in fetched]
    return {"workers": workers, "pages": len(verdicts), "seconds": round(seconds, 2),
            "pages_per_s": round(len(verdicts) / seconds, 2), "cpu_ms_per_page": round(1000 * cpu / len(verdicts), 1),
            "articles": verdicts.count("article"),
            "mean_page_kb": round(sum(sizes) / len(sizes) / 1024, 1), "max_page_kb": round(max(sizes) / 1024, 1)}


# --- 4. store and dedup cost at 1k, 10k, 100k stored articles -----------------------------------

def build_store(db_path: Path, size: int, outlets: list[str]) -> None:
    """A database of `size` synthetic stored articles with random 512-byte signatures, in batches."""
    import numpy as np

    from monitor import db as dbmod

    db = dbmod.connect(db_path)
    rng = random.Random(size)
    noise = np.random.default_rng(size)
    start = datetime(2017, 1, 1, tzinfo=UTC)
    chunk = 5000
    for first in range(1, size + 1, chunk):
        ids = range(first, min(first + chunk, size + 1))
        published = [(start + timedelta(minutes=rng.randrange(8 * 365 * 1440))).isoformat() for _ in ids]
        signatures = noise.integers(0, 2**32, size=(len(ids), 128), dtype=np.uint32)
        rows = []
        for k, i in enumerate(ids):
            source = outlets[i % len(outlets)]
            text = f"Synthetic stored article {i} from {source} about round {i % 22 + 1} of the talks."
            rows.append({"id": i, "url": f"http://stored.test/{source}/{i}", "source": source, "title": f"Stored {i}",
                         "published": published[k], "language": "en", "round": i % 22 + 1 if i % 3 else None,
                         "relevance": 0.7, "relevant": 1, "reason": "synthetic", "is_seed": 0,
                         "discovered_via": "sitemap", "text": text, "words": len(text.split()),
                         "text_hash": f"{rng.getrandbits(160):040x}", "revisions": 0,
                         "first_seen": published[k], "last_seen": published[k],
                         "search_title": f"stored {i}", "search_text": text.lower()})
        with db.atomic():
            db.table("articles").insert_all(rows, batch_size=500)
            db.table("signatures").insert_all(
                ({"article_id": i, "published": published[k], "signature": signatures[k].astype("<u4").tobytes()}
                 for k, i in enumerate(ids)), batch_size=500)
            db.table("pages").insert_all(
                ({"url": f"http://stored.test/{outlets[i % len(outlets)]}/{i}", "verdict": "stored",
                  "article_id": i, "fetched_at": published[k]} for k, i in enumerate(ids)), batch_size=500)
    db.conn.close()


def new_articles(count: int) -> list[Any]:
    """`count` Article items as they reach dedup: extracted, dated, judged, fingerprinted."""
    from monitor.dedup import minhash_signature, text_fingerprint
    from monitor.items import Article
    from monitor.newsroom.world import World

    generated = World.load(scale=count).generated
    items = []
    for i in range(count):
        page = generated[i]
        text = "\n".join(page.paragraphs)
        items.append(Article(
            url=page.url, canonical_url=page.url, source=page.outlet, discovered_via="sitemap",
            fetched_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
            extracted={"title": page.title, "text": text, "language": page.language, "verdict": "article"},
            published=page.published.isoformat(), published_method="meta",
            judgement={"relevant": True, "relevance": 0.8, "round": i % 22 + 1, "round_method": "date",
                       "reason": "benchmark", "matched_terms": ["astana"]},
            text_hash=text_fingerprint(text), signature=minhash_signature(text),
        ))
    return items


def store_worker(size: int, work: Path) -> dict[str, Any]:
    """Build a database of `size` articles, then store and dedup STORE_BATCH new ones through the pipelines."""
    import logging

    from scrapy.utils.test import get_crawler

    from monitor.seeds import load_sources
    from pipelines.dedup import DedupPipeline
    from pipelines.store import StorePipeline

    logging.disable(logging.INFO)
    db_path = work / f"store-{size}.db"
    outlets = [s.id for s in load_sources(NEWSROOM_SOURCES)]
    started = time.perf_counter()
    build_store(db_path, size, outlets)
    build_seconds = time.perf_counter() - started
    items = new_articles(STORE_BATCH)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    crawler = get_crawler(settings_dict={"MONITOR_DB": str(db_path), "MONITOR_SEEDS": str(ROOT / "seeds"),
                                         "MONITOR_SOURCES": str(NEWSROOM_SOURCES)})
    started = time.perf_counter()
    dedup = DedupPipeline(crawler)      # builds the crawl context too: known URLs, seeds, topic
    store = StorePipeline(crawler)
    startup = time.perf_counter() - started
    started = time.perf_counter()
    for item in items:
        store.process_item(dedup.process_item(item))
    store.close_spider()
    seconds = time.perf_counter() - started
    verdicts: dict[str, int] = {}
    for item in items:
        verdicts[item.verdict] = verdicts.get(item.verdict, 0) + 1
    with sqlite3.connect(db_path) as conn:
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    db_path.unlink()
    return {"stored_before": size, "stored_after": stored, "batch": STORE_BATCH, "verdicts": verdicts,
            "ms_per_article": round(1000 * seconds / STORE_BATCH, 3), "startup_s": round(startup, 3),
            "build_s": round(build_seconds, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "rss_before_pipelines_mb": round(rss_before, 1)}


def store_costs(sizes: list[int], work: Path) -> dict[str, Any]:
    """One fresh process per size, so each peak RSS is its own."""
    results: dict[str, Any] = {}
    for size in sizes:
        out = work / f"store-{size}.json"
        subprocess.run([sys.executable, "-m", "monitor.bench", "--store-worker", str(size), str(work), str(out)],
                       cwd=ROOT, env=child_env(), check=True)
        results[str(size)] = json.loads(out.read_text())
    small, large = str(min(sizes)), str(max(sizes))
    return {"sizes": results,
            "growth": round(results[large]["ms_per_article"] / results[small]["ms_per_article"], 2)}


# --- the run -------------------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "date": datetime.now(UTC).replace(microsecond=0).isoformat(), "platform": platform.platform(),
            # Other work on the machine takes cores from the run: the load average says how much.
            "loadavg_start": [round(x, 2) for x in os.getloadavg()]}


def check(value: float | None, target: float, higher: bool) -> dict[str, Any]:
    met = None if value is None else (value >= target if higher else value <= target)
    return {"value": value, "target": f"{'>=' if higher else '<='} {target}", "met": met}


def run(args: argparse.Namespace) -> dict[str, Any]:
    workers = args.workers or os.cpu_count() or 1
    sizes = [int(s) for s in args.sizes.split(",") if s]
    result: dict[str, Any] = {"machine": machine(), "n": args.n, "workers": workers}
    work = Path(tempfile.mkdtemp(prefix="astana-bench-"))
    try:
        if args.n > 0:
            urls = generated_urls(args.n)
            newsroom = NewsroomProcess(args.n)
            try:
                db = work / "bench.db"
                say(f"project crawl of {args.n} generated pages ...")
                first = project_crawl(newsroom, db, workers, work / "crawl-1.log")
                say(f"  {first['pages']} pages in {first['seconds']} s; incremental re-crawl ...")
                second = project_crawl(newsroom, db, workers, work / "crawl-2.log")
                say(f"naive baseline in {workers} process(es) ...")
                naive = naive_crawl(newsroom, urls, workers, work)
                say("bare extraction ...")
                bare = bare_extraction(newsroom, urls, workers, work)
            finally:
                newsroom.stop()
            result["project"] = first
            result["incremental"] = {
                "seconds": second["seconds"], "relative": round(second["seconds"] / first["seconds"], 4),
                "re_extracted": second["pages"], "fetched": second["fetched"],
            }
            result["naive"], result["bare"] = naive, bare
            result["ratio"] = round(first["articles_per_s"] / bare["pages_per_s"], 2)
            result["vs_naive"] = round(first["articles_per_s"] / naive["articles_per_s"], 2)
            # The same two ratios from CPU time per page: what they would be on otherwise idle cores.
            result["cpu_ratio"] = round(bare["cpu_ms_per_page"] / first["cpu_ms_per_page"], 2)
            result["cpu_vs_naive"] = round(naive["cpu_ms_per_page"] / first["cpu_ms_per_page"], 2)
        if sizes:
            say(f"store and dedup cost at {', '.join(map(str, sizes))} stored articles ...")
            result["store"] = store_costs(sizes, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    result["targets"] = targets(result)
    return result


def targets(result: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if "ratio" in result:
        found["ratio"] = check(result["ratio"], TARGET_RATIO, True)
        found["vs_naive"] = check(result["vs_naive"], TARGET_VS_NAIVE, True)
        found["incremental_relative"] = check(result["incremental"]["relative"], TARGET_INCREMENTAL, False)
        found["incremental_re_extracted"] = check(result["incremental"]["re_extracted"], 0, False)
    store = result.get("store")
    if store:
        found["store_growth"] = check(store["growth"], TARGET_STORE_GROWTH, False)
        largest = store["sizes"][max(store["sizes"], key=int)]
        estimate = largest["peak_rss_mb"]
        if "project" in result:
            # The crawl's own peak (main + workers) plus what the larger stored state adds to the main process.
            smallest = store["sizes"][min(store["sizes"], key=int)]
            estimate = result["project"]["peak_rss_mb"] + largest["peak_rss_mb"] - smallest["peak_rss_mb"]
        store["peak_rss_estimate_mb"] = round(estimate, 1)
        found["peak_memory_mb"] = check(round(estimate, 1), TARGET_PEAK_MB, False)
    return found


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def report(result: dict[str, Any]) -> str:
    host = result["machine"]
    lines = [f"machine: {host['nproc']} x {host['cpu']}, {host['date']}, load average {host['loadavg_start'][0]} "
             f"at the start, {host['loadavg_end'][0]} at the end",
             f"pages: {result['n']} generated (+ the newsroom's static articles in the project crawl), "
             f"{result['workers']} extraction process(es)"]
    if "project" in result:
        p, n, b, i = result["project"], result["naive"], result["bare"], result["incremental"]
        lines += [
            f"{'':<34}{'pages':>8}{'seconds':>10}{'pages/s':>10}{'CPU ms/page':>13}",
            f"{'project crawl, end to end':<34}{p['pages']:>8}{p['seconds']:>10}{p['articles_per_s']:>10}"
            f"{p['cpu_ms_per_page']:>13}",
            f"{'naive spider (' + str(n['processes']) + ' processes)':<34}{n['pages']:>8}{n['seconds']:>10}"
            f"{n['articles_per_s']:>10}{n['cpu_ms_per_page']:>13}",
            f"{'bare extraction (no Scrapy)':<34}{b['pages']:>8}{b['seconds']:>10}{b['pages_per_s']:>10}"
            f"{b['cpu_ms_per_page']:>13}",
            f"from CPU time per page: ratio {result['cpu_ratio']:.2f}, vs_naive {result['cpu_vs_naive']:.2f} "
            f"(project crawl main process {p['main_cpu_s']} s of {p['crawl_cpu_s']} s CPU)",
            f"newsroom CPU share: {p['newsroom_cpu_share']:.1%} of the cores during the project crawl, "
            f"{n['newsroom_cpu_share']:.1%} during the naive one",
            f"peak memory of the crawl (main + workers): {p['peak_rss_mb']} MB (main {p['peak_rss_main_mb']} MB)",
            f"incremental re-crawl: {i['seconds']} s = {i['relative']:.1%} of the first, "
            f"{i['re_extracted']} page(s) re-extracted",
        ]
    if "store" in result:
        lines.append(f"{'stored articles':<18}{'ms/article':>12}{'start-up s':>12}{'peak RSS MB':>13}")
        for size, row in result["store"]["sizes"].items():
            lines.append(f"{size:<18}{row['ms_per_article']:>12}{row['startup_s']:>12}{row['peak_rss_mb']:>13}")
        lines.append(f"store+dedup cost growth, largest/smallest: {result['store']['growth']:.2f}")
        lines.append(f"peak memory estimate with {max(result['store']['sizes'], key=int)} stored: "
                     f"{result['store']['peak_rss_estimate_mb']} MB")
    for name, target in result["targets"].items():
        lines.append(f"target {name}: {target['value']} {target['target']}: {'met' if target['met'] else 'MISSED'}")
    if "ratio" in result:
        lines += [f"ratio: {result['ratio']:.2f}", f"vs_naive: {result['vs_naive']:.2f}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m monitor.bench", description=__doc__)
    parser.add_argument("--n", type=int, default=5000, help="generated articles to crawl (0: skip the crawls)")
    parser.add_argument("--sizes", default="1000,10000,100000", help="stored-article counts for the store cost ('' skips)")
    parser.add_argument("--workers", type=int, default=0, help="extraction processes (default: one per core)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="folder of the JSON results")
    parser.add_argument("--naive-worker", nargs=3, metavar=("URLS", "DB", "PROXY"), help=argparse.SUPPRESS)
    parser.add_argument("--store-worker", nargs=3, metavar=("SIZE", "WORK", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.naive_worker:
        naive_worker(Path(args.naive_worker[0]), Path(args.naive_worker[1]), args.naive_worker[2])
        return 0
    if args.store_worker:
        size, work, out = args.store_worker
        Path(out).write_text(json.dumps(store_worker(int(size), Path(work))))
        return 0
    result = run(args)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"bench-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(result, indent=1))
    print(report(result))
    print(f"written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
