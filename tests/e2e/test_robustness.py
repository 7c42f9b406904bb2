"""Issue 16 in the real browser: damaged stores, echoed links and emoji, unknown pages (app and nginx)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORRUPTIONS, cli_env, corrupt_store
from tests.e2e.harness import (
    MAP_SVG,
    NginxProxy,
    PageWatch,
    StreamlitServer,
    exception_texts,
    nginx_available,
    wait_idle,
)

pytestmark = pytest.mark.browser

NOTICE = "De gegevens zijn op dit moment niet beschikbaar."
NAV_LINKS = ".st-key-bw_nav a"  # the app's own navigation (dashboard/document.py)
ALERT = '[data-testid="stAlert"]'
WORD_JOINER = "\u2060"


def open_page(context: Any, url: str) -> tuple[Any, PageWatch]:
    page = context.new_page()
    watch = PageWatch(page)
    page.goto(url, wait_until="domcontentloaded")
    wait_idle(page)
    return page, watch


def main_text(page: Any) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


# --- damaged stores --------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=CORRUPTIONS)
def damaged_server(request: pytest.FixtureRequest, chromium: None, built_store: Path,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StreamlitServer, Path]]:
    folder = tmp_path_factory.mktemp(f"kapot_{request.param}")
    store = corrupt_store(built_store, folder / "brede_welvaart.duckdb", request.param)
    with StreamlitServer(store, log_path=folder / "server.log") as server:
        yield server, store


@pytest.mark.parametrize("path", ["/", "/data", "/twente"])
def test_damaged_store_gives_dutch_notice_with_navigation(browser_context: Any,
                                                          damaged_server: tuple[StreamlitServer, Path],
                                                          path: str) -> None:
    server, store = damaged_server
    page, watch = open_page(browser_context, server.url(path))
    try:
        page.get_by_text(NOTICE).first.wait_for()
        text = page.locator("body").inner_text()
        assert exception_texts(page) == [], "Streamlit's error box instead of the notice"
        assert "This app has encountered an error" not in text
        assert str(store.parent) not in text and ".duckdb" not in text and "data_loaders build" not in text
        assert page.locator(NAV_LINKS).count() >= 5, "the navigation must stay"
        assert page.evaluate("document.documentElement.lang") == "nl"
        assert watch.all_problems() == []
    finally:
        page.close()
    assert str(store) in server.log_tail(20_000), "the detail (path, cause) belongs in the server log"


def test_damaged_store_health_check_is_red(damaged_server: tuple[StreamlitServer, Path]) -> None:
    server, store = damaged_server
    proc = subprocess.run([sys.executable, "-m", "dashboard.healthcheck", "--store", str(store), "--url", server.base_url],
                          env=cli_env(), capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 1, proc.stdout
    assert "niet gezond: store" in proc.stderr and "gezond: server" in proc.stdout, "server up, store broken"


# --- echoed user input ------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["https://evil.example/inloggen", "www.evil.example", "naam@evil.example", ":skull:"])
def test_echoed_value_is_inert(browser_context: Any, dashboard_server: StreamlitServer, value: str) -> None:
    from urllib.parse import quote

    page, watch = open_page(browser_context, dashboard_server.url(f"/twente?indicator={quote(value)}"))
    try:
        page.wait_for_selector(MAP_SVG, state="visible")
        notice = page.locator(ALERT).filter(has_text="in de link").first
        notice.wait_for()
        assert notice.locator("a").count() == 0, "the echoed value became a link"
        shown = notice.inner_text().replace(WORD_JOINER, "")
        # An unknown indicator id is not echoed at all (issue 22: the notice names what is shown, in Dutch)
        assert value not in shown and "Onbekende indicator in de link" in shown, shown
        assert "💀" not in page.locator("body").inner_text(), "the shortcode became an emoji"
        assert watch.all_problems() == []
    finally:
        page.close()


# --- unknown pages ----------------------------------------------------------------------------------
def test_unknown_page_is_dutch_with_a_way_back(browser_context: Any, dashboard_server: StreamlitServer) -> None:
    page, watch = open_page(browser_context, dashboard_server.url("/bestaat-niet"))
    try:
        page.get_by_role("heading", name="Pagina niet gevonden").wait_for()
        assert "Page not found" not in page.locator("body").inner_text(), "Streamlit's English dialog"
        assert page.get_by_role("dialog").count() == 0
        assert "/bestaat-niet" in main_text(page)
        assert page.locator(NAV_LINKS).count() >= 5
        assert page.evaluate("document.documentElement.lang") == "nl"
        page.get_by_role("link", name="Naar de startpagina (Nederland)").click()
        page.wait_for_selector(MAP_SVG, state="visible")
        assert page.locator("h1").first.inner_text().strip() == "Brede welvaart in Nederland"
        assert watch.all_problems() == []
    finally:
        page.close()


@pytest.fixture(scope="module")
def proxied(dashboard_server: StreamlitServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[NginxProxy]:
    if not nginx_available():
        pytest.skip("nginx ontbreekt (apt-get install nginx-light)")
    with NginxProxy(f"127.0.0.1:{dashboard_server.port}", tmp_path_factory.mktemp("nginx_e2e")) as proxy:
        yield proxy


def test_app_works_through_deploy_nginx(browser_context: Any, proxied: NginxProxy) -> None:
    page, watch = open_page(browser_context, proxied.base_url + "/twente")
    try:
        page.wait_for_selector(MAP_SVG, state="visible")
        assert page.locator("h1").first.inner_text().strip() == "Twente"
        assert exception_texts(page) == [] and watch.all_problems() == []
    finally:
        page.close()


@pytest.mark.parametrize("path", ["/twente/extra", "/etc/passwd"])
def test_multi_segment_paths_get_the_dutch_404_from_nginx(browser_context: Any, proxied: NginxProxy, path: str) -> None:
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        response = page.goto(proxied.base_url + path, wait_until="load")
        assert response is not None and response.status == 404
        assert page.locator("html").get_attribute("lang") == "nl"
        assert page.get_by_role("heading", name="Pagina niet gevonden").is_visible()
        page.get_by_role("link", name="Naar de startpagina").click()
        page.wait_for_selector(MAP_SVG, state="visible")
        assert [e for e in errors if "404" not in e] == []
    finally:
        page.close()


# --- issue 24 point 3 / issue 22 point 6: every unknown one-segment path gets the Dutch page -------------------------
@pytest.mark.parametrize(("path", "shown"), [
    ("/nederland", "/nederland"),  # the home page's own url_path: it answers only at /
    ("/vergelijk%20", "/vergelijk "),
    ("/a%20b", "/a b"),
    ("/" + "x" * 250, "/" + "x" * 39 + "…"),  # over 200 characters; echoed truncated, as every echo
], ids=["nederland", "vergelijk-blank", "a-blank-b", "250-chars"])
def test_odd_unknown_paths_are_dutch(browser_context: Any, dashboard_server: StreamlitServer, path: str,
                                     shown: str) -> None:
    page, watch = open_page(browser_context, dashboard_server.url(path))
    try:
        page.get_by_role("heading", name="Pagina niet gevonden").wait_for()
        body = page.locator("body").inner_text()
        assert "Page not found" not in body and "main page" not in body, "Streamlit's English dialog"
        assert page.get_by_role("dialog").count() == 0
        assert shown in main_text(page)
        assert page.locator(NAV_LINKS).count() >= 5
        assert exception_texts(page) == [] and watch.all_problems() == []
    finally:
        page.close()


def test_mistyped_region_suggests_the_page(browser_context: Any, dashboard_server: StreamlitServer) -> None:
    page, watch = open_page(browser_context, dashboard_server.url("/Zuid-Limburg"))
    try:
        page.get_by_role("heading", name="Pagina niet gevonden").wait_for()
        page.get_by_role("link", name="Bedoelt u ‘/zuid-limburg’?").click()
        page.wait_for_selector(MAP_SVG, state="visible")
        assert page.locator("h1").first.inner_text().strip() == "Zuid-Limburg"
        assert exception_texts(page) == [] and watch.all_problems() == []
    finally:
        page.close()
