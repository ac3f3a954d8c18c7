"""Opening the database: URL resolution, engine set-up and automatic migrations.

The database URL comes from ``--db``, else ``TRANSFERNEWS_DB``, else a SQLite file
``transfernews.db`` in the working directory. Opening a database brings its schema to
the newest Alembic revision, so a user never runs a separate step before the first crawl
(``transfernews db upgrade`` does the same explicitly).
"""
from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

import migrations

DEFAULT_DB_FILE = "transfernews.db"
ENV_VAR = "TRANSFERNEWS_DB"
#: seconds a SQLite connection waits for another writer before "database is locked"
TIMEOUT_ENV_VAR = "TRANSFERNEWS_DB_TIMEOUT"
DEFAULT_TIMEOUT = 30.0
#: PostgreSQL advisory lock key held while migrating
MIGRATION_LOCK_KEY = 0x746E6D67  # "tnmg"


def _timeout() -> float:
    try:
        return max(0.0, float(os.environ.get(TIMEOUT_ENV_VAR, DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


class DatabaseError(RuntimeError):
    """The database cannot be opened or migrated; the message says which and why."""


def resolve_url(url: str | None = None) -> str:
    """``--db`` value, else ``$TRANSFERNEWS_DB``, else ``sqlite:///transfernews.db``."""
    url = url or os.environ.get(ENV_VAR) or f"sqlite:///{DEFAULT_DB_FILE}"
    if "://" not in url:  # a bare path is a SQLite file
        url = f"sqlite:///{url}"
    return url


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the crawler
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints, safe with WAL
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(_timeout() * 1000)}")
    cursor.close()


def create_db_engine(url: str | None = None) -> Engine:
    url = resolve_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"bad database URL {url!r}: {exc}") from None
    kwargs: dict = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            parent = Path(database).expanduser().resolve().parent
            if not parent.is_dir():
                raise DatabaseError(f"cannot open database {url}: directory {parent} does not exist")
        kwargs["connect_args"] = {"timeout": _timeout()}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except Exception as exc:  # missing driver, bad options
        raise DatabaseError(f"cannot open database {parsed.render_as_string()}: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


#: made by migrations in raw SQL, per dialect, not by the models (see 0004 and 0006)
FULLTEXT_NAMES = {"column": {"search_vector"}, "index": {"ix_articles_search_vector"}}


def include_name(name, type_, parent_names) -> bool:
    """For Alembic's autogenerate: the full-text objects (SQLite's FTS5 index and its
    shadow tables, PostgreSQL's ``tsvector`` column and its index) are made by migrations
    in raw SQL, not by the models; leave them out of comparisons."""
    if type_ == "table" and name and name.startswith("articles_fts"):
        return False
    return name not in FULLTEXT_NAMES.get(type_, ())


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(migrations.__file__).parent))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _upgrade_sqlite(engine: Engine, cfg: Config, target: str) -> None:
    """SQLite needs care: Alembic's batch mode rebuilds tables (copy, drop, rename),
    which foreign keys forbid, and pysqlite runs DDL outside any transaction unless one
    is opened by hand. So: foreign keys off, one explicit transaction for the whole
    upgrade, an integrity check before commit, foreign keys back on. A failed upgrade
    leaves the database exactly as it was."""
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            cfg.attributes["connection"] = conn
            try:
                command.upgrade(cfg, target)
                problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise DatabaseError(f"migration would break foreign keys: {problems[:5]}")
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
        finally:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")


def upgrade(engine: Engine, target: str = "head") -> tuple[str | None, str]:
    """Apply pending migrations; returns (revision before, revision after)."""
    cfg = alembic_config(engine)
    try:
        before = current_revision(engine)
        if before != head_revision() or target != "head":
            if engine.dialect.name == "sqlite":
                _upgrade_sqlite(engine, cfg, target)
            else:
                with engine.begin() as conn:
                    if engine.dialect.name == "postgresql":
                        # crawler processes starting together on an empty database: one
                        # migrates, the others wait and then find the schema at head
                        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, target)
        return before, current_revision(engine)
    except OperationalError as exc:
        raise DatabaseError(f"database {engine.url.render_as_string()} unavailable: {exc.orig}") from None


def check_writable(engine: Engine) -> None:
    """Take and release the write lock (SQLite: ``BEGIN IMMEDIATE``), waiting up to the
    configured timeout, so a database another process keeps locked fails before the crawl
    starts, with a clear error, instead of inside it."""
    if engine.dialect.name != "sqlite":
        return
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            conn.rollback()
    except OperationalError as exc:
        raise DatabaseError(unavailable(engine.url.render_as_string(), exc)) from None


def unavailable(url: str, exc: BaseException, when: str = "") -> str:
    """The message for a database that refused a read or write: the driver's reason and,
    for a lock, who to blame and how long we waited."""
    try:
        url = make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        pass
    reason = str(getattr(exc, "orig", None) or exc).strip()
    hint = ""
    if "locked" in reason or "busy" in reason:
        hint = (f" (another process held the write lock for more than {_timeout():g} s; "
                f"{TIMEOUT_ENV_VAR} sets the wait)")
    elif "disk" in reason or "readonly" in reason or "read-only" in reason:
        hint = " (is the disk full, or the file or its directory not writable?)"
    return f"database {url} unavailable{when}: {reason}{hint}"


def open_db(url: str | None = None, migrate: bool = True) -> tuple[Engine, sessionmaker[Session]]:
    """Engine and session factory for ``url``, schema brought up to date."""
    engine = create_db_engine(url)
    if migrate:
        upgrade(engine)
    return engine, sessionmaker(engine, expire_on_commit=False)
