"""The store on a real SQLite file and a real PostgreSQL database: migrations, dedup by URL
key and content, the queue."""
from datetime import datetime, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text

from crawler.extraction import Extracted
from storage.db import DatabaseError, head_revision, include_name, open_db, resolve_url
from storage.models import Article, ArticleUrl, Base, Page
from storage.repository import FetchedPage, Repository, content_hash, decompress


@pytest.fixture
def repo(db_url):
    _engine, sessions = open_db(db_url)
    return Repository(sessions)


class Src:
    def __init__(self, name):
        self.name, self.kind, self.language = name, "news", "it"

    def to_config(self):
        return {"name": self.name}


def article(text="Massimo Carrera è il nuovo allenatore dell'Ascoli. " * 5, canonical=None, title="Carrera"):
    return Extracted(text=text, title=title, canonical_url=canonical, page_type="article",
                     published="2024-03-12T17:30:00+01:00",
                     published_at=datetime(2024, 3, 12, 16, 30, tzinfo=timezone.utc), extractor_version="t")


def page(url, source_id, **kw):
    return FetchedPage(url=url, source_id=source_id, role="article", state="article", http_status=200,
                       body=b"<html>raw</html>", **kw)


def test_migrations_match_the_models(db_url):
    engine, _ = open_db(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False, "include_name": include_name})
        diff = compare_metadata(context, Base.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
    assert {"sources", "crawl_runs", "pages", "articles", "article_urls", "feed_entries"} <= set(
        inspect(engine).get_table_names())


def test_database_url_resolution(monkeypatch):
    monkeypatch.delenv("TRANSFERNEWS_DB", raising=False)
    assert resolve_url(None) == "sqlite:///transfernews.db"
    monkeypatch.setenv("TRANSFERNEWS_DB", "sqlite:///env.db")
    assert resolve_url(None) == "sqlite:///env.db"
    assert resolve_url("sqlite:///cli.db") == "sqlite:///cli.db"


def test_unopenable_database_is_a_clear_error(tmp_path):
    with pytest.raises(DatabaseError, match="does not exist"):
        open_db(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")


def test_article_and_its_aliases(repo):
    ids = repo.sync_sources([Src("a")])
    run = repo.start_run(["a"])
    outcome, first = repo.store_article(
        page("https://x.it/2024/carrera/amp/", ids["a"]), article(canonical="https://x.it/2024/carrera/"), run)
    assert outcome == "new"
    outcome, second = repo.store_article(
        page("https://x.it/2024/carrera/?utm_source=x", ids["a"]), article(canonical="https://x.it/2024/carrera/"), run)
    assert (outcome, second) == ("alias", first)
    with repo.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Article)) == 1
        stored = s.get(Article, first)
        assert stored.canonical_url == "https://x.it/2024/carrera/"
        assert stored.published == "2024-03-12T17:30:00+01:00"
        assert stored.published_at == datetime(2024, 3, 12, 16, 30, tzinfo=timezone.utc)
        urls = set(s.scalars(select(ArticleUrl.url)))
        assert "https://x.it/2024/carrera/amp/" in urls
        raw = s.scalar(select(Page.raw_zlib).where(Page.article_id == first).limit(1))
        assert decompress(raw) == b"<html>raw</html>"
    assert repo.known_keys(["http://x.it/2024/carrera/", "http://x.it/2024/other/"]) == {"http://x.it/2024/carrera/"}


def test_same_text_same_source_is_one_article_other_source_is_not(repo):
    ids = repo.sync_sources([Src("a"), Src("b")])
    assert repo.store_article(page("https://x.it/1/", ids["a"]), article(), None)[0] == "new"
    assert repo.store_article(page("https://x.it/print/1/", ids["a"]), article(), None)[0] == "alias"
    assert repo.store_article(page("https://y.it/1/", ids["b"]), article(), None)[0] == "new"


def test_canonical_home_page_or_other_site_is_ignored(repo):
    ids = repo.sync_sources([Src("a")])
    _, one = repo.store_article(page("https://x.it/a/", ids["a"]), article("uno " * 80, canonical="https://x.it/"), None)
    _, two = repo.store_article(page("https://x.it/b/", ids["a"]), article("due " * 80, canonical="https://other.it/b/"), None)
    with repo.sessions() as s:
        assert s.get(Article, one).canonical_url == "https://x.it/a/"
        assert s.get(Article, two).canonical_url == "https://x.it/b/"


def test_queue_and_retry(repo):
    ids = repo.sync_sources([Src("a")])
    repo.enqueue(ids["a"], ["https://x.it/q1/", "https://x.it/q2/"])
    assert [u for batch in repo.pending([ids["a"]], 8) for u, _ in batch] == ["https://x.it/q1/", "https://x.it/q2/"]
    repo.record_page(FetchedPage("https://x.it/q1/", ids["a"], "article", "error", error="HTTP 503"), None)
    repo.store_article(page("https://x.it/q2/", ids["a"]), article(), None)
    assert [u for batch in repo.pending([ids["a"]], 8) for u, _ in batch] == ["https://x.it/q1/"]
    assert list(repo.pending([ids["a"]], 1)) == []  # gave up after max attempts
    assert repo.known_keys(["http://x.it/q1/", "http://x.it/q2/"]) == {"http://x.it/q2/"}


def test_owed_urls_come_in_batches_each_once_and_known_keys_in_chunks(repo):
    """A run that died after queueing a big sitemap owes many URLs: they are read a batch
    at a time, and the stored ones are asked for in chunks of KEY_CHUNK keys."""
    ids = repo.sync_sources([Src("a")])
    urls = [f"https://x.it/n/{i}/" for i in range(1203)]
    repo.enqueue(ids["a"], urls)
    batches = list(repo.pending([ids["a"]], 8, batch=500))
    assert [len(b) for b in batches] == [500, 500, 203]
    owed = [u for b in batches for u, _ in b]
    assert len(owed) == len(set(owed)) and set(owed) == set(urls)
    for url in urls[::2]:
        repo.record_page(FetchedPage(url, ids["a"], "article", "gone", http_status=404), None)
    keys = [u.replace("https://", "http://") for u in urls] + ["http://x.it/unknown/"]
    assert repo.known_keys(keys) == set(keys[:1203:2])


def test_content_hash_folds_case_and_space():
    assert content_hash("Ciao  mondo\n") == content_hash("ciao mondo")


def test_upgrade_keeps_data_and_groups_old_articles(db_url):
    """A database filled at the first revision upgrades in place; nothing is lost and the
    old articles join stories at the next crawl start."""
    from storage.db import create_db_engine, upgrade

    url = db_url
    engine = create_db_engine(url)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("insert into sources (id, name, kind, created_at, updated_at) values "
                          "(1, 'a', 'news', '2024-01-01', '2024-01-01')"))
        for i, body in enumerate(["Massimo Carrera è il nuovo allenatore dell'Ascoli, ha firmato fino a giugno. " * 4,
                                  "Massimo Carrera è il nuovo allenatore dell'Ascoli, ha firmato fino a giugno. " * 4
                                  + "Una frase in più."], start=1):
            conn.execute(text(
                "insert into articles (id, source_id, url_key, canonical_url, url, text, content_hash, fetched_at, "
                f"updated_at) values ({i}, 1, 'k{i}', 'u{i}', 'u{i}', :body, 'h{i}', '2024-01-01', '2024-01-01')"),
                {"body": body})
        conn.execute(text("insert into article_urls (url, url_key, article_id, relation, first_seen) "
                          "values ('u1', 'k1', 1, 'canonical', '2024-01-01')"))
    before, after = upgrade(engine)
    assert (before, after) == ("0001", head_revision())
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from articles")).scalar() == 2
        assert conn.execute(text("select count(*) from article_urls")).scalar() == 1
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("pragma foreign_keys")).scalar() == 1
    repo = Repository(open_db(url)[1])
    assert repo.assign_missing_stories() == 2
    with repo.sessions() as s:
        stories = {a.story_id for a in s.scalars(select(Article))}
        assert len(stories) == 1  # the near copy joined the first article's story
