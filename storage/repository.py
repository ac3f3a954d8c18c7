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
"""
from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable
from urllib.parse import urljoin

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from crawler.urls import fetch_url, host_of, is_home_page, url_key
from storage.models import Article, ArticleUrl, CrawlRun, FeedEntry, Page, SourceRow

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

    # -- sources and runs ---------------------------------------------------------------

    def sync_sources(self, sources: Iterable) -> dict[str, int]:
        """Insert or update the registry entries; returns ``{name: id}``."""
        now = utcnow()
        ids = {}
        with self.sessions.begin() as session:
            for source in sources:
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

    def finish_run(self, run_id: int, status: str, counters: dict[str, int], message: str | None = None) -> None:
        with self.sessions.begin() as session:
            run = session.get(CrawlRun, run_id)
            run.finished_at = utcnow()
            run.status = status
            run.message = message
            for name, value in counters.items():
                setattr(run, name, int(value))

    # -- what is already done ------------------------------------------------------------

    def done_keys(self) -> set[str]:
        """URL keys the crawl must not fetch again: stored articles, their aliases, and
        pages with a final outcome. Failed fetches are absent, so they are retried."""
        with self.sessions() as session:
            keys = set(session.scalars(select(ArticleUrl.url_key)))
            keys.update(session.scalars(select(Page.url_key).where(Page.state.in_(DONE_STATES))))
            return keys

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) of the last good fetch of a feed, sitemap or listing page."""
        with self.sessions() as session:
            row = session.execute(
                select(Page.etag, Page.last_modified).where(Page.url_key == url_key(url), Page.http_status == 200)
            ).first()
            return (row.etag, row.last_modified) if row else (None, None)

    def enqueue(self, source_id: int, urls: list[str]) -> None:
        """Remember discovered article URLs before fetching them (state ``queued``).

        A discovery page answers 304 on the next run, so a link seen once must not live
        only in memory: if this run dies, the next one resumes from these rows.
        """
        if not urls:
            return
        now = utcnow()
        with self.sessions.begin() as session:
            for url in urls:
                stmt = _insert(session, Page).values(
                    url_key=url_key(url), url=url, source_id=source_id, role="article",
                    state="queued", fetched_at=now, attempts=0,
                )
                session.execute(stmt.on_conflict_do_nothing(index_elements=["url_key"]))

    def pending(self, source_ids: list[int], max_attempts: int) -> list[tuple[str, int]]:
        """Article URLs still owed: queued by an earlier run that did not get to them,
        or failed (5xx, timeout) fewer than ``max_attempts`` times. ``(url, source_id)``."""
        with self.sessions() as session:
            rows = session.execute(
                select(Page.url, Page.source_id).where(
                    Page.role == "article",
                    Page.state.in_(("queued", "error")),
                    Page.attempts < max_attempts,
                    Page.source_id.in_(source_ids),
                ).order_by(Page.id)
            ).all()
        return [(row.url, row.source_id) for row in rows]

    # -- pages -----------------------------------------------------------------------------

    def _upsert_page(self, session: Session, page: FetchedPage, run_id: int | None,
                     article_id: int | None = None, content_sha: str | None = None) -> None:
        now = page.fetched_at or utcnow()
        values = dict(
            url=page.url, final_url=page.final_url, source_id=page.source_id, run_id=run_id,
            role=page.role, state=page.state, http_status=page.http_status, fetched_at=now,
            content_type=page.content_type, encoding=page.encoding, error=page.error,
            article_id=article_id, content_hash=content_sha,
            raw_zlib=compress(page.body) if page.role == "article" else None,
        )
        if page.http_status == 200 or page.state not in ("error",):
            values.update(etag=page.etag, last_modified=page.last_modified)
        stmt = _insert(session, Page).values(url_key=url_key(page.url), attempts=1, **values)
        update = dict(values, attempts=Page.attempts + 1)
        if page.state == "not_modified":
            # a 304 keeps the stored body, validators and outcome; it only proves freshness
            update = dict(fetched_at=now, run_id=run_id, attempts=Page.attempts + 1)
        stmt = stmt.on_conflict_do_update(index_elements=["url_key"], set_=update)
        session.execute(stmt)

    def record_page(self, page: FetchedPage, run_id: int | None) -> None:
        """Record a fetch that produced no article (listing, feed, error, 404, PDF …)."""
        with self.sessions.begin() as session:
            self._upsert_page(session, page, run_id)

    # -- articles ----------------------------------------------------------------------------

    def _add_alias(self, session: Session, article_id: int, url: str, relation: str, now: datetime) -> None:
        url = fetch_url(url)
        stmt = _insert(session, ArticleUrl).values(
            url_key=url_key(url), url=url, article_id=article_id, relation=relation, first_seen=now
        )
        session.execute(stmt.on_conflict_do_nothing(index_elements=["url"]))

    def store_article(self, page: FetchedPage, extracted, run_id: int | None) -> tuple[str, int]:
        """Store an extracted article; returns ``("new" | "alias", article_id)``.

        One transaction: the article, every URL that led to it, and the page row that
        marks the fetched URL as done. A concurrent writer that inserted the same
        canonical URL first turns this call into an alias (retried once on conflict).
        """
        for attempt in (1, 2):
            try:
                return self._store_article_once(page, extracted, run_id)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _store_article_once(self, page: FetchedPage, extracted, run_id: int | None) -> tuple[str, int]:
        now = page.fetched_at or utcnow()
        landed = page.final_url or page.url
        canonical = choose_canonical(landed, extracted.canonical_url)
        key = url_key(canonical)
        sha = content_hash(extracted.text)
        with self.sessions.begin() as session:
            existing = session.scalar(select(Article.id).where(Article.url_key == key))
            if existing is None:
                alias_key = session.scalar(select(ArticleUrl.article_id).where(ArticleUrl.url_key == key))
                existing = alias_key
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
                    title=extracted.title, text=extracted.text, author=extracted.author,
                    published=extracted.published, published_at=extracted.published_at,
                    modified=extracted.modified, date_source=extracted.date_source,
                    language=extracted.language, language_confidence=extracted.language_confidence,
                    description=extracted.description, sitename=extracted.sitename,
                    content_hash=sha, extractor_version=extracted.extractor_version,
                    fetched_at=now, updated_at=now, run_id=run_id,
                )
                session.add(article)
                session.flush()
                outcome, article_id = "new", article.id
                self._add_alias(session, article_id, canonical, "canonical", now)
            self._add_alias(session, article_id, page.url, "fetched" if outcome == "new" else "alias", now)
            for url in (*page.redirects, landed):
                self._add_alias(session, article_id, url, "redirect", now)
            page.state = "article" if outcome == "new" else "alias"
            self._upsert_page(session, page, run_id, article_id=article_id, content_sha=sha)
        return outcome, article_id

    # -- feeds -------------------------------------------------------------------------------

    def record_feed_entries(self, source_id: int, feed_url: str, entries: list[dict]) -> int:
        """Insert new feed / news-sitemap entries (``guid``, ``url``, ``title``,
        ``published_at``); returns how many were new."""
        if not entries:
            return 0
        now = utcnow()
        with self.sessions.begin() as session:
            before = session.scalar(select(func.count()).select_from(FeedEntry).where(FeedEntry.feed_url == feed_url))
            for entry in entries:
                stmt = _insert(session, FeedEntry).values(
                    source_id=source_id, feed_url=feed_url, guid=entry["guid"], url=entry["url"],
                    url_key=url_key(entry["url"]), title=entry.get("title"),
                    published_at=entry.get("published_at"), first_seen=now,
                )
                session.execute(stmt.on_conflict_do_nothing(index_elements=["feed_url", "guid"]))
            after = session.scalar(select(func.count()).select_from(FeedEntry).where(FeedEntry.feed_url == feed_url))
        return after - before
