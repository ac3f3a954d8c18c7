"""Full-text search over articles: SQLite FTS5 (migration 0004) or PostgreSQL
``tsvector`` (migration 0006).

User text is turned into a query of quoted terms (every word must occur; "quoted
phrases" stay phrases), so punctuation, quotes or operators typed by a user can never
break or subvert the query. ``raw=True`` passes the engine's own syntax through for
experts (FTS5 on SQLite, ``to_tsquery`` on PostgreSQL); a syntax error then comes back
as a :class:`SearchError`. Everything reaches SQL as a bound parameter.

On PostgreSQL each article is indexed with the text-search configuration of its language
(``tn_ts_config``: italian, russian, english, spanish, german, french, portuguese, else
``simple``), so words match across inflections ("allenatori" finds "allenatore"). A query
is analysed with each of those configurations: the union of the eight is what the GIN
index answers, and each article is then checked against the query as analysed in its
own language. With ``--lang`` only that language's configuration is used.
"""
from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.exc import DataError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session

_PHRASE = re.compile(r'"([^"]+)"')
_WORD = re.compile(r"\w+", re.UNICODE)
#: ISO 639-1 code -> PostgreSQL text-search configuration; the same map as tn_ts_config()
PG_CONFIGS = {"it": "italian", "ru": "russian", "en": "english", "es": "spanish", "de": "german",
              "fr": "french", "pt": "portuguese"}


class SearchError(ValueError):
    pass


def fts_query(user_text: str) -> str:
    """``Carrera "Spartak Mosca" 2017`` → ``"carrera" "spartak mosca" "2017"``."""
    terms = []
    for phrase in _PHRASE.findall(user_text):
        words = _WORD.findall(phrase)
        if words:
            terms.append('"' + " ".join(words) + '"')
    rest = _PHRASE.sub(" ", user_text)
    terms += [f'"{w}"' for w in _WORD.findall(rest)]
    if not terms:
        raise SearchError("the query has no words to search for")
    return " ".join(terms)


def search(session: Session, query: str, language: str | None = None, source: str | None = None,
           limit: int = 20, raw: bool = False) -> list[dict]:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return _search_postgres(session, query, language, source, limit, raw)
    if dialect != "sqlite":
        raise SearchError(f"full-text search is not available on {dialect}")
    sql = """
        SELECT a.id, src.name AS source, a.title, a.language, a.published, a.canonical_url, a.story_id,
               snippet(articles_fts, 1, '[', ']', '…', 16) AS snippet, bm25(articles_fts, 5.0, 1.0) AS rank
        FROM articles_fts
        JOIN articles a ON a.id = articles_fts.rowid
        JOIN sources src ON src.id = a.source_id
        WHERE articles_fts MATCH :query
          AND (:language IS NULL OR a.language = :language)
          AND (:source IS NULL OR src.name = :source)
        ORDER BY rank
        LIMIT :limit
    """
    params = {"query": query if raw else fts_query(query), "language": language, "source": source, "limit": limit}
    try:
        rows = session.execute(text(sql), params).mappings().all()
    except OperationalError as exc:
        raise SearchError(f"bad search query: {exc.orig}") from None
    return [dict(row) for row in rows]


def _search_postgres(session: Session, query: str, language: str | None, source: str | None, limit: int,
                     raw: bool) -> list[dict]:
    parse = "to_tsquery" if raw else "websearch_to_tsquery"
    # websearch_to_tsquery reads the quoted terms of fts_query() as words and phrases;
    # no operator a user typed survives the quoting
    text_query = query if raw else fts_query(query)
    if language:
        configs = [PG_CONFIGS.get(language.lower(), "simple")]
    else:
        configs = sorted(set(PG_CONFIGS.values())) + ["simple"]
    # the union over configurations is constant for the statement, so the GIN index
    # answers it; the exact test in the article's own configuration follows
    union = " || ".join(f"{parse}('{name}'::regconfig, :query)" for name in configs)
    sql = f"""
        WITH q AS (SELECT ({union}) AS any_language)
        SELECT a.id, src.name AS source, a.title, a.language, a.published, a.canonical_url, a.story_id,
               ts_headline(tn_ts_config(a.language), a.text, {parse}(tn_ts_config(a.language), :query),
                           'StartSel=[, StopSel=], MaxWords=16, MinWords=6, MaxFragments=1, FragmentDelimiter=…')
                   AS snippet,
               ts_rank_cd(a.search_vector, {parse}(tn_ts_config(a.language), :query)) AS rank
        FROM q, articles a
        JOIN sources src ON src.id = a.source_id
        WHERE a.search_vector @@ q.any_language
          AND a.search_vector @@ {parse}(tn_ts_config(a.language), :query)
          AND (CAST(:language AS text) IS NULL OR a.language = :language)
          AND (CAST(:source AS text) IS NULL OR src.name = :source)
        ORDER BY rank DESC, a.id
        LIMIT :limit
    """
    params = {"query": text_query, "language": language, "source": source, "limit": limit}
    try:
        with session.begin_nested():
            rows = session.execute(text(sql), params).mappings().all()
    except (ProgrammingError, DataError, OperationalError) as exc:
        raise SearchError(f"bad search query: {getattr(exc.orig, 'diag', None) and exc.orig.diag.message_primary or exc.orig}") from None
    return [dict(row) for row in rows]
