"""The ``news`` spider: every source of the registry, feeds, sitemaps and listing pages.

Discovery pages (feeds, sitemaps, listing pages) are fetched on every run with
conditional GET; the article URLs they announce are fetched only when the database
does not already hold them (by URL key), which makes an hourly cron run cheap.

The spider decides *what* a response is; storing it is the pipeline's job
(:mod:`crawler.pipelines`), so that the transaction that stores an article is also the
one that marks its URL as done.
"""
from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin

import scrapy
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.gz import gunzip
from sqlalchemy.exc import OperationalError

from crawler.discovery import DiscoveryError, parse_feed, parse_sitemap
from crawler.encoding import decode_html
from crawler.items import ArticleItem, FeedEntriesItem, PageItem
from crawler.processing import PageFailed, PageJob, PagePool, worker_count
from crawler.registry import Source, load_registry, select
from crawler.scheduler import ScheduledKeys
from crawler.stages import STAGES, StageClock
from crawler.urls import fetch_url, is_home_page, url_key
from storage.db import open_db, unavailable
from storage.repository import FetchedPage, Repository

#: the reason a crawl stops when the database refuses a write
DATABASE_UNAVAILABLE = "database_unavailable"
DISCOVERY_PRIORITY = 10
ARTICLE_PRIORITY = 0
HTML_TYPES = (b"text/html", b"application/xhtml+xml")
#: crawl_runs column -> Scrapy stats key
RUN_COUNTERS = {
    "pages_fetched": "response_received_count",
    "pages_not_modified": "transfernews/not_modified",
    "articles_new": "transfernews/articles_new",
    "articles_alias": "transfernews/articles_alias",
    "not_articles": "transfernews/not_articles",
    "errors": "transfernews/errors",
    "skipped_known": "transfernews/skipped_known",
}


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, sources: list[Source] | None = None, sources_file: str | None = None,
                 source: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if sources is None:
            # ``scrapy crawl news -a sources_file=sources.yaml [-a source=a,b]``
            sources = select(load_registry(sources_file or "sources.yaml"), source.split(",") if source else None)
        self.sources = {s.name: s for s in sources}
        self.link_extractor = LinkExtractor(
            tags=("a", "area"), attrs=("href",), unique=True, canonicalize=False,
            deny_extensions=IGNORED_EXTENSIONS,
        )
        #: URL keys scheduled in this run, with the shallowest listing level each was found
        #: at: a page reached first through a deep path may also sit one level from a start
        #: page. What earlier runs stored is asked of the database, never held in memory.
        self.scheduled = ScheduledKeys()
        #: per-source counters of this run: source_id -> crawl_run_sources column -> n
        self.source_counts: dict[int, Counter] = defaultdict(Counter)
        #: why the database refused a write, once it did: the crawl is stopping
        self.db_failure: str | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        _engine, sessions = open_db(crawler.settings.get("TRANSFERNEWS_DB"))
        spider.repo = Repository(sessions)
        spider.source_ids = spider.repo.sync_sources(spider.sources.values())
        spider.frontier = None
        spider.started_at = datetime.now(timezone.utc)
        if crawler.settings.getbool("TRANSFERNEWS_DISTRIBUTED"):
            # one run shared by every worker of the frontier: the first opens it
            from crawler.distributed import Frontier

            spider.frontier = Frontier.from_settings(crawler.settings)
            spider.run_id, opened = spider.frontier.join(
                lambda: spider.repo.start_run(sorted(spider.sources)),
                lambda run_id: spider.repo.close_shared_run(run_id, complete=False,
                                                            message="every worker of the run died"))
            spider.logger.info("%s run %d as worker %s", "opened" if opened else "joined", spider.run_id,
                               spider.frontier.worker_id)
        else:
            spider.run_id = spider.repo.start_run(sorted(spider.sources))
        spider.clock = StageClock()  # stages run in this process
        spider.page_cpu = StageClock()  # stages the pool ran, as its workers reported them
        spider.cpu_at_start = time.process_time()
        spider.pool = PagePool(worker_count(crawler.settings.get("TRANSFERNEWS_WORKERS")))
        spider.worker_cpu: dict[int, float] = {}
        assigned = spider.repo.assign_missing_stories()
        if assigned:
            spider.logger.info("grouped %d earlier articles into stories", assigned)
        return spider

    def closed(self, reason: str) -> None:
        """Close this run's ``crawl_runs`` row with its status and counters, so the
        database tells what every cron run did."""
        self.pool.close()
        self._write_profile()
        stats = self.crawler.stats.get_stats()
        counters = {column: stats.get(key, 0) for column, key in RUN_COUNTERS.items()}
        if self.db_failure:
            status, reason = "failed", self.db_failure
        elif reason != "finished":
            status = "interrupted"
        elif counters["errors"]:
            status = "partial"
        else:
            status = "ok"
        per_source = {sid: dict(c) for sid, c in self.source_counts.items()}
        try:
            if self.frontier is not None:
                # this worker's share goes into the shared run; the last worker out closes it
                self.crawler.stats.set_value("transfernews/taken_over", self.frontier.taken_over)
                self.worker_summary = dict(status=status, counters=counters, started_at=self.started_at,
                                           finished_at=datetime.now(timezone.utc))
                try:
                    self.repo.add_to_run(self.run_id, counters, per_source, list(self.source_ids.values()))
                finally:  # whatever the database says, hand the in-flight requests on
                    self.frontier.leave(reason == "finished" and not self.db_failure,
                                        lambda run_id, complete: self.repo.close_shared_run(
                                            run_id, complete, None if complete else f"last worker stopped: {reason}"))
            else:
                self.repo.finish_run(self.run_id, status, counters,
                                     message=None if reason == "finished" else reason,
                                     per_source=per_source, source_ids=list(self.source_ids.values()))
        except OperationalError as exc:
            # the run's row stays "running", as after a kill; the articles stored are whole
            self.db_failure = self.db_failure or unavailable(self._db_url(), exc, " at the end of the crawl")
            self.logger.error("the run's crawl_runs row could not be closed: %s", unavailable(self._db_url(), exc))

    def _write_profile(self) -> None:
        """``TRANSFERNEWS_PROFILE_FILE``: the CPU time of each stage, as JSON (for
        ``bench/pipeline.py``). Download is what the crawl process spent outside the
        stages it timed itself: Scrapy, HTTP, scheduling."""
        path = self.crawler.settings.get("TRANSFERNEWS_PROFILE_FILE")
        if not path:
            return
        stats = self.crawler.stats.get_stats()
        main_cpu = time.process_time() - self.cpu_at_start
        worker_cpu = sum(self.worker_cpu.values())
        stages = {name: round(self.clock.cpu.get(name, 0.0) + self.page_cpu.cpu.get(name, 0.0), 4)
                  for name in STAGES if name != "download"}
        in_main = sum(self.clock.cpu.values()) + (0.0 if self.pool.workers else sum(self.page_cpu.cpu.values()))
        stages["download"] = round(max(0.0, main_cpu - in_main), 4)
        profile = {
            "pages": stats.get("response_received_count", 0),
            "articles": stats.get("transfernews/articles_new", 0) + stats.get("transfernews/articles_alias", 0),
            "workers": self.pool.workers,
            "stage_cpu_s": stages,
            "main_cpu_s": round(main_cpu, 4),
            "workers_cpu_s": round(worker_cpu, 4),
        }
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(profile, fh, indent=2)

    def database_failed(self, exc: OperationalError) -> None:
        """The database refused a write (locked past ``TRANSFERNEWS_DB_TIMEOUT``,
        disk full, read-only, gone). Stop the crawl: every later write would wait and fail
        the same way. What was stored is whole (one transaction per article); what was
        not stays ``queued`` (or ``error``) and the next run fetches it. The CLI exits 3."""
        if self.db_failure:
            return
        self.db_failure = unavailable(self._db_url(), exc, " during the crawl")
        self.logger.error("%s; stopping the crawl", self.db_failure)
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            self._closing = deferred_from_coro(engine.close_spider_async(reason=DATABASE_UNAVAILABLE))

    def _db_url(self) -> str:
        return self.crawler.settings.get("TRANSFERNEWS_DB") or ""

    def _from_callback(self, call, *args, **kwargs):
        """A repository call made from a callback: a database failure stops the crawl
        (the callback's links are not lost: its own row is not written, so the next run
        reads the page again)."""
        if self.db_failure:
            raise CloseSpider(DATABASE_UNAVAILABLE)
        try:
            return call(*args, **kwargs)
        except OperationalError as exc:
            self.database_failed(exc)
            raise CloseSpider(DATABASE_UNAVAILABLE) from None

    def _enqueue(self, source: Source, urls: list[str], role: str = "article", keys: list[str] | None = None) -> None:
        """:meth:`Repository.enqueue` for a callback."""
        self._from_callback(self.repo.enqueue, self.source_ids[source.name], urls, role=role, keys=keys)

    def _known_keys(self, keys: list[str]) -> set[str]:
        """:meth:`Repository.known_keys` for a callback: the keys stored or settled by
        earlier runs."""
        return self._from_callback(self.repo.known_keys, keys) if keys else set()

    # -- helpers ---------------------------------------------------------------------------

    def _count(self, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"transfernews/{key}", n)

    def _page(self, response: Response | None, request, source: Source, role: str, state: str, **kw) -> FetchedPage:
        redirects = tuple(request.meta.get("redirect_urls", ())) if request is not None else ()
        original = redirects[0] if redirects else (request.url if request is not None else response.url)
        page = FetchedPage(url=original, source_id=self.source_ids[source.name], role=role, state=state,
                           redirects=redirects, fetched_at=datetime.now(timezone.utc), **kw)
        if response is not None:
            self.source_counts[page.source_id]["pages_fetched"] += 1
            page.http_status = response.status
            page.final_url = response.url
            page.etag = _header(response, "ETag")
            page.last_modified = _header(response, "Last-Modified")
            page.content_type = _header(response, "Content-Type")
        return page

    def _error(self, source_id: int) -> None:
        self._count("errors")
        self.source_counts[source_id]["errors"] += 1

    def _validator_headers(self, url: str) -> dict[str, str]:
        """Conditional-GET headers from the last good fetch of ``url``."""
        etag, modified = self.repo.validators(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        return headers

    def _discovery_request(self, url: str, source: Source, role: str, callback, level: int = 0):
        meta = {"tn_source": source.name, "tn_role": role, "tn_level": level, "handle_httpstatus_list": [304]}
        if role == "sitemap":
            # the protocol allows 50 MB per sitemap; DOWNLOAD_MAXSIZE is sized for pages
            meta["download_maxsize"] = meta["download_warnsize"] = self._sitemap_max_bytes()
        return scrapy.Request(
            fetch_url(url), callback=callback, errback=self.on_error, headers=self._validator_headers(url),
            priority=DISCOVERY_PRIORITY, meta=meta,
        )

    def _sitemap_max_bytes(self) -> int:
        return self.settings.getint("TRANSFERNEWS_SITEMAP_MAX_BYTES") or self.settings.getint("DOWNLOAD_MAXSIZE")

    def _article_requests(self, urls, source: Source, level: int = 1) -> list[scrapy.Request]:
        """Requests for possible articles, minus those stored, failed for good, or
        already scheduled in this run (all by URL key). The new ones are recorded as
        queued before they are handed to Scrapy, so a crash cannot lose them."""
        checked = []
        for url in urls:
            url = fetch_url(url)
            if source.allows(url):
                checked.append((url, url_key(url)))
        return self._queue_articles(checked, source, level)

    def _queue_articles(self, checked: list[tuple[str, str]], source: Source, level: int = 1) -> list[scrapy.Request]:
        """:meth:`_article_requests` for ``(fetch URL, URL key)`` pairs the source allows:
        each URL is normalised once, which matters for a 50 000-entry sitemap."""
        fresh, new, keys = [], [], []
        max_length = self.settings.getint("URLLENGTH_LIMIT") or 2083
        for url, key in checked:
            if is_home_page(url):
                continue
            if len(url) > max_length:
                self._count("url_too_long")
                continue
            if key in self.scheduled:
                self.scheduled.found_at(key, level)
                continue
            fresh.append((url, key))
        known = self._known_keys([key for _url, key in fresh])
        for url, key in fresh:
            if key in known:
                self._count("skipped_known")
            elif key in self.scheduled:  # twice in this batch
                self.scheduled.found_at(key, level)
            else:
                self.scheduled.add(key, level)
                new.append(url)
                keys.append(key)
        self._enqueue(source, new, keys=keys)
        return [self._article_request(url, source, level) for url in new]

    def _article_request(self, url: str, source: Source, level: int = 1) -> scrapy.Request:
        # dont_filter: article requests are already deduplicated by URL key (a broader rule
        # than Scrapy's fingerprint), and a redirect to an article fetched earlier in the run
        # must still arrive, or the redirecting URL is never recorded and is refetched forever
        # (distributed: the shared dupefilter is keyed by URL key and lets redirects through)
        return scrapy.Request(
            url, callback=self.parse_page, errback=self.on_error, priority=ARTICLE_PRIORITY,
            dont_filter=not self.settings.getbool("TRANSFERNEWS_DISTRIBUTED"),
            meta={"tn_source": source.name, "tn_role": "article", "tn_level": level},
        )

    # -- start -----------------------------------------------------------------------------

    async def start(self):
        # first what earlier runs owe: queued but never fetched, or failed
        by_id = {self.source_ids[name]: source for name, source in self.sources.items()}
        max_attempts = self.settings.getint("TRANSFERNEWS_MAX_ATTEMPTS")
        for owed in self.repo.pending(list(by_id), max_attempts):
            keyed = [(url, source_id, url_key(url)) for url, source_id in owed]
            known = self._known_keys([key for _url, _source_id, key in keyed])
            for url, source_id, key in keyed:
                if key not in known and key not in self.scheduled:
                    self.scheduled.add(key)
                    self._count("resumed")
                    yield self._article_request(url, by_id[source_id])
        # recent articles again, to catch edits (off by default: 0 hours)
        refetch_hours = self.settings.getfloat("TRANSFERNEWS_REFETCH_HOURS")
        if refetch_hours > 0:
            for url, source_id, key in self.repo.recent_articles(refetch_hours, list(by_id)):
                if key in self.scheduled:
                    continue
                self.scheduled.add(key)
                request = self._article_request(url, by_id[source_id])
                request.headers.update(self._validator_headers(url))
                request.meta.update(tn_refetch=True, handle_httpstatus_list=[304])
                self._count("refetched")
                yield request
        discovery = set()
        for source in self.sources.values():
            # the registry's own discovery pages count as scheduled: a listing that links to
            # the feed must not make it an article request as well (fetched twice, and its
            # row overwritten by whichever answer came last)
            for url in source.feeds:
                discovery.add(url_key(url))
                self.scheduled.add(url_key(url))
                yield self._discovery_request(url, source, "feed", self.parse_feed)
            for url in source.sitemaps:
                discovery.add(url_key(url))
                self.scheduled.add(url_key(url))  # an index that lists it again is not followed
                yield self._discovery_request(url, source, "sitemap", self.parse_sitemap)
            for url in source.pages:
                discovery.add(url_key(url))
                self.scheduled.add(url_key(url))
                yield self._discovery_request(url, source, "listing", self.parse_listing, level=0)
        # sitemaps and listings found below the registry's own: re-checked every run, so a
        # parent that answers 304 (or a run that died) never hides them
        for url, source_id, role in self.repo.known_discovery(list(by_id)):
            key = url_key(url)
            if key in discovery or key in self.scheduled:
                continue
            discovery.add(key)
            self.scheduled.add(key)
            source = by_id[source_id]
            if role == "sitemap":
                yield self._discovery_request(url, source, "sitemap", self.parse_sitemap)
            elif role == "listing" and source.depth > 1:
                yield self._discovery_request(url, source, "listing", self.parse_listing, level=1)

    # -- discovery -----------------------------------------------------------------------------

    def _not_modified(self, response: Response, source: Source, role: str):
        if response.status != 304:
            return None
        self._count("not_modified")
        self.source_counts[self.source_ids[source.name]]["pages_not_modified"] += 1
        return PageItem(self._page(response, response.request, source, role, "not_modified"))

    def parse_feed(self, response: Response):
        if self.db_failure:
            return  # stopping: nothing can be recorded, the next run fetches it again
        source = self.sources[response.meta["tn_source"]]
        if item := self._not_modified(response, source, "feed"):
            yield item
            return
        try:
            entries = parse_feed(response.body)
        except DiscoveryError as exc:
            self.logger.warning("%s: %s", response.url, exc)
            yield PageItem(self._page(response, response.request, source, "feed", "error", error=str(exc)))
            return
        yield from self._announce(response.url, source, entries)
        # the row (with its ETag) only after the links are queued: a crash in between
        # must not leave a validator that makes the next run skip this feed with a 304
        yield PageItem(self._page(response, response.request, source, "feed", "feed"))

    def _announce(self, feed_url: str, source: Source, entries):
        records = []
        for entry in entries:
            url = fetch_url(response_url_join(feed_url, entry.url))
            if source.allows(url):
                records.append({"guid": entry.guid or url, "url": url, "url_key": url_key(url), "title": entry.title,
                                "published_at": entry.published_at})
        if records:
            yield FeedEntriesItem(self.source_ids[source.name], feed_url, records)
        yield from self._queue_articles([(r["url"], r["url_key"]) for r in records], source)

    def _too_old(self, source: Source, *dates: datetime | None) -> bool:
        days = source.max_age_days or self.settings.getfloat("TRANSFERNEWS_SITEMAP_MAX_AGE_DAYS") or None
        if not days:
            return False
        limit = datetime.now(timezone.utc) - timedelta(days=days)
        known = [d for d in dates if d is not None]
        return bool(known) and max(known) < limit

    def parse_sitemap(self, response: Response):
        if self.db_failure:
            return
        source = self.sources[response.meta["tn_source"]]
        if item := self._not_modified(response, source, "sitemap"):
            yield item
            return
        body = response.body
        try:
            if body[:2] == b"\x1f\x8b":
                body = gunzip(body, max_size=self._sitemap_max_bytes())
            doc = parse_sitemap(body, self.settings.getint("TRANSFERNEWS_SITEMAP_MAX_URLS"))
        except (DiscoveryError, OSError, EOFError, ValueError) as exc:
            self.logger.warning("%s: not a readable sitemap: %s", response.url, exc)
            yield PageItem(self._page(response, response.request, source, "sitemap", "error", error=str(exc)))
            return
        note = None
        if doc.truncated:
            # more than the protocol allows in one file: the first entries are read, every run
            note = (f"read the first {len(doc.entries)} of {doc.total} entries "
                    f"(TRANSFERNEWS_SITEMAP_MAX_URLS, the sitemap protocol's limit)")
            self._count("sitemap_truncated")
            self.logger.warning("%s: %s", response.url, note)
        if doc.kind == "sitemapindex":
            yield from self._follow_sitemaps(response, source, doc)
        else:
            fresh = [e for e in doc.entries if not self._too_old(source, e.published_at, e.modified_at)]
            self._count("sitemap_too_old", len(doc.entries) - len(fresh))
            yield from self._announce(response.url, source, fresh)
        yield PageItem(self._page(response, response.request, source, "sitemap", "sitemap", error=note))

    def _follow_sitemaps(self, response: Response, source: Source, doc):
        """The sitemaps an index lists, each fetched at most once per run (by URL key:
        an index listing itself, or two indexes listing each other, end there), and
        no deeper than ``TRANSFERNEWS_SITEMAP_MAX_DEPTH`` levels of indexes."""
        level = response.meta.get("tn_level", 0)
        children = []
        for entry in doc.entries:
            url = fetch_url(response_url_join(response.url, entry.url))
            if not source.allows(url) or self._too_old(source, entry.modified_at):
                continue
            key = url_key(url)
            if key in self.scheduled:
                self._count("sitemap_repeated")
                continue
            if level >= self.settings.getint("TRANSFERNEWS_SITEMAP_MAX_DEPTH"):
                self._count("sitemap_too_deep")
                self.logger.warning("%s: sitemap index %d levels deep, %s not followed", response.url, level, url)
                continue
            self.scheduled.add(key)
            children.append(url)
        self._enqueue(source, children, role="sitemap")
        for url in children:
            yield self._discovery_request(url, source, "sitemap", self.parse_sitemap, level=level + 1)

    def parse_listing(self, response: Response):
        if self.db_failure:
            return
        source = self.sources[response.meta["tn_source"]]
        if item := self._not_modified(response, source, "listing"):
            yield item
            return
        yield from self._follow_links(response, source, response.meta["tn_level"])
        yield PageItem(self._page(response, response.request, source, "listing", "listing"))

    def _follow_links(self, response: Response, source: Source, level: int):
        if not isinstance(response, HtmlResponse):
            return
        articles = []
        for link in self.link_extractor.extract_links(response):
            url = fetch_url(link.url)
            if not source.allows(url):
                continue
            if source.wants_article(url):
                articles.append(url)
            elif level + 1 < source.depth and url_key(url) not in self.scheduled:
                # not an article by the follow patterns, but a listing page one level down
                self.scheduled.add(url_key(url))
                self._enqueue(source, [url], role="listing")
                yield self._discovery_request(url, source, "listing", self.parse_listing, level=level + 1)
        yield from self._article_requests(articles, source, level + 1)

    # -- articles ---------------------------------------------------------------------------------

    async def parse_page(self, response: Response):
        if self.db_failure:
            return
        source = self.sources[response.meta["tn_source"]]
        level = response.meta.get("tn_level", 1)
        level = self.scheduled.level(url_key(response.request.url), level)
        if item := self._not_modified(response, source, "article"):
            yield item
            return
        content_type = (response.headers.get("Content-Type") or b"").lower()
        is_html = isinstance(response, HtmlResponse) or (
            isinstance(response, TextResponse) and any(t in content_type for t in HTML_TYPES)
        )
        if not is_html:
            kind = content_type.decode("latin-1") or "no content type"
            self._count("not_html")
            yield PageItem(self._page(response, response.request, source, "article", "skipped",
                                      error=f"not HTML ({kind})"))
            return
        fetched_at = datetime.now(timezone.utc)
        with self.clock.stage("extraction"):
            html, encoding = decode_body(response)
        job = PageJob(html, response.url, fetched_at, source.hints, source.kind, source.club, response.body)
        try:
            done = await self.pool.run(job)
        except PageFailed as exc:
            self._error(self.source_ids[source.name])
            self.logger.error("%s: %s", response.url, exc)
            yield PageItem(self._page(response, response.request, source, "article", "error", error=str(exc)))
            return
        self.page_cpu.add(done.cpu)
        if self.pool.workers:
            self.worker_cpu[done.worker[0]] = done.worker[1]
        extracted = done.extracted
        page = self._page(response, response.request, source, "article", "article",
                          encoding=encoding, body=response.body)
        page.raw_zlib = done.raw_zlib
        page.refetch = bool(response.meta.get("tn_refetch"))
        if extracted.is_article:
            yield ArticleItem(page, extracted, done.fingerprint, done.analysis)
            return
        if extracted.page_type == "listing" and level < source.depth:
            page.role, page.state, page.body = "listing", "listing", None
            for request in self._follow_links(response, source, level):
                yield request
            yield PageItem(page)
            return
        if extracted.page_type == "listing" and source.depth > 1:
            # a listing met at the deepest level: not followed now, but not final either;
            # later runs re-check it as a known listing one level below the start pages
            page.role, page.state, page.body = "listing", "listing", None
            yield PageItem(page)
            return
        page.state, page.error = "not_article", extracted.reason
        yield PageItem(page)

    # -- failures -------------------------------------------------------------------------------------

    def on_error(self, failure):
        if self.db_failure:
            return
        request = failure.request
        source = self.sources[request.meta["tn_source"]]
        role = request.meta.get("tn_role", "article")
        message = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        lowered = message.lower()
        if "larger than" in lowered or "max size" in lowered or "maxsize" in lowered:
            # over DOWNLOAD_MAXSIZE, compressed or not: final, it will not fit next time either
            self._count("too_large")
            yield PageItem(self._page(None, request, source, role, "skipped", error=message))
            return
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            if "robots.txt" in lowered:
                # not fetched; not final either (robots.txt may change): rediscovery retries it
                self._count("robots_blocked")
                yield PageItem(self._page(None, request, source, role, "blocked", error="forbidden by robots.txt"))
                return
            # redirect loops and overlong chains: retried on later runs, a bounded number of times
            self._error(self.source_ids[source.name])
            yield PageItem(self._page(None, request, source, role, "error", error=message))
            return
        response = failure.value.response if failure.check(HttpError) else None
        if response is not None:
            status = response.status
            # 404/410 and other client errors are final; 408, 429 and 5xx are worth a retry next run
            state = "gone" if 400 <= status < 500 and status not in (408, 429) else "error"
            page = self._page(response, request, source, role, state, error=f"HTTP {status}")
        else:
            page = self._page(None, request, source, role, "error", error=message)
        if page.state == "error":
            self._error(page.source_id)
            self.logger.warning("failed %s: %s", request.url, page.error)
        else:
            self._count("gone")
        yield PageItem(page)


def decode_body(response: TextResponse) -> tuple[str, str]:
    """The page as text, and the encoding used: Scrapy's decoding, mended when the
    declared charset lies or the bytes mix encodings (:mod:`crawler.encoding`)."""
    return decode_html(response.body, response.text, response.encoding)


def response_url_join(base: str, url: str) -> str:
    return urljoin(base, url.strip())
