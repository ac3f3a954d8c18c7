"""Extraction: text, metadata and the article / listing / empty verdict."""
from datetime import datetime, timezone

import pytest

from crawler.extraction import extract, extract_text

BODY = (
    "<p>Adesso è ufficiale: dopo l’esonero di Fabrizio Castori, Massimo Carrera è il nuovo allenatore "
    "dell’Ascoli. Carrera è atteso ad Ascoli nella mattina di mercoledì 13 marzo.</p>"
    "<p>Massimo Carrera è pronto per una nuova esperienza in Italia. L’ultima è stata quella sulla panchina "
    "del Bari, in Serie C nel 2021.</p>"
    "<p>Per Fabrizio Castori è stata decisiva la sconfitta arrivata nell’ultimo match di Serie B contro la "
    "Sampdoria.</p>"
)
NAV = "".join(f'<a href="/categoria/{i}/">Categoria numero {i}</a>' for i in range(8))


def page(head="", body=BODY, h1="Ascoli, Carrera è il nuovo allenatore", extra=""):
    return (f"<html><head><title>{h1} | Sito</title>{head}</head><body><header><nav>{NAV}</nav>"
            f"<span class='today'>Sabato 23 novembre 2024</span></header><main><article><h1>{h1}</h1>"
            f"{body}</article>{extra}</main><footer>© 2024 Sito</footer></body></html>")


TYPED = ('<meta property="og:type" content="article">'
         '<link rel="canonical" href="https://x.it/2024/03/12/carrera/">'
         '<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",'
         '"headline":"Ascoli, Carrera è il nuovo allenatore","datePublished":"2024-03-12T17:30:00+01:00",'
         '"dateModified":"2024-03-13T09:00:00+01:00","author":{"@type":"Person","name":"Marco Rossi"}}</script>')


def test_article_with_structured_metadata():
    result = extract(page(TYPED), "https://x.it/2024/03/12/carrera/?utm_source=x")
    assert result.is_article
    assert result.title == "Ascoli, Carrera è il nuovo allenatore"
    assert result.author == "Marco Rossi"
    assert result.published == "2024-03-12T17:30:00+01:00"
    assert result.published_at == datetime(2024, 3, 12, 16, 30, tzinfo=timezone.utc)
    assert result.modified == "2024-03-13T09:00:00+01:00"
    assert result.date_source == "jsonld"
    assert result.canonical_url == "https://x.it/2024/03/12/carrera/"
    assert result.language == "it" and result.language_confidence > 0.9
    paragraphs = result.text.split("\n")
    assert paragraphs[0].startswith("Adesso è ufficiale")
    assert len(paragraphs) == 3
    assert "Categoria numero" not in result.text and "© 2024" not in result.text


def test_language_comes_from_the_text_not_the_html_lang():
    html = page(TYPED).replace("<html>", '<html lang="en-US">')
    assert extract(html, "https://x.it/a/").language == "it"


def test_meta_and_time_dates():
    meta = page('<meta property="article:published_time" content="2023-07-05T19:15:00+02:00">')
    result = extract(meta, "https://x.it/a/")
    assert (result.published, result.date_source) == ("2023-07-05T19:15:00+02:00", "meta")
    timed = page(body=BODY + '<time datetime="2023-07-05">5 luglio 2023</time>')
    result = extract(timed, "https://x.it/a/")
    assert (result.published, result.date_source) == ("2023-07-05", "time")


def test_future_date_is_rejected():
    html = page('<meta property="og:type" content="article">'
                '<meta property="article:published_time" content="2031-01-01T10:00:00+00:00">')
    result = extract(html, "https://x.it/a/", fetched_at=datetime(2024, 3, 12, tzinfo=timezone.utc))
    assert result.published is None


@pytest.mark.parametrize("published, modified", [
    ("9999-12-31T23:00:00-05:00", "9999-12-31"),  # past year 9999 once in UTC: used to raise OverflowError
    ("0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
    ("1970-01-01T00:00:00+00:00", "2054-03-12T10:00:00+01:00"),
    ("yesterday-ish", "ieri alle 18:00"),
])
def test_absurd_markup_dates_are_no_dates(published, modified):
    html = page('<meta property="og:type" content="article">'
                f'<meta property="article:published_time" content="{published}">'
                f'<meta property="article:modified_time" content="{modified}">')
    result = extract(html, "https://x.it/a/", fetched_at=datetime(2024, 3, 12, tzinfo=timezone.utc))
    assert result.is_article
    assert (result.published, result.published_at, result.modified) == (None, None, None)


def test_a_date_line_before_1990_is_no_date():
    html = page('<meta property="og:type" content="article">', body="<p>Pubblicato il 1 gennaio 1970</p>" + BODY)
    assert extract(html, "https://x.it/a/").published is None
    html = page('<meta property="og:type" content="article">', body="<p>Pubblicato il 12 marzo 2024</p>" + BODY)
    assert extract(html, "https://x.it/a/").published == "2024-03-12"


def test_short_official_communique_is_an_article():
    body = ("<p>Spezia Calcio comunica di aver affidato l’incarico di allenatore della Prima Squadra a "
            "Massimiliano Alvini, che ha sottoscritto un contratto fino al 30 giugno 2024.</p>")
    result = extract(page(TYPED, body=body), "https://spezia.example/comunicati/alvini/")
    assert result.is_article, result.reason


def test_home_page_is_never_an_article():
    result = extract(page(TYPED), "https://x.it/")
    assert result.page_type == "listing" and result.reason == "home page"


def test_listing_of_teasers_is_not_an_article():
    teasers = "".join(
        f'<article class="post"><h2><a href="/2024/03/{i}/notizia-{i}/">Titolo della notizia di mercato {i}</a></h2>'
        f'<time datetime="2024-03-1{i}">1{i} marzo</time><p>Breve estratto della notizia {i} con qualche parola '
        f'di contesto sul calciomercato italiano e le trattative in corso.</p></article>'
        for i in range(4))
    html = ("<html><head><meta property='og:type' content='website'></head><body><main><h1>Calciomercato</h1>"
            f"{teasers}</main></body></html>")
    result = extract(html, "https://x.it/calciomercato/")
    assert result.page_type == "listing", result


def test_page_without_date_or_markup_is_not_an_article():
    about = ("<html><body><main><h1>Chi siamo</h1><p>" + "Siamo una redazione indipendente di appassionati. " * 10
             + "</p></main></body></html>")
    result = extract(about, "https://x.it/chi-siamo/")
    assert result.page_type == "empty" and "no publication date" in result.reason


def test_repeated_paragraphs_and_title_line_are_removed():
    body = "<p>Ascoli, Carrera è il nuovo allenatore</p>" + BODY + BODY
    result = extract(page(TYPED, body=body), "https://x.it/a/")
    paragraphs = result.text.split("\n")
    assert len(paragraphs) == 3, paragraphs
    assert not paragraphs[0].startswith("Ascoli, Carrera")


def test_garbage_never_raises():
    for junk in ("", "   ", "\x00\x01\x02binary", "<html><body></body></html>", "<" * 10000, "<div>" * 5000):
        result = extract(junk, "https://x.it/a/")
        assert not result.is_article
    assert extract_text(page(TYPED)).startswith("Adesso è ufficiale")


def test_source_hints_prune_and_body_and_timezone():
    from crawler.extraction import Hints

    sponsor = "<div class='sponsor-strip'><p>" + "Il main sponsor della squadra è la Banca del Golfo, partner storico. " * 3 + "</p></div>"
    html = page(TYPED, body=BODY + sponsor)
    assert "Banca del Golfo" in extract(html, "https://x.it/a/").text
    pruned = extract(html, "https://x.it/a/", hints=Hints(prune_xpath=("//div[@class='sponsor-strip']",)))
    assert "Banca del Golfo" not in pruned.text and pruned.text.startswith("Adesso è ufficiale")
    odd = ("<html><body><div id='comunicato'><p>Lo Spezia Calcio comunica di aver trovato l'accordo con il "
           "difensore per il prolungamento del contratto fino al 2027.</p><p>Pubblicato il 12 marzo 2024 alle 17:30</p>"
           "</div></body></html>")
    result = extract(odd, "https://spezia.example/c/1", hints=Hints(body_xpath="//div[@id='comunicato']",
                                                                     timezone="Europe/Rome"))
    assert result.text.startswith("Lo Spezia Calcio comunica")
    assert result.published == "2024-03-12T17:30:00+01:00"
    assert result.published_at == datetime(2024, 3, 12, 16, 30, tzinfo=timezone.utc)
    assert result.date_source == "text"
