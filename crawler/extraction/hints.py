"""Per-source extraction hints, from the registry (``sources.yaml``).

Apart from :mod:`crawler.extraction.pipeline` so that the registry and the crawl process,
which pass hints on to the extraction workers, need not load trafilatura to name them.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hints:
    """Per-source extraction hints from the registry."""

    prune_xpath: tuple[str, ...] = ()
    body_xpath: str | None = None
    timezone: str | None = None


NO_HINTS = Hints()
