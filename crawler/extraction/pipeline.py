"""From HTML to an :class:`~crawler.extraction.result.Extracted`: the extraction stage.

Order of work, and why:

1. parse once with trafilatura's own ``load_html`` (its parser settings are part of its
   benchmark scores: a plain ``lxml.html`` tree costs it recall); read explicit metadata
   (JSON-LD, ``<meta>``, ``<time>``, canonical, byline) and layout signals before
   trafilatura prunes the tree;
2. trafilatura with ``include_comments=False`` (its best setting on the public
   benchmarks in ``shared/eval``), without its own metadata pass (we read metadata
   ourselves, and its htmldate run is a fifth of its time), never ``deduplicate=True``
   (a process-global cache: results would depend on what the process saw before);
3. clean the paragraphs (:mod:`crawler.extraction.cleaning`);
4. settle the date (:func:`settle_date`), the author, the page type, the language.

Per-source hints (registry ``prune_xpath`` / ``body_xpath``) reach trafilatura as
``prune_xpath``, or replace its body detection for templates it gets wrong.
"""
from __future__ import annotations

import re
import warnings
from copy import deepcopy
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import trafilatura
from htmldate import find_date
from lxml import etree
from trafilatura.utils import load_html

from crawler.extraction.authors import choose_author
from crawler.extraction.cleaning import clean
from crawler.extraction.hints import NO_HINTS, Hints
from crawler.extraction.language import detect_language
from crawler.extraction.metadata import (
    FUTURE_TOLERANCE,
    DateValue,
    choose_title,
    plausible,
    read_metadata,
    read_title_candidates,
)
from crawler.extraction.pagetype import LayoutSignals, classify
from crawler.extraction.result import Extracted
from crawler.stages import NULL_CLOCK
from crawler.extraction.textdates import PUBLISHED_WORDS, find_dates, is_date_line, published_in

#: Bump when a change to extraction or cleaning changes its output; stored per article
#: so ``transfernews reextract`` can tell stale rows.
EXTRACTOR_VERSION = f"tn2+trafilatura{trafilatura.__version__}"

# dateutil warns on every "EST"/"CEST" it cannot map; the offset is simply not used
warnings.filterwarnings("ignore", module="dateutil.parser")


#: control characters (NUL and friends) that PostgreSQL text refuses and no reader wants
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLOCKS = {"p", "div", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "br", "section", "figcaption"}


def _block_text(element) -> str:
    """Text of an element with a line per block, for ``body_xpath`` hints."""
    lines: list[str] = []
    current: list[str] = []

    def flush():
        text = " ".join("".join(current).split())
        if text:
            lines.append(text)
        current.clear()

    def walk(el):
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "noscript"):
            if el.tail:
                current.append(el.tail)
            return
        block = el.tag in _BLOCKS
        if block:
            flush()
        if el.text:
            current.append(el.text)
        for child in el:
            walk(child)
        if block:
            flush()
        if el.tail:
            current.append(el.tail)

    walk(element)
    flush()
    return "\n".join(lines)


def _main_text(tree, url: str | None, hints: Hints) -> str:
    if hints.body_xpath:
        found = tree.xpath(hints.body_xpath)
        if found:
            return "\n".join(_block_text(el) for el in found if isinstance(getattr(el, "tag", None), str))
    doc = trafilatura.bare_extraction(
        tree, url=url, include_comments=False, with_metadata=False, deduplicate=False,
        prune_xpath=list(hints.prune_xpath) or None,
    )
    return (doc.text or "") if doc is not None else ""


# -- dates -------------------------------------------------------------------------------------

_HEAD_XPATH = (
    "//article[.//h1]", "//main[.//h1]", "//*[@role='main'][.//h1]",
)
_NOISE = "ancestor-or-self::aside or ancestor-or-self::nav or ancestor-or-self::footer or ancestor-or-self::a"


def _headline_region_lines(tree) -> list[str]:
    """Short texts with a date around the headline (its ``<article>`` / ``<main>``),
    outside links, sidebars, navigation and footers: where a byline states the date in
    words ("Pubblicato il 12 marzo 2024 alle 17:30")."""
    region = None
    for xpath in _HEAD_XPATH:
        found = tree.xpath(xpath)
        if found:
            region = found[0]
            break
    if region is None:
        h1 = tree.xpath("//h1")
        if not h1 or h1[0].getparent() is None:
            return []
        region = h1[0].getparent().getparent() if h1[0].getparent().getparent() is not None else h1[0].getparent()
    lines = []
    for el in region.xpath(f".//*[self::p or self::span or self::div or self::time or self::small or self::li"
                           f" or self::header or self::strong or self::b][not({_NOISE})]"):
        text = " ".join(el.text_content().split())
        if 6 <= len(text) <= 200 and find_dates(text):
            lines.append(text)
            if len(lines) >= 40:
                break
    return lines


def _as_value(found, zone: ZoneInfo | None) -> DateValue:
    value = found.value.replace(tzinfo=zone) if zone else found.value
    if not found.has_time:
        return DateValue(value.date().isoformat(), datetime(value.year, value.month, value.day, tzinfo=timezone.utc))
    instant = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    return DateValue(value.isoformat(), instant)


def text_date(lines: list[str], zone: ZoneInfo | None = None) -> tuple[DateValue | None, DateValue | None]:
    """(published, updated) from lines that state them in words: a line saying
    "published" wins, then a line that is nothing but a date."""
    for line in lines:
        if PUBLISHED_WORDS.search(line):
            published, updated = published_in(line)
            if published is not None:
                return _as_value(published, zone), _as_value(updated, zone) if updated else None
    for line in lines:
        if is_date_line(line):
            published, updated = published_in(line)
            if published is not None:
                return _as_value(published, zone), _as_value(updated, zone) if updated else None
    return None, None


def _htmldate(tree, max_date: datetime) -> DateValue | None:
    """htmldate on a copy of the page without header, navigation, sidebars and footer,
    whose "today" clocks and teaser dates are not this article's date."""
    pruned = deepcopy(tree)
    for el in pruned.xpath("//header[not(ancestor::article)]|//nav|//aside|//footer"):
        if el.getparent() is not None:
            el.getparent().remove(el)
    try:
        found = find_date(pruned, extensive_search=False, original_date=True,
                          max_date=max_date.strftime("%Y-%m-%d"))
    except Exception:  # htmldate on hostile markup: no date rather than no article
        return None
    return DateValue.parse(found)


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def settle_date(tree, meta, date_lines: list[str], fetched_at: datetime, hints: Hints):
    """``(published, source, modified)`` by trust: markup (JSON-LD, ``<meta>``,
    ``<time>``), then a date the page states in words (date lines the cleaner took out
    of the body, the byline next to the headline), then htmldate on the page without
    its header and sidebars. Every candidate must be :func:`plausible` at the fetch
    time: not before 1990, never later than the fetch plus a day of time-zone slack
    (a year-9999 or 1970 date is a template default, not this article's date), never
    the header's "today". A modified date obeys the same rule."""
    limit = fetched_at + FUTURE_TOLERANCE

    def ok(value: DateValue | None) -> bool:
        return value is not None and plausible(value.instant, fetched_at)

    modified = meta.modified if ok(meta.modified) else None
    if ok(meta.published):
        return meta.published, meta.published_source, modified
    published, updated = text_date(date_lines + _headline_region_lines(tree), _zone(hints.timezone))
    if ok(published):
        return published, "text", modified or (updated if ok(updated) else None)
    value = _htmldate(tree, limit)
    if ok(value):
        return value, "htmldate", modified
    return None, None, modified


def extract(html: str, url: str | None = None, fetched_at: datetime | None = None,
            hints: Hints = NO_HINTS, clock=NULL_CLOCK) -> Extracted:
    """Extract title, text, author, dates, language and canonical URL from one page.

    Never raises on malformed input: an unusable page comes back with
    ``page_type == "empty"`` and a ``reason``. ``clock`` (a
    :class:`crawler.stages.StageClock`) gets the CPU time of extraction and cleaning.
    """
    with clock.stage("extraction"):
        return _extract(html, url, fetched_at, hints, clock)


def _extract(html: str, url: str | None, fetched_at: datetime | None, hints: Hints, clock) -> Extracted:
    fetched_at = fetched_at or datetime.now(timezone.utc)
    result = Extracted(extractor_version=EXTRACTOR_VERSION)
    try:
        tree = load_html(html) if html and html.strip() else None
    except (ValueError, etree.LxmlError):
        tree = None
    if tree is None:
        result.reason = "no HTML"
        return result
    meta = read_metadata(tree)
    signals = LayoutSignals.read(tree)
    result.title = choose_title(meta)
    try:
        raw_text = _main_text(tree, url, hints)
    except Exception as exc:  # trafilatura on hostile markup: report, do not crash the crawl
        result.reason = f"extraction failed: {type(exc).__name__}: {exc}"
        return result
    result.author = choose_author(meta.author, tree)
    titles = tuple(t for t in (result.title, meta.h1) if t)
    with clock.stage("cleaning"):
        cleaned = clean(raw_text, titles, signals.anchors, signals.crumbs, result.author)
    result.text = cleaned.text
    published, source, modified = settle_date(tree, meta, cleaned.date_lines, fetched_at, hints)
    if published is not None:
        result.published, result.published_at, result.date_source = published.text, published.instant, source
    if modified is not None:
        result.modified = modified.text
    result.description = meta.description
    result.sitename = meta.sitename
    result.canonical_url = meta.canonical
    typed = meta.is_article_typed or (meta.og_type or "").lower() == "article"
    # only a date the page states in markup is evidence of an article: htmldate also
    # finds the "today" clock in site headers of about-us and category pages
    result.page_type, result.reason = classify(signals, url, result.text, typed, meta.published is not None)
    result.language, result.language_confidence = detect_language(result.text)
    for name in ("text", "title", "author", "description", "sitename"):
        value = getattr(result, name)
        if value and _CONTROL.search(value):
            setattr(result, name, _CONTROL.sub("", value))
    return result


def extract_text(html: str) -> str:
    """Main text only (cleaned): the entry point for ``shared/eval/extraction_eval.py``.

    Skips what the text does not need (dates, author, language), so its speed compares
    with ``trafilatura.extract`` doing the same job.
    """
    try:
        tree = load_html(html) if html and html.strip() else None
    except (ValueError, etree.LxmlError):
        tree = None
    if tree is None:
        return ""
    signals = LayoutSignals.read(tree)
    try:
        raw_text = _main_text(tree, None, NO_HINTS)
    except Exception:
        return ""
    candidates = read_title_candidates(tree)
    titles = tuple(t for t in (choose_title(candidates), candidates.h1) if t)
    return clean(raw_text, titles, signals.anchors, signals.crumbs).text
