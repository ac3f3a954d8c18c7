"""Storing what the analyser read: people, clubs, events and their mentions, merged.

Merging rules (one fact = one ``events`` row, whatever the outlet or language):

* the same **person** — the person key folds scripts and spellings («Каррера» =
  "Carrera"); a shorter name inside a fuller one is the same person ("García Pimienta"
  in "Francisco Javier García Pimienta") when their surname keys agree;
* the same **move family** (transfer, loan and free transfer are one family; rumours
  count by the move they rumour) and the same **club**;
* stated events within ``DATE_WINDOW`` days of each other; a rumour joins a rumour of
  the same move reported within ``RUMOUR_WINDOW`` days;
* a rumour of a move that is later stated points at it (``confirmed_by_id``) instead
  of counting as a second move, whichever arrives first.

Every call runs in one write transaction, so concurrent analysers cannot create the
same person or event twice.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from rapidfuzz import fuzz
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from crawler.understanding.clubs import alias_norm, gazetteer
from crawler.understanding.events import ANALYZER_VERSION, MOVE_TYPES, Analysis, Mention, move_family
from crawler.understanding.text import is_cyrillic, person_key
from storage.models import Article, Club, ClubAlias, Event, EventMention, Person, PersonAlias
from storage.repository import EVENTS_LOCK_KEY, Repository

DATE_WINDOW = 21
RUMOUR_WINDOW = 120


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def same_person(a: str, b: str) -> bool:
    """Do two person keys name the same person?"""
    if a == b:
        return True
    ta, tb = a.split(), b.split()
    if not ta or not tb:
        return False
    short, long_ = sorted((ta, tb), key=len)
    if len(short) == 1 and short[0] in (long_[0], long_[-1]):
        return True  # "Antony" / "Antony Matheus dos Santos"; "Semak" / "Sergei Semak"
    if ta[-1] != tb[-1] and fuzz.ratio(ta[-1], tb[-1]) < 75:
        return False
    if set(short) <= set(long_) and (len(short) >= 2 or short[0] in (long_[0], long_[-1])):
        return True
    return fuzz.ratio(a, b) >= 85


class EventStore:
    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions
        self.repo = Repository(sessions)
        #: gazetteer key -> clubs.id, for clubs found in the database (never deleted)
        self._club_ids: dict[str, int] = {}

    # -- clubs and people ---------------------------------------------------------------

    def club_id(self, session: Session, key: str | None) -> int | None:
        """The row of a gazetteer club: created with its aliases on first use, and brought up
        to date with the gazetteer the first time this process meets it, so a database
        written by an older release gains the new canonical name and aliases."""
        if key is None:
            return None
        if key in self._club_ids:
            return self._club_ids[key]
        entry = gazetteer().clubs[key]
        club = session.scalar(select(Club).where(Club.key == key))
        if club is None:
            club = Club(key=key)
            session.add(club)
        for field, value in (("name", entry.name), ("country", entry.country or None), ("city", entry.city),
                             ("founded", entry.founded)):
            if getattr(club, field) != value:
                setattr(club, field, value)
        session.flush()
        have = set(session.scalars(select(ClubAlias.norm).where(ClubAlias.club_id == club.id)))
        for norm, (alias, lang, kind) in entry.aliases.items():
            if norm not in have:
                have.add(norm)
                session.add(ClubAlias(club_id=club.id, alias=alias, norm=norm, language=lang, kind=kind))
        for nick in sorted(entry.nicknames):
            norm = alias_norm(nick)
            if norm not in have:
                have.add(norm)
                session.add(ClubAlias(club_id=club.id, alias=nick, norm=norm, kind="nickname"))
        session.flush()
        # an old alias the gazetteer dropped stays: a user's search by it still finds the club
        self._club_ids[key] = club.id  # clubs are never deleted; see forget_cached
        return club.id

    def forget_cached(self) -> None:
        """After a rollback: a club found in the rolled-back transaction may be gone."""
        self._club_ids.clear()

    def person(self, session: Session, name: str, written: str) -> Person:
        key = person_key(name)
        surname = key.split()[-1] if key else ""
        first = key.split()[0] if key else ""
        # the same key, the surname or first name alone, or a longer name ending with the
        # surname or starting with the first name: index probes (migration 0007)
        candidates = session.scalars(select(Person).where(or_(
            Person.key.in_({key, surname, first}), Person.last_token == surname,
            Person.first_token == first))).all()
        best = None
        for p in candidates:
            if same_person(p.key, key):
                if best is None or len(p.key.split()) > len(best.key.split()):
                    best = p
        if best is None:
            best = Person(name=name, key=key, first_seen=utcnow())
            session.add(best)
            session.flush()
        elif len(key.split()) > len(best.key.split()) and not is_cyrillic(name):
            best.name, best.key = name, key  # a fuller spelling of the same person
        elif _latin_better(best.name, name):
            best.name = name
        def alias_under(norm: str) -> str | None:
            return session.scalar(select(PersonAlias.alias).where(
                PersonAlias.person_id == best.id, PersonAlias.norm == norm))

        for alias in sorted({written, name}):
            norm = person_key(alias)
            if not norm:
                continue
            taken = alias_under(norm)
            if taken is not None and taken != alias and is_cyrillic(alias) != is_cyrillic(taken):
                # «Массимо Каррера» folds to the key of "Massimo Carrera": the spelling in the
                # other script is kept too, so that a search by its letters finds the person
                # (its norm is marked, so the unique norm per person and the key lookups hold)
                norm = f"{norm} @cyrillic" if is_cyrillic(alias) else f"{norm} @latin"
                taken = alias_under(norm)
            if taken is None:
                session.add(PersonAlias(person_id=best.id, alias=alias, norm=norm))
        return best

    # -- events -------------------------------------------------------------------------

    def _find_event(self, session: Session, person_id: int, m: Mention, club_id: int | None,
                    reported: datetime) -> Event | None:
        fam = move_family(m.family)
        kinds = MOVE_TYPES if fam == "move" else {fam}
        rows = session.scalars(select(Event).where(Event.person_id == person_id)).all()
        for e in rows:
            e_fam = move_family(e.rumoured_type or e.type)
            if e_fam != fam or not _same_club(club_id, e.club_id):
                continue
            if m.type == "rumour":
                if e.type == "rumour" and _near(e.last_reported_at, reported, RUMOUR_WINDOW):
                    return e
            elif e.type != "rumour" and (e.rumoured_type or e.type) in kinds:
                if m.date is None or e.event_date is None or abs((e.event_date - m.date).days) <= DATE_WINDOW:
                    return e
        return None

    def _link_rumours(self, session: Session, event: Event) -> None:
        """Rumours of this stated move point at it; a rumour that arrives later too."""
        if event.type == "rumour":
            stated = session.scalars(select(Event).where(
                Event.person_id == event.person_id, Event.type != "rumour")).all()
            for s in stated:
                if move_family(s.type) == move_family(event.rumoured_type or "") and _same_club(s.club_id, event.club_id):
                    event.confirmed_by_id = s.id
                    return
            return
        rumours = session.scalars(select(Event).where(Event.person_id == event.person_id, Event.type == "rumour")).all()
        for r in rumours:
            if move_family(r.rumoured_type or "") == move_family(event.type) and _same_club(r.club_id, event.club_id):
                if event.event_date is None or r.first_reported_at is None or \
                        r.first_reported_at.date() <= event.event_date + timedelta(days=DATE_WINDOW):
                    r.confirmed_by_id = event.id

    def save(self, article_id: int, analysis: Analysis) -> list[int]:
        """Replace the article's mentions with ``analysis``; returns the event ids."""
        # events are merged across articles (find, then create or join): analyses serialise
        # among themselves on one advisory key (PostgreSQL), while stores go on in parallel
        with self.repo.writing(lock_keys=[EVENTS_LOCK_KEY]) as session:
            return self.save_in(session, article_id, analysis)

    def save_in(self, session: Session, article_id: int, analysis: Analysis, new: bool = False) -> list[int]:
        """:meth:`save` inside the caller's write transaction, which holds
        ``EVENTS_LOCK_KEY`` (PostgreSQL) when the article has or had events. ``new``: the
        article was inserted in this transaction, so it has no earlier mentions to drop."""
        article = session.get(Article, article_id)
        if not new:
            self._forget(session, article_id)
        article.is_transfer_news = analysis.is_transfer_news
        article.relevance = analysis.relevance
        article.analyzer_version = ANALYZER_VERSION
        reported = article.published_at or article.fetched_at
        now = utcnow()
        ids = []
        mentioned: set[int] = set()  # the article's earlier mentions are gone (_forget)
        for m in analysis.events:
            person = self.person(session, m.person, m.person_text)
            club_id = self.club_id(session, m.club)
            from_id = self.club_id(session, m.from_club)
            event = self._find_event(session, person.id, m, club_id, reported)
            if event is None:
                event = Event(type=m.type, rumoured_type=m.rumoured_type, person_id=person.id, role=m.role,
                              club_id=club_id, from_club_id=from_id, event_date=m.date,
                              contract_until=m.contract_until, official=m.official, mention_count=0,
                              first_reported_at=reported, last_reported_at=reported, updated_at=now)
                _set_fee(event, m)
                session.add(event)
                session.flush()
            else:
                _merge_fields(event, m, club_id, from_id, reported)
                event.updated_at = now
            if event.id in mentioned:
                continue  # two mentions of one fact in one article: the first one counts
            mentioned.add(event.id)
            mention = EventMention(
                event_id=event.id, article_id=article_id, type=m.type, rumoured_type=m.rumoured_type, role=m.role,
                person_text=m.person_text, club_id=club_id, from_club_id=from_id, event_date=m.date,
                contract_until=m.contract_until, official=m.official, sentence=m.sentence, start=m.start,
                end=m.end, confidence=m.confidence, analyzer_version=ANALYZER_VERSION)
            _set_fee(mention, m)
            session.add(mention)
            event.mention_count += 1
            session.flush()
            self._link_rumours(session, event)
            ids.append(event.id)
        return ids

    def _forget(self, session: Session, article_id: int) -> None:
        """Drop an article's earlier mentions (re-analysis), and events left with none."""
        old = session.scalars(select(EventMention).where(EventMention.article_id == article_id)).all()
        if not old:
            return
        touched = {m.event_id for m in old}
        session.execute(delete(EventMention).where(EventMention.article_id == article_id))
        session.flush()
        for event_id in touched:
            left = session.scalar(select(func.count()).select_from(EventMention).where(EventMention.event_id == event_id))
            event = session.get(Event, event_id)
            if left:
                event.mention_count = left
            else:
                for r in session.scalars(select(Event).where(Event.confirmed_by_id == event_id)):
                    r.confirmed_by_id = None
                session.delete(event)
        session.flush()


def _same_club(a: int | None, b: int | None) -> bool:
    """Two mentions agree on the club unless both name one and they differ."""
    return not a or not b or a == b


def _near(a: datetime | None, b: datetime, days: int) -> bool:
    if a is None:
        return True
    return abs((a - b).days) <= days


def _latin_better(current: str, new: str) -> bool:
    """A Latin-script spelling from the text beats a transliteration of ours; an
    accented spelling beats an unaccented one of the same length ("Rúben" > "Ruben")."""
    if is_cyrillic(new):
        return False
    if len(new.split()) != len(current.split()):
        return False
    return sum(not c.isascii() for c in new) > sum(not c.isascii() for c in current)


def _set_fee(row, m: Mention) -> None:
    if m.fee is None:
        return
    row.fee_kind, row.fee_amount, row.fee_currency = m.fee.kind, m.fee.amount, m.fee.currency


def _merge_fields(event: Event, m: Mention, club_id, from_id, reported: datetime) -> None:
    """Fill what the event lacks; an official mention's values win over a press report's."""
    authoritative = m.official and not event.official
    for field, value in (("club_id", club_id), ("from_club_id", from_id), ("event_date", m.date),
                         ("contract_until", m.contract_until), ("role", m.role)):
        if value is not None and (getattr(event, field) is None or authoritative):
            setattr(event, field, value)
    if m.fee is not None and (event.fee_kind is None or authoritative or
                              event.fee_kind == "undisclosed" and m.fee.kind == "amount"):
        _set_fee(event, m)
    if m.type != "rumour" and event.type == "rumour":
        event.type, event.rumoured_type = m.type, None
    event.official = event.official or m.official
    if event.first_reported_at is None or reported < event.first_reported_at:
        event.first_reported_at = reported
    if event.last_reported_at is None or event.last_reported_at < reported:
        event.last_reported_at = reported


class Analyzer:
    """Reads stored articles for events: after each new article in a crawl, and over the
    archive for ``transfernews analyze``."""

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions
        self.store = EventStore(sessions)
        self._sources: dict[int, tuple[str, str | None]] = {}

    def _source(self, session: Session, source_id: int) -> tuple[str, str | None]:
        if source_id not in self._sources:
            from storage.models import SourceRow

            src = session.get(SourceRow, source_id)
            club = (src.config or {}).get("club") if src else None
            self._sources[source_id] = (src.kind if src else "news", club)
        return self._sources[source_id]

    def analyze(self, article_id: int, analysis: Analysis | None = None) -> Analysis:
        """Read the article (unless ``analysis`` is what reading it gave, computed with
        its extraction) and store its events."""
        if analysis is None:
            with self.sessions() as session:
                analysis = self.read(session, article_id)
        self.store.save(article_id, analysis)
        return analysis

    def read(self, session: Session, article_id: int) -> Analysis:
        """The events of a stored article, not yet stored."""
        from crawler.understanding.events import analyze

        a = session.get(Article, article_id)
        kind, club = self._source(session, a.source_id)
        return analyze(a.text, a.title, a.language, a.published or a.published_at, kind, club)

    def pending(self, since: datetime | None = None, everything: bool = False, limit: int | None = None) -> list[int]:
        """Articles not yet read by this analyser version (or all, with ``everything``)."""
        with self.sessions() as session:
            q = select(Article.id).order_by(Article.published_at, Article.id)
            if not everything:
                q = q.where(or_(Article.analyzer_version.is_(None), Article.analyzer_version != ANALYZER_VERSION))
            if since is not None:
                q = q.where(or_(Article.published_at >= since, Article.fetched_at >= since))
            if limit:
                q = q.limit(limit)
            return list(session.scalars(q))

    def run(self, ids: list[int], workers: int | None = 0, batch: int = 200) -> dict[str, int]:
        """Read and store the events of ``ids``. With ``workers`` (None: one per usable
        core) the reading runs in a process pool while this process stores, ``batch``
        articles per transaction; events are merged in the order of ``ids`` either way."""
        from crawler.processing import map_batches

        counts = {"articles": 0, "transfer_news": 0, "mentions": 0}
        for done in map_batches(_analyze_job, self._jobs(ids, batch), workers, batch):
            self._save_batch(done, counts)
        return counts

    def _jobs(self, ids: list[int], batch: int):
        for start in range(0, len(ids), batch):
            with self.sessions() as session:
                rows = session.execute(select(
                    Article.id, Article.text, Article.title, Article.language, Article.published,
                    Article.published_at, Article.source_id).where(Article.id.in_(ids[start:start + batch]))).all()
                by_id = {row.id: row for row in rows}
                for article_id in ids[start:start + batch]:
                    row = by_id.get(article_id)
                    if row is not None:
                        kind, club = self._source(session, row.source_id)
                        yield (row.id, row.text, row.title, row.language, row.published or row.published_at, kind, club)

    def _save_batch(self, done: list[tuple[int, Analysis]], counts: dict[str, int]) -> None:
        with self.store.repo.writing(lock_keys=[EVENTS_LOCK_KEY]) as session:
            for article_id, analysis in done:
                self.store.save_in(session, article_id, analysis)
                counts["articles"] += 1
                counts["transfer_news"] += analysis.is_transfer_news
                counts["mentions"] += len(analysis.events)


def _analyze_job(job) -> tuple[int, Analysis]:
    """Runs in a pool worker: one article's events, not yet stored."""
    from crawler.understanding.events import analyze

    article_id, *args = job
    return article_id, analyze(*args)
