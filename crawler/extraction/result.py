"""The outcome of extracting one page."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime


@dataclass
class Extracted:
    """Everything taken from one HTML page.

    ``page_type`` is ``article`` for a page whose main content is one article,
    ``listing`` for index/category/home pages (many links to other articles) and
    ``empty`` when no main text was found. Only ``article`` pages are stored as articles.
    """

    text: str = ""
    title: str | None = None
    author: str | None = None
    #: publication time as written by the page (ISO 8601 with its offset, or a bare date)
    published: str | None = None
    #: the same as an aware UTC datetime (midnight UTC for a bare date)
    published_at: datetime | None = None
    modified: str | None = None
    #: which signal gave ``published``: jsonld, meta, time, htmldate, text
    date_source: str | None = None
    language: str | None = None
    language_confidence: float | None = None
    canonical_url: str | None = None
    description: str | None = None
    sitename: str | None = None
    page_type: str = "empty"
    #: why the page is not an article, for the logs and the ``pages.error`` column
    reason: str | None = None
    extractor_version: str = ""

    @property
    def is_article(self) -> bool:
        return self.page_type == "article"

    def as_dict(self) -> dict:
        data = asdict(self)
        if self.published_at is not None:
            data["published_at"] = self.published_at.isoformat()
        return data
