"""Cron operation: run lock, exit codes, quiet runs, log file, health, schedule, progress."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from crawler.runlock import LockHeld, RunLock
from storage.db import open_db
from storage.health import check
from storage.models import CrawlRun, CrawlRunSource, SourceRow


def test_second_run_on_a_locked_database_exits_5_with_a_message(cli, tmp_path):
    db = tmp_path / "x.db"
    with RunLock(db.with_suffix(".lock")):
        result = cli("demo", "--db", f"sqlite:///{db}", cwd=tmp_path)
    assert result.returncode == 5
    assert "another crawl is running on this database" in result.stderr and f"pid {os.getpid()}" in result.stderr
    assert cli("demo", "--db", f"sqlite:///{db}", cwd=tmp_path).returncode == 0  # released


def test_lock_is_released_when_its_holder_is_killed(tmp_path):
    path = tmp_path / "k.lock"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; sys.path.insert(0, sys.argv[1]); from crawler.runlock import RunLock; "
        "RunLock(sys.argv[2]).acquire(); print('held', flush=True); time.sleep(60)"), os.getcwd(), str(path)],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(LockHeld):
        RunLock(path).acquire()
    holder.kill()
    holder.wait()
    RunLock(path).acquire().release()


def test_quiet_run_prints_nothing_and_logs_the_summary(cli, tmp_path):
    log = tmp_path / "crawl.log"
    result = cli("crawl", "--sources", str(_demo_sources(tmp_path)), "--db", f"sqlite:///{tmp_path / 'q.db'}",
                 "--quiet", "--log-file", str(log), "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert "transfernews: run 1 ok" in log.read_text("utf-8")


def test_a_full_disk_for_the_log_does_not_stop_the_crawl(cli, tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    result = cli("crawl", "--sources", str(_demo_sources(tmp_path)), "--db", f"sqlite:///{tmp_path / 'f.db'}",
                 "--log-file", "/dev/full", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "new articles" in result.stdout
    with sqlite3.connect(tmp_path / "f.db") as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] > 0


def test_progress_line_when_asked(cli, tmp_path):
    result = cli("crawl", "--sources", str(_demo_sources(tmp_path)), "--db", f"sqlite:///{tmp_path / 'p.db'}",
                 "-s", "TRANSFERNEWS_PROGRESS=True", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                 cwd=tmp_path)
    assert result.returncode == 0
    assert "new articles" in result.stderr and "pages/min" in result.stderr


def test_health_flags_a_silent_source_and_a_dead_server(cli, tmp_path):
    from crawler.demo import DEMO_SITE
    from crawler.demo.server import SiteServer

    db = f"sqlite:///{tmp_path / 'h.db'}"
    with SiteServer(DEMO_SITE) as server:
        sources = tmp_path / "s.yaml"
        sources.write_text(server.substitute((DEMO_SITE / "sources.yaml").read_text("utf-8"), ""))
        args = ("crawl", "--sources", str(sources), "--db", db, "-s", "DOWNLOAD_DELAY=0",
                "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_TIMEOUT=2")
        assert cli(*args, cwd=tmp_path).returncode == 0
        ok = cli("health", "--db", db, cwd=tmp_path)
        assert ok.returncode == 0, ok.stdout
        for _ in range(3):
            assert cli(*args, cwd=tmp_path).returncode == 0  # nothing new on the demo sites
        silent = cli("health", "--db", db, cwd=tmp_path)
        assert silent.returncode == 1
        assert "no new article in the last 3 runs" in silent.stdout
        server.servers["calciodemo"].shutdown()
        server.servers["calciodemo"].server_close()
        dead = cli(*args, cwd=tmp_path)
        assert dead.returncode == 1  # partial
        report = cli("health", "--db", db, "--source", "calciodemo", cwd=tmp_path)
        assert report.returncode == 1 and "fetch errors jumped to 100%" in report.stdout
        del server.servers["calciodemo"]


def test_health_flags_a_template_change(tmp_path):
    _engine, sessions = open_db(f"sqlite:///{tmp_path / 't.db'}")
    now = datetime.now(timezone.utc)
    with sessions.begin() as s:
        s.add(SourceRow(id=1, name="club", kind="club", created_at=now, updated_at=now))
        for run_id, (new, not_articles) in enumerate([(12, 1), (9, 0), (0, 14)], start=1):
            s.add(CrawlRun(id=run_id, started_at=now, finished_at=now, status="ok"))
            s.flush()
            s.add(CrawlRunSource(run_id=run_id, source_id=1, pages_fetched=new + not_articles + 2, pages_not_modified=0,
                                 articles_new=new, articles_alias=0, not_articles=not_articles, errors=0))
    with sessions() as s:
        (report,) = check(s)
    assert not report.healthy
    assert "14 of 14 pages fetched as articles were not articles" in report.problems[0]


@pytest.mark.parametrize("every, timing", [("1h", "17 * * * *"), ("15m", "*/15 * * * *"), ("6h", "17 */6 * * *"),
                                           ("1d", "17 3 * * *")])
def test_schedule_prints_a_crontab_line(cli, tmp_path, every, timing):
    result = cli("schedule", "--every", every, cwd=tmp_path)
    assert result.returncode == 0
    line = result.stdout.strip()
    assert line.startswith(timing + " cd ") and "crawl --sources" in line and "--quiet" in line
    assert line.endswith("# transfernews")


def test_schedule_rejects_a_bad_interval(cli, tmp_path):
    result = cli("schedule", "--every", "7m", cwd=tmp_path)
    assert result.returncode == 2 and "must divide 60" in result.stderr


def _demo_sources(tmp_path):
    """The demo registry pointed at demo servers started for this test."""
    from crawler.demo import DEMO_SITE
    from crawler.demo.server import SiteServer

    server = SiteServer(DEMO_SITE).start()
    _SERVERS.append(server)
    path = tmp_path / "demo-sources.yaml"
    path.write_text(server.substitute((DEMO_SITE / "sources.yaml").read_text("utf-8"), ""))
    return path


_SERVERS: list = []


@pytest.fixture(autouse=True)
def _stop_servers():
    yield
    while _SERVERS:
        _SERVERS.pop().stop()
