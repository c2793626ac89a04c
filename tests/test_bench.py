"""A small benchmark run end to end: every figure present and consistent, no timing thresholds."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

N, SIZE = 60, 200


def test_small_benchmark_run_writes_every_figure(tmp_path: Path) -> None:
    env = dict(os.environ, MONITOR_SEEDS=str(ROOT / "seeds"), PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-m", "monitor.bench", "--n", str(N), "--sizes", str(SIZE),
                          "--out", str(tmp_path)], capture_output=True, text=True, timeout=600, cwd=ROOT, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    (path,) = tmp_path.glob("bench-*.json")
    result = json.loads(path.read_text())

    assert result["machine"]["nproc"] == os.cpu_count() and result["machine"]["cpu"]
    assert result["n"] == N and result["workers"] == os.cpu_count()

    project = result["project"]
    assert project["pages"] > N                       # the generated pages and the static articles
    assert project["fetched"] == project["pages"]
    assert sum(project["verdicts"].values()) == project["pages"]
    assert project["verdicts"].get("stored", 0) == project["articles_in_db"] > 0
    assert project["articles_per_s"] > 0 and project["peak_rss_mb"] >= project["peak_rss_main_mb"] > 0
    assert 0 <= project["newsroom_cpu_share"] < 1

    # The re-crawl of the unchanged newsroom fetches and extracts nothing.
    assert result["incremental"]["re_extracted"] == 0 and result["incremental"]["fetched"] == 0
    assert result["incremental"]["seconds"] > 0

    assert result["naive"]["pages"] == N and result["naive"]["processes"] == os.cpu_count()
    bare = result["bare"]
    assert bare["pages"] == bare["articles"] == N     # every generated page is an article
    assert 60 <= bare["mean_page_kb"] <= bare["max_page_kb"] <= 200

    assert result["ratio"] == round(project["articles_per_s"] / bare["pages_per_s"], 2)
    assert result["vs_naive"] == round(project["articles_per_s"] / result["naive"]["articles_per_s"], 2)

    store = result["store"]["sizes"][str(SIZE)]
    assert store["stored_before"] == SIZE
    assert store["verdicts"] == {"stored": store["batch"]}
    assert store["stored_after"] == SIZE + store["batch"] + 1   # the seed article comes with the context
    assert store["ms_per_article"] > 0 and store["startup_s"] > 0 and store["peak_rss_mb"] > 0

    assert set(result["targets"]) == {"ratio", "vs_naive", "incremental_relative", "incremental_re_extracted",
                                      "store_growth", "peak_memory_mb"}
    assert all(isinstance(t["met"], bool) for t in result["targets"].values())
    # The two headline figures, each on a line of its own.
    assert re.search(rf"^ratio: {result['ratio']:.2f}$", run.stdout, re.M)
    assert re.search(rf"^vs_naive: {result['vs_naive']:.2f}$", run.stdout, re.M)
