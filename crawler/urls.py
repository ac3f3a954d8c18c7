"""URL hygiene: what we fetch, and the key under which we remember it.

Two forms of every URL matter:

* the *fetch URL* — the link as found, minus fragments and tracking parameters.
  Stripping those is always safe: servers ignore them, and fetching ``?utm_source=rss``
  and ``?utm_source=twitter`` separately would only load the same page twice;
* the *URL key* — the fetch URL folded further (host case, ``www.``, default port,
  query parameter order, AMP markers) so that every spelling of one page maps to a
  single string.  The key is what the database keeps unique and what the incremental
  crawl looks up; it is never fetched, because folding ``www.`` or ``/amp/`` is only
  right for identity, not for addressing.

The rules live here and only here, so the crawler, the store and (later) the shared
Redis frontier all agree on what "the same URL" means.
"""
from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string

#: Query parameters that only track the visitor or the campaign; never part of a page's identity.
TRACKING_PARAMS = frozenset(
    """
    fbclid gclid gclsrc dclid msclkid yclid twclid ttclid li_fat_id wbraid gbraid igshid
    mc_cid mc_eid _ga _gl _hsenc _hsmi mkt_tok oly_anon_id oly_enc_id vero_id rb_clickid
    ref_src ref_url cmpid icid ocid xtor at_medium at_campaign at_source at_creation
    at_platform spm share shared sharing s_cid ito __twitter_impression sr_share
    fb_action_ids fb_action_types fb_source action_object_map action_type_map
    action_ref_map feature ns_source ns_mchannel ns_campaign ns_linkname ns_fee
    """.split()
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "ga_", "ns_")

#: Query parameters that mark an AMP copy of a page.
AMP_PARAMS = {"amp": None, "outputtype": "amp", "amp_js_v": None, "usqp": None}

# /a/amp/, /a/amp, /a/amp.html -> /a/ ; /a.amp.html -> /a.html ; /a.amp -> /a
_AMP_PATH_RE = re.compile(r"(/amp/?|/amp\.html?|\.amp(?:\.html?)?)$", re.I)


def _strip_amp_path(path: str) -> str:
    match = _AMP_PATH_RE.search(path)
    if not match:
        return path
    marker = match.group(1)
    if marker.startswith("/"):
        return path[: match.start()] + "/"
    return path[: match.start()] + marker[len(".amp"):]
_AMP_CACHE_RE = re.compile(r"^[a-z0-9-]+\.cdn\.ampproject\.org$", re.I)


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def fetch_url(url: str) -> str:
    """The URL to request: fragment and tracking parameters removed, unsafe characters escaped.

    Keeps every other parameter in its original order: ``?id=3`` or ``?page=2`` can be the
    page itself.
    """
    url = safe_url_string(url.strip())
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), ""))


def _unwrap_amp_cache(parts):
    """``https://x-it.cdn.ampproject.org/c/s/x.it/a/`` → ``https://x.it/a/``."""
    if not _AMP_CACHE_RE.match(parts.hostname or ""):
        return parts
    segments = parts.path.split("/")
    # /c/s/host/path (https) or /c/host/path (http); /v/ is the viewer variant
    if len(segments) > 3 and segments[1] in ("c", "v", "i"):
        secure = segments[2] == "s"
        rest = segments[3:] if secure else segments[2:]
        if rest and "." in rest[0]:
            return urlsplit(("https" if secure else "http") + "://" + "/".join(rest))
    return parts


def url_key(url: str) -> str:
    """The identity of a page: every spelling of one article gives the same key.

    Folds scheme (http/https), host case, a leading ``www.`` or ``amp.`` / ``m.`` label,
    the default port, parameter order, fragments, tracking parameters and AMP markers
    (``/amp/``, ``.amp.html``, ``?amp=1``, ``?outputType=amp``, the Google AMP cache).
    """
    parts = _unwrap_amp_cache(urlsplit(fetch_url(url)))
    host = (parts.hostname or "").rstrip(".")
    for prefix in ("www.", "amp.", "m."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
    port = parts.port
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = _strip_amp_path(parts.path) or "/"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not (k.lower() in AMP_PARAMS and AMP_PARAMS[k.lower()] in (None, v.lower()))
    ]
    # the scheme is folded too: an http and an https copy of one article are one article
    return canonicalize_url(urlunsplit(("http", netloc, path, urlencode(query), "")))


def host_of(url: str) -> str:
    """Lower-case host without ``www.``, with the port when it is not the default one:
    the unit of "same site" (two servers on one address are two sites)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    host = host[4:] if host.startswith("www.") else host
    try:
        port = parts.port
    except ValueError:
        port = None
    return host if port in (None, 80, 443) else f"{host}:{port}"


def is_home_page(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def is_private_host(url: str) -> bool:
    """True for loopback, private, link-local and reserved addresses and ``localhost``.

    A public source must never make the crawler fetch these (SSRF); see
    :func:`crawler.registry.Source.allows`.
    """
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not addr.is_global
