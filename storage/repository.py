"""Writes that keep the store deduplicated, and the reads the crawler needs to be incremental.

The database is the record of what was seen. A URL is *done* once a row says so, and
that row is written in the same transaction as the article it produced, so a crash
between fetching and storing leaves the URL to be fetched again by the next run,
never half-stored.

Deduplication at store time (near-duplicates and stories come later):

* by **URL key** (:func:`crawler.urls.url_key`) of the canonical URL: an AMP copy, a
  tracking-parameter variant or a redirect of a stored article becomes an alias row in
  ``article_urls`` instead of a second article;
* by **exact content hash** within one source: the same text under two URLs of one site
  (no ``rel=canonical``) is one article. Across sources identical texts stay separate
  articles: five outlets republishing one communiqué are five reports of it.

Those reports are grouped into **stories** instead: every new article gets a MinHash
fingerprint (:mod:`storage.fingerprint`); its LSH bands find candidate copies by indexed
lookups in ``article_bands``; a verified (near) copy joins the story of the article it
copies, otherwise the article opens a new story.

Concurrency: story assignment reads then writes, so two writers storing copies of one
story at the same moment could each open a story. On SQLite every store transaction
takes the write lock up front (``BEGIN IMMEDIATE``): the second writer waits, then sees
the first one's bands. On PostgreSQL many crawler processes write at once, so a store
transaction first takes transaction-scoped advisory locks on what could make it collide
with another: each of its 42 LSH bands, its content hash and its URL key, in sorted order
(no deadlock). Two copies share a band, so they are serialised and the second sees the
first one's bands; unrelated articles are stored in parallel. Batch work that touches
stories wholesale (``assign_missing_stories``) takes one exclusive lock that every store
transaction also holds in shared mode. Every other write is a single ``INSERT … ON
CONFLICT`` statement, atomic on both backends.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
import re
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable
from urllib.parse import urljoin

from contextlib import contextmanager

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from crawler.stages import NULL_CLOCK
from crawler.urls import fetch_url, host_of, is_home_page, url_key
from storage.fingerprint import BANDS, Fingerprint, fingerprint, is_copy
from storage.models import (
    Article,
    ArticleBand,
    ArticleRevision,
    ArticleUrl,
    CrawlRun,
    CrawlRunSource,
    FeedEntry,
    Page,
    SourceRow,
    Story,
)

#: article columns that extraction fills (stored, re-extracted, replaced by edits)
EXTRACTED_FIELDS = ("title", "text", "author", "published", "published_at", "modified", "date_source", "language",
                    "language_confidence", "description", "sitename")
RUN_SOURCE_COUNTERS = ("pages_fetched", "pages_not_modified", "articles_new", "articles_alias", "not_articles",
                       "errors")
#: advisory lock key serialising story assignment on PostgreSQL (exclusive for wholesale
#: story work, shared by every store transaction)
STORY_LOCK_KEY = 0x7472616E  # "tran"
#: advisory lock key serialising the event analyser's writes on PostgreSQL
EVENTS_LOCK_KEY = 0x74726576  # "trev"
#: at most this many candidate articles are verified for one new article
MAX_CANDIDATES = 200
#: the articles sharing a band with a fingerprint: one point lookup per band in the
#: primary key. One constant statement, compiled once (building 42 OR-ed conditions
#: with the expression language cost more than running them)
_CANDIDATES = text(
    "SELECT DISTINCT article_id FROM article_bands WHERE "
    + " OR ".join(f"(band = {b} AND hash = :h{b})" for b in range(BANDS))
    + f" LIMIT {MAX_CANDIDATES}"
)

#: Page states after which a URL is never fetched again.
DONE_STATES = ("article", "alias", "not_article", "skipped", "gone")
#: Page roles that are fetched again on every run (with conditional GET).
DISCOVERY_ROLES = ("feed", "sitemap", "listing")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def content_hash(text: str) -> str:
    """SHA-256 of the text with case and whitespace folded."""
    return hashlib.sha256(re.sub(r"\s+", " ", text).strip().casefold().encode("utf-8")).hexdigest()


def compress(body: bytes | None) -> bytes | None:
    return zlib.compress(body, 6) if body else None


def decompress(blob: bytes | None) -> bytes | None:
    return zlib.decompress(blob) if blob else None


def _insert(session: Session, model):
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model)
    if dialect == "sqlite":
        return sqlite.insert(model)
    raise NotImplementedError(f"unsupported database dialect {dialect!r}")


@dataclass
class FetchedPage:
    """What the crawler knows about one response (or failure)."""

    url: str
    source_id: int | None
    role: str
    state: str
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[str, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    encoding: str | None = None
    body: bytes | None = None
    error: str | None = None
    fetched_at: datetime | None = None
    #: a re-fetch of a stored article to catch edits (``TRANSFERNEWS_REFETCH_HOURS``)
    refetch: bool = False
    #: ``body`` compressed already (by a pool worker): stored as is
    raw_zlib: bytes | None = None


def choose_canonical(fetched_url: str, declared: str | None) -> str:
    """The page's own ``rel=canonical`` when it is on the same site and not the home
    page (sites that point every page at ``/`` exist); else the URL we ended up at."""
    if declared:
        declared = urljoin(fetched_url, declared.strip())
        if host_of(declared) == host_of(fetched_url) and not is_home_page(declared):
            return declared
    return fetched_url


class Repository:
    """All writes of one crawl process; one short transaction per call."""

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions
        #: where the near-duplicate search's CPU time goes (:mod:`crawler.stages`)
        self.clock = NULL_CLOCK

    @contextmanager
    def writing(self, lock_keys: Iterable[int] | None = None):
        """A write transaction that serialises with conflicting writers before it reads (see
        the module docstring). SQLite: ``BEGIN IMMEDIATE``. PostgreSQL: with ``lock_keys``,
        the shared story lock and an exclusive advisory lock per key; without, the story
        lock alone, exclusive."""
        with self.sessions.begin() as session:
            connection = session.connection()
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            elif connection.dialect.name == "postgresql":
                if lock_keys is None:
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": STORY_LOCK_KEY})
                else:
                    connection.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": STORY_LOCK_KEY})
                    connection.execute(text(
                        "SELECT count(pg_advisory_xact_lock(k)) FROM "
                        "(SELECT k FROM unnest(CAST(:keys AS bigint[])) AS k ORDER BY k) AS sorted"
                    ), {"keys": sorted(set(lock_keys))})
            yield session

    @staticmethod
    def _lock_keys(print_: Fingerprint, key: str, sha: str) -> list[int]:
        """Advisory lock keys of one store: its bands (a copy shares one), its content
        hash (exact copies within a source) and its URL key (one article per key)."""
        keys = [(value ^ (band << 56)) for band, value in enumerate(print_.bands())] if print_.size else []
        for name in (key, sha):
            keys.append(int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little", signed=True))
        return [((k + 2**63) % 2**64) - 2**63 for k in keys]

    # -- sources and runs ---------------------------------------------------------------

    def sync_sources(self, sources: Iterable) -> dict[str, int]:
        """Insert or update the registry entries; returns ``{name: id}``."""
        now = utcnow()
        ids = {}
        with self.sessions.begin() as session:
            for source in sorted(sources, key=lambda s: s.name):  # one lock order for all writers
                values = dict(name=source.name, kind=source.kind, language=source.language,
                              config=source.to_config(), updated_at=now)
                stmt = _insert(session, SourceRow).values(created_at=now, **values)
                stmt = stmt.on_conflict_do_update(index_elements=["name"], set_=values)
                session.execute(stmt)
                ids[source.name] = session.scalar(select(SourceRow.id).where(SourceRow.name == source.name))
        return ids

    def start_run(self, source_names: list[str]) -> int:
        with self.sessions.begin() as session:
            run = CrawlRun(started_at=utcnow(), status="running", sources=source_names)
            session.add(run)
            session.flush()
            return run.id

    def finish_run(self, run_id: int, status: str, counters: dict[str, int], message: str | None = None,
                   per_source: dict[int, dict[str, int]] | None = None, source_ids: list[int] | None = None) -> None:
        """Close the run's row; ``per_source`` fills ``crawl_run_sources`` (every source
        of the run gets a row, zeros included: a source that yields nothing is news)."""
        with self.sessions.begin() as session:
            run = session.get(CrawlRun, run_id)
            run.finished_at = utcnow()
            run.status = status
            run.message = message
            for name, value in counters.items():
                setattr(run, name, int(value))
            per_source = dict(per_source or {})
            for source_id in source_ids or ():
                per_source.setdefault(source_id, {})
            for source_id, values in per_source.items():
                session.add(CrawlRunSource(run_id=run_id, source_id=source_id,
                                           **{k: int(values.get(k, 0)) for k in RUN_SOURCE_COUNTERS}))

    def add_to_run(self, run_id: int, counters: dict[str, int], per_source: dict[int, dict[str, int]],
                   source_ids: list[int]) -> None:
        """Add one worker's counters to a run shared by several workers (distributed
        crawl): increments, so workers finishing at the same moment never lose a count."""
        with self.sessions.begin() as session:
            table = CrawlRun.__table__
            session.execute(table.update().where(table.c.id == run_id).values(
                {table.c[name]: table.c[name] + int(value) for name, value in counters.items()}))
            per_source = dict(per_source)
            for source_id in source_ids:
                per_source.setdefault(source_id, {})
            for source_id in sorted(per_source):
                values = {k: int(per_source[source_id].get(k, 0)) for k in RUN_SOURCE_COUNTERS}
                stmt = _insert(session, CrawlRunSource).values(run_id=run_id, source_id=source_id, **values)
                stmt = stmt.on_conflict_do_update(
                    index_elements=["run_id", "source_id"],
                    set_={k: CrawlRunSource.__table__.c[k] + stmt.excluded[k] for k in RUN_SOURCE_COUNTERS})
                session.execute(stmt)

    def close_shared_run(self, run_id: int, complete: bool, message: str | None = None) -> None:
        """Close a shared run (the last worker leaving): ``ok``, ``partial`` when fetches
        failed, ``interrupted`` when work was left."""
        with self.sessions.begin() as session:
            run = session.get(CrawlRun, run_id)
            if run is None or run.finished_at is not None:
                return
            run.finished_at = utcnow()
            run.status = "interrupted" if not complete else "partial" if run.errors else "ok"
            run.message = message

    # -- what is already done ------------------------------------------------------------

    #: keys per ``IN (…)`` lookup: far below SQLite's and PostgreSQL's bind limits
    KEY_CHUNK = 500

    def known_keys(self, keys) -> set[str]:
        """Those of ``keys`` (URL keys) the crawl must not fetch again: stored articles,
        their aliases, and pages with a final outcome. Failed fetches are not among them,
        so they are retried. Asked per batch of links instead of loading every key of the
        archive at the start of a run, so a crawl's memory does not grow with the archive."""
        keys = sorted(set(keys))
        found: set[str] = set()
        with self.sessions() as session:
            for start in range(0, len(keys), self.KEY_CHUNK):
                chunk = keys[start:start + self.KEY_CHUNK]
                found.update(session.scalars(select(ArticleUrl.url_key).where(ArticleUrl.url_key.in_(chunk))))
                found.update(session.scalars(select(Page.url_key).where(
                    Page.url_key.in_(chunk), Page.state.in_(DONE_STATES))))
        return found

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) of the last good fetch of a feed, sitemap or listing page."""
        with self.sessions() as session:
            row = session.execute(
                select(Page.etag, Page.last_modified).where(Page.url_key == url_key(url), Page.http_status == 200)
            ).first()
            return (row.etag, row.last_modified) if row else (None, None)

    def known_discovery(self, source_ids: list[int]) -> list[tuple[str, int, str]]:
        """Sitemaps and listing pages found in earlier runs: ``(url, source_id, role)``."""
        with self.sessions() as session:
            return [(r.url, r.source_id, r.role) for r in session.execute(
                select(Page.url, Page.source_id, Page.role).where(
                    Page.role.in_(DISCOVERY_ROLES), Page.source_id.in_(source_ids),
                    Page.state.in_(("queued", "sitemap", "listing", "feed", "not_modified", "error")),
                ).order_by(Page.id))]

    def enqueue(self, source_id: int, urls: list[str], role: str = "article", keys: list[str] | None = None) -> None:
        """Remember discovered URLs before fetching them (state ``queued``): articles, and
        the child sitemaps and second-level listings that later runs re-check.

        A discovery page answers 304 on the next run, so a link seen once must not live
        only in memory: if this run dies, the next one resumes from these rows.
        """
        if not urls:
            return
        now = utcnow()
        keys = keys or [url_key(url) for url in urls]
        # keys sorted and unique: concurrent crawlers queueing overlapping links wait for
        # each other in one order, never in a cycle
        unique = dict(sorted({key: url for url, key in zip(urls, keys)}.items()))
        rows = [dict(url_key=key, url=url, source_id=source_id, role=role, state="queued", fetched_at=now, attempts=0)
                for key, url in unique.items()]
        with self.sessions.begin() as session:
            stmt = _insert(session, Page).on_conflict_do_nothing(index_elements=["url_key"])
            for start in range(0, len(rows), 5000):  # one statement, executemany: a 50 000-URL sitemap in seconds
                session.execute(stmt, rows[start:start + 5000])

    def pending(self, source_ids: list[int], max_attempts: int, batch: int = 1000):
        """Article URLs still owed: queued by an earlier run that did not get to them,
        or failed (5xx, timeout) fewer than ``max_attempts`` times. Lists of
        ``(url, source_id)`` in the order they were found, ``batch`` at a time (a run that
        died after queueing a 500 000-URL sitemap owes all of them), each read in a short
        transaction of its own."""
        after = 0
        while True:
            with self.sessions() as session:
                rows = session.execute(
                    select(Page.id, Page.url, Page.source_id).where(
                        Page.id > after,
                        Page.role == "article",
                        Page.state.in_(("queued", "error")),
                        Page.attempts < max_attempts,
                        Page.source_id.in_(source_ids),
                    ).order_by(Page.id).limit(batch)
                ).all()
            if not rows:
                return
            after = rows[-1].id
            yield [(row.url, row.source_id) for row in rows]

    # -- pages -----------------------------------------------------------------------------

    _PAGE_COLUMNS = ("url", "final_url", "source_id", "run_id", "role", "state", "http_status", "fetched_at",
                     "content_type", "encoding", "error", "article_id", "content_hash", "raw_zlib")

    @staticmethod
    @lru_cache(maxsize=None)
    def _page_upsert(dialect: str, variant: str):
        """One constant ``INSERT … ON CONFLICT (url_key) DO UPDATE`` per case, compiled
        once: ``fetched`` overwrites the row and its validators, ``error`` keeps the
        validators of the last good fetch, ``not_modified`` (a 304) keeps the stored body,
        validators and outcome and only proves freshness."""
        stmt = (postgresql.insert(Page) if dialect == "postgresql" else sqlite.insert(Page))
        if variant == "not_modified":
            update = {"fetched_at": stmt.excluded.fetched_at, "run_id": stmt.excluded.run_id}
        else:
            names = Repository._PAGE_COLUMNS + (("etag", "last_modified") if variant == "fetched" else ())
            update = {name: getattr(stmt.excluded, name) for name in names}
        update["attempts"] = Page.attempts + 1
        return stmt.on_conflict_do_update(index_elements=["url_key"], set_=update)

    def _upsert_page(self, session: Session, page: FetchedPage, run_id: int | None,
                     article_id: int | None = None, content_sha: str | None = None) -> None:
        now = page.fetched_at or utcnow()
        values = dict(
            url_key=url_key(page.url), attempts=1,
            url=page.url, final_url=page.final_url, source_id=page.source_id, run_id=run_id,
            role=page.role, state=page.state, http_status=page.http_status, fetched_at=now,
            content_type=page.content_type, encoding=page.encoding, error=page.error,
            article_id=article_id, content_hash=content_sha,
            raw_zlib=(page.raw_zlib or compress(page.body)) if page.role == "article" else None,
            etag=page.etag, last_modified=page.last_modified,
        )
        if page.state == "not_modified":
            variant = "not_modified"
        elif page.http_status == 200 or page.state != "error":
            variant = "fetched"
        else:
            variant = "error"
            values.update(etag=None, last_modified=None)
        session.execute(self._page_upsert(session.get_bind().dialect.name, variant), values)

    def record_page(self, page: FetchedPage, run_id: int | None) -> None:
        """Record a fetch that produced no article (listing, feed, error, 404, PDF …)."""
        with self.sessions.begin() as session:
            self._upsert_page(session, page, run_id)

    def upsert_page_in(self, session: Session, page: FetchedPage, run_id: int | None) -> None:
        """:meth:`record_page` inside the caller's transaction."""
        self._upsert_page(session, page, run_id)

    # -- articles ----------------------------------------------------------------------------

    def _add_aliases(self, session: Session, article_id: int, urls: list[tuple[str, str]], now: datetime) -> None:
        """Every ``(url, relation)`` that leads to the article; a URL already known keeps
        its first relation."""
        rows, seen = [], set()
        for url, relation in urls:
            url = fetch_url(url)
            if url not in seen:
                seen.add(url)
                rows.append({"url_key": url_key(url), "url": url, "article_id": article_id,
                             "relation": relation, "first_seen": now})
        session.execute(_insert(session, ArticleUrl).on_conflict_do_nothing(index_elements=["url"]), rows)

    def store_article(self, page: FetchedPage, extracted, run_id: int | None,
                      print_: Fingerprint | None = None) -> tuple[str, int]:
        """Store an extracted article; returns ``(outcome, article_id)`` with outcome
        ``new``, ``alias`` (another URL or an exact copy within the source of a stored
        article), ``updated`` (a re-fetch found the text changed: revision kept) or
        ``unchanged`` (a re-fetch found the same text).

        One transaction: the article, every URL that led to it, its story and
        fingerprint bands, and the page row that marks the fetched URL as done. A
        concurrent writer that inserted the same canonical URL first turns this call
        into an alias (retried once on conflict). The crawl's store pipeline writes
        many articles per transaction with :meth:`store_article_in` instead.
        """
        if print_ is None:  # CPU work outside the transaction (usually done by a pool worker)
            print_ = fingerprint(extracted.text)
        for attempt in (1, 2):
            try:
                with self.writing(self.article_lock_keys(page, extracted, print_)) as session:
                    return self.store_article_in(session, page, extracted, run_id, print_)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def article_lock_keys(self, page: FetchedPage, extracted, print_: Fingerprint) -> list[int]:
        """The advisory locks (PostgreSQL) a transaction storing this article must hold."""
        canonical = choose_canonical(page.final_url or page.url, extracted.canonical_url)
        return self._lock_keys(print_, url_key(canonical), content_hash(extracted.text))

    def store_article_in(self, session: Session, page: FetchedPage, extracted, run_id: int | None,
                         print_: Fingerprint) -> tuple[str, int]:
        """:meth:`store_article` inside a write transaction the caller opened with
        :meth:`writing` and this article's :meth:`article_lock_keys`."""
        now = page.fetched_at or utcnow()
        landed = page.final_url or page.url
        canonical = choose_canonical(landed, extracted.canonical_url)
        key = url_key(canonical)
        sha = content_hash(extracted.text)
        existing = session.scalar(select(Article.id).where(Article.url_key == key))
        if existing is None:
            existing = session.scalar(select(ArticleUrl.article_id).where(ArticleUrl.url_key == key).limit(1))
        if existing is not None and page.refetch:
            article = session.get(Article, existing)
            if article.content_hash == sha:
                outcome = "unchanged"
            else:
                self.replace_text(session, article, extracted, sha, print_, "edited", now)
                outcome = "updated"
            page.state = "article"
            self._upsert_page(session, page, run_id, article_id=existing, content_sha=sha)
            return outcome, existing
        if existing is None:
            existing = session.scalar(
                select(Article.id)
                .where(Article.source_id == page.source_id, Article.content_hash == sha)
                .order_by(Article.id)
                .limit(1)
            )
        if existing is not None:
            outcome, article_id = "alias", existing
        else:
            article = Article(
                source_id=page.source_id, url_key=key, canonical_url=canonical, url=page.url,
                content_hash=sha, extractor_version=extracted.extractor_version,
                fetched_at=now, updated_at=now, run_id=run_id,
                **{name: getattr(extracted, name) for name in EXTRACTED_FIELDS},
            )
            session.add(article)
            session.flush()
            outcome, article_id = "new", article.id
            self.assign_story(session, article, print_)
        urls = [(canonical, "canonical")] if outcome == "new" else []
        urls.append((page.url, "fetched" if outcome == "new" else "alias"))
        urls += [(url, "redirect") for url in (*page.redirects, landed)]
        self._add_aliases(session, article_id, urls, now)
        page.state = "article" if outcome == "new" else "alias"
        self._upsert_page(session, page, run_id, article_id=article_id, content_sha=sha)
        return outcome, article_id

    # -- stories and fingerprints -----------------------------------------------------------

    @staticmethod
    def _set_fingerprint(session: Session, article: Article, print_: Fingerprint, replace: bool = False) -> None:
        article.fingerprint = print_.to_bytes()
        article.shingle_count = print_.size
        if replace:
            session.execute(delete(ArticleBand).where(ArticleBand.article_id == article.id))
        if print_.size:
            # executemany of one cached statement: a multi-row VALUES is compiled anew each time
            session.execute(_insert(session, ArticleBand).on_conflict_do_nothing(), [
                {"band": band, "hash": value, "article_id": article.id} for band, value in enumerate(print_.bands())
            ])

    @staticmethod
    def find_copies(session: Session, print_: Fingerprint, exclude: int | None = None) -> list[tuple[float, int, int]]:
        """Stored articles of which ``print_`` is a (near) copy: ``(score, article_id,
        story_id)``, best first. Candidates come from indexed band lookups only."""
        if not print_.size:
            return []
        params = {f"h{band}": value for band, value in enumerate(print_.bands())}
        ids = list(session.scalars(_CANDIDATES, params))
        if exclude is not None:
            ids = [i for i in ids if i != exclude]
        if not ids:
            return []
        rows = session.execute(
            select(Article.id, Article.fingerprint, Article.shingle_count, Article.story_id)
            .where(Article.id.in_(ids), Article.story_id.is_not(None))
        ).all()
        matches = []
        for row in rows:
            copy, score = is_copy(Fingerprint.from_bytes(row.fingerprint, row.shingle_count), print_)
            if copy:
                matches.append((score, row.id, row.story_id))
        matches.sort(key=lambda m: (-m[0], m[1]))
        return matches

    @staticmethod
    def _primary_key(session: Session, article_id: int) -> tuple:
        """Order of precedence for a story's primary article: official club
        communiqués first, then the earliest published (or first seen), then the id."""
        row = session.execute(
            select(SourceRow.kind, Article.published_at, Article.fetched_at)
            .join(SourceRow, Article.source_id == SourceRow.id).where(Article.id == article_id)
        ).one()
        return (0 if row.kind == "club" else 1, row.published_at or row.fetched_at, article_id)

    def assign_story(self, session: Session, article: Article, print_: Fingerprint, replace: bool = False) -> int:
        """Put ``article`` into the story of its best (near) copy, or a new story
        (``replace``: the article may have bands from an earlier text)."""
        with self.clock.stage("dedup"):
            self._set_fingerprint(session, article, print_, replace)
            matches = self.find_copies(session, print_, exclude=article.id)
        now = utcnow()
        if matches:
            story = session.get(Story, matches[0][2])
            story.member_count += 1
            story.updated_at = now
            if story.primary_article_id is None or (
                self._primary_key(session, article.id) < self._primary_key(session, story.primary_article_id)
            ):
                story.primary_article_id = article.id
        else:
            story = Story(first_seen=article.fetched_at or now, updated_at=now, primary_article_id=article.id,
                          member_count=1)
            session.add(story)
            session.flush()
        article.story_id = story.id
        return story.id

    def assign_missing_stories(self, batch: int = 200) -> int:
        """Fingerprint and group articles stored before stories existed (or whose
        assignment was interrupted); returns how many were assigned."""
        done = 0
        while True:
            with self.writing() as session:
                articles = session.scalars(
                    select(Article).where(Article.story_id.is_(None)).order_by(Article.id).limit(batch)
                ).all()
                for article in articles:
                    self.assign_story(session, article, fingerprint(article.text), replace=True)
                done += len(articles)
            if len(articles) < batch:
                return done

    def replace_text(self, session: Session, article: Article, extracted, sha: str, print_: Fingerprint,
                      reason: str, now: datetime) -> None:
        """Keep the current text as a revision, then take the new one. The story stays."""
        last = session.scalar(select(func.max(ArticleRevision.revision))
                              .where(ArticleRevision.article_id == article.id)) or 0
        session.add(ArticleRevision(
            article_id=article.id, revision=last + 1, title=article.title, text=article.text,
            content_hash=article.content_hash, fetched_at=article.updated_at, replaced_at=now, reason=reason,
        ))
        for name in (*EXTRACTED_FIELDS, "extractor_version"):
            setattr(article, name, getattr(extracted, name))
        article.content_hash = sha
        article.updated_at = now
        self._set_fingerprint(session, article, print_, replace=True)

    def recent_articles(self, hours: float, source_ids: list[int]) -> list[tuple[str, int, str]]:
        """``(url, source_id, url_key)`` of articles first stored within ``hours``: the
        ones worth re-fetching to catch edits."""
        since = utcnow() - timedelta(hours=hours)
        with self.sessions() as session:
            return [(r.canonical_url, r.source_id, r.url_key) for r in session.execute(
                select(Article.canonical_url, Article.source_id, Article.url_key)
                .where(Article.fetched_at >= since, Article.source_id.in_(source_ids))
            )]

    # -- feeds -------------------------------------------------------------------------------

    def record_feed_entries(self, source_id: int, feed_url: str, entries: list[dict]) -> int:
        """Insert new feed / news-sitemap entries (``guid``, ``url``, ``title``,
        ``published_at``); returns how many were new."""
        if not entries:
            return 0
        now = utcnow()
        with self.sessions.begin() as session:
            before = session.scalar(select(func.count()).select_from(FeedEntry).where(FeedEntry.feed_url == feed_url))
            stmt = _insert(session, FeedEntry).on_conflict_do_nothing(index_elements=["feed_url", "guid"])
            rows = [dict(source_id=source_id, feed_url=feed_url, guid=entry["guid"], url=entry["url"],
                         url_key=entry.get("url_key") or url_key(entry["url"]), title=entry.get("title"),
                         published_at=entry.get("published_at"), first_seen=now) for entry in entries]
            for start in range(0, len(rows), 5000):
                session.execute(stmt, rows[start:start + 5000])
            after = session.scalar(select(func.count()).select_from(FeedEntry).where(FeedEntry.feed_url == feed_url))
        return after - before
