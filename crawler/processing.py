"""The CPU-heavy work on a fetched page, in a pool of processes: every core extracts.

Scrapy runs callbacks on one reactor thread, so extraction there (tens of ms per real
page) would use one core and stall downloads while it runs. :class:`PagePool` sends
each page to a :class:`~concurrent.futures.ProcessPoolExecutor` and the callback awaits
the result, so the reactor keeps downloading while the workers extract. A worker does
everything that needs no database:

* extraction and cleaning (:func:`crawler.extraction.extract`);
* the content fingerprint for near-duplicate search (:func:`storage.fingerprint.fingerprint`);
* event analysis (:func:`crawler.understanding.events.analyze`), which only needs the
  text and the source;
* compressing the raw body for ``pages.raw_zlib``.

The crawl process then only writes rows. Workers start with the ``forkserver`` method
(never ``fork``: the crawl process has threads and open database connections); the
forkserver loads the extraction and analysis modules, the language model and the club
gazetteer once, so the workers share those memory pages, and the workers time their stages
(:mod:`crawler.stages`) for the profile.

A worker that dies (a segfault in a parser on hostile markup, the OOM killer) breaks
the whole executor: the pool is rebuilt and each page that was in flight is tried once
more; a page that breaks a fresh pool too is reported as failed, the crawl goes on.
``TRANSFERNEWS_WORKERS=0`` runs the same function in the crawl process, without a pool.
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime

from crawler.extraction import Extracted, Hints
from crawler.stages import StageClock

logger = logging.getLogger(__name__)

#: modules the forkserver imports once, before it forks the first worker; the last one
#: loads the language model and the gazetteer there, so the workers share those pages
PRELOAD = ["crawler.processing", "crawler.extraction.pipeline", "crawler.understanding.events", "storage.fingerprint", "crawler.worker_preload"]


@dataclass
class PageJob:
    html: str
    url: str
    fetched_at: datetime
    hints: Hints
    source_kind: str = "news"
    source_club: str | None = None
    body: bytes | None = None  # the raw body, compressed for storage by the worker


@dataclass
class Processed:
    extracted: Extracted
    analysis: object | None = None  # crawler.understanding.events.Analysis, for articles
    fingerprint: object | None = None  # storage.fingerprint.Fingerprint, for articles
    raw_zlib: bytes | None = None
    cpu: dict[str, float] = field(default_factory=dict)
    #: the worker's process id and its CPU seconds so far (user + system), for the profile
    worker: tuple[int, float] = (0, 0.0)


class PageFailed(RuntimeError):
    """The page could not be processed: it broke a worker process twice."""


def process_page(job: PageJob) -> Processed:
    """Everything CPU-bound about one page (runs in a worker)."""
    from crawler.extraction.pipeline import extract
    from crawler.understanding.events import analyze
    from storage.fingerprint import fingerprint
    from storage.repository import compress

    clock = StageClock()
    extracted = extract(job.html, job.url, job.fetched_at, job.hints, clock)
    out = Processed(extracted)
    if extracted.is_article:
        with clock.stage("dedup"):
            out.fingerprint = fingerprint(extracted.text)
        with clock.stage("analysis"):
            out.analysis = analyze(extracted.text, extracted.title, extracted.language,
                                   extracted.published or extracted.published_at, job.source_kind, job.source_club)
    with clock.stage("database"):
        out.raw_zlib = compress(job.body)
    out.cpu = dict(clock.cpu)
    out.worker = (os.getpid(), time.process_time())
    return out


def _warm() -> None:
    """Load what the first page would otherwise pay for: the club gazetteer and the
    language model."""
    from crawler.extraction.language import _identifier
    from crawler.understanding.clubs import gazetteer

    gazetteer()
    _identifier()


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def worker_count(setting) -> int:
    """``TRANSFERNEWS_WORKERS``: a number, or ``auto`` (empty) for one per usable core."""
    if setting in (None, "", "auto"):
        return usable_cores()
    count = int(setting)
    if count < 0:
        raise ValueError(f"TRANSFERNEWS_WORKERS must be 0 or more, not {count}")
    return count


class PagePool:
    def __init__(self, workers: int):
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = _executor(self.workers)
        return self._executor

    async def run(self, job: PageJob) -> Processed:
        if not self.workers:
            return process_page(job)
        for attempt in (1, 2):
            executor = self._pool()
            try:
                return await asyncio.wrap_future(executor.submit(process_page, job))
            except BrokenProcessPool:
                if self._executor is executor:  # the first page to notice rebuilds it
                    self._executor = None
                    executor.shutdown(wait=False, cancel_futures=True)
                    logger.warning("an extraction worker died (%s in flight); restarting the pool", job.url)
                if attempt == 2:
                    raise PageFailed("the page broke an extraction worker process twice") from None
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def _executor(workers: int) -> ProcessPoolExecutor:
    """Workers started by a ``forkserver`` that has the extraction and analysis modules
    loaded, each warmed up before its first job."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_warm)


def map_batches(fn, jobs, workers: int | None, batch: int):
    """``fn`` over ``jobs`` in a process pool (``workers``: None for one per usable core,
    0 for this process), the results in order, ``batch`` at a time, for ``reextract`` and
    ``analyze`` over a stored archive. At most two batches of jobs are submitted and not
    yet taken, so memory stays bounded whatever the archive's size."""
    workers = usable_cores() if workers is None else workers
    done: list = []
    for result in _map_ordered(fn, jobs, workers, ahead=max(2 * batch, 64)):
        done.append(result)
        if len(done) >= batch:
            yield done
            done = []
    if done:
        yield done


def _map_ordered(fn, jobs, workers: int, ahead: int):
    if not workers:
        yield from map(fn, jobs)
        return
    from collections import deque

    with _executor(workers) as executor:
        pending = deque()
        for job in jobs:
            pending.append(executor.submit(fn, job))
            if len(pending) >= ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
