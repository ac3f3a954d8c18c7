"""Vocabularies of news-site boilerplate in it, ru, en, es, de, fr and pt.

Kept apart from the rules in :mod:`crawler.extraction.cleaning` so that adding a
language or an outlet's phrasing is a data change. Every pattern is anchored or guarded
by the rule that uses it (line length, position); none of them is applied to prose
blindly.
"""
from __future__ import annotations

import re

_I = re.IGNORECASE

#: WordPress / page-builder shortcodes. ``[textmarker …]X[/textmarker]`` keeps X because
#: only the tags match. Opening tags count when they carry attributes or a builder
#: prefix, so editorial brackets such as "[sic]" or "[the club]" are left alone.
SHORTCODE = re.compile(
    r"\[/[a-z][\w-]*\]"
    r"|\[(?:vc|et_pb|su|tie|fusion|av|intense|td|mk|tm|gdlr|cs|ux|x)_[\w-]*(?:\s[^\]\n]*)?\]"
    r"|\[(?:textmarker|caption|embed|gallery|dropcap|highlight|button|video|audio|playlist|quote|tweet|"
    r"instagram|youtube|ad|ads|adsense|adinserter|related|toc|box|alert|spoiler|accordion|tabs?|column|row)"
    r"(?:\s[^\]\n]*)?\]"
    r"|\[[a-z][\w-]*\s+[\w-]+\s*=\s*[^\]\n]*\]",
)

#: lines that are nothing but a label: ad markers, share widgets, print buttons
LABELS = frozenset(
    label.strip() for label in """
    anzeige|advertisement|advertising|ad|ads|sponsored|sponsorizzato|publicidad|publicité|pubblicità|publicidade
    |реклама|werbung|annonce|partner content|contenuto sponsorizzato
    |share|share this|share this article|share on|condividi|condividi su|condividi l'articolo|compartir
    |comparte|comparte esta noticia|compartilhe|compartilhar|partilhe|partilhe esta notícia|partager|partagez
    |partager cet article|teilen|artikel teilen|поделиться|facebook|x|twitter|whatsapp|telegram|вконтакте
    |одноклассники|linkedin|pinterest|email|e-mail|print|stampa|imprimir|drucken|imprimer|copy link|copia link
    |acquista ora|buy now|compra ora|jetzt kaufen|acheter|comprar agora|listen to this article
    |ascolta l'articolo|ascolta questo articolo|слушать|tags|tag|argomenti|themen|temas|теги|sujets
    |advertentie|read more|leggi di più|continua a leggere|weiterlesen|lire la suite|leer más|leia mais
    """.replace("\n", "").split("|")
    if label.strip()
)

_NETWORKS = (
    r"facebook|x|twitter|whatsapp|telegram|вконтакте|vk|одноклассники|linkedin|pinterest|reddit|email|e-mail"
    r"|threads|instagram|tiktok|flipboard|messenger|bluesky|youtube|дзен"
)
SOCIAL_ONLY = re.compile(
    r"(?:(?:share this article|share this|share|condividi|comparte esta noticia|comparte|compartilhe|compartir"
    r"|partilhe esta notícia|partilhe|поделиться|partager|partagez|teilen)\s*:?\s*)?"
    r"(?:(?:" + _NETWORKS + r")[\s,|·/•]*){1,12}",
    _I,
)

_READ_ALSO_MARKERS = (
    r"leggi anche|leggi pure|leggi ancora|potrebbe interessarti|ti potrebbe interessare|articoli correlati"
    r"|notizie correlate|correlati|approfondisci|read more|read also|also read|see also|related articles?"
    r"|related stories|related news|more on this story|you may also like|also on|more from|related(?=\s*:)"
    r"|see more(?=\s*:)"
    r"|читайте также|читайте еще|читайте ещё|смотрите также|по теме|ещё по теме|еще по теме|рекомендуем"
    r"|lee también|lea también|lee además|te puede interesar|puede interesarte|también te puede interesar"
    r"|ver también|noticias relacionadas|relacionad[oa]s|mehr zum thema|lesen sie auch|lesen sie mehr"
    r"|auch interessant|das könnte sie auch interessieren|weitere artikel|lire aussi|à lire aussi|a lire aussi"
    r"|à lire également|voir aussi|sur le même sujet|dans la même rubrique|leia também|leia mais|veja também"
    r"|saiba mais|notícias relacionadas|relacionadas"
)
#: a line opening with a "read also" marker (with or without the headline after it)
READ_ALSO = re.compile(r"(?:[>»▶►•(]\s*)?(?:" + _READ_ALSO_MARKERS + r")(?:\s*[:：\-–—»|]|\s+(?=\S)|$)", _I)
_BOX_HEADINGS = (
    r"|most read|most popular|trending|top stories|più letti|i più letti|più lette|lo más leído|más leídas"
    r"|meistgelesen|meistgelesene artikel|les plus lus|les plus lues|mais lidas|mais lidos|главное за день"
    r"|главное|самое читаемое|популярное|ultime notizie|latest news|últimas noticias|neueste artikel|dernières infos"
    r"|últimas notícias|последние новости"
)
#: a heading that opens a box of related headlines
RELATED_HEADING = re.compile(r"(?:[>»▶►•]\s*)?(?:" + _READ_ALSO_MARKERS + _BOX_HEADINGS + r")", _I)

#: one-line page furniture: tags, comment counts, reading time, sponsor credits
FURNITURE = re.compile(
    r"(?:tags?|temas?|argomenti|tag correlati|mots-clés|mots clés|themen|schlagworte|schlagwörter|теги|тэги"
    r"|palavras-chave|assuntos|etiquetas|topics|keywords)\s*:\s*\S.*"
    r"|\d+\s+(?:comments?|commenti|comentarios|comentários|kommentare|commentaires|комментари\w*)"
    r"|(?:comments?|kommentare|commenti|comentarios|comentários|commentaires|комментарии)\s*[(:]?\s*\d+\s*\)?"
    r"|(?:reading time|read time|tempo di lettura|tiempo de lectura|lesezeit|lesedauer|lecture|temps de lecture"
    r"|tempo de leitura|время чтения|читать)\s*:?\s*(?:ca\.\s*)?\d+\s*(?:min\w*|минут\w*|мин\.?)"
    r"|\d+\s*(?:min(?:ute)?s?|минут\w*|мин\.?)\s+(?:read|de lectura|di lettura|lesezeit|de lecture|de leitura"
    r"|чтения|на чтение)"
    r"|(?:in partnership with|in collaborazione con|en colaboración con|präsentiert von|presented by|sponsored by"
    r"|powered by|en partenariat avec|em parceria com|при поддержке|with the support of|con il supporto di)\b.*",
    _I,
)

PROMPT = re.compile(
    r"^(?:iscriviti|registrati|sign up|subscribe|abbonati|suscríbete|suscribete|abonnez-vous|abonniere|abonnieren"
    r"|assine|inscreva-se|подпишитесь|подписывайтесь|fai clic per condividere|click to share|partagez cet article"
    r"|partagez|share this article|teilen sie|compartilhe|compártelo|comparte en)"
    r"|^(?:segui(?:ci|teci)?|seguite|follow(?: us)?|síguenos|sigue(?:nos)?|folgt uns|folgen sie|suivez(?:-nous)?"
    r"|siga|sigam|следите|подписывайтесь|join us)\b.{0,120}(?:\b(?:" + _NETWORKS + r"|канал\w*|google news|newsletter)\b"
    r"|https?://)"
    r"|^.{0,60}\b(?:newsletter|boletín|bolet[ií]n|рассылк\w*|infolettre)\b.{0,80}\b(?:iscriv\w*|sign\s*up|subscri\w*"
    r"|suscr\w*|abonn\w*|assin\w*|inscrev\w*|подпиш\w*|recevoir|receive|ricevi|receba|recibe|erhalten)\b"
    r"|^.{0,80}\b(?:iscriv\w*|sign\s*up|subscri\w*|suscr\w*|abonn\w*|assin\w*|inscrev\w*|подпиш\w*)\b.{0,80}"
    r"\b(?:newsletters?|boletín|рассылк\w*|infolettre)\b"
    # contact and follow lines under a byline
    r"|^(?:email|e-mail|reach|contact|follow)\b.{0,120}(?:@\w|\btwitter\b|\bfacebook\b)|\b(?:can|may) be reached at\b"
    # affiliate disclosures, legal notices, comment moderation
    r"|\b(?:may|might) (?:get|earn|receive) a (?:share|commission)\b|\baffiliate (?:link|commission)s?\b"
    r"|^this copy is for your personal|^all rights reserved|\bthis material may not be published\b"
    r"|^(?:©|copyright\s+(?:©\s*)?\d{4})"
    r"|(?:comment\w*|comentári\w*|comentari\w*|comment[io]\w*|kommentar\w*|комментари\w*).{0,100}"
    r"(?:moderat\w*|aprovad\w*|approv\w*|regolament\w*|richtlinien|règles|правил\w*)"
    r"|^(?:if you enjoyed this|get access to|start your day with|don['’]t miss\b|never miss\b)"
    # app downloads and messaging channels
    r"|\b(?:download|scarica|descarga|descargue|baixe|télécharge\w*|lade|laden sie|скачай\w*|скачивайте|installa)\b"
    r".{0,80}\b(?:app|apps|application|aplicación|aplicativo|applicazione|приложени\w*)\b"
    r"|\b(?:únete|unete|unisciti|join|rejoignez|entre|tritt|присоединяйтесь|подписывайтесь)\b.{0,60}"
    r"\b(?:canal|canale|channel|kanal|chaîne|канал\w*|comunidad|community|grupo)\b",
    _I,
)
CONSENT = re.compile(
    r"(?:cookie|consent|consenso|einwilligung|consentimiento|consentement|consentimento|согласи)"
    r".{0,120}(?:accett|accept|akzept|acept|aceit|принять|примите|attiva|enable|abilita|aktivier|autoris)"
    r"|(?:accett|accept|akzept|acept|aceit|принять|attiva|enable|abilita|aktivier).{0,120}"
    r"(?:cookie|consent|consenso|einwilligung|consentimiento|consentement|consentimento)",
    _I,
)
CREDIT = re.compile(
    r"(?:^|[(\[|–—]\s*|[.!?»”]\s+)(?:foto|photo|photograph|photo credit|image credit|picture credit|immagine"
    r"|imagem|bild|фото|crédit photo|crédit|credit|crédito|créditos|crédits|copyright|ph)\s*:\s*\S"
    r"|^(?:fonte|fontes|source|sources|quelle|quellen|fuente|источник|font|via)\s*:\s*\S"
    r"|^\(?(?:additional |with )?(?:reporting|writing|editing|compiled|research) by\b"
    r"|\bcontributed (?:to )?(?:this )?(?:report|story|article)\b"
    r"|^©\s*\S|\((?:foto|photo|фото|bild|image|imagen|imagem|immagine)\b[^)]*\)\s*$"
    r"|\s©\s*[^\s©][^©.!?]{0,80}$",
    _I,
)
#: ticket / shop promotion: an object and a call to action in one short line
#: (two linear searches: one regex with two ``.*`` look-aheads is quadratic)
PROMO_OBJECT = re.compile(
    r"\b(?:tickets?|season tickets?|biglietti|biglietto|abbonament\w+|biglietteria|entradas|billets?|billetterie"
    r"|ingressos|sócio-torcedor|abonos?|абонемент\w*|билет\w*|trikot\w*|maglia ufficiale|camiseta oficial)\b",
    _I,
)
#: imperative calls to action only: "tickets go on sale Friday" is news, "sichern Sie
#: sich jetzt Tickets" is an advert
PROMO_ACTION = re.compile(
    r"\b(?:sichern|compra|compra ya|acquista\w*|garanta|achetez|réservez|prenota\w*|jetzt|seja|torne-se"
    r"|secure your|buy now|book now|get your|ordina|покупайте|уже в продаже)\b|^billetterie\s*:",
    _I,
)


#: a subscription pitch names a price ("12 issues for £11.99", "Rs 599 for first year")
SUBSCRIPTION = re.compile(r"\b(?:\d+ issues for|members get|abbonati a|abonnez-vous)\b", _I)
PRICE = re.compile(r"(?:[$£€]\s?\d|\d\s?(?:€|euro|eur\b|usd\b)|\brs\.?\s?\d|\d\s?руб)", _I)
URL_ONLY = re.compile(r"\s*(?:https?://|www\.)\S+\s*")


def is_promo(line: str) -> bool:
    if len(line) > 200:
        return False
    return bool(PROMO_OBJECT.search(line) and PROMO_ACTION.search(line)) or bool(
        SUBSCRIPTION.search(line) and PRICE.search(line))


#: words that open a sentence: where a breadcrumb glued to the lead paragraph ends
SENTENCE_OPENERS = frozenset("""
    il lo la le i gli l un una uno el los las der die das den dem ein eine the a an o os as um uma les une des du
    au ce cette il elle dopo nel con per según tras después nach mit seit après avec selon após com segundo после
    в с на по после в
""".split())
BREADCRUMB_SEPARATORS = "›>»/|·•"
BREADCRUMB = re.compile(
    r"(?:Home|HOME|Homepage|Startseite|Portada|Inicio|Início|Accueil|Главная|ГЛАВНАЯ|Inizio)"
    r"(?=[A-ZÀ-ÝА-ЯЁ]|\s*[›>»/|]\s*\S)"
)


#: pitches and legal notices with a fixed opening: safe to match on long lines too
PITCH = re.compile(
    r"(?:this copy is for your personal|if you enjoyed this (?:article|story|piece)|get access to"
    r"|start your day with|this article is for subscribers|to continue reading|continua a leggere"
    r"|per continuare a leggere|abonnez-vous pour lire|jetzt weiterlesen mit|suscríbete para seguir leyendo"
    r"|follow @\w+ on (?:twitter|x|instagram)|get the day['’]s|get the latest \w+ (?:news|updates) (?:delivered|in your)"
    r"|sign up for (?:our|the) \w+ newsletter)",
    _I,
)

# -- cheap prefilters: a rule's regex runs only when one of its words is in the line.
#    Substring tests are C loops; the regexes above scan every position of every line.
PROMPT_WORDS = (
    "app", "приложен", "canal", "channel", "kanal", "chaîne", "канал", "comunidad", "community", "grupo",
    "newsletter", "boletín", "boletin", "рассылк", "infolettre", "reached at", "commission", "affiliate",
    "this copy", "rights reserved", "may not be published", "©", "copyright", "comment", "коммент", "comentári",
    "if you enjoyed", "get access", "start your day", "miss", "follow", "segui", "síguenos", "sigue", "folg",
    "suivez", "siga", "следите", "подпис", "join us", "iscriv", "regist", "sign up", "subscri", "suscr", "abonn",
    "assin", "inscrev", "fai clic", "click to share", "partag", "share", "teilen", "compart", "email", "e-mail",
    "reach", "contact",
)
CONSENT_WORDS = ("cookie", "куки")
#: the button row of a consent banner: "Accetta tutto Rifiuta Scopri di più e personalizza"
CONSENT_BUTTONS = re.compile(
    r"(?:(?:accetta|accept|rifiuta|reject|scopri di più|learn more|more info|personalizza|customi[sz]e|manage"
    r"|gestisci|akzeptieren|ablehnen|einstellungen|aceptar|rechazar|configurar|accepter|refuser|paramétrer"
    r"|personnaliser|aceitar|rejeitar|recusar|personalizar|принять|отклонить|настроить|подробнее|tutto|tutti"
    r"|all|alle|todo|todos|tout|tous|tudo|все|e|and|und|y|et|и|ou|o|or|oder|ok|agree|i agree|settings"
    r"|preferences|preferenze|préférences|preferencias|preferências)[\s,.|·/]*){2,}",
    _I,
)
#: with "cookie", any of these makes a line a consent banner
CONSENT_CONTEXT = (
    "consen", "einwillig", "accept", "akzept", "acept", "aceit", "accett", "privacy", "datenschutz", "policy",
    "politique", "política", "согласи", "personaliz", "personalis", "personnalis", "tracking", "partner",
)
CREDIT_WORDS = (
    "image", "imagen",
    "foto", "photo", "immagine", "imagem", "bild", "фото", "crédit", "credit", "crédito", "copyright", "ph:", "ph :",
    "fonte", "source", "quelle", "fuente", "источник", "font", "via", "reporting", "writing", "editing",
    "compiled", "research", "contributed", "©",
)
PROMO_WORDS = (
    "ticket", "bigliett", "abbonament", "entrad", "billet", "ingress", "sócio", "abono", "абонемент", "билет",
    "trikot", "maglia", "camiseta", "issues for", "members get", "abbonati", "abonnez",
)


def has_any(folded: str, words: tuple[str, ...]) -> bool:
    return any(word in folded for word in words)

