"""The sources file: validated whole, with messages naming file, source and field."""
import pytest

from crawler.registry import RegistryError, load_registry, parse_registry, select

GOOD = """
sources:
  - name: mercatoflash
    kind: news
    language: it
    feeds: [https://example.it/feed.xml]
    sitemaps: [https://example.it/sitemap.xml]
    pages: [https://example.it/calciomercato/]
    follow: ['/20\\d\\d/']
  - name: spezia-club
    kind: club
    pages: [https://www.acspezia.example/comunicati/]
"""


def test_valid_registry_loads():
    sources = parse_registry(GOOD, "sources.yaml")
    assert [s.name for s in sources] == ["mercatoflash", "spezia-club"]
    first = sources[0]
    assert first.feeds == ("https://example.it/feed.xml",)
    assert first.wants_article("https://example.it/2024/03/12/x/")
    assert not first.wants_article("https://example.it/tag/x/")
    assert first.allows("https://example.it/2024/x/")
    assert first.allows("https://www.example.it/2024/x/")
    assert not first.allows("https://other.it/2024/x/")
    assert not first.allows("ftp://example.it/x")
    assert not first.allows("http://127.0.0.1/2024/x/")  # a public source never reaches loopback
    assert sources[1].kind == "club"


def test_allow_prefixes_replace_the_default_hosts():
    (source,) = parse_registry("""
sources:
  - name: a
    pages: [https://a.it/news/]
    allow: [https://a.it/news/, https://cdn.a.it/]
""")
    assert source.allows("https://cdn.a.it/x")
    assert not source.allows("https://a.it/shop/x")


def test_example_file_is_valid(repo_root):
    assert load_registry(repo_root / "sources.example.yaml")


@pytest.mark.parametrize("text, message", [
    ("sources:\n  - name: a\n    feedz: [https://a.it/f]\n", "source 'a': unknown field 'feedz'"),
    ("sources:\n  - name: a\n    feeds: [not-a-url]\n", "source 'a', field 'feeds': 'not-a-url' is not an http(s) URL"),
    ("sources:\n  - name: a\n    feeds: [https://a.it/f]\n  - name: a\n    feeds: [https://b.it/f]\n",
     "source 'a': duplicate name"),
    ("sources:\n  - name: A b\n    feeds: [https://a.it/f]\n", "field 'name'"),
    ("sources:\n  - name: a\n    kind: blog\n    feeds: [https://a.it/f]\n", "field 'kind'"),
    ("sources:\n  - name: a\n", "needs at least one URL"),
    ("sources:\n  - name: a\n    feeds: https://a.it/f\n", "field 'feeds': expected a list"),
    ("sources:\n  - name: a\n    feeds: [https://a.it/f]\n    follow: ['(']\n", "bad regular expression"),
    ("sources:\n  - feeds: [https://a.it/f]\n", "source #1: field 'name' is missing"),
    ("sources: []\n", "non-empty list"),
    ("feeds: []\n", "expected a mapping with a 'sources:' list"),
    ("sources:\n  - name: a\n   feeds: [x\n", "not valid YAML"),
    ("sources:\n  - name: a\n    feeds: [https://a.it/f]\n    depth: 5\n", "field 'depth'"),
    ("sources:\n  - name: a\n    feeds: [file:///etc/passwd]\n", "is not an http(s) URL"),
])
def test_bad_registry_names_file_source_and_field(text, message):
    with pytest.raises(RegistryError) as err:
        parse_registry(text, "my-sources.yaml")
    assert str(err.value).startswith("my-sources.yaml: ")
    assert message in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(RegistryError, match="file not found"):
        load_registry(tmp_path / "nope.yaml")


def test_select_by_name():
    sources = parse_registry(GOOD)
    assert [s.name for s in select(sources, ["spezia-club"])] == ["spezia-club"]
    with pytest.raises(RegistryError, match="unknown source 'zzz'"):
        select(sources, ["zzz"])
