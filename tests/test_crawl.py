"""End to end: the real ``transfernews crawl`` against fixture sites on 127.0.0.1.

The fixture sites (``tests/fixtures/sites``) are realistic outlet templates with feeds,
sitemaps (index, gzip, Google News), listing pages with pagination, AMP copies, tracking
links, a robots.txt exclusion, a PDF, a 404 and a redirect. Each site's ``_expected.json``
is the hand-written ground truth the database is checked against.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.demo.server import SiteServer
from crawler.urls import url_key
from conftest import sites_registry

SITES = Path(__file__).parent / "fixtures" / "sites"
SITE_NAMES = sorted(p.name for p in SITES.iterdir() if (p / "_expected.json").exists())


def manifest(site: str) -> dict:
    return json.loads((SITES / site / "_expected.json").read_text("utf-8"))


def registry(server: SiteServer) -> str:
    """A sources file for the running fixture servers, from each manifest's seeds."""
    return sites_registry(server, SITE_NAMES)


@pytest.fixture
def sites():
    with SiteServer(SITES, SITE_NAMES) as server:
        yield server


@pytest.fixture
def crawl(cli, tmp_path, sites):
    sources = tmp_path / "sources.yaml"
    sources.write_text(registry(sites), "utf-8")
    db = tmp_path / "crawl.db"

    def run(*extra):
        return cli("crawl", "--sources", str(sources), "--db", f"sqlite:///{db}",
                   "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", *extra, cwd=tmp_path)

    run.db = db
    return run


def rows(db: Path, sql: str, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def stored_paths(db: Path, site_base: str) -> list[str]:
    return sorted(urlsplit(u).path for (u,) in rows(
        db, "select canonical_url from articles where canonical_url like ?", site_base + "/%"))


def article_paths(site: str) -> set[str]:
    m = manifest(site)
    return {a["path"] for a in m["articles"]} | {alias.split("?")[0].split("#")[0]
                                                  for a in m["articles"] for alias in a.get("aliases", [])}


def test_first_crawl_stores_every_article_once_and_nothing_else(crawl, sites):
    result = crawl()
    assert result.returncode == 0, result.stdout + result.stderr
    for site in SITE_NAMES:
        m = manifest(site)
        base = sites.base(site)
        expected = sorted(a["path"] for a in m["articles"])
        assert stored_paths(crawl.db, base) == expected, site
        for art in m["articles"]:
            (title, text, language, published, author) = rows(
                crawl.db, "select title, text, language, published, author from articles where canonical_url = ?",
                base + art["path"])[0]
            assert title == art["title"]
            assert language == art["language"]
            assert published == art["published"], (site, art["path"])
            assert author == art["author"], (site, art["path"])
            for sentence in art["text_contains"]:
                assert sentence in text, (site, art["path"], sentence)
            for noise in art.get("text_not_contains", []):
                assert noise not in text, (site, art["path"], noise)
        for path in m["not_articles"]:
            assert not rows(crawl.db, "select id from articles where canonical_url = ?", base + path), path
    total = sum(len(manifest(s)["articles"]) for s in SITE_NAMES)
    assert rows(crawl.db, "select count(*) from articles") == [(total,)]
    assert rows(crawl.db, "select count(distinct url_key) from articles") == [(total,)]


def test_aliases_collapse_into_their_article(crawl, sites):
    assert crawl().returncode == 0
    for site in SITE_NAMES:
        base = sites.base(site)
        for art in manifest(site)["articles"]:
            (article_id,) = rows(crawl.db, "select id from articles where canonical_url = ?", base + art["path"])[0]
            for alias in art.get("aliases", []):
                ids = {a for (a,) in rows(crawl.db, "select article_id from article_urls where url_key = ?",
                                          url_key(base + alias))}
                assert ids == {article_id}, (site, alias)


def test_robots_disallowed_pages_are_never_requested(crawl, sites):
    assert crawl().returncode == 0
    for site in SITE_NAMES:
        requested = {urlsplit(p).path for p in sites.requests_for(site)}
        for path in manifest(site).get("not_fetched", []):
            assert path not in requested, (site, path)
        assert "/robots.txt" in requested


def test_robots_txt_holds_for_urls_owed_by_an_earlier_run(crawl, sites):
    """A run starts with many requests to one site before its robots.txt is in: all of
    them wait for it, and a disallowed one among them is not fetched (Scrapy 2.19 gave
    every waiter after the first no parser at all, so they were fetched)."""
    assert crawl().returncode == 0
    site = "mercatoflash"
    with sqlite3.connect(crawl.db) as conn:  # owed by a run that died: all queued, the disallowed one last
        conn.execute("update pages set state = 'queued' where state in ('not_article', 'blocked')")
        conn.execute("update pages set id = id + 100000 where url like '%/riservato/%'")
        owed = conn.execute("select count(*) from pages where state = 'queued' and url like ?",
                            (sites.base(site) + "/%",)).fetchone()[0]
    assert owed >= 4
    before = len(sites.log)
    assert crawl().returncode == 0
    requested = [r.path for r in sites.log[before:] if r.site == site]
    assert "/privacy/" in requested  # the owed pages were fetched again
    assert not [p for p in requested if p.startswith("/riservato/")], requested
    assert rows(crawl.db, "select state from pages where url like '%/riservato/%'") == [("blocked",)]


def test_second_crawl_fetches_no_article_again_and_adds_nothing(crawl, sites):
    assert crawl().returncode == 0
    before = rows(crawl.db, "select id, url_key, text from articles order by id")
    first_run_requests = len(sites.log)
    result = crawl()
    assert result.returncode == 0, result.stderr
    assert "0 new articles" in result.stdout
    assert rows(crawl.db, "select id, url_key, text from articles order by id") == before
    second = sites.log[first_run_requests:]
    for site in SITE_NAMES:
        articles = article_paths(site)
        refetched = [r.path for r in second if r.site == site and urlsplit(r.path).path in articles]
        assert refetched == [], (site, refetched)
    # feeds, sitemaps and listings come back as 304 thanks to the stored validators
    assert any(r.status == 304 for r in second)
    assert rows(crawl.db, "select status, articles_new from crawl_runs order by id")[-1] == ("ok", 0)


def test_failed_article_is_retried_on_the_next_run(crawl, sites):
    site = SITE_NAMES[0]
    path = manifest(site)["articles"][0]["path"]
    sites.servers[site].routes[path] = {"status": 503}
    first = crawl("-s", "RETRY_TIMES=0")
    assert first.returncode == 1, first.stdout  # partial: some fetches failed
    assert not rows(crawl.db, "select id from articles where canonical_url = ?", sites.base(site) + path)
    assert rows(crawl.db, "select state from pages where url = ?", sites.base(site) + path) == [("error",)]
    del sites.servers[site].routes[path]
    second = crawl()
    assert second.returncode == 0, second.stdout
    assert rows(crawl.db, "select count(*) from articles where canonical_url = ?", sites.base(site) + path) == [(1,)]
    assert "1 new articles" in second.stdout


def test_links_queued_by_a_run_that_died_are_fetched_by_the_next(crawl, sites):
    """A discovery page that answers 304 hides its links; the queue must not."""
    assert crawl().returncode == 0
    site = SITE_NAMES[0]
    path = manifest(site)["articles"][0]["path"]
    url = sites.base(site) + path
    # simulate a run killed after queuing the URL but before storing the article
    with sqlite3.connect(crawl.db) as conn:
        article_id = conn.execute("select id from articles where canonical_url = ?", (url,)).fetchone()[0]
        conn.execute("delete from article_urls where article_id = ?", (article_id,))
        conn.execute("update pages set article_id = null where article_id = ?", (article_id,))
        conn.execute("delete from articles where id = ?", (article_id,))
        conn.execute("update pages set state = 'queued' where url_key = ?", (url_key(url),))
    result = crawl()
    assert result.returncode == 0
    assert rows(crawl.db, "select count(*) from articles where canonical_url = ?", url) == [(1,)]


def test_bad_sources_file_fails_clearly_and_crawls_nothing(cli, tmp_path, sites):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"sources:\n  - name: x\n    feeds: [{sites.base(SITE_NAMES[0])}/feed.xml]\n    folow: ['/20']\n")
    result = cli("crawl", "--sources", str(bad), "--db", f"sqlite:///{tmp_path / 'x.db'}", cwd=tmp_path)
    assert result.returncode == 2
    assert f"{bad}: source 'x': unknown field 'folow'" in result.stderr
    assert sites.log == []
    assert not (tmp_path / "x.db").exists()


def test_export_jsonl_and_csv(crawl, cli, tmp_path):
    assert crawl().returncode == 0
    out = tmp_path / "a.jsonl"
    result = cli("export", "--db", f"sqlite:///{crawl.db}", "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(l) for l in out.read_text("utf-8").splitlines()]
    assert len(lines) == rows(crawl.db, "select count(*) from articles")[0][0]
    for key in ("url", "canonical_url", "source", "title", "text", "author", "published", "language", "fetched_at"):
        assert key in lines[0]
    csv_result = cli("export", "--db", f"sqlite:///{crawl.db}", "--format", "csv", cwd=tmp_path)
    assert csv_result.stdout.splitlines()[0].startswith("id,url,canonical_url,source")
    future = cli("export", "--db", f"sqlite:///{crawl.db}", "--since", "2999-01-01", cwd=tmp_path)
    assert future.returncode == 0 and future.stdout == ""
    bad = cli("export", "--db", f"sqlite:///{crawl.db}", "--since", "yesterday'; drop table articles;--", cwd=tmp_path)
    assert bad.returncode == 2 and "--since expects an ISO date" in bad.stderr


def test_sitemap_entries_older_than_max_age_are_skipped(cli, tmp_path, sites):
    """sportru's news sitemap dates one article 2019; a 1000-day limit leaves it out."""
    base = sites.base("sportru")
    sources = tmp_path / "s.yaml"
    sources.write_text(f"sources:\n  - name: sportru\n    sitemaps: [{base}/sitemap.xml]\n    max_age_days: 1000\n")
    db = tmp_path / "s.db"
    result = cli("crawl", "--sources", str(sources), "--db", f"sqlite:///{db}", "-s", "AUTOTHROTTLE_ENABLED=False",
                 "-s", "DOWNLOAD_DELAY=0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    years = {p.split("/")[2] for (p,) in rows(db, "select substr(canonical_url, length(?) + 1) from articles", base)}
    assert years and "2019" not in years
    assert "/news/2019/10/23/karrera-gotov-snova-porabotat-v-rossii/" not in {
        urlsplit(r).path for r in sites.requests_for("sportru")}


def test_edited_article_is_refetched_updated_and_its_old_text_kept(cli, tmp_path):
    """With TRANSFERNEWS_REFETCH_HOURS, recent articles are fetched again (conditional
    GET); an article the outlet edited is updated, the old text kept as a revision."""
    import shutil

    site = tmp_path / "sites"
    shutil.copytree(SITES / "mercatoflash", site / "mercatoflash")
    feed = (SITES / "mercatoflash" / "feed.xml").read_text("utf-8")
    art = next(a for a in manifest("mercatoflash")["articles"] if a["path"] in feed)
    page_file = site / "mercatoflash" / art["path"].strip("/") / "index.html"
    sentence = art["text_contains"][0]
    with SiteServer(site) as server:
        sources = tmp_path / "s.yaml"
        sources.write_text(f"sources:\n  - name: mercatoflash\n    feeds: [{server.base('mercatoflash')}/feed.xml]\n"
                           f"    pages: [{server.base('mercatoflash')}/calciomercato/]\n")
        db = tmp_path / "e.db"
        args = ("crawl", "--sources", str(sources), "--db", f"sqlite:///{db}", "-s", "AUTOTHROTTLE_ENABLED=False",
                "-s", "DOWNLOAD_DELAY=0", "-s", "TRANSFERNEWS_REFETCH_HOURS=24")
        assert cli(*args, cwd=tmp_path).returncode == 0
        url = server.base("mercatoflash") + art["path"]
        (story_before,) = rows(db, "select story_id from articles where canonical_url = ?", url)[0]
        unchanged = cli(*args, cwd=tmp_path)
        assert unchanged.returncode == 0
        assert rows(db, "select count(*) from article_revisions") == [(0,)]
        assert any(r.status == 304 and urlsplit(r.path).path == art["path"] for r in server.log)
        page_file.write_text(page_file.read_text("utf-8").replace(sentence, "Aggiornamento: " + sentence), "utf-8")
        edited = cli(*args, cwd=tmp_path)
        assert edited.returncode == 0, edited.stderr
    (text, story_after) = rows(db, "select text, story_id from articles where canonical_url = ?", url)[0]
    assert "Aggiornamento: " + sentence in text and story_after == story_before
    ((old_text, reason),) = rows(db, "select text, reason from article_revisions")
    assert sentence in old_text and "Aggiornamento" not in old_text and reason == "edited"
    assert rows(db, "select count(*) from articles where canonical_url = ?", url) == [(1,)]


def test_each_discovery_page_is_fetched_once_per_run(crawl, sites):
    """A listing page that links to the site's feed or sitemap must not turn it into an
    article request too (fetched twice, its row overwritten by the later answer)."""
    assert crawl().returncode == 0
    for site in SITE_NAMES:
        requested = sites.requests_for(site)
        for seed in manifest(site)["seeds"]:
            assert requested.count(seed) == 1, (site, seed, requested.count(seed))
