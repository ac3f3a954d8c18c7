"""PostgreSQL: full-text search and a missing foreign key

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24

On PostgreSQL only (SQLite has its FTS5 index from 0004):

* ``tn_ts_config(language)`` maps an article's language code to a text-search
  configuration: italian, russian, english, spanish, german, french, portuguese;
  ``simple`` (no stemming, no stop words) for anything else or unknown;
* ``articles.search_vector``: a stored generated ``tsvector`` of the title (weight A) and
  the text (weight B), each analysed with the article's own language configuration, so
  "trasferimento" finds "trasferimenti" in Italian and "тренера" finds "тренер" in
  Russian; with a GIN index. Generated, so no trigger can forget it and existing rows
  are filled when the column is added;
* ``fk_stories_primary_article_id_articles``: 0002 declared it with ``use_alter``, which
  ``CREATE TABLE`` leaves out on PostgreSQL; it is added here when missing.
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

#: ISO 639-1 code -> PostgreSQL text-search configuration (storage/search.py uses the same)
CONFIGS = {"it": "italian", "ru": "russian", "en": "english", "es": "spanish", "de": "german",
           "fr": "french", "pt": "portuguese"}

FUNCTION = """
CREATE OR REPLACE FUNCTION tn_ts_config(lang text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE lower(lang)
        {cases}
        ELSE 'simple'::regconfig
    END
$$""".format(cases="\n        ".join(f"WHEN '{code}' THEN '{name}'::regconfig" for code, name in CONFIGS.items()))

COLUMN = """
ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(tn_ts_config(language), coalesce(title, '')), 'A') ||
    setweight(to_tsvector(tn_ts_config(language), coalesce(text, '')), 'B')
) STORED"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    foreign_keys = {fk["name"] for fk in sa.inspect(bind).get_foreign_keys("stories")}
    if "fk_stories_primary_article_id_articles" not in foreign_keys:
        op.create_foreign_key("fk_stories_primary_article_id_articles", "stories", "articles",
                              ["primary_article_id"], ["id"])
    op.execute(FUNCTION)
    op.execute(COLUMN)
    op.execute("CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_articles_search_vector")
    op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search_vector")
    op.execute("DROP FUNCTION IF EXISTS tn_ts_config(text)")
