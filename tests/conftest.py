"""Shared fixtures: the repository root, fixture sites served on loopback, and a way
to run the real ``transfernews`` command line against them."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import services

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 120):
    """Run ``transfernews ARGS`` in a fresh interpreter (Scrapy's reactor runs once per
    process, exactly as under cron)."""
    full_env = dict(os.environ)
    full_env.pop("TRANSFERNEWS_DB", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args], cwd=cwd, env=full_env,
        capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture
def cli():
    return run_cli


# -- PostgreSQL and Redis (tests/services.py) ------------------------------------------------

def _service(starter):
    if services.skipped():
        pytest.skip(f"{services.SKIP_ENV}=skip: PostgreSQL and Redis tests skipped")
    try:
        service = starter()
    except services.ServiceUnavailable as exc:
        pytest.fail(f"{exc}\n(set {services.SKIP_ENV}=skip to skip the PostgreSQL and Redis tests)", pytrace=False)
    yield service
    if service.started_here and os.environ.get(services.KEEP_ENV) != "1":
        service.stop()


@pytest.fixture(scope="session")
def postgres_service():
    """A PostgreSQL server on 127.0.0.1, installed and started when missing."""
    yield from _service(services.ensure_postgres)


@pytest.fixture(scope="session")
def redis_service():
    """A Redis server on 127.0.0.1, installed and started when missing."""
    yield from _service(services.ensure_redis)


@pytest.fixture
def pg_url(request, postgres_service):
    """A fresh, empty PostgreSQL database for one test (dropped afterwards)."""
    import uuid

    name = f"tn_{request.node.name[:30].lower()}_{uuid.uuid4().hex[:8]}"
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    url = services.create_database(postgres_service.url, name)
    yield url
    services.drop_database(postgres_service.url, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """The same test on a SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
    else:
        yield request.getfixturevalue("pg_url")


def sites_registry(server, names: list[str], depth: int = 2) -> str:
    """A sources file for fixture sites served by ``server``, from each site's
    ``_expected.json`` seeds (sitemaps, feeds and listing pages)."""
    import json

    lines = ["sources:"]
    for name in names:
        manifest = json.loads((FIXTURES / "sites" / name / "_expected.json").read_text("utf-8"))
        groups = {"feeds": [], "sitemaps": [], "pages": []}
        for seed in manifest["seeds"]:
            key = "sitemaps" if "sitemap" in seed else "feeds" if seed.endswith(".xml") else "pages"
            groups[key].append(server.base(name) + seed)
        lines += [f"  - name: {name}", f"    kind: {manifest.get('kind', 'news')}", f"    depth: {depth}"]
        lines += [f"    {k}: {json.dumps(v)}" for k, v in groups.items() if v]
    return "\n".join(lines) + "\n"


def pytest_sessionfinish(session, exitstatus):
    """A run in which nothing passed (all skipped, or nothing collected) is a failure:
    CI must never go green on tests that did not run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    passed = len(reporter.stats.get("passed", [])) if reporter else 0
    if exitstatus == 0 and passed == 0:
        session.exitstatus = 5
