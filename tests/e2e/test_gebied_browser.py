"""Maps you can click (issue 21), in the real browser without WebGL: a click, or Enter on the area walked to with
the arrow keys, on Kerkrade on the national map opens its area page, which names its region (Zuid-Limburg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import JS_SVG_MAPS_PAINTED, MAP_SVG, PageWatch, StreamlitServer, exception_texts, wait_idle

pytestmark = pytest.mark.browser

KERKRADE = "GM0928"
NATIONAL = "/?indicator=werkloosheid&niveau=GM"
# Arrow-key steps from the focused map to an area: the map walks its areas by rank (as the component's script does).
JS_STEPS_TO = """(code) => {
  const items = Array.from(document.querySelectorAll('.bw-map svg[data-n] path.f, .bw-map svg[data-n] [data-tip]'));
  items.sort((a, b) => (+a.dataset.r || 1e9) - (+b.dataset.r || 1e9));
  return items.findIndex(el => el.dataset.k === code) + 1;
}"""


def _national(page: Any, server: StreamlitServer) -> PageWatch:
    watch = PageWatch(page)
    page.goto(server.url(NATIONAL), wait_until="domcontentloaded")
    wait_idle(page)
    page.wait_for_function(JS_SVG_MAPS_PAINTED, timeout=60_000, polling=100)
    return watch


def _assert_kerkrade_page(page: Any) -> None:
    page.wait_for_url(f"**/gebied?code={KERKRADE}*", timeout=60_000)
    wait_idle(page)
    page.wait_for_function(JS_SVG_MAPS_PAINTED, timeout=60_000, polling=100)
    assert exception_texts(page) == []
    main = page.locator('[data-testid="stMain"]')
    assert page.locator("h1").first.inner_text().strip() == "Kerkrade"
    text = main.inner_text()
    assert "Zuid-Limburg" in text and "Werkloosheid" in text
    assert page.locator(f'{MAP_SVG} path.f[data-k="{KERKRADE}"]').count() == 1


def test_click_on_kerkrade_opens_its_page(page: Any, dashboard_server: StreamlitServer, screenshot_dir: Path) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    watch = _national(page, dashboard_server)
    area = page.locator(f'{MAP_SVG} path.f[data-k="{KERKRADE}"]')
    area.hover()
    tip = page.locator(".bw-tip")
    assert "Kerkrade" in tip.inner_text() and "Regio: Zuid-Limburg" in tip.inner_text()
    page.screenshot(path=str(screenshot_dir / "nederland_kaart_1366.png"))
    area.click()
    _assert_kerkrade_page(page)
    page.screenshot(path=str(screenshot_dir / "gebied_kerkrade_1366.png"))
    page.screenshot(path=str(screenshot_dir / "gebied_kerkrade_1366_full.png"), full_page=True)
    assert watch.all_problems() == []


def test_enter_on_kerkrade_opens_its_page(page: Any, dashboard_server: StreamlitServer) -> None:
    _national(page, dashboard_server)
    steps = page.evaluate(JS_STEPS_TO, KERKRADE)
    assert steps > 0
    page.locator(".bw-map[tabindex='0']").first.focus()
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
    assert page.locator(f'{MAP_SVG} path.f.hl').get_attribute("data-k") == KERKRADE
    assert "Kerkrade" in page.locator(".bw-tip").inner_text()
    page.keyboard.press("Enter")
    _assert_kerkrade_page(page)


def test_search_finds_sudwest_fryslan(page: Any, dashboard_server: StreamlitServer) -> None:
    _national(page, dashboard_server)
    box = page.get_by_label("Zoek een gemeente, COROP-gebied, provincie of regio")
    box.fill("sudwest")
    box.press("Enter")
    hit = page.locator("ul.bw-search a", has_text="Súdwest-Fryslân")
    hit.wait_for(timeout=30_000)
    hit.click()
    page.wait_for_url("**/gebied?code=GM1900*", timeout=60_000)
    wait_idle(page)
    assert page.locator("h1").first.inner_text().strip() == "Súdwest-Fryslân"
