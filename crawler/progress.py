"""A live progress line on the terminal (pages fetched, articles stored, errors, rate).

Enabled by the CLI only when stderr is a terminal and ``--quiet`` is off, so cron mail
and log files never fill with carriage returns.
"""
from __future__ import annotations

import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class Progress:
    INTERVAL = 1.0

    def __init__(self, stats, stream=None):
        self.stats = stats
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("TRANSFERNEWS_PROGRESS"):
            raise NotConfigured
        extension = cls(crawler.stats)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def line(self) -> str:
        get = self.stats.get_value
        pages = get("response_received_count", 0)
        minutes = max(time.monotonic() - self.started, 1e-6) / 60
        return (f"{pages} pages, {get('transfernews/articles_new', 0)} new articles, "
                f"{get('transfernews/errors', 0)} errors, {pages / minutes:.0f} pages/min")

    def show(self) -> None:
        self.stream.write("\r" + self.line() + "\033[K")
        self.stream.flush()

    def opened(self, spider) -> None:
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.INTERVAL)

    def closed(self, spider, reason) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        self.show()
        self.stream.write("\n")
