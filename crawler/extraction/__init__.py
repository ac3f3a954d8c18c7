"""Extraction: HTML in, clean article text and metadata out.

``extract(html, url)`` is the stage the crawler runs on every fetched page;
``extract_text(html)`` is the same, text only, for the benchmark scorer.
"""
from crawler.extraction.pipeline import EXTRACTOR_VERSION, NO_HINTS, Hints, extract, extract_text
from crawler.extraction.result import Extracted

__all__ = ["EXTRACTOR_VERSION", "NO_HINTS", "Extracted", "Hints", "extract", "extract_text"]
