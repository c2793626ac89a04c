"""The extraction worker pool: CPU-heavy page analysis off the reactor thread, on every core."""

from __future__ import annotations

import asyncio
import atexit
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

logger = logging.getLogger(__name__)

_pool: ProcessPoolExecutor | None = None
_pool_size = 0


def _warm_up() -> None:
    # Import the heavy modules once per worker, not on the first page.
    import monitor.dedup  # noqa: F401
    import monitor.extraction  # noqa: F401


def pool_size(requested: int = 0) -> int:
    return requested if requested > 0 else max(1, os.cpu_count() or 1)


def get_pool(workers: int = 0) -> ProcessPoolExecutor:
    """One pool per process, shared by every crawler in it."""
    global _pool, _pool_size
    size = pool_size(workers)
    if _pool is None or _pool_size != size:
        shutdown_pool()
        # forkserver: forking a process that runs a reactor and threads is unsafe.
        context = multiprocessing.get_context("forkserver")
        # No max_tasks_per_child: on Python 3.11 a pool that recycles workers can hang.
        _pool = ProcessPoolExecutor(max_workers=size, mp_context=context, initializer=_warm_up)
        _pool_size = size
        logger.info("extraction pool: %d worker process(es)", size)
    return _pool


def shutdown_pool(*, kill: bool = False) -> None:
    """Stop the pool; `kill` also ends workers stuck on a page (none of their results will be used)."""
    global _pool
    if _pool is not None:
        processes = list(getattr(_pool, "_processes", {}).values()) if kill else []
        _pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.kill()
        _pool = None


atexit.register(shutdown_pool)


class WorkerTimeout(Exception):
    """A page took longer than any page should to analyse."""


async def run_in_pool(workers: int, function: Any, *args: Any, timeout: float = 120.0, **kwargs: Any) -> Any:
    """Run a picklable function in the pool and await it from the reactor's event loop.

    A page that keeps a worker busy past `timeout` (a pathological document) gets a
    WorkerTimeout, and the pool is replaced so the crawl goes on.
    """
    pool = get_pool(workers)
    future = pool.submit(function, *args, **kwargs)
    try:
        return await asyncio.wait_for(asyncio.wrap_future(future), timeout)
    except TimeoutError:
        logger.error("a worker spent over %.0fs on one page; replacing the extraction pool", timeout)
        if _pool is pool:
            shutdown_pool(kill=True)
        raise WorkerTimeout(f"analysis took over {timeout:.0f}s") from None
    except BrokenProcessPool:
        # A worker died (killed for memory, a crashing parser): the next page gets a fresh pool.
        # Pages of an older, already replaced pool must not shut the new one down.
        if _pool is pool:
            shutdown_pool()
        raise


def analyse_page(body: bytes, *, url: str, languages: tuple[str, ...], timezone: str | None,
                 fetched_at: str, encoding: str | None, outlet_name: str | None) -> dict[str, Any]:
    """Extraction, page dates and fingerprints of one page, from one HTML parse (runs in a worker)."""
    from datetime import datetime

    from monitor.dedup import minhash_signature, text_fingerprint
    from monitor.extraction import extract_page

    extracted = extract_page(
        body, url=url, languages=languages, timezone=timezone,
        fetched_at=datetime.fromisoformat(fetched_at) if fetched_at else None,
        encoding=encoding, outlet_name=outlet_name,
    )
    result = extracted.to_dict()
    if extracted.verdict == "article" and extracted.text:
        result["text_hash"] = text_fingerprint(extracted.text)
        result["signature"] = minhash_signature(extracted.text)
    return result
