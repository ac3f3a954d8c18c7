"""Running one crawl in this process: Scrapy settings, the reactor, the run's outcome.

The CLI and the demo both call :func:`run_crawl`; it returns the ``crawl_runs`` row
so the caller can print a summary and choose an exit code.
"""
from __future__ import annotations

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.registry import Source
from crawler.spiders.news import NewsSpider
from storage.db import check_writable, open_db, resolve_url
from storage.models import CrawlRun


class SettingError(ValueError):
    """A ``-s NAME=VALUE`` option that is not of that form."""


def parse_overrides(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise SettingError(f"-s expects NAME=VALUE, got {pair!r}")
        overrides[name.strip()] = value
    return overrides


def build_settings(db_url: str, overrides: dict[str, str] | None = None, log_level: str | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("TRANSFERNEWS_DB", db_url, priority="cmdline")
    if log_level:
        settings.set("LOG_LEVEL", log_level.upper(), priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(sources: list[Source], db_url: str | None = None, overrides: dict[str, str] | None = None,
              log_level: str | None = None) -> CrawlRun | None:
    """Crawl ``sources`` into the database; returns the finished ``crawl_runs`` row.

    The database is opened (and migrated) before Scrapy starts, so an unreachable
    database fails fast with :class:`storage.db.DatabaseError` instead of a traceback
    from inside the reactor.
    """
    db_url = resolve_url(db_url)
    engine, sessions = open_db(db_url)
    check_writable(engine)
    process = CrawlerProcess(build_settings(db_url, overrides, log_level))
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler, sources=sources)
    process.start()
    spider = crawler.spider
    run_id = getattr(spider, "run_id", None)
    if run_id is None:
        return None
    with sessions() as session:
        return session.get(CrawlRun, run_id)
