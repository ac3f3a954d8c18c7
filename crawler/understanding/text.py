"""Text helpers for the analyser: accent folding that keeps offsets, sentences with
offsets, word tokens, Cyrillic transliteration and the person-name key.

Every pattern of the analyser runs on :func:`fold` output, which has exactly the length
of its input, so a match's offsets are offsets in the article text too.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


def _fold_char(ch: str) -> str:
    low = ch.lower()
    if len(low) != 1:
        return ch
    base = unicodedata.normalize("NFD", low)[0]
    return base if base.isalnum() or not low.isalnum() else low


class _FoldTable(dict):
    """``str.translate`` table filled on first sight of each character: folding is a
    C-speed table lookup per character once a character has been seen."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD = _FoldTable({ord("’"): "'", ord("ʼ"): "'"})


def fold(text: str) -> str:
    """Lowercase and strip accents, character by character (same length as ``text``):
    "Fiél" → "fiel", "Станковича" → "станковича", "’" → "'"."""
    return text.translate(_FOLD)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


_ABBREV = re.compile(
    r"(?:\b(?:S\.p\.A|S\.r\.l|Sig|Sr|Sra|Dr|Mr|Mrs|St|Ste|Nr|Dott|Prof|Avv|ca|vs|etc|Jr|n|No|U\.S|A\.C|F\.C|S\.S|"
    r"т\.е|т\.д|г|гг|им|ул)\.|\b[A-ZА-Я]\.|(?<![\d.,])\b\d{1,2}\.)$")


def sentences(text: str) -> list[Span]:
    """Sentences with their offsets: a paragraph break always ends one; ``. ! ? …``
    end one before an uppercase letter, a quote or a digit, except after abbreviations
    ("S.p.A.", "Sig.", initials)."""
    out: list[Span] = []
    for para in re.finditer(r"[^\n]+", text):
        start = para.start()
        chunk = para.group()
        pos = 0
        for m in re.finditer(r"[.!?…]+[»\"”’)]*\s+(?=[\"«“(]?[A-ZÀ-ÖØ-ÞА-ЯЁ0-9¡¿])", chunk):
            head = chunk[pos:m.start() + 1]
            if _ABBREV.search(head.rstrip()):
                continue
            piece = chunk[pos:m.end()].strip()
            if piece:
                s = start + pos + (len(chunk[pos:m.end()]) - len(chunk[pos:m.end()].lstrip()))
                out.append(Span(s, s + len(piece), piece))
            pos = m.end()
        piece = chunk[pos:].strip()
        if piece:
            s = start + pos + (len(chunk[pos:]) - len(chunk[pos:].lstrip()))
            out.append(Span(s, s + len(piece), piece))
    return out


#: a word; apostrophes split ("l’Ascoli", "dell'Inter", "d’Adrien" give the name alone),
#: but not inside the names they belong to: "O'Neill", "N'Golo", "D'Aversa", «О'Нил»
WORD = re.compile(r"(?:\b[ODNОДН]['’](?=[A-ZÀ-ÖØ-ÞА-ЯЁ]))?[^\W_][\w\-]*|\d+")


def words(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    return [Span(m.start(), m.end(), m.group()) for m in WORD.finditer(text, start, len(text) if end is None else end)]


_CYR = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t",
     "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
))


def is_cyrillic(text: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in text)


def transliterate(text: str) -> str:
    """Cyrillic to Latin, close to the common press romanisation («Семак» → "Semak",
    «Станкович» → "Stankovich"); other characters pass through."""
    out = []
    for c in text:
        low = c.lower()
        if low in _CYR:
            t = _CYR[low]
            out.append(t.capitalize() if c != low else t)
        else:
            out.append(c)
    text = "".join(out)
    # е after a vowel or at the start of a word is "ye" in the press, but the key folds it
    return re.sub(r"\bIi\b", "I", text)


_SKELETON_RULES = [
    ("dzh", "j"), ("shch", "sh"), ("tsch", "ch"), ("tch", "ch"), ("sch", "sh"), ("ts", "z"), ("tz", "z"), ("kh", "h"),
    ("ph", "f"), ("th", "t"), ("ck", "k"), ("ch", "c"), ("qu", "k"), ("gu", "g"), ("q", "k"), ("c", "k"),
    ("z", "s"), ("w", "v"), ("y", "i"), ("j", "i"), ("ou", "u"), ("x", "ks"), ("ae", "e"), ("oe", "e"),
]


# bounded small: each extraction worker keeps its caches for the whole crawl, and
# 65 536 entries were about 20 MB of it (docs/performance.md)
@lru_cache(maxsize=8192)
def token_key(token: str) -> str:
    """A spelling- and script-independent key for one name token: transliterated,
    accents folded, sound-alike letters merged, doubled letters and the final vowel
    dropped (which also absorbs Russian case endings: «Станковича» ~ "Stanković")."""
    t = fold(transliterate(token))
    t = re.sub(r"[^a-z]", "", t)
    for a, b in _SKELETON_RULES:
        t = t.replace(a, b)
    t = re.sub(r"(.)\1+", r"\1", t)
    if len(t) > 3:
        t = re.sub(r"(?:om|em|oi|ei|[aeiou])$", "", t)
    return t


def person_key(name: str) -> str:
    """The key of a full name: the keys of its tokens, in order."""
    return " ".join(k for k in (token_key(w) for w in re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*", name)) if k)
