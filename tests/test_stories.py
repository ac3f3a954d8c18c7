"""Near-duplicates and stories: copies grouped, distinct reports kept apart, edits kept,
concurrent writers end with one story. Real SQLite files and PostgreSQL databases, real processes."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crawler.extraction import Extracted
from storage.db import open_db
from storage.fingerprint import fingerprint, is_copy
from storage.models import Article, ArticleRevision, Story
from storage.repository import FetchedPage, Repository

EVENTS = Path(__file__).parent / "fixtures" / "events"


def articles(lang: str) -> dict[str, dict]:
    return {row["id"]: row for row in map(json.loads, (EVENTS / f"{lang}.jsonl").read_text("utf-8").splitlines())}


class Src:
    def __init__(self, name, kind="news"):
        self.name, self.kind, self.language = name, kind, "it"

    def to_config(self):
        return {"name": self.name}


@pytest.fixture
def repo(db_url):
    return Repository(open_db(db_url)[1])


def store(repo, source_id, url, text, published=None, refetch=False):
    extracted = Extracted(text=text, title=text[:40], page_type="article", extractor_version="t",
                          published_at=published)
    page = FetchedPage(url=url, source_id=source_id, role="article", state="article", http_status=200,
                       body=text.encode(), refetch=refetch)
    return repo.store_article(page, extracted, None)


def story_of(repo, article_id):
    with repo.sessions() as s:
        return s.get(Article, article_id).story_id


LEAD = "Fonti vicine al club confermano la notizia, attesa da giorni in città."
EXTRA = ("Il nuovo tecnico dovrà risollevare una squadra che non vince da cinque giornate e che occupa il "
         "terzultimo posto della classifica, a un punto dalla zona playout.")


def test_syndicated_and_near_copies_join_one_story_with_the_club_communique_as_primary(repo):
    text = articles("it")["it-002"]["text"]
    ids = repo.sync_sources([Src("outlet1"), Src("outlet2"), Src("outlet3"), Src("outlet4"), Src("club", "club")])
    t0 = datetime(2024, 3, 12, 18, tzinfo=timezone.utc)
    _, first = store(repo, ids["outlet1"], "https://a.it/1", text, t0)
    _, verbatim = store(repo, ids["outlet2"], "https://b.it/1", text, t0 + timedelta(minutes=5))
    _, new_lead = store(repo, ids["outlet3"], "https://c.it/1", LEAD + "\n" + text, t0 + timedelta(minutes=9))
    _, extra = store(repo, ids["outlet4"], "https://d.it/1", text + "\n" + EXTRA, t0 + timedelta(minutes=20))
    _, club = store(repo, ids["club"], "https://club.it/1", text, t0 + timedelta(hours=1))
    story = story_of(repo, first)
    assert {story_of(repo, i) for i in (verbatim, new_lead, extra, club)} == {story}
    with repo.sessions() as s:
        row = s.get(Story, story)
        assert row.member_count == 5
        assert row.primary_article_id == club  # the official communiqué, although published later
        assert s.scalar(select(func.count()).select_from(Story)) == 1


def test_without_a_club_article_the_earliest_is_primary(repo):
    text = articles("it")["it-002"]["text"]
    ids = repo.sync_sources([Src("a"), Src("b")])
    t0 = datetime(2024, 3, 12, 18, tzinfo=timezone.utc)
    _, late = store(repo, ids["a"], "https://a.it/1", text, t0 + timedelta(hours=2))
    _, early = store(repo, ids["b"], "https://b.it/1", text, t0)
    with repo.sessions() as s:
        assert s.get(Story, story_of(repo, late)).primary_article_id == early


@pytest.mark.parametrize("lang", ["it", "ru", "en", "es", "de", "fr", "pt"])
def test_different_reports_of_the_same_event_stay_separate_stories(repo, lang):
    """Articles of different outlets about one fact (same fact_id) are not copies."""
    rows = articles(lang)
    by_fact: dict[str, list[str]] = {}
    for row in rows.values():
        for event in row["events"]:
            by_fact.setdefault(event["fact_id"], []).append(row["id"])
    groups = [sorted(set(v)) for v in by_fact.values() if len(set(v)) > 1]
    assert groups, "the fixture must have facts reported twice"
    ids = repo.sync_sources([Src(f"s{i}") for i in range(len(rows))])
    stored = {}
    for n, (rid, row) in enumerate(sorted(rows.items())):
        stored[rid] = store(repo, ids[f"s{n}"], row["url"], row["text"])[1]
    for group in groups:
        stories = {story_of(repo, stored[rid]) for rid in group}
        assert len(stories) == len(group), (lang, group)


def test_fingerprint_is_language_independent_and_catches_containment():
    ru = articles("ru")
    text = next(iter(ru.values()))["text"]
    assert is_copy(fingerprint(text), fingerprint(text.replace("\n", " ")))[0]
    longer = text + "\n" + "Дополнительный абзац о тренере и клубе с подробностями контракта и планами на сезон. " * 3
    assert is_copy(fingerprint(text), fingerprint(longer))[0]
    other = list(ru.values())[5]["text"]
    assert not is_copy(fingerprint(text), fingerprint(other))[0]


def test_edited_article_keeps_its_history_and_its_story(repo):
    text = articles("it")["it-002"]["text"]
    ids = repo.sync_sources([Src("a"), Src("b")])
    _, article_id = store(repo, ids["a"], "https://a.it/1", text)
    _, copy_id = store(repo, ids["b"], "https://b.it/1", text)
    story = story_of(repo, article_id)
    edited = text.replace("Ascoli", "Ascoli Calcio", 1) + "\nAggiornamento: il tecnico sarà presentato domani."
    assert store(repo, ids["a"], "https://a.it/1", edited, refetch=True)[0] == "updated"
    assert store(repo, ids["a"], "https://a.it/1", edited, refetch=True)[0] == "unchanged"
    with repo.sessions() as s:
        article = s.get(Article, article_id)
        assert article.text == edited and article.story_id == story
        (revision,) = s.scalars(select(ArticleRevision).where(ArticleRevision.article_id == article_id)).all()
        assert revision.text == text and revision.revision == 1 and revision.reason == "edited"
        assert s.get(Story, story).member_count == 2
    assert story_of(repo, copy_id) == story


WRITER = textwrap.dedent('''
    import sys, time
    from crawler.extraction import Extracted
    from storage.db import open_db
    from storage.repository import FetchedPage, Repository
    db, source_id, prefix, start, texts_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), sys.argv[5]
    texts = open(texts_file, encoding="utf-8").read().split("\\n@@@\\n")
    repo = Repository(open_db(db, migrate=False)[1])
    while time.time() < start:
        time.sleep(0.001)
    for i, text in enumerate(texts):
        page = FetchedPage(url=f"https://{prefix}.it/{i}", source_id=source_id, role="article", state="article",
                           http_status=200, body=b"x")
        repo.store_article(page, Extracted(text=text, page_type="article", extractor_version="t"), None)
''')


def test_concurrent_writers_storing_copies_end_with_one_story_each(tmp_path, db_url):
    """Two processes store copies of the same 20 stories at the same moment."""
    import time

    db = db_url
    repo = Repository(open_db(db)[1])
    ids = repo.sync_sources([Src("one"), Src("two")])
    texts = [row["text"] for lang in ("it", "en", "es") for row in articles(lang).values()][:20]
    texts_file = tmp_path / "texts.txt"
    texts_file.write_text("\n@@@\n".join(texts), "utf-8")
    script = tmp_path / "writer.py"
    script.write_text(WRITER, "utf-8")
    start = time.time() + 2.0
    procs = [subprocess.Popen([sys.executable, str(script), db, str(ids[name]), name, str(start), str(texts_file)],
                              cwd=Path(__file__).resolve().parent.parent)
             for name in ("one", "two")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with repo.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Article)) == 40
        assert s.scalar(select(func.count()).select_from(Story)) == len(texts)
        assert set(s.scalars(select(Story.member_count))) == {2}
