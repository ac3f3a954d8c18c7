"""Reading an article for events: who moved where, in which role, when, official or
rumour, with the sentence that says it.

The analyser is rule-based and per sentence, with the article as context:

1. clubs (gazetteer), people (capitalised runs grouped across spellings), roles;
2. each sentence with a trigger ("appointed", "esonerato", «назначен», "verlängert")
   and no background marker gives candidate mentions; the person is the name nearest
   the trigger, else the article's main person (the one in the title); the club is the
   club in the sentence that is not a club left or a former club, else the article's
   main club (or the club that publishes a communiqué);
3. the type comes from trigger + role + modifiers ("on loan", "a costo zero", "by mutual
   consent"); rumour wording without completion wording makes it a rumour;
4. mentions of the same person and move in one article collapse into one, keeping the
   clearest sentence.

Every rule is in the open, every decision traceable to the words in the lexicon; the
figures on labelled articles are in ``docs/events.md``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from crawler.understanding.clubs import ClubMention, gazetteer
from crawler.understanding.fields import Fee, contract_until, fees, stated_date
from crawler.understanding.lexicon import AGENT, DENIED, LEXICA, NEGATED, NEW_POST, NOT_TRIGGER, POSSESSIVE, Lexicon
from crawler.understanding.people import PersonCluster, cluster_people, find_names
from crawler.understanding.text import Span, fold, sentences

#: stored with every article read; ``transfernews analyze`` re-reads the articles of any
#: other version, so raise it whenever the rules or dictionaries change what is found
#: (ev2: session 6 of #5 — people, places, posts, negation, dates)
ANALYZER_VERSION = "ev2"

COACH_ROLES = {"head_coach", "caretaker", "assistant_coach", "sporting_director", "technical_director",
               "president", "goalkeeping_coach"}
MOVE_TYPES = {"transfer", "loan", "free_transfer"}
#: types that end a tenure; their "club" is the club left
LEAVE_TYPES = {"dismissal", "resignation", "termination"}


@dataclass
class Mention:
    type: str
    rumoured_type: str | None
    person: str
    person_key: str
    person_text: str
    role: str
    club: str | None          # gazetteer key
    from_club: str | None
    date: date | None
    contract_until: date | None
    fee: Fee | None
    official: bool
    sentence: str
    start: int                # offsets in the text; -1 for the title
    end: int
    confidence: float
    label: str = ""
    dated: bool = False       # the date is the sentence's own, not the publication day

    @property
    def family(self) -> str:
        return self.rumoured_type or self.type

    def as_dict(self) -> dict:
        g = gazetteer()
        return {
            "type": self.type, "rumoured_type": self.rumoured_type, "person": self.person, "role": self.role,
            "club": g.name(self.club) if self.club else None,
            "from_club": g.name(self.from_club) if self.from_club else None,
            "date": self.date.isoformat() if self.date else None,
            "contract_until": self.contract_until.isoformat() if self.contract_until else None,
            "fee": self.fee.as_json() if self.fee else None, "official": self.official,
            "evidence": self.sentence,
        }


@dataclass
class Analysis:
    is_transfer_news: bool
    relevance: float
    events: list[Mention] = field(default_factory=list)


@dataclass
class _Sentence:
    span: Span
    is_title: bool
    clubs: list[ClubMention]
    names: list = field(default_factory=list)


def _published_day(published) -> date | None:
    if published is None:
        return None
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, date):
        return published
    try:
        return datetime.fromisoformat(str(published).replace("Z", "+00:00")).date()
    except ValueError:
        m = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(published))
        return date(int(m[1]), int(m[2]), int(m[3])) if m else None


#: a quotation: «…», “…”, „…“, "…"
_QUOTE = re.compile(r"«[^«»]*»|“[^“”]*”|„[^„“”]*[“”]|\"[^\"\n]*\"")


def _speech(text: str) -> list[tuple[int, int]]:
    """Spans of quoted speech. Short quotes are names («Спартак», "Red Star"), titles or
    a word taken from someone; a quote of more than a few words is what someone said."""
    return [(m.start(), m.end()) for m in _QUOTE.finditer(text) if len(m.group().split()) > 4]


def _nearest(items, pos: int, key=lambda x: (x.start, x.end)):
    best, dist = None, None
    for it in items:
        s, e = key(it)
        d = 0 if s <= pos < e else min(abs(pos - s), abs(pos - e))
        if dist is None or d < dist:
            best, dist = it, d
    return best


#: right before a role word: the role is a former one ("l'ex centrocampista")
_FORMER = re.compile(r"(?:\bex|former|бывш\w+|экс|ehemalige\w*|ancien|antigo)[\s-]*$")


def _introduces(r_start: int, r_end: int, others) -> bool:
    """Does the role word at ``r_start:r_end`` belong to one of the ``others`` names, right
    before it ("l'allenatore Massimiliano Allegri") or right after it ("Allegri, allenatore")?"""
    return any(0 <= x - r_end <= 3 or 0 <= r_start - y <= 3 for x, y in others)


def _role_words(lex: Lexicon, folded: str, start: int, end: int, others, floor: int):
    """(rank, role, match) of the role words in ``folded[start:end]``, leaving out former
    roles ("l'ex centrocampista"; the cue is looked for back to ``floor``) and the roles
    of the ``others`` (spans of other people's names)."""
    found = [(rank, role, m) for rank, (role, pat) in enumerate(lex.roles) for m in pat.finditer(folded, start, end)]
    for rank, role, m in found:
        if any(o is not m and o.start() <= m.start() and m.end() <= o.end() and o.end() - o.start() > m.end() - m.start()
               for _, _, o in found):
            continue  # "allenatore" inside "vice-allenatore", "coach" inside "goalkeeping coach"
        if not (_FORMER.search(folded[max(floor, m.start() - 12):m.start()]) or _introduces(m.start(), m.end(), others)):
            yield rank, role, m


def _role_at(lex: Lexicon, folded: str, start: int, end: int, pos: int, others=()) -> str | None:
    """The role word nearest ``pos`` in the sentence, not counting former roles and the
    roles of the ``others`` (spans of other people's names)."""
    found = [(abs(m.start() - pos), rank, role) for rank, role, m in _role_words(lex, folded, start, end, others, start)]
    return min(found)[2] if found else None


#: a description between a cue and the club it marks: "au club saoudien d'Al-Qadsiah",
#: "zum saudi-arabischen Erstligisten Al-Nassr", "to Turkish giants Fenerbahce", «в
#: саудовский клуб «Аль-Наср»», "al club saudita dell'Al-Hilal". The cue is read before it.
_DESCRIPTION = re.compile(
    # Romance: the noun, up to two adjectives, a preposition ("club saoudien d'", "clube
    # saudita ", "equipo ingles del ")
    r"(?:\b(?:club|clube|squadra|societa|equipo|equipe|equipa|conjunto|cuadro|formation|time|emblema|entidad)"
    r"(?:\s+(?!(?:de|di|del|do|da|du|des|dos|das)\b)[a-z-]+){0,2}\s*"
    r"(?:(?:de|di|del|dello|della|do|da|du)\s+|d'|dell'|l')?"
    # German: inflected adjectives before the noun ("saudi-arabischen Erstligisten ")
    r"|(?:\b(?!(?:den|dem|der|des|die|das|einen|einem|einer)\b)[a-z-]+(?:en|er|es|e)\s+){0,2}"
    r"\b(?:klub|verein|erstligist\w*|zweitligist\w*|bundesligist\w*|rekordmeister|traditionsverein|aufsteiger)\s+"
    # English: up to three words before the noun ("Saudi Pro League side ", "Turkish giants ")
    r"|(?:\b(?!(?:to|for|from|at|with|the|a|an|join|joins|joined|left|leave|leaves|of|and|by|in|on)\b)[a-z-]+\s+){0,3}"
    r"\b(?:club|side|outfit|giants|champions)\s+"
    # Russian: adjectives, then an optional «клуб» («в саудовский клуб «», «в английский «»)
    r"|(?:(?<![а-я-])[а-я-]+(?:ии|ыи|ои|ого|ому|ом|ая|ую|еи|им|ым)\s+){1,2}(?:(?:клуб|команд)\w*\s+)?[«\"]?\s*"
    r"|(?:клуб|команд)\w*\s+[«\"]?\s*"
    r")$")


def _cue(pat, folded: str, at: int, window: int = 45) -> bool:
    before = folded[max(0, at - window - 50):at]
    if pat.search(before[-window:]):
        return True
    described = _DESCRIPTION.search(before)
    return bool(described and described.start() > 0 and pat.search(before[max(0, described.start() - window):described.start()]))


def analyze(text: str, title: str | None = None, language: str | None = None, published=None,
            source_kind: str | None = None, source_club: str | None = None) -> Analysis:
    """Events stated in an article. ``source_club`` is the club whose official site
    published it (a name or gazetteer key), when known."""
    lang = (language or "").split("-")[0].lower()
    lex = LEXICA.get(lang)
    if lex is None or not text:
        return Analysis(False, 0.0)
    g = gazetteer()
    title = title or ""
    pub = _published_day(published)
    home = None
    if source_club:
        home = source_club if source_club in g.clubs else g.lookup(source_club)
        if home is None:
            named_in = g.find(source_club)
            home = named_in[0].key if named_in else None
    full = title + "\n" + text            # the title first; offsets shifted back below
    shift = len(title) + 1
    folded = fold(full)
    if not any(pat.search(folded) for _, pat in lex.triggers):
        # no move word anywhere: no sentence can hold an event. Most football news
        # (match reports, injuries) ends here, before the costly name and club search.
        return Analysis(False, 0.0)

    clubs = g.find(full)
    named = {c.key for c in clubs} | ({home} if home else set())
    clubs += g.find_nicknames(full, named)
    clubs.sort(key=lambda c: c.start)
    if lang in _CITY_AFTER_BARE_PREPOSITION:
        # "le visite mediche a Roma", "llegó a Sevilla", "chegou a Lisboa": the city; the
        # club takes an article ("alla Roma", "al Sevilla", "ao Benfica")
        # (a capital "A" is Portuguese's article: "A FC Porto – Futebol, SAD informa")
        clubs = [c for c in clubs if not _CITY_AFTER_BARE_PREPOSITION[lang].search(folded, max(0, c.start - 4), c.start)
                 or (lang == "pt" and full[max(0, c.start - 4):c.start].rstrip().endswith("A"))]
    blocked = [(c.start, c.end) for c in clubs]

    sents: list[_Sentence] = []
    if title.strip():
        sents.append(_Sentence(Span(0, len(title), title), True, []))
    for s in sentences(text):
        sents.append(_Sentence(Span(s.start + shift, s.end + shift, s.text), False, []))
    for s in sents:
        s.clubs = [c for c in clubs if s.span.start <= c.start < s.span.end]
        s.names = find_names(full, s.span.start, s.span.end, blocked, lang)
    title_names = [n for s in sents if s.is_title for n in s.names]
    body_names = [n for s in sents if not s.is_title for n in s.names]
    people, by_mention = cluster_people(body_names, title_names)
    for s in sents:
        s.names = [n for n in s.names if id(n) in by_mention]

    # the article's main person and club
    focus_person: PersonCluster | None = None
    for s in sents:
        if s.names:
            focus_person = by_mention[id(s.names[0])]
            break
    focus_club = home
    if focus_club is None:
        for s in sents:
            direct = [c for c in s.clubs if not _cue(lex.prev_cue, folded, c.start)]
            if direct:
                focus_club = direct[0].key
                break
    article_until = None
    for s in sents:
        article_until = contract_until(folded, s.span.start, s.span.end, lex)
        if article_until:
            break
    article_fee = None
    for s in sents:
        found = fees(folded, s.span.start, s.span.end)
        if found and not _is_background(lex, folded, s.span.start, s.span.end, pub, months=False):
            # "acheté 95 millions d'euros en 2023" is the fee of an earlier move
            article_fee = found[0][1]
            break
    article_free = any(lex.free.search(folded, s.span.start, s.span.end) for s in sents)
    article_official = source_kind == "club" or bool(title and lex.official.search(folded, 0, len(title)))
    article_rumour = bool(title and lex.rumour.search(folded, 0, len(title)) and not lex.complete.search(folded, 0, len(title)))

    speech = _speech(full)
    mentions: list[Mention] = []
    trigger_hits = 0
    for s in sents:
        a, b = s.span.start, s.span.end
        hits = []
        dead = [(m.start(), m.end()) for m in NOT_TRIGGER.finditer(folded, a, b)]
        negated = bool(NEGATED.search(folded, a, b))
        for label, pat in lex.triggers:
            for m in pat.finditer(folded, a, b):
                if any(x <= m.start() < y for x, y in dead):
                    continue
                if negated and label in ("appoint", "succeed"):
                    continue
                if any(x <= m.start() < y for x, y in speech):
                    continue  # someone's words ("« Je remercie la famille Kita »"), not the report
                negation = _NEGATION.search(folded, max(a, m.start() - 30), m.start())
                if negation and not (lang == "pt" and negation.group(1) == "no"):  # Portuguese "no" is "in the"
                    continue  # "no le ofreció la renovación", "n'a pas prolongé", «не продлил»
                hits.append((m.start(), m.end(), label))
        if not hits or _TEASER.match(folded, a, b):
            continue  # no move word, or a "read also" teaser for another article
        trigger_hits += 1
        if DENIED.search(folded, a, b):
            continue  # "has dismissed speculation about a move": the move is denied
        # a word inside a longer wording of another kind is that wording's: «отставк» in
        # «уйти в отставку» is a resignation, not a dismissal
        hits = [h for h in hits if not any(o[0] <= h[0] and h[1] <= o[1] and o[1] - o[0] > h[1] - h[0] and o[2] != h[2]
                                           for o in hits)]
        hits.sort()
        # a word can trigger two labels ("аренд" and "переход"): keep the most specific
        labels = {h[2] for h in hits}
        if _is_background(lex, folded, a, b, pub):
            continue
        rumour = bool(lex.rumour.search(folded, a, b)) and not lex.complete.search(folded, a, b)
        rumour = rumour or (s.is_title and "?" in s.span.text)
        rumour = rumour or (article_rumour and not lex.complete.search(folded, a, b) and not lex.official.search(folded, a, b))
        official_words = bool(lex.official.search(folded, a, b))
        free = bool(lex.free.search(folded, a, b))
        mutual = bool(lex.mutual.search(folded, a, b))
        undisclosed = bool(lex.undisclosed.search(folded, a, b))
        sentence_fees = fees(folded, a, b)
        used_people: set[int] = set()
        for start, end, label in hits:
            bid = label == "bid"
            if bid:
                # an offer or talks: a move not done, whatever the sentence's tone
                if {"join", "loan", "extend", "terminate", "dismiss", "resign", "appoint"} & labels:
                    continue
                label = "join"
            if label == "join" and ({"extend", "loan", "terminate", "dismiss", "resign"} & labels):
                continue
            if label == "appoint" and ({"dismiss", "resign"} & labels):
                leave_at = min(h[0] for h in hits if h[2] in ("dismiss", "resign"))
                people_here = {id(by_mention[id(n)]) for n in s.names}
                if not s.names or (len(people_here) == 1 and s.names[0].end <= leave_at < start):
                    # "X has been relieved of his duties as Head Coach": the one person
                    # named leaves; the post named after the leaving word is his old one
                    continue
            pos = start
            # person
            names = [n for n in s.names if id(by_mention[id(n)]) not in used_people] or s.names
            if not s.names and NEW_POST.search(folded, a, b) and label in ("appoint", "succeed", "join"):
                continue  # "the new coach will be named soon"
            # who reports it is not who moves ("according to Fabrizio Romano", "segundo
            # apurou o Diário do Relvado", «по информации Ивана Карпова»)
            names = [n for n in names if not _SOURCE.search(folded[max(a, n.start - 40):n.start])]
            # a name inside a relative clause closed before the move word is not its
            # subject ("Justin Cochrane, who worked with Thomas at Brentford, joins as…")
            inside = [n for n in names if any(r.start() < n.start and n.end <= r.end() <= start
                                              for r in _RELATIVE.finditer(folded, a, start))]
            names = [n for n in names if n not in inside] or names
            if label in ("join", "loan", "extend", "terminate"):
                # the president or director who signs or welcomes a player is not the mover
                # ("alla presenza del Presidente Claudio Lotito")
                names = [n for n in names if not _TITLED.search(folded[max(a, n.start - 30):n.start])]
            if label in ("appoint", "join"):
                # "sucede a João Pereira", "al posto di X", «вместо X»: X is the predecessor
                names = [n for n in names if not _PREDECESSOR.search(folded[max(a, n.start - 30):n.start])]
            if label in ("appoint", "succeed"):
                # the person chosen, not the one who chose ("elegido por X")
                chosen = [n for n in names if not AGENT.search(folded[max(a, n.start - 14):n.start])]
                if label == "succeed" and not chosen and names:
                    continue
                names = chosen or names
            if label == "succeed":
                # "X succeeds Y" / "Nachfolge von Y": Y, right after the word, is the predecessor
                names = [n for n in names if not (0 <= n.start - end <= 12)]
                before = [n for n in names if n.end <= start and not POSSESSIVE.search(folded[max(a, n.start - 6):n.start])]
                name = before[-1] if before else None
                if name is None and names and not all(n.end <= start for n in names):
                    name = _nearest([n for n in names if n.start >= end], pos)
                if name is None and (focus_person is None or _PRONOUN_OBJECT.search(folded, max(a, start - 12), end + 6)):
                    continue  # "Pour lui succéder, …": he is the one succeeded
            else:
                # the object right after the move word: "Laporta despidió a Xavi", "ha
                # esonerato il tecnico Paulo Fonseca", "the signing of Dani Olmo"
                obj = [n for n in names if 0 <= n.start - end <= 25 and _OBJECT_GAP.fullmatch(folded, end, n.start)
                       and any(m.strong for m in by_mention[id(n)].mentions)]
                name = obj[0] if obj else _nearest(names, pos)
            cluster = by_mention[id(name)] if name else focus_person
            if cluster is None:
                continue
            person_text = name.text if name else cluster.name
            other_names = [(n.start, n.end) for n in s.names if by_mention[id(n)] is not cluster]
            sentence_role = _role_at(lex, folded, a, b, pos, other_names)
            role = sentence_role
            if role is None:
                role = _article_role(lex, folded, cluster, sents, speech) or (
                    "player" if label in ("join", "loan", "extend", "terminate") else "head_coach")
            etype = _type(label, role, free, mutual)
            if etype is None:
                continue
            if etype == "appointment" and role == "player":
                role = "head_coach"
            if etype in MOVE_TYPES and role in COACH_ROLES:
                etype = "appointment"
            # clubs
            here = _current_clubs(lex, folded, s.clubs)
            described = _described_clubs(lex, s, folded, start)
            from_club = None
            to_club = None
            if etype in MOVE_TYPES:
                leaving = [c for c in here if _cue(lex.from_cue, folded, c.start)]
                offer = bool(_BID.search(folded, a, b))
                if bid or offer:
                    # "ha presentato alla Lokomotiv un'offerta", "une offre à Manchester
                    # United pour Greenwood": the club an offer goes to is the seller; so
                    # is the club a subject club talks with ("negocia con el Getafe")
                    subject = [c for c in here if c.start < start and c not in leaving and not _cue(_WITH, folded, c.start, 14)
                               and not _cue(lex.to_cue, folded, c.start, 12)]
                    leaving += [c for c in here if c not in leaving and (offer and _cue(lex.to_cue, folded, c.start, 12) or (
                        subject and c.start > subject[0].end and _cue(_WITH, folded, c.start, 14)))]
                joining = [c for c in here if c not in leaving and c not in described]
                partner = [c for c in joining if _cue(_WITH, folded, c.start, 14) and c is not joining[0]]
                if partner and _AGREED_SALE.search(folded, a, b) and not _ACQUIRED.search(folded, a, b):
                    # "A Benfica SAD informa que chegou a acordo com o Chelsea para a
                    # transferência de Enzo Fernández": the subject sells to its partner
                    leaving, joining = [joining[0]], [c for c in joining if c is not joining[0]]
                seller = [c for c in joining if c.start < start] if _SALE.search(folded, max(a, start - 2), end + 2) else []
                buyer = [c for c in joining if c.start > end]
                if seller and buyer and not leaving:
                    # "La Real Sociedad confirmó la venta de Merino al Arsenal"
                    leaving, joining = seller[:1], [c for c in joining if c not in seller[:1]]
                if leaving:
                    from_club = leaving[0].key
                elif len({c.key for c in here}) >= 2 and home and home in {c.key for c in here} and _outgoing(folded, a, b):
                    from_club = home
                to_candidates = [c for c in joining if c.key != from_club]
                cued = [c for c in to_candidates if _cue(lex.to_cue, folded, c.start, 12)]
                # the club that signs is the sentence's subject (named first, near its
                # start); further in, a "to"-word marks it
                to = to_candidates[0] if to_candidates else None
                after = [c for c in cued if c.start > end]
                if cued and to.start >= a + 40:
                    to = cued[0]
                elif after and to.start < start and not leaving and not bid and not _BID.search(folded, start, end):
                    # "El Atlético ha cerrado el traspaso de Samu al Oporto": a club marked as
                    # the destination after the move word outranks the subject, who sells
                    to = after[0]
                    if from_club is None and to_candidates[0].key != to.key:
                        from_club = to_candidates[0].key
                to_club = to.key if to else None
                if to_club is None:
                    to_club = focus_club if focus_club != from_club else None
                if from_club is None:
                    others = [c for c in here if c.key != to_club]
                    if others:
                        from_club = others[0].key
                if from_club is None:
                    from_club = _article_from(lex, folded, sents, to_club)
            else:
                cands = [c for c in here if not _cue(lex.from_cue, folded, c.start) and c not in described]
                to_club = cands[0].key if cands else focus_club
            if to_club is None:
                continue
            is_rumour = rumour or bid
            stated_day = None if is_rumour else stated_date(folded, a, b, lex, pub)
            day = None if is_rumour else stated_day or pub
            until = contract_until(folded, a, b, lex)
            if until is None and not is_rumour and etype in ("appointment", "transfer", "free_transfer", "contract_extension") \
                    and cluster is focus_person:
                until = article_until
            if is_rumour or etype in LEAVE_TYPES:
                until = None if etype in LEAVE_TYPES else until
            if etype == "transfer" and cluster is focus_person and article_free and not (sentence_fees or undisclosed):
                etype = "free_transfer"
            fee = None
            if etype == "free_transfer":
                fee = Fee("free")
            elif sentence_fees and etype in MOVE_TYPES | {"appointment"}:
                fee = sentence_fees[0][1]
            elif undisclosed and etype in MOVE_TYPES:
                fee = Fee("undisclosed")
            elif etype in MOVE_TYPES | {"appointment"} and cluster is focus_person and article_fee:
                fee = article_fee
            official = not is_rumour and (source_kind == "club" or official_words or
                                          (article_official and cluster is focus_person))
            conf = 0.5 + 0.15 * bool(name) + 0.15 * bool(here) + 0.1 * bool(sentence_role) + 0.1 * (not s.is_title)
            if s.is_title:
                start_, end_ = -1, -1
            else:
                start_, end_ = a - shift, b - shift
            mentions.append(Mention(
                type="rumour" if is_rumour else etype, rumoured_type=etype if is_rumour else None,
                person=cluster.name, person_key=cluster.key, person_text=person_text, role=role,
                club=to_club, from_club=from_club if etype in MOVE_TYPES else None, date=day,
                contract_until=until, fee=fee, official=official, sentence=s.span.text, start=start_, end=end_,
                confidence=round(min(conf, 1.0), 2), label=label, dated=stated_day is not None))
            used_people.add(id(cluster))
            if name is not None and (etype in LEAVE_TYPES or etype == "appointment"):
                # "a demissão do técnico Ramón Díaz e de seu auxiliar, Emiliano Díaz": both go
                for other in s.names:
                    fellow = by_mention[id(other)]
                    if other.start > name.end and fellow is not cluster and id(fellow) not in used_people \
                            and _coordinated(lex, folded, name.end, other.start):
                        mentions.append(replace(mentions[-1], person=fellow.name, person_key=fellow.key,
                                                person_text=other.text,
                                                role=_role_at(lex, folded, name.end, other.start, other.start) or role))
                        used_people.add(id(fellow))
                        break
    events = _collapse(mentions)
    relevance = 1.0 if events else min(0.49, 0.1 * trigger_hits)
    return Analysis(bool(events), relevance, events)


#: a negation up to three words before a move word; "not only" negates nothing
_NEGATION = re.compile(r"(\bno|\bnot|n't|\bnon|(?<![а-я])не|\bnicht|\bpas|\bnao|\bnunca|\bnever)"
                       r"(?!\s+(?:only|solo|sólo|nur|seulement|so|только|apenas)\b)(?:\s+[\w'-]+){0,3}\s*$")
#: a relative clause between commas: ", who worked with Thomas at Brentford,"
_RELATIVE = re.compile(r",\s*(?:who|which|che|il quale|la quale|qui|que|quien|o qual|a qual|der|die|welche[rs]?"
                       r"|котор\w+)\b[^,;:]*,")
_AND = re.compile(r"\s*,?\s*(?:e|and|y|et|und|и|ed)\s+")
_LINK_WORDS = {"de", "di", "del", "do", "da", "of", "von", "des", "du", "the", "il", "el", "o", "a", "le", "la", "der",
               "die", "den", "dem", "his", "her", "seu", "sua", "su", "son", "sa", "sein", "seinen", "seinem", "ihr",
               "ihren", "suo", "его", "ее", "its", "their", "sus", "ses", "seus", "suoi", "dei", "degli", "dos", "das"}


def _coordinated(lex: Lexicon, folded: str, a: int, b: int) -> bool:
    """Is ``folded[a:b]`` an "and" that joins a second person to the same news, with at
    most articles, possessives and a post between ("X e de seu auxiliar, Y", "X and his
    assistant Y")? A verb between ("X e contratou Y") makes it another clause."""
    m = _AND.match(folded, a, b)
    if not m:
        return False
    rest = folded[m.end():b]
    for _, pat in lex.roles:
        rest = pat.sub(" ", rest)
    return all(w in _LINK_WORDS for w in re.findall(r"[\w'-]+", rest))


#: right before a club: the opponent of a match ("dopo la sconfitta contro l'Udinese",
#: "nach der Niederlage gegen den VfL Wolfsburg", "frente ao Qarabağ"), never the club
#: of the event; one pattern for the seven languages
_OPPONENT = re.compile(
    r"(?:\bcontro|\bagainst|\bcontra|\bgegen|\bcontre|\bface (?:a|au|aux)|\bfrente (?:a|al|ao|aos)|\bversus|\bvs\.?"
    r"|\bпротив|\bпоражени\w* от|\bdefeat (?:to|by)|\bloss (?:to|at)|\bdraw (?:with|at)|\bpareggio (?:con|contro))"
    r"(?:\s+(?:il|lo|la|l'|i|gli|the|el|los|las|o|a|os|as|den|die|das|dem|le|les|l'|de|del|do|da|du|des))?[\s«\"'’]*$")


#: right before a name: the title of a club official, in the seven languages
_TITLED = re.compile(
    r"(?:\bpresident[ea]?|\bpresidente|\bprasident|\bпрезидент\w*|\bpatron|\bceo|\bamministratore delegato"
    r"|\bdirett(?:ore|ivo) sportivo|\bds|\bdirector deportivo|\bsportdirektor|\bdirecteur sportif"
    r"|\bdiretor desportivo|\bsporting director|\bспортивн\w* директор\w*|\bгендиректор\w*"
    r"|\bгенеральн\w* директор\w*(?: клуба)?|\bdirector general|\bdirecteur general|\bgeneral manager"
    r"|\bgeschaftsfuhrer|\bvorstand(?:svorsitzender|schef)?|\bchief executive|\bchairman|\bowner|\bproprietario"
    r"|\bmaire|\bmayor|\bsindaco|\balcalde|\bprefeito|\bburgermeister|\bмэр\w*"
    # a teammate or a compatriot met at the new club
    r"|\bcompatriot\w*|\bcompagno|\bcompanheiro|\bcompanero|\bcoequipier|\bteam-?mate|\bmitspieler|\blandsmann"
    r"|\bсоотечественник\w*|\bпартнер\w*)\s*$")


def _current_clubs(lex: Lexicon, folded: str, clubs: list[ClubMention]) -> list[ClubMention]:
    """Clubs of the sentence minus former clubs ("ex allenatore di Spartak Mosca e AEK
    Atene": both are former) and match opponents."""
    out, prev_end = [], None
    for c in clubs:
        if _OPPONENT.search(folded[max(0, c.start - 30):c.start]):
            prev_end = None
            continue
        former = _cue(lex.prev_cue, folded, c.start)
        if not former and prev_end is not None and re.fullmatch(r"[\s,«»\"]*(?:e|and|и|y|und|et|ou|o)?[\s«»\"]*(?:del|della|dello|dell|di|de|du|do|da|des)?[\s'«»\"]*",
                                                                 folded[prev_end:c.start]):
            former = True
        prev_end = c.end if former else None
        if not former:
            out.append(c)
    return out


#: right before a name: the outlet or journalist a report comes from
_SOURCE = re.compile(
    r"(?:\baccording to|\breported by|\bsecondo|\briferisce|\bsegun|\bsegundo(?: apurou)?|\bapurou|\bselon"
    r"|\blaut|\bberichtet|\bпо (?:информации|данным|словам|сведениям)|\bсообщает|\bсообщил\w*|\bпишет)"
    r"(?:\s+(?:il|la|lo|l'|el|o|a|the|le|les|der|die|das|журналист\w*|инсайдер\w*|journalist|giornalista|periodista|jornalista))*\s*$")

#: right before a name: the person replaced, not the one appointed
_PREDECESSOR = re.compile(
    r"(?:\bsucede a|\bsubstitui|\bsucessor de|\bsucceed\w*|\breplac\w*|\bal posto di|\bprende il posto di"
    r"|\bsostituisce|\bsostituira|\bвместо|\bсменит\w*|\bсменил\w*|\bersetzt|\bnachfolger von|\bnachfolge von"
    r"|\bremplace\w*|\bsuccede a|\bsuccesseur de|\bsustitu\w* a|\breemplaz\w* a|\breleva a|\bsucesor de)"
    r"(?:\s+(?:o|a|el|il|le|la|den|dem|the))?\s*$")

#: before a city-named club in languages where a club takes an article: the city
_CITY_AFTER_BARE_PREPOSITION = {
    "it": re.compile(r"(?:^|\s)(?:a|in)\s+$"),
    "es": re.compile(r"(?:^|\s)(?:a|en)\s+$"),
    "pt": re.compile(r"(?:^|\s)(?:a|em)\s+$"),
}

#: where an apposition after a name ends
_APPOSITION_END = re.compile(r"[,;()]| [—–-] ")


def _described_clubs(lex: Lexicon, s: _Sentence, folded: str, trigger: int) -> list[ClubMention]:
    """Clubs inside an apposition that describes a person: "Igli Tare, per diciotto anni
    alla Lazio, è stato nominato…", "Habib Beye, exdefensor del Olympique de Marsella, …",
    "Sébastien Pocognoli, l'entraîneur de l'Union Saint-Gilloise, tient la corde". They
    say where the person was or is, not where the event takes them: never the event's
    club, at most the club left. An apposition that holds the trigger or names the new
    post ("Conte, nuovo allenatore del Napoli, …") says where, and is not one of them."""
    out = []
    for n in s.names:
        # before the name: "Benfica midfielder Enzo Fernández", "Toulouse's 19-year-old
        # defender", "il centrocampista del Benfica Enzo Fernández", «полузащитник «Бенфики»
        # Энцо Фернандес»: the club the person plays for
        for c in s.clubs:
            if c.end > n.start or n.start - c.end > 40 or c.end <= trigger < n.start:
                continue
            gap = folded[c.end:n.start]
            if re.fullmatch(r"(?:'s)?[\s«»\"]*", gap):
                if any(pat.search(folded, max(s.span.start, c.start - 25), c.start) for _, pat in lex.roles):
                    out.append(c)
            elif re.fullmatch(r"(?:'s)?\s+(?:[\w-]+\s+){0,3}", gap) and any(pat.search(gap) for _, pat in lex.roles):
                out.append(c)
        m = re.match(r"\s*,", folded[n.end:s.span.end])
        if not m:
            continue
        a = n.end + m.end()
        end = _APPOSITION_END.search(folded, a, s.span.end)
        b = end.start() if end else s.span.end
        if b - a > 120 or a <= trigger < b or NEW_POST.search(folded, a, b):
            continue
        out += [c for c in s.clubs if a <= c.start < b]
    return out


#: right before a year: a birth year ("classe 2005", "born in 2001", «2003 года рождения»
#: comes after it), not the year of a move
_BORN = re.compile(r"(?:\bclasse|\bnat[oa] nel|\bborn in|\bnacid[oa] en|\bne en|\bnee en|\bnascid[oa] em|\bgeboren"
                   r"|\bjahrgang|\bрожден\w*|\bрождения|\bclass of)\s*$")
_YEAR = re.compile(r"(?<![\d/.-])(19\d\d|20\d\d)(?![\d/-])")
#: right before a year: "in", "nel", "в", "im Jahr", or a month ("in April 2025")
_IN_YEAR = re.compile(r"(?:\b(?:in|nel|en|em|im|au|в)|\bjahr|\b[a-zа-я]{3,})\s+$")


def _is_background(lex: Lexicon, folded: str, a: int, b: int, pub: date | None, months: bool = True) -> bool:
    """A sentence about the past: background wording, or a year before publication
    with no sign that the sentence reports today's news; with ``months``, also a month
    of this year already over ("sacked in January")."""
    fresh = lex.today.search(folded, a, b) or lex.complete.search(folded, a, b) or lex.official.search(folded, a, b)
    if lex.background.search(folded, a, b) and not fresh:
        return True
    if pub is None:
        return False
    for m in _YEAR.finditer(folded, a, b):
        if int(m.group(1)) >= pub.year or lex.until.search(folded[max(a, m.start() - 25):m.start()]) \
                or _BORN.search(folded, max(a, m.start() - 25), m.start()):
            continue
        if not fresh:
            return True
        # "в 2022 году … перешёл", "in January 2018 … made him": a move dated in an earlier
        # year is background even in words that report a completed move, unless today's
        # news is said too
        if _IN_YEAR.search(folded, max(a, m.start() - 16), m.start()) and not lex.today.search(folded, a, b) \
                and not lex.official.search(folded, a, b):
            return True
    if months and not lex.today.search(folded, a, b) and not lex.official.search(folded, a, b):
        # "was sacked by Everton in January" in an October article, "earlier this month":
        # a month of this year that is already over
        if _EARLIER.search(folded, a, b):
            return True
        for m in _IN_MONTH.finditer(folded, a, b):
            month = lex.months.get(m.group(1))
            if month and month < pub.month and not re.match(r"\s*\d", folded[m.end():m.end() + 3]) \
                    and not _YEAR.match(folded, m.end() + 1):
                return True
    return False


#: a sentence that opens with a "read also" cue: the headline of another article
_TEASER = re.compile(r"\s*(?:leggi anche|leia tambem|lea tambien|read (?:more|also)|see also|lesen sie auch|mehr zum thema"
                     r"|lire aussi|a lire aussi|читайте также|смотрите также|vedi anche|ver tambem|ver tambien)\b")

#: a month named as a time ("in January", "a gennaio", «в январе», "im Oktober", "en
#: enero", "em janeiro", "en janvier"), not a date ("12 gennaio", "January 12")
_IN_MONTH = re.compile(r"(?<![\d.])\s(?:in|a|ad|en|em|im|в|au mois de|nel mese di|no mes de|en el mes de)\s+([a-zа-я]+)\b")
#: "earlier this month", "lo scorso mese", "в прошлом месяце", "le mois dernier"
_EARLIER = re.compile(r"earlier this (?:month|year|season)|last month|lo scorso mese|il mese scorso"
                      r"|в прошлом месяце|el mes pasado|le mois dernier|im vergangenen monat|letzten monat|no mes passado")


def _type(label: str, role: str, free: bool, mutual: bool) -> str | None:
    """The event type of a trigger. A "join" in a sentence that also has a loan word
    never gets here: the loan trigger speaks for the sentence."""
    coach = role in COACH_ROLES
    if label == "succeed":
        return "appointment" if coach else None
    if label == "appoint":
        return "appointment"
    if label == "join":
        if coach:
            return "appointment"
        return "free_transfer" if free else "transfer"
    if label == "loan":
        return None if coach else "loan"
    if label == "extend":
        return "contract_extension"
    if label == "terminate":
        return "termination" if (mutual or not coach) else "dismissal"
    if label == "dismiss":
        return "dismissal"
    if label == "resign":
        return "termination" if mutual else "resignation"  # leaving "by mutual agreement"
    return None


#: right before a club: the other side of talks ("negocia con el Chelsea"); with a club as
#: the subject, that side sells
_WITH = re.compile(r"(?:\bcon|\bcom|\bavec|\bwith|\bmit|\bс)\s+(?:(?:il|lo|la|l'|el|o|a|the|le|les|dem|den|der)\s*)?[«\"]?\s*$")
#: an object pronoun on a succession word: the person named elsewhere is the one
#: succeeded ("pour lui succéder", "succedergli", "sucederle", "to succeed him")
_PRONOUN_OBJECT = re.compile(r"\blui succeder|\bsuccedergli|\bsucederle|\bsucede-lo|\bsucede-lhe|\bsucceed (?:him|her)\b"
                             r"|\breplace (?:him|her)\b|\bsostituirlo|\bsustituirle|\bsustituirlo|\bsubstitui-lo|\ble remplacer"
                             r"|\bihn (?:zu )?ersetzen|\bihm nachfolg|\bего (?:сменит|заменит)|\bна смену ему")
#: between a move word and its object: an article, a preposition, a role word or two,
#: never punctuation or an agent ("sacked by")
_OBJECT_GAP = re.compile(r"\w*\s+(?!(?:by|por|par|da|dal|dalla|von|vom|от)\b)(?:[\w'-]+\s+){0,2}")
#: in an agreement with another club: the subject sells ("accordo con il Chelsea per la
#: cessione", "acordo com o Chelsea para a transferência" in a Portuguese club's filing)…
_AGREED_SALE = re.compile(r"\bcessione|\bcedencia|\bvenda\b|\bventa\b|\balienacao|\btransferencia\b|\bvente\b|\bsale of"
                          r"|\bverkauf|\bпродаж")
#: …unless it acquires ("para a aquisição", "per l'acquisizione")
_ACQUIRED = re.compile(r"\baquisicao|\bacquisizion|\badquisicion|\bacquisition|\berwerb|\bacquisto|\bприобретени")
#: an offer, a bid: the club it is made to is the seller ("un'offerta alla Lokomotiv")
_BID = re.compile(r"offert|\boffer|\boffre|\boferta|proposta|angebot|предложени|\bbid\b")
#: the seller's words: the club before them sells, the club after them buys
_SALE = re.compile(r"\bventa de|\bvenda d|\bvendita|\bvente de|\bsale of|\bsold\b|\bsells\b|\bvendu\b|\bvendeu|\bvendid"
                   r"|\bverkauf|\bverkauft|продал|продаж|\bcessione|\bceduto")
#: a player going out: the seller's words, and transfer or loan words said from the
#: side of the club that lets him go
_OUT = re.compile(r"cession|cedut|pret de|prestito di|verkauf|sold|cedido|\bvendit|"
                  + _SALE.pattern)


def _outgoing(folded: str, a: int, b: int) -> bool:
    return bool(_OUT.search(folded, a, b))


def _article_role(lex: Lexicon, folded: str, cluster: PersonCluster, sents, speech=()) -> str | None:
    """The role word nearest any mention of this person in the article, leaving out role
    words that introduce someone else ("l'allenatore Massimiliano Allegri" is no role of
    Modrić's in the next clause) and words inside quoted speech ("When I spoke to the
    coach", said the player)."""
    others = [(n.start, n.end) for s in sents for n in s.names if n not in cluster.mentions]
    best = None
    for m in cluster.mentions:
        # within the mention's own sentence: "… e del direttore sportivo. «Luka è un
        # esempio»" gives Luka no post
        around = next((x.span for x in sents if x.span.start <= m.start < x.span.end), None)
        lo, hi = (around.start, around.end) if around else (0, len(folded))
        for _rank, role, r in _role_words(lex, folded, max(lo, m.start - 60), min(hi, m.end + 60), others, 0):
            if any(x <= r.start() < y for x, y in speech):
                continue
            d = min(abs(r.start() - m.start), abs(r.end() - m.end))
            if best is None or d < best[0]:
                best = (d, role)
    return best[1] if best else None


def _article_from(lex: Lexicon, folded: str, sents, to_club: str | None) -> str | None:
    for s in sents:
        for c in s.clubs:
            if c.key != to_club and _cue(lex.from_cue, folded, c.start):
                return c.key
    return None


def _collapse(mentions: list[Mention]) -> list[Mention]:
    """One mention per (person, move, club) in an article, from its clearest sentence;
    a stated move hides the same move rumoured in the same article; a contract signed by
    someone whose contract is extended is that extension."""
    extended = {m.person_key for m in mentions if m.type == "contract_extension"}
    appointed = {m.person_key for m in mentions if m.family == "appointment" and m.label != "join"}
    mentions = [m for m in mentions if not (m.label == "join" and (m.person_key in extended or
                                                                   m.person_key in appointed and m.family in MOVE_TYPES))]
    best: dict[tuple, Mention] = {}
    order: list[tuple] = []
    for m in mentions:
        key = (m.person_key, move_family(m.family), m.club)
        cur = best.get(key)
        if cur is None:
            best[key] = m
            order.append(key)
            continue
        better = _rank(m) > _rank(cur)
        keep, other = (m, cur) if better else (cur, m)
        # fields one sentence lacks, another may give
        for f in ("from_club", "contract_until", "fee"):
            if getattr(keep, f) is None and getattr(other, f) is not None:
                setattr(keep, f, getattr(other, f))
        if keep.type != "rumour" and (keep.date is None or keep.start < 0 and other.dated and not keep.dated
                                       and other.type != "rumour"):
            # the title names the move, the lead dates it ("Во вторник клуб сообщил…")
            keep.date, keep.dated = other.date, other.dated
        keep.official = keep.official or (other.official and other.type != "rumour" and keep.type != "rumour")
        best[key] = keep
    out = [best[k] for k in order]
    stated = {(m.person_key, move_family(m.family)) for m in out if m.type != "rumour"}
    out = [m for m in out if m.type != "rumour" or (m.person_key, move_family(m.family)) not in stated]
    # one person, one move family: keep the most confident club
    final: dict[tuple, Mention] = {}
    for m in out:
        k = (m.person_key, move_family(m.family), m.type == "rumour")
        if k not in final or m.confidence > final[k].confidence:
            final[k] = m
    return [m for m in out if final.get((m.person_key, move_family(m.family), m.type == "rumour")) is m]


def move_family(t: str) -> str:
    """Transfers, loans and free transfers are one family of moves."""
    return "move" if t in MOVE_TYPES else t


def _rank(m: Mention) -> tuple:
    return (m.type != "rumour", m.start >= 0, m.confidence, -m.start)
