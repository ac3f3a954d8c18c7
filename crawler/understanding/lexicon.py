"""What the analyser reads in each language: the words that announce a move, the role,
the tone (rumour, official), background, and the pieces of fees, dates and contracts.

Every pattern is written for :func:`crawler.understanding.text.fold` output: lowercase,
accents removed ("entraîneur" → "entraineur", "verlängert" → "verlangert", "ё" → "е").
Trigger labels:

* ``appoint`` — someone is named to a post (coach, director, caretaker);
* ``join`` — someone signs/joins (a player's transfer, or a coach when the role says so);
* ``bid`` — an offer or talks for someone: a ``join`` that is always a rumour;
* ``loan`` / ``extend`` / ``terminate`` / ``dismiss`` / ``resign`` — as named.

The type of an event is decided from the trigger, the role and the modifiers
(``free``, ``mutual``) in :mod:`crawler.understanding.events`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Lexicon:
    triggers: list[tuple[str, re.Pattern]]
    roles: list[tuple[str, re.Pattern]]
    rumour: re.Pattern
    official: re.Pattern
    complete: re.Pattern
    background: re.Pattern
    free: re.Pattern
    mutual: re.Pattern
    undisclosed: re.Pattern
    from_cue: re.Pattern      # right before a club: the club left
    to_cue: re.Pattern        # right before a club: the club joined
    prev_cue: re.Pattern      # right before a club: a former club (never the event's club)
    until: re.Pattern         # right before a contract end
    today: re.Pattern
    yesterday: re.Pattern
    months: dict[str, int]
    weekdays: dict[str, int]
    money_units: dict[str, float] = field(default_factory=dict)
    currencies: dict[str, str] = field(default_factory=dict)


def _re(*parts: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in parts))


def _trig(**kinds: str) -> list[tuple[str, re.Pattern]]:
    return [(k, re.compile(v)) for k, v in kinds.items()]


MONEY_UNITS = {
    "m": 1e6, "mln": 1e6, "mio": 1e6, "million": 1e6, "millions": 1e6, "milioni": 1e6, "milione": 1e6,
    "millones": 1e6, "millon": 1e6, "milhoes": 1e6, "milhao": 1e6, "millionen": 1e6, "млн": 1e6,
    "миллиона": 1e6, "миллионов": 1e6, "миллион": 1e6, "bn": 1e9, "billion": 1e9, "mila": 1e3, "k": 1e3,
    "тыс": 1e3,
}
CURRENCIES = {
    "€": "EUR", "euro": "EUR", "euros": "EUR", "евро": "EUR", "eur": "EUR",
    "$": "USD", "dollari": "USD", "dollars": "USD", "dolares": "USD", "dollar": "USD", "долларов": "USD", "usd": "USD",
    "£": "GBP", "sterline": "GBP", "pounds": "GBP", "libras": "GBP", "livres": "GBP", "pfund": "GBP", "фунтов": "GBP",
    "gbp": "GBP",
}

W = r"[^\W\d_]"  # a letter
#: "from Portuguese champions Sporting CP", "to Serie A side Torino": the club's description
_EN_SIDE = r"(?:champions|side|club|outfit|giants|rivals|holders|team|strugglers|leaders)"

LEXICA: dict[str, Lexicon] = {
    "it": Lexicon(
        triggers=_trig(
            succeed=r"succede a|prende il posto di|al posto di|sostituisce|sostituire|successione|successore",
            appoint=r"nuov[oa] (?:allenatore|tecnico|direttore sportivo|ds|mister|guida)|affidat\w* (?:la conduzione tecnica|l'incarico|la guida|la panchina)|conduzione tecnica|(?:e|sara) il nuovo|nominat[oa]\b|\bingaggio\b|guidera\b|traghettatore|ad interim|al suo posto|sara (?:il |l')(?:nuovo )?(?:allenatore|tecnico|direttore sportivo)",
            join=r"ha firmato|firmato (?:oggi|un|il)|\bfirma\b|si e legato|ha sottoscritto|sottoscritto un contratto|\bacquisit\w+|\bacquisto|ufficializzato l'arrivo|nuovo giocatore|approda|passa (?:al|alla|allo|all)\b|trasferimento|arriva (?:a|al|alla|in)\b|\bcessione (?:di|del|dell)|\bvendita (?:di|del|dell)|\bceduto (?:al|alla|allo|all)\b|accordo (?:con|per|di massima|totale)\b|intesa (?:con|per|di massima)\b|sara un (?:nuovo )?giocatore d",
            bid=r"\bofferta|trattativa (?:con|per)|in trattativa|contatti (?:con|per)",
            loan=r"\bprestito|titolo temporaneo",
            extend=r"\brinnov\w*|prolungat\w*|prolungamento del contratto|esteso il contratto",
            terminate=r"risoluzione (?:consensuale|del contratto)|(?<!clausola di )rescission\w*|risolto il contratto",
            dismiss=r"esonerat\w*|esoner\w*|sollevat\w*(?: \w+){0,3} dall'incarico|sollevare\b|silurat\w*|licenziat\w*|separa(?:rsi|zione) (?:da|dal|dalla|dall)\b",
            resign=r"dimission\w*|dimess\w*|lascia la panchina|lascia (?:l'incarico|il suo incarico|il ruolo)",
        ),
        roles=_trig(
            caretaker=r"ad interim|traghettatore|interim\w*",
            goalkeeping_coach=r"preparator\w* dei portieri|allenator\w* dei portieri",
            assistant_coach=r"vice[- ]?allenator\w*|allenatore in seconda|assistent\w*|collaborator\w* tecnic\w*",
            sporting_director=r"direttore sportivo|\bds\b|diesse|direttore dell'area tecnica",
            head_coach=r"allenator\w*|\btecnic\w*|\bmister\b|panchina|conduzione tecnica|guida tecnica",
            player=r"attaccante|centrocampista|difensore|portiere|calciatore|giocatore|esterno|terzino|\bpunta\b|regista|trequartista|centravanti|bomber|fantasista|mediano",
        ),
        rumour=_re(r"stessa fonte", r"\bofferta", r"accordo di massima", r"intesa di massima", r"secondo (?:indiscrezioni|quanto riferisce|quanto riporta|la stampa|alcune fonti|fonti|sky|il corriere|la gazzetta)", r"indiscrezion\w*", r"\bstarebbe", r"\bavrebbe", r"\bpotrebbe", r"\bsarebbe", r"\bvorrebbe", r"\bdovrebbe\w*", r"\bpotrebbero", r"\bsarebbero", r"trattativ\w*", r"in pole", r"sondaggio", r"vicinissim\w*", r"contatti", r"valutando", r"\bipotesi", r"obiettivo", r"piace a", r"si lavora", r"\bvuole\b", r"\bpunta\b", r"\bassalto\b", r"pronta l'offerta"),
        official=_re(r"ufficial\w*", r"\bcomunica", r"annuncia\w*", r"ha annunciato", r"rende noto", r"nota ufficiale", r"e ufficiale"),
        complete=_re(r"ha firmato", r"ha sottoscritto", r"e ufficiale", r"ufficialmente", r"ha annunciato", r"comunica di aver", r"firmato oggi"),
        background=_re(r"un anno (?:dopo|piu tardi)", r"(?:due|tre|quattro|cinque) anni (?:dopo|piu tardi)", r"\bprestiti\b", r"in passato", r"in carriera", r"la scorsa stagione", r"la scorsa estate", r"gia allenato", r"aveva allenato", r"ha allenato", r"squadre allenate", r"ultimo club guidato", r"ha iniziato la carriera", r"ha vinto", r"era (?:arrivato|stato|passato)", r"\baveva (?:firmato|allenato|guidato)", r"si racconta", r"\bracconta", r"\bricorda\b"),
        free=_re(r"costo zero", r"parametro zero", r"svincolat\w*", r"a zero\b"),
        mutual=_re(r"consensual\w*"),
        undisclosed=_re(r"cifre? non (?:resa|rese) not\w*", r"non sono state rese note", r"cifra non comunicata"),
        from_cue=_re(r"(?:scadenza del contratto|contratto) con (?:il|la|lo|l)\s*$", r"\b(?:dal|dalla|dallo|dall|da)\s*$"),
        to_cue=_re(r"\b(?:al|alla|allo|all|ai)\s*$"),
        prev_cue=_re(r"\bex (?:allenatore|tecnico|giocatore)? ?(?:del|della|dello|dell|di)?\s*$", r"\b(?:ex|gia)\s*$", r"esperienza (?:al|alla|allo|all|con)\s*$"),
        until=_re(r"fino (?:al|a|alla)\s*$", r"scadenza (?:nel|al|a)?\s*$"),
        today=_re(r"\boggi\b", r"in mattinata", r"stamattina", r"in serata", r"nelle ultime ore", r"poco fa"),
        yesterday=_re(r"\bieri\b"),
        months={m: i + 1 for i, m in enumerate(["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"])},
        weekdays={d: i for i, d in enumerate(["lunedi", "martedi", "mercoledi", "giovedi", "venerdi", "sabato", "domenica"])},
    ),
    "ru": Lexicon(
        triggers=_trig(
            succeed=r"смени\w*|замени\w*|преемник\w*|на смену",
            appoint=r"назнач\w*|возглав\w*|стал\w* (?:главным |новым )?(?:тренер|наставник)\w*|нов\w+ (?:главн\w+ )?тренер\w*|нов\w+ спортивн\w+ директор\w*|пост (?:главного тренера|спортивного директора)|занять пост|займет пост|им станет|станет (?:главным |новым )?(?:тренер|наставник)\w*|исполняющ\w+ обязанности",
            join=r"подписал\w*|подписани\w*|перешел|переход\w*|покупк\w*|приобрел\w*|приобретени\w*|присоединил\w*|стал игроком|пополнил\w*|трансфер\w*|в стан\b|продал\w*|продаж\w*|договорил\w*|договоренност\w*|соглашени\w*|станет игроком",
            bid=r"предложени\w*|переговор\w*",
            loan=r"аренд\w*",
            extend=r"продлил\w*|продлен\w*|продлени\w*|новое соглашение|новый контракт",
            terminate=r"расторг\w*|расторжени\w*",
            dismiss=r"отправ\w* в отставку|уволен\w*|уволил\w*|освобожд\w* от (?:должности|занимаемой)|освобод\w* от (?:должности|занимаемой)|отставк\w*|расста\w* с\b",
            resign=r"подал\w* в отставку|ушел в отставку|уити в отставку|уидет в отставку|уходит в отставку|заявлени\w* об отставке|покинул\w* пост|сложил\w* полномочия|заявлени\w+ об уходе",
        ),
        roles=_trig(
            caretaker=r"исполняющ\w+ обязанности|временн\w+ (?:главн\w+ )?тренер\w*|\bи\. ?о\.",
            goalkeeping_coach=r"тренер\w* вратарей",
            assistant_coach=r"помощник\w* (?:главного )?тренера|помощник\w*|ассистент\w*",
            sporting_director=r"спортивн\w+ директор\w*",
            head_coach=r"тренер\w*|наставник\w*|возглав\w*|рулев\w*",
            player=r"нападающ\w*|полузащитник\w*|защитник\w*|вратар\w*|футболист\w*|игрок\w*|форвард\w*|хавбек\w*|вингер\w*|легионер\w*",
        ),
        rumour=_re(r"якобы", r"тот же источник", r"по тем же данным", r"предложени\w*", r"близ\w* к", r"\bможет\b", r"\bмогут\b", r"вероятн\w*", r"по (?:информации|данным|сведениям|слухам)", r"\bсми\b", r"переговор\w*", r"интерес\w*", r"рассматрива\w*", r"претендент\w*", r"кандидат\w*", r"\bхочет\b", r"намерен\w*", r"источник\w*", r"слух\w*", r"\bзаймет\b", r"\bстанет\b", r"\bсможет\b"),
        official=_re(r"официальн\w*", r"объявил\w*", r"объявляет", r"сообщает", r"пресс-служб\w*", r"подтвердил\w*", r"\bсайте? клуба"),
        complete=_re(r"официально", r"объявил\w*", r"объявляет", r"подписал\w*"),
        background=_re(r"год спустя", r"(?:два|три|четыре|пять) года спустя", r"\bаренды\b", r"ранее (?:работал|возглавлял|тренировал|выступал)", r"в прошлом\b", r"карьер\w*", r"прошлым летом", r"в прошлом сезоне", r"когда-то", r"в свое время", r"заявил\w* о готовности", r"\bготов\w* возглавить", r"вспомина\w*", r"рассказал\w*"),
        free=_re(r"свободн\w+ агент\w*", r"бесплатно", r"истечени\w+ (?:срока )?контракта", r"без компенсации"),
        mutual=_re(r"обоюдн\w*", r"взаимн\w+ согласи\w*"),
        undisclosed=_re(r"не разглаша\w*", r"не раскрыва\w*", r"не сообща\w*"),
        from_cue=_re(r"контракт\w* с\s*[«\"]?\s*$", r"\b(?:из|у|от)\s*[«\"]?\s*$"),
        to_cue=_re(r"\b(?:в|во)\s*[«\"]?\s*$"),
        prev_cue=_re(r"бывш\w+ (?:\w+ ){0,3}[«\"]?\s*$", r"экс-\w+ (?:\w+ ){0,2}[«\"]?\s*$", r"ранее (?:работал|возглавлял|тренировал) (?:в\s*)?[«\"]?\s*$"),
        until=_re(r"\bдо\s*(?:конца\s*)?$"),
        today=_re(r"сегодня", r"в этот день"),
        yesterday=_re(r"\bвчера\b"),
        months={**{m: i + 1 for i, m in enumerate(["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"])},
                **{m: i + 1 for i, m in enumerate(["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"])}},
        weekdays={"понедельник": 0, "вторник": 1, "среду": 2, "среда": 2, "четверг": 3, "пятницу": 4, "пятница": 4, "субботу": 5, "суббота": 5, "воскресенье": 6},
    ),
    "en": Lexicon(
        triggers=_trig(
            succeed=r"succeed\w*|\breplac\w*|in place of|successor",
            appoint=r"\bappoint\w*|\bnamed\b|new (?:head coach|manager|sporting director|boss|coach)|join the club as|takes? charge|take over|as (?:the |their )?(?:new )?(?:head coach|manager)\b|interim|will be (?:the |their )?(?:new )?(?:head coach|manager)\b",
            join=r"\bsign\w*|\bjoin\w*|complet\w+ the (?:signing|transfer|move)|agreed a deal|\bmove to\b|has moved|transfer\b|\bdeal for\b|\bmove for\b|\bsale of\b|\bsold\b|\bsells\b|agreement (?:with|for|in principle)|agreed terms|reached an agreement|will become an? [\w ]{0,20}player",
            bid=r"\boffer for\b|\bbid for\b|made an? (?:\w+ )?(?:offer|bid)|submitted an? (?:\w+ )?(?:offer|bid)|\bin (?:advanced )?talks (?:with|over|for)|opened talks",
            loan=r"\bloan\w*\b",
            extend=r"\bextend\w*|extension|new (?:long-term |two-year |three-year )?(?:contract|deal)|renew\w*",
            terminate=r"terminat\w*|released from (?:his|her) contract|contract (?:was |has been )?cancell?ed",
            dismiss=r"\bsack\w*|dismiss\w*|\bfired\b|parted (?:company|ways)|relieved of (?:his |her )?duties",
            resign=r"resign\w*|stepped down|step down|\bquit\b|leave (?:his|her) (?:role|post|position)",
        ),
        roles=_trig(
            caretaker=r"caretaker|interim",
            goalkeeping_coach=r"goalkeep(?:ing|er) coach",
            assistant_coach=r"assistant (?:head )?(?:coach|manager)|\bassistant\b|first-team coach|right-hand man|number two",
            sporting_director=r"sporting director|director of football|technical director|head of recruitment",
            head_coach=r"head coach|\bmanager\b|\bcoach\b|\bboss\b",
            player=r"striker|midfielder|defender|goalkeeper|winger|forward|full-back|centre-back|\bplayer|playmaker|international",
        ),
        rumour=_re(r"the same source", r"\boffer\b", r"agreement in principle", r"according to (?:reports|sources|media)", r"\breports? (?:in|from)\b", r"closing in", r"in talks", r"advanced talks", r"\bapproach\w*", r"\bcould\b", r"\bwould\b", r"set to", r"poised", r"\blinked", r"\binterest\w*", r"\btarget\w*", r"close to", r"on the verge", r"\bbid\b", r"considering", r"frontrunner", r"favourite", r"expected to", r"understood to", r"in line to", r"\bkeen\b", r"\bwants?\b", r"\beyeing", r"\bplotting", r"\bmonitoring"),
        official=_re(r"official\w*", r"announce\w*", r"confirm\w*", r"delighted", r"pleased", r"statement"),
        complete=_re(r"has signed", r"have signed", r"has joined", r"have completed", r"\bcompleted\b", r"\bconfirmed\b", r"officially", r"is delighted", r"is pleased", r"can confirm", r"has been appointed", r"announced"),
        background=_re(r"a year later", r"(?:two|three|four|five) years later", r"\bloan spells?\b", r"\bloans (?:at|to|with)\b", r"last (?:summer|season)", r"previously", r"\bcareer\b", r"went on to", r"had (?:joined|signed|coached|managed)", r"\bin \d{4}\b(?! (?:season|campaign))", r"had been", r"taught me", r"looks back", r"recalls?"),
        free=_re(r"free transfer", r"free agent", r"on a free\b", r"out of contract", r"contract (?:had )?expired"),
        mutual=_re(r"mutual consent", r"mutually", r"mutual agreement"),
        undisclosed=_re(r"undisclosed"),
        from_cue=_re(r"contract (?:with|at)\s*$", r"\bfrom\s*(?:the\s*)?$", r"\bleave\w*\s*$", r"\bleft\s*$",
                     rf"\bfrom (?:the )?(?:[\w-]+ ){{0,3}}{_EN_SIDE}\s*$"),
        to_cue=_re(r"\b(?:to|for|joined|join|joins|at)\s*(?:the\s*)?$", rf"\b(?:to|joined|joins|join) (?:the )?(?:[\w-]+ ){{0,3}}{_EN_SIDE}\s*$"),
        prev_cue=_re(r"\bformer\s*(?:\w+ ){0,4}$", r"\bex-\s*$", r"\bpreviously (?:at|with)\s*$"),
        until=_re(r"\buntil\s*(?:the end of\s*)?$", r"\bthrough\s*$", r"\brunning to\s*$"),
        today=_re(r"\btoday\b", r"this (?:morning|afternoon|evening)"),
        yesterday=_re(r"\byesterday\b"),
        months={m: i + 1 for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"])},
        weekdays={d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])},
    ),
    "es": Lexicon(
        triggers=_trig(
            succeed=r"sustitu\w*|\brelevo|reemplaz\w*|sucesor",
            appoint=r"nuevo (?:entrenador|tecnico|director deportivo|mister|inquilino del banquillo)|nombramiento|nombrad\w*|dirigir al|dirigira|el elegido|asumir\w* (?:el cargo|las riendas|el mando)|interino|sera (?:el )?(?:nuevo )?(?:entrenador|director deportivo)",
            join=r"\bfichaje|\bfichad\w*|\bfichar\w*|\bfirm[aeo]\w*|incorporaci\w*|\bllegada|refuerzo|traspaso|se une\b|nuevo jugador|contratacion|acuerdo (?:con|para)|\bventa de\b|\bvende\b|\bvendid[oa]\b|sera jugador del?\b",
            bid=r"\boferta\b|negocia\w* (?:con|por)|negociaciones (?:con|por)",
            loan=r"\bcesion|\bcedid\w*|prestamo",
            extend=r"renovaci\w*|\brenueva\w*|renovado|amplia\w* (?:su )?contrato|ampliaci\w*|prolonga\w*",
            terminate=r"(?<!clausula de )rescisi\w*|rescind\w*|salida pactada|resolucion del contrato|deja de ser (?:el )?(?:entrenador|tecnico|jugador)",
            dismiss=r"destitu\w*|\bcesad\w*|\bcese\b|\bdespid\w*|separarse de|prescind\w* de",
            resign=r"dimisi\w*|dimiti\w*|renuncia\w*",
        ),
        roles=_trig(
            caretaker=r"interino|interinamente|de forma interina",
            goalkeeping_coach=r"entrenador\w* de porteros|preparador\w* de porteros",
            assistant_coach=r"segundo entrenador|entrenador asistente|\bayudante\w*|\basistente\w*|mano derecha",
            sporting_director=r"director deportivo|secretario tecnico",
            head_coach=r"entrenador|\btecnico|\bmister\b|banquillo|preparador",
            player=r"delantero|centrocampista|mediocampista|\bdefensa\b|defensor|portero|futbolista|jugador|extremo|lateral|mediapunta|atacante|volante|pivote|central\b|internacional",
        ),
        rumour=_re(r"\bhabria\w*", r"\bdeberia\w*", r"\bserian?\b", r"\btendrian\b", r"\bpodrian\b", r"\bestarian\b", r"misma fuente", r"\boferta\b", r"segun (?:informa|informan|fuentes|medios|la prensa|el diario|apunta)", r"informa la prensa", r"fuentes cercanas", r"\bnegoci\w*", r"tendria", r"podria", r"estaria", r"\binteres\w*", r"\bsondea", r"el elegido", r"\bsuena", r"candidat\w*", r"principio de acuerdo", r"objetivo", r"descartada", r"\bopcion", r"ha podido saber", r"\bestudia\b", r"\bsopesa", r"\bbaraja", r"\bquiere\b", r"\bpretende\b"),
        official=_re(r"oficial\w*", r"\banunci\w*", r"comunica\w*", r"confirm\w*", r"hizo oficial", r"han alcanzado un acuerdo", r"ha llegado a un acuerdo"),
        complete=_re(r"ha firmado", r"\bfirma (?:por|hasta)", r"hizo oficial", r"oficialmente", r"ya ha firmado", r"ha llegado a un acuerdo", r"han alcanzado un acuerdo", r"han acordado"),
        background=_re(r"un ano (?:despues|mas tarde)", r"(?:dos|tres|cuatro|cinco) anos (?:despues|mas tarde)", r"\bcesiones\b", r"la pasada temporada", r"el pasado verano", r"anteriormente", r"trayectoria", r"\bcarrera\b", r"ya entreno", r"entreno al", r"dirigio al", r"habia (?:fichado|firmado|dirigido)", r"recuerda"),
        free=_re(r"\blibre\b", r"agente libre", r"coste cero", r"sin coste", r"\bgratis", r"a coste cero"),
        mutual=_re(r"mutuo acuerdo", r"comun acuerdo", r"pactad\w*"),
        undisclosed=_re(r"no (?:han )?trascendid\w*", r"no se han hecho publicas", r"cantidad no revelada", r"no desvelad\w*", r"cifras? no (?:revelada|desvelada)"),
        from_cue=_re(r"(?:renovar|contrato) con el\s*$", r"procedente (?:del|de)\s*$", r"\bdeja (?:el|al|a)\s*$", r"\bdesde el\s*$", r"cedido por el\s*$", r"\bdel?\s*$(?<=procedente del)"),
        to_cue=_re(r"\b(?:al|a)\s*$", r"\bpor el\s*$", r"\bcon el\s*$"),
        prev_cue=_re(r"\bex (?:entrenador|tecnico|jugador)? ?(?:del|de)?\s*$", r"\bantiguo \w+ (?:del|de)\s*$"),
        until=_re(r"\bhasta (?:el\s*)?(?:final de\s*)?(?:junio de\s*)?$"),
        today=_re(r"\bhoy\b", r"esta (?:manana|tarde|noche)"),
        yesterday=_re(r"\bayer\b"),
        months={m: i + 1 for i, m in enumerate(["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"])},
        weekdays={d: i for i, d in enumerate(["lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo"])},
    ),
    "de": Lexicon(
        triggers=_trig(
            succeed=r"nachfolge\w*|\bersetzt|beerbt",
            appoint=r"neue[rn]? (?:chef)?trainer|neue[rn]? (?:sportdirektor|sportvorstand|sportchef)|\bubernimmt|wird (?:neuer|cheftrainer|trainer)|traineramt|interimsweise|\bbetreuen|ernannt|installiert|vorgestellt|verpflichtung (?:von|des) (?:trainer|cheftrainer)|trainersuche",
            join=r"\bwechselt|\bwechsel\b|verpflichtet\w*|verpflichtung|unterschreibt|unterschrieben|unterzeichnet|kommt (?:von|vom|aus)|schlie(?:ß|ss)t sich|zugang|neuzugang|\bholt\b|transfer\b|\bverkauf\w*|\bverkauft\b|\babgegeben\b|einigung|\beinig\b|geeinigt|wird spieler (?:des|von|beim)",
            bid=r"\bangebot\b|verhandl\w* mit|gesprache mit",
            loan=r"\bleih\w*|ausgeliehen|auf leihbasis|verliehen",
            extend=r"verlanger\w*|vertragsverlangerung",
            terminate=r"aufgelost|aufhebung\w*",
            dismiss=r"entlass\w*|entlassen|getrennt|trennung|freigestellt|beurlaubt|rauswurf|gefeuert",
            resign=r"zurucktreten|zuruckgetreten|rucktritt|tritt \w* ?zuruck|legt sein amt nieder",
        ),
        roles=_trig(
            caretaker=r"interim\w*|\bvorerst\b|bis auf weiteres|ubergangs\w*",
            goalkeeping_coach=r"torwarttrainer\w*",
            assistant_coach=r"co-trainer\w*|assistenztrainer\w*|\bassistent\w*",
            sporting_director=r"sportdirektor\w*|sportvorstand|sportchef|sportgeschaftsfuhrer",
            head_coach=r"(?:chef)?trainer\w*|\bcoach\w*|ubungsleiter|traineramt",
            player=r"sturmer|mittelfeldspieler|verteidiger|torhuter|torwart|flugelspieler|\bspieler|angreifer|offensivspieler|abwehrspieler|\bprofi\b|nationalspieler|kapitan",
        ),
        rumour=_re(r"derselben quelle", r"gleichen quelle", r"\bangebot\b", r"grundsatzlich\w* einig\w*", r"\bsoll(?:en)?\b[^.]*\b(?:sein|haben|gewesen)\b", r"\bbericht\b", r"laut (?:medienberichten|berichten|informationen|bild|kicker|sky)", r"medienberichten", r"berichten zufolge", r"nach (?:informationen|ubereinstimmenden)", r"\bkonnte\b", r"\bware\b", r"favorit", r"kurz vor", r"steht vor", r"gesprache", r"verhandl\w*", r"\binteresse\b", r"kandidat\w*", r"im gesprach", r"offenbar", r"angeblich", r"\bwill\b", r"erwag\w*"),
        official=_re(r"offiziell\w*", r"gab bekannt", r"bekannt gegeben", r"teilte (?:\w+ )?mit", r"teilt (?:\w+ )?mit", r"bestatigt\w*", r"verkundet", r"mitteilung"),
        complete=_re(r"offiziell", r"unterschreibt", r"unterschrieben", r"hat (?:\w+ ){0,6}verlangert", r"ist neuer", r"wird neuer", r"hat sich von", r"ist beendet"),
        background=_re(r"ein jahr spater", r"vor einem jahr", r"(?:zwei|drei|vier|funf) jahre spater", r"\bleihen\b", r"leihstationen", r"in der vergangenen saison", r"im vergangenen sommer", r"\bzuvor\b", r"\bfruher\b", r"karriere", r"\bdamals\b", r"\bhatte (?:\w+ ){0,4}(?:gewechselt|unterschrieben)", r"erinnert sich"),
        free=_re(r"ablosefrei\w*", r"vertragslos", r"auslaufend\w* vertrag", r"ohne ablose"),
        mutual=_re(r"einvernehm\w*", r"gegenseitigen"),
        undisclosed=_re(r"stillschweigen", r"keine angaben", r"uber die (?:ablose|modalitaten|details)"),
        from_cue=_re(r"vertrag (?:bei|mit) (?:dem\s*)?$", r"\b(?:von|vom|aus)\s*(?:dem\s*)?$"),
        to_cue=_re(r"\b(?:zum|zur|nach|beim|bei|zu)\s*(?:dem\s*)?$"),
        prev_cue=_re(r"zuletzt (?:beim|bei)\s*$", r"\bex-?\s*$", r"ehemalige[rn]?\s*(?:\w+\s*){0,2}$"),
        until=_re(r"\bbis (?:ende\s*|zum\s*)?$"),
        today=_re(r"\bheute\b"),
        yesterday=_re(r"\bgestern\b"),
        months={m: i + 1 for i, m in enumerate(["januar", "februar", "marz", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "dezember"])},
        weekdays={d: i for i, d in enumerate(["montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"])},
    ),
    "fr": Lexicon(
        triggers=_trig(
            succeed=r"\bsuccede\w*|succession|remplac\w*|successeur",
            appoint=r"nouvel entraineur|nouveau (?:coach|directeur sportif|manager|technicien)|nomination|\bnomme\w*|au poste d'entraineur|interim|prendre la tete|arrivee de \w+(?: \w+)? au poste|sera (?:le )?(?:nouvel |nouveau )?(?:entraineur|directeur sportif)",
            join=r"\bpiste\b|\bsigne\w*|\bsignature|s'engage|s'est engage|rejoint|rejoindre|\brecrue|transfert|\barrivee|debarque|officialise|\bvente de\b|\bvendu\b|\bcede\b a|accord (?:de principe|avec|pour|total)\b|trouve un accord|sera joueur d",
            bid=r"\boffre\b|negoci\w* avec|en discussions? avec",
            loan=r"\bpret\b|\bprete\w*",
            extend=r"\bprolong\w*|renouvel\w*|nouveau contrat",
            terminate=r"resili\w*|rupture (?:de|du) contrat|a l'amiable",
            dismiss=r"limog\w*|licenci\w*|\bremercie|demis de ses fonctions|mis fin aux fonctions|mettre fin aux fonctions|evince|congedie|se separer d|separe d'|separation avec",
            resign=r"demission\w*|quitte ses fonctions",
        ),
        roles=_trig(
            caretaker=r"interim\w*|interimaire",
            goalkeeping_coach=r"entraineur\w* des gardiens",
            assistant_coach=r"entraineur\w* adjoint\w*|\badjoint\w*|\bassistant\w*|bras droit",
            sporting_director=r"directeur sportif|conseiller sportif",
            head_coach=r"entraineur|\bcoach\b|technicien|\bmanager\b|sur le banc",
            player=r"attaquant|\bmilieu\b|defenseur|gardien|joueur|ailier|avant-centre|buteur|international",
        ),
        rumour=_re(r"\baurai(?:t|ent)\b", r"\bdevrai(?:t|ent)\b", r"\bseraient\b", r"\bpourraient\b", r"meme source", r"accord de principe", r"selon (?:nos informations|la presse|plusieurs medias|l'equipe|rmc|les informations|le journal)", r"pourrai\w*", r"\bserai\w*", r"envisag\w*", r"\bpiste\b", r"priorite", r"\bcible", r"negoci\w*", r"discussions", r"interess\w*", r"menace\w*", r"en passe de", r"proche de", r"favori", r"\boffre\b", r"courtise", r"souhait\w*", r"\bveut\b", r"\bvoudrai\w*"),
        official=_re(r"officiel\w*", r"annonce\w*", r"\bcommunique", r"confirme\w*", r"officialise\w*", r"est heureux d'annoncer"),
        complete=_re(r"c'est officiel", r"a signe", r"officialise", r"est heureux d'annoncer", r"annonce avoir"),
        background=_re(r"un an plus tard", r"(?:deux|trois|quatre|cinq) ans plus tard", r"\bprets\b", r"la saison derniere", r"l'ete dernier", r"auparavant", r"\bcarriere\b", r"passe par", r"\bavait (?:rejoint|signe)", r"ne garde", r"se souvient"),
        free=_re(r"\blibre\b", r"librement", r"gratuitement", r"sans indemnite", r"en fin de contrat", r"libre de tout contrat"),
        mutual=_re(r"commun accord", r"a l'amiable"),
        undisclosed=_re(r"montant (?:non divulgue|non communique|tenu secret)", r"non divulgue"),
        from_cue=_re(r"(?:fin de contrat|contrat) avec (?:le|la|l)\s*$", r"en provenance (?:de|du)\s*(?:l'\s*)?$", r"\bquitte\s*(?:le|la|l')?\s*$"),
        to_cue=_re(r"\b(?:a|au|rejoint|rejoindre)\s*(?:le|la|l')?\s*$"),
        prev_cue=_re(r"\bancien (?:\w+ ){0,3}(?:de|du|d')\s*(?:la |l')?$", r"\bex-\s*$"),
        until=_re(r"jusqu'(?:en|au|a la fin de|a)\s*$"),
        today=_re(r"aujourd'hui", r"ce (?:matin|soir)"),
        yesterday=_re(r"\bhier\b"),
        months={m: i + 1 for i, m in enumerate(["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre", "decembre"])},
        weekdays={d: i for i, d in enumerate(["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"])},
    ),
    "pt": Lexicon(
        triggers=_trig(
            succeed=r"substitui\w*|suceder|sucessor|\bsucede\b",
            appoint=r"novo (?:treinador|tecnico|diretor desportivo|diretor esportivo|mister)|assumir\w* (?:funcoes|o cargo|o comando)|\bassumira|nomea\w*|comando tecnico|\borientar|interino|sera o (?:novo )?(?:treinador|tecnico|diretor)",
            join=r"\bassin\w*|reforco|contratad\w*|contratacao|transferencia|\bchega ao|ingress\w*|novo jogador|\bcedido\b|\bvenda d[oea]\b|\bvendid[oa]\b|\bvendeu\b|acordo (?:com|de principio|para)\b|principio de (?:acordo|entendimento)|entendimento com|sera jogador d",
            bid=r"\bproposta\b|negocia\w* com|negociacoes (?:avancadas )?com|conversas com",
            loan=r"emprestimo|\bcedid\w*|cedencia",
            extend=r"\brenov\w*|prolong\w*|extensao|novo contrato",
            terminate=r"(?<!clausula de )rescis\w*|rescindi\w*|por termo|revogacao|deixa de ser (?:o )?(?:treinador|tecnico|jogador)",
            dismiss=r"despedi\w*|demitid\w*|demissao|despedimento|exonerad\w*|afastad\w*|chicotada|separar-se d|separacao d",
            resign=r"demitiu-se|pedi\w* (?:a |sua )?demissao|pedido de demissao|bateu com a porta",
        ),
        roles=_trig(
            caretaker=r"interin\w*",
            goalkeeping_coach=r"treinador\w* de (?:goleiros|guarda-redes)|preparador\w* de (?:goleiros|guarda-redes)",
            assistant_coach=r"\bauxiliar\w*|treinador\w* adjunto|\badjunto\w*|\bassistente\w*|braco direito",
            sporting_director=r"diretor desportivo|diretor esportivo|director desportivo",
            head_coach=r"treinador\w*|\btecnico|\bmister\b|comando tecnico",
            player=r"avancado|\bmedio\b|\bdefesa\b|guarda-redes|goleiro|jogador|extremo|lateral|ponta de lanca|atacante|futebolista|internacional",
        ),
        rumour=_re(r"\bteria\w*", r"\bdeveria\w*", r"\bseria\b", r"\bseriam\b", r"\bestariam\b", r"\bpoderiam\b", r"mesma fonte", r"mesmas fontes", r"principio de (?:acordo|entendimento)", r"segundo (?:apurou|o jornal|a imprensa|noticia|informa)", r"\bapurou", r"podera", r"poderia", r"estara\b", r"estaria", r"negoci\w*", r"interess\w*", r"disposto a", r"prepara-se", r"nome escolhido", r"sondag\w*", r"\balvo\b", r"na calha", r"na mira", r"proposta", r"perto de", r"segundo (?:as )?(?:mesmas )?fontes", r"\bquer\b", r"\bpretende\b", r"\bavanca\b"),
        official=_re(r"oficial\w*", r"\banunci\w*", r"informa que", r"comunicado", r"confirm\w*", r"e oficial"),
        complete=_re(r"e oficial", r"\bassinou", r"oficializ\w*", r"\banunciou", r"informa que"),
        background=_re(r"um ano (?:depois|mais tarde)", r"(?:dois|tres|quatro|cinco) anos (?:depois|mais tarde)", r"\bemprestimos\b", r"passou por", r"na epoca passada", r"no verao passado", r"anteriormente", r"\bcarreira\b", r"passou pelo", r"ja treinou", r"\brecorda\b", r"\bhavia (?:assinado|treinado)", r"depois de deixar"),
        free=_re(r"\blivre\b", r"custo zero", r"sem custos", r"fim de contrato", r"a titulo gratuito"),
        mutual=_re(r"mutuo acordo", r"comum acordo"),
        undisclosed=_re(r"valor nao revelado", r"nao foram revelad\w*", r"verba nao divulgada", r"valores nao divulgados"),
        from_cue=_re(r"contrato com o\s*$", r"\bcedido pel[oa]\s*$", r"\bdeixa (?:o|a)\s*$", r"\bproveniente d[oa]\s*$", r"\bdeixar o\s*$"),
        to_cue=_re(r"\b(?:ao|a|para o|para a|no|pelo)\s*$"),
        prev_cue=_re(r"\bex-\s*$", r"\bantigo \w+ d[oa]\s*$"),
        until=_re(r"\bate (?:ao\s*)?(?:final de\s*)?$"),
        today=_re(r"\bhoje\b"),
        yesterday=_re(r"\bontem\b"),
        months={m: i + 1 for i, m in enumerate(["janeiro", "fevereiro", "marco", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"])},
        weekdays={"segunda-feira": 0, "terca-feira": 1, "quarta-feira": 2, "quinta-feira": 3, "sexta-feira": 4, "sabado": 5, "domingo": 6},
    ),
}

#: phrases that contain a trigger word but announce nothing: options, release clauses,
#: renewals that did not happen
NOT_TRIGGER = re.compile("|".join([
    r"opzione (?:di|per) (?:un )?(?:rinnovo|prolungamento)", r"(?:rinnovo|prolungamento) automatico",
    # the squad's renewal, not a contract's
    r"(?:profunda|gran) renovacion", r"renovacion (?:de|en) (?:la )?plantilla", r"rinnovamento", r"renovacao do plantel",
    r"renouvellement (?:de l'effectif|du groupe)", r"squad (?:overhaul|rebuild)",
    r"clausola rescissoria", r"non (?:ha )?rinnova\w*", r"с опцией продления", r"опци\w+ продлени\w*",
    r"не продлил\w*", r"option (?:to|of|for) (?:extend\w*|a further)", r"release clause", r"not (?:to )?renew\w*",
    r"opcion de (?:renovacion|ampliacion)", r"clausula de rescisi\w*", r"no renovar", r"verlangerungsoption",
    r"nicht verlanger\w*", r"option de prolongation", r"ne pas prolonger", r"opcao de (?:renovacao|prolongamento)",
    r"clausula de rescisao", r"nao renov\w*", r"возможност\w+ продлени\w*", r"possibilita di (?:rinnovo|prolungamento)",
    r"posibilidad de (?:renovacion|ampliacion|prolongacion)", r"possibilite de prolongation",
    r"possibilidade de (?:renovacao|prolongamento)", r"moglichkeit (?:zur|einer) verlangerung",
    r"dismiss\w* (?:the )?(?:speculation|rumou?rs?|reports?|talk|claims|suggestions)",
    # "according to" ("de acordo com as mesmas fontes"), "to agree with someone"
    r"(?<!principio )de acordo com", r"(?<!principio )de acuerdo con", r"d'accordo con", r"d'accord avec",
    # a share of a future sale, a sell-on or solidarity payment: not this move
    r"percentagem (?:do valor )?d[ae] (?:uma )?(?:futura )?(?:venda|transferencia)", r"futura (?:venda|transferencia|venta|cessione|vendita)",
    r"sell-on", r"future (?:sale|transfer)", r"mecanismo de solidariedade", r"mecanismo de solidaridad",
    r"weiterverkauf", r"revente", r"\bfutur transfert",
    # agreements not reached
    r"no (?:ha|han) (?:llegado|alcanzado) (?:a )?un acuerdo(?: de \w+)?", r"non (?:ha|hanno) (?:ancora )?trovato (?:l'|un )?accordo",
    r"(?:has|have) not (?:yet )?agreed", r"keine einigung", r"pas (?:encore )?trouve d'accord", r"nao (?:chegou|chegaram) a (?:um )?acordo",
    r"не договорил\w*",
    # a farewell is no dismissal ("se despide de la afición")
    r"se despid\w* de", r"\bdespedid\w* de la aficion",
    # a change of club wished for, not done («хочет сменить клуб»), a match-table move
    r"смени\w* (?:клуб|команду|прописку)", r"move (?:up )?to \d+ points", r"'s replacement",
    # a designated player (MLS) is no appointment
    r"назначенн\w+ игрок\w*", r"designated players?",
]))
#: a sentence that denies a move ("has dismissed speculation", "ha smentito", «опроверг»,
#: "eine klare Absage erteilt"): none of its trigger words is an event
DENIED = re.compile(
    r"\bsmenti\w*|\bsmentisce|\bsmentita|опроверг\w*|\bdesminti\w*|\bdesmiente|\ba dementi|\bdement\w*"
    r"|\bdesmentiu|\bdesmente|\babsage erteilt|\berteilt\w* (?:\w+ ){0,3}absage|\bdementiert"
    r"|\bdenied\b|\bdenies\b|\bruled out\b|\brules out\b|\bdismiss\w* (?:the )?(?:speculation|rumou?rs?|reports?|talk)")
#: "no longer the coach" and the like: the appointment words are negated
NEGATED = re.compile(r"non e piu|no longer|больше не|ya no es|nicht mehr|n'est plus|ja nao e")
#: before a name: the name is an agent ("chosen by X"), not the subject
AGENT = re.compile(r"(?:\bpor|\bby|\bpar|\bpel[oa]|\bda parte di)\s*$")
#: before a name: the name belongs to something else ("la priorité de John Textor")
POSSESSIVE = re.compile(r"(?:\bde|\bdi|\bvon|\bof|\bdo|\bda|\bdel|\bdu|\bpor|\bby|\bpar)\s*$")
#: "the new coach" with nobody named: an announcement still to come
NEW_POST = re.compile(r"\b(?:nuov[oa]|new|nouvel|nouveau|novo|neue[rn]?|nuevo|нов\w+) (?:allenatore|tecnico|head coach|manager|coach|entraineur|treinador|tecnico|trainer|cheftrainer|entrenador|тренер\w*|главн\w+ тренер\w*)|successor|successeur|sucessor|sucesor|nachfolger")

#: words that open a sentence or a clause in capitals but never a name
TITLES = {"mister", "sig", "signor", "herr", "mr", "dr", "don", "dott", "sr", "senor", "monsieur", "m", "coach", "prof"}
