"""Several crawler processes, on several machines, sharing one frontier in Redis.

``transfernews crawl --distributed --redis URL`` swaps Scrapy's in-memory scheduler for
scrapy-redis's, with four additions that make the shared crawl exact and polite:

* **One identity rule.** The request dupefilter (:class:`UrlKeyDupeFilter`) fingerprints a
  request by :func:`crawler.urls.url_key` of its URL, the same key the database keeps
  unique, so two workers that discover one article under two spellings schedule it once.
* **A reliable queue.** :class:`ReliableQueue` pops a request and records it as *in flight*
  (``…:inflight``, with the worker's id) in one atomic step. The entry is removed when the
  page's row is committed (:class:`crawler.pipelines.StorePipeline`). Each worker beats a
  heartbeat into ``…:workers`` from a thread; a worker silent for
  ``TRANSFERNEWS_WORKER_TTL`` seconds is dead, and the first survivor to notice puts its
  in-flight requests back in the queue. A ``kill -9`` loses nothing.
* **One run.** The first worker opens a ``crawl_runs`` row and publishes its id; workers
  that start later join it. A worker is done when the queue is empty and nothing is in
  flight anywhere. The last one to leave closes the run and deletes the run's keys: the
  dupefilter is a per-run helper, so a URL that failed is tried again next run, and Redis
  holds nothing between runs. The database stays the record (``pages`` rows ``queued``
  before the request): if every worker dies, the next run resumes from it.
* **Shared politeness.** :class:`SharedDomainDelay` reserves, in Redis, the next send
  time per host, ``TRANSFERNEWS_DOMAIN_DELAY`` seconds (default: ``DOWNLOAD_DELAY``)
  after the previous one whoever sent it, so N workers give a site the load of one.

Keys live under ``TRANSFERNEWS_REDIS_PREFIX`` (default ``transfernews``): one prefix per
database. Times are the Redis server's (``TIME``), so workers' clocks need not agree.
"""
from __future__ import annotations

import json
import logging
import os
import pickle
import socket
import threading
import time
import uuid
from collections import Counter, defaultdict, deque
from contextlib import contextmanager

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import Base as RedisQueueBase
from scrapy_redis.scheduler import Scheduler as RedisScheduler

from crawler.urls import host_of, url_key

logger = logging.getLogger(__name__)

DEFAULT_PREFIX = "transfernews"
DEFAULT_WORKER_TTL = 60.0

# pop the best request and record it as in flight for this worker, atomically.
# Members are "<origin url key>\n<serialized request>"; in-flight values are
# "<worker>\n<score>\n<member>".
_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
local key = string.sub(r[1], 1, string.find(r[1], '\\n', 1, true) - 1)
redis.call('HSET', KEYS[2], key, ARGV[1] .. '\\n' .. r[2] .. '\\n' .. r[1])
return r[1]
"""
# reserve the next send time for one host: returns the seconds to wait, as a string
# (Lua numbers would be truncated to integers)
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local interval = tonumber(ARGV[1])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], string.format('%.6f', slot + interval), 'PX', math.ceil((slot + interval - now) * 1000) + 60000)
return string.format('%.6f', slot - now)
"""
# put the in-flight requests of the given workers back in the queue; returns how many
_REQUEUE = """
local entries = redis.call('HGETALL', KEYS[1])
local owners = {}
for i = 1, #ARGV do owners[ARGV[i]] = true end
local n = 0
for i = 1, #entries, 2 do
    local value = entries[i + 1]
    local first = string.find(value, '\\n', 1, true)
    local second = string.find(value, '\\n', first + 1, true)
    if owners[string.sub(value, 1, first - 1)] then
        redis.call('ZADD', KEYS[2], tonumber(string.sub(value, first + 1, second - 1)), string.sub(value, second + 1))
        redis.call('HDEL', KEYS[1], entries[i])
        n = n + 1
    end
end
return n
"""
_NOW = "local t = redis.call('TIME') return t[1] .. '.' .. string.format('%06d', tonumber(t[2]))"
_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


def origin_key(request) -> str:
    """The URL key a request answers for: its first URL before any redirect."""
    redirects = request.meta.get("redirect_urls") or ()
    return url_key(redirects[0] if redirects else request.url)


class Frontier:
    """The shared state of one distributed crawl, in Redis."""

    def __init__(self, url: str, prefix: str = DEFAULT_PREFIX, worker_ttl: float = DEFAULT_WORKER_TTL):
        self.url = url
        self.server = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)
        self.prefix = prefix
        self.worker_ttl = float(worker_ttl)
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.run_id: int | None = None
        self.queue_key = f"{prefix}:queue"
        self.seen_key = f"{prefix}:seen"
        self.inflight_key = f"{prefix}:inflight"
        self.workers_key = f"{prefix}:workers"
        self.run_key = f"{prefix}:run"
        self.lock_key = f"{prefix}:lock"
        self._pop = self.server.register_script(_POP)
        self._reserve = self.server.register_script(_RESERVE)
        self._requeue = self.server.register_script(_REQUEUE)
        self._now = self.server.register_script(_NOW)
        self._release = self.server.register_script(_RELEASE)
        self._beating = threading.Event()
        self._thread: threading.Thread | None = None
        self.taken_over = 0

    @classmethod
    def from_settings(cls, settings) -> "Frontier":
        url = settings.get("TRANSFERNEWS_REDIS_URL")
        if not url:
            raise NotConfigured("a distributed crawl needs TRANSFERNEWS_REDIS_URL (--redis URL)")
        return cls(url, settings.get("TRANSFERNEWS_REDIS_PREFIX") or DEFAULT_PREFIX,
                   settings.getfloat("TRANSFERNEWS_WORKER_TTL", DEFAULT_WORKER_TTL))

    def run_keys(self) -> list[str]:
        return [self.queue_key, self.seen_key, self.inflight_key, self.workers_key, self.run_key]

    def now(self) -> float:
        return float(self._now())

    @contextmanager
    def lock(self, timeout: float = 60.0):
        """A short mutual exclusion between workers (joining, leaving, taking over)."""
        token = uuid.uuid4().hex
        deadline = time.monotonic() + timeout
        while not self.server.set(self.lock_key, token, nx=True, px=30_000):
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not take {self.lock_key} in {timeout:g} s")
            time.sleep(0.02)
        try:
            yield
        finally:
            self._release(keys=[self.lock_key], args=[token])

    # -- workers ---------------------------------------------------------------------------

    def live_workers(self) -> dict[str, float]:
        now = self.now()
        beats = {k.decode(): float(v) for k, v in self.server.hgetall(self.workers_key).items()}
        return {w: t for w, t in beats.items() if now - t <= self.worker_ttl}

    def dead_workers(self) -> list[str]:
        now = self.now()
        return [k.decode() for k, v in self.server.hgetall(self.workers_key).items()
                if now - float(v) > self.worker_ttl]

    def in_progress(self) -> bool:
        """Is a run open with at least one live worker?"""
        return self.server.exists(self.run_key) and bool(self.live_workers())

    def beat(self) -> None:
        self.server.hset(self.workers_key, self.worker_id, self.now())
        for key in self.run_keys():  # a frontier nobody works on expires by itself
            self.server.expire(key, max(int(self.worker_ttl * 20), 3600))

    def take_over_dead(self) -> int:
        """Put the in-flight requests of dead workers back in the queue."""
        dead = self.dead_workers()
        if not dead:
            return 0
        with self.lock():
            dead = self.dead_workers()
            if not dead:
                return 0
            moved = int(self._requeue(keys=[self.inflight_key, self.queue_key], args=dead))
            self.server.hdel(self.workers_key, *dead)
        if moved or dead:
            logger.warning("took over %d in-flight request(s) of dead worker(s) %s", moved, ", ".join(dead))
        self.taken_over += moved
        return moved

    def _heartbeat_loop(self) -> None:
        interval = max(0.2, self.worker_ttl / 6)
        client_errors = 0
        while not self._beating.wait(interval):
            try:
                self.beat()
                self.take_over_dead()
                client_errors = 0
            except (redis.RedisError, TimeoutError) as exc:
                client_errors += 1
                logger.warning("heartbeat failed (%d in a row): %s", client_errors, exc)

    def start_heartbeat(self) -> None:
        self.beat()
        self._thread = threading.Thread(target=self._heartbeat_loop, name="transfernews-heartbeat", daemon=True)
        self._thread.start()

    def stop_heartbeat(self) -> None:
        self._beating.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- the run -----------------------------------------------------------------------------

    def join(self, open_run, close_dead_run) -> tuple[int, bool]:
        """Join the crawl in progress, or open a new run with ``open_run()`` (returns the
        run id) when there is none. A run whose workers are all dead is closed with
        ``close_dead_run(run_id)`` and replaced. Returns ``(run_id, opened_here)``."""
        with self.lock():
            current = self.server.get(self.run_key)
            if current is not None and not self.live_workers():
                close_dead_run(int(current))
                current = None
            opened = current is None
            if opened:
                self.server.delete(*self.run_keys())
                self.run_id = open_run()
                self.server.set(self.run_key, self.run_id)
            else:
                self.run_id = int(current)
            self.beat()
        self.start_heartbeat()
        return self.run_id, opened

    def leave(self, finished: bool, close_run) -> bool:
        """Leave the run. This worker's own in-flight requests go back to the queue (a
        worker stopped early hands its work on). The last worker out calls
        ``close_run(run_id, complete)`` and deletes the run's keys. Returns whether this
        worker was the last."""
        self.stop_heartbeat()
        with self.lock():
            given_back = int(self._requeue(keys=[self.inflight_key, self.queue_key], args=[self.worker_id]))
            if given_back:
                logger.info("handed %d in-flight request(s) back to the queue", given_back)
            self.server.hdel(self.workers_key, self.worker_id)
            if self.live_workers():
                return False
            complete = finished and not self.server.zcard(self.queue_key) and not self.server.hlen(self.inflight_key)
            close_run(self.run_id, complete)
            self.server.delete(*self.run_keys())
            return True

    # -- work ----------------------------------------------------------------------------------

    def pending(self) -> tuple[int, int]:
        """(requests queued, requests in flight) across all workers."""
        pipe = self.server.pipeline()
        pipe.zcard(self.queue_key)
        pipe.hlen(self.inflight_key)
        queued, inflight = pipe.execute()
        return int(queued), int(inflight)

    def done(self, key: str) -> None:
        """The page answering for ``key`` is recorded: no longer in flight."""
        self.server.hdel(self.inflight_key, key)

    def drop_own_inflight(self) -> int:
        """Entries this worker still holds while it has nothing in progress: requests
        that ended without a page row (an exception in a callback). Forget them."""
        mine = [k for k, v in self.server.hgetall(self.inflight_key).items()
                if v.split(b"\n", 1)[0].decode() == self.worker_id]
        if mine:
            self.server.hdel(self.inflight_key, *mine)
        return len(mine)

    def reserve(self, host: str, interval: float) -> float:
        """Seconds to wait before sending a request to ``host``."""
        return float(self._reserve(keys=[f"{self.prefix}:next:{host}"], args=[f"{interval:.6f}"]))


# -- scrapy-redis parts ------------------------------------------------------------------------

class ReliableQueue(RedisQueueBase):
    """scrapy-redis priority queue whose pop records the request as in flight."""

    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer=serializer or pickle)
        self.frontier: Frontier = spider.frontier
        self.key = self.frontier.queue_key

    def __len__(self):
        return self.server.zcard(self.key)

    def push(self, request):
        member = origin_key(request).encode() + b"\n" + self._encode_request(request)
        self.server.zadd(self.key, {member: -request.priority})

    def pop(self, timeout=0):
        member = self.frontier._pop(keys=[self.key, self.frontier.inflight_key], args=[self.frontier.worker_id])
        if member:
            return self._decode_request(member.split(b"\n", 1)[1])
        return None


class UrlKeyDupeFilter(RFPDupeFilter):
    """The shared request dupefilter, keyed by URL key (the database's identity rule).

    A redirect is the continuation of a request that already passed the filter: its target
    is remembered, but it is never dropped (the redirecting URL must get its row)."""

    @classmethod
    def from_spider(cls, spider):
        frontier: Frontier = spider.frontier
        return cls(frontier.server, key=frontier.seen_key, debug=spider.settings.getbool("DUPEFILTER_DEBUG"))

    def request_fingerprint(self, request):
        if request.method == "GET" and not request.body:
            return url_key(request.url)
        return super().request_fingerprint(request)

    def request_seen(self, request):
        added = self.server.sadd(self.key, self.request_fingerprint(request))
        if request.meta.get("redirect_urls"):
            return False
        return added == 0

    def close(self, reason=""):
        """The set belongs to the run, not to one worker: :meth:`Frontier.leave` clears it."""

    def clear(self):
        pass


class FrontierScheduler(RedisScheduler):
    """scrapy-redis's scheduler on the run's keys (see :func:`distributed_settings`);
    requests persist across workers."""

    def open(self, spider):
        self.spider = spider
        self.queue = ReliableQueue(self.server, spider, self.queue_key, serializer=self.serializer)
        self.df = UrlKeyDupeFilter.from_spider(spider)
        if len(self.queue):
            logger.info("joining a crawl with %d requests queued", len(self.queue))

    def close(self, reason):
        """Keys are the run's: :meth:`Frontier.leave` decides what to delete."""

    def enqueue_request(self, request):
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.queue.push(request)
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        request = self.queue.pop()
        if request is not None and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request


# -- politeness across workers ----------------------------------------------------------------------

class SharedDomainDelay:
    """Downloader middleware: at most one request per ``TRANSFERNEWS_DOMAIN_DELAY``
    seconds to one host, counted over every worker of the frontier.

    The send time is reserved in Redis only once the request can really go: this worker
    lets at most ``CONCURRENT_REQUESTS_PER_DOMAIN`` requests per download slot past this
    point, so Scrapy's slot never queues one (a queue would release requests in bursts)."""

    META = "_tn_polite_slot"

    def __init__(self, crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.per_slot = max(1, crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        self.busy: Counter = Counter()
        self.waiting: dict[str, deque] = defaultdict(deque)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("TRANSFERNEWS_DISTRIBUTED"):
            raise NotConfigured
        interval = settings.get("TRANSFERNEWS_DOMAIN_DELAY")
        interval = float(interval) if interval not in (None, "") else settings.getfloat("TRANSFERNEWS_POLITE_DELAY")
        if interval <= 0:
            raise NotConfigured
        return cls(crawler, interval)

    @staticmethod
    def _slot(request) -> str:
        from scrapy.utils.httpobj import urlparse_cached

        return request.meta.get("download_slot") or urlparse_cached(request).hostname or ""

    async def process_request(self, request, spider=None):
        from twisted.internet import defer, reactor
        from twisted.internet.task import deferLater
        from scrapy.utils.defer import maybe_deferred_to_future

        slot = self._slot(request)
        while self.busy[slot] >= self.per_slot:
            waiter = defer.Deferred()
            self.waiting[slot].append(waiter)
            await maybe_deferred_to_future(waiter)
        self.busy[slot] += 1
        request.meta[self.META] = slot
        frontier: Frontier = self.crawler.spider.frontier
        host = host_of(request.url)
        for _attempt in range(5):
            wait = frontier.reserve(host, self.interval)
            if wait <= 0:
                break
            due = time.monotonic() + wait
            self.crawler.stats.inc_value("transfernews/domain_delay_waits")
            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
            # a busy reactor wakes late; sent now, the request would crowd the slots of
            # other workers, so a late one takes a new slot instead
            if time.monotonic() - due <= self.interval / 2:
                break
            self.crawler.stats.inc_value("transfernews/domain_delay_late")
        return None

    def _release(self, request) -> None:
        slot = request.meta.pop(self.META, None)
        if slot is None:
            return
        self.busy[slot] -= 1
        if self.waiting[slot]:
            self.waiting[slot].popleft().callback(None)

    def process_response(self, request, response, spider=None):
        self._release(request)
        return response

    def process_exception(self, request, exception, spider=None):
        self._release(request)
        return None


class Worker:
    """Extension: keeps a distributed worker alive while the shared crawl has work."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("TRANSFERNEWS_DISTRIBUTED"):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.error, signal=signals.spider_error)
        return extension

    def _poke(self, delay: float) -> None:
        """Ask the engine for the next request soon (its own idle poll is 5 s)."""
        from twisted.internet import reactor

        def poke():
            slot = getattr(self.crawler.engine, "_slot", None)
            if slot is not None and getattr(slot, "nextcall", None) is not None:
                slot.nextcall.schedule()

        reactor.callLater(delay, poke)

    def idle(self, spider):
        frontier: Frontier = spider.frontier
        dropped = frontier.drop_own_inflight()
        if dropped:
            logger.warning("%d in-flight request(s) ended without a page row; forgotten", dropped)
        frontier.take_over_dead()
        queued, inflight = frontier.pending()
        if queued or inflight:
            # other workers still fetch, and may discover more; or a dead one's work waits
            self._poke(0.3)
            raise DontCloseSpider

    def error(self, failure, response, spider):
        """A callback that raised leaves no page row: the request is over all the same."""
        if response is not None and response.request is not None:
            spider.frontier.done(origin_key(response.request))


def distributed_settings(redis_url: str, settings) -> dict:
    """Scrapy settings for a distributed worker (on top of the project's)."""
    delay = settings.getfloat("DOWNLOAD_DELAY")
    return {
        "TRANSFERNEWS_DISTRIBUTED": True,
        "TRANSFERNEWS_REDIS_URL": redis_url,
        "SCHEDULER": "crawler.distributed.FrontierScheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed.ReliableQueue",
        "SCHEDULER_SERIALIZER": "pickle",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,
        "DUPEFILTER_CLASS": "crawler.distributed.UrlKeyDupeFilter",
        "REDIS_URL": redis_url,
        # the per-host delay is enforced across workers by SharedDomainDelay; a local
        # delay on top would only slow each worker down by the same amount again
        "TRANSFERNEWS_POLITE_DELAY": delay,
        "DOWNLOAD_DELAY": 0,
        "DOWNLOADER_MIDDLEWARES": {**settings.getdict("DOWNLOADER_MIDDLEWARES"),
                                   "crawler.distributed.SharedDomainDelay": 960},
        "EXTENSIONS": {**settings.getdict("EXTENSIONS"), "crawler.distributed.Worker": 400},
    }
