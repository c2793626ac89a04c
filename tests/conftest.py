"""Shared fixtures: the newsroom on 127.0.0.1, and real crawls of it in a subprocess."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MONITOR = [sys.executable, "-m", "monitor.cli"]


@dataclass
class Crawl:
    db: Path
    result: subprocess.CompletedProcess[str]

    def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql, params).fetchall()


def monitor_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"MONITOR_SEEDS": str(ROOT / "seeds"), "PYTHONPATH": str(ROOT), "MONITOR_EXTRACT_WORKERS": "2"})
    env.update(extra)
    return env


def run_monitor(*args: str, db: Path, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MONITOR, "--db", str(db), *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, env=monitor_env(**env))


def crawl_newsroom(proxy_url: str, db: Path, *extra: str, timeout: float = 300) -> Crawl:
    result = run_monitor("crawl", "--newsroom", proxy_url, "--since", "2017-01-01", *extra, db=db, timeout=timeout)
    return Crawl(db, result)


@pytest.fixture(scope="session")
def newsroom() -> Iterator[object]:
    from monitor.newsroom.server import start_newsroom

    with start_newsroom(timeout_delay=4.0) as server:
        yield server


@pytest.fixture(scope="session")
def crawled(newsroom: object, tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    """One full crawl of the newsroom (all four spiders), shared by the end-to-end tests."""
    newsroom.reset_faults()  # type: ignore[attr-defined]
    db = tmp_path_factory.mktemp("crawl") / "astana.db"
    crawl = crawl_newsroom(newsroom.proxy_url, db)  # type: ignore[attr-defined]
    assert crawl.result.returncode in (0, 1), crawl.result.stderr[-3000:]
    return crawl
