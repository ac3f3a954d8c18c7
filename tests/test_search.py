"""``transfernews search`` on both backends: FTS5 on SQLite, tsvector with a language
configuration per article on PostgreSQL."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from crawler.extraction import Extracted
from storage.db import open_db
from storage.repository import FetchedPage, Repository

ARTICLES = [
    ("it", "https://a.it/1", "Carrera nuovo allenatore dell'Ascoli",
     "Massimo Carrera è il nuovo allenatore dell'Ascoli. Il tecnico ha firmato un contratto fino a giugno "
     "con opzione per la stagione successiva, dopo l'esonero di Castori."),
    ("it", "https://a.it/2", "Mercato: tre trasferimenti in un giorno",
     "La Sampdoria chiude tre trasferimenti in un giorno: due difensori e un centrocampista arrivano in prestito "
     "con diritto di riscatto fissato a cifre contenute."),
    ("ru", "https://b.ru/1", "Карреру назначили главным тренером",
     "Массимо Каррера назначен главным тренером клуба. Итальянский специалист подписал контракт на два года "
     "и проведёт первую тренировку в понедельник."),
    ("en", "https://c.uk/1", "Club appoints new manager",
     "The club has appointed a new manager on a two-year deal after the previous coach was sacked following "
     "a run of seven defeats in the league."),
    ("de", "https://d.de/1", "Neuer Trainer beim Verein",
     "Der Verein hat einen neuen Trainer verpflichtet. Der Vertrag läuft bis zum Ende der kommenden Saison, "
     "teilte der Klub am Montag mit."),
    (None, "https://e.xx/1", "Senza lingua", "Testo senza lingua riconosciuta: zxqv plorp allenatore qwerty."),
]


class Src:
    def __init__(self, name):
        self.name, self.kind, self.language = name, "news", None

    def to_config(self):
        return {"name": self.name}


@pytest.fixture
def filled(db_url):
    repo = Repository(open_db(db_url)[1])
    ids = repo.sync_sources([Src("s")])
    for lang, url, title, body in ARTICLES:
        extracted = Extracted(text=body, title=title, page_type="article", extractor_version="t", language=lang)
        repo.store_article(FetchedPage(url=url, source_id=ids["s"], role="article", state="article",
                                       http_status=200, body=body.encode()), extracted, None)
    return db_url


def search(cli, tmp_path, db, *args):
    result = cli("search", *args, "--db", db, "--format", "jsonl", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_words_and_phrases_find_their_articles(cli, tmp_path, filled):
    assert [r["canonical_url"] for r in search(cli, tmp_path, filled, "Carrera Ascoli")] == ["https://a.it/1"]
    assert [r["canonical_url"] for r in search(cli, tmp_path, filled, '"nuovo allenatore"')] == ["https://a.it/1"]
    assert search(cli, tmp_path, filled, '"allenatore nuovo"') == []  # a phrase keeps its order
    assert [r["canonical_url"] for r in search(cli, tmp_path, filled, "Каррера")] == ["https://b.ru/1"]
    hits = search(cli, tmp_path, filled, "allenatore")
    assert {r["canonical_url"] for r in hits} == {"https://a.it/1", "https://e.xx/1"}
    assert "[" in hits[0]["snippet"] and "]" in hits[0]["snippet"]
    only_it = search(cli, tmp_path, filled, "allenatore", "--lang", "it")
    assert [r["canonical_url"] for r in only_it] == ["https://a.it/1"]


def test_operators_and_quotes_typed_by_users_are_words(cli, tmp_path, filled):
    for evil in ("Carrera' OR 1=1 --", 'Carrera" OR "x', "Carrera & !Ascoli | (", "Carrera:*"):
        rows = search(cli, tmp_path, filled, evil)
        assert {r["canonical_url"] for r in rows} <= {"https://a.it/1"}, evil


def test_postgres_matches_inflections_in_each_articles_language(cli, tmp_path, filled):
    if not filled.startswith("postgresql"):
        pytest.skip("stemming per language is the PostgreSQL backend's (FTS5 has no stemmer here)")
    # Italian: singular finds plural; Russian: another case of the noun; German and English stems
    assert [r["canonical_url"] for r in search(cli, tmp_path, filled, "trasferimento")] == ["https://a.it/2"]
    assert [r["canonical_url"] for r in search(cli, tmp_path, filled, "тренера")] == ["https://b.ru/1"]
    assert [r["canonical_url"] for r in search(cli, tmp_path, filled, "Vertrages")] == ["https://d.de/1"]
    assert [r["canonical_url"] for r in search(cli, tmp_path, filled, "appointing managers")] == ["https://c.uk/1"]
    # an unknown language is indexed with 'simple': exact words only
    assert [r["canonical_url"] for r in search(cli, tmp_path, filled, "plorp")] == ["https://e.xx/1"]
    # raw tsquery syntax for experts; a syntax error is a clear error, exit 2
    assert [r["canonical_url"] for r in search(cli, tmp_path, filled, "trasf:* & sampdoria", "--raw")] == [
        "https://a.it/2"]
    bad = cli("search", "((", "--raw", "--db", filled, cwd=tmp_path)
    assert bad.returncode == 2 and "bad search query" in bad.stderr


def test_postgres_search_uses_the_gin_index(filled):
    if not filled.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    from storage.search import PG_CONFIGS

    engine, _ = open_db(filled)
    configs = {row[0] for row in engine.connect().execute(
        text("SELECT tn_ts_config(l)::text FROM unnest(CAST(:langs AS text[])) l"), {"langs": list(PG_CONFIGS)})}
    assert configs == set(PG_CONFIGS.values())
    with engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(r[0] for r in conn.execute(text(
            "EXPLAIN SELECT id FROM articles WHERE search_vector @@ "
            "(websearch_to_tsquery('italian', 'allenatore') || websearch_to_tsquery('simple', 'allenatore'))")))
    assert "ix_articles_search_vector" in plan, plan
