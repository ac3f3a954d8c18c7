"""Read-side queries behind ``transfernews export`` and ``transfernews stats``.

Every filter is a bound parameter: nothing a user types reaches SQL as text.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Article, ArticleUrl, CrawlRun, FeedEntry, Page, SourceRow, Story

EXPORT_FIELDS = (
    "id", "url", "canonical_url", "source", "source_kind", "title", "text", "author", "published",
    "published_at", "modified", "date_source", "language", "language_confidence", "description",
    "sitename", "fetched_at", "content_hash", "extractor_version", "story_id", "is_primary",
    "is_transfer_news", "events",
)


def iter_articles(session: Session, since: datetime | None = None, source: str | None = None,
                  batch: int = 500, until: datetime | None = None, language: str | None = None,
                  event_type: str | None = None, club: str | None = None) -> Iterator[dict]:
    """Articles as export rows (see :func:`_iter_rows`), each with ``is_transfer_news``
    and its ``events`` (a list of ``{type, person, role, club, from_club, date,
    contract_until, fee, official}``); ``event_type``/``club`` keep articles that
    report such an event."""
    from storage.event_queries import article_events, articles_with

    keep = articles_with(session, event_type, club) if (event_type or club) else None
    pending: list[dict] = []

    def flush():
        events = article_events(session, [r["id"] for r in pending])
        for r in pending:
            r["events"] = [{k: v for k, v in e.items() if k not in ("event_id", "evidence", "rumoured_type")}
                           | ({"rumoured_type": e["rumoured_type"]} if e["rumoured_type"] else {})
                           for e in events.get(r["id"], [])]
            yield r
        pending.clear()

    for row in _iter_rows(session, since, source, batch, until, language):
        if keep is not None and row["id"] not in keep:
            continue
        pending.append(row)
        if len(pending) >= batch:
            yield from flush()
    yield from flush()


def _iter_rows(session: Session, since, source, batch, until, language) -> Iterator[dict]:
    """Articles as export rows, oldest first; ``since`` filters on ``fetched_at``
    (the time the crawler first stored the article: what is new since the last export)."""
    query = (
        select(Article, SourceRow.name, SourceRow.kind, Story.primary_article_id)
        .join(SourceRow, Article.source_id == SourceRow.id)
        .outerjoin(Story, Article.story_id == Story.id)
        .order_by(Article.id)
    )
    if since is not None:
        query = query.where(Article.fetched_at >= since)
    if source is not None:
        query = query.where(SourceRow.name == source)
    if until is not None:
        query = query.where(Article.fetched_at < until)
    if language is not None:
        query = query.where(Article.language == language)
    for article, source_name, source_kind, primary_id in session.execute(query.execution_options(yield_per=batch)):
        yield {
            "id": article.id,
            "url": article.url,
            "canonical_url": article.canonical_url,
            "source": source_name,
            "source_kind": source_kind,
            "title": article.title,
            "text": article.text,
            "author": article.author,
            "published": article.published,
            "published_at": article.published_at.isoformat() if article.published_at else None,
            "modified": article.modified,
            "date_source": article.date_source,
            "language": article.language,
            "language_confidence": article.language_confidence,
            "description": article.description,
            "sitename": article.sitename,
            "fetched_at": article.fetched_at.isoformat(),
            "content_hash": article.content_hash,
            "extractor_version": article.extractor_version,
            "story_id": article.story_id,
            "is_primary": article.story_id is not None and primary_id == article.id,
            "is_transfer_news": article.is_transfer_news,
        }


def summary(session: Session) -> dict:
    """Counts for ``transfernews stats``."""
    per_source = session.execute(
        select(SourceRow.name, func.count(Article.id), func.max(Article.fetched_at))
        .outerjoin(Article, Article.source_id == SourceRow.id)
        .group_by(SourceRow.name)
        .order_by(SourceRow.name)
    ).all()
    per_language = session.execute(
        select(Article.language, func.count()).group_by(Article.language).order_by(func.count().desc())
    ).all()
    page_states = session.execute(select(Page.state, func.count()).group_by(Page.state).order_by(Page.state)).all()
    runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(5)).all()
    return {
        "articles": session.scalar(select(func.count()).select_from(Article)),
        "article_urls": session.scalar(select(func.count()).select_from(ArticleUrl)),
        "feed_entries": session.scalar(select(func.count()).select_from(FeedEntry)),
        "per_source": [(name, count, last) for name, count, last in per_source],
        "per_language": [(lang or "?", count) for lang, count in per_language],
        "page_states": [(state, count) for state, count in page_states],
        "runs": runs,
    }


def stories(session: Session, min_members: int = 1, since: datetime | None = None, limit: int = 50) -> list[dict]:
    """Stories, largest first, each with its members (from the ``story_members`` view)."""
    query = select(Story).where(Story.member_count >= min_members).order_by(
        Story.member_count.desc(), Story.first_seen.desc()).limit(limit)
    if since is not None:
        query = query.where(Story.first_seen >= since)
    result = []
    for story in session.scalars(query):
        members = session.execute(
            select(Article.id, Article.title, Article.language, Article.canonical_url, SourceRow.name)
            .join(SourceRow, Article.source_id == SourceRow.id)
            .where(Article.story_id == story.id).order_by(Article.id)
        ).all()
        result.append({
            "story_id": story.id, "first_seen": story.first_seen.isoformat(), "member_count": story.member_count,
            "primary_article_id": story.primary_article_id,
            "members": [{"article_id": m.id, "source": m.name, "language": m.language, "title": m.title,
                         "url": m.canonical_url, "is_primary": m.id == story.primary_article_id} for m in members],
        })
    return result
