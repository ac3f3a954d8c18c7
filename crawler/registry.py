"""The source registry: the YAML file in which the operator lists what to watch.

The file is validated completely before anything is crawled. A mistake (an unknown key,
a malformed URL, a duplicated name) stops the run with one message that names the
file, the source and the field, because a typo that silently disables a source is
worse than a run that refuses to start.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from lxml import etree
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawler.urls import host_of, is_http_url, is_private_host

NAME_RE = re.compile(r"^[a-z0-9_-]+$")
LANG_RE = re.compile(r"^[a-z]{2,3}$")
KINDS = ("news", "club")

#: key -> (expected python type, description for error messages)
FIELDS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "name": (str, "a unique name of letters a-z, digits, '_' or '-'"),
    "kind": (str, "'news' or 'club'"),
    "language": (str, "an ISO 639-1 code such as 'it'"),
    "feeds": (list, "a list of RSS/Atom feed URLs"),
    "sitemaps": (list, "a list of sitemap URLs"),
    "pages": (list, "a list of listing page URLs"),
    "follow": (list, "a list of regular expressions"),
    "allow": (list, "a list of URL prefixes"),
    "depth": (int, "1 or 2 levels of listing pages"),
    "max_age_days": ((int, float), "a number of days"),
    "enabled": (bool, "true or false"),
    "prune_xpath": (list, "a list of XPath expressions"),
    "body_xpath": (str, "an XPath expression"),
    "timezone": (str, "an IANA time zone such as 'Europe/Rome'"),
    "club": (str, "the club whose official site this is, e.g. 'Spezia'"),
}
URL_LIST_FIELDS = ("feeds", "sitemaps", "pages")


class RegistryError(ValueError):
    """The sources file is unusable; the message says where and why."""


@dataclass(frozen=True)
class Source:
    name: str
    kind: str = "news"
    language: str | None = None
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    follow: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    depth: int = 1
    max_age_days: float | None = None
    enabled: bool = True
    prune_xpath: tuple[str, ...] = ()
    body_xpath: str | None = None
    #: time zone of dates the site writes without an offset ("12 marzo 2024, 17:30")
    timezone: str | None = None
    #: for ``kind: club``: the club that publishes (its communiqués are official)
    club: str | None = None
    _follow_re: tuple[re.Pattern, ...] = field(default=(), repr=False, compare=False)

    @property
    def start_urls(self) -> tuple[str, ...]:
        return self.feeds + self.sitemaps + self.pages

    @property
    def hosts(self) -> set[str]:
        return {host_of(u) for u in self.start_urls}

    def allows(self, url: str) -> bool:
        """May this source's crawl fetch ``url``?

        Only http(s); inside ``allow`` prefixes when given, else on the hosts of the
        source's own URLs; never a private or loopback address unless the source
        itself lives on one (a public site must not steer us into the local network).
        """
        if not is_http_url(url):
            return False
        if is_private_host(url) and not any(is_private_host(u) for u in self.start_urls):
            return False
        if self.allow:
            return any(url.startswith(prefix) for prefix in self.allow)
        return host_of(url) in self.hosts

    def wants_article(self, url: str) -> bool:
        """Does ``url`` match the ``follow`` patterns (when there are any)?"""
        return not self._follow_re or any(p.search(url) for p in self._follow_re)

    @property
    def hints(self):
        """Extraction hints for :func:`crawler.extraction.extract`."""
        from crawler.extraction import Hints

        return Hints(self.prune_xpath, self.body_xpath, self.timezone)

    def to_config(self) -> dict[str, Any]:
        """The source as plain data, for the ``sources`` table."""
        return {
            k: (list(v) if isinstance(v, tuple) else v)
            for k, v in self.__dict__.items()
            if not k.startswith("_")
        }


def _fail(path: Path | str, where: str, message: str) -> RegistryError:
    return RegistryError(f"{path}: {where}: {message}")


def parse_source(raw: Any, index: int, path: Path | str) -> Source:
    where = f"source #{index + 1}"
    if not isinstance(raw, dict):
        raise _fail(path, where, f"expected a mapping of fields, got {type(raw).__name__}")
    name = raw.get("name")
    if isinstance(name, str):
        where = f"source '{name}'"
    unknown = sorted(set(map(str, raw)) - set(FIELDS))
    if unknown:
        raise _fail(path, where, f"unknown field '{unknown[0]}' (known fields: {', '.join(FIELDS)})")
    for key, value in raw.items():
        expected, description = FIELDS[key]
        if value is None or isinstance(value, bool) and expected is not bool or not isinstance(value, expected):
            raise _fail(path, f"{where}, field '{key}'", f"expected {description}, got {value!r}")
    if name is None:
        raise _fail(path, where, "field 'name' is missing")
    if not NAME_RE.match(name):
        raise _fail(path, f"{where}, field 'name'", f"expected {FIELDS['name'][1]}, got {name!r}")
    kind = raw.get("kind", "news")
    if kind not in KINDS:
        raise _fail(path, f"{where}, field 'kind'", f"expected {FIELDS['kind'][1]}, got {kind!r}")
    language = raw.get("language")
    if language is not None and not LANG_RE.match(language):
        raise _fail(path, f"{where}, field 'language'", f"expected {FIELDS['language'][1]}, got {language!r}")
    values: dict[str, Any] = {}
    for key in URL_LIST_FIELDS + ("allow",):
        urls = raw.get(key, [])
        for url in urls:
            if not isinstance(url, str) or not is_http_url(url) or any(c.isspace() for c in url.strip()):
                raise _fail(path, f"{where}, field '{key}'", f"{url!r} is not an http(s) URL")
        values[key] = tuple(u.strip() for u in urls)
    if not any(values[k] for k in URL_LIST_FIELDS):
        raise _fail(path, where, "needs at least one URL in 'feeds', 'sitemaps' or 'pages'")
    follow = raw.get("follow", [])
    compiled = []
    for pattern in follow:
        try:
            compiled.append(re.compile(str(pattern)))
        except re.error as exc:
            raise _fail(path, f"{where}, field 'follow'", f"bad regular expression {pattern!r}: {exc}") from None
    depth = raw.get("depth", 1)
    if depth not in (1, 2):
        raise _fail(path, f"{where}, field 'depth'", f"expected {FIELDS['depth'][1]}, got {depth!r}")
    max_age = raw.get("max_age_days")
    if max_age is not None and max_age <= 0:
        raise _fail(path, f"{where}, field 'max_age_days'", f"expected a positive number, got {max_age!r}")
    prune = raw.get("prune_xpath", [])
    for key, expressions in (("prune_xpath", prune), ("body_xpath", [raw["body_xpath"]] if "body_xpath" in raw else [])):
        for expression in expressions:
            try:
                etree.XPath(expression)
            except (etree.XPathSyntaxError, TypeError):
                raise _fail(path, f"{where}, field '{key}'", f"bad XPath expression {expression!r}") from None
    zone = raw.get("timezone")
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise _fail(path, f"{where}, field 'timezone'", f"unknown time zone {zone!r}") from None
    return Source(
        name=name,
        kind=kind,
        language=language,
        follow=tuple(map(str, follow)),
        depth=depth,
        max_age_days=max_age,
        enabled=raw.get("enabled", True),
        prune_xpath=tuple(prune),
        body_xpath=raw.get("body_xpath"),
        timezone=zone,
        club=raw.get("club"),
        _follow_re=tuple(compiled),
        **values,
    )


def parse_registry(text: str, path: Path | str = "<sources>") -> list[Source]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "YAML"
        raise _fail(path, where, f"not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, dict) or "sources" not in data:
        raise _fail(path, "top level", "expected a mapping with a 'sources:' list")
    extra = sorted(set(map(str, data)) - {"sources"})
    if extra:
        raise _fail(path, "top level", f"unknown key '{extra[0]}' (only 'sources' is allowed)")
    raw_sources = data["sources"]
    if not isinstance(raw_sources, list) or not raw_sources:
        raise _fail(path, "'sources'", "expected a non-empty list of sources")
    sources: list[Source] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_sources):
        source = parse_source(raw, index, path)
        if source.name in seen:
            raise _fail(path, f"source '{source.name}'", "duplicate name (names must be unique)")
        seen.add(source.name)
        sources.append(source)
    return sources


def load_registry(path: str | Path) -> list[Source]:
    """Read and validate a sources file; raise :class:`RegistryError` on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RegistryError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{path}: cannot read: {exc}") from None
    return parse_registry(text, path)


def select(sources: list[Source], names: list[str] | tuple[str, ...] | None) -> list[Source]:
    """The sources named on the command line (all enabled ones when none are named)."""
    if not names:
        return [s for s in sources if s.enabled]
    by_name = {s.name: s for s in sources}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise RegistryError(f"unknown source '{missing[0]}' (known: {', '.join(sorted(by_name))})")
    return [by_name[n] for n in names]
