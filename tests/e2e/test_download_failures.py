"""Issue 24 points 2 and 3 in the real browser: a PDF clicked after a store rollout.

A private server reads a private copy of the store, so the file can be replaced under it: by a broken file (a bad
rollout: the Dutch store notice under the button, no traceback in the server log) or by a good new build (the PDF
says in Dutch that the data changed instead of mixing the new figures into the page the visitor saw).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import corrupt_store
from tests.e2e.harness import JS_SVG_MAPS_PAINTED, PageWatch, StreamlitServer, exception_texts, wait_idle

pytestmark = pytest.mark.browser

LABEL = "Download regioprofiel (PDF)"
BUTTON_ERROR = '[data-testid="stDownloadButtonError"]'


@pytest.fixture
def private_server(chromium: None, built_store: Path, tmp_path: Path) -> Iterator[tuple[StreamlitServer, Path]]:
    folder = tmp_path / "store"
    folder.mkdir()
    store = folder / "brede_welvaart.duckdb"
    shutil.copyfile(built_store, store)
    with StreamlitServer(store, log_path=tmp_path / "server.log") as server:
        yield server, store


def _open_region(context: Any, server: StreamlitServer) -> tuple[Any, PageWatch]:
    page = context.new_page()
    watch = PageWatch(page)
    page.goto(server.url("/twente"), wait_until="domcontentloaded")
    wait_idle(page)
    page.wait_for_function(JS_SVG_MAPS_PAINTED, timeout=60_000, polling=100)
    return page, watch


def _click_pdf(page: Any) -> str:
    """Click the profile button and return the message shown under it (no file may arrive)."""
    downloads: list[Any] = []
    page.on("download", lambda d: downloads.append(d))
    button = page.locator('[data-testid="stDownloadButton"] button').filter(has_text=LABEL, visible=True)
    button.scroll_into_view_if_needed()
    button.click()
    error = page.locator(BUTTON_ERROR).first
    error.wait_for(timeout=60_000)
    assert downloads == [], "a file arrived although the store changed"
    return error.inner_text()


def test_pdf_after_bad_rollout_gives_the_dutch_store_notice(browser_context: Any,
                                                            private_server: tuple[StreamlitServer, Path]) -> None:
    server, store = private_server
    page, watch = _open_region(browser_context, server)
    try:
        broken = corrupt_store(store, store.parent / "kapot.duckdb", "truncate_half")
        os.replace(broken, store)  # the rollout: an atomic rename, as the loader and DEPLOY.md do it
        text = _click_pdf(page)
        assert "De gegevens zijn op dit moment niet beschikbaar" in text, text
        assert "Failed" not in text, text
        assert exception_texts(page) == [] and watch.all_problems() == []
    finally:
        page.close()
    log = server.log_tail(200_000)
    assert "Traceback" not in log, log[-3000:]
    assert "Failed to generate" not in log and "Error executing deferred callable" not in log
    assert str(store) in log, "the detail (path, cause) belongs in the log, once"


def test_pdf_after_good_rollout_says_the_data_changed(browser_context: Any, built_store: Path,
                                                      private_server: tuple[StreamlitServer, Path]) -> None:
    server, store = private_server
    page, watch = _open_region(browser_context, server)
    try:
        fresh = store.parent / "nieuw.duckdb"
        shutil.copyfile(built_store, fresh)  # a new inode and mtime: another build as far as the app can tell
        os.replace(fresh, store)
        text = _click_pdf(page)
        assert "De gegevens zijn bijgewerkt sinds deze pagina werd geladen" in text, text
        page.reload(wait_until="domcontentloaded")  # after a reload the PDF is the new build's
        wait_idle(page)
        page.wait_for_function(JS_SVG_MAPS_PAINTED, timeout=60_000, polling=100)
        button = page.locator('[data-testid="stDownloadButton"] button').filter(has_text=LABEL, visible=True)
        with page.expect_download(timeout=60_000) as info:
            button.click()
        assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
        assert exception_texts(page) == [] and watch.all_problems() == []
    finally:
        page.close()
    assert "Traceback" not in server.log_tail(200_000)
