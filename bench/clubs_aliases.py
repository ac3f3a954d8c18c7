"""Check every name in ``clubs_extra.yaml``: each alias, put in a short sentence, must be
found by the gazetteer as the club it is listed for; a Cyrillic alias also in two case
forms (the last word in the genitive, the first in the accusative); each nickname must
resolve to its club when the sentence also names the club.

    python bench/clubs_aliases.py [--verbose]

Prints the aliases that are not found or are found as another club, and a count.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.understanding.clubs import DATA, alias_norm, gazetteer  # noqa: E402
from crawler.understanding.text import is_cyrillic  # noqa: E402

_VOWELS = "аеёиоуыэюя"
#: words the press does not decline in a club's name (abbreviations, foreign words kept
#: as they are, adjectives this crude generator would get wrong)
_KEPT = {"дженоа", "грозный", "мх", "фк", "нн", "нагоя", "шанхай", "сидней"}


def cases(word: str) -> list[str]:
    """Plausible oblique cases of a Cyrillic noun («Брайтон» → «Брайтона», «Брайтону»,
    «Брайтоном», «Брайтоне»), enough to test the stemmer; indeclinable words (ending in
    о, е, и, у, ы, э, ю) give none."""
    low = word.lower()
    if low in _KEPT:
        return []
    soft = low[-2:-1] in "гкхжчшщ"
    if low.endswith("а"):
        return [word[:-1] + e for e in (("и" if soft else "ы"), "е", "у", "ой")]
    if low.endswith("я"):
        return [word[:-1] + e for e in ("и", "е", "ю", "ей")]
    if low.endswith(("ь", "й")):
        return [word[:-1] + e for e in ("я", "ю", "ем", "е")]
    if low[-1] in _VOWELS or not is_cyrillic(low[-1]) or word.isupper():
        return []
    return [word + e for e in ("а", "у", ("ем" if low[-1] in "жшчщц" else "ом"), "е")]


def forms(alias: str) -> list[str]:
    """The alias, its last word in each oblique case, and its first word in each (for
    «Атланта Юнайтед» → «Атланту Юнайтед»)."""
    if not is_cyrillic(alias):
        return [alias]
    words = alias.split(" ")
    out = [alias]
    out += [" ".join(words[:-1] + [c]) for c in cases(words[-1])]
    if len(words) > 1 and words[0] != "Аль":
        out += [" ".join([c] + words[1:]) for c in cases(words[0])]
    return list(dict.fromkeys(out))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    g = gazetteer()
    by_name = {c.name: k for k, c in g.clubs.items()}
    extra = yaml.safe_load((DATA / "clubs_extra.yaml").read_text("utf-8"))["clubs"]
    checked = bad = 0
    for item in extra:
        key = by_name[item.get("name") or item["of"]]
        for alias in [item["of"], item.get("name") or item["of"], *item.get("aliases", [])]:
            for form in forms(alias):
                text = (f"Вчера {form} объявил о подписании игрока." if is_cyrillic(form)
                        else f"Yesterday {form} announced the signing.")
                found = [(m.key, m.text) for m in g.find(text)]
                checked += 1
                if [(k, alias_norm(t)) for k, t in found] != [(key, alias_norm(form))]:
                    bad += 1
                    print(f"ALIAS  {g.name(key)!r:32} {form!r:36} -> {[(g.name(k), t) for k, t in found]}")
                elif args.verbose:
                    print(f"ok     {g.name(key)!r:32} {form!r}")
        name = next(a for a in [*item.get("aliases", []), item.get("name") or item["of"]])
        for nick in item.get("nicknames", []):
            text = f"{name} — {nick} подписали игрока." if is_cyrillic(nick) else f"{name}: {nick} signed him."
            named = {m.key for m in g.find(text)}
            got = [(m.key, m.text) for m in g.find_nicknames(text, named | {key})]
            checked += 1
            if [k for k, _ in got] != [key] or alias_norm(got[0][1]) != alias_norm(nick):
                bad += 1
                print(f"NICK   {g.name(key)!r:32} {nick!r:36} -> {[(g.name(k), t) for k, t in got]}")
    print(f"{checked} checked, {bad} not found as their club")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
