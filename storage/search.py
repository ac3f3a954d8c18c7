"""Full-text search over articles (SQLite FTS5; see migration 0004).

User text is turned into an FTS5 query of quoted terms (every word must occur; "quoted
phrases" stay phrases), so punctuation, quotes or FTS5 operators typed by a user can
never break or subvert the query. ``raw=True`` passes FTS5 syntax through for experts;
a syntax error then comes back as a :class:`SearchError`. Everything reaches SQL as a
bound parameter.
"""
from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

_PHRASE = re.compile(r'"([^"]+)"')
_WORD = re.compile(r"\w+", re.UNICODE)


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
    if dialect != "sqlite":
        raise SearchError(f"full-text search is not available on {dialect} yet (PostgreSQL tsvector: issue #6)")
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
