"""Fixtures for the browser tests: one real Streamlit server and one headless Chromium for the e2e package."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import REPO_ROOT, StreamlitServer, chromium_available, launch_chromium

SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
VIEWPORT = {"width": 1600, "height": 1000}


@pytest.fixture(scope="package")
def chromium() -> None:
    """Skip the browser tests when Debian's chromium is not installed (CI installs it)."""
    if not chromium_available():
        pytest.skip("/usr/bin/chromium ontbreekt: installeer Debian-chromium (apt-get install chromium) voor de browsertests")


@pytest.fixture(scope="package")
def dashboard_server(chromium: None, built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """The real dashboard (``streamlit run dashboard/app.py``) on a free loopback port, reading the session's store.

    Package-scoped: started once for all browser tests and stopped when they are done, so it does not
    idle through the rest of the test run.
    """
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with StreamlitServer(built_store, log_path=log) as server:
        yield server


@pytest.fixture(scope="package")
def browser(chromium: None) -> Iterator[Any]:
    """One headless Chromium (software WebGL) for all browser tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = launch_chromium(playwright)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="package")
def browser_context(browser: Any) -> Iterator[Any]:
    """One context (shared HTTP cache, downloads accepted); every test opens its own page in it."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="nl-NL")
    context.set_default_timeout(60_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(browser_context: Any) -> Iterator[Any]:
    """A fresh page (its own Streamlit session), closed afterwards."""
    p = browser_context.new_page()
    try:
        yield p
    finally:
        p.close()


@pytest.fixture(scope="package")
def screenshot_dir() -> Path:
    """``artifacts/screenshots`` (git-ignored), created on demand."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
