"""The extraction pool and the batched writes (crawler/processing.py, crawler/pipelines.py):
the pool gives what in-process extraction gives, a killed worker loses no page, one bad
item does not lose its batch, and the profile file reports every stage."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

from scrapy.utils.test import get_crawler

from crawler.demo.bigsite import generate, sources_yaml
from crawler.demo.server import SiteServer
from crawler.extraction import NO_HINTS
from crawler.items import ArticleItem, PageItem
from crawler.pipelines import StorePipeline
from crawler.processing import PageJob, PagePool, worker_count
from crawler.registry import Source
from crawler.stages import STAGES, StageClock
from storage.db import open_db
from storage.repository import FetchedPage, Repository

SITES = Path(__file__).parent / "fixtures" / "sites"


def _pages() -> list[tuple[str, str]]:
    pages = sorted(p for p in SITES.rglob("*.html"))[:12]
    return [(f"https://example.org/{p.relative_to(SITES)}", p.read_text("utf-8", errors="replace")) for p in pages]


def _summary(done):
    analysis = done.analysis
    return (done.extracted.text, done.extracted.title, done.extracted.published, done.extracted.language,
            done.extracted.page_type, None if done.fingerprint is None else done.fingerprint.to_bytes(),
            None if analysis is None else [(m.type, m.person, m.club) for m in analysis.events],
            done.raw_zlib)


def test_the_pool_gives_what_extracting_in_process_gives():
    fetched = datetime(2024, 6, 1, tzinfo=timezone.utc)
    jobs = [PageJob(html, url, fetched, NO_HINTS, "news", None, html.encode()) for url, html in _pages()]
    assert len(jobs) >= 8

    async def run(pool):
        try:
            return await asyncio.gather(*(pool.run(job) for job in jobs))
        finally:
            pool.close()

    pooled = asyncio.run(run(PagePool(2)))
    local = asyncio.run(run(PagePool(0)))
    assert [_summary(d) for d in pooled] == [_summary(d) for d in local]
    assert sum(d.extracted.is_article for d in pooled) >= 4
    # the workers timed their stages, and said who they are
    assert all(d.cpu.get("extraction", 0) > 0 for d in pooled)
    assert {d.worker[0] for d in pooled} - {os.getpid()}


def _model_cache(_job=None):
    from crawler.extraction.language import _identifier

    info = _identifier.cache_info()
    return os.getpid(), info.hits, info.misses


def test_workers_share_the_language_model_the_forkserver_loaded():
    """crawler.worker_preload loads the language model in the forkserver: each worker
    finds it loaded (its initializer's call is a hit, the one miss was the forkserver's),
    and shares those pages with its siblings instead of loading a copy of its own."""
    from crawler.processing import _executor

    with _executor(2) as executor:
        seen = dict((pid, (hits, misses)) for pid, hits, misses in executor.map(_model_cache, range(8)))
    assert seen and all(hits >= 1 and misses == 1 for hits, misses in seen.values()), seen


def test_worker_count_setting():
    assert worker_count("auto") >= 1 and worker_count(None) == worker_count("")
    assert worker_count("0") == 0 and worker_count(3) == 3


def test_stage_clock_counts_nested_time_once():
    clock = StageClock()
    with clock.stage("database"):
        with clock.stage("dedup"):
            sum(i * i for i in range(200_000))
        sum(i * i for i in range(50_000))
    assert clock.cpu["dedup"] > clock.cpu["database"] > 0


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def test_a_killed_extraction_worker_loses_no_page(tmp_path):
    """The OOM killer (here: SIGKILL) takes an extraction worker mid-crawl: the pool is
    rebuilt, the pages it held are extracted again, every article is stored once."""
    root = tmp_path / "sites"
    paths = generate(root / "big", 120)
    db = tmp_path / "k.db"
    with SiteServer(root, ["big"]) as server:
        sources = tmp_path / "s.yaml"
        sources.write_text(sources_yaml(server, ["big"]))
        crawl = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "crawl", "--sources", str(sources), "--db", f"sqlite:///{db}",
             "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0.02", "-s", "TRANSFERNEWS_WORKERS=2",
             "-s", "TRANSFERNEWS_WRITE_BATCH=5"],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            stored = 0
            while stored < 20 and time.monotonic() < deadline:
                time.sleep(0.1)
                if db.exists():
                    try:
                        with sqlite3.connect(db, timeout=5) as conn:
                            stored = conn.execute("select count(*) from articles").fetchone()[0]
                    except sqlite3.OperationalError:
                        pass
            assert stored >= 20, "the crawl did not get going"
            # the forkserver is the crawl's child, the workers are its children: kill a worker
            grandchildren = [p for c in _descendants(crawl.pid) for p in _descendants(c)]
            assert grandchildren, "no extraction worker found"
            os.kill(grandchildren[0], signal.SIGKILL)
            out, err = crawl.communicate(timeout=180)
        finally:
            crawl.kill()
    assert crawl.returncode == 0, err[-3000:]
    assert "restarting the pool" in err
    with sqlite3.connect(db) as conn:
        urls = [u for (u,) in conn.execute("select canonical_url from articles")]
        states = dict(conn.execute("select state, count(*) from pages group by state").fetchall())
    assert len(urls) == len(set(urls)) == len(paths), (len(urls), len(paths), states)
    assert states.get("error", 0) == 0, states


class _Spider:
    """What the store pipeline reads of the news spider, on a real database."""

    def __init__(self, sessions):
        self.repo = Repository(sessions)
        self.source_ids = self.repo.sync_sources([Source(name="s", language="it")])
        self.run_id = self.repo.start_run(["s"])
        self.db_failure = None
        self.clock = StageClock()
        self.frontier = None
        self.source_counts = defaultdict(Counter)
        self.logger = logging.getLogger("test.pipeline")


def _pipeline(db_url, batch):
    crawler = get_crawler(settings_dict={"TRANSFERNEWS_WRITE_BATCH": batch, "TRANSFERNEWS_WRITE_INTERVAL": 60})
    _engine, sessions = open_db(db_url)
    return StorePipeline(crawler), _Spider(sessions), sessions


def test_one_bad_item_does_not_lose_its_batch(tmp_path, caplog):
    """A batch of writes where one item cannot be stored (its source does not exist: a
    foreign-key violation): the others are stored, the bad one is logged."""
    from crawler.extraction import Extracted

    db_url = f"sqlite:///{tmp_path / 'b.db'}"
    pipeline, spider, sessions = _pipeline(db_url, batch=4)
    sid = spider.source_ids["s"]
    now = datetime(2024, 6, 1, tzinfo=timezone.utc)

    def article(n, source_id=sid):
        page = FetchedPage(f"https://x.it/{n}/", source_id, "article", "article", http_status=200, fetched_at=now)
        text = f"Articolo numero {n}: " + " ".join(f"parola{n}x{i}" for i in range(60))
        return ArticleItem(page, Extracted(text=text, title=f"Titolo {n}", page_type="article",
                                           extractor_version="t", language="it"))

    items = [article(1), article(2, source_id=9999), article(3),
             PageItem(FetchedPage("https://x.it/list/", sid, "listing", "listing", http_status=200, fetched_at=now))]
    for item in items[:3]:
        pipeline.process_item(item, spider)
    with sqlite3.connect(tmp_path / "b.db") as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] == 0  # buffered, not written yet
    pipeline.process_item(items[3], spider)  # the fourth fills the batch: written together
    with sqlite3.connect(tmp_path / "b.db") as conn:
        urls = sorted(u for (u,) in conn.execute("select canonical_url from articles"))
        pages = sorted(u for (u,) in conn.execute("select url from pages"))
    assert urls == ["https://x.it/1/", "https://x.it/3/"]
    assert pages == ["https://x.it/1/", "https://x.it/3/", "https://x.it/list/"]
    assert "not stored: https://x.it/2/" in caplog.text
    assert pipeline.stats.get_value("transfernews/articles_new") == 2


def test_profile_file_reports_every_stage(cli, tmp_path):
    root = tmp_path / "sites"
    generate(root / "big", 30)
    profile = tmp_path / "profile.json"
    with SiteServer(root, ["big"]) as server:
        sources = tmp_path / "s.yaml"
        sources.write_text(sources_yaml(server, ["big"]))
        cli("crawl", "--sources", str(sources), "--db", f"sqlite:///{tmp_path / 'p.db'}",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
            "-s", f"TRANSFERNEWS_PROFILE_FILE={profile}", cwd=tmp_path)
    data = json.loads(profile.read_text())
    assert data["articles"] == 30 and data["pages"] >= 30
    assert set(data["stage_cpu_s"]) == set(STAGES)
    assert all(data["stage_cpu_s"][s] > 0 for s in STAGES), data
    assert data["workers"] >= 1 and data["workers_cpu_s"] > data["stage_cpu_s"]["extraction"] * 0.5


def test_the_crawl_process_does_not_load_what_only_workers_need():
    """trafilatura, htmldate, datasketch (with scipy) and the language model are about
    120 MB that only the extraction workers use: the crawl process's modules do not
    import them (crawler/extraction/__init__.py, storage/fingerprint.py)."""
    probe = ("import sys, crawler.cli, crawler.spiders.news, crawler.pipelines, storage.repository; "
             "print(sorted(m for m in ('trafilatura', 'htmldate', 'datasketch', 'scipy', 'py3langid') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out
