"""PostgreSQL and Redis for the tests: installed from the distribution when missing,
started on 127.0.0.1 with data under ``.cache/services/`` of this checkout.

* ``ensure_postgres()`` / ``ensure_redis()`` are idempotent. A server that already
  answers on this checkout's port with this checkout's data directory is reused;
  otherwise the packages are installed if their binaries are missing (``apt-get install
  postgresql redis-server``, waiting up to 10 minutes for the dpkg lock), a cluster is
  created with ``initdb`` (as the ``postgres`` user when we are root) and the server is
  started. Each returns a :class:`Service` with its URL and whether this call started it.
* The ports are fixed per checkout (derived from the path, away from 5432 and 6379), so
  two checkouts on one machine never share a server, and a server left running is found
  again by the next session.
* The pytest fixtures (``tests/conftest.py``) stop the servers they started when the
  session ends, unless ``TRANSFERNEWS_TEST_KEEP_SERVICES=1``.
  ``python tests/services.py start|stop|status`` does the same by hand.
* When a server cannot be installed or started, :class:`ServiceUnavailable` says why,
  and the tests fail with that message. ``TRANSFERNEWS_TEST_SERVICES=skip`` turns the
  PostgreSQL and Redis tests into skips instead (the SQLite ones still run).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "services"
SKIP_ENV = "TRANSFERNEWS_TEST_SERVICES"
KEEP_ENV = "TRANSFERNEWS_TEST_KEEP_SERVICES"
_OFFSET = zlib.crc32(str(ROOT).encode()) % 2000
PG_PORT = int(os.environ.get("TRANSFERNEWS_TEST_PG_PORT", 55000 + _OFFSET))
REDIS_PORT = int(os.environ.get("TRANSFERNEWS_TEST_REDIS_PORT", 57000 + _OFFSET))
APT = ["apt-get", "install", "-y", "-q", "-o", "DPkg::Lock::Timeout=600", "--no-install-recommends"]


class ServiceUnavailable(RuntimeError):
    """A server could not be installed or started; the message says what to do."""


@dataclass
class Service:
    name: str
    url: str
    port: int
    started_here: bool

    def stop(self) -> None:
        stop(self.name)


def skipped() -> bool:
    return os.environ.get(SKIP_ENV, "").lower() == "skip"


def _run(cmd: list[str], timeout: float = 900, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _apt_install(*packages: str) -> None:
    if shutil.which("apt-get") is None:
        raise ServiceUnavailable(f"{', '.join(packages)} missing and no apt-get here: install them by hand "
                                 f"(or set {SKIP_ENV}=skip to skip the tests that need them)")
    if os.geteuid() != 0:
        raise ServiceUnavailable(f"{', '.join(packages)} missing and installing needs root: "
                                 f"sudo apt-get install {' '.join(packages)} (or set {SKIP_ENV}=skip)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    result = _run(APT + list(packages), env=env)
    if result.returncode != 0:  # stale package lists: update once, then try again
        _run(["apt-get", "update", "-q", "-o", "DPkg::Lock::Timeout=600"], env=env)
        result = _run(APT + list(packages), env=env)
    if result.returncode != 0:
        raise ServiceUnavailable(f"apt-get install {' '.join(packages)} failed:\n{result.stderr[-2000:]}")


# -- PostgreSQL ----------------------------------------------------------------------------

def _pg_bin(name: str) -> Path | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name)
                      if p.parent.name.isdigit() else 0)
    for folder in reversed(versions):
        if (folder / name).exists():
            return folder / name
    found = shutil.which(name)
    return Path(found) if found else None


def _as_pg_owner(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    """Run a PostgreSQL server command; as root, as the ``postgres`` user (the server
    refuses to run as root)."""
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    return _run(cmd, **kw)


def _pg_url(database: str = "postgres") -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:{PG_PORT}/{database}"


def _pg_is_ours(data: Path) -> bool:
    try:
        import psycopg
    except ImportError as exc:
        raise ServiceUnavailable("psycopg is missing: pip install -e '.[test]'") from exc
    try:
        with psycopg.connect(f"host=127.0.0.1 port={PG_PORT} user=postgres dbname=postgres", connect_timeout=3) as c:
            (directory,) = c.execute("SHOW data_directory").fetchone()
    except psycopg.Error:
        return False
    return Path(directory).resolve() == data.resolve()


def _pg_data_dir() -> Path:
    """``.cache/services/postgres`` of this checkout, unless the ``postgres`` user cannot
    reach it (a checkout inside a private directory): then a folder in the temp dir."""
    import pwd

    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return CACHE / "postgres"  # not installed yet
    if os.geteuid() != 0 or _as_pg_owner(["test", "-x", str(CACHE)]).returncode == 0:
        return CACHE / "postgres"
    import tempfile

    return Path(tempfile.gettempdir()) / f"transfernews-services-{_OFFSET}" / "postgres"


def ensure_postgres() -> Service:
    if _listening(PG_PORT):
        if _pg_is_ours(_pg_data_dir()):
            return Service("postgres", _pg_url(), PG_PORT, False)
        raise ServiceUnavailable(f"port {PG_PORT} is taken by another server; set TRANSFERNEWS_TEST_PG_PORT")
    if _pg_bin("initdb") is None or _pg_bin("pg_ctl") is None:
        _apt_install("postgresql")
    data = _pg_data_dir()  # after the install: it creates the postgres user
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise ServiceUnavailable("PostgreSQL installed but initdb/pg_ctl not found")
    if not (data / "PG_VERSION").exists():
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(data, "postgres", "postgres")
        result = _as_pg_owner([str(initdb), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                               "--locale=C.UTF-8", "--no-sync"])
        if result.returncode != 0:
            raise ServiceUnavailable(f"initdb failed:\n{result.stdout[-1000:]}\n{result.stderr[-1000:]}")
    options = (f"-c listen_addresses=127.0.0.1 -c port={PG_PORT} -c unix_socket_directories='' "
               "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    log = data / "server.log"
    result = _as_pg_owner([str(pg_ctl), "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start"])
    if result.returncode != 0 or not _pg_is_ours(data):
        tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
        raise ServiceUnavailable(f"PostgreSQL did not start on port {PG_PORT}:\n{result.stderr[-1000:]}\n{tail}")
    return Service("postgres", _pg_url(), PG_PORT, True)


# -- Redis ------------------------------------------------------------------------------------

def _redis_is_ours(data: Path) -> bool:
    try:
        import redis
    except ImportError as exc:
        raise ServiceUnavailable("redis (the Python client) is missing: pip install -e '.[test]'") from exc
    try:
        client = redis.Redis(host="127.0.0.1", port=REDIS_PORT, socket_timeout=3)
        directory = client.config_get("dir").get("dir")
    except redis.RedisError:
        return False
    return directory is not None and Path(directory).resolve() == data.resolve()


def ensure_redis() -> Service:
    data = CACHE / "redis"
    url = f"redis://127.0.0.1:{REDIS_PORT}/0"
    if _listening(REDIS_PORT):
        if _redis_is_ours(data):
            return Service("redis", url, REDIS_PORT, False)
        raise ServiceUnavailable(f"port {REDIS_PORT} is taken by another server; set TRANSFERNEWS_TEST_REDIS_PORT")
    server = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists()
                                              else None)
    if server is None:
        _apt_install("redis-server")
        server = shutil.which("redis-server") or "/usr/bin/redis-server"
    data.mkdir(parents=True, exist_ok=True)
    result = _run([server, "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--dir", str(data),
                   "--daemonize", "yes", "--pidfile", str(data / "redis.pid"), "--logfile", str(data / "redis.log"),
                   "--save", "", "--appendonly", "no", "--protected-mode", "yes"])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not _redis_is_ours(data):
        time.sleep(0.1)
    if result.returncode != 0 or not _redis_is_ours(data):
        raise ServiceUnavailable(f"redis-server did not start on port {REDIS_PORT}: {result.stderr[-1000:]}")
    return Service("redis", url, REDIS_PORT, True)


def stop(name: str) -> None:
    if name == "postgres":
        pg_ctl = _pg_bin("pg_ctl")
        data = _pg_data_dir()
        if pg_ctl and (data / "postmaster.pid").exists():
            _as_pg_owner([str(pg_ctl), "-D", str(data), "-m", "fast", "-w", "stop"], timeout=120)
    elif name == "redis":
        pid_file = CACHE / "redis" / "redis.pid"
        if _listening(REDIS_PORT) and _redis_is_ours(CACHE / "redis"):
            import redis

            try:
                redis.Redis(host="127.0.0.1", port=REDIS_PORT).shutdown(nosave=True)
            except redis.RedisError:
                pass  # the connection closes as the server exits
        pid_file.unlink(missing_ok=True)


def create_database(admin_url: str, name: str) -> str:
    """A new empty PostgreSQL database ``name``; returns its SQLAlchemy URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=url.database,
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, name: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=url.database,
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "status"
    if action == "start":
        for service in (ensure_postgres(), ensure_redis()):
            print(f"{service.name}: {service.url}" + (" (started)" if service.started_here else " (running)"))
    elif action == "stop":
        stop("postgres")
        stop("redis")
        print("stopped")
    else:
        print(f"postgres: {_pg_url()} {'up' if _listening(PG_PORT) else 'down'}")
        print(f"redis: redis://127.0.0.1:{REDIS_PORT}/0 {'up' if _listening(REDIS_PORT) else 'down'}")
