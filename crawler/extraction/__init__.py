"""Extraction: HTML in, clean article text and metadata out.

``extract(html, url)`` is the stage the crawler runs on every fetched page;
``extract_text(html)`` is the same, text only, for the benchmark scorer.

``extract``, ``extract_text`` and ``EXTRACTOR_VERSION`` are loaded on first use: they
bring trafilatura, htmldate and lxml (about 45 MB), which the crawl process does not need
when its extraction workers do the extracting (:mod:`crawler.processing`).
"""
from crawler.extraction.hints import NO_HINTS, Hints
from crawler.extraction.result import Extracted

__all__ = ["EXTRACTOR_VERSION", "NO_HINTS", "Extracted", "Hints", "extract", "extract_text"]

_LAZY = ("EXTRACTOR_VERSION", "extract", "extract_text")


def __getattr__(name: str):
    if name in _LAZY:
        from crawler.extraction import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
