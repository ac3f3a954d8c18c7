"""Fault injection: a hostile site on 127.0.0.1 (tests/fixtures/hostile) crawled for real.

Every case ends with the crawl going on, the database consistent, and a recorded outcome
that decides whether the next run tries again (see docs/reliability.md).
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.demo.server import SiteServer
from conftest import sites_registry

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
SITES = Path(__file__).parent / "fixtures" / "sites"
FAST = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "DOWNLOAD_TIMEOUT=3", "-s", "RETRY_TIMES=1")

#: path -> (state after the crawl, whether the next run may fetch it again)
EXPECTED = {
    "/hang/": ("error", True),            # accepts, never answers: timeout
    "/slow/": ("error", True),            # a byte a second: timeout
    "/reset/": ("error", True),           # connection reset mid-body
    "/e503/": ("error", True),            # 503 + Retry-After
    "/e429/": ("error", True),            # 429 + Retry-After
    "/loop/": ("error", True),            # redirect to itself
    "/chain/1/": ("error", True),         # 12 redirects > REDIRECT_MAX_TIMES
    "/bomb/": ("skipped", False),         # gzip bomb: decompressed size over the cap
    "/huge/": ("skipped", False),         # 12 MB page over the 10 MB cap
    "/truncated/": ("not_article", False),
    "/empty/": ("not_article", False),
    "/binary/": ("not_article", False),   # random bytes served as text/html
    "/deep/": ("not_article", False),     # 20 000 nested <div>
    "/nul/": ("article", False),          # NUL and control characters in the text
    "/cp1251/": ("article", False),       # windows-1251, no charset anywhere
    "/latin1-wrong/": ("article", False), # ISO-8859-1 bytes labelled UTF-8
    "/good/1/": ("article", False),
}


def rows(db, sql, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


@pytest.fixture
def hostile(cli, tmp_path):
    with SiteServer(HOSTILE) as server:
        base = server.base("hostile")
        sources = tmp_path / "s.yaml"
        sources.write_text(f"sources:\n  - name: hostile\n    pages: [{base}/]\n")
        db = tmp_path / "h.db"

        def crawl():
            start = time.monotonic()
            result = cli("crawl", "--sources", str(sources), "--db", f"sqlite:///{db}", *FAST, cwd=tmp_path,
                         timeout=180)
            return result, time.monotonic() - start

        yield server, base, db, crawl


def test_hostile_site_every_case_recorded_and_crawl_bounded(hostile):
    server, base, db, crawl = hostile
    result, seconds = crawl()
    assert result.returncode == 1, result.stdout + result.stderr  # partial: some fetches failed
    assert seconds < 90
    states = dict(rows(db, "select substr(url, ?), state from pages", len(base) + 1))
    for path, (state, _) in EXPECTED.items():
        assert states.get(path) == state, (path, states.get(path))
    assert "queued" not in states.values()  # nothing left in limbo
    titles = {t for (t,) in rows(db, "select title from articles")}
    assert "Ascoli, Carrera nuovo allenatore" in titles
    (ru_text,) = rows(db, "select text from articles where canonical_url like '%/cp1251/'")[0]
    assert "Московский «Спартак» официально объявил" in ru_text
    (latin,) = rows(db, "select text from articles where canonical_url like '%/latin1-wrong/'")[0]
    assert "è un'operazione già definita, perché" in latin and "\ufffd" not in latin
    (nul_text,) = rows(db, "select text from articles where canonical_url like '%/nul/'")[0]
    assert "\x00" not in nul_text and "\x01" not in nul_text and "paragrafo numero 29" in nul_text
    requested = server.requests_for("hostile")
    assert not any(p.startswith("/xxxx") for p in requested)  # over URLLENGTH_LIMIT: never requested
    assert rows(db, "pragma integrity_check") == [("ok",)]


def test_hostile_site_second_run_retries_only_what_may_recover(hostile):
    server, base, db, crawl = hostile
    crawl()
    first = len(server.log)
    result, _ = crawl()
    again = {r.path for r in server.log[first:]}
    for path, (_, retried) in EXPECTED.items():
        assert (path in again) == retried, (path, retried)
    attempts = dict(rows(db, "select substr(url, ?), attempts from pages", len(base) + 1))
    assert attempts["/e503/"] == 2 and attempts["/good/1/"] == 1
    assert rows(db, "select count(*) from articles") == [(4,)]


def test_kill_9_mid_crawl_loses_nothing_and_stores_nothing_twice(cli, tmp_path):
    """A crawl killed at the worst moment; the next run completes it."""
    names = sorted(p.name for p in SITES.iterdir() if (p / "_expected.json").exists())
    import json

    with SiteServer(SITES, names) as server:
        sources = tmp_path / "s.yaml"
        sources.write_text(sites_registry(server, names))
        db = tmp_path / "k.db"
        args = [sys.executable, "-m", "crawler.cli", "crawl", "--sources", str(sources), "--db", f"sqlite:///{db}",
                "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0.4", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
        env = dict(os.environ)
        env.pop("TRANSFERNEWS_DB", None)
        victim = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.2)
            if db.exists() and _count(db, "select count(*) from articles") >= 3:
                break
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        stored_before = _count(db, "select count(*) from articles")
        assert 3 <= stored_before
        assert rows(db, "pragma integrity_check") == [("ok",)]
        assert rows(db, "select status from crawl_runs") == [("running",)]  # the dead run says so
        result = cli("crawl", "--sources", str(sources), "--db", f"sqlite:///{db}", "-s", "AUTOTHROTTLE_ENABLED=False",
                     "-s", "DOWNLOAD_DELAY=0", cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
    expected = sum(len(json.loads((SITES / n / "_expected.json").read_text("utf-8"))["articles"]) for n in names)
    assert _count(db, "select count(*) from articles") == expected
    assert _count(db, "select count(distinct url_key) from articles") == expected
    assert _count(db, "select count(*) from pages where state = 'queued'") == 0
    assert rows(db, "pragma integrity_check") == [("ok",)]


def _count(db, sql):
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_database_locked_at_start_is_a_clear_error_and_writes_nothing(cli, tmp_path):
    db = tmp_path / "l.db"
    assert cli("db", "upgrade", "--db", f"sqlite:///{db}", cwd=tmp_path).returncode == 0
    holder = sqlite3.connect(db)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with SiteServer(HOSTILE) as server:
            sources = tmp_path / "s.yaml"
            sources.write_text(f"sources:\n  - name: hostile\n    pages: [{server.base('hostile')}/good/1/]\n")
            result = cli("crawl", "--sources", str(sources), "--db", f"sqlite:///{db}", *FAST, cwd=tmp_path,
                         env={"TRANSFERNEWS_DB_TIMEOUT": "1"})
            assert server.log == []  # nothing fetched while the database is unusable
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode == 3, result.stdout + result.stderr
    assert "database is locked" in result.stderr
    assert rows(db, "select count(*) from crawl_runs") == [(0,)]
    assert rows(db, "pragma integrity_check") == [("ok",)]


@pytest.mark.parametrize("evil", [
    "'; DROP TABLE articles; --",
    "\" OR 1=1 --",
    "Carrera') UNION SELECT name, sql, 1, 1, 1, 1, 1, 1, 1 FROM sqlite_master --",
    "NEAR(",
    "*",
])
def test_user_input_never_reaches_sql_as_text(cli, tmp_path, evil):
    """Search and export filters bind every value: injection strings find nothing,
    change nothing, and malformed queries are a clear error."""
    db = tmp_path / "i.db"
    assert cli("demo", "--db", f"sqlite:///{db}", cwd=tmp_path).returncode == 0
    before = rows(db, "select count(*) from articles")
    search = cli("search", evil, "--db", f"sqlite:///{db}", "--format", "jsonl", cwd=tmp_path)
    assert search.returncode in (0, 2), search.stderr
    assert "sqlite_master" not in search.stdout and "CREATE TABLE" not in search.stdout
    for option in ("--source", "--lang"):
        export = cli("export", "--db", f"sqlite:///{db}", option, evil, cwd=tmp_path)
        assert export.returncode == 0 and export.stdout == ""
    raw = cli("search", evil, "--raw", "--db", f"sqlite:///{db}", cwd=tmp_path)
    assert raw.returncode in (0, 2) and "Traceback" not in raw.stderr
    assert rows(db, "select count(*) from articles") == before
    assert rows(db, "pragma integrity_check") == [("ok",)]
