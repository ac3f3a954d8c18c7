"""The relational schema: what was watched, fetched, and kept.

* ``sources`` — the registry entries, as last crawled (config kept as JSON).
* ``crawl_runs`` — one row per run with its status and counters.
* ``pages`` — every URL the crawler fetched (or failed to), keyed by URL key: HTTP
  status, outcome, validators for conditional GET, content hash, and the raw body
  (zlib-compressed) so extraction can be re-run later without refetching.
* ``articles`` — one row per article, unique by the key of its canonical URL.
* ``article_urls`` — every URL (alias) that led to an article: AMP copies, tracking
  variants, redirects. The incremental crawl treats all of them as done.
* ``feed_entries`` — what feeds and news sitemaps announced (guid, title, date).
* ``stories`` — one piece of news: an article and its syndicated and near copies;
  every article belongs to exactly one story.
* ``article_bands`` — the LSH bands of each article's MinHash fingerprint, indexed, so
  near-copy candidates are found by SQL lookups (see ``storage/fingerprint.py``).
* ``article_revisions`` — earlier texts of articles that changed after publication.
* ``clubs`` / ``club_aliases`` — the club gazetteer (openfootball, CC0, plus our
  Cyrillic, exonym and nickname aliases), loaded by ``transfernews analyze`` and crawls.
* ``people`` / ``person_aliases`` — people named in events, one row per person whatever
  the script or spelling («Каррера» and "Carrera" are one person).
* ``events`` — one row per fact (a transfer, loan, appointment, dismissal…), merged
  across outlets and languages; a rumour that came true points at the official event.
* ``event_mentions`` — each article's statement of an event: the evidence sentence with
  character offsets into ``articles.text``, and the fields as that article gives them.

Text columns are unbounded ``Text``; titles are not unique (empty titles collide).
Migrations in ``migrations/`` must be kept in step with this module; a test checks it.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    SmallInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """An instant, stored as UTC and always read back timezone-aware.

    SQLite has no timezone type and would hand back naive datetimes; PostgreSQL's
    ``timestamptz`` would not. Normalising here gives both backends the same values.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class SourceRow(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="news")
    language: Mapped[str | None] = mapped_column(String(8))
    config: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: running | ok | partial (some fetches failed) | failed | interrupted
    status: Mapped[str] = mapped_column(String(20), default="running")
    sources: Mapped[list | None] = mapped_column(JSON)
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    pages_not_modified: Mapped[int] = mapped_column(Integer, default=0)
    articles_new: Mapped[int] = mapped_column(Integer, default=0)
    articles_alias: Mapped[int] = mapped_column(Integer, default=0)
    not_articles: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    skipped_known: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)


class CrawlRunSource(Base):
    """What one run did for one source: the history ``transfernews health`` reads."""

    __tablename__ = "crawl_run_sources"

    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), primary_key=True, index=True)
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    pages_not_modified: Mapped[int] = mapped_column(Integer, default=0)
    articles_new: Mapped[int] = mapped_column(Integer, default=0)
    articles_alias: Mapped[int] = mapped_column(Integer, default=0)
    not_articles: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)


class Page(Base):
    """One fetched URL. ``state`` says what came of it:

    ``article`` (stored as an article), ``alias`` (another URL of a stored article),
    ``not_article`` (HTML without an article: index pages, shops), ``listing`` / ``feed``
    / ``sitemap`` (discovery pages, re-fetched every run), ``skipped`` (not HTML, e.g. a
    PDF, a page over the size cap), ``gone`` (404/410), ``error`` (5xx, timeout, refused,
    redirect loop: retried next run), ``blocked`` (robots.txt; tried again when rediscovered).
    """

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    url_key: Mapped[str] = mapped_column(Text, unique=True)
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    role: Mapped[str] = mapped_column(String(20), default="article")
    state: Mapped[str] = mapped_column(String(20))
    http_status: Mapped[int | None] = mapped_column(Integer)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(Text)
    encoding: Mapped[str | None] = mapped_column(String(40))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    raw_zlib: Mapped[bytes | None] = mapped_column(LargeBinary)
    error: Mapped[str | None] = mapped_column(Text)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))

    __table_args__ = (Index("ix_pages_state", "state"),)


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    url_key: Mapped[str] = mapped_column(Text, unique=True)
    canonical_url: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    #: publication time as the page gave it (ISO 8601, with its own offset, or a bare date)
    published: Mapped[str | None] = mapped_column(String(40))
    #: the same instant in UTC, for sorting and filtering
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    modified: Mapped[str | None] = mapped_column(String(40))
    date_source: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str | None] = mapped_column(String(8))
    language_confidence: Mapped[float | None]
    description: Mapped[str | None] = mapped_column(Text)
    sitename: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    #: MinHash signature (128 little-endian uint32) and the number of distinct shingles
    fingerprint: Mapped[bytes | None] = mapped_column(LargeBinary)
    shingle_count: Mapped[int | None] = mapped_column(Integer)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", use_alter=True), index=True)
    extractor_version: Mapped[str | None] = mapped_column(String(40))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    #: transfer/appointment news or other football news (None: not analysed yet)
    is_transfer_news: Mapped[bool | None] = mapped_column(Boolean, index=True)
    #: the relevance score behind ``is_transfer_news`` (0..1)
    relevance: Mapped[float | None] = mapped_column(Float)
    #: version of the event analyser that last read this article
    analyzer_version: Mapped[str | None] = mapped_column(String(20))

    source: Mapped[SourceRow] = relationship()
    urls: Mapped[list["ArticleUrl"]] = relationship(back_populates="article")

    __table_args__ = (Index("ix_articles_published_at", "published_at"),)


class Story(Base):
    """A piece of news and the articles that carry it (syndicated and near copies)."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: the earliest member, or the earliest official club communiqué when there is one
    primary_article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", use_alter=True))
    member_count: Mapped[int] = mapped_column(Integer, default=0)


class ArticleBand(Base):
    __tablename__ = "article_bands"

    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    hash: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True, index=True)


class ArticleRevision(Base):
    """The text of an article as it was before a later fetch found it changed."""

    __tablename__ = "article_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    #: when this text was fetched, and when it was replaced
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: edited (the outlet changed it) | reextract (our extractor changed)
    reason: Mapped[str] = mapped_column(String(20))

    __table_args__ = (UniqueConstraint("article_id", "revision"),)


class ArticleUrl(Base):
    __tablename__ = "article_urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the URL as linked (tracking parameters and fragment removed); AMP copies and
    #: other spellings get their own rows, all with the article's key
    url: Mapped[str] = mapped_column(Text, unique=True)
    url_key: Mapped[str] = mapped_column(Text, index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    #: canonical | fetched | redirect | alias (AMP, tracking variant, same content)
    relation: Mapped[str] = mapped_column(String(20))
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime())

    article: Mapped[Article] = relationship(back_populates="urls")


class FeedEntry(Base):
    __tablename__ = "feed_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    feed_url: Mapped[str] = mapped_column(Text)
    guid: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    url_key: Mapped[str] = mapped_column(Text, index=True)
    title: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("feed_url", "guid"),)


class Club(Base):
    """A club, by its canonical (English-usage) name."""

    __tablename__ = "clubs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stable identifier from the gazetteer, e.g. ``ru:spartak-moscow``
    key: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(40))
    city: Mapped[str | None] = mapped_column(Text)
    founded: Mapped[int | None] = mapped_column(Integer)

    aliases: Mapped[list["ClubAlias"]] = relationship(back_populates="club")


class ClubAlias(Base):
    """A name a club is written by: official names, short names, exonyms ("Spartak Mosca"),
    other scripts («Спартак») and unambiguous nicknames ("bianconeri" is not one)."""

    __tablename__ = "club_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id"), index=True)
    alias: Mapped[str] = mapped_column(Text)
    #: casefolded, accents removed: what lookups compare
    norm: Mapped[str] = mapped_column(Text, index=True)
    language: Mapped[str | None] = mapped_column(String(8))
    #: name | exonym | nickname
    kind: Mapped[str] = mapped_column(String(20), default="name")

    club: Mapped[Club] = relationship(back_populates="aliases")

    __table_args__ = (UniqueConstraint("club_id", "norm"),)


class Person(Base):
    """A player, coach or director, under the Latin-script name first seen for them."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    #: script- and spelling-independent key (transliterated, accents and doubled
    #: letters folded): «Каррера» and "Carrera" share it
    key: Mapped[str] = mapped_column(Text, index=True)
    #: the first word of ``key``, set with it: finding "Marco Baroni" for "Marco" is an
    #: index probe, not a scan (see :meth:`storage.events.EventStore.person`)
    first_token: Mapped[str | None] = mapped_column(Text, index=True)
    #: the last word of ``key`` (the surname), set with it: finds "Marco Baroni" for "Baroni"
    last_token: Mapped[str | None] = mapped_column(Text, index=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime())

    aliases: Mapped[list["PersonAlias"]] = relationship(back_populates="person")

    @validates("key")
    def _tokens(self, _name: str, key: str) -> str:
        words = key.split()
        self.first_token, self.last_token = (words[0], words[-1]) if words else (None, None)
        return key


class PersonAlias(Base):
    __tablename__ = "person_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    alias: Mapped[str] = mapped_column(Text)
    norm: Mapped[str] = mapped_column(Text, index=True)

    person: Mapped[Person] = relationship(back_populates="aliases")

    __table_args__ = (UniqueConstraint("person_id", "norm"),)


class Event(Base):
    """One fact: who moved where, in which role, when — merged over every article that
    reports it. Field values are the best supported by its mentions (official ones first)."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: transfer | loan | free_transfer | contract_extension | termination | appointment |
    #: dismissal | resignation | rumour
    type: Mapped[str] = mapped_column(String(30), index=True)
    #: for rumours, the move rumoured
    rumoured_type: Mapped[str | None] = mapped_column(String(30))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    #: player | head_coach | assistant_coach | caretaker | sporting_director | president | …
    role: Mapped[str | None] = mapped_column(String(30))
    club_id: Mapped[int | None] = mapped_column(ForeignKey("clubs.id"), index=True)
    from_club_id: Mapped[int | None] = mapped_column(ForeignKey("clubs.id"), index=True)
    event_date: Mapped[date | None] = mapped_column(Date, index=True)
    contract_until: Mapped[date | None] = mapped_column(Date)
    #: amount | free | undisclosed
    fee_kind: Mapped[str | None] = mapped_column(String(12))
    fee_amount: Mapped[int | None] = mapped_column(BigInteger)
    fee_currency: Mapped[str | None] = mapped_column(String(3))
    official: Mapped[bool] = mapped_column(Boolean, default=False)
    #: a rumour that came true: the official event it became
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    mention_count: Mapped[int] = mapped_column(Integer, default=0)
    first_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship()
    club: Mapped[Club | None] = relationship(foreign_keys=[club_id])
    from_club: Mapped[Club | None] = relationship(foreign_keys=[from_club_id])
    mentions: Mapped[list["EventMention"]] = relationship(back_populates="event")


class EventMention(Base):
    """An article's statement of an event, with the sentence that says it."""

    __tablename__ = "event_mentions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    type: Mapped[str] = mapped_column(String(30))
    rumoured_type: Mapped[str | None] = mapped_column(String(30))
    role: Mapped[str | None] = mapped_column(String(30))
    #: the person as the article writes them («Массимо Каррера»)
    person_text: Mapped[str | None] = mapped_column(Text)
    club_id: Mapped[int | None] = mapped_column(ForeignKey("clubs.id"))
    from_club_id: Mapped[int | None] = mapped_column(ForeignKey("clubs.id"))
    event_date: Mapped[date | None] = mapped_column(Date)
    contract_until: Mapped[date | None] = mapped_column(Date)
    fee_kind: Mapped[str | None] = mapped_column(String(12))
    fee_amount: Mapped[int | None] = mapped_column(BigInteger)
    fee_currency: Mapped[str | None] = mapped_column(String(3))
    official: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the evidence sentence, and its offsets in ``articles.text`` (-1 when it is the title)
    sentence: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float)
    analyzer_version: Mapped[str] = mapped_column(String(20))

    event: Mapped[Event] = relationship(back_populates="mentions")

    __table_args__ = (UniqueConstraint("article_id", "event_id"),)
