"""The README's main command: ``transfernews demo`` stores the bundled articles, once."""
import json
import sqlite3

from crawler.demo import DEMO_SITE


def test_demo_stores_every_demo_article_once_and_second_run_adds_nothing(cli, tmp_path):
    db = tmp_path / "demo.db"
    first = cli("demo", "--db", f"sqlite:///{db}", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    expected = json.loads((DEMO_SITE / "_expected.json").read_text("utf-8"))
    titles = sorted(a["title"] for site in expected.values() for a in site)
    with sqlite3.connect(db) as conn:
        stored = sorted(t for (t,) in conn.execute("select title from articles"))
        assert stored == titles
        langs = {l for (l,) in conn.execute("select language from articles")}
        assert {"it", "ru", "en", "es"} <= langs
        assert conn.execute("select count(*) from articles where published is null").fetchone()[0] == 0
    for title in titles:
        assert title in first.stdout
    second = cli("demo", "--db", f"sqlite:///{db}", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "0 new articles" in second.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] == len(titles)
        runs = conn.execute("select status, articles_new from crawl_runs order by id").fetchall()
        assert runs == [("ok", len(titles)), ("ok", 0)]


def test_default_database_is_a_file_in_the_working_directory(cli, tmp_path):
    result = cli("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "transfernews.db").exists()
    again = cli("db", "upgrade", cwd=tmp_path)
    assert "already at" in again.stdout
    env_db = tmp_path / "env.db"
    result = cli("stats", cwd=tmp_path, env={"TRANSFERNEWS_DB": f"sqlite:///{env_db}"})
    assert result.returncode == 0 and env_db.exists()
