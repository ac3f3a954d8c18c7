"""``transfernews report``: a database filled through the models, the page rendered in
headless Chromium, and every figure checked against what was put in."""
from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from storage.db import open_db
from storage.models import Article, CrawlRun, CrawlRunSource, SourceRow

ROOT = Path(__file__).resolve().parent.parent
UTC = timezone.utc
SINCE, UNTIL = datetime(2024, 3, 4, tzinfo=UTC), datetime(2024, 3, 25, tzinfo=UTC)  # three weeks, Monday to Monday


def at(day: int, hour: int = 12, month: int = 3) -> datetime:
    return datetime(2024, month, day, hour, tzinfo=UTC)


#: (source, fetched_at) of each article: inside the window, on its edges and outside
ARTICLES = [("alpha", at(4, 0)), ("alpha", at(4, 23)), ("alpha", at(5)), ("alpha", at(12)), ("alpha", at(24, 23)),
            ("beta", at(6)), ("beta", at(6, 8)), ("beta", at(20)), ("alpha", at(3, 23)), ("beta", at(25, 0)),
            ("beta", at(1, month=2))]
#: (type, person, to, from, event_date, first reported, official, indexes of reporting articles)
EVENTS = [
    ("appointment", "Massimo Carrera", "Ascoli", None, date(2024, 3, 12), at(12), True, (3, 7)),
    ("dismissal", "Fabrizio Castori", "Ascoli", None, date(2024, 3, 11), at(11), True, (2,)),
    ("appointment", "Ivan Jurić", "Torino", None, date(2024, 3, 4), at(4), False, (0, 1, 5)),  # first day: in
    ("resignation", "Paolo Zanetti", "Verona", None, None, at(20, 9), False, (7,)),  # no date: when reported
    ("transfer", "Douglas Luiz", "Juventus", "Aston Villa", date(2024, 3, 14), at(14), True, (4,)),
    ("transfer", "Alessandro Buongiorno", "Napoli", "Torino", date(2024, 3, 20), at(20), False, (5, 6)),
    ("loan", "Nicolò Zaniolo", "Aston Villa", "Galatasaray", date(2024, 3, 6), at(6), True, (6,)),
    ("rumour", "Kenan Yildiz", "Arsenal", "Juventus", None, at(15), False, (4,)),
    ("dismissal", "Rudi Garcia", "Napoli", None, date(2024, 3, 25), at(25), True, (8,)),  # the end: out
    ("appointment", "Walter Mazzarri", "Napoli", None, date(2024, 3, 3), at(3), True, (8,)),  # the day before: out
    ("transfer", "Teun Koopmeiners", "Juventus", "Atalanta", None, at(25, 1), False, ()),  # reported after: out
]


def in_window(event) -> datetime | None:
    when = datetime.combine(event[4], datetime.min.time(), UTC) if event[4] else event[5]
    return when if SINCE <= when < UNTIL else None


def expected_events_per_week() -> dict[str, Counter]:
    weeks = {(SINCE + timedelta(days=7 * i)).date().isoformat(): Counter() for i in range(3)}
    for event in EVENTS:
        when = in_window(event)
        if when:
            monday = when.date() - timedelta(days=when.weekday())
            weeks[monday.isoformat()][event[0]] += 1
    return weeks


def expected_club_moves() -> dict[str, tuple[int, int]]:
    moves: dict[str, list[int]] = {}
    for kind, _who, to, from_, *_ in (e for e in EVENTS if in_window(e)):
        if kind in ("transfer", "loan", "free_transfer", "appointment"):
            moves.setdefault(to, [0, 0])[0] += 1
        if kind in ("transfer", "loan", "free_transfer") and from_:
            moves.setdefault(from_, [0, 0])[1] += 1
        if kind in ("dismissal", "resignation", "termination"):
            moves.setdefault(to, [0, 0])[1] += 1
    return {club: tuple(v) for club, v in moves.items()}


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    """A migrated SQLite database with sources, runs, articles and events written through the models."""
    from eventrows import add_event

    db = tmp_path_factory.mktemp("report") / "r.db"
    engine, sessions = open_db(f"sqlite:///{db}")
    now = datetime.now(UTC)
    with sessions.begin() as s:
        sources = {name: SourceRow(name=name, kind=kind, created_at=now, updated_at=now)
                   for name, kind in (("alpha", "news"), ("beta", "club"), ("gamma", "news"))}
        s.add_all(sources.values())
        s.flush()
        for run_id in (1, 2, 3):  # gamma has had nothing new for three runs: unhealthy
            s.add(CrawlRun(id=run_id, started_at=now, finished_at=now, status="ok"))
            s.flush()
            for name, new in (("alpha", 3), ("beta", 1 if run_id == 3 else 0), ("gamma", 0)):
                s.add(CrawlRunSource(run_id=run_id, source_id=sources[name].id, pages_fetched=5, pages_not_modified=0,
                                     articles_new=new, articles_alias=0, not_articles=0, errors=0))
        ids = []
        for i, (name, fetched) in enumerate(ARTICLES):
            article = Article(source_id=sources[name].id, url_key=f"k{i}", canonical_url=f"https://x/{i}",
                              url=f"https://x/{i}", title=f"t{i}", text=f"text {i}", content_hash=f"h{i}",
                              fetched_at=fetched, updated_at=fetched)
            s.add(article)
            s.flush()
            ids.append(article.id)
        for kind, who, to, from_, on, reported, official, refs in EVENTS:
            add_event(s, kind, who, to, from_, on, official, "head_coach", tuple(ids[i] for i in refs), reported)
    engine.dispose()
    return db


@pytest.fixture(scope="module")
def rendered(filled, tmp_path_factory):
    """The report of the three weeks, written by the command line and opened in Chromium."""
    from conftest import run_cli

    out = tmp_path_factory.mktemp("page") / "report.html"
    result = run_cli("report", "--db", f"sqlite:///{filled}", "--since", "2024-03-04", "--until", "2024-03-25",
                     "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out


def _table(page, table_id: str) -> list[list[str]]:
    return page.eval_on_selector(f"#{table_id}", """t => [...t.rows].map(r => [...r.cells].map(c => c.innerText.trim()))""")


def test_report_in_chromium(rendered):
    from browser import open_browser

    html = rendered.read_text("utf-8")
    assert not re.search(r"https?:|url\((?!#)|@import|<(link|script|img|iframe|object|embed)\b|\b(src|srcset|action)=",
                         html, re.I), "the page must name no external resource"
    assert not re.search(r'href="(?!#)', html)
    url = rendered.as_uri()
    with open_browser() as browser:
        page = browser.new_page()
        page.goto(url)
        page.wait_for_load_state("networkidle")

        assert browser.requests == [url], f"the page made requests: {browser.requests}"
        assert browser.errors() == []

        for chart in ("chart-events-per-week", "chart-club-moves", "chart-articles"):
            box = page.eval_on_selector(f"#{chart} svg", "s => { const r = s.getBoundingClientRect(); "
                                                         "return [r.width, r.height, s.querySelectorAll('path, rect, use').length]; }")
            assert box[0] > 200 and box[1] > 80 and box[2] > 5, (chart, box)

        # events per week by type
        table = _table(page, "events-per-week")
        header, rows = table[0], table[1:]
        expected = expected_events_per_week()
        assert header[0] == "week of" and header[-1] == "total"
        assert [r[0] for r in rows] == [week for week, counts in expected.items() if counts]  # weeks with events
        for row in rows:
            counts = dict(zip(header[1:-1], map(int, row[1:-1])))
            assert counts == {t: expected[row[0]].get(t, 0) for t in header[1:-1]}
            assert int(row[-1]) == sum(expected[row[0]].values())
        assert set(header[1:-1]) == {t for week in expected.values() for t in week}
        assert page.inner_text("#total-events") == str(sum(sum(c.values()) for c in expected.values()))

        # clubs by arrivals and departures
        moves = {r[0]: (int(r[1]), int(r[2])) for r in _table(page, "club-moves")[1:]}
        assert moves == expected_club_moves()
        totals = [sum(v) for v in moves.values()]
        assert totals == sorted(totals, reverse=True)

        # appointments, dismissals and resignations, newest first, with their outlets
        rows = _table(page, "coach-changes")
        assert rows[0] == ["date", "what", "person", "role", "club", "official", "outlets"]
        expected_rows = []
        for event in EVENTS:
            when = in_window(event)
            if when and event[0] in ("appointment", "dismissal", "resignation"):
                outlets = {ARTICLES[i][0] for i in event[7]}
                expected_rows.append([when.date().isoformat(), event[0], event[1], "head_coach", event[2],
                                      "yes" if event[6] else "no", str(len(outlets))])
        assert rows[1:] == sorted(expected_rows, key=lambda r: r[0], reverse=True)

        # articles per source per day: a 21-day window counts by day
        table = _table(page, "articles-per-source")
        days = [(SINCE + timedelta(days=i)).date().isoformat() for i in range(21)]
        assert table[0] == ["source"] + days + ["total"]
        got = {r[0]: dict(zip(days, map(int, r[1:-1]))) for r in table[1:]}
        want: dict[str, Counter] = {}
        for source, fetched in ARTICLES:
            if SINCE <= fetched < UNTIL:
                want.setdefault(source, Counter())[fetched.date().isoformat()] += 1
        assert got == {s: {d: c.get(d, 0) for d in days} for s, c in want.items()}
        assert page.inner_text("#total-articles") == str(sum(sum(c.values()) for c in want.values()))

        # health: gamma has been silent for three runs
        health = {r[0]: r[2] for r in _table(page, "source-health")[1:]}
        assert health == {"alpha": "ok", "beta": "ok", "gamma": "unhealthy"}
        assert "no new article in the last 3 runs" in page.inner_text("#source-health")

        page.screenshot(path=str(rendered.with_suffix(".png")), full_page=True)
    assert rendered.with_suffix(".png").stat().st_size > 10_000


def test_a_long_window_counts_articles_by_week(filled, cli, tmp_path):
    out = tmp_path / "long.html"
    result = cli("report", "--db", f"sqlite:///{filled}", "--since", "2024-01-29", "--until", "2024-04-01",
                 "-o", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text("utf-8")
    assert "Articles per source per week" in html
    # weeks from Monday 29 January: beta's February article and all of March's
    row = re.search(r"<tr><td>beta</td>(.*?)</tr>", html).group(1)
    counts = [int(n) for n in re.findall(r'<td class="n">(\d+)</td>', row)]
    weeks = [date(2024, 1, 29) + timedelta(days=7 * i) for i in range(9)]
    want = Counter(f.date() - timedelta(days=f.weekday()) for s, f in ARTICLES
                   if s == "beta" and datetime(2024, 1, 29, tzinfo=UTC) <= f < datetime(2024, 4, 1, tzinfo=UTC))
    assert counts == [want.get(w, 0) for w in weeks] + [sum(want.values())]


def test_a_window_over_half_a_year_counts_articles_by_month(filled, cli, tmp_path):
    out = tmp_path / "year.html"
    result = cli("report", "--db", f"sqlite:///{filled}", "--since", "2023-12-15", "--until", "2024-12-15",
                 "-o", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text("utf-8")
    assert "Articles per source per month" in html
    months = re.search(r'<table id="articles-per-source"><thead><tr>(.*?)</tr>', html).group(1)
    assert re.findall(r"<th[^>]*>([^<]+)</th>", months) == ["source"] + [
        f"{y}-{m:02d}" for y, m in [(2023, 12)] + [(2024, m) for m in range(1, 13)]] + ["total"]
    for source in ("alpha", "beta"):
        row = re.search(rf"<tr><td>{source}</td>(.*?)</tr>", html).group(1)
        counts = [int(n) for n in re.findall(r'<td class="n">(\d+)</td>', row)]
        want = Counter(f.month for s, f in ARTICLES if s == source)  # all of them fall in 2024
        assert counts == [0] + [want.get(m, 0) for m in range(1, 13)] + [sum(want.values())]


def test_an_empty_window_says_so(filled, cli, tmp_path):
    out = tmp_path / "empty.html"
    result = cli("report", "--db", f"sqlite:///{filled}", "--since", "2020-01-01", "--until", "2020-02-01",
                 "-o", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text("utf-8")
    for message in ("No events in this window.", "No arrivals or departures in this window.",
                    "No appointments or dismissals in this window.", "No articles stored in this window."):
        assert message in html
    assert "<svg" not in html
    assert 'id="source-health"' in html  # health is about the latest runs, not the window


def test_report_of_an_empty_database(cli, tmp_path):
    out = tmp_path / "new.html"
    result = cli("report", "--db", f"sqlite:///{tmp_path / 'new.db'}", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "No sources in the database yet." in out.read_text("utf-8")


def test_report_rejects_a_backwards_window(cli, tmp_path):
    result = cli("report", "--db", f"sqlite:///{tmp_path / 'w.db'}", "--since", "2024-03-10", "--until", "2024-03-01",
                 "-o", str(tmp_path / "w.html"))
    assert result.returncode == 2 and "--until must come after --since" in result.stderr
    assert not (tmp_path / "w.html").exists()


def test_report_without_matplotlib_says_how_to_install(filled, tmp_path):
    code = "import sys; sys.modules['matplotlib'] = None; from crawler.cli import main; main()"
    out = tmp_path / "m.html"
    result = subprocess.run([sys.executable, "-c", code, "report", "--db", f"sqlite:///{filled}", "-o", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "pip install 'transfernews[report]'" in result.stderr
    assert not out.exists()
