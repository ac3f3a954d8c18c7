"""The club gazetteer's names from clubs_extra.yaml: Cyrillic names with their case forms,
exonyms, new clubs (Saudi, Qatari...), nicknames resolved by context, and the common words
that stay no club."""
from __future__ import annotations

import pytest
import yaml

from crawler.understanding.clubs import DATA, gazetteer


def clubs_in(text: str) -> list[str]:
    g = gazetteer()
    return [g.name(m.key) for m in g.find(text)]


@pytest.mark.parametrize("text, club", [
    # Cyrillic, with case forms the stemmer must reduce
    ("Защитник перешёл в «Ривер Плейт».", "River Plate"),
    ("Игрок «Ривер Плейта» подписал контракт.", "River Plate"),
    ("ПСЖ объявил о подписании.", "Paris Saint-Germain"),
    ("Он покинул «Брайтон».", "Brighton & Hove Albion"),
    ("Полузащитник «Брайтона» перешёл.", "Brighton & Hove Albion"),
    ("Нападающий «Хоффенхайма» перешёл.", "Hoffenheim"),
    ("Игрок «Галатасарая» подписал контракт.", "Galatasaray"),
    ("Он подписал контракт со «Спартой Прага».", "Sparta Prague"),
    ("Игрок «Крыльев Советов» перешёл.", "Krylia Sovetov"),
    ("Форвард перешёл в «Интер Майами».", "Inter Miami"),
    ("Он перешёл в «Лос-Анджелес Гэлакси».", "LA Galaxy"),
    ("Роналду продлил контракт с «Аль-Насром».", "Al-Nassr"),
    ("Игрок «Аль-Хиляля» перешёл.", "Al-Hilal"),
    # exonyms and short forms
    ("Il giocatore passa al Bayern Monaco.", "Bayern Munich"),
    ("El Bayern Múnich ficha al defensa.", "Bayern Munich"),
    ("L'Olympique Marsiglia ha preso il terzino.", "Olympique de Marseille"),
    ("Der Spieler wechselt zum FC Brügge.", "Club Brugge"),
    ("Der Stürmer kommt von Benfica Lissabon.", "Benfica"),
    ("Le Sporting Lisbonne a recruté l'attaquant.", "Sporting CP"),
    ("El Oporto ficha al extremo.", "FC Porto"),
    ("Wolves have signed the striker.", "Wolverhampton Wanderers"),
    ("Le Paris SG a recruté le milieu.", "Paris Saint-Germain"),
    ("A Sociedade Esportiva Palmeiras anunciou o reforço.", "Palmeiras"),
    ("El Real Madrid C. F. anunció el fichaje.", "Real Madrid"),
    ("Le Mainz 05 et Mayence: Mayence a recruté.", "Mainz 05"),
    # new clubs, hyphen and space spellings
    ("Al-Nassr have signed the forward.", "Al-Nassr"),
    ("El Al Nassr ficha al delantero.", "Al-Nassr"),
    ("Al Nassr FC confirmed the deal.", "Al-Nassr"),
    ("The striker joined Al-Qadsiah.", "Al-Qadsiah"),
    ("Il difensore va all'Al-Sadd.", "Al-Sadd"),
])
def test_extra_names_find_their_club(text, club):
    assert club in clubs_in(text)


def test_atlanta_united_is_not_atalanta():
    assert clubs_in("Он перешёл в «Атланту Юнайтед».") == ["Atlanta United"]
    assert clubs_in("Игрок «Атланта Юнайтед» подписал контракт.") == ["Atlanta United"]
    assert clubs_in("Он перешёл в «Аталанту».") == ["Atalanta"]
    assert clubs_in("Игрок «Аталанты» подписал контракт.") == ["Atalanta"]


def test_atletico_is_atletico_madrid():
    assert clubs_in("Гризманн вернулся в «Атлетико».") == ["Atlético Madrid"]


def test_common_words_alone_are_no_club():
    for text in ["Real news today.", "United we stand.", "The City council met.",
                 "Union leaders met.", "Racing resumes on Sunday."]:
        assert clubs_in(text) == [], text


def test_nicknames_need_the_club_named():
    g = gazetteer()
    text = "West Ham have signed the striker. The Hammers paid 30 million."
    named = {m.key for m in g.find(text)}
    assert [g.name(m.key) for m in g.find_nicknames(text, named)] == ["West Ham United"]
    assert g.find_nicknames("The Hammers paid 30 million.", set()) == []
    # listed capitalised: a lowercase common noun is no nickname
    text = "Manchester City said citizens of the town welcome him. The Citizens paid."
    named = {m.key for m in g.find(text)}
    assert [m.text for m in g.find_nicknames(text, named)] == ["Citizens"]
    # Russian, with a plural form the stemmer does not reduce
    text = "«Краснодар» подписал форварда. Вместе с «быками» он выиграл кубок."
    named = {m.key for m in g.find(text)}
    assert [g.name(m.key) for m in g.find_nicknames(text, named)] == ["Krasnodar"]
    text = "ЦСКА объявил о трансфере. У армейцев новый форвард."
    named = {m.key for m in g.find(text)}
    assert [g.name(m.key) for m in g.find_nicknames(text, named)] == ["CSKA Moscow"]
    # a nickname of several clubs goes to the one the article names
    text = "Il Cagliari ha preso il terzino: i rossoblù chiudono il colpo."
    named = {m.key for m in g.find(text)}
    assert [g.name(m.key) for m in g.find_nicknames(text, named)] == ["Cagliari"]


def test_every_entry_names_an_openfootball_club_or_says_it_is_new():
    """An ``of`` misspelt would silently make a new club: only entries with ``country``
    may be new."""
    g = gazetteer()
    extra = yaml.safe_load((DATA / "clubs_extra.yaml").read_text("utf-8"))["clubs"]
    new = {c.name for k, c in g.clubs.items() if k.startswith("tn:")}
    for item in extra:
        assert (item.get("name") or item["of"]) in new if item.get("country") else \
            (item.get("name") or item["of"]) not in new, item["of"]
    assert g.clubs["tn:al-nassr"].country == "sa"


def test_a_first_name_is_not_a_case_form_of_a_club():
    """Russian nouns in «-о» do not decline, so «-о» is no case ending: «Марсело» (Marcelo)
    is not a form of «Марсель» (Marseille), while «Марселя» and «Марселем» are."""
    g = gazetteer()
    assert [c.key for c in g.find("Марсело Брозович перешёл в «Аль-Наср».")] == [g.lookup("Al-Nassr")]
    assert [c.key for c in g.find("Гринвуд остаётся в «Марселе», а не в «Марселем».")] == [g.lookup("Olympique de Marseille")] * 2
    assert [c.key for c in g.find("«Динамо» обыграло «Порто».")] == [g.lookup("Dinamo Moskva"), g.lookup("FC Porto")]
