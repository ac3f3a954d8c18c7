"""A real headless Chromium for the browser tests (Debian's ``chromium``, driven by
Playwright through ``executable_path``; ``playwright install`` is never used).

:func:`ensure_chromium` installs Chromium with apt-get when ``/usr/bin/chromium`` is
missing, and fails the test with the reason when it cannot. With
``TRANSFERNEWS_TEST_SERVICES=skip`` it skips instead, without installing anything.

:func:`open_browser` starts it with the flags that keep it off the network
(``--disable-background-networking`` and friends: without them it hangs on refused
connections to update and sync services) and a fresh profile directory, and records
every request and console message of its pages, so tests can assert on both.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
APT_INSTALL = ["apt-get", "install", "-y", "-o", "DPkg::Lock::Timeout=600", "chromium", "chromium-driver"]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SKIP_VAR = "TRANSFERNEWS_TEST_SERVICES"


def _unavailable(message: str):
    if os.environ.get(SKIP_VAR) == "skip":
        pytest.skip(f"{message} ({SKIP_VAR}=skip)")
    pytest.fail(f"{message}. Install it (apt-get install chromium chromium-driver) or set {SKIP_VAR}=skip "
                f"to skip the browser tests.", pytrace=False)


def _chromium_path() -> str | None:
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium")


def ensure_chromium() -> str:
    """The path of a Chromium binary, installing Debian's package when it is missing."""
    found = _chromium_path()
    if found:
        return found
    if os.environ.get(SKIP_VAR) == "skip":
        pytest.skip(f"no Chromium at {CHROMIUM} ({SKIP_VAR}=skip)")
    if shutil.which("apt-get") is None:
        _unavailable(f"no Chromium at {CHROMIUM} and no apt-get to install it")
    command = APT_INSTALL if os.geteuid() == 0 else ["sudo", "-n", *APT_INSTALL]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    outputs = []
    for attempt in ("install", "update then install"):
        if attempt != "install":  # the package lists may be missing or stale
            update = command[:command.index("apt-get") + 1] + ["update"]
            done = subprocess.run(update, env=env, capture_output=True, text=True, timeout=1200)
            outputs.append(done.stdout[-1000:] + done.stderr[-1000:])
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
        except (OSError, subprocess.TimeoutExpired) as exc:
            outputs.append(str(exc))
            continue
        outputs.append(done.stdout[-1500:] + done.stderr[-1500:])
        found = _chromium_path()
        if done.returncode == 0 and found:
            return found
    _unavailable(f"no Chromium at {CHROMIUM}, and `{' '.join(command)}` could not install it:\n"
                 + "\n".join(outputs)[-3000:])
    raise AssertionError("unreachable")


@dataclass
class Browser:
    """A browser context whose pages' requests and console messages are recorded."""

    context: object
    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def new_page(self):
        page = self.context.new_page()
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: self.console.append((message.type, message.text)))
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        return page

    def errors(self) -> list[str]:
        return [text for kind, text in self.console if kind == "error"] + self.page_errors


@contextmanager
def open_browser():
    """Headless Chromium with a fresh profile, closed afterwards."""
    executable = ensure_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the browser tests need Playwright: pip install -e '.[test]'")
    profile = Path(tempfile.mkdtemp(prefix="transfernews-chromium-"))
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                str(profile), executable_path=executable, headless=True, args=FLAGS, timeout=60_000)
            try:
                context.set_default_timeout(30_000)
                yield Browser(context)
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
