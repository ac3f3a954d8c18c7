"""Distributed crawl figures: 1 and 3 workers sharing one Redis frontier and one
PostgreSQL database, against generated outlets on 127.0.0.1.

    python bench/distributed.py [--articles 500] [--sites 4] [--workers 1,3]

Prints, per worker count: articles/s (first request to last worker's exit), pages/s per
worker, duplicates (article pages the servers answered more than once) and lost
(articles not stored); PostgreSQL transactions and rows written per second during the
crawl (pg_stat_database); then the store capacity of PostgreSQL alone (article stores/s
from 1 and 3 writer processes), and the per-host rate a 3-worker crawl kept under a
shared delay. PostgreSQL and Redis are started like the tests do (tests/services.py).
Figures, not pass/fail; results are in docs/scaling.md.
"""
from __future__ import annotations

import argparse
import os
import resource
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import services  # noqa: E402  (tests/services.py)
from crawler.demo.bigsite import article_text, generate, sources_yaml  # noqa: E402
from crawler.demo.server import SiteServer  # noqa: E402


def pg_stats(admin_url: str, database: str) -> tuple[int, int]:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname="postgres") as conn:
        row = conn.execute("SELECT xact_commit, tup_inserted + tup_updated + tup_deleted FROM pg_stat_database "
                           "WHERE datname = %s", (database,)).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def crawl(workers: int, root: Path, names: list[str], paths: dict[str, list[str]], pg, redis_url: str,
          settings: list[str], tag: str) -> dict:
    database = f"bench_{tag}_{os.getpid()}"
    db = services.create_database(pg.url, database)
    prefix = f"bench:{tag}:{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="tnbench"))
    with SiteServer(root, names) as server:
        sources = work / "sources.yaml"
        sources.write_text(sources_yaml(server, names))
        # schema first, so the figures measure crawling, not migrating
        subprocess.run([sys.executable, "-m", "crawler.cli", "db", "upgrade", "--db", db], cwd=work, check=True,
                       capture_output=True)
        stats_before = pg_stats(pg.url, database)
        args = [sys.executable, "-m", "crawler.cli", "crawl", "--sources", str(sources), "--db", db, "--distributed",
                "--redis", redis_url, "-s", f"TRANSFERNEWS_REDIS_PREFIX={prefix}", "-s", "AUTOTHROTTLE_ENABLED=False",
                "-s", "TRANSFERNEWS_WORKER_TTL=10"] + [a for s in settings for a in ("-s", s)]
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        procs = [subprocess.Popen(args, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
                 for _ in range(workers)]
        outputs = [p.communicate(timeout=1800)[0] for p in procs]
        elapsed = time.monotonic() - started
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
        stats_after = pg_stats(pg.url, database)
        log = list(server.log)
        expected = {server.base(name) + p for name in names for p in paths[name]}
    from sqlalchemy import create_engine, text

    engine = create_engine(db)
    with engine.connect() as conn:
        stored = {u for (u,) in conn.execute(text("SELECT canonical_url FROM articles"))}
        n_articles = conn.execute(text("SELECT count(*) FROM articles")).scalar()
    engine.dispose()
    services.drop_database(pg.url, database)
    counts = Counter((r.site, r.path) for r in log if r.method == "GET")
    article_fetches = [counts.get((name, p), 0) for name in names for p in paths[name]]
    total = sum(len(v) for v in paths.values())
    per_worker = []
    for out in outputs:
        m = re.search(r"in ([\d.]+)s.*?: (\d+) pages fetched", out)
        if m:
            per_worker.append(int(m.group(2)) / float(m.group(1)))
    times = sorted(r.time for r in log)
    return {
        "workers": workers, "elapsed": elapsed, "articles": n_articles, "expected": total,
        "articles_per_s": n_articles / elapsed,
        "pages_per_s_per_worker": per_worker,
        # an article page answered twice, or stored twice
        "duplicates": sum(1 for n in article_fetches if n > 1) + (n_articles - len(stored)),
        "lost": len(expected - stored),
        "stored_rows": n_articles, "distinct_stored": len(stored),
        "commits_per_s": (stats_after[0] - stats_before[0]) / elapsed,
        "rows_per_s": (stats_after[1] - stats_before[1]) / elapsed,
        "requests": len(log), "times": times, "cpu_ms_per_page": 1000 * cpu / max(1, len(log)),
    }


STORE_WRITER = r'''
import random, sys, time
from crawler.demo.bigsite import article_text
from crawler.extraction import Extracted
from storage.db import open_db
from storage.repository import FetchedPage, Repository
db, source_id, writer, n, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
rng = random.Random(writer)
texts = []
for i in range(n):
    title, paragraphs = article_text(rng)
    texts.append((title, "\n".join(paragraphs)))
repo = Repository(open_db(db, migrate=False)[1])
while time.time() < start:
    time.sleep(0.001)
for i, (title, body) in enumerate(texts):
    page = FetchedPage(url=f"https://w{writer}.example/{i}", source_id=source_id, role="article", state="article",
                       http_status=200, body=body.encode())
    repo.store_article(page, Extracted(text=body, title=title, page_type="article", extractor_version="b"), None)
'''


def store_capacity(pg, writers: int, per_writer: int) -> float:
    from storage.db import open_db
    from storage.repository import Repository

    database = f"bench_store_{writers}_{os.getpid()}"
    db = services.create_database(pg.url, database)

    class Src:
        name, kind, language = "bench", "news", "it"

        def to_config(self):
            return {}

    repo = Repository(open_db(db)[1])
    source_id = repo.sync_sources([Src()])["bench"]
    script = Path(tempfile.mkdtemp()) / "writer.py"
    script.write_text(STORE_WRITER)
    start = time.time() + 3.0
    procs = [subprocess.Popen([sys.executable, str(script), db, str(source_id), str(w), str(per_writer), str(start)],
                              cwd=ROOT) for w in range(writers)]
    assert [p.wait() for p in procs] == [0] * writers
    elapsed = time.time() - start
    services.drop_database(pg.url, database)
    return writers * per_writer / elapsed


def max_rate(times: list[float], window: float = 1.0) -> float:
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best / window


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=500, help="articles in all (split over the sites)")
    parser.add_argument("--sites", type=int, default=4)
    parser.add_argument("--workers", default="1,3")
    parser.add_argument("--polite-delay", type=float, default=0.05,
                        help="shared per-host delay for the politeness run (0: skip it)")
    parser.add_argument("--store-articles", type=int, default=300, help="articles per writer in the store run")
    args = parser.parse_args()

    pg, rd = services.ensure_postgres(), services.ensure_redis()
    root = Path(tempfile.mkdtemp(prefix="tnbench-sites"))
    names = [f"outlet{i}" for i in range(args.sites)]
    paths = {name: generate(root / name, args.articles // args.sites, seed=100 + i) for i, name in enumerate(names)}
    print(f"{args.articles // args.sites * args.sites} articles on {args.sites} generated sites; "
          f"PostgreSQL {pg.url}, Redis {rd.url}; {os.cpu_count()} cores\n")

    # throughput: no politeness delay, so the figures are the crawler's own cost
    fast = ["DOWNLOAD_DELAY=0", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "LOG_LEVEL=WARNING"]
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print("| workers | articles/s | pages/s per worker | worker CPU per page | duplicates | lost | "
          "PostgreSQL commits/s | rows written/s | time |")
    print("|---|---|---|---|---|---|---|---|---|")
    for workers in [int(w) for w in args.workers.split(",")]:
        r = crawl(workers, root, names, paths, pg, rd.url, fast, f"w{workers}")
        per = ", ".join(f"{x:.1f}" for x in r["pages_per_s_per_worker"])
        print(f"| {workers} | {r['articles_per_s']:.1f} | {per} | {r['cpu_ms_per_page']:.0f} ms | "
              f"{r['duplicates']} | {r['lost']} | "
              f"{r['commits_per_s']:.0f} | {r['rows_per_s']:.0f} | {r['elapsed']:.1f} s |", flush=True)

    print("\nPostgreSQL alone (Repository.store_article: article, URLs, story, 42 bands, page row; one transaction):")
    for writers in (1, 3):
        print(f"  {writers} writer process(es): {store_capacity(pg, writers, args.store_articles):.0f} articles/s",
              flush=True)

    print(f"load average after: {os.getloadavg()[0]:.1f}")
    if args.polite_delay > 0:
        polite = [f"DOWNLOAD_DELAY={args.polite_delay}", "LOG_LEVEL=WARNING"]
        r = crawl(3, root, names[:1], {names[0]: paths[names[0]]}, pg, rd.url, polite, "polite")
        limit = 1 / args.polite_delay
        print(f"\nPoliteness, 3 workers on one site with a shared delay of {args.polite_delay} s "
              f"(limit {limit:.0f} requests/s): highest rate in any 1 s window {max_rate(r['times']):.0f}/s, "
              f"in any 10 s window {max_rate(r['times'], 10.0):.1f}/s; mean "
              f"{(len(r['times']) - 1) / (r['times'][-1] - r['times'][0]):.1f}/s; "
              f"duplicates {r['duplicates']}, lost {r['lost']}")


if __name__ == "__main__":
    main()
