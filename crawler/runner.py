"""Running one crawl in this process: Scrapy settings, the reactor, the run's outcome.

The CLI and the demo both call :func:`run_crawl`; it returns the ``crawl_runs`` row
so the caller can print a summary and choose an exit code.
"""
from __future__ import annotations

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from sqlalchemy.exc import OperationalError

from crawler.registry import Source
from crawler.spiders.news import NewsSpider
from storage.db import DatabaseError, check_writable, open_db, resolve_url, unavailable
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


def build_settings(db_url: str, overrides: dict[str, str] | None = None, log_level: str | None = None,
                   redis_url: str | None = None) -> Settings:
    """Project settings, then ``-s`` overrides; with ``redis_url``, a distributed worker
    (:mod:`crawler.distributed`)."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("TRANSFERNEWS_DB", db_url, priority="cmdline")
    if log_level:
        settings.set("LOG_LEVEL", log_level.upper(), priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    if redis_url:
        from crawler.distributed import distributed_settings

        for name, value in distributed_settings(redis_url, settings).items():
            settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(sources: list[Source], db_url: str | None = None, overrides: dict[str, str] | None = None,
              log_level: str | None = None, redis_url: str | None = None) -> CrawlRun | None:
    """Crawl ``sources`` into the database; returns the finished ``crawl_runs`` row.

    The database is opened (and migrated) before Scrapy starts, so an unreachable
    database fails fast with :class:`storage.db.DatabaseError` instead of a traceback
    from inside the reactor. A database that fails during the crawl (locked past
    ``TRANSFERNEWS_DB_TIMEOUT``, disk full, read-only) stops it, and raises
    :class:`~storage.db.DatabaseError` here too, after the reactor has stopped.
    """
    db_url = resolve_url(db_url)
    engine, sessions = open_db(db_url)
    check_writable(engine)
    process = CrawlerProcess(build_settings(db_url, overrides, log_level, redis_url))
    crawler = process.create_crawler(NewsSpider)
    failed_start = []

    def start_failed(failure):
        if not failure.check(OperationalError):
            return failure
        failed_start.append(failure.value)  # locked (or gone) between the probe and the run's first write

    process.crawl(crawler, sources=sources).addErrback(start_failed)
    process.start()
    if failed_start:
        raise DatabaseError(unavailable(db_url, failed_start[0], " when the crawl started") + "; nothing was crawled")
    spider = crawler.spider
    if getattr(spider, "db_failure", None):
        stored = crawler.stats.get_value("transfernews/articles_new", 0)
        raise DatabaseError(
            f"{spider.db_failure}. The crawl stopped after storing {stored} new articles, each whole; "
            f"pages not stored stay queued and the next run fetches them"
        )
    run_id = getattr(spider, "run_id", None)
    if run_id is None:
        return None
    summary = getattr(spider, "worker_summary", None)
    if summary is not None:
        # a distributed worker reports its own share; the shared row may still be running
        run = CrawlRun(id=run_id, status=summary["status"], started_at=summary["started_at"],
                       finished_at=summary["finished_at"], **summary["counters"])
        run.worker = spider.frontier.worker_id
        run.taken_over = spider.frontier.taken_over
        return run
    with sessions() as session:
        return session.get(CrawlRun, run_id)


def redis_available(url: str) -> None:
    """Fail fast (before Scrapy starts) when the frontier's Redis does not answer."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=10).ping()
    except (redis.RedisError, ValueError) as exc:
        raise FrontierUnavailable(f"Redis {url} unavailable: {exc}") from None


class FrontierUnavailable(RuntimeError):
    pass
