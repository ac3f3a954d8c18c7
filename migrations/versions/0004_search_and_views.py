"""full-text search (SQLite FTS5) and analyst views

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

``articles_fts`` is an external-content FTS5 index over title and text, kept in step with
``articles`` by triggers (``unicode61``, diacritics folded; no stemming). On PostgreSQL the
equivalent ``tsvector`` column comes with the PostgreSQL work (issue #6); the views are
plain SQL and work on both.
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

FTS = [
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, coalesce(new.title, ''), new.text);
    END""",
    """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, coalesce(old.title, ''), old.text);
    END""",
    """CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, coalesce(old.title, ''), old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, coalesce(new.title, ''), new.text);
    END""",
    "INSERT INTO articles_fts(rowid, title, text) SELECT id, coalesce(title, ''), text FROM articles",
]

VIEWS = {
    "article_overview": """
CREATE VIEW article_overview AS
SELECT a.id AS article_id, src.name AS source, src.kind AS source_kind, a.title, a.author, a.language,
       a.published, a.published_at, a.date_source, a.fetched_at, a.canonical_url, a.story_id,
       CASE WHEN s.primary_article_id = a.id THEN 1 ELSE 0 END AS is_primary,
       s.member_count AS story_size, length(a.text) AS text_chars
FROM articles a
JOIN sources src ON src.id = a.source_id
LEFT JOIN stories s ON s.id = a.story_id""",
    "daily_source_activity": """
CREATE VIEW daily_source_activity AS
SELECT src.name AS source, substr(CAST(a.fetched_at AS TEXT), 1, 10) AS day, count(*) AS articles,
       count(DISTINCT a.story_id) AS stories, count(DISTINCT a.language) AS languages
FROM articles a JOIN sources src ON src.id = a.source_id
GROUP BY src.name, substr(CAST(a.fetched_at AS TEXT), 1, 10)""",
    "source_run_history": """
CREATE VIEW source_run_history AS
SELECT r.id AS run_id, r.started_at, r.status AS run_status, src.name AS source, c.pages_fetched,
       c.pages_not_modified, c.articles_new, c.articles_alias, c.not_articles, c.errors
FROM crawl_run_sources c
JOIN crawl_runs r ON r.id = c.run_id
JOIN sources src ON src.id = c.source_id""",
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in FTS:
            op.execute(statement)
    for sql in VIEWS.values():
        op.execute(sql)


def downgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("articles_fts_insert", "articles_fts_delete", "articles_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
