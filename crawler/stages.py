"""CPU time per pipeline stage, for ``TRANSFERNEWS_PROFILE_FILE`` and ``bench/pipeline.py``.

The stages are those of the flow: download (Scrapy, measured as what is left of the
crawl process's CPU), extraction, cleaning, dedup, analysis, database. Pool workers
time their stages and send the figures back with each page; the crawl process times its
own. Timing costs two ``time.process_time()`` calls per stage, so it is always on.

Stages nest: time spent in an inner stage (dedup inside the database write) is
counted there and not in the outer one.
"""
from __future__ import annotations

import time
from collections import defaultdict
from contextlib import contextmanager

STAGES = ("download", "extraction", "cleaning", "dedup", "analysis", "database")


class StageClock:
    def __init__(self):
        self.cpu: dict[str, float] = defaultdict(float)
        self._stack: list[list] = []  # [stage, started, inner time]

    @contextmanager
    def stage(self, name: str):
        entry = [name, time.process_time(), 0.0]
        self._stack.append(entry)
        try:
            yield
        finally:
            self._stack.pop()
            spent = time.process_time() - entry[1]
            self.cpu[name] += spent - entry[2]
            if self._stack:
                self._stack[-1][2] += spent

    def add(self, times: dict[str, float]) -> None:
        """Figures measured elsewhere (a pool worker's, for one page)."""
        for name, seconds in times.items():
            self.cpu[name] += seconds


class NullClock:
    """A clock that measures nothing, for code run outside a crawl."""

    @contextmanager
    def stage(self, name: str):
        yield

    def add(self, times: dict[str, float]) -> None:
        pass


NULL_CLOCK = NullClock()
