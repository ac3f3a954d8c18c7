"""A generated outlet of any size, for the scale tests and ``bench/distributed.py``.

``generate(folder, n)`` writes a site that :class:`crawler.demo.server.SiteServer` serves:
``n`` article pages in Italian with distinct texts (names, clubs, figures and sentence
choices drawn per article from a seeded generator, so no two are near copies), a sitemap
index over sitemaps of 100 URLs, an RSS feed of the newest 50 (which the sitemaps list
too) and a home page. Nothing is committed: the same seed gives the same site.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from html import escape
from pathlib import Path

FIRST = ("Marco Luca Andrea Matteo Davide Simone Federico Lorenzo Alessandro Riccardo Gabriele Nicolò Tommaso "
         "Edoardo Filippo Giacomo Pietro Samuele Stefano Daniele Mattia Emanuele Cristian Manuel Kevin Ivan "
         "Sergej Mateo Lucas Diego Rafael Jonas Mikkel Youssef Amadou Kenji Tiago Bruno Hugo Arthur").split()
LAST = ("Rossi Bianchi Ferrari Esposito Romano Colombo Ricci Marino Greco Bruno Gallo Conti DeLuca Mancini "
        "Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani Rinaldi Caruso Ferrara Galli "
        "Martini Leone Longo Gentile Martinelli Vitale Lombardo Serra Coppola DeSantis Marchetti Parisi Villa "
        "Kovačić Milinković Hernández Silva Okafor Lindqvist Dubois Nakamura Petrov Jansen Novak Haaland").split()
CLUBS = ("Atalanta Bologna Cagliari Como Empoli Fiorentina Genoa Verona Inter Juventus Lazio Lecce Milan Monza "
         "Napoli Parma Roma Torino Udinese Venezia Sassuolo Sampdoria Palermo Bari Spezia Cremonese Pisa "
         "Brescia Modena Reggiana Catanzaro Cosenza Salernitana Frosinone Ternana Cittadella Südtirol "
         "Mantova Carrarese Juve-Stabia").split()
ROLES = ("difensore centrale", "terzino sinistro", "terzino destro", "mediano", "regista", "trequartista",
         "esterno offensivo", "centravanti", "portiere", "mezzala", "seconda punta", "ala destra")
CITIES = ("Milano Torino Roma Napoli Firenze Bologna Genova Verona Bergamo Parma Lecce Bari Palermo Cagliari "
          "Udine Venezia Como Pisa Brescia Modena").split()
MONTHS = ("gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre").split()

TEMPLATES = [
    "{club} ha chiuso per {player}, {role} classe {year}, dopo {n} giorni di trattativa.",
    "L'accordo con il {club2} prevede {fee} milioni più {bonus} di bonus legati alle presenze.",
    "{player} arriva a {city} {when} per le visite mediche e la firma sul contratto.",
    "Il contratto durerà fino al {endyear}, con un'opzione per la stagione successiva.",
    "Nella scorsa stagione {surname} ha giocato {apps} partite segnando {goals} reti.",
    "Il direttore sportivo {director} ha seguito il giocatore per {n} mesi.",
    "Decisivo l'incontro di {day} {month} tra gli agenti e la dirigenza del {club}.",
    "Il {club2} incassa {fee} milioni e una percentuale del {pct} per cento sulla futura rivendita.",
    "{surname} dovrebbe indossare la maglia numero {shirt}, lasciata libera da {other}.",
    "Per l'allenatore {coach} si tratta del {ordinal} rinforzo di questa finestra di mercato.",
    "I tifosi del {club} hanno accolto {surname} all'aeroporto di {city} con cori e bandiere.",
    "La formula scelta è il prestito con diritto di riscatto fissato a {fee} milioni.",
    "Sul giocatore c'era anche il {club3}, che aveva offerto {fee2} milioni senza bonus.",
    "{surname} ha già parlato al telefono con {coach}, che lo vede come {role}.",
    "Il {club} cederà {other} al {club3} per fare spazio in rosa e rientrare nei parametri.",
    "Secondo fonti vicine al club, lo stipendio sarà di {salary} milioni netti a stagione.",
    "L'esordio potrebbe arrivare già {when2} nella sfida contro il {club3}.",
    "Il presidente {president} ha dato il via libera dopo un vertice durato {hours} ore.",
    "{player} aveva debuttato tra i professionisti a {age} anni con la maglia del {club3}.",
    "In nazionale {surname} conta {caps} presenze e {goals2} gol.",
    "L'agente {agent} ha confermato che il giocatore ha scelto il {club} tra {k} offerte.",
    "Restano da definire i dettagli sui diritti d'immagine, attesi entro {day} {month}.",
    "La clausola rescissoria è fissata a {clause} milioni, valida solo per l'estero.",
    "Il {club} chiude così il reparto, salvo occasioni negli ultimi {k} giorni di mercato.",
    "Le visite mediche si svolgeranno alla clinica {clinic} di {city} alle {hour}.",
    "Nel {club2} lascia un vuoto: in {years} stagioni ha collezionato {apps2} presenze.",
    "{coach} aveva chiesto un {role} rapido e abile negli spazi stretti.",
    "Il club ha battuto la concorrenza del {club3} grazie a un rilancio di {bonus} nelle ultime ore.",
    "Secondo i dati della scorsa stagione {surname} ha vinto il {pct} per cento dei duelli.",
    "La presentazione ufficiale è prevista {when2} nella sala stampa del centro sportivo di {city}.",
    "Il mercato del {club} non finisce qui: nel mirino c'è anche {other}.",
    "{surname} ha salutato i compagni del {club2} con un messaggio sui social.",
]


def _player(rng: random.Random) -> tuple[str, str]:
    last = rng.choice(LAST)
    return f"{rng.choice(FIRST)} {last}", last


def article_text(rng: random.Random) -> tuple[str, list[str]]:
    """A title and paragraphs for one article; every slot is drawn anew."""
    club, club2, club3 = rng.sample(CLUBS, 3)
    player, surname = _player(rng)

    def fill(template: str) -> str:
        return template.format(
            club=club, club2=club2, club3=rng.choice(CLUBS), player=player, surname=surname,
            role=rng.choice(ROLES), year=rng.randint(1994, 2006), n=rng.randint(2, 60),
            fee=rng.randint(2, 80), fee2=rng.randint(2, 80), bonus=f"{rng.randint(1, 9)},{rng.randint(0, 9)}",
            city=rng.choice(CITIES), when=rng.choice(["domani", "lunedì", "in serata", "entro venerdì",
                                                         "nel fine settimana", "martedì mattina"]),
            when2=rng.choice(["sabato", "domenica", "alla prossima giornata", "mercoledì", "in Coppa Italia"]),
            endyear=rng.randint(2026, 2031), apps=rng.randint(5, 45), apps2=rng.randint(20, 240),
            goals=rng.randint(0, 25), goals2=rng.randint(0, 30), caps=rng.randint(1, 90),
            director=" ".join(_player(rng)[0].split()), coach=_player(rng)[0], president=_player(rng)[0],
            agent=_player(rng)[0], other=_player(rng)[0], day=rng.randint(1, 28), month=rng.choice(MONTHS),
            pct=rng.randint(5, 70), shirt=rng.randint(2, 99), ordinal=rng.choice(
                ["primo", "secondo", "terzo", "quarto", "quinto", "sesto"]), salary=f"{rng.randint(1, 6)},{rng.randint(0, 9)}",
            hours=rng.randint(2, 9), age=rng.randint(16, 20), k=rng.randint(2, 9), clause=rng.randint(20, 150),
            clinic=rng.choice(["Columbus", "Humanitas", "Santa Maria", "San Donato", "Villa Stuart", "Paideia"]),
            hour=f"{rng.randint(8, 18)}:{rng.choice(['00', '15', '30', '45'])}", years=rng.randint(2, 8),
        )

    chosen = rng.sample(TEMPLATES, 14)
    sentences = [fill(t) for t in chosen]
    paragraphs = [" ".join(sentences[i:i + 2]) for i in range(0, len(sentences), 2)]
    title = f"{club}, ufficiale {player}: {rng.choice(ROLES)} dal {club2} per {rng.randint(2, 80)} milioni"
    return title, paragraphs


def _page(base_title: str, title: str, paragraphs: list[str], published: datetime, path: str, author: str) -> str:
    iso = published.isoformat(timespec="seconds")
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8">
<title>{escape(title)} - {base_title}</title>
<link rel="canonical" href="{{{{BASE}}}}{path}">
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(title)}">
<meta property="og:site_name" content="{base_title}">
<meta property="article:published_time" content="{iso}">
<meta name="author" content="{escape(author)}">
</head><body>
<header><nav><a href="/">{base_title}</a> <a href="/calciomercato/">Calciomercato</a></nav></header>
<main><article>
<h1>{escape(title)}</h1>
<p class="byline">di {escape(author)} · <time datetime="{iso}">{published:%d/%m/%Y %H:%M}</time></p>
{body}
</article></main>
<footer><p>© {base_title} - P.IVA 01234567890</p></footer>
</body></html>
"""


def generate(folder: Path, n: int, seed: int = 6, title: str = "BigCalcio") -> list[str]:
    """Write the site into ``folder``; returns the article paths, oldest first."""
    rng = random.Random(seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime(2024, 6, 1, 8, 0, tzinfo=timezone(timedelta(hours=2)))
    paths, items = [], []
    for i in range(n):
        headline, paragraphs = article_text(rng)
        published = start + timedelta(minutes=47 * i)
        slug = "-".join(w.lower() for w in headline.replace(",", "").replace(":", "").split()[:5])
        slug = "".join(c for c in slug if (c.isascii() and c.isalnum()) or c == "-")
        path = f"/{published:%Y/%m/%d}/{slug}-{i}/"
        author = _player(rng)[0]
        page = folder / path.strip("/") / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(_page(title, headline, paragraphs, published, path, author), "utf-8")
        paths.append(path)
        items.append((path, headline, published))
    per_file = 100
    children = []
    for k in range(0, n, per_file):
        name = f"sitemap-{k // per_file + 1}.xml"
        urls = "".join(f"<url><loc>{{{{BASE}}}}{p}</loc><lastmod>{d.isoformat(timespec='seconds')}</lastmod></url>"
                       for p, _t, d in items[k:k + per_file])
        (folder / name).write_text('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                                   f'schemas/sitemap/0.9">{urls}</urlset>\n', "utf-8")
        children.append(name)
    (folder / "sitemap_index.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<sitemap><loc>{{{{BASE}}}}/{c}</loc></sitemap>" for c in children) + "</sitemapindex>\n", "utf-8")
    newest = items[-50:][::-1]
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>{{{{BASE}}}}{p}</link><guid>{{{{BASE}}}}{p}</guid>"
        f"<pubDate>{d.strftime('%a, %d %b %Y %H:%M:%S %z')}</pubDate></item>" for p, t, d in newest)
    (folder / "feed.xml").write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                                     f"<title>{title}</title><link>{{{{BASE}}}}/</link>{entries}</channel></rss>\n",
                                     "utf-8")
    (folder / "robots.txt").write_text("User-agent: *\nAllow: /\nSitemap: {{BASE}}/sitemap_index.xml\n", "utf-8")
    links = "".join(f'<li><a href="{p}">{escape(t)}</a></li>' for p, t, _d in newest[:30])
    (folder / "index.html").write_text(f"<!DOCTYPE html><html lang='it'><head><meta charset='utf-8'><title>{title}"
                                       f"</title></head><body><h1>{title}</h1><ul>{links}</ul></body></html>\n",
                                       "utf-8")
    return paths


def sources_yaml(server, names: list[str]) -> str:
    """A sources file for generated sites served by ``server``."""
    lines = ["sources:"]
    for name in names:
        base = server.base(name)
        lines += [f"  - name: {name}", "    language: it", f"    feeds: [{base}/feed.xml]",
                  f"    sitemaps: [{base}/sitemap_index.xml]"]
    return "\n".join(lines) + "\n"
