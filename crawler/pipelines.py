"""The store pipeline: items from the spider become rows, one transaction per item."""
from __future__ import annotations

from crawler.items import ArticleItem, FeedEntriesItem, PageItem

class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        spider = spider or self.crawler.spider
        repo, run_id = spider.repo, spider.run_id
        if isinstance(item, ArticleItem):
            outcome, article_id = repo.store_article(item.page, item.extracted, run_id)
            self.stats.inc_value(f"transfernews/articles_{outcome}")
            if outcome in ("new", "alias"):
                spider.source_counts[item.page.source_id][f"articles_{outcome}"] += 1
            spider.logger.info("%s article %d: %s", outcome, article_id, item.page.final_url or item.page.url)
        elif isinstance(item, PageItem):
            repo.record_page(item.page, run_id)
            if item.page.state == "not_article":
                self.stats.inc_value("transfernews/not_articles")
                spider.source_counts[item.page.source_id]["not_articles"] += 1
        elif isinstance(item, FeedEntriesItem):
            new = repo.record_feed_entries(item.source_id, item.feed_url, item.entries)
            self.stats.inc_value("transfernews/feed_entries_new", new)
        return item
