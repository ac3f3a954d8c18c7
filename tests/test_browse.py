"""``transfernews browse``: Datasette metadata that describes the whole schema, clear errors,
and a real headless Chromium that clicks through the running server."""
from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.browse import CANNED_QUERIES, TABLE_OPTIONS, metadata
from crawler.demo.server import SiteServer
from storage.db import open_db
from storage.schema_docs import COLUMN_NOTES, VIEWS, _attribute_comments, _model_tables

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).parent / "fixtures" / "sites"


def schema(db: Path) -> dict[str, tuple[str, list[str]]]:
    """Every table and view of a migrated database (FTS shadow tables aside): type and columns."""
    with sqlite3.connect(db) as conn:
        names = conn.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') "
                             "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'articles_fts_%'").fetchall()
        return {name: (kind, [r[1] for r in conn.execute(f"PRAGMA table_info('{name}')")]) for name, kind in names}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("schema") / "s.db"
    engine, _ = open_db(f"sqlite:///{db}")
    engine.dispose()
    return db


def test_every_table_view_and_column_is_described(migrated):
    tables = metadata("s")["databases"]["s"]["tables"]
    found = schema(migrated)
    assert {"articles", "events", "event_overview", "person_timeline", "club_moves", "article_overview"} <= set(found)
    undescribed = [name for name in found if not tables.get(name, {}).get("description")]
    assert not undescribed, f"tables or views without a description: {undescribed}"
    missing = [f"{name}.{column}" for name, (_kind, columns) in found.items() for column in columns
               if not tables[name]["columns"].get(column)]
    assert not missing, f"columns without a description: {missing}"
    stale = [f"{name}.{column}" for name, entry in tables.items() for column in entry["columns"]
             if name not in found or column not in found[name][1]]
    assert not stale, f"described but not in the schema: {stale}"
    assert set(TABLE_OPTIONS) <= set(found)
    for name, options in TABLE_OPTIONS.items():
        assert set(options.get("facets", [])) <= set(found[name][1]), name


def test_column_descriptions_come_from_the_models():
    columns = metadata("s")["databases"]["s"]["tables"]
    # the models' own comments, word for word
    assert columns["articles"]["columns"]["published_at"] == "The same instant in UTC, for sorting and filtering"
    assert "dismissal" in columns["events"]["columns"]["type"] and "rumour" in columns["events"]["columns"]["type"]
    assert columns["event_mentions"]["columns"]["person_text"].startswith("The person as the article writes them")
    # a view column given as table.column reads the table's description
    assert columns["article_overview"]["columns"]["published_at"] == columns["articles"]["columns"]["published_at"]
    assert columns["person_timeline"]["columns"]["event_date"] == columns["events"]["columns"]["event_date"]
    # notes are only for what the models leave unsaid: no note shadows a model comment
    for table, cls in _model_tables().items():
        shadowed = set(_attribute_comments(cls)) & set(COLUMN_NOTES.get(table, {}))
        assert not shadowed, f"{table}: {shadowed} are described in the models already"
    assert set(VIEWS) >= {"event_overview", "person_timeline", "club_moves", "story_members"}


def test_canned_queries_run_and_are_documented(migrated):
    readme, analysts = (ROOT / "README.md").read_text("utf-8"), (ROOT / "docs" / "analysts.md").read_text("utf-8")
    with sqlite3.connect(migrated) as conn:
        for name, query in CANNED_QUERIES.items():
            params = {p: "" for p in ("club", "person", "days", "runs") if f":{p}" in query["sql"]}
            assert conn.execute(query["sql"], params).fetchall() == [], name  # valid SQL on the real schema
            assert f"`{name}`" in analysts and f"`{name}`" in readme, f"canned query {name} is not documented"


def test_browse_refuses_postgresql_with_a_reason(cli, tmp_path):
    result = cli("browse", "--db", "postgresql+psycopg://u@127.0.0.1:1/x", "--no-open", cwd=tmp_path)
    assert result.returncode == 2
    assert "SQLite" in result.stderr and "postgresql" in result.stderr


def test_browse_of_a_missing_file_creates_nothing(cli, tmp_path):
    result = cli("browse", "--db", f"sqlite:///{tmp_path / 'none.db'}", "--no-open", cwd=tmp_path)
    assert result.returncode == 3 and "no database at" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_browse_without_datasette_says_how_to_install(migrated, tmp_path):
    # an interpreter in which `import datasette` fails, as it does when the extra is not installed
    code = ("import sys; sys.modules['datasette'] = None; sys.modules['datasette.app'] = None; "
            "from crawler.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", code, "browse", "--db", f"sqlite:///{migrated}", "--no-open",
                             "--port", str(_free_port())], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "pip install 'transfernews[browse]'" in result.stderr


def test_metadata_out_is_usable_by_datasette(cli, migrated, tmp_path):
    out = tmp_path / "m.json"
    result = cli("browse", "--db", f"sqlite:///{migrated}", "--metadata-out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    import json

    written = json.loads(out.read_text("utf-8"))
    assert set(written["databases"]["s"]["queries"]) == set(CANNED_QUERIES)


# -- the real thing: a crawl, the server, and Chromium ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browsed(tmp_path_factory):
    """The fixture sites crawled (the analyser fills the events), one recent event added (the
    fixture news is from 2016-2024, and coach_changes looks back from today), and
    `transfernews browse` serving the database."""
    from conftest import run_cli, sites_registry
    from eventrows import add_event
    from storage.models import Article

    tmp = tmp_path_factory.mktemp("browse")
    names = sorted(p.name for p in SITES.iterdir() if (p / "_expected.json").exists())
    db = tmp / "tn.db"
    with SiteServer(SITES, names) as server:
        (tmp / "s.yaml").write_text(sites_registry(server, names))
        result = run_cli("crawl", "--sources", str(tmp / "s.yaml"), "--db", f"sqlite:///{db}", "-s", "DOWNLOAD_DELAY=0",
                         "-s", "AUTOTHROTTLE_ENABLED=False", cwd=tmp)
        assert result.returncode == 0, result.stderr
    engine, sessions = open_db(f"sqlite:///{db}")
    with sessions.begin() as session:
        article = session.query(Article).order_by(Article.id).first()
        add_event(session, "dismissal", "Rudi Garcia", "Napoli", None, datetime.now(timezone.utc).date() - timedelta(days=3),
                  False, "head_coach", (article.id,), datetime.now(timezone.utc))
    engine.dispose()
    port = _free_port()
    log = open(tmp / "browse.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "crawler.cli", "browse", "--db", f"sqlite:///{db}", "--no-open",
                                "--port", str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"browse exited with {process.returncode}: {(tmp / 'browse.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/-/versions.json", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("browse did not answer within 60 s")
            time.sleep(0.2)
        yield db, base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


class Stored:
    """The events of the database, read from the base tables (not the views the queries use)."""

    def __init__(self, conn: sqlite3.Connection):
        self.clubs = dict(conn.execute("SELECT id, name FROM clubs"))
        self.club_aliases = conn.execute("SELECT club_id, alias FROM club_aliases").fetchall()
        self.people = dict(conn.execute("SELECT id, name FROM people"))
        self.person_aliases = conn.execute("SELECT person_id, alias FROM person_aliases").fetchall()
        self.events = conn.execute("SELECT id, type, person_id, club_id, from_club_id, event_date, "
                                   "substr(first_reported_at, 1, 10) FROM events").fetchall()
        self.outlets: dict[int, set[str]] = {}
        for event_id, source in conn.execute("SELECT m.event_id, s.name FROM event_mentions m JOIN articles a "
                                             "ON a.id = m.article_id JOIN sources s ON s.id = a.source_id"):
            self.outlets.setdefault(event_id, set()).add(source)

    def clubs_named(self, text: str) -> set[int]:
        return ({i for i, name in self.clubs.items() if text in name}
                | {i for i, alias in self.club_aliases if text in alias})

    def people_named(self, text: str) -> set[int]:
        return ({i for i, name in self.people.items() if text in name}
                | {i for i, alias in self.person_aliases if text in alias})


def _cell(value) -> str:
    return "" if value is None else str(value)


def _rows(page, selector: str = "table.rows-and-columns") -> list[dict[str, str]]:
    """The rows of a Datasette results table, as {column: text}."""
    return page.eval_on_selector(selector, """t => {
        return [...t.querySelectorAll('tbody tr')].map(tr => Object.fromEntries(
            [...tr.cells].map((td, i) => [td.className.replace(/^col-/, '').split(' ')[0], td.innerText.trim()])));
    }""")


def test_chromium_browses_canned_queries_and_facets(browsed):
    from browser import open_browser

    db, base, process = browsed
    started = time.monotonic()
    conn = sqlite3.connect(db)
    stored = Stored(conn)
    with open_browser() as browser:
        page = browser.new_page()
        page.goto(base + "/")
        assert page.inner_text("h1") == "transfernews" and page.title().startswith("transfernews")
        page.click("a[href='/tn']")  # the database, by its file name
        page.wait_for_load_state()
        assert page.url == f"{base}/tn"
        for query in CANNED_QUERIES.values():  # all listed, by title
            assert page.locator(f"a:text-is(\"{query['title']}\")").count() == 1

        # events for a club, asked by its name in another script
        page.click('a:text-is("Events for a club")')
        page.wait_for_load_state()
        page.fill("input[name=club]", "Спартак")
        page.click("input[type=submit]")
        page.wait_for_load_state()
        rows = _rows(page)
        spartak = stored.clubs_named("Спартак")
        assert spartak, "the analyser stored no club called Спартак"
        expected = sorted((stored.people[p], kind, _cell(on)) for _i, kind, p, c, f, on, _r in stored.events
                          if c in spartak or f in spartak)
        assert len(expected) >= 2
        assert sorted((r["person"], r["type"], r["event_date"]) for r in rows) == expected
        for row in rows:
            outlets = stored.outlets.get(int(row["event_id"]), set())
            assert int(row["outlets"]) == len(outlets) and set(filter(None, row["source_names"].split(","))) == outlets

        # a career, in date order, found by the Cyrillic spelling
        page.goto(f"{base}/tn/person_career?person=Каррера")
        people = stored.people_named("Каррера")
        career = sorted(((stored.people[p], _cell(on), i), (_cell(stored.clubs.get(c)), _cell(on)))
                        for i, kind, p, c, _f, on, _r in stored.events if p in people and kind != "rumour")
        assert [(r["club"], r["event_date"]) for r in _rows(page)] == [shown for _key, shown in career]
        assert len(career) >= 2

        # coach changes in the last 7 days: only what is dated (else reported) in that week
        page.goto(f"{base}/tn/coach_changes?days=7")
        week_ago = (datetime.now(timezone.utc).date() - timedelta(days=7)).isoformat()
        recent = sorted((stored.people[p], kind) for _i, kind, p, _c, _f, on, reported in stored.events
                        if kind in ("appointment", "dismissal", "resignation") and (on or reported) >= week_ago)
        assert sorted((r["person"], r["type"]) for r in _rows(page)) == recent == [("Rudi Garcia", "dismissal")]

        # latest news: primary articles of transfer news (or not analysed), newest first
        page.goto(f"{base}/tn/latest_transfer_news")
        articles = conn.execute(
            "SELECT a.title, a.is_transfer_news, coalesce(a.published_at, a.fetched_at), "
            "a.story_id IS NULL OR s.primary_article_id = a.id FROM articles a LEFT JOIN stories s ON s.id = a.story_id"
        ).fetchall()
        wanted = sorted((t for t in articles if t[1] != 0 and t[3]), key=lambda t: t[2], reverse=True)
        shown = [r["title"] for r in _rows(page)]
        assert shown == [t[0] for t in wanted]
        assert any(t[1] == 0 for t in articles), "the analyser marked no article as other news"

        # a facet: articles by source, counts as in the database, and it filters
        page.goto(f"{base}/tn/article_overview")
        counts = dict(conn.execute("SELECT s.name, count(*) FROM articles a JOIN sources s ON s.id = a.source_id "
                                   "GROUP BY s.name").fetchall())
        facet = page.eval_on_selector_all("#facet-source li", "items => items.map(li => li.innerText.trim())")
        assert sorted(facet) == sorted(f"{name} {count}" for name, count in counts.items())
        page.click("#facet-source a:text-is('spezia-club')")
        page.wait_for_load_state()
        assert f"{counts['spezia-club']} rows" in page.inner_text("h3")
        assert {r["source"] for r in _rows(page)} == {"spezia-club"}

        # events by type, with the column descriptions from the models
        page.goto(f"{base}/tn/events")
        types = page.eval_on_selector_all("#facet-type li", "items => items.map(li => li.innerText.trim())")
        by_type: dict[str, int] = {}
        for _i, kind, *_ in stored.events:
            by_type[kind] = by_type.get(kind, 0) + 1
        assert sorted(types) == sorted(f"{k} {n}" for k, n in by_type.items())
        assert "contract_extension" in page.inner_text("dl.column-descriptions")

        # browsing holds no lock: a writer gets in at once, and the new row is seen
        writer = sqlite3.connect(db, timeout=0.5)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO sources (name, kind, created_at, updated_at) "
                       "VALUES ('written-while-browsing', 'news', '2024-01-01', '2024-01-01')")
        writer.commit()
        writer.close()
        page.goto(f"{base}/tn/sources")
        assert "written-while-browsing" in page.inner_text("table.rows-and-columns")

        assert browser.errors() == []
        outside = [url for url in browser.requests if not url.startswith(base + "/")]
        assert outside == [], f"requests that left the server: {outside}"
    conn.close()
    print(f"browser part took {time.monotonic() - started:.1f}s")


def test_the_server_opens_the_database_read_only(browsed):
    db, base, process = browsed
    with urllib.request.urlopen(f"{base}/tn/articles.json?_size=1", timeout=10) as response:
        assert response.status == 200  # connections are open now
    fds = Path(f"/proc/{process.pid}/fd")
    if not fds.exists():
        pytest.skip("no /proc on this system")
    modes = []
    for fd in fds.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target == str(db):
            flags = int(next(line for line in (fds.parent / "fdinfo" / fd.name).read_text().splitlines()
                             if line.startswith("flags:")).split()[1], 8)
            modes.append(flags & os.O_ACCMODE)
    assert modes, "the server has not opened the database"
    assert set(modes) == {os.O_RDONLY}
