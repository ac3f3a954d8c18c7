"""Events written with the ORM models into a real migrated database, for the tests of the
views, canned queries and report that read them: events with chosen dates and counts (the
analyser that fills them during a crawl is tested on its own, in tests/test_events.py)."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Club, ClubAlias, Event, EventMention, Person, PersonAlias


def club(session: Session, name: str, aliases: tuple[str, ...] = (), country: str | None = None) -> Club:
    """The club of that name (one the analyser stored, or a new one)."""
    found = session.scalar(select(Club).where(Club.name == name).order_by(Club.id).limit(1))
    if found:
        return found
    key = "test:" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    row = Club(key=key, name=name, country=country)
    session.add(row)
    session.flush()
    for alias in (name, *aliases):
        session.add(ClubAlias(club_id=row.id, alias=alias, norm=alias.casefold(), kind="name"))
    return row


def person(session: Session, name: str, aliases: tuple[str, ...] = ()) -> Person:
    found = session.scalar(select(Person).where(Person.name == name).order_by(Person.id).limit(1))
    if found:
        return found
    row = Person(name=name, key=name.casefold(), first_seen=datetime.now(timezone.utc))
    session.add(row)
    session.flush()
    for alias in (name, *aliases):
        session.add(PersonAlias(person_id=row.id, alias=alias, norm=alias.casefold()))
    return row


def add_event(session: Session, type: str, who: str, to: str | None = None, from_: str | None = None,
              on: date | None = None, official: bool = False, role: str | None = None,
              articles: tuple[int, ...] = (), reported: datetime | None = None,
              person_aliases: tuple[str, ...] = ()) -> Event:
    """One event with a mention in each of ``articles`` (ids of stored articles)."""
    now = datetime.now(timezone.utc)
    event = Event(type=type, person_id=person(session, who, person_aliases).id, role=role,
                  club_id=club(session, to).id if to else None, from_club_id=club(session, from_).id if from_ else None,
                  event_date=on, official=official, mention_count=len(articles), first_reported_at=reported,
                  last_reported_at=reported, updated_at=now)
    session.add(event)
    session.flush()
    for article_id in articles:
        session.add(EventMention(event_id=event.id, article_id=article_id, type=type, role=role, person_text=who,
                                 club_id=event.club_id, from_club_id=event.from_club_id, event_date=on,
                                 official=official, sentence=f"{who}: {type}", start=-1, end=-1, confidence=0.9,
                                 analyzer_version="test"))
    return event
