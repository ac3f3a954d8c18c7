"""The store pipeline: items from the spider become rows, many items per transaction.

Items are buffered and written together, ``TRANSFERNEWS_WRITE_BATCH`` at a time (or
what has arrived after ``TRANSFERNEWS_WRITE_INTERVAL`` seconds, or at the end of the
crawl): one ``BEGIN IMMEDIATE`` / commit per batch instead of per page, and on
PostgreSQL one set of advisory locks, taken in sorted order before anything is read.
Each item is written in a savepoint: an item that fails for its own reasons (a bug, a
constraint) is logged and rolled back alone, the rest of the batch is stored.

The articles arrive with their fingerprint and their events already computed by the
extraction pool (:mod:`crawler.processing`), so writing is all that happens here.

A database that refuses a write (locked by another process past the timeout, disk
full, read-only, gone) stops the crawl: see :meth:`NewsSpider.database_failed`. The
batch is rolled back whole; its URLs stay ``queued`` or ``error`` and the next run
fetches them again. Nothing is ever half-stored.
"""
from __future__ import annotations

import time

from scrapy.exceptions import DropItem
from sqlalchemy.exc import IntegrityError, OperationalError
from twisted.internet import task

from crawler.items import ArticleItem, FeedEntriesItem, PageItem
from crawler.urls import url_key
from storage.fingerprint import fingerprint
from storage.repository import EVENTS_LOCK_KEY


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.analyzer = None
        self.batch_size = max(1, crawler.settings.getint("TRANSFERNEWS_WRITE_BATCH", 50))
        self.interval = crawler.settings.getfloat("TRANSFERNEWS_WRITE_INTERVAL", 1.0)
        self.buffer: list = []
        self.oldest = 0.0
        self.timer: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _analyzer(self, spider):
        if self.analyzer is None:
            from storage.events import Analyzer

            self.analyzer = Analyzer(spider.repo.sessions)
        return self.analyzer

    def open_spider(self, spider=None):
        # a quiet crawl (slow servers) still writes what it has, at least every interval
        self.timer = task.LoopingCall(self._flush_if_due)
        self.timer.start(max(self.interval, 0.05), now=False)

    def close_spider(self, spider=None):
        """Write what is buffered, then read what a crash or an analyser upgrade left
        unread (the article was stored, its events not yet): the next crawl completes it."""
        spider = spider or self.crawler.spider
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        self.flush(spider)
        if spider.db_failure:
            return  # the next crawl catches up, as after a crash
        analyzer = self._analyzer(spider)
        try:
            pending = analyzer.pending()
            # many after an analyser upgrade: read them on every core
            done = analyzer.run(pending, workers=spider.pool.workers if len(pending) > 100 else 0)
        except OperationalError as exc:
            spider.database_failed(exc)
            return
        if done["articles"]:
            spider.logger.info("analysed %d earlier articles", done["articles"])

    def process_item(self, item, spider=None):
        spider = spider or self.crawler.spider
        if spider.db_failure:
            self._release(spider, [item])
            raise DropItem("not stored: the database is unavailable", log_level="INFO")
        if isinstance(item, FeedEntriesItem):
            # one per feed: written at once (nothing waits on it), in its own transaction
            try:
                new = spider.repo.record_feed_entries(item.source_id, item.feed_url, item.entries)
            except OperationalError as exc:
                spider.database_failed(exc)
                raise DropItem("not stored: the database is unavailable", log_level="INFO") from None
            self.stats.inc_value("transfernews/feed_entries_new", new)
            return item
        if not self.buffer:
            self.oldest = time.monotonic()
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size:
            self.flush(spider)
        return item

    def _flush_if_due(self):
        if self.buffer and time.monotonic() - self.oldest >= self.interval:
            self.flush(self.crawler.spider)

    def flush(self, spider) -> None:
        """Write the buffered items in one transaction."""
        items, self.buffer = self.buffer, []
        if not items:
            return
        try:
            if spider.db_failure:
                return
            try:
                with spider.clock.stage("database"):
                    results = self._write_batch(items, spider)
            except OperationalError as exc:
                self._rolled_back()
                spider.database_failed(exc)
                return
            for item, result in zip(items, results):
                if result is not None:
                    self._count(item, result, spider)
        finally:
            self._release(spider, items)

    @staticmethod
    def _release(spider, items) -> None:
        frontier = getattr(spider, "frontier", None)
        if frontier is None:
            return
        for item in items:
            if isinstance(item, (ArticleItem, PageItem)):
                # the request that produced this page is over (stored, or failed to store:
                # then its row stays queued and the next run fetches it)
                frontier.done(url_key(item.page.url))

    def _write_batch(self, items, spider) -> list:
        repo = spider.repo
        repo.clock = spider.clock
        keys: set[int] = set()
        for item in items:
            if isinstance(item, ArticleItem):
                if item.fingerprint is None:
                    item.fingerprint = fingerprint(item.extracted.text)
                keys.update(repo.article_lock_keys(item.page, item.extracted, item.fingerprint))
                if item.page.refetch or (item.analysis is not None and item.analysis.events):
                    keys.add(EVENTS_LOCK_KEY)
        results = []
        with repo.writing(sorted(keys)) as session:
            for item in items:
                results.append(self._write_one(session, item, spider))
        return results

    def _rolled_back(self) -> None:
        if self.analyzer is not None:
            self.analyzer.store.forget_cached()

    def _write_one(self, session, item, spider):
        """One item in a savepoint; ``None`` when it failed on its own (logged)."""
        for attempt in (1, 2):
            try:
                with session.begin_nested():
                    return self._write(session, item, spider)
            except OperationalError:
                raise  # the database itself: the whole batch and the crawl stop
            except IntegrityError as exc:
                self._rolled_back()
                if attempt == 2:
                    spider.logger.error("not stored: %s: %s", item.page.url, exc)
                    return None
            except Exception:  # a bug on one page must not lose the batch
                self._rolled_back()
                spider.logger.exception("not stored: %s", item.page.url)
                self.stats.inc_value("transfernews/store_failed")
                return None
        return None

    def _write(self, session, item, spider):
        repo, run_id = spider.repo, spider.run_id
        if isinstance(item, ArticleItem):
            outcome, article_id = repo.store_article_in(session, item.page, item.extracted, run_id, item.fingerprint)
            events = 0
            if outcome in ("new", "updated", "edited"):
                analysis = item.analysis
                if analysis is None:
                    analysis = self._analyzer(spider).read(session, article_id)
                self._analyzer(spider).store.save_in(session, article_id, analysis, new=outcome == "new")
                events = len(analysis.events)
            return outcome, article_id, events
        repo.upsert_page_in(session, item.page, run_id)
        return item.page.state, None, 0

    def _count(self, item, result, spider) -> None:
        outcome, article_id, events = result
        if isinstance(item, ArticleItem):
            self.stats.inc_value(f"transfernews/articles_{outcome}")
            if outcome in ("new", "alias"):
                spider.source_counts[item.page.source_id][f"articles_{outcome}"] += 1
            self.stats.inc_value("transfernews/events_mentions", events)
            spider.logger.info("%s article %d: %s", outcome, article_id, item.page.final_url or item.page.url)
        elif item.page.state == "not_article":
            self.stats.inc_value("transfernews/not_articles")
            spider.source_counts[item.page.source_id]["not_articles"] += 1
