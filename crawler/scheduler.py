"""Scrapy's scheduler with its request queues on disk, so a big crawl's memory stays flat.

A sitemap index can announce hundreds of thousands of article URLs in the first minute
of a run. Scrapy keeps every scheduled request in memory unless ``JOBDIR`` is set (about
700 bytes each: 70 MB for 100 000 URLs, held until the crawl reaches them). With a job
directory it keeps them in disk queues instead, but ``JOBDIR`` also means "resume this
job next time", which our database already does better: every article URL is written
as ``queued`` before its request is handed to Scrapy, and the next run starts with what
is still owed (:meth:`storage.repository.Repository.pending`).

So :class:`DiskQueueScheduler` gives Scrapy's own scheduler (and its disk queues,
``SCHEDULER_DISK_QUEUE``) a private temporary directory for one run and removes it when
the run closes. A run that is killed leaves a directory of pickled requests under the
system's temporary folder (``transfernews-requests-*``); nothing reads it again, and
nothing is lost with it. With ``JOBDIR`` set, Scrapy's behaviour is unchanged. The
distributed frontier (:mod:`crawler.distributed`) has its own scheduler, with its queue
in Redis.
"""
from __future__ import annotations

import hashlib
import shutil
import tempfile

from scrapy.core.scheduler import Scheduler


class DiskQueueScheduler(Scheduler):
    """:class:`scrapy.core.scheduler.Scheduler` with disk queues in a per-run temporary
    directory when no ``JOBDIR`` is set."""

    _private_dir: str | None = None

    def _dqdir(self, jobdir: str | None) -> str | None:
        if jobdir:
            return super()._dqdir(jobdir)
        self._private_dir = tempfile.mkdtemp(prefix="transfernews-requests-")
        return self._private_dir

    def close(self, reason: str):
        try:
            return super().close(reason)
        finally:
            if self._private_dir is not None:
                shutil.rmtree(self._private_dir, ignore_errors=True)
                self._private_dir = None


#: the level of a key not found by following links (a feed entry, a resumed URL)
_UNKNOWN = 1 << 30


class ScheduledKeys:
    """The URL keys this run has scheduled, with the shallowest listing level each was
    found at, in about 60 bytes a key instead of about 250 for the key strings.

    A key is held as a 64-bit BLAKE2b digest. Two different URLs of one run share a digest
    with a probability of about n²/2⁶⁵ (3·10⁻¹⁰ for 100 000 URLs): the second would wait
    for the next run. What earlier runs stored is not held here at all: the spider asks the
    database (:meth:`storage.repository.Repository.known_keys`), so memory does not grow
    with the archive either."""

    __slots__ = ("_levels",)

    def __init__(self) -> None:
        self._levels: dict[int, int] = {}

    @staticmethod
    def _digest(key: str) -> int:
        return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")

    def __contains__(self, key: str) -> bool:
        return self._digest(key) in self._levels

    def __len__(self) -> int:
        return len(self._levels)

    def add(self, key: str, level: int | None = None) -> None:
        """Schedule ``key``; ``level``: how many listing levels below a start page it was
        found (None: not found by following links)."""
        self._levels.setdefault(self._digest(key), _UNKNOWN if level is None else level)

    def found_at(self, key: str, level: int) -> None:
        """``key``, scheduled already, was found again ``level`` levels below a start page."""
        digest = self._digest(key)
        if level < self._levels.get(digest, level + 1):
            self._levels[digest] = level

    def level(self, key: str, default: int) -> int:
        """The shallowest level ``key`` was found at in this run, or ``default``."""
        return min(default, self._levels.get(self._digest(key), default))
