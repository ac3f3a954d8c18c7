"""Crawl the benchmark corpus with news-please, the baseline of ``bench/pipeline.py``.

Runs with the Python of news-please's own virtual environment (``bench/.cache/
venv-newsplease``; ``bench/pipeline.py`` creates it), never with transfernews' one: its
pins are old and heavy. Imports nothing from this repository.

What runs is news-please's own crawl, as its CLI (``news-please -c DIR``) runs it:

* a config directory made from news-please's packaged ``config.cfg`` with its defaults
  kept (SitemapCrawler for every site, falling back to RecursiveCrawler; its heuristics;
  its extractors newspaper, readability, date and langdetect; HTML and JSON file
  storage; 5 crawler processes at a time) except: politeness off like ours
  (``DOWNLOAD_DELAY = 0``, no AutoThrottle, ``CONCURRENT_REQUESTS(_PER_DOMAIN)`` as ours),
  logging at ERROR, and the working path in the given folder;
* a ``sitelist.hjson`` naming each outlet's home page;
* one ``single_crawler.py`` process per site, at most ``number_of_parallel_crawlers`` at
  a time, exactly as news-please's launcher starts them. The launcher itself is not used
  because it polls for the end of its crawlers every 10 seconds, which would add up to
  10 s of idle time to the measured wall clock.

One patch, and only to make a loopback corpus crawlable: news-please takes a site's
allowed domain from its URL with the port (``127.0.0.1:8080``), which Scrapy's offsite
filter ignores, so every request would be dropped as offsite. Each crawler process
therefore runs ``single_crawler.py`` with ``UrlExtractor.get_allowed_domain`` stripping the
port (``--single``); nothing else of news-please is touched.

Prints one JSON line: articles written (JSON files), seconds, exit codes.

    venv-newsplease/bin/python bench/newsplease_run.py --out DIR --bases '{"site": "http://127.0.0.1:PORT"}'
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def _set(text: str, key: str, value: str) -> str:
    """Replace ``key = ...`` in news-please's INI text (the first occurrence)."""
    pattern = re.compile(rf"^{re.escape(key)}\s*=.*$", re.MULTILINE)
    if not pattern.search(text):
        raise KeyError(f"{key} not in news-please's config.cfg")
    return pattern.sub(lambda _m: f"{key} = {value}", text, count=1)


def write_config(folder: Path, bases: dict[str, str], concurrency: int) -> tuple[Path, Path, int]:
    """news-please's packaged config with politeness off and paths in ``folder``;
    returns (config.cfg, sitelist.hjson, number_of_parallel_crawlers)."""
    import newsplease

    text = (Path(newsplease.__file__).parent / "config" / "config.cfg").read_text("utf-8")
    text = _set(text, "working_path", str(folder / "repo"))
    text = _set(text, "LOG_LEVEL", os.environ.get("NP_LOG", "ERROR"))
    text = _set(text, "CONCURRENT_REQUESTS", str(concurrency))
    text = _set(text, "CONCURRENT_REQUESTS_PER_DOMAIN", str(concurrency))
    text = text.replace("[Scrapy]\n", "[Scrapy]\nDOWNLOAD_DELAY = 0\nAUTOTHROTTLE_ENABLED = False\n", 1)
    parallel = int(re.search(r"^number_of_parallel_crawlers\s*=\s*(\d+)", text, re.MULTILINE).group(1))
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.cfg"
    config.write_text(text, "utf-8")
    sitelist = folder / "sitelist.hjson"
    sitelist.write_text(json.dumps({"base_urls": [{"url": base + "/"} for base in bases.values()]}, indent=1), "utf-8")
    return config, sitelist, parallel


def single_crawler(argv: list[str]) -> None:
    """news-please's ``single_crawler.py`` with the allowed domain's port stripped."""
    import runpy

    from newsplease.helper_classes.url_extractor import UrlExtractor

    original = UrlExtractor.get_allowed_domain

    def without_port(url: str, allow_subdomains: bool = True) -> str:
        return original(url, allow_subdomains).split(":")[0]

    UrlExtractor.get_allowed_domain = staticmethod(without_port)
    sys.argv = argv
    runpy.run_path(argv[0], run_name="__main__")


def main() -> None:
    if sys.argv[1:2] == ["--single"]:
        single_crawler(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--bases", required=True, help="JSON object: site name -> base URL")
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    import newsplease

    bases = json.loads(args.bases)
    config, sitelist, parallel = write_config(args.out, bases, args.concurrency)
    single = Path(newsplease.__file__).parent / "single_crawler.py"
    log = open(args.out / "crawl.log", "wb")

    def crawl(index: int) -> int:
        # the arguments news-please's launcher passes: config, sitelist, index, resume, daemonize
        return subprocess.run([sys.executable, __file__, "--single", str(single), str(config), str(sitelist), str(index),
                               "False", "False"], stdout=log, stderr=log).returncode

    started = time.monotonic()
    with ThreadPoolExecutor(parallel) as pool:
        codes = list(pool.map(crawl, range(len(bases))))
    elapsed = time.monotonic() - started
    data = args.out / "repo" / "data"
    articles = sum(1 for _ in data.rglob("*.json")) if data.exists() else 0
    html = sum(1 for _ in data.rglob("*.html")) if data.exists() else 0
    print(json.dumps({"articles": articles, "html_files": html, "seconds": elapsed, "exit_codes": codes,
                      "parallel_crawlers": parallel, "version": _version()}))


def _version() -> str:
    from importlib.metadata import version

    return version("news-please")


if __name__ == "__main__":
    main()
