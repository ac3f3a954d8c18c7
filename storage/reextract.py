"""Re-running extraction over stored raw HTML (``transfernews reextract``).

When the extractor or the cleaning rules improve, the archive should benefit without
refetching anything: every article keeps the raw body of the page it came from
(``pages.raw_zlib``). Identity (URL key, canonical URL) never changes here; the
extracted fields and the content hash are updated in place, with the extractor version
that produced them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import case, select
from sqlalchemy.orm import Session, sessionmaker

from storage.models import Article, Page, SourceRow
from storage.fingerprint import fingerprint
from storage.repository import EXTRACTED_FIELDS, Repository, content_hash, decompress



@dataclass
class ReextractReport:
    examined: int = 0
    changed: int = 0
    unchanged: int = 0
    no_raw_html: int = 0
    no_longer_article: int = 0
    changed_fields: dict[str, int] = field(default_factory=dict)


def decode(raw: bytes, encoding: str | None) -> str:
    """The stored body as text, with the encoding chosen when it was fetched."""
    from crawler.encoding import decode_stored

    return decode_stored(raw, encoding)


def _hints(config: dict | None):
    from crawler.extraction import Hints

    config = config or {}
    return Hints(tuple(config.get("prune_xpath") or ()), config.get("body_xpath"), config.get("timezone"))


def reextract(sessions: sessionmaker[Session], source: str | None = None, since: datetime | None = None,
              batch: int = 200, extract: Callable | None = None) -> ReextractReport:
    """Re-extract stored articles (optionally of one source, first stored since a date)."""
    if extract is None:
        from crawler.extraction import extract
    report = ReextractReport()
    repo = Repository(sessions)
    query = select(Article.id).join(SourceRow, Article.source_id == SourceRow.id).order_by(Article.id)
    if source:
        query = query.where(SourceRow.name == source)
    if since:
        query = query.where(Article.fetched_at >= since)
    with sessions() as session:
        ids = list(session.scalars(query))
    for start in range(0, len(ids), batch):
        with sessions.begin() as session:
            for article in session.scalars(select(Article).where(Article.id.in_(ids[start:start + batch]))):
                report.examined += 1
                page = session.execute(
                    select(Page.raw_zlib, Page.encoding, Page.final_url, Page.url, Page.fetched_at)
                    .where(Page.article_id == article.id, Page.raw_zlib.is_not(None))
                    .order_by(case((Page.state == "article", 0), else_=1), Page.fetched_at.desc())
                    .limit(1)
                ).first()
                if page is None:
                    report.no_raw_html += 1
                    continue
                html = decode(decompress(page.raw_zlib), page.encoding)
                result = extract(html, page.final_url or page.url, page.fetched_at, _hints(article.source.config))
                if not result.is_article:
                    # keep what we have: a rule change must not silently delete the archive
                    report.no_longer_article += 1
                    continue
                changed = [name for name in EXTRACTED_FIELDS if getattr(article, name) != getattr(result, name)]
                if "text" in changed:
                    # the old text stays retrievable; fingerprint and bands follow the new one
                    repo.replace_text(session, article, result, content_hash(result.text), fingerprint(result.text),
                                       "reextract", datetime.now(timezone.utc))
                elif changed:
                    for name in EXTRACTED_FIELDS:
                        setattr(article, name, getattr(result, name))
                    article.updated_at = datetime.now(timezone.utc)
                if changed:
                    report.changed += 1
                    for name in changed:
                        report.changed_fields[name] = report.changed_fields.get(name, 0) + 1
                else:
                    report.unchanged += 1
                article.extractor_version = result.extractor_version
    return report
