"""Issue 22 in a real browser: deep paths, English left in Streamlit's own interface, the indicator picker's Enter key."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.harness import StreamlitServer, wait_charts_drawn, wait_idle

pytestmark = pytest.mark.browser


def test_deep_path_gives_the_dutch_not_found_page(page: Any, dashboard_server: StreamlitServer) -> None:
    """22.6: /zuid-limburg/extra was a blank white page (assets asked below the path got the HTML again)."""
    page.goto(dashboard_server.url("/"))  # the app script has run once in this server (the fix is installed then)
    wait_idle(page)
    for path in ("/zuid-limburg/extra", "/Zuid-Limburg/extra/diep", "/bestaat/niet"):
        response = page.goto(dashboard_server.url(path))
        assert response.status == 404, path
        assert page.locator("html").get_attribute("lang") == "nl"
        assert page.locator("h1").inner_text() == "Pagina niet gevonden", path
        assert page.get_by_role("link", name="Naar de startpagina (Nederland)").get_attribute("href") == "/"
        if "imburg" in path:
            assert page.get_by_role("link", name="Bedoelt u ‘/zuid-limburg’?").get_attribute("href") == "/zuid-limburg"
    page.goto(dashboard_server.url("/Zuid-Limburg"))  # one segment, wrong case: the app's own page suggests it
    wait_idle(page)
    assert page.get_by_role("link", name="Bedoelt u ‘/zuid-limburg’?").is_visible()


def test_chart_aria_labels_are_dutch(page: Any, dashboard_server: StreamlitServer) -> None:
    """22.8: Vega wrote "Title text '…'" and "group mark container" into the charts' ARIA attributes."""
    page.goto(dashboard_server.url("/twente"))
    wait_idle(page)
    wait_charts_drawn(page)
    page.wait_for_selector(".vega-embed svg [aria-roledescription]", timeout=60_000)
    page.wait_for_timeout(500)
    values = page.eval_on_selector_all(
        ".vega-embed, .vega-embed [aria-label], .vega-embed [aria-roledescription]",
        "els => els.flatMap(e => [e.getAttribute('aria-label'), e.getAttribute('aria-roledescription')]).filter(Boolean)")
    assert any(v.startswith("Titel ‘") for v in values), values
    english = [v for v in values if any(w in v for w in ("Title text", "Subtitle text", " mark", "axis", "legend"))]
    assert not english, english


def test_indicator_picker_enter_takes_the_highlighted_match(page: Any, dashboard_server: StreamlitServer) -> None:
    """22.14: typing part of a name and pressing Enter adds that one indicator, not all matches."""
    page.goto(dashboard_server.url("/data?indicatoren=werkloosheid&niveaus=NL"))
    wait_idle(page)
    picker = page.locator(".st-key-dl_ind input")
    picker.click()
    picker.fill("inkomen")
    options = page.locator('[role="option"]')
    options.first.wait_for()
    texts = options.all_inner_texts()
    assert len(texts) >= 2 and not any("treffers" in t or "matches" in t for t in texts), texts
    picker.press("Enter")
    page.keyboard.press("Escape")
    wait_idle(page)
    page.wait_for_function("() => new URL(location.href).searchParams.get('indicatoren').split(',').length === 2")
    chosen = parse_qs(urlsplit(page.url).query)["indicatoren"][0].split(",")
    assert chosen[0] == "werkloosheid" and len(chosen) == 2, chosen


def test_connection_lost_dialog_is_dutch(browser_context: Any, built_store: Path, tmp_path: Path) -> None:
    """22.8: stopping the server mid-session showed "Streamlit server is not responding. Are you connected to the
    internet?"; the dialog and the status read Dutch. A server of its own, since this test stops it."""
    page = browser_context.new_page()
    try:
        with StreamlitServer(built_store, log_path=tmp_path / "server.log") as server:
            page.goto(server.url("/over"))
            wait_idle(page)
            server.stop()
            dialog = page.get_by_role("dialog")
            dialog.wait_for(timeout=90_000)
            page.wait_for_function("() => !document.body.innerText.includes('not responding')"
                                   " && document.body.innerText.includes('reageert niet')", timeout=90_000)
            text = dialog.inner_text()
            assert "Verbindingsfout" in text and "De server van het dashboard reageert niet" in text, text
            body = page.inner_text("body")
            for english in ("Streamlit server is not responding", "Are you connected", "Connection error",
                            "Connecting", "Please wait"):
                assert english not in body, (english, body[-500:])
    finally:
        page.close()
