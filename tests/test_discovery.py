"""Feeds and sitemaps read into announced URLs, safely."""
import time
from datetime import datetime, timezone

import pytest

from crawler.discovery import DiscoveryError, parse_feed, parse_sitemap

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Mercato</title>
<item><title>Carrera all'Ascoli</title><link>https://x.it/2024/03/12/carrera/?utm_source=rss</link>
<guid isPermaLink="false">x-123</guid><pubDate>Tue, 12 Mar 2024 17:30:00 +0100</pubDate></item>
<item><title>Senza guid</title><link>https://x.it/2024/03/13/b/</link></item>
<item><title>Senza link</title></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Спорт</title>
<entry><id>urn:sport:1</id><title>Каррера готов</title>
<link rel="alternate" href="https://sport.ru/news/1.html"/>
<updated>2019-10-24T14:05:00+03:00</updated></entry></feed>""".encode()

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://sport.ru/news/1.html</loc>
<news:news><news:publication><news:name>Sport</news:name><news:language>ru</news:language></news:publication>
<news:publication_date>2019-10-24T14:05:00+03:00</news:publication_date><news:title>Каррера</news:title></news:news></url>
<url><loc>https://sport.ru/news/2.html</loc><lastmod>2024-01-02</lastmod></url>
</urlset>""".encode()

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://sport.ru/sitemap-news.xml.gz</loc><lastmod>2024-01-01</lastmod></sitemap>
</sitemapindex>"""


def test_rss_entries_with_guid_title_and_date():
    entries = parse_feed(RSS)
    assert [e.url for e in entries] == ["https://x.it/2024/03/12/carrera/?utm_source=rss", "https://x.it/2024/03/13/b/"]
    assert entries[0].guid == "x-123"
    assert entries[0].title == "Carrera all'Ascoli"
    assert entries[0].published_at.isoformat() == "2024-03-12T16:30:00+00:00"
    assert entries[1].guid == "https://x.it/2024/03/13/b/"  # the link stands in for a missing guid


def test_atom_entries():
    (entry,) = parse_feed(ATOM)
    assert entry.url == "https://sport.ru/news/1.html"
    assert entry.guid == "urn:sport:1"
    assert entry.published_at.isoformat() == "2019-10-24T11:05:00+00:00"


def test_unreadable_feed_is_a_clear_error():
    with pytest.raises(DiscoveryError, match="not a readable feed"):
        parse_feed(b"<html><body>Service temporarily unavailable</body></html>")


def test_news_sitemap_has_publication_date_and_title():
    doc = parse_sitemap(NEWS_SITEMAP)
    assert doc.kind == "urlset"
    first, second = doc.entries
    assert first.published_at.isoformat() == "2019-10-24T11:05:00+00:00"
    assert first.title == "Каррера"
    assert second.published_at is None and second.modified_at.date().isoformat() == "2024-01-02"


def test_sitemap_index():
    doc = parse_sitemap(INDEX)
    assert doc.kind == "sitemapindex"
    assert [e.url for e in doc.entries] == ["https://sport.ru/sitemap-news.xml.gz"]


def test_sitemap_url_cap():
    body = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + b"".join(
        b"<url><loc>https://x.it/%d</loc></url>" % i for i in range(100)) + b"</urlset>"
    doc = parse_sitemap(body, max_urls=10)
    assert len(doc.entries) == 10 and doc.truncated


def test_sitemap_entities_are_not_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = f"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file://{secret}"><!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://x.it/&xxe;</loc></url><url><loc>https://x.it/&c;</loc></url></urlset>""".encode()
    doc = parse_sitemap(body)
    assert all("TOP-SECRET" not in e.url and "aaaaaaaaaa" not in e.url for e in doc.entries)


def test_not_a_sitemap():
    assert parse_sitemap(b"<html><body>hi</body></html>").kind == "unknown"


NOW = datetime(2024, 6, 1, tzinfo=timezone.utc)


def test_absurd_feed_dates_are_dropped():
    dates = ["Fri, 31 Dec 9999 23:59:59 -0500", "Fri, 31 Dec 9999 23:59:59 +0500", "Mon, 01 Jan 0001 00:00:00 +0000",
             "Thu, 01 Jan 1970 00:00:00 +0000", "Thu, 01 Jun 2054 10:00:00 +0200", "yesterday-ish",
             "Tue, 04 Jun 2024 10:00:00 +0000", "Sat, 01 Jun 2024 20:00:00 +0200"]
    body = ('<rss version="2.0"><channel><title>x</title>' + "".join(
        f"<item><link>https://x.it/{i}</link><pubDate>{d}</pubDate></item>" for i, d in enumerate(dates))
        + "</channel></rss>").encode()
    entries = parse_feed(body, now=NOW)
    assert len(entries) == len(dates)
    assert [e.published_at for e in entries] == [None] * 7 + [datetime(2024, 6, 1, 18, tzinfo=timezone.utc)]


def test_absurd_sitemap_dates_are_dropped():
    values = ["9999-12-31T23:00:00-05:00", "9999-12-31", "0001-01-01", "1970-01-01T00:00:00Z", "2054-01-01",
              "yesterday-ish", "2024-02-30", "2024-06-02"]
    body = ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + "".join(
                f"<url><loc>https://x.it/{i}</loc><lastmod>{v}</lastmod>"
                f"<news:news><news:publication_date>{v}</news:publication_date></news:news></url>"
                for i, v in enumerate(values)) + "</urlset>").encode()
    doc = parse_sitemap(body, now=NOW)
    assert len(doc.entries) == len(values)
    expected = [None] * 7 + [datetime(2024, 6, 2, tzinfo=timezone.utc)]
    assert [e.modified_at for e in doc.entries] == [e.published_at for e in doc.entries] == expected


def test_50000_entry_sitemap_is_streamed_quickly_and_one_more_is_cut():
    rows = "".join(f"<url><loc>https://x.it/calciomercato/2024/notizia-{i}/</loc><lastmod>2024-03-01T10:00:00+01:00"
                   f"</lastmod></url>" for i in range(50_001))
    body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'.encode()
    start = time.monotonic()
    doc = parse_sitemap(body)
    assert time.monotonic() - start < 10  # about 0.5 s on a laptop core
    assert len(doc.entries) == 50_000 and doc.total == 50_001 and doc.truncated
    assert doc.entries[-1].url == "https://x.it/calciomercato/2024/notizia-49999/"
    assert doc.entries[0].modified_at == datetime(2024, 3, 1, 9, tzinfo=timezone.utc)
    whole = parse_sitemap(body, max_urls=60_000)
    assert len(whole.entries) == 50_001 and not whole.truncated
