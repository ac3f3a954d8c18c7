"""Structured metadata that pages state explicitly: JSON-LD, ``<meta>``, ``<time>``, canonical.

Explicit publisher statements are more trustworthy than anything guessed from the
layout, so they are read first; :mod:`crawler.extraction.pipeline` falls back to
trafilatura/htmldate only when none is present.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from dateutil import parser as dateutil_parser
from lxml import html as lxml_html

ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "report", "liveblogposting",
    "socialmediaposting", "webpage_article",
}
PUBLISHED_META = (
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "pubdate", "publishdate", "publish-date", "publish_date", "dc.date.issued", "dcterms.created",
    "sailthru.date", "parsely-pub-date", "date", "dc.date", "article.published", "cxenseparse:recs:publishtime",
)
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified", "last-modified")
AUTHOR_META = ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl")


#: The plausibility rule for every date the crawler reads (pages, feeds, sitemaps): a date
#: before 1990 (CMS defaults such as 1970-01-01 or 0001-01-01, typos) or more than a day
#: after "now" (the fetch; a day covers every time zone and a skewed clock) is not a date
#: of this article, and is treated as absent.
EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)
FUTURE_TOLERANCE = timedelta(days=1)


def plausible(instant: datetime | None, now: datetime | None = None) -> bool:
    """Is ``instant`` a believable publication or modification date, seen at ``now``?"""
    if instant is None:
        return False
    now = now or datetime.now(timezone.utc)
    return EARLIEST <= instant <= now + FUTURE_TOLERANCE


_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")


@dataclass
class DateValue:
    """A date as written (``text``: ISO 8601, offset kept, or bare date) and as an instant."""

    text: str
    instant: datetime

    @classmethod
    def parse(cls, raw: str | None) -> "DateValue | None":
        """Parse a machine-readable date (ISO 8601 and the common RFC forms).

        Never raises: unparseable text, impossible dates (``2024-02-30``), years beyond
        9999 or before 1990, and offsets that push the instant out of range give ``None``.
        Dates in the future are kept here; callers compare them with the fetch time
        (:func:`plausible`).
        """
        if not raw or not isinstance(raw, str):
            return None
        raw = raw.strip()
        if not re.search(r"\d{4}", raw):
            return None
        try:
            try:
                # ISO 8601, what sitemaps and most markup use: 50 times faster than dateutil
                value = datetime.fromisoformat(raw)
            except ValueError:
                value = dateutil_parser.parse(raw, default=datetime(1, 1, 1))
            if value.year < EARLIEST.year:
                return None
            if not _HAS_TIME.search(raw):
                day = value.date()
                return cls(day.isoformat(), datetime(day.year, day.month, day.day, tzinfo=timezone.utc))
            instant = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
            return cls(value.isoformat(), instant.astimezone(timezone.utc))
        except (ValueError, OverflowError):  # 9999-12-31T23:00-05:00 is past year 9999 in UTC
            return None


@dataclass
class PageMetadata:
    title: str | None = None
    author: str | None = None
    published: DateValue | None = None
    published_source: str | None = None
    modified: DateValue | None = None
    canonical: str | None = None
    og_type: str | None = None
    description: str | None = None
    sitename: str | None = None
    is_article_typed: bool = False
    #: the ``<title>`` / ``og:title`` and the page's ``<h1>``, for :func:`choose_title`
    head_title: str | None = None
    h1: str | None = None


def _walk_jsonld(node):
    if isinstance(node, list):
        for item in node:
            yield from _walk_jsonld(item)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in node:
                yield from _walk_jsonld(node[key])


def _types(node: dict) -> set[str]:
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {str(v).lower() for v in values}


def _person_name(value) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_person_name(v) for v in value) if n]
        return ", ".join(names) if names else None
    if isinstance(value, dict):
        if "organization" in _types(value):
            return None  # a publisher credited as author is not a person
        value = value.get("name")
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def read_jsonld(tree) -> list[dict]:
    nodes = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        nodes.extend(_walk_jsonld(data))
    return nodes


def _meta(tree) -> dict[str, str]:
    found: dict[str, str] = {}
    for el in tree.xpath("//meta[@content]"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        if key and key not in found and el.get("content", "").strip():
            found[key] = el.get("content").strip()
    return found


def _clean(text: str | None) -> str | None:
    text = " ".join((text or "").split())
    return text or None


#: separators between a headline and the site name in ``<title>``
TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " // ", " » ")


def choose_title(meta: PageMetadata) -> str | None:
    """The headline without the site name.

    JSON-LD ``headline`` first; then the ``<h1>`` when the ``<title>`` starts with it
    (the usual "Headline | Site" shape) or there is no ``<title>``; then the ``<title>``
    with a short trailing site-name segment cut off.
    """
    if meta.title:
        return meta.title
    head, h1 = meta.head_title, meta.h1
    if h1 and (not head or head.casefold().startswith(h1.casefold()) or h1.casefold() in head.casefold()):
        return h1
    if head:
        for sep in TITLE_SEPARATORS:
            if sep in head:
                first, _, last = head.rpartition(sep)
                if len(last) <= 40 and len(first) >= 10:
                    return first.strip()
        return head
    return h1


#: ``<time>`` elements in these belong to teasers of other articles, not to this one
_NOT_OWN_DATE = "ancestor::li or ancestor::aside or ancestor::nav or ancestor::footer or ancestor::a"
_TIME_XPATHS = (
    '//*[@itemprop="datePublished"]/@datetime',
    '//*[@itemprop="datePublished"]/@content',
    f'//time[@pubdate or contains(@class, "publish") or contains(@class, "entry-date")][not({_NOT_OWN_DATE})]/@datetime',
    # the headline's own container: the <article> or <main> that holds the <h1>
    f'//article[.//h1]//time[not({_NOT_OWN_DATE})]/@datetime',
    f'//main[.//h1]//time[not(ancestor::article)][not({_NOT_OWN_DATE})]/@datetime',
    # templates without <article>/<main>: the container of the headline
    f'//h1/../descendant::time[not({_NOT_OWN_DATE})]/@datetime',
    f'//h1/../../descendant::time[not({_NOT_OWN_DATE})]/@datetime',
)


def _time_element_date(tree) -> DateValue | None:
    for xpath in _TIME_XPATHS:
        for raw in tree.xpath(xpath):
            value = DateValue.parse(raw)
            if value:
                return value
    return None


def read_title_candidates(tree) -> PageMetadata:
    """Only what :func:`choose_title` needs from markup besides JSON-LD: ``<title>`` /
    ``og:title`` and the ``<h1>``; the cheap path for text-only extraction."""
    meta = PageMetadata()
    og = tree.xpath('//meta[@property="og:title"]/@content')
    titles = tree.xpath("//title")
    meta.head_title = _clean(og[0]) if og else (_clean(titles[0].text_content()) if titles else None)
    h1s = tree.xpath("//article//h1") or tree.xpath("//main//h1") or tree.xpath("//h1")
    meta.h1 = _clean(h1s[0].text_content()) if h1s else None
    return meta


def read_metadata(tree) -> PageMetadata:
    """Read explicit metadata from a parsed page; never raises on odd markup."""
    meta = PageMetadata()
    head_meta = _meta(tree)
    for node in read_jsonld(tree):
        types = _types(node)
        if not types & ARTICLE_TYPES and not any(t.endswith("article") for t in types):
            continue
        meta.is_article_typed = True
        meta.published = meta.published or DateValue.parse(node.get("datePublished"))
        if meta.published and not meta.published_source:
            meta.published_source = "jsonld"
        meta.modified = meta.modified or DateValue.parse(node.get("dateModified"))
        meta.author = meta.author or _person_name(node.get("author"))
        headline = node.get("headline") or node.get("name")
        meta.title = meta.title or (headline.strip() if isinstance(headline, str) else None)
        break
    if meta.published is None:
        for key in PUBLISHED_META:
            value = DateValue.parse(head_meta.get(key))
            if value:
                meta.published, meta.published_source = value, "meta"
                break
    if meta.published is None:
        meta.published = _time_element_date(tree)
        if meta.published:
            meta.published_source = "time"
    if meta.modified is None:
        for key in MODIFIED_META:
            meta.modified = DateValue.parse(head_meta.get(key))
            if meta.modified:
                break
    if meta.author is None:
        for key in AUTHOR_META:
            value = head_meta.get(key, "")
            if value and not value.startswith(("http://", "https://")):
                meta.author = value
                break
    links = tree.xpath('//link[@rel="canonical"]/@href') or [head_meta.get("og:url", "")]
    meta.canonical = (links[0] or "").strip() or None
    meta.og_type = head_meta.get("og:type")
    titles = tree.xpath("//title")
    meta.head_title = head_meta.get("og:title") or (_clean(titles[0].text_content()) if titles else None)
    h1s = tree.xpath("//article//h1") or tree.xpath("//main//h1") or tree.xpath("//h1")
    meta.h1 = _clean(h1s[0].text_content()) if h1s else None
    meta.description = head_meta.get("description") or head_meta.get("og:description")
    meta.sitename = head_meta.get("og:site_name")
    return meta


def parse_html(html: str):
    """Parse HTML leniently into an lxml tree (``None`` when there is nothing to parse)."""
    if not html or not html.strip():
        return None
    try:
        return lxml_html.fromstring(html)
    except (ValueError, lxml_html.etree.ParserError):
        # lxml refuses str input with an encoding declaration
        try:
            return lxml_html.fromstring(html.encode("utf-8", "replace"))
        except (ValueError, lxml_html.etree.ParserError):
            return None
