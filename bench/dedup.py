"""Near-duplicate detection: quality on labelled pairs, and cost as the archive grows.

Reads only the project's own fixtures (tests/fixtures/events: 126 articles in 7 languages,
with the facts they report), so it runs from a clean clone.

1. Labelled pairs (semi-synthetic: the copies are made from real texts the way outlets
   make them):
   * positives: a verbatim syndicated copy; a copy with a new first sentence; with an
     extra paragraph; with a paragraph cut; with light edits (typos, a changed word
     every ~15 words); a shortened re-run (first half);
   * negatives: different outlets' articles about the same fact (same ``fact_id``:
     these must NOT merge), and random pairs in one language.
   Prints precision / recall per kind, and a sweep of the two thresholds.
2. Scaling: SQLite databases filled with 10 k, 100 k and 1 M synthetic articles
   (random fingerprints, 32 band rows each); then real articles are stored through
   ``Repository.store_article`` and the per-article dedup cost (fingerprint + band
   lookups + verification + story write) is printed at each size, next to two
   baselines measured in the same run: an exhaustive comparison against every stored
   signature (numpy, in memory), and datasketch's in-memory ``MinHashLSH``.

    python bench/dedup.py                    # pairs + scaling to 1 M (about 15 minutes)
    python bench/dedup.py --max-size 100000  # quicker
"""
from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from storage import fingerprint as fp  # noqa: E402

EVENTS = REPO / "tests" / "fixtures" / "events"
LANGS = ("it", "ru", "en", "es", "de", "fr", "pt")
LEADS = {
    "it": "Lo riferiscono fonti vicine alla società, che confermano le indiscrezioni delle ultime ore.",
    "ru": "Об этом сообщили источники, близкие к клубу, подтвердив информацию последних часов.",
    "en": "Sources close to the club confirmed the reports that had circulated in recent hours.",
    "es": "Así lo confirman fuentes cercanas al club, que avalan las informaciones de las últimas horas.",
    "de": "Das bestätigten vereinsnahe Quellen, die die Berichte der vergangenen Stunden untermauern.",
    "fr": "Des sources proches du club confirment les informations des dernières heures.",
    "pt": "A informação foi confirmada por fontes próximas do clube nas últimas horas.",
}
EXTRA = {
    "it": "La società ha ringraziato i tifosi per il sostegno e ha annunciato una conferenza stampa nei prossimi giorni, "
          "durante la quale verranno illustrati i programmi per il resto della stagione.",
    "ru": "Клуб поблагодарил болельщиков за поддержку и анонсировал пресс-конференцию в ближайшие дни, на которой "
          "расскажут о планах на оставшуюся часть сезона.",
    "en": "The club thanked supporters for their backing and announced a press conference in the coming days, where "
          "plans for the rest of the season will be set out.",
    "es": "El club agradeció el apoyo de la afición y anunció una rueda de prensa en los próximos días, en la que se "
          "explicarán los planes para el resto de la temporada.",
    "de": "Der Verein bedankte sich bei den Fans für die Unterstützung und kündigte für die kommenden Tage eine "
          "Pressekonferenz an, auf der die Pläne für den Rest der Saison vorgestellt werden.",
    "fr": "Le club a remercié ses supporters pour leur soutien et annoncé une conférence de presse dans les prochains "
          "jours, au cours de laquelle seront présentés les projets pour la suite de la saison.",
    "pt": "O clube agradeceu o apoio dos adeptos e anunciou uma conferência de imprensa nos próximos dias, na qual "
          "serão apresentados os planos para o resto da temporada.",
}


def load_articles() -> dict[str, list[dict]]:
    return {lang: [json.loads(l) for l in (EVENTS / f"{lang}.jsonl").read_text("utf-8").splitlines() if l.strip()]
            for lang in LANGS}


def light_edit(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for i in range(0, len(words), 15):
        j = min(len(words) - 1, i + rng.randrange(15))
        w = words[j]
        if len(w) > 4:
            k = rng.randrange(1, len(w) - 1)
            words[j] = w[:k] + w[k + 1:]  # a dropped letter: typo or edit
    return " ".join(words)


def make_pairs(corpus: dict[str, list[dict]], seed: int = 7) -> list[tuple[str, str, str, bool]]:
    """(kind, text_a, text_b, is_copy)."""
    rng = random.Random(seed)
    pairs = []
    for lang, rows in corpus.items():
        for row in rows:
            text = row["text"]
            paragraphs = text.split("\n")
            pairs.append(("syndicated", text, text, True))
            pairs.append(("new lead", text, LEADS[lang] + "\n" + text, True))
            pairs.append(("extra paragraph", text, text + "\n" + EXTRA[lang], True))
            if len(paragraphs) >= 3:
                cut = rng.randrange(len(paragraphs))
                pairs.append(("paragraph cut", text, "\n".join(p for i, p in enumerate(paragraphs) if i != cut), True))
            pairs.append(("light edits", text, light_edit(text, rng), True))
            half = text[: max(200, len(text) // 2)]
            pairs.append(("shortened re-run", text, half, True))
        facts: dict[str, set[int]] = {}
        for i, row in enumerate(rows):
            for event in row["events"]:
                facts.setdefault(event["fact_id"], set()).add(i)
        for members in facts.values():
            members = sorted(members)
            for a in range(len(members)):
                for b in range(a + 1, len(members)):
                    pairs.append(("same event, other outlet", rows[members[a]]["text"], rows[members[b]]["text"], False))
        for _ in range(len(rows)):
            a, b = rng.sample(range(len(rows)), 2)
            pairs.append(("random pair", rows[a]["text"], rows[b]["text"], False))
    return pairs


def evaluate_pairs(pairs, jaccard_min=None, containment_min=None) -> dict:
    saved = fp.JACCARD_MIN, fp.CONTAINMENT_MIN
    if jaccard_min is not None:
        fp.JACCARD_MIN = jaccard_min
    if containment_min is not None:
        fp.CONTAINMENT_MIN = containment_min
    try:
        cache: dict[str, fp.Fingerprint] = {}

        def fingerprint(text):
            if text not in cache:
                cache[text] = fp.fingerprint(text)
            return cache[text]

        by_kind: dict[str, list[int]] = {}
        tp = fp_ = fn = 0
        for kind, a, b, truth in pairs:
            fa, fb = fingerprint(a), fingerprint(b)
            # as in the database: only a pair sharing an LSH band is ever compared
            candidate = any(x == y for x, y in zip(fa.bands(), fb.bands()))
            predicted = candidate and fp.is_copy(fa, fb)[0]
            stats = by_kind.setdefault(kind, [0, 0])
            stats[0] += predicted == truth
            stats[1] += 1
            tp += predicted and truth
            fp_ += predicted and not truth
            fn += truth and not predicted
        return {"precision": tp / (tp + fp_) if tp + fp_ else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
                "tp": tp, "fp": fp_, "fn": fn, "by_kind": by_kind}
    finally:
        fp.JACCARD_MIN, fp.CONTAINMENT_MIN = saved


def print_pairs(corpus) -> dict:
    pairs = make_pairs(corpus)
    result = evaluate_pairs(pairs)
    print(f"== labelled pairs: {len(pairs)} ({sum(p[3] for p in pairs)} copies) "
          f"with JACCARD_MIN={fp.JACCARD_MIN}, CONTAINMENT_MIN={fp.CONTAINMENT_MIN}")
    print(f"precision {result['precision']:.4f}  recall {result['recall']:.4f}  "
          f"(tp {result['tp']}, fp {result['fp']}, fn {result['fn']}); a pair counts only when it also shares "
          f"one of the {fp.BANDS} LSH bands, as in the database")
    scores = {True: [], False: []}
    for kind, a, b, truth in pairs:
        jaccard, containment = fp.similarity(fp.fingerprint(a), fp.fingerprint(b))
        scores[truth].append((jaccard, containment))
    print(f"negatives: highest Jaccard {max(j for j, _ in scores[False]):.3f}, highest containment "
          f"{max(c for _, c in scores[False]):.3f}; positives: lowest Jaccard {min(j for j, _ in scores[True]):.3f}")
    for kind, (right, total) in result["by_kind"].items():
        print(f"  {kind:26} {right:4}/{total:<4} right")
    print("== threshold sweep (precision / recall)")
    sweep = {}
    for j in (0.3, 0.4, 0.45, 0.5, 0.6, 0.7):
        cells = []
        for c in (0.6, 0.7, 0.75, 0.8, 0.9):
            r = evaluate_pairs(pairs, j, c)
            sweep[f"{j}/{c}"] = (r["precision"], r["recall"])
            cells.append(f"{r['precision']:.3f}/{r['recall']:.3f}")
        print(f"  J>={j:<4} " + "  ".join(f"C>={c}: {cell}" for c, cell in zip((0.6, 0.7, 0.75, 0.8, 0.9), cells)))
    return {"pairs": len(pairs), **{k: v for k, v in result.items() if k != "by_kind"},
            "by_kind": result["by_kind"], "sweep": sweep}


# -- scaling --------------------------------------------------------------------------------------


def fill(db_path: Path, start: int, stop: int, rng: np.random.Generator) -> None:
    """Add ``stop - start`` synthetic articles with random fingerprints."""
    conn = sqlite3.connect(db_path)
    offset = max(conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0],
                 conn.execute("SELECT coalesce(max(id), 0) FROM stories").fetchone()[0]) - start
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")
    now = datetime(2024, 1, 1, tzinfo=timezone.utc).strftime("%Y-%m-%d %H:%M:%S.000000")
    chunk = 50_000
    for lo in range(start, stop, chunk):
        hi = min(stop, lo + chunk)
        ids = range(offset + lo + 1, offset + hi + 1)
        sigs = rng.integers(0, 2**32, size=(hi - lo, fp.NUM_PERM), dtype=np.uint32)
        conn.executemany("INSERT INTO stories (id, first_seen, updated_at, primary_article_id, member_count) "
                         "VALUES (?, ?, ?, ?, 1)", ((i, now, now, i) for i in ids))
        conn.executemany(
            "INSERT INTO articles (id, source_id, url_key, canonical_url, url, text, content_hash, fetched_at, "
            "updated_at, fingerprint, shingle_count, story_id) VALUES (?, 1, ?, ?, ?, 'x', ?, ?, ?, ?, 200, ?)",
            ((i, f"k{i}", f"u{i}", f"u{i}", f"h{i}", now, now, sigs[n].astype("<u4").tobytes(), i)
             for n, i in enumerate(ids)))
        bands = rng.integers(-(2**63), 2**63 - 1, size=(hi - lo, fp.BANDS), dtype=np.int64)
        rows = [(b, int(bands[n, b]), i) for n, i in enumerate(ids) for b in range(fp.BANDS)]
        rows.sort()
        conn.executemany("INSERT INTO article_bands (band, hash, article_id) VALUES (?, ?, ?)", rows)
        conn.commit()
    conn.close()


def measure_lookup(db_url: str, queries: list[fp.Fingerprint]) -> float:
    """Median ms per article to find its copies (band lookups + verification): the
    dedup cost proper, comparable with the in-memory baselines."""
    from storage.db import open_db
    from storage.repository import Repository

    _, sessions = open_db(db_url)
    timings = []
    with sessions() as session:
        for query in queries:
            start = time.perf_counter()
            Repository.find_copies(session, query)
            timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def measure_store(db_url: str, texts: list[str], size: int) -> float:
    """Median ms per article to store real articles through the repository (fingerprint,
    lookup, story, bands, URL rows, page row, commit)."""
    from crawler.extraction import Extracted
    from storage.db import open_db
    from storage.repository import FetchedPage, Repository

    repo = Repository(open_db(db_url)[1])
    timings = []
    for n, text in enumerate(texts):
        page = FetchedPage(url=f"https://bench.example/{size}/{n}", source_id=1, role="article", state="article",
                           http_status=200, body=b"x")
        start = time.perf_counter()
        repo.store_article(page, Extracted(text=text, page_type="article", extractor_version="bench"), None)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def remove_measured(db_path: Path) -> None:
    """Delete what the measurement stored, so every size is measured from the same state."""
    conn = sqlite3.connect(db_path)
    ids = "SELECT id FROM articles WHERE url LIKE 'https://bench.example/%'"
    conn.execute(f"DELETE FROM article_bands WHERE article_id IN ({ids})")
    conn.execute(f"DELETE FROM article_urls WHERE article_id IN ({ids})")
    conn.execute(f"DELETE FROM pages WHERE url LIKE 'https://bench.example/%'")
    conn.execute(f"UPDATE stories SET primary_article_id = NULL WHERE primary_article_id IN ({ids})")
    conn.execute(f"DELETE FROM articles WHERE url LIKE 'https://bench.example/%'")
    conn.execute("DELETE FROM stories WHERE primary_article_id IS NULL")
    conn.commit()
    conn.close()


def measure_exhaustive(signatures: np.ndarray, queries: list[fp.Fingerprint]) -> float:
    """Median ms per article to compare against every stored signature (numpy, in memory)."""
    timings = []
    for query in queries:
        start = time.perf_counter()
        jaccard = (signatures == query.signature).mean(axis=1)
        np.flatnonzero(jaccard >= fp.JACCARD_MIN)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def measure_datasketch(size: int, queries: list[fp.Fingerprint], rng: np.random.Generator) -> tuple[float, float]:
    """(median ms per query+insert, seconds to build) for datasketch's in-memory MinHashLSH."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(num_perm=fp.NUM_PERM, params=(fp.BANDS, fp.ROWS))
    start = time.perf_counter()
    with lsh.insertion_session(buffer_size=100_000) as session:
        for i in range(size):
            session.insert(i, MinHash(num_perm=fp.NUM_PERM, scheme=fp.SCHEME,
                                      hashvalues=rng.integers(0, 2**32, fp.NUM_PERM, dtype=np.uint64)))
    build = time.perf_counter() - start
    timings = []
    for n, query in enumerate(queries):
        minhash = MinHash(num_perm=fp.NUM_PERM, scheme=fp.SCHEME, hashvalues=query.signature.astype(np.uint64))
        start = time.perf_counter()
        lsh.query(minhash)
        lsh.insert(f"q{n}", minhash)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000, build


def scaling(corpus, sizes: list[int], datasketch_max: int) -> dict:
    from storage.db import open_db

    texts = [row["text"] for rows in corpus.values() for row in rows]
    queries = [fp.fingerprint(t) for t in texts]
    rng = np.random.default_rng(11)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "scale.db"
        db_url = f"sqlite:///{db_path}"
        engine, _ = open_db(db_url)
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO sources (id, name, kind, created_at, updated_at) "
                                 "VALUES (1, 'bench', 'news', '2024-01-01', '2024-01-01')")
        engine.dispose()
        filled = 0
        print("== per-article dedup cost as the archive grows (median ms per article)")
        print(f"{'stored':>9} {'ours lookup':>12} {'ours store':>11} {'exhaustive':>11} {'datasketch LSH':>15} "
              f"{'fill s':>7} {'db MB':>7}")
        for size in sizes:
            start = time.perf_counter()
            fill(db_path, filled, size, rng)
            fill_s = time.perf_counter() - start
            filled = size
            # the same texts are stored at every size, each time under new URLs
            lookup = measure_lookup(db_url, queries)
            ours = measure_store(db_url, texts, size)
            remove_measured(db_path)
            sigs = np.frombuffer(b"".join(
                r[0] for r in sqlite3.connect(db_path).execute("SELECT fingerprint FROM articles")),
                dtype="<u4").reshape(-1, fp.NUM_PERM)
            exhaustive = measure_exhaustive(sigs, queries[:50])
            del sigs
            lsh = measure_datasketch(size, queries, rng) if size <= datasketch_max else (None, None)
            mb = db_path.stat().st_size / 1e6
            results[size] = {"ours_lookup_ms": lookup, "ours_ms": ours, "exhaustive_ms": exhaustive, "datasketch_ms": lsh[0],
                             "datasketch_build_s": lsh[1], "fill_s": fill_s, "db_mb": mb}
            ds = f"{lsh[0]:.3f}" if lsh[0] is not None else "-"
            print(f"{size:9,} {lookup:12.3f} {ours:11.3f} {exhaustive:11.3f} {ds:>15} {fill_s:7.0f} {mb:7.0f}")
        for key, label in (("ours_lookup_ms", "lookup"), ("ours_ms", "store")):
            base = results[sizes[0]][key]
            for size in sizes[1:]:
                print(f"ours {label} at {size:,} / at {sizes[0]:,}: {results[size][key] / base:.2f}x")
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-size", type=int, default=1_000_000)
    parser.add_argument("--datasketch-max", type=int, default=1_000_000,
                        help="largest size for the datasketch baseline (it keeps everything in memory)")
    parser.add_argument("--pairs-only", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    corpus = load_articles()
    results = {"pairs": print_pairs(corpus)}
    if not args.pairs_only:
        sizes = [s for s in (10_000, 100_000, 1_000_000) if s <= args.max_size]
        results["scaling"] = scaling(corpus, sizes, args.datasketch_max)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
