"""`monitor serve`: Datasette over the monitor's database, read-only, with the project's configuration."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from monitor.errors import MonitorError

HERE = Path(__file__).resolve().parent / "datasette"
METADATA_TEMPLATE = HERE / "metadata.yaml"
PLUGINS_DIR = HERE / "plugins"
TEMPLATES_DIR = HERE / "templates"
PLACEHOLDER = "__DATABASE__"
# Settings for analysts on a small machine: a generous but bounded query time (the
# canned queries scan all articles), and facets that may take a little longer.
SETTINGS = {
    "sql_time_limit_ms": "5000",
    "facet_time_limit_ms": "1000",
    "default_page_size": "50",
    "max_returned_rows": "2000",
    "allow_download": "off",  # the file is being written by cron; use the JSON/CSV exports instead
}


def database_name(db_path: Path) -> str:
    """The name Datasette gives a database file: its stem."""
    return Path(db_path).stem


def render_metadata(db_path: Path) -> dict[str, Any]:
    """The project's metadata with the placeholder database name replaced by this file's."""
    text = METADATA_TEMPLATE.read_text(encoding="utf-8")
    metadata: dict[str, Any] = yaml.safe_load(text.replace(PLACEHOLDER, database_name(db_path)))
    return metadata


def write_metadata(db_path: Path, folder: Path | None = None) -> Path:
    """Write the rendered metadata as JSON where Datasette can read it; one file per database path."""
    folder = folder or Path(tempfile.gettempdir()) / f"astana-monitor-{os.getuid()}"
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(str(Path(db_path).resolve()).encode()).hexdigest()[:10]
    target = folder / f"metadata-{database_name(db_path)}-{digest}.json"
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(render_metadata(db_path), ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(target)  # atomic: a Datasette starting now never reads half a file
    return target


def datasette_command(db_path: Path, host: str = "127.0.0.1", port: int = 8001,
                      metadata_dir: Path | None = None) -> list[str]:
    """The `datasette serve` invocation (writes the rendered metadata file it points at).

    Never --immutable: cron writes the file while analysts read it. Datasette opens it
    read-only (mode=ro) and WAL lets those reads run during writes; no write plugins.
    """
    command = [
        sys.executable, "-m", "datasette", "serve", str(db_path),
        "--host", host, "--port", str(port),
        "--metadata", str(write_metadata(db_path, metadata_dir)),
        "--plugins-dir", str(PLUGINS_DIR),
        "--template-dir", str(TEMPLATES_DIR),
    ]
    for name, value in SETTINGS.items():
        command += ["--setting", name, value]
    return command


def check_database(db_path: Path) -> None:
    """Fail with a clear message unless db_path is a monitor database that can be read."""
    if not db_path.exists():
        raise MonitorError(f"no database at {db_path}: run `monitor crawl` or `monitor demo` first, "
                           "or point MONITOR_DB at the file")
    if not db_path.is_file():
        raise MonitorError(f"{db_path} is not a file")
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
        try:
            tables = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise MonitorError(f"{db_path} is not a usable SQLite database: {exc}") from None
    if "articles" not in tables:
        raise MonitorError(f"{db_path} has no articles table: not a monitor database")


def serve(db_path: Path, *, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Run Datasette on the database until interrupted; returns its exit status."""
    db_path = Path(db_path)
    check_database(db_path)
    command = datasette_command(db_path, host, port)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: listening on {host}: anyone who can reach it can read the database", file=sys.stderr)
    print(f"Serving {db_path} on http://{host}:{port}/ (Ctrl-C to stop)", file=sys.stderr)
    try:
        return subprocess.run(command, check=False).returncode
    except KeyboardInterrupt:
        return 0
