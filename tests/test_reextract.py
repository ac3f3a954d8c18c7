"""``transfernews reextract`` re-runs extraction over the stored raw HTML."""
import sqlite3


def test_reextract_restores_articles_from_stored_html(cli, tmp_path):
    db = tmp_path / "r.db"
    assert cli("demo", "--db", f"sqlite:///{db}", cwd=tmp_path).returncode == 0
    with sqlite3.connect(db) as conn:
        originals = dict(conn.execute("select id, text from articles"))
        victim = min(originals)
        conn.execute("update articles set text = 'stale text', author = 'Someone Else', extractor_version = 'old' "
                     "where id = ?", (victim,))
    result = cli("reextract", "--db", f"sqlite:///{db}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"{len(originals)} articles examined: 1 changed" in result.stdout
    with sqlite3.connect(db) as conn:
        assert dict(conn.execute("select id, text from articles")) == originals
        versions = {v for (v,) in conn.execute("select distinct extractor_version from articles")}
        assert "old" not in versions and len(versions) == 1
    again = cli("reextract", "--db", f"sqlite:///{db}", cwd=tmp_path)
    assert f"{len(originals)} articles examined: 0 changed" in again.stdout


def test_reextract_filters_by_source_and_date(cli, tmp_path):
    db = tmp_path / "r.db"
    assert cli("demo", "--db", f"sqlite:///{db}", cwd=tmp_path).returncode == 0
    with sqlite3.connect(db) as conn:
        per_source = dict(conn.execute(
            "select s.name, count(*) from articles a join sources s on s.id = a.source_id group by s.name"))
    only = cli("reextract", "--db", f"sqlite:///{db}", "--source", "sportdemo", cwd=tmp_path)
    assert f"{per_source['sportdemo']} articles examined" in only.stdout
    none = cli("reextract", "--db", f"sqlite:///{db}", "--since", "2999-01-01", cwd=tmp_path)
    assert "0 articles examined" in none.stdout
