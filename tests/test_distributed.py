"""Three real crawler processes sharing one Redis frontier and one PostgreSQL database,
against a generated outlet of 500 articles on 127.0.0.1. The server counts every request,
so "fetched once" and "the per-domain rate" are measured where the load lands."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from crawler.demo.bigsite import generate, sources_yaml
from crawler.demo.server import SiteServer

N_ARTICLES = 500
DELAY = 0.06  # seconds between two requests to the site, over all workers (16.7 requests/s)
JITTER = 0.15  # how late a reserved send may reach the server on a loaded machine (seconds)
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bigsite(tmp_path_factory):
    root = tmp_path_factory.mktemp("bigsite")
    paths = generate(root / "big", N_ARTICLES)
    return root, paths


@pytest.fixture
def site(bigsite):
    root, paths = bigsite
    with SiteServer(root, ["big"]) as server:
        server.article_paths = paths
        yield server


@pytest.fixture
def frontier(redis_service, request):
    """A Redis key prefix of its own for one test, checked empty afterwards."""
    import redis

    prefix = f"tntest:{request.node.name[:40]}:{os.getpid()}"
    client = redis.Redis.from_url(redis_service.url)
    client.delete(*client.keys(f"{prefix}:*") or ["-"])
    yield redis_service.url, prefix, client
    client.delete(*client.keys(f"{prefix}:*") or ["-"])


def start_worker(tmp_path, sources, db, redis_url, prefix, *settings, name="w", join_only=False):
    args = [sys.executable, "-m", "crawler.cli", "crawl", "--sources", str(sources), "--db", db,
            "--join-only" if join_only else "--distributed",
            "--redis", redis_url, "--log-level", "INFO", "-s", f"TRANSFERNEWS_REDIS_PREFIX={prefix}",
            "-s", f"DOWNLOAD_DELAY={DELAY}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "TRANSFERNEWS_WORKER_TTL=3",
            *[a for s in settings for a in ("-s", s)]]
    env = {k: v for k, v in os.environ.items() if k not in ("TRANSFERNEWS_DB", "TRANSFERNEWS_REDIS")}
    err = open(tmp_path / f"{name}.err", "w")
    return subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=err, text=True)


def finish(procs, timeout=240):
    outputs = []
    for proc in procs:
        out, _ = proc.communicate(timeout=timeout)
        outputs.append(out)
    return outputs


def fetched(server, paths):
    """How often each of ``paths`` was requested."""
    counts = Counter(r.path for r in server.log if r.method == "GET")
    return {p: counts.get(p, 0) for p in paths}


def max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def db_rows(db, sql, **params):
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        engine.dispose()


def stored_paths(db, base):
    return Counter(u[len(base):] for (u,) in db_rows(db, "select canonical_url from articles"))


def test_three_workers_store_every_article_once_within_the_domain_rate(tmp_path, site, pg_url, frontier):
    redis_url, prefix, client = frontier
    sources = tmp_path / "sources.yaml"
    sources.write_text(sources_yaml(site, ["big"]))
    failing = site.article_paths[123]
    site.servers["big"].routes[failing] = {"status": 503}
    started = time.monotonic()
    procs = [start_worker(tmp_path, sources, pg_url, redis_url, prefix, "RETRY_TIMES=0", name=f"w{i}")
             for i in range(2)]
    # the third joins the run the others opened (--join-only never opens one)
    deadline = time.monotonic() + 60
    while not client.exists(f"{prefix}:run") and time.monotonic() < deadline:
        time.sleep(0.1)
    procs.append(start_worker(tmp_path, sources, pg_url, redis_url, prefix, "RETRY_TIMES=0", name="w2",
                              join_only=True))
    outputs = finish(procs)
    elapsed = time.monotonic() - started
    for proc, out, i in zip(procs, outputs, range(3)):
        assert proc.returncode in (0, 1), (out, (tmp_path / f"w{i}.err").read_text()[-3000:])
    # every article stored once, none lost (but the one that failed)
    base = site.base("big")
    stored = stored_paths(pg_url, base)
    assert set(stored) == set(site.article_paths) - {failing}
    assert set(stored.values()) == {1}
    # no page fetched twice: articles, sitemaps and the feed; robots.txt once per worker
    counts = fetched(site, site.article_paths + ["/sitemap_index.xml", "/feed.xml"])
    assert set(counts.values()) == {1}, {p: n for p, n in counts.items() if n != 1}
    assert len(site.requests_for("big")) == N_ARTICLES + 2 + 5 + sum(1 for r in site.log if r.path == "/robots.txt")
    # the work was shared
    shares = [int(re.search(r"(\d+) pages fetched", out).group(1)) for out in outputs]
    assert all(n > 50 for n in shares), shares
    # the per-domain rate held across the three workers: at most one request per DELAY.
    # The limiter spaces *send* times in Redis; the server sees *arrival* times, and on a loaded
    # 2-core machine a send can be late by a scheduler tick or two, which bunches arrivals. A window
    # of w seconds can therefore hold the sends of w + JITTER seconds, plus the one at its edge.
    # Without the shared limiter three workers send ~3/DELAY per second, far above this bound.
    times = [r.time for r in site.log]
    for window in (1.0, 3.0, 10.0):
        assert max_in_window(times, window) <= (window + JITTER) / DELAY + 1, (window, max_in_window(times, window))
    assert (max(times) - min(times)) >= (len(times) - 1) * DELAY * 0.9
    # one run, shared: its counters are the sum of the workers'
    ((status, pages, new, errors, finished),) = db_rows(
        pg_url, "select status, pages_fetched, articles_new, errors, finished_at is not null from crawl_runs")
    assert (status, new, errors, finished) == ("partial", N_ARTICLES - 1, 1, True)
    assert pages == sum(shares)
    # the frontier is a per-run helper: nothing is left of it in Redis
    assert [k for k in client.keys(f"{prefix}:*") if b":next:" not in k] == []
    print(f"3 workers: {N_ARTICLES - 1} articles in {elapsed:.1f} s")

    # the next run: the failed URL is fetched again, nothing else is
    del site.servers["big"].routes[failing]
    before = len(site.log)
    (out,) = finish([start_worker(tmp_path, sources, pg_url, redis_url, prefix, name="again")])
    assert "1 new articles" in out, out
    again = Counter(r.path for r in site.log[before:])
    assert again[failing] == 1
    assert not any(again[p] for p in site.article_paths if p != failing)
    assert db_rows(pg_url, "select count(*), count(distinct url_key) from articles") == [(N_ARTICLES, N_ARTICLES)]


def test_join_only_without_a_run_in_progress_does_nothing(tmp_path, site, pg_url, frontier):
    redis_url, prefix, client = frontier
    sources = tmp_path / "sources.yaml"
    sources.write_text(sources_yaml(site, ["big"]))
    (out,) = finish([start_worker(tmp_path, sources, pg_url, redis_url, prefix, join_only=True)])
    assert "no distributed run in progress" in out
    assert site.log == [] and client.keys(f"{prefix}:*") == []


def test_a_worker_killed_mid_crawl_loses_nothing(tmp_path, site, pg_url, frontier):
    redis_url, prefix, client = frontier
    sources = tmp_path / "sources.yaml"
    sources.write_text(sources_yaml(site, ["big"]))
    procs = [start_worker(tmp_path, sources, pg_url, redis_url, prefix, name=f"w{i}") for i in range(3)]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        time.sleep(0.5)
        if db_rows(pg_url, "select count(*) from articles")[0][0] >= 150 if _has_schema(pg_url) else False:
            break
    victim = procs[1]
    assert victim.poll() is None, "the workers finished before the kill"
    in_flight = int(client.hlen(f"{prefix}:inflight"))
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    outputs = finish([procs[0], procs[2]])
    for proc, out in zip((procs[0], procs[2]), outputs):
        assert proc.returncode == 0, out
    taken_over = sum(int(re.search(r"took over (\d+) in-flight", out).group(1)) for out in outputs)
    assert taken_over >= 1 and in_flight >= 1
    base = site.base("big")
    stored = stored_paths(pg_url, base)
    assert set(stored) == set(site.article_paths) and set(stored.values()) == {1}
    # only what the dead worker held may have been fetched twice
    twice = [p for p, n in fetched(site, site.article_paths).items() if n > 1]
    assert len(twice) <= taken_over, (twice, taken_over)
    assert all(n <= 2 for n in fetched(site, site.article_paths).values())
    ((status, finished),) = db_rows(pg_url, "select status, finished_at is not null from crawl_runs")
    assert (status, finished) == ("ok", True)
    assert [k for k in client.keys(f"{prefix}:*") if b":next:" not in k] == []


def test_when_every_worker_dies_the_next_run_resumes_from_the_database(tmp_path, site, pg_url, frontier):
    redis_url, prefix, client = frontier
    sources = tmp_path / "sources.yaml"
    sources.write_text(sources_yaml(site, ["big"]))
    lone = start_worker(tmp_path, sources, pg_url, redis_url, prefix, name="lone")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(0.5)
        if _has_schema(pg_url) and db_rows(pg_url, "select count(*) from articles")[0][0] >= 60:
            break
    os.kill(lone.pid, signal.SIGKILL)
    lone.wait()
    assert client.exists(f"{prefix}:run")  # the dead run's frontier is still there ...
    time.sleep(3.5)  # ... until its worker's heartbeat is older than the TTL
    (out,) = finish([start_worker(tmp_path, sources, pg_url, redis_url, prefix, name="next")])
    assert re.search(r"run 2 ok", out), out
    stored = stored_paths(pg_url, site.base("big"))
    assert set(stored) == set(site.article_paths) and set(stored.values()) == {1}
    runs = db_rows(pg_url, "select id, status from crawl_runs order by id")
    assert runs == [(1, "interrupted"), (2, "ok")]


def _has_schema(db):
    return bool(db_rows(db, "select 1 from information_schema.tables where table_name = 'articles'"))
