"""Dates written in words, in the seven languages the product must read.

"Pubblicato il 12 marzo 2024 alle 17:30", "22 октября 2018, 14:05", "Veröffentlicht am
5. Juli 2023, 18:30 Uhr", "Published 5th Jul 2023, 18:30 BST | Updated 6th Jul 2023".

Two uses: finding the publication date when a page states it only in visible text, and
recognising *date lines* (a line that is nothing but a date and a few filler words) so
the cleaner can drop them from the body. Deterministic regular expressions over a fixed
vocabulary: dateparser's free-text search is slower and finds "dates" in ordinary prose.

A date in text carries no UTC offset, so the result keeps the wall-clock time as written
(``2024-03-12T17:30:00``); the caller may attach the source's time zone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

MONTHS: dict[str, int] = {}
_MONTH_NAMES = {
    1: "gennaio gen january jan enero ene januar jänner janvier janv janeiro января январь янв",
    2: "febbraio feb february febrero februar février fevrier févr fevereiro fev февраля февраль фев",
    3: "marzo mar march märz maerz mrz mars março marco марта март",
    4: "aprile apr april abril avril avr апреля апрель",
    5: "maggio mag may mayo mai maio мая май",
    6: "giugno giu june jun junio juni juin junho июня июнь июн",
    7: "luglio lug july jul julio juli juillet juil julho июля июль июл",
    8: "agosto ago august aug août aout августа август авг",
    9: "settembre set september sep sept septiembre setiembre septembre setembro сентября сентябрь сен сент",
    10: "ottobre ott october oct octubre oktober okt octobre outubro out октября октябрь окт",
    11: "novembre nov november noviembre novembro ноября ноябрь ноя",
    12: "dicembre dic december dec diciembre dezember dez décembre decembre dezembro декабря декабрь дек",
}
for _number, _names in _MONTH_NAMES.items():
    for _name in _names.split():
        MONTHS[_name] = _number

_MONTH_RE = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_TIME = r"(?:\s*(?:,|alle|ore|às|as|a\s+las|à|a|um|at|в|-|–|\|)?\s*(?P<hour>[01]?\d|2[0-3])\s*[:h.]\s*(?P<minute>[0-5]\d)(?!\d))?"
# 12 marzo 2024 / 5. Juli 2023 / 3 de julio de 2023 / 5th Jul 2023 / 22 октября 2018 г.
DAY_MONTH_YEAR = re.compile(
    r"(?<![\w.])(?P<day>[0-3]?\d)(?:st|nd|rd|th|º|°|\.)?\s+(?:de\s+)?(?P<month>" + _MONTH_RE
    + r")\.?,?\s+(?:de\s+|del\s+)?(?P<year>(?:19|20)\d\d)(?:\s*г\.?)?" + _TIME,
    re.IGNORECASE,
)
# July 5, 2023 / Jul. 5th 2023, 6:30
MONTH_DAY_YEAR = re.compile(
    r"(?<![\w.])(?P<month>" + _MONTH_RE + r")\.?\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)" + _TIME,
    re.IGNORECASE,
)
# 12.03.2024 17:30 / 12/03/2024 / 2024-03-12
NUMERIC = re.compile(
    r"(?<![\d.])(?P<day>[0-3]?\d)[./](?P<month>[01]?\d)[./](?P<year>(?:19|20)\d\d)(?!\d)" + _TIME
)
ISO = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)"
    r"(?:[T\s](?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d))?(?!\d)"
)

PUBLISHED_WORDS = re.compile(
    r"\b(pubblicat[oa]|published|posted|publicad[oa]|veröffentlicht|publié|publiée|опубликован[оа]?|"
    r"дата публикации|erschienen|data)\b", re.IGNORECASE)
UPDATED_WORDS = re.compile(
    r"\b(aggiornat[oa]|ultimo aggiornamento|updated|last updated|actualizad[oa]|aktualisiert|zuletzt|"
    r"mis à jour|modifié|atualizad[oa]|обновлен[оа]?|изменено)\b", re.IGNORECASE)

#: words that may stand beside a date in a date line without making it prose
FILLER = set("""
    il lo la le alle ore del di published updated update last on at by el a las de en em às as am um uhr
    zuletzt veröffentlicht aktualisiert publié publiée mis à jour publicado publicada actualizado atualizado
    pubblicato pubblicata aggiornato aggiornata ultimo aggiornamento опубликовано обновлено в г года
    bst gmt cet cest utc msk est edt pst brt wet west h posted data dalle the
    há ha dias dia days day ago hours hour horas hora ore ora fa giorni giorno minuti minutes min hace vor tagen
    tag stunden stunde il y jours jour heures назад дня дней день часа часов час минут минуты
    lun mar mer gio ven sab dom lunedì martedì mercoledì giovedì venerdì sabato domenica
    mon tue wed thu fri sat sun monday tuesday wednesday thursday friday saturday sunday
    mié jue vie sáb lunes martes miércoles jueves viernes sábado domingo
    mo di mi do fr sa so montag dienstag mittwoch donnerstag freitag samstag sonntag
    jeu sam dim lundi mardi mercredi jeudi vendredi samedi dimanche
    seg ter qua qui sex segunda terça quarta quinta sexta feira
    пн вт ср чт пт сб вс понедельник вторник среда четверг пятница суббота воскресенье
""".split())
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_YEAR = re.compile(r"(?:19|20)\d\d")


@dataclass(frozen=True)
class TextDate:
    value: datetime
    has_time: bool
    start: int
    end: int

    def iso(self) -> str:
        return self.value.isoformat() if self.has_time else self.value.date().isoformat()


def _build(match: re.Match, month_value) -> TextDate | None:
    try:
        month = month_value if isinstance(month_value, int) else MONTHS[month_value.lower().rstrip(".")]
        hour, minute = match.group("hour"), match.group("minute")
        value = datetime(int(match.group("year")), month, int(match.group("day")),
                         int(hour or 0), int(minute or 0))
    except (KeyError, ValueError, IndexError):
        return None
    return TextDate(value, hour is not None, match.start(), match.end())


def find_dates(text: str, language: str | None = None) -> list[TextDate]:
    """Every date written in ``text``, in order of appearance."""
    found: list[TextDate] = []
    if not _YEAR.search(text):  # every form below has a four-digit year: cheap exit
        return found
    for match in DAY_MONTH_YEAR.finditer(text):
        if (d := _build(match, match.group("month"))) is not None:
            found.append(d)
    for match in MONTH_DAY_YEAR.finditer(text):
        if (d := _build(match, match.group("month"))) is not None:
            found.append(d)
    for match in ISO.finditer(text):
        if (d := _build(match, int(match.group("month")))) is not None:
            found.append(d)
    for match in NUMERIC.finditer(text):
        first, second = int(match.group("day")), int(match.group("month"))
        if language == "en" and first <= 12 < second:  # US order 07/25/2023
            first, second = second, first
        try:
            value = datetime(int(match.group("year")), second, first,
                             int(match.group("hour") or 0), int(match.group("minute") or 0))
        except ValueError:
            continue
        found.append(TextDate(value, match.group("hour") is not None, match.start(), match.end()))
    found.sort(key=lambda d: d.start)
    # drop matches nested in an earlier one (a numeric date inside a longer form)
    result: list[TextDate] = []
    for d in found:
        if not result or d.start >= result[-1].end:
            result.append(d)
    return result


def is_date_line(line: str, max_chars: int = 160) -> bool:
    """True when ``line`` is a date (or a published/updated pair) and filler words only."""
    if len(line) > max_chars:
        return False
    dates = find_dates(line)
    if not dates:
        return False
    rest = line
    for d in reversed(dates):
        rest = rest[: d.start] + " " + rest[d.end:]
    for word in _WORD.findall(rest.lower()):
        if word not in FILLER and word not in MONTHS:
            return False
    return True


def published_in(line: str) -> tuple[TextDate | None, TextDate | None]:
    """``(published, updated)`` stated by a line such as "Publié le … Mis à jour le …".

    A date preceded by an update word is the modification date; the first other
    date is the publication date.
    """
    published = updated = None
    for d in find_dates(line):
        before = line[: d.start]
        last_pub = max((m.end() for m in PUBLISHED_WORDS.finditer(before)), default=-1)
        last_upd = max((m.end() for m in UPDATED_WORDS.finditer(before)), default=-1)
        if last_upd > last_pub:
            updated = updated or d
        else:
            published = published or d
    return published, updated
