"""Serve folders of static pages as websites on 127.0.0.1, one port per site.

Used by ``transfernews demo`` (so the product can be tried with no internet) and by the
test-suite (every crawl test talks real HTTP to it). The rules:

* ``/a/b/`` serves ``a/b/index.html``, ``/a/b.html`` serves ``a/b.html``; the query
  string is ignored; files whose name starts with ``_`` are never served;
* ``{{BASE}}`` in a text file becomes ``http://127.0.0.1:PORT`` of its own site and
  ``{{BASE:name}}`` that of site ``name``;
* ``X.gz`` that does not exist is served as the gzip of ``X`` (sitemaps);
* ``_routes.json`` maps exact paths to ``{"status": 301, "location": "/x/"}`` or
  ``{"status": 500}``;
* ``ETag`` / ``Last-Modified`` are sent and ``If-None-Match`` /
  ``If-Modified-Since`` answered with 304, like a well-behaved news server;
* every request is logged (:attr:`SiteServer.log`) so tests can assert what was fetched;
* hostile behaviours for the fault-injection tests, per route: ``{"hang": true}`` (accept,
  never answer), ``{"slow": true}`` (a byte a second), ``{"reset": true}`` (reset
  mid-body), ``{"status": 503, "retry_after": 1}``, ``{"gzip_bomb": MB}``,
  ``{"truncated_gzip": true}``, ``{"body": "...", "content_type": "..."}`` (served as is,
  encoded with ``encoding``), ``{"parts": [["text", "encoding"], ...]}`` (one body mixing
  encodings), ``{"generate": "deep" | "binary" | "nul" | "huge"}``,
  ``{"sitemap_urls": N, "prefix": "/big/", "pad": BYTES, "gzip": "file" | "encoding" |
  "wrong-type" | "double"}`` (a sitemap of N article URLs ``/big/<i>/``, made on request,
  each padded with an image caption, optionally gzipped: see ``_SITEMAP_GZIP``) and ``{"sitemap_trap": true}`` (a sitemap index that links to
  itself under a new query string on every answer).
  Everything is bounded: a hanging or slow answer stops after ``HOSTILE_MAX_SECONDS``.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".pdf": "application/pdf",
    ".gz": "application/gzip",
    ".yaml": "text/plain; charset=utf-8",
}
BASE_RE = re.compile(r"\{\{BASE(?::([A-Za-z0-9_.-]+))?\}\}")
#: A fixed Last-Modified for all fixture files: content changes are signalled by ETag.
LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)
#: the longest a hostile route keeps a connection (tests must stay bounded in time)
HOSTILE_MAX_SECONDS = 20


@functools.lru_cache(maxsize=8)
def _generated(kind: str) -> tuple[bytes, str]:
    """Bodies made for the fault-injection routes, once (made before the first request:
    200 000 random bytes took long enough on a loaded machine to hit a test's 3 s
    download timeout)."""
    if kind == "deep":
        return (b"<html><body>" + b"<div>" * 20000 + b"<p>deep</p>" + b"</div>" * 20000 + b"</body></html>",
                "text/html; charset=utf-8")
    if kind == "binary":
        import random

        return bytes(random.Random(3).randrange(256) for _ in range(200_000)), "text/html"
    if kind == "nul":
        text = ("<html><head><meta property='og:type' content='article'><meta property='article:published_time' "
                "content='2024-03-12T10:00:00+01:00'></head><body><article><h1>Titolo\x00 con NUL</h1>"
                + "".join(f"<p>Testo\x00\x01\x02 dell'articolo, paragrafo numero {i}.</p>" for i in range(30)))
        return (text + "</article></body></html>").encode("utf-8"), "text/html; charset=utf-8"
    if kind == "huge":
        return b"<html><body>" + b"<p>" + b"x" * (12 * 1024 * 1024) + b"</p></body></html>", "text/html; charset=utf-8"
    raise ValueError(kind)


@functools.lru_cache(maxsize=4)
def _big_sitemap(base: str, count: int, prefix: str = "/big/", pad: int = 0) -> bytes:
    """A urlset of ``count`` article URLs (the sitemap protocol allows 50 000 per file),
    each with ``pad`` bytes of image caption (a large file with few URLs)."""
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n')
    caption = f"<image:image><image:caption>{'x' * pad}</image:caption></image:image>" if pad else ""
    rows = "".join(f"<url><loc>{base}{prefix}{i}/</loc><lastmod>2024-03-{1 + i % 28:02d}T10:00:00+01:00</lastmod>"
                   f"{caption}</url>\n" for i in range(count))
    return (head + rows + "</urlset>\n").encode("utf-8")


#: how a generated sitemap is compressed: as a ``.gz`` file, with ``Content-Encoding``,
#: a gzip file labelled as plain XML, or a gzip file sent with ``Content-Encoding`` on top
_SITEMAP_GZIP = {
    None: lambda b: (b, {"Content-Type": "application/xml"}),
    "file": lambda b: (gzip.compress(b, mtime=0), {"Content-Type": "application/x-gzip"}),
    "encoding": lambda b: (gzip.compress(b, mtime=0), {"Content-Type": "application/xml", "Content-Encoding": "gzip"}),
    "wrong-type": lambda b: (gzip.compress(b, mtime=0), {"Content-Type": "application/xml"}),
    "double": lambda b: (gzip.compress(gzip.compress(b, mtime=0), mtime=0),
                         {"Content-Type": "application/x-gzip", "Content-Encoding": "gzip"}),
}


@functools.lru_cache(maxsize=4)
def _gzip_bomb(megabytes: int) -> bytes:
    """Compressed once per size: compressing 200 MB took the server seconds on every
    request, longer than a test's download timeout on a busy machine."""
    compressor = __import__("zlib").compressobj(9, __import__("zlib").DEFLATED, 31)
    chunk = b"\0" * (1024 * 1024)
    return b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()


@dataclass
class LoggedRequest:
    site: str
    method: str
    path: str
    status: int
    headers: dict[str, str]
    #: when the request arrived (time.monotonic()), to measure request rates
    time: float = field(default_factory=time.monotonic)


class _Handler(BaseHTTPRequestHandler):
    server_version = "transfernews-fixture/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet: the server log is kept in memory
        pass

    def do_HEAD(self):
        self.arrived = time.monotonic()
        self._serve(head=True)

    def do_GET(self):
        self.arrived = time.monotonic()
        self._serve(head=False)

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, head: bool = False):
        self.send_response(status)
        headers = dict(headers or {})
        headers.setdefault("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if body and not head:
            self.wfile.write(body)
        site: _SiteHTTPServer = self.server  # type: ignore[assignment]
        site.owner.log.append(LoggedRequest(site.name, self.command, self.path, status, dict(self.headers),
                                            getattr(self, "arrived", time.monotonic())))

    def _hostile(self, route: dict, head: bool) -> bool:
        """Serve a fault-injection route; True when it was one."""
        import socket
        import struct

        site: _SiteHTTPServer = self.server  # type: ignore[assignment]
        log = LoggedRequest(site.name, self.command, self.path, 0, dict(self.headers),
                            getattr(self, "arrived", time.monotonic()))
        if route.get("hang"):
            site.owner.log.append(log)
            time.sleep(HOSTILE_MAX_SECONDS)
            self.close_connection = True
            return True
        if route.get("slow"):
            site.owner.log.append(log)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(HOSTILE_MAX_SECONDS):
                    self.wfile.write(b"<")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
            self.close_connection = True
            return True
        if route.get("reset"):
            site.owner.log.append(log)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "50000")
            self.end_headers()
            self.wfile.write(b"<html><body><p>half a page")
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return True
        if "gzip_bomb" in route or route.get("truncated_gzip"):
            body = _gzip_bomb(int(route.get("gzip_bomb", 1)))
            if route.get("truncated_gzip"):
                body = gzip.compress(("<html><body>" + "<p>testo troncato</p>" * 2000).encode())[:-2000]
            self._send(200, body, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}, head)
            return True
        if "generate" in route:
            body, content_type = _generated(route["generate"])
            self._send(200, body, {"Content-Type": content_type}, head)
            return True
        if "sitemap_urls" in route:
            body = _big_sitemap(site.owner.base(site.name), int(route["sitemap_urls"]), route.get("prefix", "/big/"),
                                int(route.get("pad", 0)))
            self._send(200, *_SITEMAP_GZIP[route.get("gzip")](body), head)
            return True
        if route.get("sitemap_trap"):
            query = urlsplit(self.path).query
            n = int(query[2:]) + 1 if query.startswith("n=") and query[2:].isdigit() else 1
            base = site.owner.base(site.name) + urlsplit(self.path).path
            body = ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
                    f'sitemap/0.9"><sitemap><loc>{base}?n={n}</loc></sitemap></sitemapindex>').encode()
            self._send(200, body, {"Content-Type": "application/xml"}, head)
            return True
        if "parts" in route:
            body = b"".join(text.encode(encoding) for text, encoding in route["parts"])
            headers = {"Content-Type": route["content_type"]} if route.get("content_type") else {}
            self._send(int(route.get("status", 200)), body, headers, head)
            return True
        if "body" in route:
            body = route["body"].encode(route.get("encoding", "utf-8"))
            headers = {"Content-Type": route["content_type"]} if route.get("content_type") else {}
            self._send(int(route.get("status", 200)), body, headers, head)
            return True
        return False

    def _serve(self, head: bool):
        site: _SiteHTTPServer = self.server  # type: ignore[assignment]
        path = unquote(urlsplit(self.path).path) or "/"
        route = site.routes.get(path)
        if route is not None and self._hostile(route, head):
            return
        if route is not None:
            status = int(route.get("status", 200))
            headers = {}
            if "location" in route:
                headers["Location"] = site.owner.substitute(route["location"], site.name)
            if "retry_after" in route:
                headers["Retry-After"] = str(route["retry_after"])
            if status >= 300:
                return self._send(status, b"", headers, head)
        result = site.owner.render(site.name, path)
        if result is None:
            return self._send(404, b"<html><body><h1>Not found</h1></body></html>",
                              {"Content-Type": "text/html; charset=utf-8"}, head)
        body, content_type = result
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            return self._send(304, b"", {"ETag": etag, "Last-Modified": LAST_MODIFIED}, head)
        since = self.headers.get("If-Modified-Since")
        if since and not self.headers.get("If-None-Match"):
            try:
                if parsedate_to_datetime(since) >= parsedate_to_datetime(LAST_MODIFIED):
                    return self._send(304, b"", {"ETag": etag, "Last-Modified": LAST_MODIFIED}, head)
            except (TypeError, ValueError):
                pass
        self._send(200, body, {"Content-Type": content_type, "ETag": etag, "Last-Modified": LAST_MODIFIED}, head)


class _SiteHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        """Clients that hang up (timeouts, size caps) are expected here: stay quiet."""

    def __init__(self, owner: "SiteServer", name: str, routes: dict, port: int = 0):
        super().__init__(("127.0.0.1", port), _Handler)
        self.owner = owner
        self.name = name
        self.routes = routes


class SiteServer:
    """Serves every sub-folder of ``root`` (or the folders given) as one site each."""

    def __init__(self, root: str | Path, sites: list[str] | None = None, ports: dict[str, int] | None = None):
        """``ports`` asks for fixed ports (the demo wants stable URLs across runs, so a
        second run is incremental); a port that is taken falls back to a free one."""
        self.root = Path(root)
        names = sites or sorted(p.name for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
        self.servers: dict[str, _SiteHTTPServer] = {}
        for name in names:
            routes_file = self.root / name / "_routes.json"
            routes = json.loads(routes_file.read_text("utf-8")) if routes_file.exists() else {}
            for route in routes.values():  # made before the first request, not during it
                if isinstance(route, dict) and ("gzip_bomb" in route or route.get("truncated_gzip")):
                    _gzip_bomb(int(route.get("gzip_bomb", 1)))
                if isinstance(route, dict) and "generate" in route:
                    _generated(route["generate"])
            try:
                self.servers[name] = _SiteHTTPServer(self, name, routes, (ports or {}).get(name, 0))
            except OSError:
                self.servers[name] = _SiteHTTPServer(self, name, routes)
        self.log: list[LoggedRequest] = []
        self._threads: list[threading.Thread] = []

    # -- addresses --------------------------------------------------------------------------

    def base(self, name: str) -> str:
        return f"http://127.0.0.1:{self.servers[name].server_address[1]}"

    @property
    def bases(self) -> dict[str, str]:
        return {name: self.base(name) for name in self.servers}

    def substitute(self, text: str, site: str) -> str:
        def repl(match: re.Match) -> str:
            name = match.group(1) or site
            return self.base(name) if name in self.servers else match.group(0)

        return BASE_RE.sub(repl, text)

    # -- content ------------------------------------------------------------------------------

    def _file_for(self, site: str, path: str) -> Path | None:
        folder = (self.root / site).resolve()
        relative = path.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        candidate = (folder / relative).resolve()
        if folder not in candidate.parents or any(part.startswith("_") for part in candidate.relative_to(folder).parts):
            return None
        return candidate if candidate.is_file() else None

    def render(self, site: str, path: str) -> tuple[bytes, str] | None:
        """Body and content type for ``path`` of ``site``, or ``None`` (404)."""
        file = self._file_for(site, path)
        gzipped = False
        if file is None and path.endswith(".gz"):
            file, gzipped = self._file_for(site, path[:-3]), True
        if file is None:
            return None
        suffix = file.suffix.lower()
        content_type = CONTENT_TYPES.get(suffix, "application/octet-stream")
        body = file.read_bytes()
        if suffix in (".html", ".htm", ".xml", ".rss", ".atom", ".txt", ".json", ".yaml"):
            body = self.substitute(body.decode("utf-8"), site).encode("utf-8")
        if gzipped:
            return gzip.compress(body, mtime=0), CONTENT_TYPES[".gz"]
        return body, content_type

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> "SiteServer":
        for server in self.servers.values():
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self.servers.values():
            server.shutdown()
            server.server_close()

    def __enter__(self) -> "SiteServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def requests_for(self, site: str | None = None, method: str = "GET") -> list[str]:
        """Paths (with query) requested, optionally of one site only."""
        return [r.path for r in self.log if (site is None or r.site == site) and r.method == method]
