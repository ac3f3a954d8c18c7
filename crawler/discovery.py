"""Reading feeds and sitemaps into plain lists of announced URLs.

Kept apart from the spider so the parsing rules can be tested on bytes alone.
XML is parsed without entity expansion, DTD loading or network access: a feed is
untrusted input (entity bombs, external entities that would read local files).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timezone

import feedparser
from lxml import etree

from crawler.extraction.metadata import DateValue


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


class DiscoveryError(ValueError):
    """A feed or sitemap that cannot be read at all."""


def _struct_to_dt(value) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
    except (OverflowError, ValueError, TypeError):
        return None


def parse_feed(body: bytes) -> list[Announced]:
    """Entries of an RSS 0.9x/1.0/2.0 or Atom feed, in feed order."""
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
        published = _struct_to_dt(entry.get("published_parsed")) or _struct_to_dt(entry.get("updated_parsed"))
        entries.append(Announced(url=link.strip(), guid=(entry.get("id") or link).strip(),
                                 title=(entry.get("title") or "").strip() or None, published_at=published))
    return entries


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        recover=True, remove_comments=True, remove_pis=True,
    )


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_sitemap(body: bytes, max_urls: int = 50_000) -> SitemapDoc:
    """A sitemap (``urlset``, with Google News ``news:`` fields) or a sitemap index."""
    try:
        root = etree.fromstring(body, parser=_xml_parser())
    except etree.XMLSyntaxError as exc:
        raise DiscoveryError(f"not a readable sitemap: {exc}") from None
    if root is None:
        raise DiscoveryError("not a readable sitemap: empty document")
    kind = _local(root.tag).lower()
    if kind not in ("urlset", "sitemapindex"):
        return SitemapDoc("unknown", [])
    entries: list[Announced] = []
    truncated = False
    for node in root:
        if _local(node.tag) not in ("url", "sitemap"):
            continue
        if len(entries) >= max_urls:
            truncated = True
            break
        fields: dict[str, str] = {}
        for child in node.iter():
            name = _local(child.tag)
            if name and child.text and child.text.strip() and name not in fields:
                fields[name] = child.text.strip()
        loc = fields.get("loc")
        if not loc:
            continue
        published = DateValue.parse(fields.get("publication_date"))
        modified = DateValue.parse(fields.get("lastmod"))
        entries.append(Announced(
            url=loc, guid=loc, title=fields.get("title"),
            published_at=published.instant if published else None,
            modified_at=modified.instant if modified else None,
        ))
    return SitemapDoc(kind, entries, truncated)
