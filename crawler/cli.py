"""The ``transfernews`` command line.

Exit codes (stable, for cron and monitoring):

=====  ==========================================================
0      success
1      the crawl finished but some fetches failed (retried next run)
2      configuration error (sources file, options)
3      database (or, distributed, Redis) unavailable or not migratable
4      the crawl itself failed or was interrupted
5      another crawl holds the lock on this database (cron overlap)
=====  ==========================================================

``transfernews health`` exits 1 when any source is unhealthy.
"""
from __future__ import annotations

import csv
import json
import sys
from datetime import datetime, timezone

import click

from crawler.registry import RegistryError, load_registry, select
from storage.db import DatabaseError, open_db, resolve_url, upgrade
from storage.event_queries import EVENT_TYPES

EXIT_OK, EXIT_PARTIAL, EXIT_CONFIG, EXIT_DB, EXIT_FAILED, EXIT_LOCKED = 0, 1, 2, 3, 4, 5
LOG_MAX_BYTES = 5 * 1024 * 1024
LOG_BACKUPS = 3
DEFAULT_SOURCES = "sources.yaml"

db_option = click.option(
    "--db", "db_url", metavar="URL", default=None,
    help="Database URL (default: $TRANSFERNEWS_DB, else sqlite:///transfernews.db).",
)
sources_option = click.option(
    "--sources", "sources_file", metavar="FILE", default=DEFAULT_SOURCES, show_default=True,
    help="Source registry (YAML).",
)


def fail(message: str, code: int) -> None:
    click.echo(f"transfernews: error: {message}", err=True)
    sys.exit(code)


def _parse_date(value: str | None, option: str = "--since") -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"{option} expects an ISO date such as 2024-03-12 or 2024-03-12T18:00, got {value!r}", EXIT_CONFIG)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _open(db_url: str | None):
    try:
        return open_db(db_url)
    except DatabaseError as exc:
        fail(str(exc), EXIT_DB)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="transfernews")
def main() -> None:
    """Crawl football transfer and coach-appointment news into a SQL database."""


def _print_run(run, quiet: bool = False) -> int:
    import logging

    if run is None:
        click.echo("crawl did not start", err=True)
        return EXIT_FAILED
    seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at else 0.0
    worker = getattr(run, "worker", None)
    summary = (
        f"run {run.id} {run.status} in {seconds:.1f}s"
        f"{f' (worker {worker}, took over {run.taken_over} in-flight requests)' if worker else ''}: "
        f"{run.pages_fetched} pages fetched, "
        f"{run.articles_new} new articles, {run.articles_alias} duplicate URLs, "
        f"{run.not_articles} not articles, {run.pages_not_modified} not modified, "
        f"{run.skipped_known} already known, {run.errors} errors"
    )
    logging.getLogger("transfernews").info(summary)
    code = {"ok": EXIT_OK, "partial": EXIT_PARTIAL}.get(run.status, EXIT_FAILED)
    if not quiet or code != EXIT_OK:
        click.echo(summary)
    return code


class _RunLogFilter:
    """The log file gets our own summary lines and every warning or error."""

    def filter(self, record) -> bool:
        import logging

        return record.levelno >= logging.WARNING or record.name.startswith("transfernews")


def _log_to_file(path: str | None) -> None:
    """A concise rotating log for cron. A full disk or an unwritable file never stops
    the crawl: logging reports its own failures on stderr and carries on."""
    import logging
    from logging.handlers import RotatingFileHandler

    if not path:
        return
    try:
        handler = RotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8",
                                      delay=True)
    except OSError as exc:
        click.echo(f"transfernews: warning: cannot log to {path}: {exc}", err=True)
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_RunLogFilter())
    logging.getLogger().addHandler(handler)
    logging.getLogger("transfernews").setLevel(logging.INFO)


def _crawl(sources, db_url, settings, log_level, quiet: bool = False, log_file: str | None = None,
           distributed: bool = False, redis_url: str | None = None, join_only: bool = False) -> int:
    import os
    import sys as _sys
    from contextlib import nullcontext

    from crawler.runlock import LockHeld, RunLock, lock_path_for
    from crawler.runner import FrontierUnavailable, SettingError, parse_overrides, redis_available, run_crawl

    try:
        overrides = parse_overrides(settings)
    except SettingError as exc:
        fail(str(exc), EXIT_CONFIG)
    distributed = distributed or overrides.pop("TRANSFERNEWS_DISTRIBUTED", "").lower() in ("1", "true", "yes")
    redis_url = redis_url or overrides.pop("TRANSFERNEWS_REDIS_URL", None) or os.environ.get("TRANSFERNEWS_REDIS")
    distributed = distributed or join_only
    if distributed and not redis_url:
        fail("--distributed needs the Redis of the shared frontier: --redis URL or $TRANSFERNEWS_REDIS", EXIT_CONFIG)
    if not distributed:
        redis_url = None
    if _sys.stderr.isatty() and not quiet:
        overrides.setdefault("TRANSFERNEWS_PROGRESS", "True")
    _log_to_file(log_file)
    try:
        from storage.db import create_db_engine

        create_db_engine(db_url).dispose()  # a bad URL or a missing directory: exit 3, before the lock file
        if redis_url:
            redis_available(redis_url)
        if join_only:
            from crawler.distributed import DEFAULT_PREFIX, DEFAULT_WORKER_TTL, Frontier

            frontier = Frontier(redis_url, overrides.get("TRANSFERNEWS_REDIS_PREFIX") or DEFAULT_PREFIX,
                                float(overrides.get("TRANSFERNEWS_WORKER_TTL") or DEFAULT_WORKER_TTL))
            if not frontier.in_progress():
                if not quiet:
                    click.echo("no distributed run in progress: nothing to join")
                return EXIT_OK
        # distributed workers share the crawl by design: the frontier in Redis, not a lock
        # file, keeps them from doing the same work twice
        with nullcontext() if redis_url else RunLock(lock_path_for(resolve_url(db_url))):
            run = run_crawl(sources, db_url, overrides, "ERROR" if quiet else log_level, redis_url)
    except FrontierUnavailable as exc:
        fail(str(exc), EXIT_DB)
    except LockHeld as exc:
        fail(str(exc), EXIT_LOCKED)
    except OSError as exc:
        fail(f"cannot create the run lock: {exc}", EXIT_DB)
    except DatabaseError as exc:
        fail(str(exc), EXIT_DB)
    return _print_run(run, quiet)


@main.command()
@sources_option
@click.option("--source", "names", multiple=True, metavar="NAME", help="Crawl only this source (repeatable).")
@db_option
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE",
              help="Scrapy setting, e.g. -s DOWNLOAD_DELAY=0 (repeatable).")
@click.option("--log-level", default="WARNING", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
@click.option("-q", "--quiet", is_flag=True, help="Print nothing unless something failed (for cron).")
@click.option("--log-file", metavar="FILE", default=None,
              help="Also append run summaries and warnings to FILE (rotated at 5 MB, 3 kept).")
@click.option("--distributed", is_flag=True,
              help="Share the crawl with other workers through a frontier in Redis (see docs/scaling.md).")
@click.option("--redis", "redis_url", metavar="URL", default=None,
              help="Redis of the shared frontier, e.g. redis://host:6379/0 (default: $TRANSFERNEWS_REDIS).")
@click.option("--join-only", is_flag=True,
              help="Distributed: help with a run in progress, never open one (exit 0 when there is none).")
def crawl(sources_file, names, db_url, settings, log_level, quiet, log_file, distributed, redis_url, join_only):
    """Fetch new articles from the sources into the database."""
    try:
        sources = select(load_registry(sources_file), names)
    except RegistryError as exc:
        fail(str(exc), EXIT_CONFIG)
    if not sources:
        fail(f"{sources_file}: no enabled source to crawl", EXIT_CONFIG)
    sys.exit(_crawl(sources, db_url, settings, log_level, quiet, log_file, distributed, redis_url, join_only))


@main.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl", show_default=True)
@click.option("--since", metavar="DATE", help="Only articles first stored at or after DATE (ISO 8601).")
@click.option("--until", metavar="DATE", help="Only articles first stored before DATE (ISO 8601).")
@click.option("--source", metavar="NAME", help="Only articles of this source.")
@click.option("--lang", "language", metavar="XX", help="Only articles in this language.")
@click.option("--type", "event_type", type=click.Choice(EVENT_TYPES), help="Only articles reporting an event of this type.")
@click.option("--club", metavar="NAME", help="Only articles reporting an event of this club (any alias or script).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Output file (default: stdout; required for parquet).")
def export(db_url, fmt, since, until, source, language, event_type, club, output):
    """Write the stored articles as JSON Lines, CSV or Parquet."""
    from storage.queries import EXPORT_FIELDS, iter_articles

    since_dt, until_dt = _parse_date(since), _parse_date(until, "--until")
    _engine, sessions = _open(db_url)
    if fmt == "parquet":
        if not output:
            fail("--format parquet needs -o FILE", EXIT_CONFIG)
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            fail("Parquet export needs pyarrow: pip install 'transfernews[parquet]'", EXIT_CONFIG)
        with sessions() as session:
            rows = list(iter_articles(session, since_dt, source, until=until_dt, language=language,
                                     event_type=event_type, club=club))
        for row in rows:
            row["events"] = json.dumps(row["events"], ensure_ascii=False)
        table = pa.Table.from_pylist(rows, schema=_parquet_schema(pa)) if rows else _parquet_schema(pa).empty_table()
        pq.write_table(table, output)
        click.echo(f"{len(rows)} articles written to {output}", err=True)
        return
    stream = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    count = 0
    try:
        writer = csv.DictWriter(stream, fieldnames=EXPORT_FIELDS) if fmt == "csv" else None
        if writer:
            writer.writeheader()
        with sessions() as session:
            for row in iter_articles(session, since_dt, source, until=until_dt, language=language,
                                     event_type=event_type, club=club):
                if writer:
                    writer.writerow(row | {"events": json.dumps(row["events"], ensure_ascii=False)})
                else:
                    stream.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
    finally:
        if output:
            stream.close()
    if output:
        click.echo(f"{count} articles written to {output}", err=True)


def _parquet_schema(pa):
    from storage.queries import EXPORT_FIELDS

    types = {"id": pa.int64(), "language_confidence": pa.float64(), "story_id": pa.int64(), "is_primary": pa.bool_(),
             "is_transfer_news": pa.bool_()}
    return pa.schema([(name, types.get(name, pa.string())) for name in EXPORT_FIELDS])


@main.command("sources")
@sources_option
def list_sources(sources_file):
    """Validate the source registry and list its sources."""
    try:
        sources = load_registry(sources_file)
    except RegistryError as exc:
        fail(str(exc), EXIT_CONFIG)
    for s in sources:
        state = "" if s.enabled else "  (disabled)"
        click.echo(f"{s.name:24} {s.kind:5} {s.language or '--':3} feeds={len(s.feeds)} "
                   f"sitemaps={len(s.sitemaps)} pages={len(s.pages)}{state}")
    click.echo(f"{len(sources)} sources OK in {sources_file}")


@main.command()
@db_option
def stats(db_url):
    """Show what the database holds and the last runs."""
    from storage.queries import summary

    _engine, sessions = _open(db_url)
    with sessions() as session:
        data = summary(session)
    click.echo(f"database: {resolve_url(db_url)}")
    click.echo(f"articles: {data['articles']}  (URLs: {data['article_urls']}, feed entries: {data['feed_entries']})")
    for name, count, last in data["per_source"]:
        click.echo(f"  {name:24} {count:7}  last new: {last.isoformat(timespec='seconds') if last else '-'}")
    click.echo("languages: " + ", ".join(f"{lang} {count}" for lang, count in data["per_language"]))
    click.echo("pages: " + ", ".join(f"{state} {count}" for state, count in data["page_states"]))
    for run in data["runs"]:
        click.echo(f"  run {run.id} {run.started_at.isoformat(timespec='seconds')} {run.status}: "
                   f"{run.articles_new} new, {run.errors} errors")


@main.command()
@db_option
@click.option("--source", metavar="NAME", help="Only articles of this source.")
@click.option("--since", metavar="DATE", help="Only articles first stored at or after DATE (ISO 8601).")
def reextract(db_url, source, since):
    """Re-run extraction and cleaning over the stored raw HTML; update articles in place."""
    from storage.reextract import reextract as run_reextract

    since_dt = _parse_date(since)
    _engine, sessions = _open(db_url)
    report = run_reextract(sessions, source, since_dt)
    fields = ", ".join(f"{name} {count}" for name, count in sorted(report.changed_fields.items()))
    click.echo(f"{report.examined} articles examined: {report.changed} changed"
               f"{f' ({fields})' if fields else ''}, {report.unchanged} unchanged, "
               f"{report.no_raw_html} without stored HTML, {report.no_longer_article} no longer look like articles "
               f"(kept as they were)")


@main.command()
@db_option
@click.option("--since", metavar="DATE", help="Only articles published or stored at or after DATE.")
@click.option("--all", "everything", is_flag=True, help="Re-read every article, not only unread ones.")
def analyze(db_url, since, everything):
    """Read stored articles for transfer and appointment events (new articles are read
    during the crawl; this catches up after an upgrade of the analyser)."""
    from storage.events import Analyzer

    since_dt = _parse_date(since)
    _engine, sessions = _open(db_url)
    analyzer = Analyzer(sessions)
    ids = analyzer.pending(since_dt, everything or since_dt is not None)
    counts = analyzer.run(ids, workers=None)
    click.echo(f"{counts['articles']} articles analysed: {counts['transfer_news']} transfer news, "
               f"{counts['mentions']} event mentions")


@main.command("events")
@db_option
@click.option("--club", metavar="NAME", help="Events of this club, as destination or origin (any alias or script).")
@click.option("--person", metavar="NAME", help="Events of this person (any spelling or script).")
@click.option("--type", "type_", type=click.Choice(EVENT_TYPES), help="Only this type (rumours: the rumoured type too).")
@click.option("--since", metavar="DATE", help="Only events on or after DATE.")
@click.option("--limit", type=int, default=None)
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "csv"]), default="table", show_default=True)
def list_events_command(db_url, club, person, type_, since, limit, fmt):
    """Merged events: one row per fact, with how many outlets and languages reported it."""
    from storage.event_queries import list_events

    since_dt = _parse_date(since)
    _engine, sessions = _open(db_url)
    with sessions() as session:
        rows = list_events(session, club, person, type_, since_dt, limit)
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    if fmt == "csv":
        fields = [k for k in rows[0]] if rows else ["id"]
        writer = csv.DictWriter(sys.stdout, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
                             for k, v in row.items()})
        return
    if not rows:
        click.echo("no events")
        return
    for r in rows:
        kind = f"rumour ({r['rumoured_type']})" if r["type"] == "rumour" else r["type"]
        fee = r["fee"] if isinstance(r["fee"], str) else (f"{r['fee']['amount']:,} {r['fee']['currency']}" if r["fee"] else "")
        move = f"{r['from_club']} → {r['club']}" if r["from_club"] else (r["club"] or "?")
        click.echo(f"{r['date'] or '(rumour)':10}  {kind:22} {r['person']} ({r['role']}) {move}"
                   f"{'  until ' + r['contract_until'] if r['contract_until'] else ''}{'  fee ' + fee if fee else ''}"
                   f"  {'official' if r['official'] else 'unofficial'}  {r['mentions']} mentions, "
                   f"{len(r['sources'])} sources [{', '.join(r['languages'])}]"
                   f"{'  (+' + str(r['rumours_before']) + ' earlier rumour)' if r['rumours_before'] else ''}")


@main.command("search")
@click.argument("query")
@db_option
@click.option("--lang", "language", metavar="XX", help="Only articles in this language (it, ru, en …).")
@click.option("--source", metavar="NAME", help="Only articles of this source.")
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--raw", is_flag=True, help="QUERY is FTS5 syntax (OR, NEAR, prefix*), not plain words.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def search_command(query, db_url, language, source, limit, raw, fmt):
    """Full-text search in titles and texts; best matches first."""
    from storage.search import SearchError, search

    _engine, sessions = _open(db_url)
    try:
        with sessions() as session:
            rows = search(session, query, language, source, limit, raw)
    except SearchError as exc:
        fail(str(exc), EXIT_CONFIG)
    for row in rows:
        if fmt == "jsonl":
            click.echo(json.dumps(row, ensure_ascii=False, default=str))
        else:
            snippet = " ".join((row["snippet"] or "").split())
            click.echo(f"[{row['language'] or '??'}] {row['source']:14} {row['title']}\n    {snippet}")
    if fmt == "table":
        click.echo(f"{len(rows)} result(s)", err=True)


@main.command("stories")
@db_option
@click.option("--min-members", type=int, default=2, show_default=True, help="Only stories with this many articles.")
@click.option("--since", metavar="DATE", help="Only stories first seen at or after DATE.")
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def list_stories(db_url, min_members, since, limit, fmt):
    """List stories (an article and its syndicated and near copies), largest first."""
    from storage.queries import stories

    since_dt = _parse_date(since)
    _engine, sessions = _open(db_url)
    with sessions() as session:
        rows = stories(session, min_members, since_dt, limit)
    for story in rows:
        if fmt == "jsonl":
            click.echo(json.dumps(story, ensure_ascii=False))
            continue
        click.echo(f"story {story['story_id']}: {story['member_count']} articles, first seen {story['first_seen']}")
        for m in story["members"]:
            mark = "*" if m["is_primary"] else " "
            click.echo(f"  {mark} [{m['language'] or '??'}] {m['source']:14} {m['title']}")


@main.command()
@db_option
@click.option("--source", "names", multiple=True, metavar="NAME", help="Check only this source (repeatable).")
@click.option("--silent-runs", type=int, default=3, show_default=True,
              help="Unhealthy after this many runs without a new article.")
@click.option("--error-rate", type=float, default=0.5, show_default=True,
              help="Unhealthy when the last run's fetch error rate reaches this (and doubled).")
@click.option("--not-article-rate", type=float, default=0.8, show_default=True,
              help="Unhealthy when this share of fetched pages were not articles (template change).")
def health(db_url, names, silent_runs, error_rate, not_article_rate):
    """Check every source's recent runs; exit 1 when any source is unhealthy."""
    from storage.health import check

    _engine, sessions = _open(db_url)
    with sessions() as session:
        report = check(session, silent_runs, error_rate, not_article_rate, sources=list(names) or None)
    for item in report:
        status = "ok" if item.healthy else "UNHEALTHY"
        click.echo(f"{item.source:24} {status:9} ({item.runs} runs)" + "".join(f"\n    - {p}" for p in item.problems))
    bad = [item.source for item in report if not item.healthy]
    if bad:
        click.echo(f"{len(bad)} unhealthy source(s): {', '.join(bad)}", err=True)
        sys.exit(1)


@main.command()
@click.option("--every", default="1h", show_default=True, help="Interval: 15m, 30m, 1h, 2h, 6h, 1d …")
@sources_option
@db_option
@click.option("--install", is_flag=True, help="Add the line to this user's crontab (replacing an earlier one).")
def schedule(every, sources_file, db_url, install):
    """Print (or install) the crontab line that runs the crawl."""
    import re
    import shlex
    import subprocess
    from pathlib import Path

    match = re.fullmatch(r"(\d+)([mhd])", every.strip())
    if not match or int(match.group(1)) == 0:
        fail(f"--every expects a number and m, h or d, such as 1h; got {every!r}", EXIT_CONFIG)
    n, unit = int(match.group(1)), match.group(2)
    if unit == "m":
        if 60 % n:
            fail("--every in minutes must divide 60 (5m, 10m, 15m, 20m, 30m)", EXIT_CONFIG)
        timing = f"*/{n} * * * *"
    elif unit == "h":
        if 24 % n:
            fail("--every in hours must divide 24 (1h, 2h, 3h, 4h, 6h, 8h, 12h)", EXIT_CONFIG)
        timing = f"17 {'*' if n == 1 else f'*/{n}'} * * *"
    else:
        timing = f"17 3 */{n} * *" if n > 1 else "17 3 * * *"
    workdir = Path.cwd()
    command = (f"cd {shlex.quote(str(workdir))} && {shlex.quote(sys.argv[0] if sys.argv[0].endswith('transfernews') else 'transfernews')}"
               f" crawl --sources {shlex.quote(str(Path(sources_file).resolve()))} --quiet --log-file transfernews.log")
    if db_url:
        command += f" --db {shlex.quote(db_url)}"
    line = f"{timing} {command}  # transfernews"
    if not install:
        click.echo(line)
        return
    try:
        current = subprocess.run(["crontab", "-l"], capture_output=True, text=True)
    except FileNotFoundError:
        fail("no crontab command on this machine; add the line by hand:\n" + line, EXIT_CONFIG)
    kept = [l for l in (current.stdout if current.returncode == 0 else "").splitlines()
            if not l.rstrip().endswith("# transfernews")]
    written = subprocess.run(["crontab", "-"], input="\n".join(kept + [line]) + "\n", text=True, capture_output=True)
    if written.returncode != 0:
        fail(f"crontab refused the line: {written.stderr.strip()}", EXIT_CONFIG)
    click.echo(f"installed: {line}")


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
@click.option("--no-open", is_flag=True, help="Do not open a web browser.")
@click.option("--metadata-out", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Write the Datasette metadata (descriptions, facets, canned queries) as JSON and exit.")
def browse(db_url, host, port, no_open, metadata_out):
    """Open the database in Datasette (read-only), with descriptions and canned queries."""
    from crawler.browse import BrowseError, metadata, serve, source_names, sqlite_file

    try:
        path = sqlite_file(resolve_url(db_url))
    except BrowseError as exc:
        fail(str(exc), exc.code)
    engine, _sessions = _open(f"sqlite:///{path}")  # the schema up to date, WAL on, as for every command
    engine.dispose()
    if metadata_out:
        with open(metadata_out, "w", encoding="utf-8") as out:
            json.dump(metadata(path.stem, source_names(path)), out, ensure_ascii=False, indent=2)
        click.echo(f"Datasette metadata written to {metadata_out}: datasette serve {path} --metadata {metadata_out}",
                   err=True)
        return
    try:
        serve(path, host, port, open_browser=not no_open, echo=lambda line: click.echo(line, err=True))
    except BrowseError as exc:
        fail(str(exc), exc.code)
    except KeyboardInterrupt:
        pass


@main.command()
@db_option
@click.option("--since", metavar="DATE", help="Start of the window (ISO 8601; default: 28 days before --until).")
@click.option("--until", metavar="DATE", help="End of the window, excluded (ISO 8601; default: the end of today, UTC).")
@click.option("-o", "--output", default="report.html", show_default=True, type=click.Path(dir_okay=False),
              help="The HTML file to write.")
def report(db_url, since, until, output):
    """Write a self-contained HTML report: events, clubs, coach changes, articles, source health."""
    from datetime import timedelta

    from sqlalchemy.engine import make_url

    from crawler.report import ReportError, render
    from storage.reporting import gather

    until_dt = _parse_date(until, "--until")
    if until_dt is None:
        today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
        until_dt = today + timedelta(days=1)
    since_dt = _parse_date(since) or until_dt - timedelta(days=28)
    if until_dt <= since_dt:
        fail("--until must come after --since", EXIT_CONFIG)
    _engine, sessions = _open(db_url)
    with sessions() as session:
        data = gather(session, since_dt, until_dt)
    try:
        page = render(data, make_url(resolve_url(db_url)).render_as_string(hide_password=True))
    except ReportError as exc:
        fail(str(exc), EXIT_CONFIG)
    try:
        with open(output, "w", encoding="utf-8") as out:
            out.write(page)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}", EXIT_CONFIG)
    click.echo(f"report written to {output}: {data.event_count} events, {data.article_count} articles, "
               f"{len(data.coach_changes)} appointments and dismissals, {since_dt.date()} to {until_dt.date()} "
               f"(excluded)", err=True)


@main.group()
def db():
    """Database maintenance."""


@db.command("upgrade")
@db_option
def db_upgrade(db_url):
    """Create or migrate the schema to the newest revision."""
    from storage.db import create_db_engine

    try:
        before, after = upgrade(create_db_engine(db_url))
    except DatabaseError as exc:
        fail(str(exc), EXIT_DB)
    click.echo(f"{resolve_url(db_url)}: {before or 'empty'} -> {after}" if before != after
               else f"{resolve_url(db_url)}: already at {after}")


@main.command()
@db_option
@click.option("--log-level", default="WARNING", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
def demo(db_url, log_level):
    """Serve the bundled offline demo sites on 127.0.0.1 and crawl them."""
    from crawler.demo import DEMO_PORTS, DEMO_SITE, demo_sources
    from crawler.demo.server import SiteServer
    from storage.queries import iter_articles

    with SiteServer(DEMO_SITE, ports=DEMO_PORTS) as server:
        sources = demo_sources(server)
        click.echo("demo sites: " + ", ".join(f"{name} {base}" for name, base in server.bases.items()))
        code = _crawl(sources, db_url, ["AUTOTHROTTLE_ENABLED=False", "DOWNLOAD_DELAY=0"], log_level)
    _engine, sessions = _open(db_url)
    with sessions() as session:
        rows = [r for r in iter_articles(session) if r["source"] in {s.name for s in sources}]
    click.echo(f"\n{len(rows)} demo articles in {resolve_url(db_url)}:")
    for row in rows:
        click.echo(f"  [{row['language'] or '??'}] {row['published'] or '?':25} {row['source']:10} {row['title']}")
    click.echo("\nTry: transfernews export --format csv -o articles.csv   or   transfernews stats")
    sys.exit(code)


if __name__ == "__main__":
    main()
