"""Who wrote the article: a person's name, or nothing.

Bylines on news sites mix names with desks ("Redazione", "Club statement"), agencies,
roles ("Chief Football Writer"), prefixes ("di", "By", "Автор:") and widgets ("Email
the author", "Scrivi all'autore"). An analyst grouping articles by author wants the
person or an honest ``None``, never "Redazione" or "Di Chiara Ferri Scrivi All'Autore".
"""
from __future__ import annotations

import re

#: desks, newsrooms, agencies and clubs credited instead of a person
DESKS = re.compile(
    r"^(?:la\s+|the\s+|a\s+)?(?:redazione|redaz\.|staff|club statement|statement|press office|newsroom|news desk"
    r"|desk|editorial|editors?|editor|admin|administrator|redacción|redaccion|redaktion|la rédaction|rédaction"
    r"|redação|redacao|редакция|пресс-служба|ufficio stampa|gabinete de imprensa|prensa|communication|comunicazione"
    r"|sport desk|sports desk|web desk|online|agenzia|agencia|agência|agence|agencies|ansa|adnkronos|efe|dpa|sid"
    r"|afp|reuters|ap|pa|тасс|риа новости|интерфакс|lusa|europa press|wire|guest|ospite|anonymous|anonimo"
    r"|departamento de comunicación|departamento de prensa|assessoria de imprensa|assessoria|gabinete de comunicação"
    r"|pressestelle|medienabteilung|service de presse|service communication|direction de la communication"
    r"|media team|media department|communications department|club media|ufficio comunicazione|area comunicazione)"
    r"(?:\b.*)?$",
    re.IGNORECASE,
)
PREFIX = re.compile(
    r"^(?:di|a cura di|by|written by|words by|von|por|par|de|автор|текст|автор текста|от|escrito por"
    r"|texto|texte|author|autore|autor|auteur|redigé par)\s*[:：]?\s+",
    re.IGNORECASE,
)
WIDGETS = re.compile(
    r"\s*(?:scrivi all['’]autore|email the author|e-mail the author|contact the author|follow\b.*|segui\b.*"
    r"|написать автору|escribe al autor|escribir al autor|e-mail an den autor|mail an den autor"
    r"|écrire à l['’]auteur|envie um e-mail|enviar e-mail|tutti gli articoli|all articles|more by"
    r"|seguir\b.*|подписаться.*|folgen\b.*|suivre\b.*|abonnieren\b.*|s['’]abonner\b.*)\s*.*$",
    re.IGNORECASE,
)
ROLE = re.compile(r"\s*[,|–—-]\s*(?:[a-zà-ÿа-я ]+(?:writer|editor|correspondent|reporter|journalist|giornalista"
                  r"|inviato|corrispondente|корреспондент|обозреватель|redakteur|periodista|journaliste|repórter"
                  r"|jornalista))\b.*$", re.IGNORECASE)
DATE_TAIL = re.compile(r"\s*[|·•,–—-]\s*\d.*$|\s+\d{1,2}[./]\d{1,2}[./]\d{2,4}.*$")
NAME_WORD = re.compile(r"^[A-ZÀ-ÝĀ-ŽА-ЯЁ][\w'’.-]*$", re.UNICODE)


def clean_author(raw: str | None) -> str | None:
    """A person's name from a byline, or ``None`` for desks, agencies and junk."""
    if not raw:
        return None
    text = " ".join(str(raw).split())
    text = WIDGETS.sub("", text)
    for _ in range(2):
        text = PREFIX.sub("", text).strip(" :|·•-–—")
    text = ROLE.sub("", text)
    text = DATE_TAIL.sub("", text).strip(" :|·•-–—,")
    if not text or DESKS.match(text):
        return None
    # several authors: keep them, each must look like a name
    names = [n.strip() for n in re.split(r"\s*(?:,|&|\band\b|\be\b|\bund\b|\by\b|\bet\b|\bи\b)\s*", text) if n.strip()]
    good = []
    for name in names:
        words = name.split()
        if not 2 <= len(words) <= 5 or len(name) > 60 or DESKS.match(name):
            continue
        if all(NAME_WORD.match(w) or w.lower() in ("da", "de", "di", "del", "della", "van", "von", "der", "dos", "das",
                                                 "le", "la", "bin", "ibn") for w in words):
            good.append(name)
    return ", ".join(good) if good else None


BYLINE_XPATHS = (
    '//*[@rel="author"]',
    '//*[@itemprop="author"]//*[@itemprop="name"]',
    '//*[@itemprop="author"]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " author-name ")]',
    '//*[contains(@class, "byline")]',
    '//*[contains(@class, "author")][not(self::body or self::article or self::main or self::html)]',
    '//*[contains(@class, "autore") or contains(@class, "autor") or contains(@class, "auteur")]',
)


def byline_author(tree) -> str | None:
    """The first byline element, outside sidebars and footers, that holds a name."""
    for xpath in BYLINE_XPATHS:
        for el in tree.xpath(xpath + "[not(ancestor::aside or ancestor::footer or ancestor::nav)]"):
            name = clean_author(el.text_content())
            if name:
                return name
    return None


def choose_author(declared: str | None, tree) -> str | None:
    """Markup (JSON-LD person, ``<meta name=author>``) when it names a person, else the
    visible byline; desks and agencies give ``None``."""
    return clean_author(declared) or byline_author(tree)
