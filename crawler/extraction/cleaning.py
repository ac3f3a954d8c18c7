"""Text clean-up after trafilatura: what a generic extractor lets through on news sites.

Each rule is a small function over the list of paragraphs; :func:`clean_paragraphs` runs
them in order. Rules must be deterministic and per-document (no state across pages).
"""
from __future__ import annotations

import re

_SPACE_RE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Comparison form of a paragraph: case, spacing and trailing punctuation folded."""
    return _SPACE_RE.sub(" ", text).strip().casefold().rstrip(" .…:;")


def drop_title_line(paragraphs: list[str], title: str | None, window: int = 3) -> list[str]:
    """The headline repeated at the top of the body (as ``<h1>`` and again as a
    paragraph, often both) is not body text."""
    if not title:
        return paragraphs
    key = normalise(title)
    head = [p for p in paragraphs[:window] if normalise(p) != key]
    return head + paragraphs[window:]


def drop_repeated(paragraphs: list[str], min_chars: int = 20) -> list[str]:
    """Keep the first copy of a paragraph repeated within the page (long ones only:
    short lines such as "Ufficiale" may legitimately repeat)."""
    seen: set[str] = set()
    kept = []
    for paragraph in paragraphs:
        key = normalise(paragraph)
        if len(key) >= min_chars:
            if key in seen:
                continue
            seen.add(key)
        kept.append(paragraph)
    return kept


def clean_paragraphs(paragraphs: list[str], title: str | None = None) -> list[str]:
    paragraphs = [p.strip() for p in paragraphs if p.strip()]
    paragraphs = drop_title_line(paragraphs, title)
    paragraphs = drop_repeated(paragraphs)
    return paragraphs


def clean_text(text: str, title: str | None = None) -> str:
    return "\n".join(clean_paragraphs(text.splitlines(), title))
