"""Issue #5: transfer and appointment events, per language and type, merged across
outlets and languages, through the real SQLite store and the command line."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from crawler.understanding.clubs import gazetteer
from crawler.understanding.events import analyze
from storage.db import open_db
from storage.event_queries import list_events
from storage.events import Analyzer, same_person
from storage.models import Article, Event, EventMention, SourceRow
from crawler.understanding.text import person_key

EVENTS = Path(__file__).parent / "fixtures" / "events"
LANGS = ["it", "ru", "en", "es", "de", "fr", "pt"]


def load(lang=None):
    out = []
    for lg in ([lang] if lang else LANGS):
        out += [json.loads(line) for line in (EVENTS / f"{lg}.jsonl").read_text("utf-8").splitlines() if line.strip()]
    return out


def run(a):
    return analyze(a["text"], a["title"], a["language"], a["published"], a["kind"],
                   a["source"] if a["kind"] == "club" else None)


def matches(gold, pred):
    g = gazetteer()
    return (gold["type"] == pred["type"] and gold.get("rumoured_type") == pred.get("rumoured_type")
            and g.lookup(gold["club"]) == g.lookup(pred["club"] or "")
            and same_person(person_key(gold["person"]), person_key(pred["person"])))


def score(articles):
    c = Counter()
    by_type = Counter()
    for a in articles:
        preds = [m.as_dict() for m in run(a).events]
        used = set()
        for gold in a["events"]:
            hit = next((i for i, p in enumerate(preds) if i not in used and matches(gold, p)), None)
            c["tp" if hit is not None else "fn"] += 1
            if hit is not None:
                used.add(hit)
                by_type[gold["type"]] += 1
        c["fp"] += len(preds) - len(used)
    return c, by_type


@pytest.mark.parametrize("lang", LANGS)
def test_events_per_language_meet_the_targets(lang):
    c, _ = score(load(lang))
    precision = c["tp"] / (c["tp"] + c["fp"])
    recall = c["tp"] / (c["tp"] + c["fn"])
    assert precision >= 0.85 and recall >= 0.85, (lang, c)


def test_every_event_type_is_found():
    _, by_type = score(load())
    for kind in ("transfer", "loan", "free_transfer", "contract_extension", "termination", "appointment",
                 "dismissal", "resignation", "rumour"):
        assert by_type[kind] >= 1, kind


def test_relevance_accuracy():
    articles = load()
    ok = sum(run(a).is_transfer_news == a["is_transfer_news"] for a in articles)
    assert ok / len(articles) >= 0.95


def test_fields_of_a_communique():
    a = next(x for x in load("it") if x["id"] == "it-002")
    (m,) = run(a).events
    assert (m.type, m.person, m.role, gazetteer().name(m.club)) == ("appointment", "Massimo Carrera", "head_coach", "Ascoli")
    assert m.official and str(m.date) == "2024-03-12" and str(m.contract_until) == "2024-06-30"
    assert a["text"][m.start:m.end] == m.sentence  # offsets point at the evidence


def test_background_and_match_reports_give_no_event():
    quiet = [a for a in load() if a["category"] in ("background", "non_transfer")]
    noisy = [a["id"] for a in quiet if run(a).events]
    assert len(noisy) <= 0.1 * len(quiet), noisy  # 3 of 35 known (docs/events.md)


def test_russian_case_forms_and_scripts_meet():
    text = "Бывший главный тренер московского «Спартака» Массимо Каррера официально возглавил итальянский «Асколи»."
    (m,) = analyze(text, "", "ru", "2024-03-12").events
    assert gazetteer().name(m.club) == "Ascoli" and same_person(person_key(m.person), person_key("Massimo Carrera"))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stored(tmp_path_factory, request):
    """The whole labelled set stored through the real store (a SQLite file, a PostgreSQL
    database), oldest first."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('events') / 'e.db'}"
    else:
        import services

        admin = request.getfixturevalue("postgres_service").url
        name = f"tn_events_{id(request) % 10**8}"
        url = services.create_database(admin, name)
        request.addfinalizer(lambda: services.drop_database(admin, name))
    engine, sessions = open_db(url)
    now = datetime.now().astimezone()
    ids = {}
    articles = load()
    with sessions() as session, session.begin():
        src = {}
        for a in articles:
            if a["source"] not in src:
                row = SourceRow(name=a["source"][:100], kind=a["kind"], created_at=now, updated_at=now,
                                config={"club": a["source"]} if a["kind"] == "club" else {})
                session.add(row)
                session.flush()
                src[a["source"]] = row.id
            art = Article(source_id=src[a["source"]], url_key=a["url"], canonical_url=a["url"], url=a["url"],
                          title=a["title"], text=a["text"], language=a["language"], published=a["published"],
                          published_at=datetime.fromisoformat(a["published"]), content_hash=a["id"],
                          fetched_at=now, updated_at=now)
            session.add(art)
            session.flush()
            ids[a["id"]] = art.id
    analyzer = Analyzer(sessions)
    analyzer.run(analyzer.pending())
    yield sessions, ids, articles
    engine.dispose()


def test_facts_reported_by_several_outlets_are_one_event(stored):
    sessions, ids, articles = stored
    with sessions() as session:
        events = {e.id: e for e in session.scalars(select(Event))}
        by_fact = defaultdict(set)
        for a in articles:
            for gold in a["events"]:
                for m in session.scalars(select(EventMention).where(EventMention.article_id == ids[a["id"]])):
                    e = events[m.event_id]
                    pred = {"type": m.type, "rumoured_type": m.rumoured_type, "person": e.person.name,
                            "club": e.club.name if e.club else ""}
                    if matches(gold, pred):
                        by_fact[gold["fact_id"]].add(e.confirmed_by_id or e.id)
        # the Ascoli facts of the issue: Italian and Russian outlets, one event each
        assert len(by_fact["carrera-ascoli-2024"]) == 1 and len(by_fact["castori-ascoli-2024"]) == 1
        merged = sum(1 for f, evs in by_fact.items() if len(evs) == 1)
        assert merged >= 0.9 * len(by_fact)


def test_events_listing_answers_the_analyst(stored):
    sessions, _, _ = stored
    with sessions() as session:
        rows = list_events(session, club="Асколи", type_="appointment")
        carrera = next(r for r in rows if r["person"] == "Massimo Carrera")
        assert carrera["official"] and carrera["date"] == "2024-03-12"
        assert {"it", "ru"} <= set(carrera["languages"]) and len(carrera["sources"]) >= 3
        assert carrera["rumours_before"] >= 1  # the rumour that came true is linked, not a second move
        castori = list_events(session, person="Кастори", type_="dismissal")
        assert [r["club"] for r in castori] == ["Ascoli"]


def _snapshot(sessions):
    with sessions() as session:
        return sorted(
            (m.article_id, m.type, m.rumoured_type, m.event.person.name, m.event.club.name if m.event.club else None,
             m.start, m.end, m.event.type, m.event.mention_count)
            for m in session.scalars(select(EventMention)))


def test_reanalysis_is_idempotent_in_a_pool_too(stored):
    """``transfernews analyze --all`` reads on every core (a process pool) and stores in
    batches: the same events and mentions as the article-by-article run."""
    sessions, _, _ = stored
    before = _snapshot(sessions)
    analyzer = Analyzer(sessions)
    analyzer.run(analyzer.pending(everything=True))
    assert _snapshot(sessions) == before
    analyzer.run(analyzer.pending(everything=True), workers=2, batch=7)
    assert _snapshot(sessions) == before
    # after an upgrade (another ANALYZER_VERSION) plain ``analyze`` re-reads exactly the
    # articles an older analyser read, and the events come out the same
    assert analyzer.pending() == []
    some = sorted(_ids_of(sessions))[:5]
    with sessions.begin() as session:
        session.execute(update(Article).where(Article.id.in_(some)).values(analyzer_version="ev0"))
    assert sorted(analyzer.pending()) == some  # (in publication order)
    analyzer.run(analyzer.pending())
    assert analyzer.pending() == [] and _snapshot(sessions) == before


def _ids_of(sessions) -> list[int]:
    with sessions() as session:
        return list(session.scalars(select(Article.id)))


def test_crawl_fills_events_and_cli_lists_and_exports_them(tmp_path, cli):
    from crawler.demo.server import SiteServer
    from conftest import FIXTURES, sites_registry

    sites = FIXTURES / "sites"
    names = ["mercatoflash", "sportru", "spezia-club"]
    with SiteServer(sites, names) as server:
        sources = tmp_path / "s.yaml"
        sources.write_text(sites_registry(server, names))
        db = f"sqlite:///{tmp_path / 'c.db'}"
        r = cli("crawl", "--sources", str(sources), "--db", db, "-s", "DOWNLOAD_DELAY=0",
                "-s", "AUTOTHROTTLE_ENABLED=False", cwd=tmp_path)
        assert r.returncode in (0, 1), r.stderr[-2000:]
    out = cli("events", "--db", db, "--format", "jsonl", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert any(r["type"] == "appointment" and r["club"] == "Spezia" and r["official"] for r in rows), rows
    exp = cli("export", "--db", db, "--type", "appointment", "--club", "Spezia", cwd=tmp_path)
    arts = [json.loads(line) for line in exp.stdout.splitlines()]
    assert arts and all(a["is_transfer_news"] for a in arts)
    assert all(any(e["type"] == "appointment" and e["club"] == "Spezia" for e in a["events"]) for a in arts)
    table = cli("events", "--db", db, "--club", "Spezia", cwd=tmp_path)
    assert "appointment" in table.stdout
    again = cli("analyze", "--db", db, cwd=tmp_path)
    assert again.returncode == 0 and again.stdout.startswith("0 articles analysed")


def test_event_views_answer_the_questions(stored):
    """The three event queries of docs/analysts.md, on the labelled articles."""
    import re

    sessions, _, _ = stored
    doc = (Path(__file__).parent.parent / "docs" / "analysts.md").read_text("utf-8")
    block = doc.split("## Events: three more queries", 1)[1].split("```sql", 1)[1].split("```", 1)[0]
    queries = [q.strip() for q in block.split(";") if q.strip()]
    assert len(queries) == 3
    from sqlalchemy import text

    with sessions() as session:
        changes, career, moves = ([tuple(str(v) if hasattr(v, "isoformat") else v for v in row) for row in
                                   session.execute(text(re.sub(r"^--.*$", "", q, flags=re.M)))] for q in queries)
    assert any(r[2] == "Massimo Carrera" and r[1] == "appointment" and r[3] == "Ascoli" and r[5] >= 2 for r in changes)
    assert ("2024-03-12", "appointment", "head_coach", "Ascoli", None) in career
    assert ("arrival", "appointment", "Massimo Carrera") in {r[:3] for r in moves}
    assert ("departure", "dismissal", "Fabrizio Castori") in {r[:3] for r in moves}


def test_no_lexicon_pattern_is_silently_dead():
    """A doubled backslash in a raw string (r"\\\\baveva") makes a pattern look for a
    backslash and never match: eleven background cues were dead that way. A "\\b" in a
    string that is not raw is a backspace character, and dead too."""
    import re

    from crawler.understanding import events, lexicon, people
    from crawler.understanding.lexicon import LEXICA

    patterns = [(lang, p) for lang, lex in LEXICA.items() for p in [p for _, p in lex.triggers + lex.roles] + [
        v for v in vars(lex).values() if isinstance(v, re.Pattern)]]
    patterns += [(module.__name__, v) for module in (lexicon, events, people) for v in vars(module).values()
                 if isinstance(v, re.Pattern)]
    assert len(patterns) > 100
    for where, p in patterns:
        assert "\\\\" not in p.pattern and not re.search(r"[\x00-\x08\x0b-\x1f]", p.pattern), (where, p.pattern[:120])
    assert LEXICA["it"].background.search("lo stesso giocatore aveva firmato con il torino")
    assert LEXICA["ru"].background.search("он вспоминает свой первый сезон")


def test_sentences_do_not_end_at_ordinal_dates():
    """German writes ordinals with a dot ("30. Juni", "1. FC Nürnberg"): not a sentence end."""
    from crawler.understanding.text import sentences

    text = "Er unterschreibt bis zum 30. Juni 2026. Er kommt vom 1. FC Nürnberg. Er kam 2019. Dann ging er."
    assert [s.text for s in sentences(text)] == [
        "Er unterschreibt bis zum 30. Juni 2026.", "Er kommt vom 1. FC Nürnberg.", "Er kam 2019.", "Dann ging er."]


def _said(text: str, lang: str, title: str = "", kind: str = "news") -> list[tuple]:
    g = gazetteer()
    return [(m.type, m.person, g.name(m.club) if m.club else None)
            for m in analyze(text, title, lang, "2025-06-02T10:00:00+02:00", kind).events]


def test_who_is_described_replaced_quoted_or_denying_is_not_the_move():
    """General rules, not per-article ones: a club in an apposition that describes the
    person is not where the event takes them; the person replaced is not the appointee;
    the outlet a report comes from is not a mover; a denial is not a move; "a Roma" is
    the city; a quoted club is not a person; an option to extend is not an extension."""
    # apposition: the club of the person's past
    assert _said("Igli Tare, per diciotto anni alla Lazio, è stato nominato nuovo direttore sportivo del Milan.",
                 "it") == [("appointment", "Igli Tare", "AC Milan")]
    # ...but not when the apposition names the new post
    assert _said("Antonio Conte, nuovo allenatore del Napoli, ha firmato fino al 2027.", "it")[0][2] == "Napoli"
    # the predecessor
    said = _said("Rui Borges, de 43 anos, sucede a João Pereira no comando técnico do Sporting.", "pt")
    assert "João Pereira" not in {p for _, p, _ in said}
    # the source of a report
    said = _said("Segundo apurou o Diário do Relvado, o Benfica está a negociar a contratação de Richard Ríos.", "pt")
    assert {p for _, p, _ in said} == {"Richard Ríos"}
    # a denial
    assert _said("Il Napoli ha smentito l'acquisto di Jonathan David dal Lille.", "it") == []
    assert _said("Der FC Bayern hat den Wechsel von Jonathan Tah zum FC Barcelona dementiert.", "de") == []
    assert _said("Der FC Bayern hat den Wechsel von Jonathan Tah zum FC Barcelona bestätigt.", "de") != []
    # the city
    assert _said("Kevin De Bruyne ha sostenuto le visite mediche a Roma e ha firmato il contratto.", "it") == []
    # an option
    assert _said("Соглашение с Карседо рассчитано до конца сезона с возможностью продления ещё на год.", "ru") == []
    # a quoted club
    said = _said("«Зенит» ведёт переговоры с «Ботафого» о переходе Луиса Энрике.", "ru")
    assert "Botafogo" not in {p for _, p, _ in said}
    # a determiner and an organisation are not people
    said = _said("Lo United ha accettato il prestito di Rasmus Højlund al Napoli, secondo The Friedkin Group.", "it")
    assert {p for _, p, _ in said} <= {"Rasmus Højlund"}


def test_particles_join_a_name_only_before_its_last_word():
    """"van der Vaart", "De Bruyne", "von der Leyen" are one name each; "e"/"y" between two
    names is a conjunction, and a particle followed by a whole name is a preposition
    ("der Wechsel von Jonathan Tah")."""
    from crawler.understanding.people import find_names

    text = ("Il Milan ha preso Rafael van der Vaart e Kevin De Bruyne, poi Marco van Basten e Ursula von der "
            "Leyen e Giovanni Di Lorenzo.")
    assert [n.text for n in find_names(text, 0, len(text), [], "it")][1:] == [
        "Rafael van der Vaart", "Kevin De Bruyne", "Marco van Basten", "Ursula von der Leyen", "Giovanni Di Lorenzo"]
    text = "Der Wechsel von Jonathan Tah ist fix. Trainer ist Kees van Wonderen."
    assert [n.text for n in find_names(text, 0, len(text), [], "de")] == ["Wechsel", "Jonathan Tah", "Kees van Wonderen"]


def test_a_month_already_over_and_a_read_also_teaser_are_not_news():
    """In an article of 2 June 2025, "sacked in January" and "earlier this month" are the
    person's past; "in July" is still to come; a "Leia também:" line is another article."""
    assert _said("Sean Dyche was sacked by Everton in January with the club 16th in the table.", "en") == []
    assert _said("Nuno, who was dismissed by Nottingham Forest earlier this month, is available.", "en") == []
    assert _said("Nottingham Forest have sacked Nuno Espírito Santo.", "en") != []
    assert _said("Il Torino ha ufficializzato l'arrivo di Marco Baroni, che firmerà a luglio.", "it") != []
    assert _said("Leia também: Botafogo anuncia a contratação de Igor Jesus.", "pt") == []
    assert _said("O Botafogo anuncia a contratação de Igor Jesus.", "pt") != []


def test_future_copula_parting_and_ceasing_wordings():
    """"será el entrenador", "pourrait se séparer de", "deixa de ser o treinador", "wird …
    verliehen": appointment, (rumoured) dismissal, termination and loan wordings that the
    first lexicon lacked, in four languages."""
    said = _said("El Real Madrid comunica que Xabi Alonso será el entrenador del primer equipo.", "es", kind="club")
    assert [(t, p) for t, p, _ in said] == [("appointment", "Xabi Alonso")]
    said = _said("L'AS Monaco pourrait se séparer d'Adi Hütter dans les prochains jours.", "fr")
    assert [(t, p) for t, p, _ in said] == [("rumour", "Adi Hütter")] and "Monaco" in said[0][2]
    said = _said("O Sporting anunciou que Rui Borges deixa de ser o treinador da equipa principal.", "pt")
    assert [p for _, p, _ in said] == ["Rui Borges"] and said[0][0] in ("termination", "dismissal")
    said = _said("Mathys Tel wird vom FC Bayern bis zum Saisonende an Tottenham Hotspur verliehen.", "de")
    assert [(t, p) for t, p, _ in said] == [("loan", "Mathys Tel")]


def test_a_sale_is_the_buyer_s_transfer():
    """"la venta de Mikel Merino al Arsenal", "a venda do Gerson ao Zenit", "sold to":
    the seller's words for a transfer; the club is the buyer."""
    said = _said("La Real Sociedad confirmó la venta de Mikel Merino al Arsenal por 32 millones de euros.", "es")
    assert [(t, p, c) for t, p, c in said] == [("transfer", "Mikel Merino", "Arsenal")]
    said = _said("O Flamengo fechou a venda do meio-campista Gerson Santos ao Zenit por 25 milhões de euros.", "pt")
    assert [(t, p) for t, p, _ in said] == [("transfer", "Gerson Santos")] and "Zenit" in said[0][2]


def test_the_post_someone_leaves_is_not_an_appointment():
    """"relieved of his duties as Head Coach": the post named after the leaving word is the
    one he leaves; a newcomer named after the leaving word is still appointed."""
    said = _said("Nottingham Forest can confirm that Nuno Espírito Santo has been relieved of his duties as "
                 "Head Coach.", "en")
    assert [(t, p) for t, p, _ in said] == [("dismissal", "Nuno Espírito Santo")]
    said = _said("El Valencia aceptó la renuncia del técnico y anunció que Miguel Ángel Angulo será el nuevo "
                 "entrenador.", "es")
    assert ("appointment", "Miguel Ángel Angulo") in [(t, p) for t, p, _ in said]


def _fields(text: str, lang: str, title: str = "", kind: str = "news") -> list[dict]:
    return [m.as_dict() for m in analyze(text, title, lang, "2025-06-02T10:00:00+02:00", kind).events]


def test_a_destination_after_the_move_word_outranks_the_selling_subject():
    """"El Atlético ha cerrado el traspaso de X al Oporto": the subject sells, the club
    marked as the destination buys. "traspaso" alone says nothing about the direction."""
    said = _fields("El Sevilla ha cerrado el traspaso de Loïc Badé al Bayer Leverkusen por 25 millones de euros.", "es")
    assert [(e["type"], e["person"], e["club"], e["from_club"]) for e in said] == [
        ("transfer", "Loïc Badé", "Bayer Leverkusen", "Sevilla")]
    said = _fields("El Valencia y el Girona han llegado a un acuerdo para el traspaso del jugador Javi Guerra.", "es",
                   kind="club")
    assert [(e["club"], e["from_club"]) for e in said] == [("Valencia", "Girona")]


def test_offers_and_talks_are_rumours_made_to_the_seller():
    """An offer or talks are a move not done: a rumour, whatever the sentence's tone; the
    club an offer goes to, or a club the subject talks with, sells."""
    said = _fields("Il Bologna ha presentato alla Lazio un'offerta da 20 milioni di euro per Matteo Guendouzi.", "it")
    assert [(e["type"], e["rumoured_type"], e["club"], e["from_club"]) for e in said] == [
        ("rumour", "transfer", "Bologna", "Lazio")]
    said = _fields("Everton have made an offer for Lyon striker Georges Mikautadze.", "en")
    assert [(e["type"], e["person"], e["club"], e["from_club"]) for e in said] == [
        ("rumour", "Georges Mikautadze", "Everton", "Olympique Lyonnais")]
    said = _fields("El Villarreal negocia con el Getafe por Mauro Arambarri.", "es")
    assert [(e["type"], e["club"], e["from_club"]) for e in said] == [("rumour", "Villarreal", "Getafe")]
    # "im Gespräch" is an interview, "de acordo com" is "according to", and an
    # "accord pourrait être trouvé" has no preposition "pour"
    assert _said("Pál Dárdai blickt zurück, sagt der Ungar im Gespräch.", "de") == []
    assert _said("Ainda de acordo com as mesmas fontes, o Benfica estuda o mercado.", "pt") == []
    # a German "soll … sein" is reported speech; "soll … betreuen" is an arrangement
    said = _said("Laut Bild soll sich Florian Grillitsch mit dem VfL Wolfsburg einig sein.", "de")
    assert [t for t, _, _ in said] == ["rumour"]


def test_a_club_named_before_the_role_and_name_is_the_person_s_own():
    """"Benfica midfielder Enzo Fernández", "Toulouse's defender": the club the person
    plays for is at most the club left, never where the move takes him."""
    said = _fields("Bournemouth centre-back Illia Zabarnyi will join Paris Saint-Germain.", "en")
    assert [(e["club"], e["from_club"]) for e in said] == [("Paris Saint-Germain", "Bournemouth")]


def test_tournaments_birth_years_and_old_fees_are_not_this_move_s_fee():
    """"Euro 2016" is no amount; "classe 2005" is no past move; the fee of an earlier move
    in a career sentence is not this one's; a free transfer's fee is "free"."""
    said = _fields("La SSC Napoli comunica di aver affidato la panchina ad Antonio Conte, semifinalista a Euro 2016.",
                   "it", kind="club")
    assert [e["fee"] for e in said] == [None]
    said = _fields("Il Como ha presentato al Real Madrid un'offerta da 15 milioni di euro per Nico Paz, classe 2004.",
                   "it")
    assert [e["fee"] for e in said] == [{"amount": 15000000, "currency": "EUR"}]
    said = _fields("Le Real Madrid a annoncé l'arrivée libre de Trent Alexander-Arnold. Liverpool avait acheté "
                   "Alexander-Arnold 0 euro en 2016, mais le club avait payé 12 millions d'euros en 2019 pour Fabinho.",
                   "fr")
    assert [(e["type"], e["fee"]) for e in said] == [("free_transfer", "free")]


def test_places_titles_demonyms_and_speech_are_not_people_or_news():
    """Words that open a sentence or name a ground, an official's title or a nationality
    are not people; what someone says in quotes is not the report."""
    from crawler.understanding.people import find_names

    text = ("Em Riade, o técnico chegou. Le Président Nasser Al-Khelaïfi a parlé. The fee breaks the British record. "
            "Treino no Centro de Treinamento Lúcio de Castro. A Sociedade Esportiva Boavista informa.")
    names = [n.text for n in find_names(text, 0, len(text), [], "")]
    assert "Nasser Al-Khelaïfi" in names
    assert not {"Em Riade", "Le Président Nasser Al-Khelaïfi", "British", "Lúcio de Castro",
                "Sociedade Esportiva Boavista"} & set(names)
    assert _said("« Je remercie la famille Kita pour sa confiance et je suis très heureux », a déclaré Luís Castro.",
                 "fr") == []
    assert _said("Le FC Nantes remercie Luís Castro pour son travail.", "fr") != []


def test_the_object_of_the_move_word_moves_and_a_pronoun_is_the_one_succeeded():
    """"Laporta despidió a Xavi": the object right after the move word is who moves, not
    the subject who acts; "pour lui succéder" names nobody new."""
    said = _said("El pasado viernes, Joan Laporta despidió a Xavi Hernández como entrenador del Barcelona.", "es")
    assert [(t, p) for t, p, _ in said] == [("dismissal", "Xavi Hernández")]
    said = _said("Le FC Nantes a limogé Antoine Kombouaré. Pour lui succéder, Waldemar Kita a fait appel à une "
                 "vieille connaissance.", "fr")
    assert [(t, p) for t, p, _ in said] == [("dismissal", "Antoine Kombouaré")]


def test_career_wordings_are_background():
    """"Un año más tarde", "vor einem Jahr", plural loans ("passou por empréstimos"): the
    narrative of a career, not this week's move; an MLS "designated player" is no post."""
    assert _said("Un año más tarde su traspaso al Atlético de Madrid pasó a ser definitivo, dijo Antoine Griezmann.",
                 "es") == []
    assert _said("Vor einem Jahr war der Transfer von João Palhinha zum FC Bayern gescheitert.", "de") == []
    assert _said("Formado no Sporting, Rafael Leão passou por empréstimos ao Moreirense e ao Belenenses.", "pt") == []
    assert _said("В «Атланте Юнайтед» Алексей Миранчук станет одним из «назначенных игроков».", "ru") == []


def test_the_same_source_keeps_a_report_a_rumour():
    said = _said("Segundo a mesma fonte, Luís Castro vai assinar com o FC Nantes.", "pt")
    assert [t for t, _, _ in said] == ["rumour"]


def test_a_described_origin_and_someone_else_s_role_word():
    """"joined us from Portuguese champions Sporting CP": the club left, past its
    description; "l'allenatore Massimiliano Allegri" is Allegri's role, not the role of
    the player the sentence is about."""
    said = _fields("Arsenal are delighted to announce that Viktor Gyökeres has joined us from Portuguese champions "
                   "Sporting CP.", "en", kind="club")
    assert [(e["type"], e["club"], e["from_club"]) for e in said] == [("transfer", "Arsenal", "Sporting CP")]
    said = _fields("Il Milan ha ufficializzato l'arrivo di Luka Modrić a parametro zero. L'allenatore Massimiliano Allegri "
                   "lo aspettava.", "it")
    assert [(e["type"], e["person"], e["role"]) for e in said] == [("free_transfer", "Luka Modrić", "player")]


def test_portuguese_capital_a_is_an_article_and_an_agreed_sale_goes_to_the_partner():
    """"A FC Porto – Futebol, SAD informa": a capital "A" opens the club's name, it is no
    "to" before a city. An agreement with another club "para a transferência" is the
    subject's sale; "para a aquisição" its purchase."""
    said = _fields("A FC Porto – Futebol, SAD informa que chegou a acordo com o Club Atlético de Madrid para a "
                   "aquisição dos direitos desportivos do jogador Samu Omorodion.", "pt", kind="club")
    assert [(e["club"], e["from_club"]) for e in said] == [("FC Porto", "Atlético Madrid")]
    said = _fields("A Sport Lisboa e Benfica – Futebol, SAD informa que chegou a acordo com o Chelsea Football Club "
                   "para a transferência dos direitos desportivos do jogador Enzo Fernández.", "pt", kind="club")
    assert [(e["club"], e["from_club"]) for e in said] == [("Chelsea", "Benfica")]


def test_resignations_sell_on_shares_farewells_and_unmet_agreements():
    """«готов уйти в отставку» and "will leave his role" are resignations (with mutual
    agreement, terminations); a share of a future sale, an agreement not reached, a
    farewell to the fans, a compatriot or a mayor are no move of their own; a player's
    "será jugador del" is his transfer; "am vergangenen Montag" in a Monday's paper is a
    week back."""
    said = _fields("По информации издания, Сергей Ташуев готов уйти в отставку с поста главного тренера «Ахмата».", "ru")
    assert [(e["type"], e["rumoured_type"]) for e in said] == [("rumour", "resignation")]
    said = _said("Manchester United can confirm that Dan Ashworth will leave his role as Sporting Director by mutual "
                 "agreement.", "en")
    assert [(t, p) for t, p, _ in said] == [("termination", "Dan Ashworth")]
    assert _said("O Sporting terá direito a uma percentagem do valor de uma futura venda de João Palhinha.", "pt") == []
    assert _said("Conor Gallagher no ha llegado a un acuerdo de renovación con el Chelsea.", "es") == []
    assert _said("Luka Modrić se despide de la afición del Real Madrid con una carta.", "es") == []
    said = _said("João Palhinha assinou pelo Bayern e vai reencontrar o compatriota Raphaël Guerreiro.", "pt")
    assert {p for _, p, _ in said} == {"João Palhinha"}
    said = _said("La signature de Mason Greenwood à l'OM a fâché le maire Benoît Payan.", "fr")
    assert "Benoît Payan" not in {p for _, p, _ in said}
    said = _said("El Real Madrid anuncia que Kylian Mbappé será jugador del Real Madrid.", "es", kind="club")
    assert [(t, p) for t, p, _ in said] == [("transfer", "Kylian Mbappé")]
    said = _fields("Die TSG Hoffenheim hatte sich am vergangenen Montag von Pellegrino Matarazzo getrennt.", "de")
    assert [e["date"] for e in said] == ["2025-05-26"]


def test_a_spelling_in_another_script_is_kept_as_an_alias(tmp_path):
    """«Массимо Каррера» folds to the key of "Massimo Carrera": both spellings are stored,
    so that a search by Cyrillic letters (the browse queries use LIKE) finds the person."""
    from storage.events import EventStore
    from storage.models import PersonAlias

    engine, sessions = open_db(f"sqlite:///{tmp_path / 'a.db'}")
    analyzer = EventStore(sessions)
    with sessions.begin() as session:
        one = analyzer.person(session, "Massimo Carrera", "Massimo Carrera")
        two = analyzer.person(session, "Massimo Karrera", "Массимо Каррера")
        analyzer.person(session, "Massimo Karrera", "Массимо Каррера")  # twice: still one row
        assert one.id == two.id
        aliases = sorted(session.scalars(select(PersonAlias.alias).where(PersonAlias.person_id == one.id)))
    engine.dispose()
    assert aliases == ["Massimo Carrera", "Массимо Каррера"]


def test_a_club_written_by_an_older_release_is_brought_up_to_date(tmp_path):
    """A database from a release whose gazetteer named the club otherwise and knew fewer of its
    aliases gains the new name and the missing aliases the first time a process meets the club;
    an alias the gazetteer dropped is kept, so a search by it still finds the club."""
    from sqlalchemy import func

    from storage.event_queries import club_ids
    from storage.events import EventStore
    from storage.models import Club, ClubAlias

    key = gazetteer().lookup("AFC Bournemouth")
    entry = gazetteer().clubs[key]
    engine, sessions = open_db(f"sqlite:///{tmp_path / 'a.db'}")
    with sessions.begin() as session:  # what the older release wrote
        old = Club(key=key, name="AFC Bournemouth (old)", country=entry.country or None)
        session.add(old)
        session.flush()
        session.add(ClubAlias(club_id=old.id, alias="Old Cherries", norm="old cherries", kind="name"))
    store = EventStore(sessions)
    with sessions.begin() as session:
        club_id = store.club_id(session, key)
        assert store.club_id(session, key) == club_id  # met again: no second row, no new aliases
    with sessions() as session:
        club = session.get(Club, club_id)
        norms = set(session.scalars(select(ClubAlias.norm).where(ClubAlias.club_id == club_id)))
        assert club.name == entry.name == "Bournemouth"
        assert set(entry.aliases) <= norms and "old cherries" in norms
        assert session.scalar(select(func.count()).select_from(Club)) == 1
        assert club_ids(session, "Old Cherries") == club_ids(session, "AFC Bournemouth") == [club_id]
    engine.dispose()


def test_a_description_between_the_cue_and_the_club_and_a_post_before_a_name():
    """"au club saoudien d'Al-Ittihad", "zum saudi-arabischen Erstligisten Al-Hilal", «в
    саудовский клуб «Аль-Наср»»: the cue is read before the description. A capitalised post
    glued to a name ("Sportvorstand Max Eberl") is not part of the name, and names keep
    their apostrophes ("O'Neil", «О'Нил»)."""
    said = _fields("Le Stade Rennais annonce le transfert définitif de Benjamin Bourigeaud au club qatari "
                   "d'Al-Duhail.", "fr", kind="club")
    assert [(e["type"], e["person"], e["club"], e["from_club"]) for e in said] == [
        ("transfer", "Benjamin Bourigeaud", "Al-Duhail", "Rennes")]
    said = _fields("Serge Gnabry verlässt den FC Bayern und wechselt zum saudi-arabischen Erstligisten Al-Hilal. "
                   "Sportvorstand Max Eberl: „Serge hat hier Großes geleistet.“", "de", kind="club")
    assert [(e["type"], e["person"], e["role"], e["club"], e["from_club"]) for e in said] == [
        ("transfer", "Serge Gnabry", "player", "Al-Hilal", "Bayern Munich")]
    said = _fields("Полузащитник Марсело Брозович перешёл в саудовский клуб «Аль-Наср» из «Интера».", "ru")
    assert [(e["club"], e["from_club"]) for e in said] == [("Al-Nassr", "Inter Milan")]
    said = _fields("Leicester City have appointed Michael O'Neill as their new manager.", "en", kind="news")
    assert [(e["type"], e["person"]) for e in said] == [("appointment", "Michael O'Neill")]
    said = _fields("«Лестер» назначил Майкла О'Нила главным тренером.", "ru")
    assert [person_key(e["person"]) for e in said] == [person_key("Майкл О'Нил")] == ["maikl onil"]


def test_countries_and_regions_are_not_people():
    """Country names in any of the seven languages and any Russian case ("Stati Uniti",
    «из Саудовской Аравии», «на Ближний Восток»), from CLDR; a name that is also a
    country's ("Jordan Henderson") stays a name."""
    from crawler.understanding.people import find_names

    def names(text, lang):
        return [n.text for n in find_names(text, 0, len(text), [], lang)]

    assert names("Интерес к нему проявляли клубы из Саудовской Аравии и Объединённых Арабских Эмиратов.", "ru") == []
    assert names("До переезда на Ближний Восток Стивен Джеррард работал в Шотландии.", "ru") == ["Стивен Джеррард"]
    assert names("Il tecnico ha ricevuto offerte dagli Stati Uniti e dall'Arabia Saudita.", "it") == []
    assert names("Jordan Henderson verlässt Saudi-Arabien, Georgia Stanway bleibt.", "de") == [
        "Jordan Henderson", "Georgia Stanway"]


def test_the_day_a_sentence_states_and_the_lead_dating_the_title():
    """"am Freitagabend" is a Friday; "na sexta-feira, 13 de junho" is that Friday even
    three weeks back; a title's move takes the day its lead sentence states."""
    said = _fields("Der FC Augsburg hat sich am Freitagabend von Trainer Jess Thorup getrennt.", "de")
    assert [e["date"] for e in said] == ["2025-05-30"]  # published Monday 2 June 2025
    said = _fields("O Al-Shabab rescindiu por mútuo acordo com Fatih Terim na sexta-feira, 9 de maio.", "pt")
    assert [(e["type"], e["date"]) for e in said] == [("termination", "2025-05-09")]
    said = _fields("Im Sommer 2024 war er gekommen. Am Dienstag bestätigte der Verein die Trennung.", "de",
                   title="Hertha BSC trennt sich von Cristian Fiél")
    assert [(e["type"], e["person"], e["date"]) for e in said] == [("dismissal", "Cristian Fiél", "2025-05-27")]


def test_staff_posts_coordinated_people_relatives_and_relative_clauses():
    """Assistants and goalkeeping coaches in every language; "X e de seu auxiliar, Y" are
    two people leaving, a father and son are two people; a name inside a relative clause is
    not the subject; "a demissão" a club announces is a dismissal, "pediu demissão" a
    resignation; a post said in a quote is not the speaker's."""
    said = _fields("O Grêmio comunicou a demissão do técnico Pedro Caixinha e de seu auxiliar, Rui Mota.", "pt")
    assert sorted((e["type"], e["person"], e["role"]) for e in said) == [
        ("dismissal", "Pedro Caixinha", "head_coach"), ("dismissal", "Rui Mota", "assistant_coach")]
    said = _fields("O treinador Pedro Caixinha pediu demissão do Grêmio.", "pt")
    assert [e["type"] for e in said] == ["resignation"]
    said = _fields("Mark Robins, who worked with Frank Lampard at Coventry, joins Burnley as assistant manager.", "en")
    assert [(e["person"], e["role"], e["club"]) for e in said] == [("Mark Robins", "assistant_coach", "Burnley")]
    said = _fields("Marco Savorani è il nuovo preparatore dei portieri del Torino.", "it")
    assert [(e["person"], e["role"]) for e in said] == [("Marco Savorani", "goalkeeping_coach")]
    said = _fields("Der FC Augsburg hat Co-Trainer Benjamin Sachs verpflichtet.", "de")
    assert [(e["person"], e["role"]) for e in said] == [("Benjamin Sachs", "assistant_coach")]
    # Diego Simeone and Giuliano Simeone: one surname, two people
    said = _fields("L'Atlético de Madrid a prolongé Giuliano Simeone jusqu'en juin 2030. Son père, Diego Simeone, "
                   "entraîneur du club, a salué la nouvelle.", "fr")
    assert [(e["type"], e["person"], e["role"]) for e in said] == [("contract_extension", "Giuliano Simeone", "player")]
    said = _fields("Wolves have completed the signing of Jhon Arias from Fluminense. “When I spoke to the coach, I "
                   "knew,” Arias said.", "en")
    assert [(e["person"], e["role"]) for e in said] == [("Jhon Arias", "player")]


def test_negated_moves_the_squad_s_renewal_and_a_confirmed_signing():
    """"no le ofreció la renovación" extends nothing, and so does the squad's "profunda
    renovación"; with neither, the free move of the same article stands. "Confirmed the
    signing … for a fee understood to be £26m" is done, whatever the fee's wording."""
    said = _fields("El Girona anunció el fichaje de Iván Martín, que llega libre tras acabar su contrato con el Villarreal. "
                   "El Villarreal no le ofreció la renovación. El Girona prepara una profunda renovación con Arnau Martínez.",
                   "es")
    assert [(e["type"], e["person"], e["club"]) for e in said] == [("free_transfer", "Iván Martín", "Girona")]
    said = _fields("Chelsea confirmed on Tuesday the signing of Jamie Gittens from Borussia Dortmund for a fee "
                   "understood to be around £52m.", "en")
    assert [(e["type"], e["person"], e["club"]) for e in said] == [("transfer", "Jamie Gittens", "Chelsea")]
    assert _fields("Il Napoli non ha mai prolungato il contratto di Giovanni Di Lorenzo.", "it") == []
    assert _fields("Der FC Bayern hat den Vertrag mit Leroy Sané nicht verlängert.", "de") == []
    # Portuguese "no" is "in the": "atualmente no Al-Shabab" negates nothing
    said = _fields("Vítor Pereira, atualmente no Al-Shabab, foi anunciado como novo treinador do Wolverhampton.", "pt")
    assert [(e["type"], e["person"], e["club"]) for e in said] == [
        ("appointment", "Vítor Pereira", "Wolverhampton Wanderers")]


@pytest.mark.parametrize("text,lang", [
    ("Il Como vorrebbe chiudere l'acquisto di Nico Paz entro la settimana.", "it"),
    ("O Botafogo teria chegado a acordo com o treinador Renato Paiva.", "pt"),
    ("Le Stade Rennais aurait trouvé un accord pour Ludovic Blas.", "fr"),
    ("El Girona habría cerrado el fichaje de Abel Ruiz.", "es"),
])
def test_the_conditional_mood_reports_a_rumour(text, lang):
    """"vorrebbe", "teria", "aurait", "habría": the press's conditional is hearsay."""
    said = _fields(text, lang)
    assert said and all(e["type"] == "rumour" for e in said), said
