"""Is this page an article, a listing (home, category, tag page) or empty?

Only articles are stored. The rules are deliberately few and explicit:

1. a site's home page is a listing;
2. almost no main text → empty;
3. when most lines trafilatura kept are the texts of links on the page, the "main text"
   is a list of headlines → listing;
4. article markup (``og:type=article``, JSON-LD ``NewsArticle`` …) → article, even when
   short: an official club communiqué can be three sentences;
5. without article markup, the page must look like one article: not several
   ``<article>`` teasers or dated items, not headline links among its lines, a publication date in
   markup (JSON-LD, ``<meta>``, ``<time>``), and
   enough running text. "About us" and category pages fail here.
"""
from __future__ import annotations

from dataclasses import dataclass

from crawler.urls import is_home_page

MIN_CHARS_TYPED = 80
MIN_CHARS_UNTYPED = 250
LINK_LINE_SHARE = 0.5
#: without article markup, even a few headline links in the text mean a listing
UNTYPED_LINK_LINE_SHARE = 0.2


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class LayoutSignals:
    """What page typing needs from the full page, read before trafilatura prunes it."""

    anchors: frozenset[str]
    article_elements: int
    #: short link texts (menu items, breadcrumb crumbs), casefolded
    crumbs: frozenset[str]
    #: distinct ``<time datetime>`` values outside sidebars, navigation and footers:
    #: one per teaser on a listing, one (or two: published, updated) on an article
    dated_items: int

    @classmethod
    def read(cls, tree) -> "LayoutSignals":
        # in-page links (tables of contents, "#comments") point at this page's own text
        texts = {_norm(el.text_content()) for el in tree.iter("a") if not (el.get("href") or "").startswith("#")}
        anchors = frozenset(a for a in texts if len(a) >= 12)
        crumbs = frozenset(a for a in texts if 2 <= len(a) <= 40)
        dates = set(tree.xpath("//time[not(ancestor::aside or ancestor::nav or ancestor::footer)]/@datetime"))
        return cls(anchors, len(tree.xpath("//article")), crumbs, len(dates))


def link_line_share(signals: LayoutSignals, text: str) -> float:
    """Share of the text's lines that are the text of a link on the page (headline lists)."""
    lines = [_norm(line) for line in text.splitlines() if line.strip()]
    if not lines:
        return 0.0
    return sum(1 for line in lines if line in signals.anchors) / len(lines)


def classify(signals: LayoutSignals, url: str | None, text: str, article_typed: bool,
             has_date: bool) -> tuple[str, str | None]:
    """``(page_type, reason)``; ``reason`` explains every non-article verdict."""
    if url and is_home_page(url):
        return "listing", "home page"
    length = len(text.strip())
    if length < MIN_CHARS_TYPED:
        return "empty", f"no main text ({length} characters)"
    share = link_line_share(signals, text)
    if share >= LINK_LINE_SHARE:
        return "listing", f"{share:.0%} of the text lines are links"
    if article_typed:
        return "article", None
    if signals.article_elements >= 2:
        return "listing", f"{signals.article_elements} <article> teasers and no article markup"
    if signals.dated_items >= 3:
        return "listing", f"{signals.dated_items} dated teasers and no article markup"
    if share >= UNTYPED_LINK_LINE_SHARE:
        return "listing", f"{share:.0%} of the text lines are links and no article markup"
    if not has_date:
        return "empty", "no article markup and no publication date"
    if length < MIN_CHARS_UNTYPED:
        return "empty", f"short text ({length} characters) and no article markup"
    return "article", None
