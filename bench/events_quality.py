"""Event extraction quality on the labelled articles (issue #5).

    python bench/events_quality.py [--set tests/fixtures/events] [--verbose] [--no-merge]

Prints relevance accuracy; event precision/recall/F1 per language and per type (an event
counts when type — and for rumours the rumoured type — person and club all match);
field accuracy on matched events (date, contract end, fee, official, from-club, role);
and merge quality: the articles are stored in a fresh SQLite database through the real
storage layer, and every fact (``fact_id``) reported by several articles should be one
event (rumours linked to the official event they became).

Reads only the fixture sets in this repository.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.understanding.clubs import gazetteer  # noqa: E402
from crawler.understanding.events import analyze  # noqa: E402
from crawler.understanding.text import person_key  # noqa: E402
from storage.events import same_person as store_same_person  # noqa: E402

LANGS = ["it", "ru", "en", "es", "de", "fr", "pt"]


def load(folder: Path) -> list[dict]:
    out = []
    for lang in LANGS:
        path = folder / f"{lang}.jsonl"
        if path.exists():
            out += [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return out


def same_person(a: str, b: str) -> bool:
    """The store's rule (:func:`storage.events.same_person`), on the two names' keys: the
    benchmark counts a person as found when the database would merge the two."""
    return store_same_person(person_key(a), person_key(b))


def matches(gold: dict, pred: dict) -> bool:
    g = gazetteer()
    if gold["type"] != pred["type"] or gold.get("rumoured_type") != pred.get("rumoured_type"):
        return False
    if g.lookup(gold["club"]) != g.lookup(pred["club"] or ""):
        return False
    return same_person(gold["person"], pred["person"])


def run_article(a: dict):
    return analyze(a["text"], a["title"], a["language"], a["published"], a["kind"],
                   a["source"] if a["kind"] == "club" else None)


def score(articles: list[dict], verbose: bool = False) -> dict:
    g = gazetteer()
    rel_ok = 0
    counts = defaultdict(Counter)  # key -> tp/fp/fn
    fields = defaultdict(Counter)  # field -> ok/total
    pairs = []  # (article, gold, pred)
    t0 = time.perf_counter()
    results = {}
    for a in articles:
        r = run_article(a)
        results[a["id"]] = r
        rel_ok += r.is_transfer_news == a["is_transfer_news"]
        preds = [m.as_dict() for m in r.events]
        used = set()
        for gold in a["events"]:
            hit = next((i for i, p in enumerate(preds) if i not in used and matches(gold, p)), None)
            for key in ("all", a["language"], "type:" + gold["type"]):
                counts[key]["tp" if hit is not None else "fn"] += 1
            if hit is None:
                if verbose:
                    print(f"  MISS {a['id']} {gold['type']}/{gold.get('rumoured_type')} {gold['person']} @ {gold['club']}: {gold['evidence'][:110]}")
                continue
            used.add(hit)
            p = preds[hit]
            pairs.append((a, gold, p))
            for f in ("date", "contract_until", "fee", "official", "role"):
                ok = gold[f] == p[f]
                fields[f]["ok"] += ok
                fields[f]["n"] += 1
                if verbose and not ok:
                    print(f"  FIELD {a['id']} {f}: gold {gold[f]!r} got {p[f]!r}")
            if gold["from_club"] or p["from_club"]:
                ok = g.lookup(gold["from_club"] or "") == g.lookup(p["from_club"] or "")
                fields["from_club"]["ok"] += ok
                fields["from_club"]["n"] += 1
                if verbose and not ok:
                    print(f"  FIELD {a['id']} from_club: gold {gold['from_club']!r} got {p['from_club']!r}")
        for i, p in enumerate(preds):
            if i in used:
                continue
            for key in ("all", a["language"], "type:" + p["type"]):
                counts[key]["fp"] += 1
            if verbose:
                print(f"  FALSE {a['id']} {p['type']}/{p['rumoured_type']} {p['person']} @ {p['club']}: {p['evidence'][:110]}")
    elapsed = time.perf_counter() - t0
    return {"relevance": rel_ok / len(articles), "counts": counts, "fields": fields, "results": results,
            "ms_per_article": 1000 * elapsed / len(articles)}


def prf(c: Counter) -> tuple[float, float, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def merge_quality(articles: list[dict], results) -> dict:
    """Store every article and its events in a fresh SQLite database through the real
    storage code, then compare events with the labelled facts."""
    import tempfile
    from datetime import datetime

    from sqlalchemy import select

    from storage.db import open_db
    from storage.events import EventStore
    from storage.models import Article, Event, EventMention, SourceRow

    with tempfile.TemporaryDirectory() as tmp:
        engine, factory = open_db(f"sqlite:///{tmp}/events.db")
        now = datetime.now().astimezone()
        ids = {}
        with factory() as session, session.begin():
            sources = {}
            for a in articles:
                name = a["source"]
                if name not in sources:
                    src = SourceRow(name=name[:100], kind=a["kind"], created_at=now, updated_at=now)
                    session.add(src)
                    session.flush()
                    sources[name] = src.id
                art = Article(source_id=sources[name], url_key=a["url"], canonical_url=a["url"], url=a["url"],
                              title=a["title"], text=a["text"], language=a["language"], published=a["published"],
                              published_at=datetime.fromisoformat(a["published"]), content_hash=a["id"],
                              fetched_at=now, updated_at=now)
                session.add(art)
                session.flush()
                ids[a["id"]] = art.id
        store = EventStore(factory)
        for a in sorted(articles, key=lambda x: x["published"]):
            store.save(ids[a["id"]], results[a["id"]])
        with factory() as session:
            by_article_event = defaultdict(list)
            for m in session.scalars(select(EventMention)):
                by_article_event[m.article_id].append(m)
            events = {e.id: e for e in session.scalars(select(Event))}
            fact_events = defaultdict(set)
            event_facts = defaultdict(set)
            for a in articles:
                mentions = by_article_event.get(ids[a["id"]], [])
                for gold in a["events"]:
                    for m in mentions:
                        pred = {"type": m.type, "rumoured_type": m.rumoured_type, "person": events[m.event_id].person.name,
                                "club": events[m.event_id].club.name if events[m.event_id].club else ""}
                        if matches(gold, pred):
                            ev = events[m.event_id]
                            target = ev.confirmed_by_id or ev.id
                            fact_events[gold["fact_id"]].add(target)
                            event_facts[target].add(gold["fact_id"])
                            break
            multi = {f for f in {g["fact_id"] for a in articles for g in a["events"]}
                     if sum(1 for a in articles if any(g["fact_id"] == f for g in a["events"])) > 1}
            one = sum(1 for f in multi if len(fact_events.get(f, ())) == 1)
            split = sorted(f for f in multi if len(fact_events.get(f, ())) > 1)
            mixed = sorted(e for e, fs in event_facts.items() if len(fs) > 1)
            n_events = session.query(Event).count()
        engine.dispose()
    return {"facts_multi": len(multi), "one_event": one, "split": split, "mixed": mixed, "events": n_events}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", default=str(ROOT / "tests/fixtures/events"))
    ap.add_argument("--verbose", "-v", action="store_true")
    ap.add_argument("--no-merge", action="store_true")
    args = ap.parse_args(argv)
    articles = load(Path(args.set))
    s = score(articles, args.verbose)
    print(f"set: {args.set} ({len(articles)} articles, {sum(len(a['events']) for a in articles)} events)")
    print(f"relevance accuracy: {s['relevance']:.3f}")
    print(f"speed: {s['ms_per_article']:.1f} ms/article")
    print(f"{'':14} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn")
    for key in ["all"] + LANGS + sorted(k for k in s["counts"] if k.startswith("type:")):
        c = s["counts"].get(key)
        if not c:
            continue
        p, r, f = prf(c)
        print(f"{key:14} {p:6.3f} {r:6.3f} {f:6.3f}  {c['tp']:3} {c['fp']:3} {c['fn']:3}")
    print("field accuracy on matched events:")
    for f, c in s["fields"].items():
        print(f"  {f:15} {c['ok'] / c['n']:.3f} ({c['ok']}/{c['n']})")
    if not args.no_merge:
        m = merge_quality(articles, s["results"])
        print(f"merge: {m['one_event']}/{m['facts_multi']} facts reported by several articles are one event; "
              f"split: {m['split'] or 'none'}; events mixing facts: {len(m['mixed'])}; events stored: {m['events']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
