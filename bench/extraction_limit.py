"""The extraction-only limit of ``bench/pipeline.py``: plain trafilatura over the corpus files.

What a crawler cannot beat on the same machine: ``trafilatura.extract`` with its
defaults (what "plain trafilatura" means to its users) over the same HTML files, read
from disk, with a ``multiprocessing.Pool`` of ``--processes`` workers (1: a plain loop in
this process, no pool). No network, no database, no cleaning, no metadata. Run as its own
process so ``bench/pipeline.py`` measures its CPU and memory, and pins it to cores, the
same way as the crawl.

    python bench/extraction_limit.py --processes 2 FILE_LIST

Prints one JSON line: pages, characters extracted, seconds (first file to last result).
"""
from __future__ import annotations

import argparse
import json
import time
from multiprocessing import Pool
from pathlib import Path


def extract_file(path: str) -> int:
    """Characters of main text trafilatura finds in one file (0: none)."""
    import trafilatura

    html = Path(path).read_text("utf-8")
    return len(trafilatura.extract(html) or "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("file_list", type=Path, help="a file naming one HTML file per line")
    args = parser.parse_args()
    files = args.file_list.read_text("utf-8").split()
    import trafilatura  # noqa: F401  (imported before the clock starts, as the crawl imports it at start-up)

    started = time.monotonic()
    if args.processes <= 1:
        sizes = [extract_file(f) for f in files]
    else:
        with Pool(args.processes) as pool:
            sizes = list(pool.imap_unordered(extract_file, files, chunksize=4))
    seconds = time.monotonic() - started
    print(json.dumps({"pages": len(files), "with_text": sum(1 for s in sizes if s), "chars": sum(sizes),
                      "seconds": seconds}))


if __name__ == "__main__":
    main()
