"""The fields of an event that are written in words: when it happened, until when the
contract runs, and what it cost."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from crawler.understanding.lexicon import CURRENCIES, MONEY_UNITS, Lexicon


@dataclass(frozen=True)
class Fee:
    kind: str  # amount | free | undisclosed
    amount: int | None = None
    currency: str | None = None

    def as_json(self):
        if self.kind == "amount":
            return {"amount": self.amount, "currency": self.currency}
        return self.kind


def _month_pattern(lex: Lexicon) -> str:
    return "|".join(sorted(map(re.escape, lex.months), key=len, reverse=True))


def contract_until(folded: str, start: int, end: int, lex: Lexicon) -> date | None:
    """The contract end in ``folded[start:end]``: a date with at least a month after an
    "until" word ("fino al 30 giugno 2024", "until June 2027", "до конца мая 2026 года",
    "bis Ende Mai 2026"). A year alone or a duration gives nothing."""
    months = _month_pattern(lex)
    for m in re.finditer(rf"(?:(\d{{1,2}})(?:\.|º|er)?\s+(?:de\s+)?)?({months})\.?\s+(?:de\s+|del\s+)?(\d{{4}})", folded[start:end]):
        before = folded[max(start, start + m.start() - 40):start + m.start()]
        if not lex.until.search(before):
            continue
        year, month = int(m.group(3)), lex.months[m.group(2)]
        day = int(m.group(1)) if m.group(1) else calendar.monthrange(year, month)[1]
        try:
            return date(year, month, day)
        except ValueError:
            continue
    # 30.06.2027 / 30/06/2027
    for m in re.finditer(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", folded[start:end]):
        before = folded[max(start, start + m.start() - 30):start + m.start()]
        if lex.until.search(before):
            try:
                return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                continue
    return None


_NUM = r"(\d{1,3}(?:[.,\u00a0 ]\d{3})+|\d+(?:[.,]\d+)?)"


def _number(text: str, unit: str | None) -> float:
    t = text.replace("\u00a0", " ")
    if unit:  # "2,5 milioni", "14.5m"
        t = t.replace(" ", "").replace(",", ".")
        if t.count(".") > 1:
            t = t.replace(".", "")
        return float(t)
    return float(re.sub(r"[.,\s]", "", t))


_UNITS = "|".join(sorted(map(re.escape, MONEY_UNITS), key=len, reverse=True))
_CURR = "|".join(sorted(map(re.escape, CURRENCIES), key=len, reverse=True))
_MONEY = [
    re.compile(rf"({_CURR})\s*{_NUM}\s*({_UNITS})?\b"),                  # €121m, $ 8 million
    re.compile(rf"{_NUM}\s*({_UNITS})\.?\s*(?:de |di |d')?({_CURR})"),  # 121 milioni di euro, 14 млн евро
    re.compile(rf"{_NUM}\s*({_CURR})\b"),                               # 500.000 euro
]


def fees(folded: str, start: int, end: int) -> list[tuple[int, Fee]]:
    """Money amounts with a currency in the span, with their offsets."""
    out: list[tuple[int, Fee]] = []
    seg = folded[start:end]
    taken: list[tuple[int, int]] = []
    for i, p in enumerate(_MONEY):
        for m in p.finditer(seg):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if i == 0:
                c, num, unit = m.group(1), m.group(2), m.group(3)
            elif i == 1:
                num, unit, c = m.group(1), m.group(2), m.group(3)
            else:
                num, unit, c = m.group(1), None, m.group(2)
            if i == 0 and c.isalpha() and not unit:
                continue  # "Euro 2016" is a tournament; "EUR 5m" has its unit
            try:
                value = _number(num, unit) * (MONEY_UNITS.get(unit, 1) if unit else 1)
            except ValueError:
                continue
            if value < 1000:
                continue
            taken.append((m.start(), m.end()))
            out.append((start + m.start(), Fee("amount", int(round(value)), CURRENCIES[c])))
    return sorted(out, key=lambda x: x[0])


#: around a weekday: the past one ("martedì scorso", "am vergangenen Montag", "last Monday")
_LAST = re.compile(r"scors[oa]|passad[oa]|pasado|vergangenen|letzten|last|dernier|прошл\w+")


#: a German weekday glued to a time of day ("am Montagabend", "Freitagnachmittag")
_DE_DAYTIME = r"(?:morgen|vormittag|mittag|nachmittag|abend|nacht)?"


def stated_date(folded: str, start: int, end: int, lex: Lexicon, published: date | None) -> date | None:
    """The day the sentence itself gives for its event: an explicit past date, "yesterday",
    "today", or a weekday counted back from publication; None when it gives none (the
    caller falls back to the publication day, and prefers another sentence's own date)."""
    if published is None:
        return None
    seg = folded[start:end]
    months = _month_pattern(lex)
    for m in re.finditer(rf"(\d{{1,2}})(?:\.|º|er)?\s+(?:de\s+)?({months})(?:\s+(?:de\s+)?(\d{{4}}))?", seg):
        before = seg[max(0, m.start() - 30):m.start()]
        if lex.until.search(before):
            continue
        year = int(m.group(3)) if m.group(3) else published.year
        try:
            d = date(year, lex.months[m.group(2)], int(m.group(1)))
        except ValueError:
            continue
        if published - timedelta(days=14) <= d <= published:
            return d
        named_day = next((wd for name, wd in lex.weekdays.items() if re.search(rf"\b{re.escape(name)}\b", before)), None)
        if named_day == d.weekday() and published - timedelta(days=366) <= d <= published:
            return d  # "na sexta-feira, 13 de junho": the weekday vouches for an older date
    if lex.yesterday.search(seg):
        return published - timedelta(days=1)
    if lex.today.search(seg):
        return published
    for name, wd in lex.weekdays.items():
        m = re.search(rf"\b{re.escape(name)}{_DE_DAYTIME}\b", seg)
        if m:
            back = (published.weekday() - wd) % 7
            if back == 0 and _LAST.search(seg[max(0, m.start() - 16):m.end() + 10]):
                back = 7  # "am vergangenen Montag" in a Monday's paper: a week ago
            return published - timedelta(days=back)
    return None
