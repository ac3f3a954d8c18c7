"""The figures behind ``transfernews report``, for one window of time.

Everything is read with bound parameters and counted in Python, so the same code runs on
SQLite and PostgreSQL. The window is ``since <= t < until``:

* an event counts on its ``event_date`` (taken as that day, 00:00 UTC), else on the time it
  was first reported;
* an article counts on the time it was first stored (``fetched_at``), as in the exports,
  per day, week or month according to the window's length.

Source health is not windowed: it is the verdict of :mod:`storage.health` on the latest runs.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Boolean, Date, Integer, Text, bindparam, select, text
from sqlalchemy.orm import Session

from storage.health import SourceHealth, check
from storage.models import Article, Event, SourceRow, UTCDateTime

COACH_TYPES = ("appointment", "dismissal", "resignation")
#: windows up to this many days count articles per day, up to WEEKLY_MAX_DAYS per week,
#: longer ones per month
DAILY_MAX_DAYS = 31
WEEKLY_MAX_DAYS = 183


@dataclass
class CoachChange:
    date: date
    type: str
    person: str
    role: str | None
    club: str | None
    official: bool
    outlets: int
    event_id: int


@dataclass
class ReportData:
    since: datetime
    until: datetime
    #: Monday of each week in the window -> events per type
    events_per_week: dict[date, Counter] = field(default_factory=dict)
    #: club -> (arrivals, departures), most moves first
    club_moves: list[tuple[str, int, int]] = field(default_factory=list)
    coach_changes: list[CoachChange] = field(default_factory=list)
    #: "day", "week" or "month"; the buckets in order (first day of each); source -> bucket -> articles
    article_bucket: str = "day"
    article_buckets: list[date] = field(default_factory=list)
    articles: dict[str, dict[date, int]] = field(default_factory=dict)
    health: list[SourceHealth] = field(default_factory=list)

    @property
    def event_types(self) -> list[str]:
        totals = Counter()
        for counts in self.events_per_week.values():
            totals.update(counts)
        return [t for t, _ in sorted(totals.items(), key=lambda item: (-item[1], item[0]))]

    @property
    def event_count(self) -> int:
        return sum(sum(c.values()) for c in self.events_per_week.values())

    @property
    def article_count(self) -> int:
        return sum(sum(per.values()) for per in self.articles.values())


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=timezone.utc)


def _when(event_date: date | None, reported: datetime | None) -> datetime | None:
    """The instant an event counts at: its date, else when it was first reported."""
    if event_date is not None:
        return _instant(event_date)
    return reported


def _in(window: tuple[datetime, datetime], when: datetime | None) -> bool:
    return when is not None and window[0] <= when < window[1]


def _date_range(since: datetime, until: datetime) -> tuple[date, date]:
    """Bounds of event dates that can fall in the window (refined in Python)."""
    return since.date(), until.date()


def _events_per_week(session: Session, since: datetime, until: datetime) -> dict[date, Counter]:
    first, last = _date_range(since, until)
    rows = session.execute(
        select(Event.type, Event.event_date, Event.first_reported_at).where(
            ((Event.event_date >= first) & (Event.event_date <= last))
            | (Event.event_date.is_(None) & (Event.first_reported_at >= since) & (Event.first_reported_at < until))
        )
    ).all()
    weeks = {}
    week = monday(since.date())
    while _instant(week) < until:
        weeks[week] = Counter()
        week += timedelta(days=7)
    for kind, event_date, reported in rows:
        when = _when(event_date, reported)
        if _in((since, until), when):
            weeks.setdefault(monday(when.date()), Counter())[kind] += 1
    return dict(sorted(weeks.items()))


_WINDOW_PARAMS = (bindparam("first", type_=Date), bindparam("last", type_=Date),
                  bindparam("since", type_=UTCDateTime()), bindparam("until", type_=UTCDateTime()))
_WINDOW_SQL = ("((x.event_date >= :first AND x.event_date <= :last) OR "
               "(x.event_date IS NULL AND e.first_reported_at >= :since AND e.first_reported_at < :until))")


def _club_moves(session: Session, since: datetime, until: datetime, limit: int) -> list[tuple[str, int, int]]:
    query = text(f"SELECT x.club_id, x.club, x.direction, x.event_date, e.first_reported_at "
                 f"FROM club_moves x JOIN events e ON e.id = x.event_id WHERE {_WINDOW_SQL}")
    query = query.bindparams(*_WINDOW_PARAMS).columns(club_id=Integer, club=Text, direction=Text, event_date=Date,
                                                      first_reported_at=UTCDateTime())
    first, last = _date_range(since, until)
    arrivals: Counter = Counter()
    departures: Counter = Counter()
    names = {}
    for club_id, club, direction, event_date, reported in session.execute(
            query, {"first": first, "last": last, "since": since, "until": until}):
        if not _in((since, until), _when(event_date, reported)):
            continue
        names[club_id] = club
        (arrivals if direction == "arrival" else departures)[club_id] += 1
    ranked = sorted(names, key=lambda c: (-(arrivals[c] + departures[c]), -arrivals[c], names[c]))
    return [(names[c], arrivals[c], departures[c]) for c in ranked[:limit]]


def _coach_changes(session: Session, since: datetime, until: datetime) -> list[CoachChange]:
    query = text(f"SELECT x.event_id, x.type, x.person, x.role, x.club, x.event_date, x.official, x.sources, "
                 f"e.first_reported_at FROM event_overview x JOIN events e ON e.id = x.event_id "
                 f"WHERE x.type IN ('appointment', 'dismissal', 'resignation') AND {_WINDOW_SQL}")
    query = query.bindparams(*_WINDOW_PARAMS).columns(
        event_id=Integer, type=Text, person=Text, role=Text, club=Text, event_date=Date, official=Boolean,
        sources=Integer, first_reported_at=UTCDateTime())
    first, last = _date_range(since, until)
    changes = []
    for row in session.execute(query, {"first": first, "last": last, "since": since, "until": until}):
        when = _when(row.event_date, row.first_reported_at)
        if _in((since, until), when):
            changes.append(CoachChange(when.date(), row.type, row.person, row.role, row.club, bool(row.official),
                                       row.sources or 0, row.event_id))
    changes.sort(key=lambda c: (c.date, c.event_id), reverse=True)
    return changes


def _bucket_of(kind: str, day: date) -> date:
    if kind == "day":
        return day
    return monday(day) if kind == "week" else day.replace(day=1)


def _next_bucket(kind: str, start: date) -> date:
    if kind != "month":
        return start + timedelta(days=1 if kind == "day" else 7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def _articles(session: Session, since: datetime, until: datetime) -> tuple[str, list[date], dict[str, dict[date, int]]]:
    span = until - since
    kind = "day" if span <= timedelta(days=DAILY_MAX_DAYS) else "week" if span <= timedelta(days=WEEKLY_MAX_DAYS) \
        else "month"
    buckets, current = [], _bucket_of(kind, since.date())
    while _instant(current) < until:
        buckets.append(current)
        current = _next_bucket(kind, current)
    counts: dict[str, dict[date, int]] = defaultdict(lambda: dict.fromkeys(buckets, 0))
    rows = session.execute(
        select(SourceRow.name, Article.fetched_at).join(SourceRow, SourceRow.id == Article.source_id)
        .where(Article.fetched_at >= since, Article.fetched_at < until)
        .execution_options(yield_per=2000)
    )
    for source, fetched_at in rows:
        counts[source][_bucket_of(kind, fetched_at.date())] += 1
    return kind, buckets, dict(sorted(counts.items()))


def gather(session: Session, since: datetime, until: datetime, top_clubs: int = 15) -> ReportData:
    """Every figure of the report for ``since <= t < until`` (aware datetimes)."""
    if until <= since:
        raise ValueError("the window is empty: --until must come after --since")
    data = ReportData(since, until)
    data.events_per_week = _events_per_week(session, since, until)
    data.club_moves = _club_moves(session, since, until, top_clubs)
    data.coach_changes = _coach_changes(session, since, until)
    data.article_bucket, data.article_buckets, data.articles = _articles(session, since, until)
    data.health = check(session)
    return data
