"""``transfernews browse``: the database in Datasette, read-only.

The Datasette metadata is made at run time (:func:`metadata`): the title and notes, a
description of every table, view and column (from :mod:`storage.schema_docs`, which reads
them off the models), facets and sort orders for the tables people open first, and the
canned queries of :data:`CANNED_QUERIES` for the common questions.

Datasette opens a file that may change (the default, not ``--immutable``) with SQLite's
``mode=ro``: no write, and, on the WAL database the crawler keeps, no lock a crawl would
wait for. ``--immutable`` would be wrong here, since it tells SQLite the file never
changes while a crawl is writing to it.
"""
from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.schema_docs import INTERNAL_TABLES, column_descriptions, table_descriptions

DEFAULT_PORT = 8001
#: Datasette settings: a little more time for facets and queries over a large archive
SETTINGS = {"sql_time_limit_ms": 5000, "facet_time_limit_ms": 1000, "default_page_size": 50}

#: canned queries: name -> title, description and SQL (SQLite: Datasette reads SQLite only)
CANNED_QUERIES: dict[str, dict[str, str]] = {
    "latest_transfer_news": {
        "title": "Latest transfer news",
        "description": "The newest stories, one row per story (its primary article), with how many articles "
                       "carry it. Articles the analyser marked as other football news are left out; those it "
                       "has not read yet are kept.",
        "sql": """SELECT o.published, o.source, o.language, o.title, o.story_size AS articles_in_story,
       o.canonical_url, o.article_id
FROM article_overview o
JOIN articles a ON a.id = o.article_id
WHERE coalesce(a.is_transfer_news, 1) = 1
  AND (o.is_primary = 1 OR o.story_id IS NULL)
ORDER BY coalesce(o.published_at, o.fetched_at) DESC
LIMIT 100""",
    },
    "club_events": {
        "title": "Events for a club",
        "description": "Every event in which the club (any part of its name or of one of its aliases, "
                       "e.g. Spartak or Спартак) is the club joined or left, newest first.",
        "sql": """WITH matched AS (
  SELECT id FROM clubs WHERE name LIKE '%' || :club || '%'
  UNION SELECT club_id FROM club_aliases WHERE alias LIKE '%' || :club || '%'
)
SELECT o.event_date, o.type, o.person, o.role, o.club, o.from_club, o.official,
       o.sources AS outlets, o.source_names, o.event_id
FROM event_overview o
JOIN events e ON e.id = o.event_id
WHERE :club <> '' AND (e.club_id IN (SELECT id FROM matched) OR e.from_club_id IN (SELECT id FROM matched))
ORDER BY o.event_date DESC, o.event_id DESC""",
    },
    "person_career": {
        "title": "A person's career timeline",
        "description": "The stated (non-rumour) events of everyone whose name or alias contains the text, "
                       "oldest first: the career of a player or a coach.",
        "sql": """SELECT t.person, t.event_date, t.type, t.role, t.club, t.from_club, t.contract_until,
       t.official, t.event_id
FROM person_timeline t
WHERE :person <> '' AND t.person_id IN (
  SELECT id FROM people WHERE name LIKE '%' || :person || '%'
  UNION SELECT person_id FROM person_aliases WHERE alias LIKE '%' || :person || '%')
ORDER BY t.person, t.event_date, t.event_id""",
    },
    "coach_changes": {
        "title": "Appointments and dismissals in the last N days",
        "description": "Appointments, dismissals and resignations dated (else first reported) in the last "
                       ":days days (30 when empty), newest first, with how many outlets reported each.",
        "sql": """SELECT coalesce(o.event_date, substr(o.first_reported_at, 1, 10)) AS date, o.type, o.person,
       o.role, o.club, o.official, o.sources AS outlets, o.source_names, o.event_id
FROM event_overview o
WHERE o.type IN ('appointment', 'dismissal', 'resignation')
  AND coalesce(o.event_date, substr(o.first_reported_at, 1, 10))
      >= date('now', '-' || CAST(coalesce(nullif(:days, ''), '30') AS INTEGER) || ' days')
ORDER BY date DESC, o.event_id DESC""",
    },
    "stories_most_outlets": {
        "title": "Stories with the most outlets",
        "description": "Stories carried by the most distinct sources, with their primary article's title.",
        "sql": """SELECT m.story_id, count(DISTINCT m.source) AS outlets, count(*) AS articles,
       group_concat(DISTINCT m.source) AS sources, p.title AS primary_title, s.first_seen
FROM story_members m
JOIN stories s ON s.id = m.story_id
LEFT JOIN articles p ON p.id = s.primary_article_id
GROUP BY m.story_id
ORDER BY outlets DESC, articles DESC, s.first_seen DESC
LIMIT 100""",
    },
    "silent_sources": {
        "title": "Silent sources",
        "description": "Sources without a new article in their last :runs finished runs (3 when empty), "
                       "the same test as transfernews health, with their last new article.",
        "sql": """SELECT name AS source, kind, runs_since_last_new, last_new_article
FROM (
  SELECT s.name, s.kind,
         (SELECT max(a.fetched_at) FROM articles a WHERE a.source_id = s.id) AS last_new_article,
         (SELECT count(*) FROM crawl_run_sources c JOIN crawl_runs r ON r.id = c.run_id
          WHERE c.source_id = s.id AND r.finished_at IS NOT NULL
            AND c.run_id > coalesce((SELECT max(c2.run_id) FROM crawl_run_sources c2
                                     WHERE c2.source_id = s.id AND c2.articles_new > 0), 0)) AS runs_since_last_new
  FROM sources s
)
WHERE runs_since_last_new >= CAST(coalesce(nullif(:runs, ''), '3') AS INTEGER)
ORDER BY runs_since_last_new DESC, name""",
    },
}

#: per table or view: facets, default sort and label column
TABLE_OPTIONS: dict[str, dict] = {
    "articles": {"facets": ["source_id", "language", "date_source"], "sort_desc": "fetched_at",
                 "label_column": "title"},
    "article_overview": {"facets": ["source", "language", "source_kind"]},
    "story_members": {"facets": ["source", "language"]},
    "daily_source_activity": {"facets": ["source"]},
    "source_run_history": {"facets": ["source", "run_status"]},
    "sources": {"facets": ["kind", "language"], "label_column": "name"},
    "pages": {"facets": ["state", "source_id", "role"], "sort_desc": "fetched_at"},
    "crawl_runs": {"facets": ["status"], "sort_desc": "id"},
    "stories": {"sort_desc": "member_count"},
    "events": {"facets": ["type", "official", "role"], "sort_desc": "event_date"},
    "event_overview": {"facets": ["type", "official", "role"]},
    "event_mentions": {"facets": ["type", "official"]},
    "person_timeline": {"facets": ["type", "role"]},
    "club_moves": {"facets": ["direction", "type", "club"]},
    "clubs": {"facets": ["country"], "label_column": "name"},
    "people": {"label_column": "name"},
    "club_aliases": {"facets": ["kind", "language"]},
}


class BrowseError(Exception):
    """The database cannot be browsed; ``code`` is the exit code."""

    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


def sqlite_file(url: str) -> Path:
    """The SQLite file behind ``url``; Datasette reads nothing else."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise BrowseError(
            f"browse opens SQLite databases in Datasette, and {parsed.render_as_string()} is "
            f"{parsed.get_backend_name()}. Use psql, DBeaver or `transfernews export` there, or export a "
            f"SQLite copy to browse.", 2)
    if not parsed.database or parsed.database == ":memory:":
        raise BrowseError("browse needs a SQLite file, not an in-memory database", 2)
    path = Path(parsed.database).expanduser().resolve()
    if not path.is_file():
        raise BrowseError(f"no database at {path}: crawl first (transfernews crawl, or transfernews demo)", 3)
    return path


def source_names(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return [name for (name,) in conn.execute("SELECT name FROM sources ORDER BY name")]
    finally:
        conn.close()


def metadata(database: str, sources: list[str] | None = None) -> dict:
    """Datasette metadata for a transfernews database that Datasette names ``database``."""
    described, columns = table_descriptions(), column_descriptions()
    tables = {}
    for name, description in described.items():
        entry = {"description": description, "columns": columns.get(name, {})}
        entry.update(TABLE_OPTIONS.get(name, {}))
        if name in INTERNAL_TABLES:
            entry["hidden"] = True
        tables[name] = entry
    tables["articles"].update({"fts_table": "articles_fts", "fts_pk": "id"})
    shown = ", ".join((sources or [])[:12]) + (f" and {len(sources) - 12} more" if len(sources or []) > 12 else "")
    return {
        "title": "transfernews",
        "description": "Football transfer and coach-appointment news, crawled, cleaned and deduplicated "
                       "into stories, with the events (transfers, loans, appointments, dismissals) they "
                       "report. Start with article_overview, event_overview or a canned query below. "
                       "Times are UTC. This view is read-only.",
        "license": "Article texts belong to their publishers: for analysis and search, not for republication",
        "source": f"transfernews crawl of {len(sources or [])} source(s)" + (f": {shown}" if shown else ""),
        "databases": {
            database: {
                "description": "The transfernews database: articles, stories, events, and the crawl's own records.",
                "tables": tables,
                "queries": {name: dict(query, hide_sql=False) for name, query in CANNED_QUERIES.items()},
            }
        },
    }


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise BrowseError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; pick another --port", 2) \
                from None


def serve(path: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT, open_browser: bool = True,
          echo=print) -> None:
    """Serve ``path`` with Datasette until interrupted."""
    import asyncio
    import threading
    import webbrowser

    try:
        import uvicorn
        from datasette.app import Datasette
    except ImportError:
        raise BrowseError("browse needs Datasette: pip install 'transfernews[browse]'", 2) from None
    _check_port(host, port)
    name = path.stem
    ds = Datasette([str(path)], metadata=metadata(name, source_names(path)), settings=SETTINGS)
    if name not in ds.databases:  # Datasette names a file by its stem; make sure the metadata matched
        raise BrowseError(f"Datasette named the database {list(ds.databases)}, expected {name!r}", 4)
    asyncio.run(ds.invoke_startup())
    base = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    echo(f"browsing {path} read-only at {base}/{name}  (Ctrl-C stops)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        echo(f"warning: listening on {host}: anyone who can reach this machine can read the database")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, [f"{base}/{name}"]).start()
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
