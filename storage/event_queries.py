"""Reading events back: the merged events with counts and sources (``transfernews
events``), and each article's events for exports."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from crawler.understanding.clubs import alias_norm
from crawler.understanding.text import person_key
from storage.models import Article, Club, ClubAlias, Event, EventMention, Person, PersonAlias, SourceRow

EVENT_TYPES = ("transfer", "loan", "free_transfer", "contract_extension", "termination", "appointment",
               "dismissal", "resignation", "rumour")


def _fee(kind, amount, currency):
    if kind == "amount":
        return {"amount": amount, "currency": currency}
    return kind


def club_ids(session: Session, name: str) -> list[int]:
    """Clubs a user's name may mean: any alias, any script or case form («Спартака»)."""
    norm = alias_norm(name)
    ids = set(session.scalars(select(ClubAlias.club_id).where(ClubAlias.norm == norm)))
    ids |= set(session.scalars(select(Club.id).where(func.lower(Club.name) == name.lower())))
    return sorted(ids)


def person_ids(session: Session, name: str) -> list[int]:
    key = person_key(name)
    if not key:
        return []
    surname = key.split()[-1]
    rows = session.execute(select(PersonAlias.person_id, PersonAlias.norm).where(
        or_(PersonAlias.norm == key, PersonAlias.norm.like(f"% {surname}"), PersonAlias.norm == surname))).all()
    rows += session.execute(select(Person.id, Person.key).where(or_(Person.key == key, Person.key.like(f"% {surname}")))).all()
    from storage.events import same_person

    return sorted({pid for pid, norm in rows if same_person(norm, key)})


def list_events(session: Session, club: str | None = None, person: str | None = None, type_: str | None = None,
                since: datetime | None = None, limit: int | None = None, include_rumours_confirmed: bool = False) -> list[dict]:
    """Merged events, newest first, with the number of mentions, articles, sources and
    languages that report them. Rumours that came true are listed under the event they
    became (``rumours``), not as moves of their own."""
    c, fc = aliased(Club), aliased(Club)
    q = (select(Event, Person.name, c.name, fc.name)
         .join(Person, Person.id == Event.person_id)
         .outerjoin(c, c.id == Event.club_id)
         .outerjoin(fc, fc.id == Event.from_club_id)
         .order_by(Event.event_date.desc().nullslast(), Event.last_reported_at.desc(), Event.id.desc()))
    if not include_rumours_confirmed:
        q = q.where(Event.confirmed_by_id.is_(None))
    if club:
        ids = club_ids(session, club)
        q = q.where(or_(Event.club_id.in_(ids), Event.from_club_id.in_(ids)))
    if person:
        q = q.where(Event.person_id.in_(person_ids(session, person)))
    if type_:
        q = q.where(or_(Event.type == type_, Event.rumoured_type == type_))
    if since:
        q = q.where(or_(Event.event_date >= since.date(), Event.last_reported_at >= since))
    if limit:
        q = q.limit(limit)
    rows = session.execute(q).all()
    ids = [e.id for e, *_ in rows]
    sources: dict[int, set] = defaultdict(set)
    langs: dict[int, set] = defaultdict(set)
    articles: dict[int, set] = defaultdict(set)
    evidence: dict[int, str] = {}
    rumours: dict[int, int] = defaultdict(int)
    if ids:
        for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
            for m, src, lang in session.execute(
                    select(EventMention, SourceRow.name, Article.language)
                    .join(Article, Article.id == EventMention.article_id)
                    .join(SourceRow, SourceRow.id == Article.source_id)
                    .where(EventMention.event_id.in_(chunk))
                    .order_by(EventMention.official.desc(), EventMention.confidence.desc())):
                sources[m.event_id].add(src)
                if lang:
                    langs[m.event_id].add(lang)
                articles[m.event_id].add(m.article_id)
                evidence.setdefault(m.event_id, m.sentence)
            for target, n in session.execute(select(Event.confirmed_by_id, func.count()).where(
                    Event.confirmed_by_id.in_(chunk)).group_by(Event.confirmed_by_id)):
                rumours[target] = n
    return [{
        "id": e.id, "type": e.type, "rumoured_type": e.rumoured_type, "person": person_name, "role": e.role,
        "club": club_name, "from_club": from_name,
        "date": e.event_date.isoformat() if e.event_date else None,
        "contract_until": e.contract_until.isoformat() if e.contract_until else None,
        "fee": _fee(e.fee_kind, e.fee_amount, e.fee_currency), "official": bool(e.official),
        "mentions": e.mention_count, "articles": len(articles[e.id]), "sources": sorted(sources[e.id]),
        "languages": sorted(langs[e.id]), "rumours_before": rumours.get(e.id, 0),
        "evidence": evidence.get(e.id),
    } for e, person_name, club_name, from_name in rows]


def article_events(session: Session, article_ids: list[int]) -> dict[int, list[dict]]:
    """Each article's events as the article states them (its own fee, date, official)."""
    c, fc = aliased(Club), aliased(Club)
    out: dict[int, list[dict]] = defaultdict(list)
    for chunk in (article_ids[i:i + 500] for i in range(0, len(article_ids), 500)):
        q = (select(EventMention, Person.name, c.name, fc.name)
             .join(Event, Event.id == EventMention.event_id)
             .join(Person, Person.id == Event.person_id)
             .outerjoin(c, c.id == EventMention.club_id)
             .outerjoin(fc, fc.id == EventMention.from_club_id)
             .where(EventMention.article_id.in_(chunk))
             .order_by(EventMention.article_id, EventMention.start))
        for m, person_name, club_name, from_name in session.execute(q):
            out[m.article_id].append({
                "event_id": m.event_id, "type": m.type, "rumoured_type": m.rumoured_type, "person": person_name,
                "role": m.role, "club": club_name, "from_club": from_name,
                "date": m.event_date.isoformat() if m.event_date else None,
                "contract_until": m.contract_until.isoformat() if m.contract_until else None,
                "fee": _fee(m.fee_kind, m.fee_amount, m.fee_currency), "official": bool(m.official),
                "evidence": m.sentence,
            })
    return out


def articles_with(session: Session, type_: str | None, club: str | None) -> set[int]:
    """Ids of articles with an event of this type / involving this club."""
    q = select(EventMention.article_id)
    if type_:
        q = q.where(or_(EventMention.type == type_, EventMention.rumoured_type == type_))
    if club:
        ids = club_ids(session, club)
        q = q.where(or_(EventMention.club_id.in_(ids), EventMention.from_club_id.in_(ids)))
    return set(session.scalars(q))
