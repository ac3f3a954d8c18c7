"""What the spider hands to the store pipeline."""
from __future__ import annotations

from dataclasses import dataclass, field

from crawler.extraction import Extracted
from storage.repository import FetchedPage


@dataclass
class PageItem:
    """A fetch that produced no article: discovery page, error, non-HTML, not an article."""

    page: FetchedPage


@dataclass
class ArticleItem:
    page: FetchedPage
    extracted: Extracted
    #: computed with the extraction (:mod:`crawler.processing`); None: the store computes it
    fingerprint: object | None = None
    #: the events read from the article, stored with it when it is new or changed
    analysis: object | None = None


@dataclass
class FeedEntriesItem:
    source_id: int
    feed_url: str
    entries: list[dict] = field(default_factory=list)
