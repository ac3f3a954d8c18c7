"""The store pipeline: items from the spider become rows, one transaction per item.

A database that refuses a write (locked by another process past the timeout, disk
full, read-only, gone) stops the crawl: see :meth:`NewsSpider.database_failed`. The item
is dropped, its URL stays ``queued`` or ``error``, and the next run fetches it again.
"""
from __future__ import annotations

from scrapy.exceptions import DropItem
from sqlalchemy.exc import OperationalError

from crawler.items import ArticleItem, FeedEntriesItem, PageItem
from crawler.urls import url_key


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.analyzer = None

    def _analyzer(self, spider):
        if self.analyzer is None:
            from storage.events import Analyzer

            self.analyzer = Analyzer(spider.repo.sessions)
        return self.analyzer

    def close_spider(self, spider=None):
        """Read what a crash or an analyser upgrade left unread (the article was stored,
        its events not yet): the next crawl completes it."""
        spider = spider or self.crawler.spider
        if spider.db_failure:
            return  # the next crawl catches up, as after a crash
        analyzer = self._analyzer(spider)
        try:
            done = analyzer.run(analyzer.pending())
        except OperationalError as exc:
            spider.database_failed(exc)
            return
        if done["articles"]:
            spider.logger.info("analysed %d earlier articles", done["articles"])

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        spider = spider or self.crawler.spider
        try:
            if spider.db_failure:
                raise DropItem("not stored: the database is unavailable", log_level="INFO")
            try:
                return self._store(item, spider)
            except OperationalError as exc:
                spider.database_failed(exc)
                raise DropItem("not stored: the database is unavailable", log_level="INFO") from None
        finally:
            frontier = getattr(spider, "frontier", None)
            if frontier is not None and isinstance(item, (ArticleItem, PageItem)):
                # the request that produced this page is over (stored, or failed to store:
                # then its row stays queued and the next run fetches it)
                frontier.done(url_key(item.page.url))

    def _store(self, item, spider):
        repo, run_id = spider.repo, spider.run_id
        if isinstance(item, ArticleItem):
            outcome, article_id = repo.store_article(item.page, item.extracted, run_id)
            self.stats.inc_value(f"transfernews/articles_{outcome}")
            if outcome in ("new", "alias"):
                spider.source_counts[item.page.source_id][f"articles_{outcome}"] += 1
            spider.logger.info("%s article %d: %s", outcome, article_id, item.page.final_url or item.page.url)
            if outcome in ("new", "updated", "edited"):
                analysis = self._analyzer(spider).analyze(article_id)
                self.stats.inc_value("transfernews/events_mentions", len(analysis.events))
        elif isinstance(item, PageItem):
            repo.record_page(item.page, run_id)
            if item.page.state == "not_article":
                self.stats.inc_value("transfernews/not_articles")
                spider.source_counts[item.page.source_id]["not_articles"] += 1
        elif isinstance(item, FeedEntriesItem):
            new = repo.record_feed_entries(item.source_id, item.feed_url, item.entries)
            self.stats.inc_value("transfernews/feed_entries_new", new)
        return item
