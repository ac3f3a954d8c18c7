"""URL hygiene: what is fetched and which spellings are one page."""
import pytest

from crawler.urls import fetch_url, host_of, is_private_host, url_key


@pytest.mark.parametrize("url, expected", [
    ("https://www.x.it/a/b/?utm_source=rss&utm_medium=feed", "https://www.x.it/a/b/"),
    ("https://www.x.it/a/b/#commenti", "https://www.x.it/a/b/"),
    ("https://www.x.it/a/b/?id=3&fbclid=abc&gclid=1", "https://www.x.it/a/b/?id=3"),
    ("HTTPS://WWW.X.IT/a/B/?page=2", "https://www.x.it/a/B/?page=2"),
    ("https://x.ru/новости/", "https://x.ru/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/"),
])
def test_fetch_url_drops_tracking_and_fragments_only(url, expected):
    assert fetch_url(url) == expected


@pytest.mark.parametrize("variant", [
    "https://www.x.it/2024/03/carrera/",
    "http://x.it/2024/03/carrera/",
    "https://x.it/2024/03/carrera/?utm_campaign=x&fbclid=abc",
    "https://x.it/2024/03/carrera/#commenti",
    "https://x.it/2024/03/carrera/amp/",
    "https://x.it/2024/03/carrera/?amp=1",
    "https://x.it/2024/03/carrera/?outputType=amp",
    "https://amp.x.it/2024/03/carrera/",
    "https://x-it.cdn.ampproject.org/c/s/x.it/2024/03/carrera/",
    "https://X.IT:443/2024/03/carrera/",
])
def test_every_spelling_of_one_article_has_one_key(variant):
    assert url_key(variant) == url_key("https://x.it/2024/03/carrera/")


@pytest.mark.parametrize("a, b", [
    ("https://x.it/news?id=1", "https://x.it/news?id=2"),
    ("https://x.it/a/", "https://y.it/a/"),
    ("http://127.0.0.1:8001/a/", "http://127.0.0.1:8002/a/"),
    ("https://x.it/example/", "https://x.it/amplified/"),
])
def test_different_pages_keep_different_keys(a, b):
    assert url_key(a) != url_key(b)


def test_query_order_does_not_matter():
    assert url_key("https://x.it/s?b=2&a=1") == url_key("https://x.it/s?a=1&b=2")


def test_host_of_keeps_ports_and_folds_www():
    assert host_of("https://www.x.it/a") == "x.it"
    assert host_of("http://127.0.0.1:8001/") == "127.0.0.1:8001"


@pytest.mark.parametrize("url, private", [
    ("http://127.0.0.1/", True), ("http://localhost:8000/", True), ("http://10.1.2.3/", True),
    ("http://192.168.0.1/", True), ("http://[::1]/", True), ("http://169.254.169.254/latest/", True),
    ("https://www.gazzetta.it/", False), ("http://8.8.8.8/", False),
])
def test_private_hosts(url, private):
    assert is_private_host(url) is private
