"""Downloader middlewares.

:class:`RobotsTxtMiddleware` replaces Scrapy's own, to keep robots.txt binding for every
request that waits for it. In Scrapy 2.19 the requests that arrive for a host while its
robots.txt is being fetched all await one shared ``Deferred`` through
``maybe_deferred_to_future``; with the asyncio reactor that is ``Deferred.asFuture``,
which consumes the result, so the first waiter gets the parser and every later one gets
``None``: "no robots.txt", everything allowed. A run that starts with many URLs owed by
an earlier run fetched the disallowed ones among them
(``tests/test_crawl.py::test_robots_txt_holds_for_urls_owed_by_an_earlier_run``). Each
waiter here gets its own ``Deferred``, relayed from the shared one, as Scrapy did before
it moved to ``async def`` (scrapy/scrapy#6802).
"""
from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    async def robot_parser(self, request):
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)  # first request for the host, or already parsed
        mine: Deferred = Deferred()

        def relay(parser):
            mine.callback(parser)
            return parser  # the shared Deferred keeps its result for the next waiter

        pending.addCallback(relay)
        return await maybe_deferred_to_future(mine)
