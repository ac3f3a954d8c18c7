"""The club gazetteer: canonical clubs and every name they are written by, and the
finder that spots them in text.

Sources: the openfootball club lists (CC0, vendored in ``data/openfootball/``) give
canonical names, cities, founding years and Latin-script aliases; ``data/clubs_extra.yaml``
adds the English-usage name, Cyrillic names, exonyms ("Spartak Mosca") and nicknames.

Matching works on word tokens. Latin-script tokens must match exactly after accent
folding and start with a capital in the text (so "nice" or "villa" in running text are
not clubs); Cyrillic tokens match by stem, so «Спартак» finds «Спартака» and «Спартаком».
The longest alias wins. An alias shared by several clubs is kept only for the club that
lists it in ``clubs_extra.yaml``; nicknames ("bianconeri") resolve only to a club the
same article names outright, and a nickname listed capitalised ("Hammers") only when
capitalised in the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from crawler.understanding.text import fold, is_cyrillic, words

DATA = Path(__file__).parent / "data"

#: single words that are club aliases somewhere but mean something else too often
AMBIGUOUS_WORDS = {
    "villa", "city", "united", "real", "sporting", "athletic", "union", "olympique", "racing", "palace",
    "forest", "rovers", "wanderers", "town", "county", "albion", "nacional", "national", "sport", "club",
    "royal", "olympic", "dynamo", "dinamo", "lokomotiv", "torpedo", "arsenal", "inter", "fc", "ac", "sc",
    "as", "ss", "us", "cf", "cd", "ud", "sd", "rc", "vfb", "vfl", "tsg", "afc", "sv", "fk", "pfc", "sl",
    "stade", "stadium", "academy", "academica", "deportivo", "atletico", "juventud", "independiente",
    "santos", "america", "universidad", "oriente", "star", "victoria", "olimpia", "espanyol", "granada",
    "nice", "mister", "don", "lazio", "liverpool", "manchester", "madrid", "milano", "torino", "roma",
    "paris", "london", "lisboa", "porto", "sevilla", "valencia", "genova", "bari", "monaco", "braga", "lille",
    "marseille", "lyon", "leipzig", "dortmund", "berlin", "moskva", "moscow", "de", "la", "le", "el",
}
#: a word that, right after a club name, shows the "club" was part of another phrase
_NOT_AFTER_CLUB = {"director", "directors", "directeur", "stadium", "stadion"}
#: case endings, folded as the tokens they are cut from are («й» folds to «и», so «-ой»
#: is cut from «Спартой» as «-ои»). Not «-о»: Russian nouns in «-о» do not decline
#: («Динамо», «Порто»), and cutting it made «Марсело» a form of «Марсель».
_CYR_ENDINGS = sorted(
    {fold(e) for e in ["ами", "ями", "ого", "его", "ому", "ему", "ом", "ем", "ём", "ой", "ей", "ою", "ую", "ая", "ое",
                       "ые", "ых", "им", "ым", "а", "я", "у", "ю", "е", "ы", "и", "ь", "й"]}, key=len, reverse=True)


def cyr_stem(token: str, endings: list[str] = _CYR_ENDINGS) -> str:
    t = fold(token)
    for e in endings:
        if t.endswith(e) and len(t) - len(e) >= 3:
            return t[: -len(e)]
    return t


# bounded small: each extraction worker keeps its caches for the whole crawl, and
# 65 536 entries were about 20 MB of it (docs/performance.md)
@lru_cache(maxsize=8192)
def token_form(token: str) -> str:
    """The form a token is compared by: its stem if Cyrillic, else its folded spelling."""
    return cyr_stem(token) if is_cyrillic(token) else fold(token).replace("'", "")


def alias_norm(alias: str) -> str:
    return " ".join(token_form(w.text) for w in words(alias))


@dataclass
class ClubEntry:
    key: str
    name: str
    country: str
    city: str | None = None
    founded: int | None = None
    aliases: dict[str, tuple[str, str | None, str]] = field(default_factory=dict)  # norm -> (alias, lang, kind)
    nicknames: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class ClubMention:
    key: str
    start: int
    end: int
    text: str
    nickname: bool = False


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


def _parse_openfootball(path: Path, country: str) -> list[ClubEntry]:
    clubs: list[ClubEntry] = []
    current: ClubEntry | None = None
    for raw in path.read_text("utf-8").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("="):
            continue
        if line.lstrip().startswith("|"):
            if current is None:
                continue
            for alias in line.split("|"):
                alias = alias.strip()
                lang = None
                m = re.search(r"\s*\[(\w\w)\]$", alias)
                if m:
                    lang, alias = m.group(1), alias[: m.start()].strip()
                if alias:
                    current.aliases.setdefault(alias_norm(alias), (alias, lang, "name"))
            continue
        if line[0].isspace():
            continue  # an address line
        if re.match(r"^[ivx]+\)", line):
            current = None  # reserve teams are not tracked
            continue
        parts = [p.strip() for p in line.split(",")]
        name = re.sub(r"\s*\(.*?\)", "", parts[0]).strip()
        founded = next((int(p) for p in parts[1:] if re.fullmatch(r"\d{4}", p)), None)
        rest = [p for p in parts[1:] if p and not re.fullmatch(r"\d{4}", p) and not p.startswith("@")]
        city = re.split(r"\s*[›(]", rest[-1])[0].strip() if rest else None
        current = ClubEntry(key=f"{country}:{_slug(name)}", name=name, country=country, city=city, founded=founded)
        current.aliases[alias_norm(name)] = (name, None, "name")
        clubs.append(current)
    return clubs


class Gazetteer:
    """All clubs, and a token-trie over their aliases."""

    def __init__(self, clubs: list[ClubEntry], preferred: dict[str, str]):
        self.clubs = {c.key: c for c in clubs}
        #: first token form -> [(token forms, club key)], longest first
        self._index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        owners: dict[str, set[str]] = {}
        for club in clubs:
            for norm in club.aliases:
                owners.setdefault(norm, set()).add(club.key)
        # every alias of a club listed in clubs_extra.yaml is trusted, even a short word,
        # except a word of AMBIGUOUS_WORDS from the lists ("Union" of Union Berlin,
        # "Racing"): such a word is a club's only when clubs_extra.yaml itself gives it
        curated = set(preferred)
        listed = set(preferred.values())
        for club in clubs:
            if club.key in listed:
                curated.update(n for n in club.aliases if n not in AMBIGUOUS_WORDS)
        for norm, keys in owners.items():
            if not norm:
                continue
            if len(keys) > 1:
                if norm not in preferred:
                    continue
                keys = {preferred[norm]}
            tokens = tuple(norm.split())
            if len(tokens) == 1 and norm not in curated and (tokens[0] in AMBIGUOUS_WORDS or len(tokens[0]) < 4):
                continue
            self._index.setdefault(tokens[0], []).append((tokens, next(iter(keys))))
        for entries in self._index.values():
            entries.sort(key=lambda e: -len(e[0]))
        self._nick: dict[str, set[str]] = {}
        #: nicknames written capitalised wherever listed ("Hammers", "Citizens"): only a
        #: capitalised word in the text is one ("citizens" in running text is not)
        self._nick_capital: set[str] = set()
        lower: set[str] = set()
        for club in clubs:
            for nick in club.nicknames:
                norm = alias_norm(nick)
                self._nick.setdefault(norm, set()).add(club.key)
                (self._nick_capital if nick[:1].isupper() else lower).add(norm)
        self._nick_capital -= lower
        self._nick_index: dict[str, list[tuple[str, ...]]] = {}
        for norm in self._nick:
            tokens = tuple(norm.split())
            self._nick_index.setdefault(tokens[0], []).append(tokens)
        for entries in self._nick_index.values():
            entries.sort(key=lambda e: -len(e))
        self._by_name = {alias_norm(c.name): c.key for c in clubs}

    def name(self, key: str) -> str:
        return self.clubs[key].name

    def lookup(self, name: str) -> str | None:
        """The club a name denotes, if it is one of the known aliases."""
        norm = alias_norm(name)
        if norm in self._by_name:
            return self._by_name[norm]
        for tokens, key in self._index.get(norm.split()[0] if norm else "", []):
            if " ".join(tokens) == norm:
                return key
        return None

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[ClubMention]:
        """Club mentions in ``text[start:end]``: names first, then nicknames resolved
        against the clubs named."""
        toks = words(text, start, end)
        forms = [token_form(t.text) for t in toks]
        found: list[ClubMention] = []
        i = 0
        while i < len(toks):
            hit = None
            tok = toks[i]
            if tok.text[0].isupper() or tok.text[0].isdigit():
                for tokens, key in self._index.get(forms[i], []):
                    n = len(tokens)
                    if tuple(forms[i:i + n]) == tokens:
                        hit = (n, key)
                        break
            if hit and i + hit[0] < len(toks) and forms[i + hit[0]] in _NOT_AFTER_CLUB:
                hit = None  # "Sporting Director" is a post, not Sporting CP
            if hit:
                n, key = hit
                found.append(ClubMention(key, tok.start, toks[i + n - 1].end, text[tok.start:toks[i + n - 1].end]))
                i += n
            else:
                i += 1
        return found

    def find_nicknames(self, text: str, named: set[str], start: int = 0, end: int | None = None) -> list[ClubMention]:
        toks = words(text, start, end)
        forms = [token_form(t.text) for t in toks]
        out = []
        for i, tok in enumerate(toks):
            for tokens in self._nick_index.get(forms[i], []):
                n = len(tokens)
                if tuple(forms[i:i + n]) == tokens:
                    norm = " ".join(tokens)
                    if norm in self._nick_capital and not tok.text[0].isupper():
                        break
                    candidates = self._nick[norm] & named
                    if len(candidates) == 1:
                        out.append(ClubMention(next(iter(candidates)), tok.start, toks[i + n - 1].end,
                                               text[tok.start:toks[i + n - 1].end], nickname=True))
                    break
        return out


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    clubs: list[ClubEntry] = []
    for path in sorted((DATA / "openfootball").rglob("*.clubs.txt")):
        clubs += _parse_openfootball(path, path.name.split(".")[0])
    by_name: dict[str, ClubEntry] = {}
    for c in clubs:
        by_name.setdefault(c.name, c)
    preferred: dict[str, str] = {}
    extra = yaml.safe_load((DATA / "clubs_extra.yaml").read_text("utf-8"))["clubs"]
    for item in extra:
        club = by_name.get(item["of"])
        if club is None:
            club = ClubEntry(key=f"tn:{_slug(item['of'])}", name=item["of"], country=item.get("country", ""))
            club.aliases[alias_norm(item["of"])] = (item["of"], None, "name")
            clubs.append(club)
            by_name[club.name] = club
        if item.get("name"):
            club.name = item["name"]
        for alias in [club.name, *item.get("aliases", [])]:
            norm = alias_norm(alias)
            club.aliases.setdefault(norm, (alias, "ru" if is_cyrillic(alias) else None, "exonym"))
            preferred[norm] = club.key
        club.nicknames.update(item.get("nicknames", []))
    return Gazetteer(clubs, preferred)
