"""A full disk: the crawl stops with a clear message and exit status 3, and the file stays consistent."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import crawl_newsroom

DISK_KB = 700   # room for the schema and the seed, not for a crawl of the newsroom's feeds


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real filesystem of a few hundred KB (tmpfs), so SQLite meets a genuinely full disk."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.fail("this test mounts a tmpfs and must run as root (CI does)")
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_KB}k", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_stops_the_crawl_with_status_3(tiny_disk: Path, newsroom: Any) -> None:
    db = tiny_disk / "astana.db"
    crawl = crawl_newsroom(newsroom.proxy_url, db, "--spiders", "feeds")
    output = crawl.result.stdout + crawl.result.stderr
    assert crawl.result.returncode == 3, output[-3000:]
    assert "database or disk is full" in output
    assert "Traceback" not in output
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        half_written = conn.execute("SELECT count(*) FROM articles WHERE title IS NULL OR text IS NULL").fetchone()[0]
    assert half_written == 0
