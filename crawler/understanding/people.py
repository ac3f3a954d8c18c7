"""Spotting people in a text and telling which mentions are the same person.

A name is a run of capitalised words ("Kees van Wonderen", «Деяна Станковича») that are
not function words (jusText's stoplists for the seven languages), titles, clubs, months
or role nouns. Runs of two or more words are names; a single word is a name when it is
the surname or first name of a fuller name in the same article ("Carrera" after
"Massimo Carrera"), or a mononym the article keeps using in the title and the text
("Isco"). Mentions are grouped by :func:`crawler.understanding.text.token_key`, which
folds scripts and Russian case endings, so «Станковича» and "Stanković" meet.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from crawler.understanding.lexicon import LEXICA, TITLES
from crawler.understanding.text import Span, fold, is_cyrillic, person_key, token_key, transliterate, words

PARTICLES = {"van", "de", "da", "dos", "das", "di", "del", "della", "von", "der", "den", "ten", "ter", "le", "la",
             "el", "bin", "ben", "du", "y", "e", "do", "mac", "st"}

#: particles that are also articles: inside a name only after "van"/"von" ("van der
#: Sar", "von der Leyen"), else "Terzić der Topkandidat" is one name
_ARTICLE_PARTICLES = {"der", "den"}

#: month names: not a name next to a number ("12 March", "März 2025", "1 de março"), but
#: some are first names elsewhere ("Marco" folds like Portuguese "março", "April", "June")
_MONTHS = {
    "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
    "novembre", "dicembre", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "enero", "febrero", "abril", "mayo", "junio", "julio",
    "septiembre", "octubre", "noviembre", "diciembre", "januar", "februar", "marz", "juni", "juli", "oktober",
    "dezember", "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "octobre", "janeiro",
    "fevereiro", "marco", "maio", "junho", "julho", "setembro", "outubro", "novembro", "dezembro",
}
#: month names that are never first names
_MONTHS_ONLY = _MONTHS - {"marco", "april", "may", "june", "julio", "mai", "mayo", "august", "juli"}

_EXTRA_STOP = {
    # weekdays and frequent capitalised nouns of football news in the seven languages
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "lunedi", "martedi",
    "mercoledi", "giovedi", "venerdi", "sabato", "domenica", "lunes", "martes", "miercoles", "jueves", "viernes",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "lundi", "mardi",
    "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "segunda-feira", "terca-feira", "quarta-feira",
    "quinta-feira", "sexta-feira", "serie", "premier", "league", "liga", "bundesliga", "eredivisie", "ligue",
    "champions", "europa", "conference", "coppa", "copa", "cup", "pokal", "coupe", "taca", "supercoppa",
    "supercopa", "primeira", "segunda", "primera", "laliga", "calcio", "football", "club", "fc", "sad", "spa",
    "s.p.a", "sportiva", "societa", "stadio", "stadium", "stade", "estadio", "village", "press", "media",
    "head", "coach", "manager", "sporting", "director", "first-team", "team", "board", "men", "women",
    "trainer", "cheftrainer", "sportdirektor", "u23-trainer", "u23-coach", "lizenzspielermannschaft",
    "mannschaft", "verein", "klub", "medienberichten", "informationen", "zeitung", "nachfolge", "favorit",
    "trainersuche", "traineramt", "vertrag", "saison", "sommer", "winter", "flugelspieler", "stürmer",
    "mittelfeldspieler", "profi", "niederlander", "belgier", "kanadier", "italiener", "spanier", "portugiese",
    "schalke", "sampdoria", "mundo", "bola", "bancada", "verde", "dragoes", "campo", "sad", "equipa",
    "futebol", "sport", "lisboa", "benfica", "nazionale", "picchio", "prima", "squadra", "club", "mister",
    "sig", "comunicato", "ufficiale", "benvenuto", "adesso", "ufficiale", "c'est", "officiel", "breaking",
    "exclusive", "official", "oficial", "offiziell", "официально", "италия", "россия", "рпл", "фк", "сми",
    "серии", "серия", "лиги", "лига", "премьер-лиги", "кубка", "кубок", "англии", "италии", "испании",
    "германии", "франции", "португалии", "нидерландов", "россии", "европы", "мира", "чемпионата",
    "italia", "italy", "inghilterra", "england", "portugal", "spagna", "spain", "espana", "germany",
    "deutschland", "germania", "francia", "france", "frankreich", "brasil", "brazil", "brasile", "canada",
    "argentina", "allemagne", "alemania", "alemanha", "russia", "rusia", "russland", "russie", "holanda",
    "olanda", "netherlands", "niederlande", "pays-bas", "belgio", "belgium", "belgique", "turchia", "turkey",
    "roma", "milano", "torino", "londra", "london", "londres", "madrid", "paris", "parigi", "berlino",
    "berlin", "mosca", "moscow", "moscou", "moskau", "москва", "москвы", "gelsenkirchen", "lione",
    "leggi", "anche", "articoli", "correlati", "читайте", "также", "read", "more", "also", "lesen",
    "sie", "auch", "lire", "aussi", "leia", "lea", "mas", "también",
    # words of clubs' and places' names that no person carries ("Sociedade Esportiva
    # Palmeiras", "Lo United", "Centro Sportivo", "Espaço Lonier", "Balón de Oro")
    "united", "city", "real", "athletic", "olympique", "hotspur", "albion", "rovers", "wanderers",
    "sociedade", "esportiva", "esporte", "clube", "associacao", "sociedad", "deportiva", "sportivo", "societe",
    "sportif", "centro", "center", "centre", "espaco", "ciudad", "cidade", "citta", "casa", "balon", "ballon",
    "pallone", "golden", "boot",
    # capitalised titles of officials ("Le Président Nasser Al-Khelaïfi")
    "presidente", "president", "prasident", "directeur", "diretor", "maire", "mayor", "sindaco", "alcalde",
    "prefeito", "burgermeister", "ceo",
    # English demonyms, capitalised adjectives ("breaks the British transfer record")
    "british", "english", "spanish", "french", "german", "italian", "portuguese", "brazilian", "argentine",
    "argentinian", "dutch", "belgian", "scottish", "welsh", "irish", "american", "russian", "turkish", "saudi",
    "european", "african", "asian", "norwegian", "danish", "swedish", "swiss", "austrian", "croatian", "serbian",
    "polish", "ukrainian", "japanese", "korean", "mexican", "colombian", "uruguayan", "nigerian", "moroccan",
    "senegalese", "ghanaian", "egyptian", "algerian", "ivorian", "cameroonian", "georgian", "greek",
}


#: regions CLDR has no name for, and long forms where its name is short («ОАЭ»)
_REGIONS = ["Объединённые Арабские Эмираты", "Соединённые Штаты Америки", "Соединённые Штаты",
            # the United Kingdom's nations, which CLDR does not list as territories
            "Scotland", "Scozia", "Escocia", "Schottland", "Écosse", "Escócia", "Шотландия", "Wales", "Galles",
            "Gales", "País de Gales", "Pays de Galles", "Уэльс", "England", "Inghilterra", "Inglaterra",
            "Angleterre", "Англия", "Northern Ireland", "Irlanda del Nord", "Irlanda del Norte", "Nordirland",
            "Irlande du Nord", "Irlanda do Norte", "Северная Ирландия",
            "Middle East", "Medio Oriente", "Oriente Medio", "Médio Oriente", "Oriente Médio", "Naher Osten",
            "Nahen Osten", "Moyen-Orient", "Ближний Восток", "Persian Gulf", "Golfo Persico", "Golfo Pérsico",
            "Persischer Golf", "Golfe persique", "Персидский залив"]
#: country names that are also people's names ("Jordan Henderson", "Georgia Stanway")
_NAMES_TOO = {"jordan", "chad", "georgia", "israel", "salvador", "kenya", "india", "china", "lesotho"}


@lru_cache(maxsize=1)
def _ru_endings() -> list[str]:
    """The club stemmer's Russian case endings plus the plural ones a place's name takes
    («Объединённых Арабских Эмиратов»), folded («й» → «и»), longest first."""
    from crawler.understanding.clubs import _CYR_ENDINGS

    plural = {fold(e) for e in ["ыми", "ими", "яя", "ее", "ие", "их", "ов", "ев", "ах", "ях", "ам", "ям"]}
    return sorted(set(_CYR_ENDINGS) | plural, key=len, reverse=True)


@lru_cache(maxsize=8192)
def _place_form(token: str) -> str:
    """The form a token is compared to place names by (cached: every name run is looked up)."""
    from crawler.understanding.clubs import cyr_stem

    return cyr_stem(token, _ru_endings()) if is_cyrillic(token) else fold(token)


@lru_cache(maxsize=1)
def _places() -> frozenset[tuple[str, ...]]:
    """Countries and regions, in the seven languages, as tuples of token forms: Cyrillic
    tokens by stem, so the case forms meet («Саудовской Аравии» = «Саудовская Аравия»).
    From the Unicode CLDR territory names that Babel ships."""
    from babel import Locale

    names = list(_REGIONS)
    for lang in ("it", "ru", "en", "es", "de", "fr", "pt"):
        names += [n for code, n in Locale(lang).territories.items() if not code.isdigit() or len(n.split()) > 1]
    out = set()
    for n in names:
        key = tuple(_place_form(w.text) for w in words(n))
        if key and not (len(key) == 1 and key[0] in _NAMES_TOO):
            out.add(key)
    return frozenset(out)


def _place_prefix(tokens: list[str]) -> int:
    """How many leading ``tokens`` name a country or region (0 if none)."""
    places = _places()
    forms = [_place_form(t) for t in tokens[:4]]  # a prefix of at most four words
    for n in range(len(forms), 0, -1):
        if tuple(forms[:n]) in places:
            return n
    return 0


@lru_cache(maxsize=8)
def _stoplist() -> frozenset[str]:
    import justext

    words_ = set(_EXTRA_STOP)
    for lang in ("Italian", "Russian", "English", "Spanish", "German", "French", "Portuguese"):
        words_ |= {fold(w) for w in justext.get_stoplist(lang)}
    return frozenset(words_ - PARTICLES)


@dataclass
class NameMention:
    start: int
    end: int
    text: str
    tokens: list[str]
    strong: bool  # two or more words


#: determiners that open a noun phrase ("Lo United", "A Velha Senhora", "The Friedkin
#: Group"): never the first word of a person's name (unlike "El" in "El Shaarawy" or "Le"
#: in "Le Normand", which are not here)
_DETERMINERS = {"il", "lo", "gli", "the", "los", "las", "der", "den", "die", "das", "dem", "des", "les", "o", "os", "as", "a",
                "un", "una", "uno", "une", "ein", "eine", "einen", "this", "questo", "questa", "este", "esta",
                "ce", "cette", "dieser", "diese",
                # prepositions that open a sentence in capitals ("Em Riade, o técnico…", "Nel
                # frattempo", "Dans la foulée"): never a first name before the next word
                "em", "no", "na", "nos", "nas", "en", "in", "im", "nel", "nella", "dans", "per", "para", "pour",
                "mit", "am", "zum", "beim", "au", "aux", "alla", "sul", "dopo", "apos", "nach", "after", "depois",
                "durante", "during", "wahrend", "pendant", "con", "com", "avec", "with", "sotto", "bajo", "unter",
                "entre", "tra", "fra", "between", "from", "desde", "seit", "depuis", "since", "until", "hasta"}
#: the last word of an organisation's name: "The Friedkin Group", "Pif Holding"
_ORGANISATION = {"group", "gruppo", "grupo", "groupe", "gruppe", "holding", "holdings", "capital", "partners",
                 "investments", "ventures", "ltd", "inc", "llc", "gmbh", "ag", "sa", "spa", "s.a", "plc", "corp",
                 "foundation", "fondazione", "fundacion", "stiftung", "fondation", "media", "tv", "radio",
                 "channel", "network", "news", "agency", "agenzia", "agencia", "agence", "agentur"}
#: weekdays glued to a time of day in one German noun ("Montagnachmittag")
_DE_WEEKDAY = re.compile(r"^(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)\w+")

_DE_NOUN = re.compile(r"(?:ung|ungen|heit|keit|schaft|ion|tat|ismus|trainer|spieler|meister|berichten|zeitung|verein|er)$")
_STADIUM = {"stamford", "bridge", "villamarin", "pizjuan", "feld", "trafford", "anfield", "bernabeu", "allianz",
            "arena", "velodrome", "continassa", "village", "meazza", "olimpico", "maracana", "camp", "nou", "parc",
            "princes", "dragao", "luz", "alvalade", "westfalenstadion", "signal", "iduna"}


#: before a name: a ground or a training centre named after someone ("Stadio Giuseppe
#: Meazza", "Centro Sportivo Fulvio Bernardini", "Espaço Lonier")
_STADIUM_CUE = re.compile(r"(?:stadio|stadium|estadio|stade|stadion|estadio|стадион\w*|arena|centro sportivo|centro tecnico"
                          r"|ciudad deportiva|centro de (?:treinamento|treinos|estagio)|training (?:centre|center|ground)"
                          r"|trainingszentrum|centre d'entrainement|espaco) (?:\w+ )?$")


def _is_name_word(tok: str, initial: bool = False, lang: str = "") -> bool:
    """Could ``tok`` be part of a name? jusText's stoplists are word-frequency lists
    that hold first names too ("Marco", "Pierre"), so they only judge a sentence's first
    word, and every word in German, where all nouns are capitalised."""
    if not tok[0].isupper() or any(c.isdigit() for c in tok):
        return False
    if len(tok) > 1 and tok.isupper():
        return False  # acronyms: FC, SAD, LOSC, ЦСКА
    f = fold(tok)
    if f in _EXTRA_STOP or f.rstrip(".") in TITLES or any(p in _STADIUM for p in f.split("-")):
        return False
    if lang == "de" and ((_DE_NOUN.search(f) and len(f) > 7) or _DE_WEEKDAY.match(f)):
        return False
    if (initial or lang == "de") and f in _stoplist():
        return False
    return True


def _is_role_word(tok: str, lang: str) -> bool:
    """Is ``tok`` one of the language's words for a post ("Sportvorstand", "Entrenador")?"""
    lex = LEXICA.get(lang)
    f = fold(tok)
    return bool(lex) and any(pat.fullmatch(f) for _, pat in lex.roles)


def _near_number(text: str, toks: list[Span], i: int) -> bool:
    """A date around the word: a number right before ("12 March", "1. März", "1 de março")
    or right after ("March 2025", "June 12")."""
    prev = [t.text for t in toks[max(0, i - 2):i]]
    if prev and (prev[-1].isdigit() or (len(prev) == 2 and prev[-1].lower() in ("de", "of") and prev[0].isdigit())):
        return True
    return i + 1 < len(toks) and toks[i + 1].text.isdigit()


def _quoted(text: str, start: int, end: int) -> bool:
    """The words fill a pair of guillemets or quotes of their own: a club or a title,
    not a person (people are not quoted by name in running text)."""
    before, after = text[max(0, start - 1):start], text[end:end + 1]
    return (before, after) in (("«", "»"), ("“", "”"), ("„", "“"), ('"', '"'))


def _particle_continues(text: str, toks: list[Span], i: int, lang: str) -> bool:
    """Does the particle before ``toks[i]`` continue a name? Yes when exactly one name word
    follows (past "der"): "van der Vaart", "De Bruyne", "von der Leyen". Two or more make
    it a preposition: "der Wechsel von Jonathan Tah", "il fichaje de Lamine Yamal"."""
    while i < len(toks) and fold(toks[i].text) in _ARTICLE_PARTICLES:
        i += 1
    n = 0
    while i < len(toks) and _is_name_word(toks[i].text, False, lang) and fold(toks[i].text) not in PARTICLES:
        if n and not re.fullmatch(r"[ \u00a0]+", text[toks[i - 1].end:toks[i].start]):
            break
        n += 1
        i += 1
    return n == 1


def find_names(text: str, start: int, end: int, blocked: list[tuple[int, int]], lang: str = "") -> list[NameMention]:
    """Candidate person names in ``text[start:end]``, skipping the ``blocked`` spans
    (clubs)."""
    toks = words(text, start, end)
    out: list[NameMention] = []
    run: list[Span] = []

    def is_blocked(t: Span) -> bool:
        return any(a < t.end and t.start < b for a, b in blocked)

    def flush():
        nonlocal run
        while run and fold(run[0].text) in _DETERMINERS:
            run.pop(0)
        while run and fold(run[-1].text) in PARTICLES:
            run.pop()
        if run and fold(run[-1].text).rstrip(".") in _ORGANISATION:
            run = []  # a company, a fund, a broadcaster: not a person
        if run and _quoted(text, run[0].start, run[-1].end):
            run = []  # «Ботафого», "Red Star": Russian (and some other) press quotes club names
        # German role nouns and demonyms glued before a name: "Niederländer Kees van Wonderen"
        while len(run) > 2 and run[0].text.endswith("er") and not is_cyrillic(run[0].text):
            run.pop(0)
        # a capitalised post before a name ("Sportvorstand Max Eberl", "Manager Gary O'Neil")
        while len(run) > 1 and _is_role_word(run[0].text, lang):
            run.pop(0)
        # a country or region, alone or before a name ("Stati Uniti", «на Ближний Восток
        # Джеррард»); a one-word country before a name may be a first name ("Jordan")
        place = _place_prefix([t.text for t in run]) if run else 0
        if place == len(run) or place > 1:
            run = run[place:]
        if run:
            s, e = run[0].start, run[-1].end
            out.append(NameMention(s, e, text[s:e], [t.text for t in run], strong=sum(
                1 for t in run if fold(t.text) not in PARTICLES) >= 2))
        run = []

    ground = False  # inside the name of a ground ("Centro Sportivo Fulvio Bernardini di Trigoria")
    for i, tok in enumerate(toks):
        if ground:
            if tok.text[0].isupper() or fold(tok.text) in PARTICLES:
                continue
            ground = False
        gap = text[run[-1].end:tok.start] if run else ""
        if run and not re.fullmatch(r"[ \u00a0]+", gap):
            flush()
        if is_blocked(tok):
            flush()
            continue
        before = text[toks[i - 1].end:tok.start] if i else text[start:tok.start]
        if not run and _STADIUM_CUE.search(fold(text[max(start, tok.start - 20):tok.start])):
            flush()
            ground = True
            continue
        initial = i == 0 or bool(re.search(r"[:«\"“(—–-]\s*$", before))
        if fold(tok.text) in _MONTHS and (fold(tok.text) in _MONTHS_ONLY or _near_number(text, toks, i)):
            flush()
            continue
        if _is_name_word(tok.text, initial and not (i + 1 < len(toks) and _is_name_word(toks[i + 1].text, False, lang)
                                                     and not is_blocked(toks[i + 1])), lang):
            run.append(tok)
        elif run and fold(tok.text) in PARTICLES and fold(tok.text) not in ("e", "y") \
                and (fold(tok.text) not in _ARTICLE_PARTICLES or fold(run[-1].text) in ("van", "von", "de")) \
                and _particle_continues(text, toks, i + 1, lang):
            run.append(tok)
        else:
            flush()
    flush()
    return out


@dataclass
class PersonCluster:
    """One person as an article names them."""

    forms: list[str] = field(default_factory=list)
    mentions: list[NameMention] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The fullest Latin-script form, else the fullest form transliterated from a
        nominative-looking Cyrillic one (the shortest spelling of the longest name)."""
        latin = [f for f in self.forms if not is_cyrillic(f) and len(f.split()) > 1] or \
            [f for f in self.forms if not is_cyrillic(f)]
        if latin:
            return max(latin, key=lambda f: (len(f.split()), -self.forms.index(f)))
        longest = max(len(f.split()) for f in self.forms)
        full = min((f for f in self.forms if len(f.split()) == longest), key=len)
        return transliterate(full)

    @property
    def key(self) -> str:
        return person_key(self.name)


def cluster_people(mentions: list[NameMention], title_mentions: list[NameMention]) -> tuple[list[PersonCluster], dict[int, PersonCluster]]:
    """Group an article's name mentions into people. Returns the clusters and a map from
    mention start offset (title mentions: negative offsets) to cluster."""
    clusters: list[PersonCluster] = []
    everything = title_mentions + mentions
    strong = [m for m in everything if m.strong]
    for m in strong:
        keys = [token_key(t) for t in m.tokens if fold(t) not in PARTICLES]
        target = None
        for c in clusters:
            ckeys = {token_key(t) for f in c.forms for t in f.split() if fold(t) not in PARTICLES}
            # the same surname and first name, or one name inside the other ("García
            # Pimienta" in "Francisco Javier García Pimienta"); a shared surname alone is
            # a relative ("Ramón Díaz e de seu auxiliar, Emiliano Díaz")
            if keys[-1] in ckeys and (keys[0] in ckeys or set(keys) <= ckeys or any(
                    {token_key(t) for t in f.split() if fold(t) not in PARTICLES} <= set(keys) for f in c.forms)):
                target = c
                break
        if target is None:
            target = PersonCluster()
            clusters.append(target)
        target.forms.append(m.text)
        target.mentions.append(m)
    singles = [m for m in everything if not m.strong]
    title_single = {token_key(m.tokens[0]) for m in title_mentions if not m.strong}
    for m in singles:
        k = token_key(m.tokens[0])
        target = None
        for c in clusters:
            ckeys = [token_key(t) for f in c.forms for t in f.split()]
            if k in ckeys:
                target = c
                break
        if target is None:
            # a mononym: named in the title and again in the text
            in_text = sum(1 for x in mentions if not x.strong and token_key(x.tokens[0]) == k)
            if k in title_single and in_text >= 1 and len(m.tokens[0]) >= 3:
                target = next((c for c in clusters if c.forms and token_key(c.forms[0]) == k and len(c.forms[0].split()) == 1), None)
                if target is None:
                    target = PersonCluster()
                    clusters.append(target)
            else:
                continue
        target.forms.append(m.text)
        target.mentions.append(m)
    index: dict[int, PersonCluster] = {}
    for c in clusters:
        for m in c.mentions:
            index[id(m)] = c
    return clusters, index
