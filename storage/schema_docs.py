"""What every table, view and column means, in words, for Datasette and the docs.

The words come from the models wherever they are written there, so they cannot drift
apart from the schema:

* a table's description is its bullet in the ``storage.models`` module docstring (else
  the first paragraph of its class docstring);
* a column's description is the ``#:`` comment above its attribute in the model class;
  a foreign key without one is described by the table it points to.

Only what the models do not say is written here: columns without a ``#:`` comment
(:data:`COLUMN_NOTES`), tables without a docstring of their own (:data:`TABLE_NOTES`), the FTS index and the analyst views (:data:`VIEWS`). A view
column given as ``table.column`` takes that column's description. A test checks that
every table, view and column of a migrated database is described, and that nothing
described here has gone from the schema.
"""
from __future__ import annotations

import ast
import inspect
import re

from storage import models
from storage.models import Base

#: tables the analyst never needs: Alembic's bookkeeping and the LSH band index
INTERNAL_TABLES = ("alembic_version", "article_bands")

#: descriptions of tables that share a bullet in the models' docstring and have no docstring
TABLE_NOTES = {"person_aliases": "A name a person is written by: every script and spelling seen in an article."}

#: descriptions of columns the models leave without a ``#:`` comment
COLUMN_NOTES: dict[str, dict[str, str]] = {
    "alembic_version": {"version_num": "The Alembic revision the schema is at."},
    "sources": {
        "id": "Source id.",
        "name": "The source's unique name in the registry (sources.yaml).",
        "kind": "news (an outlet) or club (official club communiqués).",
        "language": "The language the registry expects of the source, if given.",
        "config": "The source's registry entry as JSON, as last crawled.",
        "created_at": "When the source was first crawled (UTC).",
        "updated_at": "When the source's registry entry was last stored (UTC).",
    },
    "crawl_runs": {
        "id": "Run id.",
        "started_at": "When the run started (UTC).",
        "finished_at": "When the run ended (UTC); empty while it runs or when it died.",
        "sources": "Names of the sources the run crawled (JSON list).",
        "pages_fetched": "Pages fetched (HTTP 200 and other final answers).",
        "pages_not_modified": "Feeds, sitemaps and listings that answered 304 Not Modified.",
        "articles_new": "Articles stored for the first time.",
        "articles_alias": "Fetched URLs that turned out to be another URL of a stored article.",
        "not_articles": "Pages fetched as possible articles that were not articles.",
        "errors": "Fetches that failed (5xx, timeouts, refused); retried next run.",
        "skipped_known": "Announced URLs skipped because they were already done.",
        "message": "Why the run failed or was interrupted, when it did.",
    },
    "crawl_run_sources": {
        "pages_fetched": "Pages of this source fetched in the run.",
        "pages_not_modified": "Discovery pages of this source that answered 304 Not Modified.",
        "articles_new": "New articles of this source stored in the run.",
        "articles_alias": "URLs of this source that led to an article already stored.",
        "not_articles": "Pages of this source fetched as possible articles that were not articles.",
        "errors": "Failed fetches of this source in the run.",
    },
    "pages": {
        "id": "Page id.",
        "url_key": "The URL's identity: scheme, www., AMP markers, parameter order and tracking folded.",
        "url": "The URL as requested.",
        "final_url": "The URL after redirects.",
        "role": "What the URL was fetched as: article, feed, sitemap or listing.",
        "state": "What came of it: article, alias, not_article, listing, feed, sitemap, skipped (not HTML "
                 "or too large), gone (404/410), error (retried next run), blocked (robots.txt), "
                 "queued (discovered, not fetched yet) or not_modified.",
        "http_status": "The HTTP status of the last fetch.",
        "fetched_at": "When the URL was last fetched (UTC).",
        "attempts": "How many times the URL was fetched (failures are retried up to a limit).",
        "etag": "The ETag of the last good fetch, for conditional GET.",
        "last_modified": "The Last-Modified header of the last good fetch, for conditional GET.",
        "content_type": "The Content-Type header.",
        "encoding": "The character encoding the page was decoded with.",
        "content_hash": "SHA-256 of the body.",
        "raw_zlib": "The raw body, zlib-compressed, kept for re-extraction (transfernews reextract).",
        "error": "Why the last fetch failed.",
    },
    "articles": {
        "id": "Article id.",
        "url_key": "Identity of the canonical URL (tracking, www., AMP and parameter order folded); unique.",
        "canonical_url": "The article's canonical URL (rel=canonical on the same site, else the URL after redirects).",
        "url": "The URL the article was fetched from.",
        "title": "The headline.",
        "text": "The main text, cleaned of boilerplate; paragraphs separated by newlines.",
        "author": "The byline: a person, never a desk or agency.",
        "modified": "Last-modified time as the page gave it.",
        "date_source": "Where the date came from: jsonld, meta, time, text or htmldate.",
        "language": "The text's language (ISO 639-1), detected from the text.",
        "language_confidence": "Confidence of the language detection (0..1).",
        "description": "The page's summary (meta description or og:description).",
        "sitename": "The outlet's name as the page gives it.",
        "content_hash": "SHA-256 of the cleaned text: identical texts under two URLs of one site are stored once.",
        "shingle_count": "How many distinct word shingles the fingerprint was computed from.",
        "extractor_version": "Version of the extractor that produced title and text.",
        "fetched_at": "When the article was first stored (UTC): what exports filter on with --since.",
        "updated_at": "When the article was last changed (UTC).",
    },
    "stories": {
        "id": "Story id.",
        "first_seen": "When the story's first article was stored (UTC).",
        "updated_at": "When an article last joined the story (UTC).",
        "member_count": "How many articles carry the story.",
    },
    "article_bands": {
        "band": "Which of the LSH bands of the MinHash fingerprint.",
        "hash": "The band's hash: two articles sharing one are near-copy candidates.",
    },
    "article_revisions": {
        "id": "Revision id.",
        "revision": "1 for the first text replaced, then 2, 3 …",
        "title": "The headline as it was.",
        "text": "The text as it was.",
        "content_hash": "SHA-256 of that text.",
        "replaced_at": "When a later fetch replaced this text (UTC).",
    },
    "article_urls": {
        "id": "URL id.",
        "url_key": "The URL's identity key (the same as the article's for every alias).",
        "first_seen": "When the URL was first seen (UTC).",
    },
    "feed_entries": {
        "id": "Entry id.",
        "feed_url": "The feed or news sitemap that announced the item.",
        "guid": "The item's guid (or its URL when it has none).",
        "url": "The announced URL.",
        "url_key": "The announced URL's identity key.",
        "title": "The title the feed gave.",
        "published_at": "The date the feed gave (UTC).",
        "first_seen": "When the item was first seen (UTC).",
    },
    "clubs": {
        "id": "Club id.",
        "name": "The club's canonical (English-usage) name.",
        "country": "The club's country.",
        "city": "The club's city.",
        "founded": "The year the club was founded.",
    },
    "club_aliases": {
        "id": "Alias id.",
        "alias": "The name as written (official, short, exonym, other script, nickname).",
        "language": "The language the alias is used in, if it is particular to one.",
    },
    "people": {
        "id": "Person id.",
        "name": "The person's name in Latin script, as first seen.",
        "first_seen": "When the person was first named in an event (UTC).",
    },
    "person_aliases": {
        "id": "Alias id.",
        "alias": "The name as an article wrote it (any script or spelling).",
        "norm": "Casefolded, accents removed: what lookups compare.",
    },
    "events": {
        "id": "Event id.",
        "person_id": "The person who moves (people.id).",
        "club_id": "The club joined (transfers, loans, appointments) or left (dismissals, resignations, "
                   "terminations) (clubs.id).",
        "from_club_id": "The club left, for transfers and loans (clubs.id).",
        "event_date": "The date of the fact (signing, appointment, dismissal), when the articles give one.",
        "contract_until": "Contract end date, when given.",
        "fee_amount": "The fee, in fee_currency units (whole units).",
        "fee_currency": "ISO 4217 currency of the fee.",
        "official": "1 when a club communiqué or an article calling it official states it.",
        "mention_count": "How many article statements support the event.",
        "first_reported_at": "When the first article reporting it was stored (UTC).",
        "last_reported_at": "When the last article reporting it was stored (UTC).",
        "updated_at": "When the event was last changed (UTC).",
    },
    "event_mentions": {
        "id": "Mention id.",
        "event_id": "The event stated (events.id).",
        "article_id": "The article that states it (articles.id).",
        "club_id": "The club joined or left, as this article gives it (clubs.id).",
        "from_club_id": "The club left, as this article gives it (clubs.id).",
        "type": "The event type as this article states it.",
        "rumoured_type": "For rumours, the move rumoured.",
        "role": "The person's role as this article gives it.",
        "event_date": "The date as this article gives it.",
        "contract_until": "The contract end date as this article gives it.",
        "fee_kind": "amount, free or undisclosed, as this article gives it.",
        "fee_amount": "The fee as this article gives it.",
        "fee_currency": "The fee's currency as this article gives it.",
        "official": "1 when this article is, or quotes, an official statement.",
        "start": "Offset of the evidence sentence's first character in articles.text (-1: the title).",
        "end": "Offset just past the evidence sentence's last character in articles.text (-1: the title).",
        "confidence": "The analyser's confidence in this statement (0..1).",
        "analyzer_version": "Version of the event analyser that found the statement.",
    },
}

#: the full-text index (SQLite only) and the analyst views: (description, columns)
VIEWS: dict[str, tuple[str, dict[str, str]]] = {
    "articles_fts": (
        "Full-text index (SQLite FTS5) of article titles and texts, diacritics folded, no stemming; "
        "rowid is articles.id. Query it with MATCH, or use the search box of the articles table.",
        {"title": "articles.title", "text": "articles.text"},
    ),
    "article_overview": (
        "One row per article with its source, its story and its size: the place to start.",
        {
            "article_id": "articles.id", "source": "sources.name", "source_kind": "sources.kind",
            "title": "articles.title", "author": "articles.author", "language": "articles.language",
            "published": "articles.published", "published_at": "articles.published_at",
            "date_source": "articles.date_source", "fetched_at": "articles.fetched_at",
            "canonical_url": "articles.canonical_url", "story_id": "articles.story_id",
            "is_primary": "1 when the article is its story's primary (the official communiqué, else the earliest).",
            "story_size": "stories.member_count",
            "text_chars": "Length of the text in characters.",
        },
    ),
    "story_members": (
        "Every story with its articles: one row per article, with the story's size and primary.",
        {
            "story_id": "Story id.", "story_first_seen": "stories.first_seen", "member_count": "stories.member_count",
            "article_id": "articles.id",
            "is_primary": "1 when the article is the story's primary (the official communiqué, else the earliest).",
            "source": "sources.name", "source_kind": "sources.kind", "title": "articles.title",
            "canonical_url": "articles.canonical_url", "language": "articles.language",
            "published": "articles.published", "published_at": "articles.published_at",
            "fetched_at": "articles.fetched_at",
        },
    ),
    "daily_source_activity": (
        "Articles first stored per source and day (UTC), with how many stories and languages.",
        {
            "source": "sources.name", "day": "The day the articles were first stored (UTC, YYYY-MM-DD).",
            "articles": "Articles first stored that day.", "stories": "Distinct stories among them.",
            "languages": "Distinct languages among them.",
        },
    ),
    "source_run_history": (
        "What every run did for every source: the history transfernews health reads.",
        {
            "run_id": "crawl_runs.id", "started_at": "crawl_runs.started_at", "run_status": "crawl_runs.status",
            "source": "sources.name", "pages_fetched": "crawl_run_sources.pages_fetched",
            "pages_not_modified": "crawl_run_sources.pages_not_modified",
            "articles_new": "crawl_run_sources.articles_new", "articles_alias": "crawl_run_sources.articles_alias",
            "not_articles": "crawl_run_sources.not_articles", "errors": "crawl_run_sources.errors",
        },
    ),
    "event_overview": (
        "One row per event with the person, the clubs, and how many articles, outlets and languages reported it.",
        {
            "event_id": "events.id", "type": "events.type", "rumoured_type": "events.rumoured_type",
            "person": "people.name", "role": "events.role", "club": "The club the person joins or leaves (clubs.name).",
            "from_club": "The club the person comes from, for transfers and loans (clubs.name).",
            "event_date": "events.event_date", "contract_until": "events.contract_until",
            "fee_kind": "events.fee_kind", "fee_amount": "events.fee_amount", "fee_currency": "events.fee_currency",
            "official": "events.official", "confirmed_by_id": "events.confirmed_by_id",
            "mention_count": "events.mention_count", "articles": "Distinct articles that report the event.",
            "sources": "Distinct outlets (sources) that report the event.",
            "source_names": "Those outlets' names, comma-separated.",
            "languages": "The languages of those articles, comma-separated.",
            "first_reported_at": "events.first_reported_at", "last_reported_at": "events.last_reported_at",
        },
    ),
    "person_timeline": (
        "Every stated (non-rumour) event of a person, for careers: order by event_date.",
        {
            "person_id": "people.id", "person": "people.name", "event_date": "events.event_date",
            "type": "events.type", "role": "events.role", "club": "The club joined or left (clubs.name).",
            "from_club": "The club the person came from, for transfers and loans (clubs.name).",
            "contract_until": "events.contract_until", "official": "events.official", "event_id": "events.id",
        },
    ),
    "club_moves": (
        "Arrivals and departures per club: signings, loans and appointments in; sales, loans out, "
        "dismissals, resignations and terminations out.",
        {
            "club_id": "clubs.id", "club": "clubs.name", "direction": "arrival or departure, seen from the club.",
            "type": "events.type", "person": "people.name", "role": "events.role",
            "other_club": "The club at the other end of the move, when there is one.",
            "event_date": "events.event_date", "official": "events.official", "event_id": "events.id",
        },
    ),
}

_REFERENCE = re.compile(r"^([a-z_]+)\.([a-z_]+)$")


def _plain(text: str) -> str:
    """RST markup and line breaks out: ``x`` -> x."""
    return " ".join(text.replace("``", "").split())


def _model_tables() -> dict[str, type]:
    return {mapper.class_.__tablename__: mapper.class_ for mapper in Base.registry.mappers}


def _module_bullets() -> dict[str, str]:
    """``* ``name`` / ``other`` — text`` bullets of the models' module docstring."""
    found = {}
    for bullet in re.split(r"\n(?=\* )", models.__doc__ or ""):
        match = re.match(r"\* ((?:``\w+``(?: / )?)+) — (.*)", bullet.strip(), re.S)
        if not match:
            continue
        text = match.group(2).split("\n\n")[0]
        for name in re.findall(r"``(\w+)``", match.group(1)):
            found[name] = _plain(text)
    return found


def _attribute_comments(cls: type) -> dict[str, str]:
    """The ``#:`` comment lines above each attribute of a model class, by column name."""
    lines, first = inspect.getsourcelines(cls)
    tree = ast.parse("".join(lines))
    (node,) = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    mapper = cls.__mapper__
    found = {}
    for stmt in node.body:
        if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
            continue
        block, i = [], stmt.lineno - 2
        while i >= 0 and lines[i].strip().startswith("#:"):
            block.insert(0, lines[i].strip()[2:].strip())
            i -= 1
        prop = mapper.attrs.get(stmt.target.id)
        if block and prop is not None and hasattr(prop, "columns"):
            found[prop.columns[0].name] = _plain(" ".join(block))
    return found


def table_descriptions() -> dict[str, str]:
    """Every table of the models, the FTS index and the views, described."""
    bullets = _module_bullets()
    shared = {text for text in bullets.values() if list(bullets.values()).count(text) > 1}
    result = {}
    for name, cls in sorted(_model_tables().items()):
        docstring = _plain((cls.__doc__ or "").split("\n\n")[0]) or TABLE_NOTES.get(name, "")
        bullet = bullets.get(name, "")
        if bullet in shared and docstring:  # "clubs / club_aliases — …": the class says which is which
            parts = [docstring, bullet]
        else:
            parts = [bullet or docstring]
        result[name] = " ".join(p[0].upper() + p[1:] for p in parts if p)
    result["alembic_version"] = "The schema's Alembic revision (bookkeeping for transfernews db upgrade)."
    for name, (description, _columns) in VIEWS.items():
        result[name] = description
    return result


def column_descriptions() -> dict[str, dict[str, str]]:
    """``{table or view: {column: description}}`` for every table, the FTS index and view."""
    result: dict[str, dict[str, str]] = {}
    for name, cls in sorted(_model_tables().items()):
        comments = _attribute_comments(cls)
        notes = COLUMN_NOTES.get(name, {})
        columns = {}
        for column in cls.__table__.columns:
            text = comments.get(column.name) or notes.get(column.name)
            if not text and column.foreign_keys:
                (fk,) = column.foreign_keys
                text = f"The {fk.column.table.name} row ({fk.column.table.name}.{fk.column.name})."
            if text:
                columns[column.name] = text if " | " in text else text[0].upper() + text[1:]
        result[name] = columns
    result["alembic_version"] = dict(COLUMN_NOTES["alembic_version"])
    for view, (_description, columns) in VIEWS.items():
        resolved = {}
        for column, text in columns.items():
            match = _REFERENCE.match(text)
            if match:
                table, base = match.groups()
                text = result.get(table, {}).get(base) or COLUMN_NOTES.get(table, {}).get(base, "")
            resolved[column] = text
        result[view] = resolved
    return result
