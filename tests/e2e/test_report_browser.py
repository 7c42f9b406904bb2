"""The "Download regioprofiel (PDF)" button in the real browser: on the region page (sidebar) and in presentation
mode the file arrives with its name and is a two-page PDF; the page keeps working afterwards."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import JS_SVG_MAPS_PAINTED, PageWatch, StreamlitServer, exception_texts, wait_idle

pytestmark = pytest.mark.browser

LABEL = "Download regioprofiel (PDF)"
PAGE_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)")


def _download(page: Any) -> tuple[str, bytes]:
    """Click the profile button (exactly one visible) and return the suggested file name and the bytes."""
    button = page.locator('[data-testid="stDownloadButton"] button').filter(has_text=LABEL, visible=True)
    assert button.count() == 1, f"knop '{LABEL}' niet (precies één keer zichtbaar) gevonden"
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert download.failure() is None, download.failure()
    return download.suggested_filename, Path(download.path()).read_bytes()


def _check_pdf(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF"), pdf[:20]
    assert len(pdf) <= 1_000_000
    match = PAGE_COUNT.search(pdf)
    assert match and int(match.group(1)) == 2, "het regioprofiel hoort twee pagina's te hebben"


@pytest.mark.parametrize(("path", "file_name"), [
    ("/twente", "regioprofiel_twente.pdf"),
    ("/veenkolonien?afbakening=corop", "regioprofiel_veenkolonien_corop.pdf"),
], ids=["twente", "veenkolonien-corop"])
def test_region_page_profile_download(page: Any, dashboard_server: StreamlitServer, path: str, file_name: str) -> None:
    watch = PageWatch(page)
    page.goto(dashboard_server.url(path), wait_until="domcontentloaded")
    wait_idle(page)
    page.wait_for_function(JS_SVG_MAPS_PAINTED, timeout=60_000, polling=100)
    name, pdf = _download(page)
    assert name == file_name
    _check_pdf(pdf)
    wait_idle(page)
    assert exception_texts(page) == []
    assert watch.all_problems() == []


def test_presentation_profile_download(page: Any, dashboard_server: StreamlitServer) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    watch = PageWatch(page)
    page.goto(dashboard_server.url("/zuid-limburg?presentatie=1"), wait_until="domcontentloaded")
    wait_idle(page)
    page.wait_for_function(JS_SVG_MAPS_PAINTED, timeout=60_000, polling=100)
    assert page.locator('[data-testid="stDownloadButton"] button').filter(has_text=LABEL, visible=True).count() == 1
    name, pdf = _download(page)
    assert name == "regioprofiel_zuid-limburg.pdf"
    _check_pdf(pdf)
    wait_idle(page)
    assert "presentatie=1" in page.url, "de download hoort de presentatie niet te verlaten"
    assert exception_texts(page) == []
    assert watch.all_problems() == []


@pytest.mark.parametrize(("path", "label", "file_name"), [
    ("/gebied?code=GM0928", "Download gebiedsprofiel (PDF)", "gebiedsprofiel_GM0928.pdf"),
    ("/gebied?gemeenten=GM0014,GM0037,GM0047,GM0050,GM0059", "Download profiel van deze eigen regio (PDF)",
     "eigen-regio_5-gemeenten_GM0014-GM0059.pdf"),
], ids=["gemeente", "eigen-regio"])
def test_area_and_own_region_profile_download(page: Any, dashboard_server: StreamlitServer, path: str, label: str,
                                             file_name: str) -> None:
    """An own region of 5 gemeenten (and a gemeente) shows its figures and its PDF downloads (issue 21)."""
    watch = PageWatch(page)
    page.goto(dashboard_server.url(path), wait_until="domcontentloaded")
    wait_idle(page)
    page.wait_for_function(JS_SVG_MAPS_PAINTED, timeout=60_000, polling=100)
    page.get_by_text("Kerncijfers").first.wait_for()
    button = page.locator('[data-testid="stDownloadButton"] button').filter(has_text=label, visible=True)
    assert button.count() == 1, f"knop '{label}' niet gevonden"
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=90_000) as info:
        button.click()
    download = info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename == file_name
    _check_pdf(Path(download.path()).read_bytes())
    wait_idle(page)
    assert exception_texts(page) == []
    assert watch.all_problems() == []
