"""The bundled offline demo: two small news sites built from real article texts
(see ``site/README.md``), served on 127.0.0.1 by :mod:`crawler.demo.server`."""
from __future__ import annotations

from pathlib import Path

from crawler.registry import Source, parse_registry

DEMO_SITE = Path(__file__).parent / "site"
#: Fixed loopback ports, so the demo's URLs are the same on every run and a second
#: ``transfernews demo`` shows the incremental crawl (nothing new, nothing refetched).
DEMO_PORTS = {"calciodemo": 18471, "sportdemo": 18472}


def demo_sources(server) -> list[Source]:
    """The demo registry with the running servers' addresses filled in."""
    path = DEMO_SITE / "sources.yaml"
    text = path.read_text("utf-8")
    return parse_registry(server.substitute(text, site=""), path)
