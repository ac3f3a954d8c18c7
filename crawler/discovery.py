"""Reading feeds and sitemaps into plain lists of announced URLs.

Kept apart from the spider so the parsing rules can be tested on bytes alone.
XML is parsed without entity expansion, DTD loading or network access: a feed is
untrusted input (entity bombs, external entities that would read local files).
Sitemaps are read as a stream, one ``<url>`` at a time, so a 50 000-entry file costs
the entries, not a tree of them. Dates that fail :func:`plausible` (before 1990, or
more than a day in the future) are dropped: an announcement with a year-9999 or 1970
date says nothing about when the article appeared.
"""
from __future__ import annotations

import calendar
import io
from dataclasses import dataclass
from datetime import datetime, timezone

import feedparser
from lxml import etree

from crawler.extraction.metadata import DateValue, plausible


@dataclass
class Announced:
    """A URL announced by a feed or sitemap, with what the announcement says of it."""

    url: str
    guid: str | None = None
    title: str | None = None
    published_at: datetime | None = None
    #: a sitemap's ``lastmod`` (not a publication date)
    modified_at: datetime | None = None


@dataclass
class SitemapDoc:
    kind: str  # "urlset" | "sitemapindex" | "unknown"
    entries: list[Announced]
    truncated: bool = False
    #: ``<url>`` / ``<sitemap>`` entries in the file, read or not (over the cap: more)
    total: int = 0


class DiscoveryError(ValueError):
    """A feed or sitemap that cannot be read at all."""


def _struct_to_dt(value, now: datetime) -> datetime | None:
    if not value:
        return None
    try:
        instant = datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
    except (OverflowError, ValueError, TypeError, OSError):
        return None
    return instant if plausible(instant, now) else None


def _sane(value: DateValue | None, now: datetime) -> datetime | None:
    return value.instant if value is not None and plausible(value.instant, now) else None


def parse_feed(body: bytes, now: datetime | None = None) -> list[Announced]:
    """Entries of an RSS 0.9x/1.0/2.0 or Atom feed, in feed order; dates only when
    :func:`plausible` at ``now``."""
    now = now or datetime.now(timezone.utc)
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        reason = parsed.get("bozo_exception") or "no RSS or Atom document found"
        raise DiscoveryError(f"not a readable feed: {reason}")
    entries = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            links = [l.get("href") for l in entry.get("links", []) if l.get("href")]
            link = links[0] if links else None
        if not link:
            continue
        published = _struct_to_dt(entry.get("published_parsed"), now) or _struct_to_dt(entry.get("updated_parsed"), now)
        entries.append(Announced(url=link.strip(), guid=(entry.get("id") or link).strip(),
                                 title=(entry.get("title") or "").strip() or None, published_at=published))
    return entries


#: how the sitemap parser treats untrusted XML (see the module docstring)
_XML_OPTIONS = dict(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
    recover=True, remove_comments=True, remove_pis=True,
)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_sitemap(body: bytes, max_urls: int = 50_000, now: datetime | None = None) -> SitemapDoc:
    """A sitemap (``urlset``, with Google News ``news:`` fields) or a sitemap index.

    At most ``max_urls`` entries are read (the sitemap protocol's limit is 50 000 per
    file); the rest are counted in ``total`` and ``truncated`` is set. Memory stays at
    the entries read: each ``<url>`` element is dropped once read.
    """
    now = now or datetime.now(timezone.utc)
    entries: list[Announced] = []
    kind, root, total, over = None, None, 0, 0
    try:
        for event, node in etree.iterparse(io.BytesIO(body), events=("start", "end"), **_XML_OPTIONS):
            if root is None:
                root, kind = node, _local(node.tag).lower()
                if kind not in ("urlset", "sitemapindex"):
                    return SitemapDoc("unknown", [])
                continue
            if event != "end" or node.getparent() is not root:
                continue
            if _local(node.tag) in ("url", "sitemap"):
                total += 1
                if len(entries) >= max_urls:
                    over += 1
                elif (entry := _entry(node, now)) is not None:
                    entries.append(entry)
            node.clear()
            while node.getprevious() is not None:  # what is read is dropped: bounded memory
                del root[0]
    except etree.XMLSyntaxError as exc:
        if root is None:
            raise DiscoveryError(f"not a readable sitemap: {exc}") from None
        # broken after a good start (a truncated download): keep what was read
    if root is None:
        raise DiscoveryError("not a readable sitemap: empty document")
    return SitemapDoc(kind, entries, truncated=over > 0, total=total)


def _entry(node, now: datetime) -> Announced | None:
    fields: dict[str, str] = {}
    for child in node.iter():
        name = _local(child.tag)
        if name and child.text and child.text.strip() and name not in fields:
            fields[name] = child.text.strip()
    loc = fields.get("loc")
    if not loc:
        return None
    return Announced(
        url=loc, guid=loc, title=fields.get("title"),
        published_at=_sane(DateValue.parse(fields.get("publication_date")), now),
        modified_at=_sane(DateValue.parse(fields.get("lastmod")), now),
    )
