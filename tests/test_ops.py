"""Operations (issue 8): the crawl lock, exit statuses, run records, health drift, quiet runs, config."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.cli import EXIT_DATABASE, EXIT_LOCKED, EXIT_OK, EXIT_UNHEALTHY
from tests.conftest import MONITOR, ROOT, Crawl, crawl_newsroom, monitor_env, run_monitor
from tests.truth import OUTLETS

SOURCES_COUNT = len(yaml.safe_load(OUTLETS.read_text(encoding="utf-8"))["sources"])


def copy_db(crawl: Crawl, target: Path) -> Path:
    """A private copy of a crawled database (with its WAL), so tests can change it."""
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{crawl.db}{suffix}")
        if source.exists():
            shutil.copy(source, f"{target}{suffix}")
    return target


def rows(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def wait_for(condition: Any, what: str, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


@contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """Make files and folders unwritable, even for root (chattr +i), and restore them afterwards."""
    as_root = os.geteuid() == 0
    modes = {p: p.stat().st_mode for p in paths}
    try:
        for p in paths:
            if as_root:
                subprocess.run(["chattr", "+i", str(p)], check=True)
            else:
                p.chmod(0o555 if p.is_dir() else 0o444)
        yield
    finally:
        for p in paths:
            if as_root:
                subprocess.run(["chattr", "-i", str(p)], check=False)
            p.chmod(modes[p])


def test_crawl_help_documents_lock_exit_codes_and_sources() -> None:
    result = subprocess.run([*MONITOR, "crawl", "--help"], capture_output=True, text=True, cwd=ROOT, env=monitor_env())
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "<db>.lock" in text and "taken over" in text
    assert "exits at once with status 75" in text
    for code, meaning in (("0", "healthy"), ("1", "a source failed entirely"), ("2", "bad arguments"),
                          ("3", "the database cannot be opened or written"), ("75", "another crawl holds the lock")):
        assert f"{code} {meaning}" in text, (code, meaning)
    assert "--sources FILE" in text and "--quiet" in text


def test_config_shows_environment_overrides(tmp_path: Path) -> None:
    env = monitor_env(MONITOR_DB=str(tmp_path / "cron.db"), MONITOR_ERROR_RATE="0.2", MONITOR_DRIFT_DAYS="30",
                      MONITOR_CONTACT="mailto:ops@example.org", MONITOR_LOG_DIR=str(tmp_path / "logs"))
    result = subprocess.run([*MONITOR, "config"], capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr
    settings = {line.split()[0]: line.split()[1] for line in result.stdout.splitlines()}
    assert settings["db"] == str(tmp_path / "cron.db")
    assert settings["error_rate_threshold"] == "0.2"
    assert settings["drift_days"] == "30"
    assert settings["contact"] == "mailto:ops@example.org"
    assert settings["log_dir"] == str(tmp_path / "logs")
    assert "($MONITOR_ERROR_RATE)" in result.stdout
    # The command line wins over the environment.
    again = subprocess.run([*MONITOR, "--db", str(tmp_path / "cli.db"), "config"], capture_output=True, text=True,
                           cwd=ROOT, env=env)
    assert f"{tmp_path / 'cli.db'}" in again.stdout.split()


def test_second_crawl_exits_75_while_one_runs(newsroom: Any, tmp_path: Path) -> None:
    """Daily Sabah's feed lists a page that times out (retried), so its crawl runs for several seconds."""
    newsroom.reset_faults()
    db = tmp_path / "overlap.db"
    cmd = [*MONITOR, "--db", str(db), "crawl", "--newsroom", newsroom.proxy_url, "--since", "2017-01-01",
           "--spiders", "feeds", "--source", "dailysabah", "--error-rate", "0.1"]
    with (tmp_path / "first.log").open("w") as log:
        first = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=monitor_env())
        try:
            wait_for(lambda: first.poll() is not None or bool(db.exists() and rows(db, "SELECT name FROM sqlite_master "
                                                                                 "WHERE name = 'crawls'")
                                                               and rows(db, "SELECT id FROM crawls")),
                     "the first crawl to start")
            assert first.poll() is None, "the first crawl ended before the overlap could be tried"
            second = run_monitor("crawl", "--newsroom", newsroom.proxy_url, "--spiders", "feeds", db=db, timeout=60)
            still_running = first.poll() is None
            crawls_during = rows(db, "SELECT count(*) FROM crawls")[0][0]
            first.wait(timeout=120)
        finally:
            if first.poll() is None:
                first.kill()
    assert second.returncode == EXIT_LOCKED, second.stderr[-2000:]
    assert still_running, "the second crawl should give up at once, not wait for the first"
    assert f"another crawl (pid {first.pid}) is running" in second.stderr
    assert f"{db}.lock" in second.stderr
    assert "Traceback" not in second.stderr
    assert crawls_during == 1, "the refused crawl must not record a run"
    # The first one is not disturbed; its error rate (the failing fault pages) is above --error-rate 0.1.
    log_text = (tmp_path / "first.log").read_text()
    assert first.returncode == EXIT_UNHEALTHY, log_text[-3000:]
    assert "unhealthy: dailysabah: error rate" in log_text
    assert rows(db, "SELECT status FROM crawls") == [("ok",)]
    assert rows(db, "SELECT count(*) FROM articles WHERE source = 'dailysabah'")[0][0] > 0
    assert (db.parent / "overlap.db.lock").read_text() == "", "the lock file is emptied on release"


def test_stale_lock_of_a_dead_run_is_taken_over(newsroom: Any, tmp_path: Path) -> None:
    db = tmp_path / "stale.db"
    pid = dead_pid()
    Path(f"{db}.lock").write_text(str(pid))
    logs = tmp_path / "logs"
    result = run_monitor("crawl", "--newsroom", newsroom.proxy_url, "--since", "2017-01-01", "--spiders", "feeds",
                         "--source", "unnews", db=db, MONITOR_LOG_DIR=str(logs))
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    line = f"took over a stale lock left by pid {pid} (no longer running)"
    assert line in result.stderr
    (log_file,) = logs.glob("crawl-*.log")  # MONITOR_LOG_DIR: one file per run
    assert line in log_file.read_text(encoding="utf-8")
    assert rows(db, "SELECT count(*) FROM articles WHERE source = 'unnews'")[0][0] > 0


def test_quiet_healthy_run_prints_nothing(newsroom: Any, tmp_path: Path) -> None:
    db = tmp_path / "quiet.db"
    crawl = crawl_newsroom(newsroom.proxy_url, db, "--spiders", "feeds", "--source", "unnews", "--quiet")
    assert crawl.result.returncode == EXIT_OK, crawl.result.stderr[-3000:]
    assert crawl.result.stdout == "" and crawl.result.stderr == ""
    assert rows(crawl.db, "SELECT count(*) FROM articles WHERE source = 'unnews'")[0][0] > 0


def test_a_failing_source_never_stops_the_others(newsroom: Any, tmp_path: Path) -> None:
    """An outlet on a host the newsroom does not serve (502 on everything) next to a working one."""
    data = yaml.safe_load(OUTLETS.read_text(encoding="utf-8"))
    data["sources"].append({"id": "gone", "name": "Gone Daily", "homepage": "http://www.gone.test/",
                            "hosts": ["www.gone.test"], "languages": ["en"], "feeds": ["http://www.gone.test/rss"],
                            "sitemaps": ["http://www.gone.test/sitemap.xml"]})
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    db = tmp_path / "failing.db"
    crawl = crawl_newsroom(newsroom.proxy_url, db, "--sources", str(sources), "--spiders", "feeds,sitemaps",
                           "--source", "gone,unnews,tass", "--quiet")
    err = crawl.result.stderr
    assert crawl.result.returncode == EXIT_UNHEALTHY, err[-3000:]
    assert "unhealthy: gone: failed entirely" in err
    assert "gone: listing http://www.gone.test/rss failed" in err
    assert "Traceback" not in err and " INFO: " not in err, "--quiet prints only problems"
    stored = dict(rows(crawl.db, "SELECT source, count(*) FROM articles WHERE is_seed = 0 GROUP BY source"))
    assert stored.get("unnews", 0) > 0 and stored.get("tass", 0) > 0 and "gone" not in stored
    assert rows(crawl.db, "SELECT spider, status FROM crawls ORDER BY id") == [("feeds", "ok"), ("sitemaps", "ok")]
    failed = rows(crawl.db, "SELECT sum(listing_errors), sum(listed) FROM source_runs WHERE source = 'gone'")[0]
    assert failed[0] >= 2 and failed[1] == 0


def test_unwritable_database_exits_3_with_a_clear_message(newsroom: Any, tmp_path: Path) -> None:
    from monitor import db as dbmod

    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "astana.db"
    dbmod.connect(db).conn.close()
    args = ("crawl", "--newsroom", newsroom.proxy_url, "--spiders", "feeds", "--source", "unnews")
    # The database file is read-only; its folder (WAL, lock) is not.
    with read_only(db):
        with pytest.raises(PermissionError):
            db.open("ab")
        result = run_monitor(*args, db=db, timeout=120)
    assert result.returncode == EXIT_DATABASE, result.stderr[-3000:]
    assert "the database cannot be written" in result.stderr
    assert "Traceback" not in result.stderr
    # The whole folder is read-only: not even the lock file can be made.
    for leftover in folder.glob("astana.db?*"):
        leftover.unlink()
    with read_only(db, folder):
        with pytest.raises(PermissionError):
            (folder / "probe").touch()
        result = run_monitor(*args, db=db, timeout=120)
    assert result.returncode == EXIT_DATABASE, result.stderr[-3000:]
    assert f"cannot create the lock {db}.lock beside the database" in result.stderr
    assert "Traceback" not in result.stderr
    # A database path that is a folder cannot be opened at all.
    result = run_monitor(*args, db=folder, timeout=120)
    assert result.returncode == EXIT_DATABASE, result.stderr[-3000:]
    assert "cannot open the database" in result.stderr and "Traceback" not in result.stderr


def test_every_run_is_recorded_with_counts_and_per_source_runs(crawled: Crawl) -> None:
    crawls = rows(crawled.db, "SELECT id, spider, status, started, finished, listed, fetched, stored, errors, pid "
                  "FROM crawls ORDER BY id")
    assert [c[1] for c in crawls] == ["feeds", "search", "sitemaps", "archive"]
    for crawl_id, spider, status, started, finished, listed, fetched, stored, errors, pid in crawls:
        assert status == "ok" and pid and started <= finished, spider
        per_source = rows(crawled.db, "SELECT count(*), sum(listed), sum(fetched), sum(stored), "
                          "sum(errors + listing_errors) FROM source_runs WHERE crawl_id = ?", (crawl_id,))[0]
        assert per_source == (SOURCES_COUNT, listed, fetched, stored, errors), spider
        assert rows(crawled.db, "SELECT count(*) FROM articles WHERE crawl_id = ?", (crawl_id,))[0][0] == stored
        assert rows(crawled.db, "SELECT count(*) FROM pages WHERE crawl_id = ?", (crawl_id,))[0][0] == fetched
    assert sum(c[7] for c in crawls) == rows(crawled.db, "SELECT count(*) FROM articles WHERE is_seed = 0")[0][0]
    assert sum(c[8] for c in crawls) > 0, "the newsroom's faults count as errors"


def health(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_monitor("health", *args, db=db, timeout=60)


def test_health_is_quiet_on_a_fresh_crawl_and_reports_drift(crawled: Crawl, tmp_path: Path) -> None:
    db = copy_db(crawled, tmp_path / "health.db")
    healthy = health(db)
    assert healthy.returncode == EXIT_OK, healthy.stdout + healthy.stderr
    table = healthy.stdout.splitlines()
    assert table[0].split()[:3] == ["source", "status", "runs"] and "last success" in table[0]
    assert len(table) == 1 + SOURCES_COUNT
    assert all(line.split()[1] == "ok" for line in table[1:]), healthy.stdout

    # TASS's articles all date from five weeks ago although its runs still fetch pages.
    old = (datetime.now(UTC) - timedelta(days=35)).replace(microsecond=0).isoformat()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET first_seen = ? WHERE source = 'tass'", [old])
    drift = health(db)
    assert drift.returncode == EXIT_UNHEALTHY, drift.stdout
    status = {r["source"]: r["status"] for r in json.loads(health(db, "--json").stdout)}
    assert status["tass"] == "drift: no new article for 14+ days"
    assert [s for s, v in status.items() if v != "ok"] == ["tass"]
    assert health(db, "--days", "60").returncode == EXIT_OK, "--days sets how long counts as drift"

    # Anadolu's pages stop extracting: five newer runs fetch as much but extract almost nothing.
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET first_seen = ? WHERE source = 'tass'", [datetime.now(UTC).isoformat()])
        for _ in range(5):
            crawl_id = conn.execute("INSERT INTO crawls (spider, started, finished, status) VALUES "
                                    "('feeds', ?, ?, 'ok')", [old, old]).lastrowid
            conn.execute("INSERT INTO source_runs (crawl_id, source, listed, fetched, extracted, dated, relevant, "
                         "stored, errors, listing_errors, finished) VALUES (?, 'aa', 20, 20, 2, 2, 1, 1, 0, 0, ?)",
                         [crawl_id, old])
    drift = health(db)
    assert drift.returncode == EXIT_UNHEALTHY, drift.stdout
    line = next(line for line in drift.stdout.splitlines() if line.startswith("aa "))
    assert "drift: extraction rate 10% (was" in line
    status = {r["source"]: r["status"] for r in json.loads(health(db, "--json").stdout)}
    assert [s for s, v in status.items() if v != "ok"] == ["aa"]


def test_health_without_a_database_says_so(tmp_path: Path) -> None:
    result = health(tmp_path / "missing.db")
    assert result.returncode != EXIT_OK
    assert "no database at" in result.stderr and "Traceback" not in result.stderr
