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
from datetime import date, timedelta
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


TODAY = date.today()
#: (type, person, to, from, date, official, titles of the articles that report it, role)
EVENTS = [
    ("appointment", "Massimo Carrera", "Spartak Moscow", None, date(2016, 8, 17), False,
     ("Massimo Carrera, un sestese al comando del campionato di calcio russo",
      "Экс-защитник «Спартака»: Карреру в клубе до сих пор недооценивают"), "head_coach"),
    ("dismissal", "Fabrizio Castori", "Ascoli", None, date(2024, 3, 11), True,
     ("Ascoli, esonerato Fabrizio Castori: il comunicato del club",), "head_coach"),
    ("appointment", "Massimo Carrera", "Ascoli", None, date(2024, 3, 12), True,
     ("Ascoli, ufficiale: Massimo Carrera è il nuovo allenatore",), "head_coach"),
    ("appointment", "Massimiliano Alvini", "Spezia", None, date(2023, 7, 5), True,
     ("Massimiliano Alvini è il nuovo allenatore dello Spezia", "Il comunicato dello Spezia: Massimiliano Alvini è il nuovo allenatore",
      "Spezia, Massimiliano Alvini è il nuovo allenatore: è ufficiale"), "head_coach"),
    ("appointment", "Guillermo Abascal", "Spartak Moscow", None, date(2024, 6, 3), True,
     ("«Спартак» официально назначил Гильермо Абаскаля главным тренером",), "head_coach"),
    ("transfer", "Douglas Luiz", "Juventus", "Aston Villa", date(2024, 6, 30), True,
     ("Juventus, ufficiale Douglas Luiz: i dettagli dell’operazione con l’Aston Villa",), "player"),
    ("transfer", "Alessandro Buongiorno", "Napoli", "Torino", date(2024, 7, 12), False,
     ("Napoli, è fatta per Buongiorno: al Torino 35 milioni più bonus",), "player"),
    ("dismissal", "Guillermo Abascal", "Spartak Moscow", None, TODAY - timedelta(days=3), False,
     ("«Спартак» обыграл «Локомотив» в московском дерби",), "head_coach"),
]


@pytest.fixture(scope="module")
def browsed(tmp_path_factory):
    """The fixture sites crawled, the events above stored, and `transfernews browse` serving them."""
    from conftest import run_cli, sites_registry
    from eventrows import add_event, club
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
        club(session, "Spartak Moscow", aliases=("Спартак",))
        ids = {a.title: a.id for a in session.query(Article)}
        for kind, who, to, from_, on, official, titles, role in EVENTS:
            missing = [t for t in titles if t not in ids]
            assert not missing, f"no crawled article titled {missing}"
            add_event(session, kind, who, to, from_, on, official, role, tuple(ids[t] for t in titles),
                      person_aliases=("Каррера",) if who == "Massimo Carrera" else ())
    engine.dispose()
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "crawler.cli", "browse", "--db", f"sqlite:///{db}", "--no-open",
                                "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"browse exited with {process.returncode}: {process.stderr.read()}")
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


def _rows(page, selector: str = "table.rows-and-columns") -> list[dict[str, str]]:
    return page.eval_on_selector(selector, """t => {
        const head = [...t.querySelectorAll('thead th')].map(th => th.getAttribute('scope') ? th.textContent.trim() : '');
        return [...t.querySelectorAll('tbody tr')].map(tr => Object.fromEntries(
            [...tr.cells].map((td, i) => [td.className.replace(/^col-/, '').split(' ')[0], td.innerText.trim()])));
    }""")


def test_chromium_browses_canned_queries_and_facets(browsed):
    from browser import open_browser

    db, base, process = browsed
    started = time.monotonic()
    conn = sqlite3.connect(db)
    with open_browser() as browser:
        page = browser.new_page()
        page.goto(base + "/")
        assert page.inner_text("h1") == "transfernews" and page.title().startswith("transfernews")
        page.click("a[href='/tn']")  # the database, by its file name
        page.wait_for_load_state()
        assert page.url == f"{base}/tn"
        for query in CANNED_QUERIES.values():  # all listed, by title
            assert page.locator(f"a:text-is(\"{query['title']}\")").count() == 1

        # events for a club, asked by an alias in another script
        page.click('a:text-is("Events for a club")')
        page.wait_for_load_state()
        page.fill("input[name=club]", "Спартак")
        page.click("input[type=submit]")
        page.wait_for_load_state()
        rows = _rows(page)
        expected = sorted((who, kind, str(on)) for kind, who, to, from_, on, *_ in EVENTS if "Spartak Moscow" in (to, from_))
        assert sorted((r["person"], r["type"], r["event_date"]) for r in rows) == expected
        assert all(r["club"] == "Spartak Moscow" for r in rows)
        carrera = next(r for r in rows if r["person"] == "Massimo Carrera")
        assert carrera["outlets"] == "2" and set(carrera["source_names"].split(",")) == {"mercatoflash", "sportru"}

        # a career, in date order, found by the Cyrillic alias
        page.goto(f"{base}/tn/person_career?person=Каррера")
        career = [(r["club"], r["event_date"]) for r in _rows(page)]
        assert career == [("Spartak Moscow", "2016-08-17"), ("Ascoli", "2024-03-12")]

        # coach changes: only the one of three days ago falls in the last 7 days
        page.goto(f"{base}/tn/coach_changes?days=7")
        assert [(r["person"], r["type"]) for r in _rows(page)] == [("Guillermo Abascal", "dismissal")]

        # latest news: the newest primary article comes first
        page.goto(f"{base}/tn/latest_transfer_news")
        newest = conn.execute("SELECT a.title FROM articles a JOIN stories s ON s.primary_article_id = a.id "
                              "ORDER BY a.published_at DESC LIMIT 1").fetchone()[0]
        assert _rows(page)[0]["title"] == newest

        # a facet: articles by source, counts as in the database, and it filters
        page.goto(f"{base}/tn/article_overview")
        counts = dict(conn.execute("SELECT s.name, count(*) FROM articles a JOIN sources s ON s.id = a.source_id "
                                   "GROUP BY s.name").fetchall())
        shown = page.eval_on_selector_all("#facet-source li", "items => items.map(li => li.innerText.trim())")
        assert sorted(shown) == sorted(f"{name} {count}" for name, count in counts.items())
        page.click("#facet-source a:text-is('spezia-club')")
        page.wait_for_load_state()
        assert f"{counts['spezia-club']} rows" in page.inner_text("h3")
        assert {r["source"] for r in _rows(page)} == {"spezia-club"}

        # events by type and official, with the column descriptions from the models
        page.goto(f"{base}/tn/events")
        types = page.eval_on_selector_all("#facet-type li", "items => items.map(li => li.innerText.trim())")
        by_type = {}
        for kind, *_ in EVENTS:
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
