"""One crawl, two databases: the fixture sites crawled into SQLite and into PostgreSQL
(one process, the ordinary command line) give the same articles, stories, views and
answers to the ten worked queries of docs/analysts.md; every command works on both."""
from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from conftest import run_cli, sites_registry
from crawler.demo.server import SiteServer

SITES = Path(__file__).parent / "fixtures" / "sites"
NAMES = sorted(p.name for p in SITES.iterdir() if (p / "_expected.json").exists())
FAILING = ("mercatoflash", "/2024/07/12/napoli-buongiorno-accordo-torino/")


@pytest.fixture(scope="module")
def both(tmp_path_factory, postgres_service):
    """The fixture sites crawled twice into each database from one server (same URLs),
    one article failing both times, as in tests/test_analysts.py."""
    import services

    tmp = tmp_path_factory.mktemp("parity")
    pg = services.create_database(postgres_service.url, f"tn_parity_{id(tmp) % 10**8}")
    sqlite_url = f"sqlite:///{tmp / 'p.db'}"
    with SiteServer(SITES, NAMES) as server:
        sources = tmp / "s.yaml"
        sources.write_text(sites_registry(server, NAMES))
        server.servers[FAILING[0]].routes[FAILING[1]] = {"status": 503}
        for db in (sqlite_url, pg):
            args = ("crawl", "--sources", str(sources), "--db", db, "-s", "DOWNLOAD_DELAY=0",
                    "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0")
            first = run_cli(*args, cwd=tmp)
            assert first.returncode == 1, first.stdout + first.stderr
            second = run_cli(*args, cwd=tmp)
            assert second.returncode == 1 and "0 new articles" in second.stdout, second.stdout
    yield sqlite_url, pg, tmp
    services.drop_database(postgres_service.url, pg.rsplit("/", 1)[1])


def _value(v):
    if isinstance(v, datetime):
        return v.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, str) and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?", v):
        return v[:19]
    if isinstance(v, str) and ", " in v:
        return ", ".join(sorted(v.split(", ")))  # group_concat / string_agg order is not defined
    if isinstance(v, str) and re.fullmatch(r"[a-z]{2}(,[a-z]{2})+", v):
        return ",".join(sorted(v.split(",")))
    if isinstance(v, float):
        return round(v, 6)
    return v


def query(url: str, sql: str, drop: tuple[str, ...] = ()) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            result = conn.execute(text(sql))
            keys = list(result.keys())
            rows = [tuple(_value(v) for k, v in zip(keys, row) if k not in drop) for row in result]
    finally:
        engine.dispose()
    return sorted(rows, key=repr)


def test_same_articles_and_stories(both):
    sqlite_url, pg, _ = both
    sql = ("SELECT a.canonical_url, s.name, a.title, a.text, a.author, a.published, a.published_at, a.modified, "
           "a.date_source, a.language, a.description, a.sitename, a.content_hash FROM articles a "
           "JOIN sources s ON s.id = a.source_id")
    assert query(sqlite_url, sql) == query(pg, sql)
    assert len(query(pg, sql)) > 10
    # stories: the same groups of articles, with the same primary
    stories = ("SELECT m.canonical_url, p.canonical_url AS primary_url FROM story_members m "
               "JOIN stories s ON s.id = m.story_id JOIN articles p ON p.id = s.primary_article_id")
    assert query(sqlite_url, stories) == query(pg, stories)
    urls = "SELECT url, relation FROM article_urls"
    assert query(sqlite_url, urls) == query(pg, urls)
    pages = "SELECT url, role, state, http_status, attempts FROM pages"
    assert query(sqlite_url, pages) == query(pg, pages)


@pytest.mark.parametrize("view, drop", [
    ("article_overview", ("article_id", "story_id", "fetched_at")),
    ("story_members", ("story_id", "article_id", "story_first_seen", "fetched_at")),
    ("daily_source_activity", ()),
    ("source_run_history", ("started_at",)),
])
def test_same_analyst_views(both, view, drop):
    sqlite_url, pg, _ = both
    rows = query(pg, f"SELECT * FROM {view}", drop)
    assert rows and rows == query(sqlite_url, f"SELECT * FROM {view}", drop)


def postgres_form(n: int, sql: str) -> str:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "analysts.md").read_text("utf-8")
    if n == 5:
        return re.search(r"On PostgreSQL the index.*?```sql\n(.*?)```", doc, re.S).group(1)
    sql = re.sub(r"group_concat\(DISTINCT (\w+)\)", r"string_agg(DISTINCT \1, ',')", sql)
    return re.sub(r"group_concat\(([\w.]+), ', '\)", r"string_agg(\1, ', ')", sql)


@pytest.mark.parametrize("n", range(1, 11))
def test_the_ten_worked_queries_give_the_same_answers(both, n):
    from test_analysts import queries

    sqlite_url, pg, _ = both
    sql = queries()[n]
    ids = ("story_id", "id")
    if n == 5:  # full text: PostgreSQL also matches inflected forms; same titles at least
        sqlite_titles = {row[0] for row in query(sqlite_url, sql, ("id", "excerpt"))}
        pg_rows = query(pg, postgres_form(n, sql), ("id",))
        assert sqlite_titles and sqlite_titles <= {title for title, _excerpt in pg_rows}
        assert all("[" in excerpt for _title, excerpt in pg_rows)
        return
    assert query(pg, postgres_form(n, sql), ids) == query(sqlite_url, sql, ids)


def test_every_command_works_on_postgresql(both):
    _, pg, tmp = both
    for args in (["stats"], ["stories", "--format", "jsonl"], ["export", "--format", "csv"],
                 ["health"], ["reextract"], ["db", "upgrade"], ["search", "Carrera"]):
        result = run_cli(*args, "--db", pg, cwd=tmp)
        assert result.returncode in (0, 1), (args, result.stderr)  # health: 1 = a source is unhealthy
        assert "Traceback" not in result.stderr, (args, result.stderr)
    exported = run_cli("export", "--db", pg, cwd=tmp)
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert rows and all(r["story_id"] for r in rows)
    assert "0 changed" in run_cli("reextract", "--db", pg, cwd=tmp).stdout
    assert "already at" in run_cli("db", "upgrade", "--db", pg, cwd=tmp).stdout


def copy_rows(source_url: str, target_url: str) -> None:
    """Every row of every table of ``source_url`` into the empty schema at ``target_url``."""
    from sqlalchemy import MetaData

    from storage.db import open_db
    from storage.models import Base

    open_db(target_url)
    source, target = create_engine(source_url), create_engine(target_url)
    with source.connect() as read, target.begin() as write:
        write.execute(text("SET session_replication_role = replica"))  # FK order (stories <-> articles)
        tables = MetaData()
        tables.reflect(write)
        for table in Base.metadata.sorted_tables:
            rows = [dict(r._mapping) for r in read.execute(table.select())]
            if rows:
                columns = set(tables.tables[table.name].columns.keys()) - {"search_vector"}
                write.execute(table.insert(), [{k: v for k, v in r.items() if k in columns} for r in rows])
    source.dispose()
    target.dispose()


def test_the_report_is_the_same_on_postgresql(both, pg_url):
    """``transfernews report`` reads through SQL that must mean the same on both backends:
    the same rows (the SQLite crawl's, copied into PostgreSQL) give the same page. (Two
    crawls need not give the same events: the analyser merges in storage order, and a
    concurrent crawl does not fix that order.)"""
    sqlite_url, _, tmp = both
    copy_rows(sqlite_url, pg_url)
    pages = {}
    for name, db in (("sqlite", sqlite_url), ("postgresql", pg_url)):
        out = tmp / f"report-{name}.html"
        result = run_cli("report", "--db", db, "--since", "2000-01-01", "--until", "2100-01-01", "-o", str(out),
                         cwd=tmp)
        assert result.returncode == 0, result.stderr
        page = re.sub(r"<svg.*?</svg>", "", out.read_text("utf-8"), flags=re.S)  # charts: drawn, not data
        pages[name] = re.sub(r"Database: .*?</p>", "", page)  # the URL and the time it was made
    assert "<tr>" in pages["sqlite"] and pages["sqlite"] == pages["postgresql"]


def test_postgresql_connections_dropped_mid_crawl_lose_nothing(tmp_path, pg_url, postgres_service):
    """The server ends every connection of the crawl (a failover, a restart, an admin):
    what was stored is whole, the run stops or reconnects, and the next run completes."""
    import subprocess
    import sys
    import time

    import psycopg

    from crawler.demo.bigsite import generate, sources_yaml

    paths = generate(tmp_path / "sites" / "big", 200, seed=9)
    database = pg_url.rsplit("/", 1)[1]
    with SiteServer(tmp_path / "sites", ["big"]) as server:
        sources = tmp_path / "s.yaml"
        sources.write_text(sources_yaml(server, ["big"]))
        args = [sys.executable, "-m", "crawler.cli", "crawl", "--sources", str(sources), "--db", pg_url,
                "-s", "DOWNLOAD_DELAY=0.02", "-s", "AUTOTHROTTLE_ENABLED=False"]
        crawl = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        admin = psycopg.connect(host="127.0.0.1", port=postgres_service.port, user="postgres", dbname="postgres",
                                autocommit=True)
        terminated, deadline = 0, time.monotonic() + 120
        while crawl.poll() is None and time.monotonic() < deadline and terminated < 3:
            time.sleep(0.5)
            stored = 0
            try:
                with psycopg.connect(host="127.0.0.1", port=postgres_service.port, user="postgres",
                                     dbname=database) as c:
                    stored = c.execute("SELECT count(*) FROM articles").fetchone()[0]
            except psycopg.Error:
                continue  # the schema is not there yet
            if stored >= 40 * (terminated + 1):
                terminated += admin.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()", (database,)).fetchone()[0] > 0
        admin.close()
        out, err = crawl.communicate(timeout=180)
        assert terminated >= 1, "the crawl ended before its connections could be dropped"
        assert crawl.returncode in (0, 3), err[-3000:]
        if crawl.returncode == 3:
            assert "database" in err and "unavailable" in err, err[-2000:]
        again = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=180)
        assert again.returncode == 0, again.stderr[-3000:]
    base = server.base("big")
    rows = query(pg_url, "SELECT canonical_url FROM articles")
    assert sorted(u for (u,) in rows) == sorted(base + p for p in paths)
    # every article whole: its URLs, its page row, its story and its bands
    assert query(pg_url, "SELECT count(*) FROM articles a WHERE story_id IS NULL OR NOT EXISTS "
                         "(SELECT 1 FROM article_urls u WHERE u.article_id = a.id) OR NOT EXISTS "
                         "(SELECT 1 FROM pages p WHERE p.article_id = a.id AND p.state = 'article') OR "
                         "(SELECT count(*) FROM article_bands b WHERE b.article_id = a.id) <> 42") == [(0,)]
