"""Re-running extraction over stored raw HTML (``transfernews reextract``).

When the extractor or the cleaning rules improve, the archive should benefit without
refetching anything: every article keeps the raw body of the page it came from
(``pages.raw_zlib``). Identity (URL key, canonical URL) never changes here; the
extracted fields and the content hash are updated in place, with the extractor version
that produced them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
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


#: fields the event analysis reads: when one changes, the article is read again
ANALYSED_FIELDS = {"title", "text", "language", "published", "published_at"}


@dataclass
class _Job:
    article_id: int
    raw_zlib: bytes
    encoding: str | None
    url: str
    fetched_at: datetime | None
    hints: object


def _reextract_page(job: _Job, extract: Callable | None = None):
    """Runs in a pool worker: the stored page extracted again, and its fingerprint."""
    if extract is None:
        from crawler.extraction import extract

    html = decode(decompress(job.raw_zlib), job.encoding)
    result = extract(html, job.url, job.fetched_at, job.hints)
    return job.article_id, result, fingerprint(result.text) if result.is_article else None


def _jobs(sessions: sessionmaker[Session], ids: list[int], batch: int, report: ReextractReport, hints_of):
    """The stored page of each article (the fetch that produced it, else the newest),
    read ``batch`` articles at a time."""
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        with sessions() as session:
            rows = session.execute(
                select(Page.article_id, Page.raw_zlib, Page.encoding, Page.final_url, Page.url, Page.fetched_at)
                .where(Page.article_id.in_(chunk), Page.raw_zlib.is_not(None))
                .order_by(Page.article_id, case((Page.state == "article", 0), else_=1), Page.fetched_at.desc())
            ).all()
            sources = dict(session.execute(select(Article.id, Article.source_id).where(Article.id.in_(chunk))).all())
        best = {}
        for row in rows:
            best.setdefault(row.article_id, row)
        for article_id in chunk:
            report.examined += 1
            row = best.get(article_id)
            if row is None:
                report.no_raw_html += 1
                continue
            yield _Job(article_id, row.raw_zlib, row.encoding, row.final_url or row.url, row.fetched_at,
                       hints_of(sources[article_id]))


def reextract(sessions: sessionmaker[Session], source: str | None = None, since: datetime | None = None,
              batch: int = 200, extract: Callable | None = None, workers: int | None = None) -> ReextractReport:
    """Re-extract stored articles (optionally of one source, first stored since a date).

    Extraction runs in a pool of ``workers`` processes (default: one per usable core;
    0: in this process), fed ``batch`` articles at a time; the updates are written in
    one transaction per ``batch``. An article whose text, title, language or date
    changed is marked for the event analyser (``transfernews analyze`` or the next
    crawl reads it again). ``extract`` replaces the extraction function (in this
    process)."""
    from crawler.processing import map_batches

    report = ReextractReport()
    repo = Repository(sessions)
    query = select(Article.id).join(SourceRow, Article.source_id == SourceRow.id).order_by(Article.id)
    if source:
        query = query.where(SourceRow.name == source)
    if since:
        query = query.where(Article.fetched_at >= since)
    with sessions() as session:
        ids = list(session.scalars(query))
        configs = dict(session.execute(select(SourceRow.id, SourceRow.config)).all())
    hints = {sid: _hints(config) for sid, config in configs.items()}
    jobs = _jobs(sessions, ids, batch, report, hints.__getitem__)
    if extract is not None:  # a function of the caller's: in this process
        work, workers = partial(_reextract_page, extract=extract), 0
    else:
        work = _reextract_page
    for done in map_batches(work, jobs, workers, batch):
        _write(sessions, repo, done, report)
    return report


def _write(sessions: sessionmaker[Session], repo: Repository, results: list, report: ReextractReport) -> None:
    now = datetime.now(timezone.utc)
    with sessions.begin() as session:
        articles = {a.id: a for a in session.scalars(select(Article).where(Article.id.in_([r[0] for r in results])))}
        for article_id, result, print_ in results:
            article = articles[article_id]
            if not result.is_article:
                # keep what we have: a rule change must not silently delete the archive
                report.no_longer_article += 1
                continue
            changed = [name for name in EXTRACTED_FIELDS if getattr(article, name) != getattr(result, name)]
            if "text" in changed:
                # the old text stays retrievable; fingerprint and bands follow the new one
                repo.replace_text(session, article, result, content_hash(result.text), print_, "reextract", now)
            elif changed:
                for name in EXTRACTED_FIELDS:
                    setattr(article, name, getattr(result, name))
                article.updated_at = now
            if changed:
                report.changed += 1
                for name in changed:
                    report.changed_fields[name] = report.changed_fields.get(name, 0) + 1
                if ANALYSED_FIELDS & set(changed):
                    article.analyzer_version = None
            else:
                report.unchanged += 1
            article.extractor_version = result.extractor_version
