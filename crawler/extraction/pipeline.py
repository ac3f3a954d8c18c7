"""From HTML to an :class:`~crawler.extraction.result.Extracted`: the extraction stage.

Order of work, and why:

1. parse once with lxml; read explicit metadata (JSON-LD, ``<meta>``, ``<time>``,
   canonical) before trafilatura prunes the tree;
2. trafilatura with ``include_comments=False`` (its best setting on the public benchmarks
   in ``shared/eval``) and never ``deduplicate=True`` (a process-global cache: results
   would depend on what the process saw before);
3. clean the paragraphs (:mod:`crawler.extraction.cleaning`);
4. decide the page type, detect the language from the text, settle the date.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import trafilatura

from crawler.extraction.cleaning import clean_text
from crawler.extraction.language import detect_language
from crawler.extraction.metadata import DateValue, choose_title, parse_html, read_metadata
from crawler.extraction.pagetype import LayoutSignals, classify
from crawler.extraction.result import Extracted

#: Bump when a change to extraction or cleaning changes its output; stored per article
#: so ``transfernews reextract`` can tell stale rows.
EXTRACTOR_VERSION = f"tn1+trafilatura{trafilatura.__version__}"

#: A date this far past the fetch time is a typo or a header clock, not a publication date.
FUTURE_TOLERANCE = timedelta(days=1)


def _trafilatura(tree, url: str | None, max_date: datetime):
    return trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        with_metadata=True,
        deduplicate=False,
        date_extraction_params={
            "extensive_search": False,
            "original_date": True,
            "max_date": max_date.strftime("%Y-%m-%d"),
        },
    )


def extract(html: str, url: str | None = None, fetched_at: datetime | None = None) -> Extracted:
    """Extract title, text, author, dates, language and canonical URL from one page.

    Never raises on malformed input: an unusable page comes back with
    ``page_type == "empty"`` and a ``reason``.
    """
    fetched_at = fetched_at or datetime.now(timezone.utc)
    result = Extracted(extractor_version=EXTRACTOR_VERSION)
    tree = parse_html(html)
    if tree is None:
        result.reason = "no HTML"
        return result
    meta = read_metadata(tree)
    signals = LayoutSignals.read(tree)
    try:
        doc = _trafilatura(tree, url, fetched_at + FUTURE_TOLERANCE)
    except Exception as exc:  # trafilatura on hostile markup: report, do not crash the crawl
        result.reason = f"extraction failed: {type(exc).__name__}: {exc}"
        return result
    title = choose_title(meta) or (doc.title if doc is not None else None)
    result.title = title.strip() if title else None
    raw_text = (doc.text or "") if doc is not None else ""
    result.text = clean_text(raw_text, result.title)
    result.author = meta.author or (doc.author if doc is not None else None)
    result.description = meta.description or (doc.description if doc is not None else None)
    result.sitename = meta.sitename or (doc.sitename if doc is not None else None)
    result.canonical_url = meta.canonical
    published, source = meta.published, meta.published_source
    if published is None and doc is not None and doc.date:
        published, source = DateValue.parse(doc.date), "htmldate"
    if published is not None and published.instant > fetched_at + FUTURE_TOLERANCE:
        published, source = None, None
    if published is not None:
        result.published, result.published_at, result.date_source = published.text, published.instant, source
    if meta.modified is not None:
        result.modified = meta.modified.text
    typed = meta.is_article_typed or (meta.og_type or "").lower() == "article"
    # only a date the page states in markup is evidence of an article: htmldate also
    # finds the "today" clock in site headers of about-us and category pages
    result.page_type, result.reason = classify(signals, url, result.text, typed, meta.published is not None)
    result.language, result.language_confidence = detect_language(result.text)
    return result


def extract_text(html: str) -> str:
    """Main text only: the entry point for ``shared/eval/extraction_eval.py``."""
    return extract(html).text
