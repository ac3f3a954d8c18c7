"""One crawl at a time per database: an exclusive lock file, safe under ``kill -9``.

cron starts a run every hour whether or not the previous one has finished. Two crawls
writing the same database at once would double the load on every site and race for the
same URLs. The lock is an ``flock`` on a file beside the database (or in the working
directory for server databases). The kernel releases it when the process dies, however
it dies, so a crash never leaves a stale lock. The file records who holds it, for the
message the second run prints.
"""
from __future__ import annotations

import fcntl
import json
import os
import socket
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import make_url


class LockHeld(RuntimeError):
    """Another run holds the lock; the message says which."""


def lock_path_for(db_url: str) -> Path:
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).expanduser().resolve().with_suffix(".lock")
    return Path.cwd() / "transfernews.lock"


class RunLock:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> "RunLock":
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = self._holder(fd)
            os.close(fd)
            raise LockHeld(f"another crawl is running on this database ({holder}; lock file {self.path})") from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({
            "pid": os.getpid(), "host": socket.gethostname(),
            "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }).encode())
        self._fd = fd
        return self

    @staticmethod
    def _holder(fd: int) -> str:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            info = json.loads(os.read(fd, 4096) or b"{}")
            return f"pid {info.get('pid')} on {info.get('host')}, started {info.get('started')}"
        except (OSError, ValueError):
            return "holder unknown"

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "RunLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
