"""Text clean-up after trafilatura: what a generic extractor lets through on news sites.

trafilatura keeps what sits inside the article body container, and news templates put
plenty of non-article text there: "read also" boxes, teaser headlines of other stories,
photo credits, share and newsletter prompts, ad labels, WordPress shortcode residue,
breadcrumbs and date lines, the headline repeated, whole blocks repeated.

:func:`clean` runs small, ordered rules over the paragraphs of one document. Every rule
is deterministic and looks at this document only (no cross-page state, so results never
depend on crawl order). Rules that could hit real prose are guarded by length and
position, and by the page's link texts: a "teaser" is a line that is also the text of a
link on the page, or one of a run of lines cut off with "…".
The vocabularies live in :mod:`crawler.extraction.boilerplate`.
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from crawler.extraction import boilerplate as bp
from crawler.extraction.authors import DESKS, PREFIX
from crawler.extraction.textdates import is_date_line

_SPACE_RE = re.compile(r"\s+")


# bounded small: a worker keeps it for the whole crawl (docs/performance.md)
@lru_cache(maxsize=2048)
def normalise(text: str) -> str:
    """Comparison form of a paragraph: case, spacing and trailing punctuation folded."""
    return " ".join(text.split()).casefold().rstrip(" .…:;")


@dataclass
class Cleaned:
    paragraphs: list[str]
    #: date lines taken out of the text: the metadata stage reads dates from them
    date_lines: list[str] = field(default_factory=list)
    #: what each rule removed (rule name -> lines), for tests and the benchmark
    removed: dict[str, list[str]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


class _Run:
    """Bookkeeping shared by the rules of one document."""

    def __init__(self, paragraphs: list[str], anchors: frozenset[str], crumbs: frozenset[str] = frozenset()):
        self.paragraphs = paragraphs
        self.anchors = anchors
        self.crumbs = crumbs
        self.removed: dict[str, list[str]] = {}
        self.date_lines: list[str] = []

    def drop(self, rule: str, line: str) -> None:
        self.removed.setdefault(rule, []).append(line)

    def starts_with_link_text(self, line: str) -> bool:
        folded = _SPACE_RE.sub(" ", line).strip().casefold()
        return any(len(a) >= 25 and folded.startswith(a) for a in self.anchors if a[:8] == folded[:8])

    def is_link_text(self, line: str) -> bool:
        return normalise(line) in self.anchors or _SPACE_RE.sub(" ", line).strip().casefold() in self.anchors


# -- rules over single lines ------------------------------------------------------------------


def strip_shortcodes(line: str) -> str:
    """``[textmarker color=…]CITY[/textmarker]`` → ``CITY``; ``[vc_row]`` → nothing."""
    return _SPACE_RE.sub(" ", bp.SHORTCODE.sub(" ", line)).strip() if "[" in line else line


def strip_breadcrumb(line: str, crumbs: frozenset[str]) -> tuple[str, bool]:
    """Remove a breadcrumb trail from the start of ``line``: ``(rest, found)``.

    Trails come glued ("HomeSesto San GiovanniMassimo Carrera…") or separated
    ("Inicio › Fútbol › Segunda División El Atlético Guadalmina y…"), alone on a line or
    in front of the lead paragraph. Crumbs that are link texts on the page are cut
    exactly; a last crumb that is not a link ends before a capitalised word, preferably
    one that opens a sentence ("Stade Brévinois | Le Stade Brévinois a trouvé…").
    """
    match = bp.BREADCRUMB.match(line)
    if not match:
        return line, False
    rest = line[match.end():]
    after_separator = False
    while True:
        trimmed = rest.lstrip(" " + bp.BREADCRUMB_SEPARATORS + "-–—")
        after_separator = any(sep in rest[: len(rest) - len(trimmed)] for sep in bp.BREADCRUMB_SEPARATORS)
        rest = trimmed
        folded = rest.casefold()
        crumb = max((c for c in crumbs if folded.startswith(c)), key=len, default=None)
        if not crumb:
            break
        rest = rest[len(crumb):]
    head = rest[:80]
    cut = max(head.rfind(sep) for sep in bp.BREADCRUMB_SEPARATORS)
    if cut >= 0:
        rest, after_separator = rest[cut + 1:].lstrip(), True
    if after_separator:
        # the last crumb (not a link) is glued to the sentence: split before a capital
        words = rest.split(" ")
        candidates = [k for k in range(1, min(6, len(words))) if words[k][:1].isupper()]
        openers = [k for k in candidates if words[k].casefold().strip("'’") in bp.SENTENCE_OPENERS]
        if openers or candidates:
            rest = " ".join(words[(openers or candidates)[0]:])
    return rest.strip(), True


def _line_rule(line: str, position: int, run: _Run) -> str | None:
    """The name of the rule that removes ``line``, or ``None`` to keep it."""
    stripped = line.strip()
    if len(stripped) > 600:
        return None  # longer than any boilerplate pattern applies to: prose
    if bp.PITCH.match(stripped):
        return "prompt"
    lowered = stripped.casefold()
    if bp.has_any(lowered, bp.CONSENT_WORDS) and (bp.has_any(lowered, bp.CONSENT_CONTEXT) or bp.CONSENT.search(stripped)):
        return "consent"  # cookie banners run long: checked before the length guard
    if len(stripped) > 300:
        return None
    folded = lowered.rstrip(" :.!")
    if not any(ch.isalnum() for ch in stripped):
        return "label"  # separators and bullets left alone on a line
    if (folded in bp.LABELS or bp.SOCIAL_ONLY.fullmatch(stripped) or bp.URL_ONLY.fullmatch(stripped)
            or bp.CONSENT_BUTTONS.fullmatch(stripped)):
        return "label"
    if len(stripped) <= 250 and bp.READ_ALSO.match(stripped):
        return "read_also"
    if len(stripped) <= 250 and bp.FURNITURE.fullmatch(stripped):
        return "furniture"
    if len(stripped) <= 250 and bp.has_any(lowered, bp.PROMPT_WORDS) and bp.PROMPT.search(stripped):
        return "prompt"
    if len(stripped) <= 200 and bp.has_any(lowered, bp.CREDIT_WORDS) and bp.CREDIT.search(stripped):
        return "credit"
    if bp.has_any(lowered, bp.PROMO_WORDS) and bp.is_promo(stripped):
        return "promo"
    if is_date_line(stripped):
        run.date_lines.append(stripped)
        return "date_line"
    return None


# -- rules over runs of lines ---------------------------------------------------------------------


def _is_teaser(line: str, run: _Run) -> bool:
    """A headline of another story: cut off with "…", or a link's text (alone, or
    leading a one-line blurb in a bulleted list), and short."""
    stripped = line.strip()
    if len(stripped) > 220:
        return False
    if stripped.endswith(("…", "...")) or run.is_link_text(stripped):
        return True
    if stripped[:2] in ("- ", "• ", "· "):
        return run.starts_with_link_text(stripped[2:])
    return False


def _is_headline_like(line: str) -> bool:
    stripped = line.strip()
    return 8 <= len(stripped) <= 160 and not stripped.endswith((".", "!", "?", ":", ";", "»", "”", '"'))


def drop_related_boxes(paragraphs: list[str], run: _Run) -> list[str]:
    """A "read also" / "related articles" heading takes the headlines under it along."""
    kept: list[str] = []
    in_box = False
    for line in paragraphs:
        if bp.RELATED_HEADING.fullmatch(line.strip().rstrip(" :")):
            in_box = True
            run.drop("related_box", line)
            continue
        if in_box and (_is_headline_like(line) or _is_teaser(line, run)):
            run.drop("related_box", line)
            continue
        in_box = False
        kept.append(line)
    return kept


def drop_teaser_runs(paragraphs: list[str], run: _Run) -> list[str]:
    """Runs of two or more teaser lines anywhere, and teaser lines trailing the text."""
    flags = [_is_teaser(p, run) for p in paragraphs]
    drop = [False] * len(paragraphs)
    i = 0
    while i < len(paragraphs):
        if flags[i]:
            j = i
            while j < len(paragraphs) and flags[j]:
                j += 1
            trailing_cut = j == len(paragraphs) and paragraphs[j - 1].rstrip().endswith(("…", "..."))
            # a lone headline that is a link's text: an inline "read also" without its label
            lone_link = j - i == 1 and len(paragraphs[i].strip()) >= 40 and _is_headline_like(paragraphs[i]) \
                and run.is_link_text(paragraphs[i])
            if j - i >= 2 or trailing_cut or lone_link:
                for k in range(i, j):
                    drop[k] = True
            i = j
        else:
            i += 1
    kept = []
    for line, gone in zip(paragraphs, drop):
        if gone:
            run.drop("teasers", line)
        else:
            kept.append(line)
    return kept


def drop_title_line(paragraphs: list[str], title: str | tuple[str, ...] | None, run: _Run | None = None,
                    window: int = 3) -> list[str]:
    """The headline repeated at the top of the body (as ``<h1>`` and again as a
    paragraph, often both) is not body text. ``title`` may name several spellings
    (the chosen title and the page's ``<h1>``)."""
    titles = (title,) if isinstance(title, str) else tuple(t for t in (title or ()) if t)
    if not titles:
        return paragraphs
    keys = {normalise(t) for t in titles}
    head = []
    for p in paragraphs[:window]:
        if normalise(p) in keys:
            if run is not None:
                run.drop("title", p)
        else:
            head.append(p)
    return head + paragraphs[window:]


def drop_repeated(paragraphs: list[str], run: _Run | None = None, min_chars: int = 60,
                  fuzzy_min_chars: int = 80, similarity: float = 92.0, long_chars: int = 250) -> list[str]:
    """Keep the first copy of text the page repeats (seed 003: the whole text twice).

    A page-duplication artefact repeats a *block*: a copy is dropped when its neighbour
    is also the copy of its original's neighbour, or when it is so long that repeating
    it cannot be style. A question asked of every guest in an interview, or the same
    ingredient line in each recipe, repeats alone and stays. Long paragraphs also match
    with small differences (a typo fixed in one copy), by rapidfuzz similarity.
    """
    keys = [normalise(p) for p in paragraphs]
    original: list[int | None] = [None] * len(paragraphs)
    first_seen: dict[str, int] = {}
    long_positions: list[int] = []
    long_keys: list[str] = []
    for j, key in enumerate(keys):
        if len(key) < min_chars:
            continue
        i = first_seen.get(key)
        if i is None and len(key) >= fuzzy_min_chars:
            best = process.extractOne(key, long_keys, scorer=fuzz.ratio,
                                      score_cutoff=similarity) if long_keys else None
            i = long_positions[best[2]] if best else None
        if i is not None:
            original[j] = i
            continue
        first_seen[key] = j
        if len(key) >= fuzzy_min_chars:
            long_positions.append(j)
            long_keys.append(key)

    def in_block(j: int) -> bool:
        i = original[j]
        return (j > 0 and i > 0 and original[j - 1] == i - 1) or (
            j + 1 < len(paragraphs) and original[j + 1] == i + 1)

    kept = []
    for j, paragraph in enumerate(paragraphs):
        if original[j] is not None and (len(keys[j]) >= long_chars or in_block(j)):
            if run is not None:
                run.drop("repeated", paragraph)
            continue
        kept.append(paragraph)
    return kept


def clean(text: str, title: str | tuple[str, ...] | None = None, anchors: frozenset[str] = frozenset(),
          crumbs: frozenset[str] = frozenset(), author: str | None = None) -> Cleaned:
    """Clean one document's text (paragraphs separated by newlines).

    ``anchors`` are the page's headline-length link texts and ``crumbs`` its short
    link texts, casefolded (see :class:`crawler.extraction.pagetype.LayoutSignals`);
    ``author`` is the byline's name, whose byline line is dropped from the text.
    """
    run = _Run([], anchors, crumbs)
    paragraphs = []
    titles = (title,) if isinstance(title, str) else tuple(t for t in (title or ()) if t)
    title_keys = {normalise(t) for t in titles}
    for position, raw in enumerate(text.splitlines()):
        line = strip_shortcodes(raw)
        if line and position < 4:
            rest, found = strip_breadcrumb(line, crumbs)
            if found:
                run.drop("breadcrumb", line[: len(line) - len(rest)] if rest else line)
                line = "" if len(rest) < 25 or normalise(rest) in title_keys else rest
        if line and position < 6 and (_is_byline(line, author) if author else _is_desk_byline(line)):
            run.drop("byline", line)
            continue
        if not line:
            if raw.strip():
                run.drop("shortcode", raw)
            continue
        paragraphs.append(line)
    paragraphs = drop_title_line(paragraphs, title, run)
    paragraphs = drop_related_boxes(paragraphs, run)
    kept = []
    for position, line in enumerate(paragraphs):
        rule = _line_rule(line, position, run)
        if rule:
            run.drop(rule, line)
        else:
            kept.append(line)
    kept = drop_teaser_runs(kept, run)
    kept = drop_title_line(kept, title, run)
    kept = drop_repeated(kept, run)
    return Cleaned(kept, run.date_lines, run.removed)


def _is_byline(line: str, author: str) -> bool:
    """"Por Rafael Nogueira — Salvador", "By Jane Smith, Chief Writer": short, and the
    author's name within its first words."""
    stripped = line.strip()
    return len(stripped) <= 120 and author.casefold() in stripped[: len(author) + 25].casefold()


def _is_desk_byline(line: str) -> bool:
    """"Redazione Sport", "By Staff", "Club statement": a desk credited as author."""
    stripped = PREFIX.sub("", line.strip()).strip()
    return len(stripped) <= 30 and len(stripped.split()) <= 3 and bool(DESKS.match(stripped))
