"""The README's commands exist and the `monitor` CLI behaves as documented: JSON out, clear errors, exit codes."""

from __future__ import annotations

import argparse
import json
import re
import shlex
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from monitor.cli import build_parser
from monitor.config import ENVIRONMENT
from tests.conftest import MONITOR, ROOT, Crawl, monitor_env, run_monitor

README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
TOOLS = ("monitor", "make", "scrapy")
ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
EXTRACT_FIELDS = ("title", "author", "published", "published_method", "modified", "language", "text", "verdict",
                  "relevant", "relevance", "matched_terms", "round")


def code_blocks(markdown: str) -> list[tuple[str, str]]:
    """(language, body) of every fenced block."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"^```(\w*)\n(.*?)^```", markdown, re.S | re.M)]


def shell_lines(body: str, language: str) -> list[str]:
    """Logical command lines: continuations joined, comments and cron schedules dropped."""
    lines = []
    for line in body.replace("\\\n", " ").splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "[")):
            continue
        if language == "cron":
            line = line.split(None, 5)[5]
        if language == "ini":
            if not line.startswith("ExecStart="):
                continue
            line = line.removeprefix("ExecStart=")
        lines.append(line)
    return lines


def readme_commands() -> list[list[str]]:
    """Every monitor/make/scrapy invocation in the README's code blocks, as argv lists."""
    commands = []
    for language, body in code_blocks(README):
        if language not in ("sh", "bash", "cron", "ini"):
            continue   # the layout block lists folders, not commands
        for line in shell_lines(body, language):
            for part in re.split(r"&&|;|\|", line):
                words = shlex.split(part)
                while words and ENV_ASSIGNMENT.match(words[0]):
                    words.pop(0)
                if words and Path(words[0]).name in TOOLS:
                    commands.append([Path(words[0]).name, *words[1:]])
    return commands


def inline_commands() -> list[list[str]]:
    """`monitor ...` and `make ...` in inline code, without placeholders like [--host H]."""
    found = []
    prose_only = re.sub(r"^```.*?^```", "", README, flags=re.S | re.M)
    for span in re.findall(r"`([^`\n]+)`", prose_only):
        words = re.sub(r"\[[^\]]*\]", "", span).split()
        if len(words) > 1 and words[0] in TOOLS:
            found.append(words)
    return found


def subcommand(argv: list[str]) -> str:
    """The subcommand of a monitor argv, past the global --db/--seeds options."""
    words = iter(argv)
    for word in words:
        if word in ("--db", "--seeds"):
            next(words, None)
        elif not word.startswith("-"):
            return word
    return ""


def makefile_targets() -> set[str]:
    return set(re.findall(r"^([A-Za-z][\w-]*):", MAKEFILE, re.M))


def test_readme_shows_commands_of_every_tool() -> None:
    tools = {c[0] for c in readme_commands()}
    assert tools == set(TOOLS), readme_commands()
    assert len(readme_commands()) >= 10


def test_readme_make_targets_exist() -> None:
    wanted = {c[1] for c in readme_commands() + inline_commands() if c[0] == "make"}
    assert {"demo", "test", "serve", "setup", "lint", "bench"} <= wanted
    assert wanted <= makefile_targets(), wanted - makefile_targets()


def test_readme_monitor_commands_parse() -> None:
    """Each monitor line of the README is accepted by the real argument parser, options and all."""
    shown = [c[1:] for c in readme_commands() + inline_commands() if c[0] == "monitor"]
    assert len(shown) >= 10
    parser = build_parser()
    for argv in shown:
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:
            pytest.fail(f"README command `monitor {' '.join(argv)}` is rejected (exit {exc.code})")
        assert callable(args.func)


def test_readme_monitor_subcommands_have_help() -> None:
    parser = build_parser()
    subcommands = {subcommand(c[1:]) for c in readme_commands() + inline_commands() if c[0] == "monitor"}
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    choices = set(actions[0].choices)
    assert {"crawl", "extract", "rescore", "health", "config", "serve", "newsroom"} <= subcommands
    assert subcommands <= choices, subcommands - choices
    entry_point = Path(sys.executable).parent / "monitor"
    assert entry_point.exists(), "the installed `monitor` command"
    for sub in sorted(subcommands):
        result = subprocess.run([str(entry_point), sub, "--help"], capture_output=True, text=True, timeout=60,
                                cwd=ROOT, env=monitor_env())
        assert result.returncode == 0, (sub, result.stderr)
        assert f"usage: monitor {sub}" in result.stdout


def test_readme_scrapy_commands_name_real_spiders() -> None:
    from monitor.crawl import SPIDERS

    shown = [c for c in readme_commands() if c[0] == "scrapy"]
    crawled = {c[2] for c in shown if c[1] == "crawl"}
    assert crawled and crawled <= set(SPIDERS)
    for command in shown:
        options = [command[i + 1].split("=")[0] for i, word in enumerate(command) if word == "-a"]
        assert set(options) <= {"source", "since", "until"}, command


def test_scrapy_list_prints_the_four_spiders() -> None:
    scrapy = Path(sys.executable).parent / "scrapy"
    result = subprocess.run([str(scrapy), "list"], capture_output=True, text=True, timeout=120, cwd=ROOT,
                            env=monitor_env())
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(result.stdout.split()) == ["archive", "feeds", "search", "sitemaps"]


def test_crawl_help_explains_the_lock_and_exit_statuses() -> None:
    result = subprocess.run([*MONITOR, "crawl", "--help"], capture_output=True, text=True, timeout=60, cwd=ROOT,
                            env=monitor_env())
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "<db>.lock" in text and "taken over" in text
    for status, meaning in (("0", "healthy"), ("1", "a source failed entirely"), ("2", "bad arguments"),
                            ("3", "the database cannot be opened or written"), ("75", "another crawl holds the lock")):
        assert f"{status} {meaning}" in text, (status, text)


def test_config_prints_every_setting_with_its_variable(tmp_path: Path) -> None:
    db = tmp_path / "elsewhere.db"
    result = subprocess.run([*MONITOR, "config"], capture_output=True, text=True, timeout=60, cwd=ROOT,
                            env=monitor_env(MONITOR_DB=str(db), MONITOR_FEED_DAYS="9"))
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert set(lines) == set(ENVIRONMENT)
    for key, variable in ENVIRONMENT.items():
        assert lines[key].endswith(f"(${variable})"), lines[key]
        assert f"`{variable}`" in README, f"{variable} is missing from the README's settings table"
    assert str(db) in lines["db"] and " 9 " in lines["feed_days"]


# --------------------------------------------------------------------------- monitor extract


def fetch(newsroom: Any, url: str) -> bytes:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": newsroom.proxy_url}))
    with opener.open(url, timeout=30) as response:
        return bytes(response.read())


def relevant_truth(newsroom: Any, outlet: str) -> Any:
    return next(a for a in newsroom.world.articles if a.outlet == outlet and a.relevant and a.round
                and not a.removed and not a.fault and not a.generated)


def test_extract_prints_the_page_as_json(newsroom: Any, tmp_path: Path) -> None:
    truth = relevant_truth(newsroom, "tass")
    page = tmp_path / "page.html"
    page.write_bytes(fetch(newsroom, truth.url))
    result = run_monitor("extract", str(page), "--url", truth.url, db=tmp_path / "unused.db", timeout=120)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(EXTRACT_FIELDS) <= set(out), set(EXTRACT_FIELDS) - set(out)
    assert out["verdict"] == "article" and out["relevant"] is True and out["relevance"] >= 0.5
    assert out["title"] == truth.title and out["language"] == truth.language
    assert out["published"][:10] == truth.published.strftime("%Y-%m-%d") and out["published_method"]
    assert out["round"] == truth.round and out["matched_terms"]
    assert truth.paragraphs[0][:40] in out["text"]
    assert not (tmp_path / "unused.db").exists(), "extract touches no database"


def test_extract_jsonl_answers_every_line_in_order(newsroom: Any, tmp_path: Path) -> None:
    good = [relevant_truth(newsroom, "tass"), relevant_truth(newsroom, "aa")]
    for n, truth in enumerate(good):
        (tmp_path / f"good{n}.html").write_bytes(fetch(newsroom, truth.url))
    (tmp_path / "binary.html").write_bytes(bytes(range(256)) * 256)
    (tmp_path / "empty.html").write_bytes(b"")
    lines = [
        json.dumps({"path": str(tmp_path / "good0.html"), "url": good[0].url}),
        json.dumps({"path": str(tmp_path / "missing.html"), "url": "http://tass.test/mezhdunarodnaya-panorama/1"}),
        json.dumps({"path": str(tmp_path / "binary.html"), "url": "http://tass.test/mezhdunarodnaya-panorama/2"}),
        '{"path": "broken.html", "url": ',
        json.dumps({"path": str(tmp_path / "empty.html"), "url": "http://tass.test/mezhdunarodnaya-panorama/3"}),
        "",
        json.dumps({"path": str(tmp_path / "good1.html"), "url": good[1].url}),
    ]
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_monitor("extract", "--jsonl", str(manifest), db=tmp_path / "unused.db", timeout=180)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 6, "one object per non-empty line"
    assert [o.get("url") for o in out] == [good[0].url, "http://tass.test/mezhdunarodnaya-panorama/1",
                                           "http://tass.test/mezhdunarodnaya-panorama/2", None,
                                           "http://tass.test/mezhdunarodnaya-panorama/3", good[1].url]
    assert [("error" in o) for o in out] == [False, True, True, True, True, False], out
    assert "line 4" in out[3]["error"] and "No such file" in out[1]["error"]
    assert out[0]["title"] == good[0].title and out[5]["title"] == good[1].title
    assert out[0]["relevant"] and out[5]["relevant"]


def test_extract_on_a_huge_file_answers_in_bounded_memory(tmp_path: Path) -> None:
    huge = tmp_path / "huge.html"
    with huge.open("wb") as handle:
        handle.write(b"<html><body>" + b"<p>Astana talks on Syria.</p>" * (20 * 1024 * 1024 // 29) + b"</body></html>")
    assert huge.stat().st_size >= 20 * 1024 * 1024
    url = "http://tass.test/mezhdunarodnaya-panorama/4231234"
    # Peak Python allocations of the command, traced inside its process; a missing file is the baseline
    # with the same imports and topic (RSS would hide a 20 MB read under the import-time peak).
    probe = ("import sys, tracemalloc; from monitor.cli import main; tracemalloc.start(); code = main(sys.argv[1:]); "
             "print('PEAK', tracemalloc.get_traced_memory()[1], file=sys.stderr); sys.exit(code)")

    def run(path: Path) -> tuple[dict[str, Any], int]:
        result = subprocess.run([sys.executable, "-c", probe, "extract", str(path), "--url", url],
                                capture_output=True, text=True, timeout=120, cwd=ROOT, env=monitor_env())
        assert "Traceback" not in result.stderr
        peak = int(re.search(r"PEAK (\d+)", result.stderr).group(1))  # type: ignore[union-attr]
        return json.loads(result.stdout), peak

    big, big_peak = run(huge)
    missing, base_peak = run(tmp_path / "missing.html")
    assert "larger than" in big["error"] and "error" in missing
    extra_mib = (big_peak - base_peak) / 2**20
    print(f"\nextract of a 20 MB file: {extra_mib:.1f} MiB allocated beyond a missing file's run")
    # Reading the whole file would allocate 20 MiB at least; reading up to the 8 MiB limit about 8.
    assert extra_mib < 14


# --------------------------------------------------------------------------- seeds, serve, report


def broken_seeds(tmp_path: Path, file: str, old: str, new: str) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    path = seeds / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return seeds


@pytest.mark.parametrize(
    ("file", "old", "new", "field"),
    [
        ("topic.yaml", "window: {since: 2017-01-01, until: 2024-12-31}", "window: {since: 2017-01-01, until: soon}",
         "window.until"),
        ("sources.yaml", "homepage: https://en.irna.ir/", "homepage: en.irna.ir", "homepage"),
        ("000_a1bba680803d0dec.yaml", "published: 2017-05-03", "published: someday", "published"),
        ("topic.yaml", "languages:\n", "languages: [\n", "line"),
    ],
)
def test_broken_seeds_stop_the_crawl_with_a_clear_message(tmp_path: Path, file: str, old: str, new: str,
                                                          field: str) -> None:
    seeds = broken_seeds(tmp_path, file, old, new)
    # Were the seeds accepted, the crawl must not reach out: every request would go to a dead local proxy.
    dead = "http://127.0.0.1:9"
    result = run_monitor("crawl", "--spiders", "feeds", db=tmp_path / "astana.db", timeout=120,
                         MONITOR_SEEDS=str(seeds), http_proxy=dead, https_proxy=dead)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert file in result.stderr and field in result.stderr, result.stderr


def test_serve_without_a_database_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    result = run_monitor("serve", "--port", "0", db=missing, timeout=60)
    assert result.returncode != 0
    assert str(missing) in result.stderr and "no database" in result.stderr
    assert "Traceback" not in result.stderr and not missing.exists()


def test_report_prints_the_counts(crawled: Crawl, tmp_path: Path) -> None:
    result = run_monitor("report", db=crawled.db, timeout=60)
    assert result.returncode == 0, result.stderr
    total, relevant = crawled.rows("SELECT count(*), sum(relevant) FROM articles WHERE is_seed = 0")[0]
    assert f"articles: {total} ({relevant} relevant), seed articles: 1" in result.stdout
    for source, count in crawled.rows("SELECT source, count(*) FROM articles WHERE is_seed = 0 GROUP BY source"):
        assert re.search(rf"^\s+{source}\s+{count}\s", result.stdout, re.M), (source, count)
    stored = crawled.rows("SELECT count(*) FROM pages WHERE verdict = 'stored'")[0][0]
    assert f"stored {stored}" in result.stdout
