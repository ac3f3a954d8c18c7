"""A generated corpus of news outlets for the throughput benchmark (``bench/pipeline.py``).

Why generated: the benchmark must run from a clean clone with no internet, be the same
on every machine (seeded), and still cost what real pages cost. So the pages are built
like real news article pages, and sized like them (50–300 KB):

* a heavy ``<head>``: inline CSS, tag-manager and config scripts, JSON-LD
  ``NewsArticle`` (date, author) and ``BreadcrumbList``, OpenGraph and Twitter cards;
* a cookie banner, a mega-menu, a breaking-news ticker, breadcrumbs, share buttons;
* the article: headline, standfirst, byline, figure, 4–15 paragraphs with an ad slot, a
  "read also" teaser and sometimes a subheading, tags and an author box;
* a related-articles box, a comment section (2–30 reader comments), a sidebar (most
  read, latest, newsletter), a footer with link columns;
* the rest of the size in a per-page JSON state blob (``__NEXT_DATA__`` style) and the
  outlet's inline CSS, as real pages carry it.

Eight outlets in it, en, es, de, fr, pt, ru (two Italian) with three page layouts. Each
outlet has a robots.txt naming its sitemap, two RSS feeds (all news, transfers), a sitemap
index over sitemaps of 500 URLs plus a Google News sitemap, two category listing pages and
a home page. Texts come from :mod:`bench.corpus_text`: transfer news and other football
news (about 60/40), every slot drawn anew per article so no two articles are near copies.

``lite=True`` makes small pages (22–41 KB: no padding, few comments) for the memory check, where
the number of pages matters, not their size.

The corpus is written once under ``bench/.cache/`` (git-ignored) and reused. Article pages
use root-relative links only, so their bytes are served as written; feeds, sitemaps and
robots.txt carry ``{{BASE}}``, which :class:`crawler.demo.server.SiteServer` fills in.

    python bench/corpus.py generate --pages 2000      # write (or find) the corpus, print its sizes
    python bench/corpus.py serve DIR                  # serve it; prints {"name": base URL} and
                                                      # runs until stdin closes
"""
from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from html import escape
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench.corpus_text import BANKS, STADIUMS  # noqa: E402

#: bump when the generator's output changes, so cached corpora are rebuilt
CORPUS_VERSION = 2
CACHE = BENCH / ".cache"
SITEMAP_URLS_PER_FILE = 500
MIN_KB, MAX_KB = 50, 300
#: share of a page's padding written as markup (archive link columns); the rest is JSON
#: page state. Set so that plain trafilatura runs near the 30–50 pages/s per core it
#: does on real article pages
DOM_SHARE = 0.12


@dataclass(frozen=True)
class Outlet:
    name: str
    language: str
    title: str
    layout: str  # wordpress | nextjs | classic: class names and wrappers differ


OUTLETS = (
    Outlet("mercatoflash", "it", "MercatoFlash", "wordpress"),
    Outlet("transferwire", "en", "Transfer Wire", "nextjs"),
    Outlet("futbolhoy", "es", "Fútbol Hoy", "classic"),
    Outlet("fussballecho", "de", "Fußball-Echo", "wordpress"),
    Outlet("mercatodirect", "fr", "Mercato Direct", "classic"),
    Outlet("bolanarede", "pt", "Bola na Rede", "wordpress"),
    Outlet("futbolsegodnya", "ru", "Футбол Сегодня", "nextjs"),
    Outlet("calciosera", "it", "CalcioSera", "classic"),
)


@dataclass
class Article:
    outlet: Outlet
    index: int
    kind: str  # transfer | other
    title: str
    paragraphs: list[str]
    author: str
    published: datetime
    comments: list[tuple[str, str]]
    path: str = ""

    @property
    def category(self) -> str:
        return BANKS[self.outlet.language]["ui"][f"category_{self.kind}"]


# -- texts ---------------------------------------------------------------------------------------

class Slots(dict):
    """Slot values for one article: the protagonists stay fixed across its sentences,
    everything else (numbers, third clubs, other people) is drawn anew at each use."""

    FIXED = ("club", "club2", "player", "surname", "coach", "director", "agent", "stadium")

    def __init__(self, rng: random.Random, bank: dict):
        super().__init__()
        self.rng, self.bank = rng, bank
        club, club2 = rng.sample(bank["clubs"], 2)
        player, surname = self.person()
        self.update(club=club, club2=club2, player=player, surname=surname, coach=self.person()[0],
                    director=self.person()[0], agent=self.person()[0], stadium=rng.choice(STADIUMS))

    def person(self) -> tuple[str, str]:
        last = self.rng.choice(self.bank["last"])
        return f"{self.rng.choice(self.bank['first'])} {last}", last

    def __missing__(self, key: str):
        r, b = self.rng, self.bank
        draws = {
            "club3": lambda: r.choice(b["clubs"]), "other": lambda: self.person()[0],
            "player2": lambda: self.person()[0], "referee": lambda: self.person()[0],
            "role": lambda: r.choice(b["roles"]), "city": lambda: r.choice(b["cities"]),
            "when": lambda: r.choice(b["when"]), "ordinal": lambda: r.choice(b["ordinals"]),
            "year": lambda: r.randint(1994, 2007), "endyear": lambda: r.randint(2026, 2031),
            "fee": lambda: r.randint(2, 95), "fee2": lambda: r.randint(2, 95), "clause": lambda: r.randint(20, 400),
            "bonus": lambda: f"{r.randint(1, 9)},{r.randint(0, 9)}", "salary": lambda: f"{r.randint(1, 7)},{r.randint(0, 9)}",
            "wage": lambda: r.randint(20, 350), "n": lambda: r.randint(2, 90), "k": lambda: r.randint(2, 9),
            "day": lambda: r.randint(2, 28), "apps": lambda: r.randint(5, 52), "goals": lambda: r.randint(0, 31),
            "assists": lambda: r.randint(0, 19), "pct": lambda: r.randint(5, 94), "shirt": lambda: r.randint(2, 99),
            "score1": lambda: r.randint(0, 5), "score2": lambda: r.randint(0, 4), "minute": lambda: r.randint(2, 94),
            "crowd": lambda: f"{r.randint(8, 80)}.{r.randint(100, 999)}", "points": lambda: r.randint(3, 70),
            "km": lambda: f"{r.randint(8, 13)},{r.randint(0, 9)}", "hour": lambda: f"{r.randint(17, 23)}:00",
        }
        return draws[key]()

    def fill(self, template: str) -> str:
        return template.format_map(self)


def article_text(rng: random.Random, language: str, kind: str) -> tuple[str, list[str], Slots]:
    """Headline and 4–15 paragraphs of 1–3 sentences. Templates are drawn without
    replacement (a real article does not say the same thing twice), about one in five
    from the other kind (a transfer story mentions last weekend's match, a match report
    the market)."""
    bank = BANKS[language]
    slots = Slots(rng, bank)
    own, other = bank[kind], bank["other" if kind == "transfer" else "transfer"]
    decks: dict[int, list[str]] = {0: [], 1: []}

    def draw() -> str:
        choice = 1 if rng.random() < 0.2 else 0
        if not decks[choice]:
            decks[choice] = rng.sample(other if choice else own, len(other if choice else own))
        return decks[choice].pop()

    paragraphs = [" ".join(slots.fill(draw()) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(4, 15))]
    title = slots.fill(rng.choice(bank[f"title_{kind}"]))
    return title, paragraphs, slots


def make_article(rng: random.Random, outlet: Outlet, index: int, published: datetime, lite: bool) -> Article:
    kind = "transfer" if rng.random() < 0.6 else "other"
    title, paragraphs, slots = article_text(rng, outlet.language, kind)
    bank = BANKS[outlet.language]
    comments = [(f"{rng.choice(bank['first']).lower()}{rng.randint(1, 9999)}", slots.fill(rng.choice(bank["comments"])))
                for _ in range(rng.randint(0, 3) if lite else rng.randint(2, 30))]
    art = Article(outlet, index, kind, title, paragraphs, slots.person()[0], published, comments)
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in title.lower())
    slug = "-".join(w for w in slug.split("-") if w)[:60] or "news"
    art.path = f"/{published:%Y/%m/%d}/{slug}-{index}.html"
    return art


# -- page furniture ------------------------------------------------------------------------------

#: class names per layout: the same furniture under three CMS dialects
LAYOUTS = {
    "wordpress": dict(body="single single-post postid", wrap="site-content", main="content-area", art="post hentry",
                      h1="entry-title", content="entry-content", side="widget-area", card="td-block-span"),
    "nextjs": dict(body="layout_root__x1", wrap="Layout_main__a9", main="Article_wrapper__3k", art="Article_article__Zp",
                   h1="Headline_h1__Qw", content="ArticleBody_body__R2", side="Rail_rail__9f", card="Card_card__b7"),
    "classic": dict(body="article-page", wrap="container", main="col-md-8", art="news-article", h1="article-title",
                    content="article-body", side="col-md-4 sidebar", card="related-item"),
}
ICON = ('<svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><g fill="none"><path d="M{a} '
        '{b}h{c}v{d}l-{e} {f}z"/><path d="M3 {g}c0-{h} {i}-{j} {k} 0"/><circle cx="{c}" cy="{d}" r="{e}"/></g></svg>')


def _icon(rng: random.Random) -> str:
    return ICON.format(**{k: rng.randint(1, 20) for k in "abcdefghijk"})


def _outlet_css(rng: random.Random, kb: int) -> str:
    """The outlet's stylesheet, inlined as many sites do for speed."""
    props = ["margin", "padding", "color", "font-size", "line-height", "display", "border", "background", "width",
             "max-width", "flex", "grid-template-columns", "letter-spacing", "text-transform", "z-index"]
    rules, size = [], 0
    while size < kb * 1024:
        sel = f".{rng.choice(['c', 'x', 'n', 'art', 'hdr', 'mn', 'ft', 'sb'])}-{rng.randint(1, 9999)}"
        body = ";".join(f"{rng.choice(props)}:{rng.randint(0, 64)}px" for _ in range(rng.randint(2, 7)))
        rule = f"{sel}{rng.choice(['', ':hover', ' a', ' > li', '::before'])}{{{body}}}"
        rules.append(rule)
        size += len(rule)
    return "".join(rules)


def _outlet_script(rng: random.Random, name: str) -> str:
    """Tag manager, consent and ad-slot configuration, as every news page carries."""
    slots = ",".join(f'{{"id":"div-gpt-ad-{rng.randint(10**9, 10**10)}-{i}","sizes":[[300,250],[728,90]],'
                     f'"path":"/2134/{name}/{rng.choice(["top", "mid", "rail", "bottom"])}"}}' for i in range(12))
    return ("(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});"
            "var f=d.getElementsByTagName(s)[0],j=d.createElement(s);j.async=true;j.src='/gtm.js?id='+i;"
            f"f.parentNode.insertBefore(j,f);}})(window,document,'script','dataLayer','GTM-{rng.randint(1000, 9999)}');\n"
            f"window.__ADS__={{\"slots\":[{slots}],\"lazy\":true,\"refresh\":30}};\n"
            "window.__CONSENT__={\"vendors\":[" + ",".join(str(rng.randint(1, 999)) for _ in range(120)) + "]};")


class OutletKit:
    """What every page of one outlet shares (stylesheet, scripts, menu), built once,
    and a pool of JSON teaser chunks the per-page state blob is cut from."""

    def __init__(self, outlet: Outlet, seed: int, lite: bool):
        rng = random.Random(f"{seed}-{outlet.name}-kit")
        self.outlet, self.lite = outlet, lite
        self.bank = BANKS[outlet.language]
        self.css = _outlet_css(rng, 3 if lite else rng.randint(12, 30))
        self.script = _outlet_script(rng, outlet.name)
        self.menu = self._menu(rng)
        self.footer = self._footer(rng)
        self.icons = [_icon(rng) for _ in range(12)]
        self.teasers = [self._teaser(rng, i) for i in range(400)]
        self.headlines = [(json.loads(t)["title"], json.loads(t)["url"]) for t in self.teasers]

    def _menu(self, rng: random.Random) -> str:
        items = []
        sections = self.bank["ui"]["sections"][:4 if self.lite else 10]
        for section in sections:
            slug = "".join(c if c.isalnum() else "-" for c in section.lower())
            subs = "".join(f'<li class="menu-item"><a href="/{slug}/{"".join(c for c in club.lower() if c.isalnum())}/">'
                           f'<span class="menu-label">{escape(club)}</span></a></li>' for club in rng.sample(self.bank["clubs"], 3 if self.lite else 10))
            items.append(f'<li class="menu-item has-children"><a href="/{slug}/">{escape(section)}</a>'
                         f'<ul class="sub-menu">{subs}</ul></li>')
        return f'<nav class="main-navigation" aria-label="Menu"><ul class="menu">{"".join(items)}</ul></nav>'

    def _footer(self, rng: random.Random) -> str:
        cols = []
        for section in self.bank["ui"]["sections"][:2 if self.lite else 4]:
            links = "".join(f'<li><a href="/{rng.randint(1, 99)}/">{escape(club)}</a></li>'
                            for club in rng.sample(self.bank["clubs"], 4 if self.lite else 10))
            cols.append(f'<div class="footer-col"><h4>{escape(section)}</h4><ul>{links}</ul></div>')
        ui = self.bank["ui"]
        return (f'<footer class="site-footer"><div class="footer-cols">{"".join(cols)}</div>'
                f'<div class="footer-legal"><p>© 2025 {escape(self.outlet.title)}. {escape(ui["footer"])}</p>'
                f'<p><a href="/privacy/">Privacy</a> · <a href="/cookie-policy/">Cookie policy</a> · '
                f'<a href="/contacts/">Contacts</a> · <a href="/advertising/">Advertising</a></p></div></footer>')

    def _teaser(self, rng: random.Random, i: int) -> str:
        title, _paragraphs, _slots = article_text(rng, self.outlet.language, rng.choice(["transfer", "other"]))
        return json.dumps({"id": 10**6 + i, "title": title, "url": f"/2025/{rng.randint(1, 12):02d}/x-{i}/",
                           "image": {"src": f"/img/{rng.randint(1, 10**6)}.jpg", "w": 1200, "h": 675},
                           "section": rng.choice(self.bank["ui"]["sections"]), "premium": rng.random() < 0.1,
                           "ts": rng.randint(1_700_000_000, 1_760_000_000)}, ensure_ascii=False)

    def archive(self, rng: random.Random, size: int) -> str:
        """About ``size`` bytes of archive links (month columns of headlines), the
        link-heavy furniture big pages carry below the article."""
        cols, total, month = [], 0, 1
        while total < size:
            links = "".join(f'<li><a href="{url}">{escape(title)}</a></li>'
                            for title, url in rng.sample(self.headlines, 12))
            col = f'<div class="archive-col"><span class="archive-title">{month:02d}/2024</span><ul>{links}</ul></div>'
            cols.append(col)
            total += len(col.encode("utf-8"))
            month = month % 12 + 1
        return f'<section class="archive">{"".join(cols)}</section>'

    def state_blob(self, rng: random.Random, size: int) -> str:
        """A page-state script of about ``size`` bytes (pages of modern news sites
        carry their whole teaser rail and ad setup as JSON)."""
        parts, total = [], 0
        while total < size:
            chunk = rng.choice(self.teasers)
            parts.append(chunk)
            total += len(chunk.encode("utf-8")) + 1
        return '{"props":{"pageProps":{"rail":[' + ",".join(parts) + ']}},"page":"/[...slug]","buildId":"b1"}'


def _card(a: Article, cls: str, heading: str | None, icon: str) -> str:
    """A teaser card with the nesting real templates have (picture sources, kicker,
    meta line); ``heading``: h3 for related boxes, None for a plain title div."""
    title = (f'<{heading} class="{cls}__title"><a href="{a.path}">{escape(a.title)}</a></{heading}>' if heading
             else f'<div class="{cls}__title"><a href="{a.path}">{escape(a.title)}</a></div>')
    return (f'<div class="{cls}"><div class="{cls}__media"><a href="{a.path}" tabindex="-1"><picture>'
            f'<source type="image/avif" srcset="/img/{a.index}-320.avif 320w, /img/{a.index}-640.avif 640w">'
            f'<source type="image/webp" srcset="/img/{a.index}-320.webp 320w, /img/{a.index}-640.webp 640w">'
            f'<img src="/img/{a.index}-320.jpg" alt="" width="320" height="180" loading="lazy"></picture></a></div>'
            f'<div class="{cls}__body"><span class="{cls}__kicker">{escape(a.category)}</span>{title}'
            f'<div class="{cls}__meta"><time datetime="{a.published.isoformat()}">{a.published:%d.%m.%Y}</time>'
            f'<span class="{cls}__comments">{icon}<span>{len(a.comments)}</span></span></div></div></div>')


def _comments(art: Article, icons: list[str]) -> str:
    """Reader comments, every third one answered by the next (a nested reply list)."""
    def one(n: int, user: str, text: str, replies: str = "") -> str:
        when = f"{art.published + timedelta(minutes=7 * n + 3):%d.%m.%Y %H:%M}"
        return (f'<li class="comment depth-{1 + bool(replies)}" id="comment-{art.index}-{n}"><article class="comment-body">'
                f'<footer class="comment-meta"><div class="comment-author vcard"><img class="avatar" src="/avatars/'
                f'{user}.png" alt="" width="32" height="32"><b class="fn">{escape(user)}</b></div><div class='
                f'"comment-metadata"><a href="#comment-{art.index}-{n}"><time>{when}'
                f'</time></a></div></footer><div class="comment-content"><p>{escape(text)}</p></div>'
                f'<div class="reply"><a class="comment-reply-link" href="#respond">{icons[9]}Reply</a> <button class='
                f'"like">{icons[10]}<span>{n * 3 % 17}</span></button></div></article>{replies}</li>')

    items, pending = [], list(enumerate(art.comments))
    while pending:
        n, (user, text) = pending.pop(0)
        replies = ""
        if n % 3 == 0 and pending:
            m, (ruser, rtext) = pending.pop(0)
            replies = f'<ol class="children">{one(m, ruser, rtext)}</ol>'
        items.append(one(n, user, text, replies))
    return "".join(items)


def render_article(kit: OutletKit, art: Article, neighbours: list[Article], rng: random.Random,
                   target_bytes: int | None) -> str:
    """One article page. ``neighbours``: other articles of the outlet for the ticker,
    sidebar, related box and "read also"; ``target_bytes``: pad to this size (None: no
    padding)."""
    o, bank, ui, lay = kit.outlet, kit.bank, kit.bank["ui"], LAYOUTS[kit.outlet.layout]
    iso = art.published.isoformat(timespec="seconds")
    modified = (art.published + timedelta(minutes=rng.randint(5, 300))).isoformat(timespec="seconds")
    lead = art.paragraphs[0][:180]
    section = ui["sections"][0] if art.kind == "transfer" else ui["sections"][1]
    jsonld = json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": art.title, "description": lead,
        "datePublished": iso, "dateModified": modified, "inLanguage": o.language, "articleSection": section,
        "author": {"@type": "Person", "name": art.author, "url": f"/author/{art.author.lower().replace(' ', '-')}/"},
        "publisher": {"@type": "Organization", "name": o.title, "logo": {"@type": "ImageObject", "url": "/logo.png"}},
        "image": [f"/img/{art.index}-16x9.jpg", f"/img/{art.index}-4x3.jpg"], "mainEntityOfPage": art.path,
    }, ensure_ascii=False)
    crumbs = json.dumps({"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": o.title, "item": "/"},
        {"@type": "ListItem", "position": 2, "name": section, "item": f"/{art.category}/"}]}, ensure_ascii=False)
    head = (f'<!DOCTYPE html>\n<html lang="{o.language}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(art.title)} | {escape(o.title)}</title>"
            f'<meta name="description" content="{escape(lead)}"><link rel="canonical" href="{art.path}">'
            f'<meta property="og:type" content="article"><meta property="og:title" content="{escape(art.title)}">'
            f'<meta property="og:description" content="{escape(lead)}"><meta property="og:url" content="{art.path}">'
            f'<meta property="og:image" content="/img/{art.index}-16x9.jpg"><meta property="og:site_name" '
            f'content="{escape(o.title)}"><meta property="article:published_time" content="{iso}">'
            f'<meta property="article:modified_time" content="{modified}"><meta property="article:section" '
            f'content="{escape(section)}"><meta name="twitter:card" content="summary_large_image">'
            f'<meta name="twitter:title" content="{escape(art.title)}">'
            f'<script type="application/ld+json">{jsonld}</script><script type="application/ld+json">{crumbs}</script>'
            f'<link rel="preload" href="/fonts/sans.woff2" as="font" crossorigin><link rel="alternate" '
            f'type="application/rss+xml" href="/feed.xml"><style>{kit.css}</style><script>{kit.script}</script></head>')
    others = [a for a in neighbours if a is not art]
    ticker = "".join(f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in others[:10 if not kit.lite else 3])
    icons = kit.icons
    share = "".join(f'<a class="share share-{n}" href="/share/{n}?u={art.path}" rel="nofollow">{icons[i]}'
                    f'<span class="sr-only">{n}</span></a>' for i, n in enumerate(["facebook", "x", "whatsapp",
                                                                                  "telegram", "email"]))
    body_parts = []
    for i, paragraph in enumerate(art.paragraphs):
        body_parts.append(f"<p>{escape(paragraph)}</p>")
        if i == 1:
            body_parts.append(f'<div class="ad-slot ad-inarticle" id="ad-mid-{art.index}"><script>googletag.cmd.push('
                              f'function(){{googletag.display("ad-mid-{art.index}");}});</script></div>')
        if i == 2 and others:
            read = rng.choice(others)
            body_parts.append(f'<p class="read-also"><strong>{escape(ui["read_also"])}:</strong> '
                              f'<a href="{read.path}">{escape(read.title)}</a></p>')
        if i == 4 and len(art.paragraphs) > 8:
            body_parts.append(f"<h2>{escape(rng.choice(kit.headlines)[0].split(':')[0])}</h2>")
    tags = "".join(f'<li><a href="/tag/{"".join(c for c in t.lower() if c.isalnum())}/" rel="tag">{escape(t)}</a></li>'
                   for t in rng.sample(bank["clubs"], 4))
    article = (f'<article class="{lay["art"]}" id="post-{art.index}"><header class="entry-header">'
               f'<span class="kicker">{escape(section)}</span><h1 class="{lay["h1"]}">{escape(art.title)}</h1>'
               f'<p class="standfirst">{escape(lead)}</p><div class="entry-meta"><span class="byline">{escape(ui["by"])} '
               f'<a class="author" href="/author/{art.index % 37}/">{escape(art.author)}</a></span> '
               f'<time class="published" datetime="{iso}">{art.published:%d.%m.%Y %H:%M}</time>'
               f'<span class="reading-time">{len(art.paragraphs)} min</span></div>'
               f'<div class="share-bar">{share}</div></header>'
               f'<figure class="featured-image"><img src="/img/{art.index}-16x9.jpg" srcset="/img/{art.index}-480.jpg 480w,'
               f' /img/{art.index}-960.jpg 960w" width="1200" height="675" alt="{escape(art.title)}" loading="eager">'
               f'<figcaption>{escape(art.title[:60])} (Foto {escape(art.author.split()[-1])}/Agency)</figcaption></figure>'
               f'<div class="{lay["content"]}">{"".join(body_parts)}</div>'
               f'<footer class="entry-footer"><ul class="tags">{tags}</ul><div class="author-box">'
               f'<img src="/img/author-{art.index % 37}.jpg" alt="" width="64" height="64"><p><b>{escape(art.author)}</b>'
               f"</p></div></footer></article>")
    related = "".join(_card(a, lay["card"], "h3", icons[7]) for a in others[:5])
    more = "".join(_card(a, "teaser", None, icons[8]) for a in others[5:29 if not kit.lite else 8])
    comments = _comments(art, icons)
    most_read = "".join(f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in others[5:15])
    latest = "".join(f'<li class="rail-item"><div class="rail-item__thumb"><img src="/img/{a.index}-96.jpg" alt="" '
                     f'width="96" height="54" loading="lazy"></div><div class="rail-item__text"><time>{a.published:%H:%M}'
                     f'</time> <a href="{a.path}">{escape(a.title)}</a></div></li>' for a in others[15:30])
    sidebar = (f'<aside class="{lay["side"]}"><section class="widget most-read"><h3 class="widget-title">'
               f'{escape(ui["most_read"])}</h3><ol>{most_read}</ol></section><section class="widget latest"><h3 '
               f'class="widget-title">{escape(ui["latest"])}</h3><ul>{latest}</ul></section><section class="widget '
               f'newsletter"><h3 class="widget-title">{escape(ui["newsletter"])}</h3><form action="/newsletter/" '
               f'method="post"><input type="email" name="email" required><button>OK</button></form></section>'
               f'<div class="ad-slot ad-rail" id="ad-rail-{art.index}"></div></aside>')
    body = (f'<body class="{lay["body"]}-{art.index}"><div id="cookie-banner" class="cookie-consent" role="dialog">'
            f'<p>{escape(ui["cookie"])} <a href="/cookie-policy/">Cookie policy</a></p><button class="accept">'
            f'{escape(ui["accept"])}</button><button class="reject">{escape(ui["reject"])}</button></div>'
            f'<header class="site-header"><a class="logo" href="/">{icons[5]}<span>{escape(o.title)}</span></a>'
            f'{kit.menu}<form class="search" action="/search"><input type="search" name="q">{icons[6]}</form></header>'
            f'<div class="breaking-ticker"><span>LIVE</span><ul>{ticker}</ul></div>'
            f'<div class="{lay["wrap"]}"><main class="{lay["main"]}"><nav class="breadcrumb"><a href="/">{escape(o.title)}'
            f'</a> › <a href="/{art.category}/">{escape(section)}</a></nav>{article}'
            f'<section class="related-posts"><h2>{escape(ui["related"])}</h2><div class="grid">{related}</div></section>'
            f'<section id="comments" class="comments-area"><h2 class="comments-title">{escape(ui["comments"])} '
            f'({len(art.comments)})</h2><ol class="comment-list">{comments}</ol><div id="respond"><form '
            f'action="/comment/" method="post"><textarea name="comment"></textarea><button>OK</button></form></div>'
            f'</section><section class="more-news"><div class="section-title">{escape(ui["latest"])}</div>'
            f'<div class="grid grid--4">{more}</div></section></main>{sidebar}</div>{kit.footer}')
    page = head + body
    if target_bytes is not None:
        room = target_bytes - len(page.encode("utf-8")) - 200
        if room > 0:
            # the bigger the page, the more of everything: part links, part script
            archive = kit.archive(rng, int(room * DOM_SHARE))
            room -= len(archive.encode("utf-8"))
            page += archive + f'<script id="__NEXT_DATA__" type="application/json">{kit.state_blob(rng, room)}</script>'
    return page + "</body></html>\n"


# -- discovery files ------------------------------------------------------------------------------

def _rss(outlet: Outlet, title: str, arts: list[Article]) -> str:
    items = "".join(
        f"<item><title>{escape(a.title)}</title><link>{{{{BASE}}}}{a.path}</link><guid>{{{{BASE}}}}{a.path}</guid>"
        f"<pubDate>{a.published.strftime('%a, %d %b %Y %H:%M:%S %z')}</pubDate>"
        f"<description>{escape(a.paragraphs[0][:200])}</description><category>{escape(a.category)}</category></item>"
        for a in arts)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>{{{{BASE}}}}/</link><language>{outlet.language}</language>{items}</channel></rss>\n")


def _sitemap(arts: list[Article]) -> str:
    rows = "".join(f"<url><loc>{{{{BASE}}}}{a.path}</loc><lastmod>{a.published.isoformat(timespec='seconds')}</lastmod>"
                   f"<changefreq>never</changefreq></url>\n" for a in arts)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{rows}</urlset>\n")


def _news_sitemap(outlet: Outlet, arts: list[Article]) -> str:
    rows = "".join(
        f"<url><loc>{{{{BASE}}}}{a.path}</loc><news:news><news:publication><news:name>{escape(outlet.title)}"
        f"</news:name><news:language>{outlet.language}</news:language></news:publication><news:publication_date>"
        f"{a.published.isoformat(timespec='seconds')}</news:publication_date><news:title>{escape(a.title)}"
        f"</news:title></news:news></url>\n" for a in arts)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + rows + "</urlset>\n")


def _listing(kit: OutletKit, title: str, arts: list[Article]) -> str:
    items = "".join(f'<article class="teaser"><h2><a href="{a.path}">{escape(a.title)}</a></h2><time datetime="'
                    f'{a.published.isoformat()}">{a.published:%d.%m.%Y}</time><p>{escape(a.paragraphs[0][:160])}</p>'
                    f"</article>" for a in arts)
    return (f'<!DOCTYPE html><html lang="{kit.outlet.language}"><head><meta charset="utf-8"><title>{escape(title)} | '
            f"{escape(kit.outlet.title)}</title><style>{kit.css[:4000]}</style></head><body>"
            f'<header class="site-header">{kit.menu}</header><main><h1>{escape(title)}</h1>{items}'
            f'<nav class="pagination"><a href="?page=2">2</a> <a href="?page=3">3</a></nav></main>{kit.footer}'
            f"</body></html>\n")


def write_outlet(folder: Path, kit: OutletKit, arts: list[Article], seed: int, lite: bool) -> list[int]:
    """Write one outlet's pages and discovery files; returns the article page sizes."""
    outlet = kit.outlet
    rng = random.Random(f"{seed}-{outlet.name}-pages")
    sizes = []
    for i, art in enumerate(arts):
        window = arts[max(0, i - 30):i] + arts[i + 1:i + 6]
        target = None if lite else int(1024 * math.exp(rng.uniform(math.log(MIN_KB), math.log(MAX_KB))))
        html = render_article(kit, art, window[::-1], rng, target)
        page = folder / art.path.lstrip("/")
        page.parent.mkdir(parents=True, exist_ok=True)
        data = html.encode("utf-8")
        page.write_bytes(data)
        sizes.append(len(data))
    newest = arts[::-1]
    ui = kit.bank["ui"]
    transfers = [a for a in newest if a.kind == "transfer"]
    others = [a for a in newest if a.kind == "other"]
    (folder / "feed.xml").write_text(_rss(outlet, outlet.title, newest[:50]), "utf-8")
    (folder / ui["category_transfer"]).mkdir(exist_ok=True)
    (folder / ui["category_transfer"] / "feed.xml").write_text(_rss(outlet, ui["sections"][0], transfers[:30]), "utf-8")
    children = []
    for k in range(0, len(arts), SITEMAP_URLS_PER_FILE):
        name = f"sitemap-posts-{k // SITEMAP_URLS_PER_FILE + 1}.xml"
        (folder / name).write_text(_sitemap(arts[k:k + SITEMAP_URLS_PER_FILE]), "utf-8")
        children.append(name)
    (folder / "news-sitemap.xml").write_text(_news_sitemap(outlet, newest[:100]), "utf-8")
    children.append("news-sitemap.xml")
    (folder / "sitemap_index.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<sitemap><loc>{{{{BASE}}}}/{c}</loc></sitemap>" for c in children) + "</sitemapindex>\n", "utf-8")
    (folder / "robots.txt").write_text("User-agent: *\nDisallow: /search\nDisallow: /wp-admin/\n"
                                       "Sitemap: {{BASE}}/sitemap_index.xml\n", "utf-8")
    (folder / ui["category_transfer"] / "index.html").write_text(_listing(kit, ui["sections"][0], transfers[:40]), "utf-8")
    (folder / ui["category_other"]).mkdir(exist_ok=True)
    (folder / ui["category_other"] / "index.html").write_text(_listing(kit, ui["sections"][1], others[:40]), "utf-8")
    (folder / "index.html").write_text(_listing(kit, outlet.title, newest[:30]), "utf-8")
    return sizes


# -- the corpus -------------------------------------------------------------------------------------

@dataclass
class Corpus:
    root: Path
    #: (outlet name, path) of every article page
    articles: list[tuple[str, str]]
    sizes: list[int]

    @property
    def outlets(self) -> list[Outlet]:
        names = {name for name, _ in self.articles}
        return [o for o in OUTLETS if o.name in names]

    def files(self) -> list[Path]:
        return [self.root / name / path.lstrip("/") for name, path in self.articles]

    def sources_yaml(self, bases: dict[str, str]) -> str:
        """The registry for our crawler: both feeds, the sitemap index and both listings;
        only dated article URLs are followed from listings."""
        lines = ["sources:"]
        for o in self.outlets:
            base, ui = bases[o.name], BANKS[o.language]["ui"]
            lines += [f"  - name: {o.name}", f"    language: {o.language}",
                      f"    feeds: [{base}/feed.xml, {base}/{ui['category_transfer']}/feed.xml]",
                      f"    sitemaps: [{base}/sitemap_index.xml]",
                      f"    pages: [{base}/{ui['category_transfer']}/, {base}/{ui['category_other']}/]",
                      "    follow: ['/20\\d\\d/\\d\\d/\\d\\d/']"]
        return "\n".join(lines) + "\n"


def plan(pages: int, seed: int, lite: bool, start: datetime | None = None) -> dict[str, list[Article]]:
    """The articles of every outlet (texts drawn, nothing written), round-robin over the
    outlets, oldest first; two per hour from ``start``."""
    rng = random.Random(f"{seed}-articles")
    start = start or datetime(2025, 1, 6, 7, 0, tzinfo=timezone(timedelta(hours=1)))
    per_outlet: dict[str, list[Article]] = {o.name: [] for o in OUTLETS}
    for i in range(pages):
        outlet = OUTLETS[i % len(OUTLETS)]
        published = start + timedelta(minutes=31 * i + rng.randint(0, 20))
        per_outlet[outlet.name].append(make_article(rng, outlet, i, published, lite))
    return {name: arts for name, arts in per_outlet.items() if arts}


def corpus_dir(pages: int, seed: int, lite: bool) -> Path:
    return CACHE / "corpus" / f"v{CORPUS_VERSION}-{'lite' if lite else 'full'}-{pages}-s{seed}"


def ensure_corpus(pages: int, seed: int = 9, lite: bool = False, echo=print) -> Corpus:
    """The corpus of ``pages`` articles: read from the cache, or generated and written."""
    root = corpus_dir(pages, seed, lite)
    manifest = root / "_manifest.json"
    if manifest.exists():
        data = json.loads(manifest.read_text("utf-8"))
        return Corpus(root, [tuple(a) for a in data["articles"]], data["sizes"])
    echo(f"generating a corpus of {pages} {'small ' if lite else ''}article pages in {root} …")
    articles, sizes = [], []
    for name, arts in plan(pages, seed, lite).items():
        kit = OutletKit(next(o for o in OUTLETS if o.name == name), seed, lite)
        sizes += write_outlet(root / name, kit, arts, seed, lite)
        articles += [(name, a.path) for a in arts]
    manifest.write_text(json.dumps({"articles": articles, "sizes": sizes}), "utf-8")
    return Corpus(root, articles, sizes)


def pages_in_memory(pages: int, seed: int, lite: bool = False):
    """``(outlet, article, html)`` for ``pages`` articles without writing files (the
    reextract database is filled from these)."""
    rng = random.Random(f"{seed}-inmemory")
    for name, arts in plan(pages, seed, lite).items():
        kit = OutletKit(next(o for o in OUTLETS if o.name == name), seed, lite)
        for i, art in enumerate(arts):
            window = arts[max(0, i - 30):i] + arts[i + 1:i + 6]
            target = None if lite else int(1024 * math.exp(rng.uniform(math.log(MIN_KB), math.log(MAX_KB))))
            yield kit.outlet, art, render_article(kit, art, window[::-1], rng, target)


# -- serving ----------------------------------------------------------------------------------------

class CountingLog:
    """Stands in for :attr:`SiteServer.log`: counts requests instead of keeping them, so
    a 100 000-page crawl does not grow the server's memory."""

    def __init__(self):
        self.counts: dict[str, int] = {}

    def append(self, request) -> None:
        key = f"{request.method} {request.status}"
        self.counts[key] = self.counts.get(key, 0) + 1


def serve(root: Path) -> None:
    """Serve every outlet folder under ``root`` until stdin closes; print the base URLs
    first (one JSON line) and the request counts last."""
    from crawler.demo.server import SiteServer

    server = SiteServer(root)
    server.log = CountingLog()
    with server:
        print(json.dumps(server.bases), flush=True)
        sys.stdin.read()
    try:
        print(json.dumps(server.log.counts), flush=True)
    except BrokenPipeError:  # the benchmark that started us is gone: nobody to tell
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("--pages", type=int, default=2000)
    gen.add_argument("--seed", type=int, default=9)
    gen.add_argument("--lite", action="store_true")
    srv = sub.add_parser("serve")
    srv.add_argument("root", type=Path)
    args = parser.parse_args()
    if args.command == "serve":
        serve(args.root)
        return
    corpus = ensure_corpus(args.pages, args.seed, args.lite)
    sizes = sorted(corpus.sizes)
    print(f"{corpus.root}: {len(sizes)} article pages in {len(corpus.outlets)} outlets; KB min {sizes[0] // 1024}, "
          f"median {sizes[len(sizes) // 2] // 1024}, max {sizes[-1] // 1024}, total {sum(sizes) // 2**20} MB")


if __name__ == "__main__":
    main()
