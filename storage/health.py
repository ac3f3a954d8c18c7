"""Source health: is each source still producing what it should?

A site that changes its template rarely fails loudly: the crawl goes on, and the articles
just stop coming or stop being recognised. ``transfernews health`` reads the per-source
history of the last runs (``crawl_run_sources``) and flags:

* **silent**: no new article in the last ``silent_runs`` runs that crawled the source;
* **error jump**: the last run's fetch error rate is at least ``error_rate`` and at least
  twice the source's average over the earlier runs;
* **extraction failures**: in the last run, at least ``min_pages`` pages were fetched as
  possible articles and the share that turned out not to be articles reached
  ``not_article_rate``, the usual sign of a redesign.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import CrawlRun, CrawlRunSource, SourceRow


@dataclass
class SourceHealth:
    source: str
    runs: int
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems


def check(session: Session, silent_runs: int = 3, error_rate: float = 0.5, not_article_rate: float = 0.8,
          min_pages: int = 10, sources: list[str] | None = None) -> list[SourceHealth]:
    report = []
    query = select(SourceRow).order_by(SourceRow.name)
    if sources:
        query = query.where(SourceRow.name.in_(sources))
    for source in session.scalars(query):
        history = session.execute(
            select(CrawlRunSource).join(CrawlRun, CrawlRun.id == CrawlRunSource.run_id)
            .where(CrawlRunSource.source_id == source.id, CrawlRun.finished_at.is_not(None))
            .order_by(CrawlRunSource.run_id.desc()).limit(max(silent_runs, 10))
        ).scalars().all()
        health = SourceHealth(source.name, len(history))
        if not history:
            health.problems.append("never crawled")
            report.append(health)
            continue
        recent = history[:silent_runs]
        if len(recent) >= silent_runs and sum(r.articles_new for r in recent) == 0:
            health.problems.append(f"no new article in the last {silent_runs} runs")
        last, earlier = history[0], history[1:]

        def rate(row: CrawlRunSource) -> float:
            attempts = row.pages_fetched + row.errors
            return row.errors / attempts if attempts else 0.0

        last_rate = rate(last)
        baseline = sum(rate(r) for r in earlier) / len(earlier) if earlier else 0.0
        if last_rate >= error_rate and last_rate >= 2 * baseline:
            health.problems.append(f"fetch errors jumped to {last_rate:.0%} (before: {baseline:.0%})")
        candidates = last.articles_new + last.articles_alias + last.not_articles
        if candidates >= min_pages and last.not_articles / candidates >= not_article_rate:
            health.problems.append(
                f"{last.not_articles} of {candidates} pages fetched as articles were not articles "
                f"({last.not_articles / candidates:.0%}): template changed?")
        report.append(health)
    return report
