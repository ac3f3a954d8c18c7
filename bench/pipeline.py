"""Crawl throughput against its limits (issue #9): is everything around extraction cheap,
does extraction use every core, how do we compare with news-please, is memory bounded?

    python bench/pipeline.py [--pages 2000] [--workers N] [--skip-newsplease] [--skip-reextract]
                             [--reextract-articles 20000] [--memory-check 2000,10000,20000] [--skip-crawl]
                             [--repeat N] [--json out.json]

Everything is measured in the same run on this machine, because on a shared machine
absolute times are noise and only ratios carry over:

1. **extraction-only limit**: plain ``trafilatura.extract`` over the corpus' HTML files
   (``bench/extraction_limit.py``), pinned to one core, then a pool over all cores;
2. **our crawl**: ``transfernews crawl`` of the corpus served on 127.0.0.1 by a separate
   process (``bench/corpus.py serve``) into a fresh SQLite database, politeness off
   (robots.txt still obeyed), on all cores with ``TRANSFERNEWS_WORKERS=N``, then pinned
   to one core with ``TRANSFERNEWS_WORKERS=1``. Pages/s, CPU ms per page of the crawl's
   process tree, peak RSS of the tree (crawl process plus its pool workers, sampled every
   0.1 s), and CPU ms per page by stage when the crawl writes ``TRANSFERNEWS_PROFILE_FILE``;
3. **news-please** 1.6.16, installed in its own virtual environment
   (``bench/.cache/venv-newsplease``), crawling the same served corpus
   (``bench/newsplease_run.py``);
4. **reextract** (and ``analyze --all``) over a stored database of 20 000 articles with their
   raw HTML, built once through the real storage layer and cached;
5. with ``--memory-check``: peak RSS of crawls of small-page corpora of growing size, and
   the slope, to tell whether a 100 000-page crawl stays under 500 MB.

Pages/s are article pages stored (or extracted, for the limit and news-please) divided by
the wall-clock time of the whole command, start-up included. CPU is user+system of the
command's whole process tree (``wait4``'s rusage: every descendant that was waited for).

Reads nothing outside the repository: the corpus is generated (seeded) by
``bench/corpus.py`` into ``bench/.cache/`` (git-ignored) and reused by later runs. The only
network use is pip installing news-please from the package index, once.

Time on a 2-core machine: a full run (2 000 pages, 20 000-article reextract) takes about
30 minutes, and about 50 the first time (the corpus, news-please's venv and the reextract
database, 15 minutes of that, are built and cached); ``--pages 300 --reextract-articles
1000`` about 4 minutes. ``--memory-check 2000,10000,20000`` adds 20–40 minutes.
Results: docs/performance.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import CACHE, CORPUS_VERSION, OUTLETS, Corpus, ensure_corpus, pages_in_memory  # noqa: E402

PY = sys.executable
NEWSPLEASE_VERSION = "1.6.16"
NEWSPLEASE_VENV = CACHE / "venv-newsplease"
#: stages the crawl's profile file names; with a worker pool, these run in the workers
STAGES = ("extraction", "cleaning", "analysis", "dedup", "database")
POOL_STAGES = ("extraction", "cleaning", "analysis")
#: politeness off, robots.txt on: the figures are the crawler's own cost
FAST = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS": "32",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "32"}
TARGETS = {"crawl_vs_limit": 0.8, "speedup_1_to_2": 1.8, "vs_newsplease": 8.0, "rss_100k_mb": 500.0}
REEXTRACT_SEED = 20
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def echo(*args) -> None:
    print(*args, flush=True)


# -- measuring a command --------------------------------------------------------------------------

@dataclass
class Measured:
    """One command's cost: wall clock, CPU of its process tree, peak memory."""

    wall_s: float
    #: user+system of the command and of every descendant: waited for by its parent, or
    #: re-parented to this process when orphaned (a forkserver outliving the crawl)
    cpu_s: float
    #: the same, summed from the samples (each process' last sample): a cross-check
    cpu_sampled_s: float
    main_cpu_s: float  # the command's own process (sampled; the last 0.1 s may be missing)
    peak_rss_mb: float  # highest sum of RSS over the process tree at one sample (pages shared
    # between a forkserver and its workers count once per process, so this errs high)
    peak_pss_mb: float  # the same with PSS (shared pages divided among their users)
    peak_main_rss_mb: float
    processes: int  # processes seen in the tree
    sampler_cpu_s: float  # CPU the sampling itself took (in this process)
    load: float  # the machine's 1-minute load average when the command started
    returncode: int
    stdout: str = field(repr=False, default="")
    stderr: str = field(repr=False, default="")

    def last_json(self) -> dict:
        """The last line of stdout that is a JSON object (the helpers' result line)."""
        for line in reversed(self.stdout.splitlines()):
            if line.startswith("{"):
                return json.loads(line)
        raise ValueError(f"no JSON result (exit {self.returncode}): {self.stderr[-2000:]}")


class TreeSampler(threading.Thread):
    """Samples a process and its descendants every ``interval`` seconds: the peak of
    their summed RSS and PSS, the root's own CPU time, every pid seen and its last CPU
    time. Reads ``/proc`` directly: with psutil a sample of a 5-process tree cost 8.5 ms
    of CPU here (8 % of a core at 10 samples/s, taken from the command measured), from
    ``/proc`` 1.3 ms."""

    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = self.peak_main = 0
        self.cpu: dict[int, float] = {}
        self.samples = 0
        self.own_cpu = 0.0  # what sampling cost this process: a core it took from the measured command
        self._stop_event = threading.Event()

    def run(self) -> None:
        started = time.thread_time()
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)
        self.own_cpu = time.thread_time() - started

    def sample(self) -> None:
        """RSS and CPU of every process of the tree from ``/proc/PID/stat`` (cheap), PSS
        from ``smaps_rollup`` every fifth sample only (the kernel walks the page tables)."""
        self.samples += 1
        with_pss = self.samples % 5 == 1
        rss = pss = 0
        for pid in tree(self.pid):
            try:
                fields = proc_stat(pid)
                if with_pss:
                    with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
                        pss += 1024 * int(next(line for line in rollup if line.startswith(b"Pss:")).split()[1])
            except (OSError, StopIteration, IndexError):
                continue
            memory = int(fields[21]) * PAGE_SIZE  # field 24 of stat: resident pages
            rss += memory
            self.cpu[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # fields 14 and 15: utime, stime
            if pid == self.pid:
                self.peak_main = max(self.peak_main, memory)
        self.peak_rss = max(self.peak_rss, rss)
        if with_pss:
            self.peak_pss = max(self.peak_pss, pss)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def proc_stat(pid: int) -> list[bytes]:
    """The fields of ``/proc/PID/stat`` after the command name (field 3 is index 0)."""
    with open(f"/proc/{pid}/stat", "rb") as stat:
        return stat.read().rsplit(b")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """User+system CPU of a live process, all its threads."""
    fields = proc_stat(pid)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from ``/proc/PID/task/TID/children`` (cheaper than
    reading every process of the machine, as ``psutil.Process.children`` does)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo.extend(int(child) for child in children.read().split())
        except OSError:
            continue
    return found


def become_subreaper() -> bool:
    """Make orphaned descendants of the commands we measure (a multiprocessing
    forkserver and its workers outlive the crawl process that started them) children of
    this process, so their CPU time can be collected when they end (Linux)."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def reap_orphans(pids: set[int], seconds: float = 30.0) -> float:
    """CPU seconds of the ``pids`` that were re-parented to this process, once they end.
    A pid that is not our child and no longer exists was reaped, and counted, by its own
    parent."""
    total, pending, deadline = 0.0, set(pids), time.monotonic() + seconds
    while pending and time.monotonic() < deadline:
        for pid in list(pending):
            try:
                done, _status, usage = os.wait4(pid, os.WNOHANG)
            except ChildProcessError:
                if not os.path.exists(f"/proc/{pid}"):
                    pending.discard(pid)
                continue
            if done:
                total += usage.ru_utime + usage.ru_stime
                pending.discard(pid)
        if pending:
            time.sleep(0.05)
    return total


def run_measured(cmd: list, cpus: set[int] | None = None, cwd: Path | None = None,
                 timeout: float = 3 * 3600) -> Measured:
    """Run ``cmd`` (pinned to ``cpus`` when given, children inherit it) and measure it.
    It runs in its own process group, which is killed when ``timeout`` passes."""
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    load = os.getloadavg()[0]
    preexec = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    started = time.monotonic()
    proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, stdout=out, stderr=err, preexec_fn=preexec,
                            start_new_session=True)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    watchdog = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
    watchdog.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    watchdog.cancel()
    sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime + reap_orphans(set(sampler.cpu) - {proc.pid})
    out.seek(0)
    err.seek(0)
    return Measured(wall, cpu, sum(sampler.cpu.values()), sampler.cpu.get(proc.pid, 0.0), sampler.peak_rss / 2**20,
                    sampler.peak_pss / 2**20, sampler.peak_main / 2**20, len(sampler.cpu), sampler.own_cpu, load, proc.returncode,
                    out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


# -- serving the corpus ---------------------------------------------------------------------------

class CorpusServer:
    """The corpus served by its own process (``bench/corpus.py serve``), so its CPU is
    not the crawl's; its own CPU time is read to report what serving cost."""

    def __init__(self, corpus: Corpus):
        self.proc = subprocess.Popen([PY, str(BENCH / "corpus.py"), "serve", str(corpus.root)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.bases: dict[str, str] = json.loads(self.proc.stdout.readline())

    def pin(self, cpus: set[int]) -> None:
        """Every thread of the server onto ``cpus`` (handler threads are started by the
        serving threads, so they inherit it)."""
        for tid in os.listdir(f"/proc/{self.proc.pid}/task"):
            try:
                os.sched_setaffinity(int(tid), cpus)
            except ProcessLookupError:
                pass  # a handler thread that just ended

    def cpu_s(self) -> float:
        return cpu_seconds(self.proc.pid)

    def __enter__(self) -> "CorpusServer":
        return self

    def __exit__(self, *exc) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


# -- the runs --------------------------------------------------------------------------------------

def all_cpus() -> set[int]:
    return set(os.sched_getaffinity(0))


def extraction_limit(corpus: Corpus, processes: int, cpus: set[int]) -> dict:
    """Plain trafilatura over the corpus files: the rate no crawl can beat here."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(str(f) for f in corpus.files()))
    m = run_measured([PY, BENCH / "extraction_limit.py", "--processes", processes, listing.name], cpus)
    os.unlink(listing.name)
    result = m.last_json()
    return {"pages": result["pages"], "with_text": result["with_text"], "pages_per_s": result["pages"] / m.wall_s,
            "cpu_ms_per_page": 1000 * m.cpu_s / result["pages"], **asdict(m) | {"stdout": "", "stderr": ""}}


def db_figures(path: Path) -> dict:
    """What the crawl left in its database."""
    with sqlite3.connect(path) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        run = conn.execute("SELECT pages_fetched, articles_new, articles_alias, not_articles, errors, status, "
                           "started_at, finished_at FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        return {"articles": one("SELECT count(*) FROM articles"), "stories": one("SELECT count(*) FROM stories"),
                "transfer_news": one("SELECT count(*) FROM articles WHERE is_transfer_news"),
                "event_mentions": one("SELECT count(*) FROM event_mentions"),
                "run": dict(zip(("pages_fetched", "articles_new", "articles_alias", "not_articles", "errors", "status",
                                 "started_at", "finished_at"), run)) if run else None}


def stage_ms(profile: dict | None, pages: int) -> dict[str, float] | None:
    """CPU ms per page by stage from the crawl's profile file; ``download`` (Scrapy,
    parsing feeds and sitemaps, the reactor) is the main process' CPU less the stages
    that ran in it."""
    if not profile or not pages:
        return None
    stages = profile.get("stage_cpu_s", {})
    in_main = profile.get("main_stages") or (STAGES if not profile.get("workers") else
                                               [s for s in STAGES if s not in POOL_STAGES])
    figures = {"download": 1000 * (profile["main_cpu_s"] - sum(stages.get(s, 0.0) for s in in_main)) / pages}
    figures.update({s: 1000 * stages[s] / pages for s in STAGES if s in stages})
    return figures


def crawl(corpus: Corpus, server: CorpusServer, workers: int, cpus: set[int], label: str) -> dict:
    """``transfernews crawl`` of the served corpus into a fresh SQLite database."""
    work = Path(tempfile.mkdtemp(prefix=f"tnperf-{label}-"))
    sources = work / "sources.yaml"
    sources.write_text(corpus.sources_yaml(server.bases), "utf-8")
    db = f"sqlite:///{work / 'crawl.db'}"
    # the schema first, so the figures measure crawling, not migrating
    subprocess.run([PY, "-m", "crawler.cli", "db", "upgrade", "--db", db], cwd=work, check=True, capture_output=True)
    profile_file = work / "profile.json"
    settings = FAST | {"TRANSFERNEWS_WORKERS": str(workers), "TRANSFERNEWS_PROFILE_FILE": str(profile_file)}
    cmd = [PY, "-m", "crawler.cli", "crawl", "--sources", sources, "--db", db, "--log-level", "ERROR"]
    cmd += [a for name, value in settings.items() for a in ("-s", f"{name}={value}")]
    server_before = server.cpu_s()
    m = run_measured(cmd, cpus, cwd=work)
    server_cpu = server.cpu_s() - server_before
    if m.returncode not in (0, 1):
        raise RuntimeError(f"crawl {label} failed (exit {m.returncode}): {m.stderr[-3000:]}")
    figures = db_figures(work / "crawl.db")
    profile = json.loads(profile_file.read_text("utf-8")) if profile_file.exists() else None
    shutil.rmtree(work, ignore_errors=True)
    pages = figures["articles"]
    return {"label": label, "workers": workers, "cores": len(cpus), "pages_per_s": pages / m.wall_s,
            "cpu_ms_per_page": 1000 * m.cpu_s / max(1, pages), "main_cpu_ms_per_page": 1000 * m.main_cpu_s / max(1, pages),
            "server_cpu_ms_per_page": 1000 * server_cpu / max(1, pages), "lost": len(corpus.articles) - pages,
            "stages_ms_per_page": stage_ms(profile, pages), "profile": profile, **figures,
            **asdict(m) | {"stdout": m.stdout[-500:], "stderr": m.stderr[-2000:]}}


def newsplease_python() -> tuple[Path | None, str]:
    """news-please's own virtual environment (created once): its Python, or None and why."""
    python = NEWSPLEASE_VENV / "bin" / "python"
    check = [str(python), "-c", "import newsplease, importlib.metadata as m; print(m.version('news-please'))"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python, ""
    echo(f"installing news-please {NEWSPLEASE_VERSION} into {NEWSPLEASE_VENV} (once) …")
    steps = [[PY, "-m", "venv", "--clear", str(NEWSPLEASE_VENV)],
             [str(python), "-m", "pip", "install", "-q", f"news-please=={NEWSPLEASE_VERSION}"], check]
    for step in steps:
        try:
            done = subprocess.run(step, capture_output=True, text=True, timeout=1800)
        except subprocess.TimeoutExpired:
            return None, f"{' '.join(step[:4])} … timed out"
        if done.returncode != 0:
            return None, f"{' '.join(step[:4])} … failed: {(done.stderr or done.stdout).strip()[-1500:]}"
    return python, ""


def newsplease(server: CorpusServer, python: Path) -> dict:
    """news-please crawling the same served corpus, all cores, its own process model."""
    work = Path(tempfile.mkdtemp(prefix="tnperf-newsplease-"))
    m = run_measured([python, BENCH / "newsplease_run.py", "--out", work, "--bases", json.dumps(server.bases),
                      "--concurrency", FAST["CONCURRENT_REQUESTS"]], all_cpus())
    result = m.last_json()
    shutil.rmtree(work, ignore_errors=True)
    pages = result["articles"]
    return {"pages": pages, "pages_per_s": pages / m.wall_s, "cpu_ms_per_page": 1000 * m.cpu_s / max(1, pages),
            "result": result, **asdict(m) | {"stdout": "", "stderr": m.stderr[-2000:]}}


# -- reextract over a stored archive ----------------------------------------------------------------

def _extract_job(job: tuple[str, str, str]):
    from crawler.extraction import extract

    name, url, html = job
    return name, url, extract(html, url)


def build_reextract_db(path: Path, articles: int) -> None:
    """``articles`` generated pages extracted (a pool over all cores) and stored through
    :meth:`Repository.store_article` with their raw HTML, as a crawl stores them."""
    from datetime import datetime, timezone
    from multiprocessing import Pool

    from crawler.registry import Source
    from storage.db import open_db
    from storage.repository import FetchedPage, Repository

    engine, sessions = open_db(f"sqlite:///{path}")
    repo = Repository(sessions)
    ids = repo.sync_sources([Source(name=o.name, language=o.language) for o in OUTLETS])
    pages = pages_in_memory(articles, REEXTRACT_SEED)
    stored, started = 0, time.monotonic()
    with Pool(os.cpu_count()) as pool:
        while True:
            batch = {}
            for outlet, art, html in pages:
                batch[f"https://{outlet.name}.example{art.path}"] = (outlet.name, html)
                if len(batch) == 200:
                    break
            if not batch:
                break
            for name, url, extracted in pool.imap(_extract_job, [(n, u, h) for u, (n, h) in batch.items()], 4):
                page = FetchedPage(url=url, source_id=ids[name], role="article", state="article", http_status=200,
                                   content_type="text/html; charset=utf-8", encoding="utf-8",
                                   body=batch[url][1].encode("utf-8"), fetched_at=datetime.now(timezone.utc))
                if extracted.is_article:
                    repo.store_article(page, extracted, None)
                    stored += 1
            echo(f"  {stored} articles stored ({time.monotonic() - started:.0f} s)")
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def ensure_reextract_db(articles: int) -> Path:
    path = CACHE / f"reextract-v{CORPUS_VERSION}-{articles}.db"
    if not path.exists():
        echo(f"building the reextract database of {articles} articles in {path} (once) …")
        partial = path.with_name(path.stem + ".partial.db")
        for leftover in CACHE.glob(partial.name + "*"):
            leftover.unlink()
        build_reextract_db(partial, articles)
        partial.rename(path)
    return path


def reprocess(articles: int, limit_pages_per_s: float | None) -> dict:
    """``transfernews reextract`` then ``transfernews analyze --all`` over a copy of the
    stored archive."""
    source = ensure_reextract_db(articles)
    work = Path(tempfile.mkdtemp(prefix="tnperf-reextract-"))
    copy = work / "archive.db"
    shutil.copyfile(source, copy)
    db = f"sqlite:///{copy}"
    results = {}
    for name, cmd in (("reextract", ["reextract"]), ("analyze", ["analyze", "--all"])):
        m = run_measured([PY, "-m", "crawler.cli", *cmd, "--db", db], cwd=work)
        if m.returncode != 0:
            raise RuntimeError(f"{name} failed (exit {m.returncode}): {m.stderr[-3000:]}")
        done = int(m.stdout.split()[0])
        results[name] = {"articles": done, "articles_per_s": done / m.wall_s, "cpu_ms_per_article": 1000 * m.cpu_s / max(1, done),
                         "summary": m.stdout.strip()[-300:], **asdict(m) | {"stdout": "", "stderr": m.stderr[-2000:]}}
    if limit_pages_per_s:
        results["reextract"]["vs_limit"] = results["reextract"]["articles_per_s"] / limit_pages_per_s
    shutil.rmtree(work, ignore_errors=True)
    return results


# -- memory ---------------------------------------------------------------------------------------

def memory_check(sizes: list[int], workers: int) -> dict:
    """Peak memory of crawls of growing small-page corpora: measured at 100 000 pages when
    that size was crawled, else the straight line through the sizes that were. The target
    is judged on PSS, the tree's own footprint (RSS counts the pages the workers share
    with the forkserver once per process)."""
    rows = []
    for n in sizes:
        corpus = ensure_corpus(n, lite=True, echo=echo)
        with CorpusServer(corpus) as server:
            r = crawl(corpus, server, workers, all_cpus(), f"mem{n}")
        rows.append({"pages": r["articles"], "peak_rss_mb": r["peak_rss_mb"], "peak_pss_mb": r["peak_pss_mb"],
                     "peak_main_rss_mb": r["peak_main_rss_mb"], "pages_per_s": r["pages_per_s"], "wall_s": r["wall_s"]})
        echo(f"  {r['articles']} pages: peak RSS {r['peak_rss_mb']:.0f} MB (PSS {r['peak_pss_mb']:.0f} MB, crawl process "
             f"{r['peak_main_rss_mb']:.0f} MB), {r['pages_per_s']:.0f} pages/s")
    big = [r for r in rows if r["pages"] >= 100_000]
    out = {"runs": rows, "at_100k_measured": bool(big)}
    for kind in ("rss", "pss"):
        xs, ys = [r["pages"] for r in rows], [r[f"peak_{kind}_mb"] for r in rows]
        slope = intercept = None
        if len(rows) >= 2:
            mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
            slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
            intercept = my - slope * mx
        suffix = "" if kind == "rss" else "_pss"
        out[f"mb_per_1000_pages{suffix}"] = None if slope is None else 1000 * slope
        out[f"at_100k_mb{suffix}"] = (big[0][f"peak_{kind}_mb"] if big else
                                      None if slope is None else intercept + slope * 100_000)
    return out


# -- report -----------------------------------------------------------------------------------------

def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def print_crawl(r: dict) -> None:
    echo(f"  {r['pages_per_s']:.1f} pages/s ({r['articles']} articles in {r['wall_s']:.1f} s; {r['run']['pages_fetched']}"
         f" pages fetched, {r['lost']} lost, {r['stories']} stories, {r['transfer_news']} transfer news, "
         f"{r['event_mentions']} event mentions); CPU {r['cpu_ms_per_page']:.1f} ms/page (crawl process "
         f"{r['main_cpu_ms_per_page']:.1f}, server {r['server_cpu_ms_per_page']:.1f}); peak RSS {r['peak_rss_mb']:.0f} MB"
         f" (PSS {r['peak_pss_mb']:.0f} MB, crawl process {r['peak_main_rss_mb']:.0f} MB, {r['processes']} processes);"
         f" load {r['load']:.1f}")
    stages = r["stages_ms_per_page"]
    echo("  CPU ms per page by stage: " + (", ".join(f"{k} {_ms(v)}" for k, v in stages.items()) if stages else
                                           "n/a (the crawl wrote no TRANSFERNEWS_PROFILE_FILE)"))


def verdict(value: float | None, target: float, lower_is_better: bool = False) -> str:
    if value is None:
        return "n/a"
    return "met" if (value <= target if lower_is_better else value >= target) else "not met"


def summary(results: dict) -> None:
    lim, crawl2, crawl1 = results.get("limit_all"), results.get("crawl_all"), results.get("crawl_one")
    np_ = results.get("newsplease")
    vs_limit = crawl2["pages_per_s"] / lim["pages_per_s"] if crawl2 and lim else None
    speedup = crawl2["pages_per_s"] / crawl1["pages_per_s"] if crawl2 and crawl1 else None
    vs_np = crawl2["pages_per_s"] / np_["pages_per_s"] if crawl2 and np_ and np_.get("pages_per_s") else None
    # CPU per page hardly depends on what else the machine runs, wall-clock rates do:
    # these two say the same as the first and third ratio, on a busy machine too
    cpu_vs_limit = (results["limit_one"]["cpu_ms_per_page"] / crawl2["cpu_ms_per_page"]
                    if crawl2 and results.get("limit_one") else None)
    cpu_vs_np = np_["cpu_ms_per_page"] / crawl2["cpu_ms_per_page"] if crawl2 and np_ and np_.get("pages") else None
    mem = results.get("memory_check")
    at_100k = mem["at_100k_mb_pss"] if mem else None
    results["ratios"] = {"crawl_vs_limit": vs_limit, "speedup_1_to_2": speedup, "vs_newsplease": vs_np,
                         "rss_100k_mb": at_100k, "cpu_limit_vs_crawl": cpu_vs_limit, "cpu_newsplease_vs_crawl": cpu_vs_np}
    fmt = lambda v, unit="×": "n/a" if v is None else f"{v:.0f}{unit}" if unit == " MB" else f"{v:.2f}{unit}"  # noqa: E731
    echo("\n| figure | measured | target | |")
    echo("|---|---|---|---|")
    echo(f"| crawl ÷ extraction-only limit, all cores | {fmt(vs_limit)} | ≥ {TARGETS['crawl_vs_limit']}× | "
         f"{verdict(vs_limit, TARGETS['crawl_vs_limit'])} |")
    echo(f"| crawl speed-up, 1 → {crawl2['cores'] if crawl2 else '?'} cores | {fmt(speedup)} | "
         f"≥ {TARGETS['speedup_1_to_2']}× | {verdict(speedup, TARGETS['speedup_1_to_2'])} |")
    echo(f"| crawl ÷ news-please | {fmt(vs_np)} | ≥ {TARGETS['vs_newsplease']}× | "
         f"{verdict(vs_np, TARGETS['vs_newsplease'])} |")
    echo(f"| CPU per page: plain extraction ÷ crawl (load-independent) | {fmt(cpu_vs_limit)} | — | |")
    echo(f"| CPU per page: news-please ÷ crawl (load-independent) | {fmt(cpu_vs_np)} | — | |")
    if crawl2:
        echo(f"| peak RSS, crawl of {crawl2['articles']} pages | {crawl2['peak_rss_mb']:.0f} MB | — | |")
    how = ("measured" if mem["at_100k_measured"] else "extrapolated") if mem else "from --memory-check"
    rss = f", RSS {mem['at_100k_mb']:.0f} MB" if mem and mem.get("at_100k_mb") is not None else ""
    echo(f"| peak PSS of the process tree at 100 000 pages ({how}{rss}) | {fmt(at_100k, ' MB')} | "
         f"< {TARGETS['rss_100k_mb']:.0f} MB | {verdict(at_100k, TARGETS['rss_100k_mb'], lower_is_better=True)} |")
    re_ = results.get("reprocess")
    if re_:
        echo(f"| reextract of {re_['reextract']['articles']} stored articles | {re_['reextract']['articles_per_s']:.1f}"
             f" articles/s ({fmt(re_['reextract'].get('vs_limit'))} of the limit) | — | |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000, help="article pages in the corpus (default 2000)")
    parser.add_argument("--workers", type=int, default=os.cpu_count(),
                        help="TRANSFERNEWS_WORKERS of the all-cores crawl (default: the number of cores)")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--skip-crawl", action="store_true",
                        help="skip the limit, the crawls and news-please (only reextract and the memory check)")
    parser.add_argument("--skip-newsplease", action="store_true")
    parser.add_argument("--skip-reextract", action="store_true")
    parser.add_argument("--reextract-articles", type=int, default=20_000)
    parser.add_argument("--memory-check", metavar="N,N,…", default="",
                        help="also crawl small-page corpora of these sizes for the memory slope, e.g. 2000,10000,20000")
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure the limit, both crawls and news-please this many times, in turns, and keep the "
                             "best of each (a busy machine)")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args()

    become_subreaper()
    cpus = sorted(all_cpus())
    one, rest = {cpus[0]}, set(cpus[1:]) or {cpus[0]}
    import scrapy
    import trafilatura

    results: dict = {"machine": {"cores": len(cpus), "python": platform.python_version(), "scrapy": scrapy.__version__,
                                 "trafilatura": trafilatura.__version__, "load_before": os.getloadavg()[0]},
                     "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}}
    started = time.monotonic()
    echo(f"{len(cpus)} cores, load average {os.getloadavg()[0]:.1f}; Python {platform.python_version()}, "
         f"Scrapy {scrapy.__version__}, trafilatura {trafilatura.__version__}")
    corpus = ensure_corpus(args.pages, args.seed, echo=echo)
    sizes = sorted(corpus.sizes)
    echo(f"corpus: {len(sizes)} article pages on {len(corpus.outlets)} outlets, {sizes[0] // 1024}–"
         f"{sizes[-1] // 1024} KB (median {sizes[len(sizes) // 2] // 1024} KB), {sum(sizes) / 2**20:.0f} MB")
    results["corpus"] = {"pages": len(sizes), "outlets": len(corpus.outlets), "min_kb": sizes[0] / 1024,
                         "median_kb": sizes[len(sizes) // 2] / 1024, "max_kb": sizes[-1] / 1024}

    # each figure is the best of --repeat runs, taken in turns, so a burst of other
    # work on the machine hurts one run of one figure, not the ratio
    python, why = (None, "--skip-newsplease") if args.skip_newsplease or args.skip_crawl else newsplease_python()
    runs: dict[str, list[dict]] = {}
    with CorpusServer(corpus) as server:
        for round_ in range(0 if args.skip_crawl else args.repeat):
            tag = f" (round {round_ + 1} of {args.repeat})" if args.repeat > 1 else ""
            echo(f"\nextraction-only limit, plain trafilatura over the files{tag}:")
            for key, processes, cores, label in (("limit_one", 1, one, "1 core"),
                                                 ("limit_all", len(cpus), set(cpus), f"{len(cpus)} cores")):
                r = extraction_limit(corpus, processes, cores)
                runs.setdefault(key, []).append(r)
                echo(f"  {label}: {r['pages_per_s']:.1f} pages/s, CPU {r['cpu_ms_per_page']:.1f} ms/page, "
                     f"peak RSS {r['peak_rss_mb']:.0f} MB (load {r['load']:.1f})")
            echo(f"\ncrawl, {len(cpus)} cores, TRANSFERNEWS_WORKERS={args.workers}{tag}:")
            runs.setdefault("crawl_all", []).append(crawl(corpus, server, args.workers, set(cpus), "all"))
            print_crawl(runs["crawl_all"][-1])
            echo(f"\ncrawl, pinned to 1 core, TRANSFERNEWS_WORKERS=1 (the server on the other core){tag}:")
            server.pin(rest)
            try:
                runs.setdefault("crawl_one", []).append(crawl(corpus, server, 1, one, "one"))
            finally:
                server.pin(set(cpus))
            print_crawl(runs["crawl_one"][-1])
            echo(f"\nnews-please {NEWSPLEASE_VERSION}, same corpus, {len(cpus)} cores{tag}:")
            if python is None:
                echo(f"  skipped: {why}")
                continue
            r = newsplease(server, python)
            runs.setdefault("newsplease", []).append(r)
            echo(f"  {r['pages_per_s']:.1f} pages/s ({r['pages']} articles written in {r['wall_s']:.1f} s, "
                 f"{r['result']['parallel_crawlers']} crawler processes at a time); CPU {r['cpu_ms_per_page']:.1f} "
                 f"ms/page; peak RSS {r['peak_rss_mb']:.0f} MB (PSS {r['peak_pss_mb']:.0f} MB); load {r['load']:.1f}")
    for key, rows in runs.items():
        results[key] = max(rows, key=lambda r: r["pages_per_s"]) | {"all_pages_per_s": [r["pages_per_s"] for r in rows]}
    if python is None and not args.skip_crawl:
        results["newsplease"] = {"skipped": why}

    if not args.skip_reextract:
        echo(f"\nreprocessing a stored archive of {args.reextract_articles} articles:")
        r = results["reprocess"] = reprocess(args.reextract_articles,
                                             results["limit_all"]["pages_per_s"] if "limit_all" in results else None)
        for name in ("reextract", "analyze"):
            x = r[name]
            echo(f"  {name}: {x['articles_per_s']:.1f} articles/s ({x['articles']} in {x['wall_s']:.1f} s); CPU "
                 f"{x['cpu_ms_per_article']:.1f} ms/article; peak RSS {x['peak_rss_mb']:.0f} MB")

    if args.memory_check:
        echo("\nmemory check (small pages, crawls of growing size):")
        mem = results["memory_check"] = memory_check([int(n) for n in args.memory_check.split(",")], args.workers)
        if mem["mb_per_1000_pages"] is not None:
            echo(f"  peak RSS grows {mem['mb_per_1000_pages']:.1f} MB and PSS {mem['mb_per_1000_pages_pss']:.1f} MB per "
                 f"1 000 pages; at 100 000 pages: RSS {mem['at_100k_mb']:.0f} MB, PSS {mem['at_100k_mb_pss']:.0f} MB "
                 f"({'measured' if mem['at_100k_measured'] else 'extrapolated'})")

    results["load_after"] = os.getloadavg()[0]
    results["elapsed_s"] = time.monotonic() - started
    summary(results)
    echo(f"\nload average after: {os.getloadavg()[0]:.1f}; the run took {results['elapsed_s'] / 60:.1f} min")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), "utf-8")


if __name__ == "__main__":
    main()
