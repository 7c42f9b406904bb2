"""Issue 22.3/22.4 in the real browser: the region page's map picker sits directly above the map, a change keeps the
picker and the map in view and the page above in place; "Presentatiemodus" and the PDF button are visible without
scrolling at 768 px high. Screenshots under artifacts/screenshots (and /tmp/shots/side when it exists)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import JS_SVG_MAPS_PAINTED, StreamlitServer, exception_texts, wait_idle

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots/side")


def _box(page: Any, locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None
    return box


def _open(page: Any, server: StreamlitServer, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(server.url("/zuid-limburg"), wait_until="domcontentloaded")
    wait_idle(page)
    page.wait_for_function(JS_SVG_MAPS_PAINTED, timeout=60_000, polling=100)
    wait_idle(page)


def _shot(page: Any, name: str, screenshot_dir: Path) -> None:
    page.screenshot(path=str(screenshot_dir / name))
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / name))


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1024, 768)])
def test_region_actions_visible_without_scrolling(page: Any, dashboard_server: StreamlitServer, screenshot_dir: Path,
                                                  width: int, height: int) -> None:
    _open(page, dashboard_server, width, height)
    assert page.evaluate("() => window.scrollY") == 0
    for button in (page.get_by_role("button", name="Presentatiemodus"),
                   page.locator('[data-testid="stDownloadButton"] button:visible').filter(has_text="Download regioprofiel (PDF)")):
        box = _box(page, button)
        assert 0 <= box["x"] and box["x"] + box["width"] <= width, box
        assert 0 <= box["y"] and box["y"] + box["height"] <= height, box
    _shot(page, f"zuid-limburg_{width}x{height}_top.png", screenshot_dir)


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1024, 768)])
def test_map_picker_change_keeps_picker_map_and_page_in_place(page: Any, dashboard_server: StreamlitServer,
                                                              screenshot_dir: Path, width: int, height: int) -> None:
    _open(page, dashboard_server, width, height)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("Indicator op de kaart").count() == 0
    picker = page.locator('[data-testid="stSelectbox"]').filter(has_text="Indicator op de kaart")
    picker.scroll_into_view_if_needed()
    page.mouse.wheel(0, 150)  # as a user would: the picker near the top, the map below it
    page.wait_for_timeout(300)
    title, tiles = page.locator("h1").first, page.locator(".bw-tiles").first
    before = {"title": _box(page, title)["y"], "tiles": _box(page, tiles)["y"], "scroll": page.evaluate("() => window.scrollY")}
    _shot(page, f"zuid-limburg_{width}x{height}_picker_before.png", screenshot_dir)
    old_svg = page.locator(".bw-map svg").first.get_attribute("aria-label") or page.locator(".bw-map").first.inner_html()[:2000]
    picker.locator("input").click()
    page.keyboard.type("Werkloosheid")
    page.get_by_role("option").filter(has_text="Werkloosheid").first.click()
    page.wait_for_function("() => new URL(location.href).searchParams.get('indicator') === 'werkloosheid'", timeout=30_000)
    wait_idle(page)
    page.wait_for_function(JS_SVG_MAPS_PAINTED, timeout=60_000, polling=100)
    new_svg = page.locator(".bw-map svg").first.get_attribute("aria-label") or page.locator(".bw-map").first.inner_html()[:2000]
    assert new_svg != old_svg, "de kaart hoort de nieuwe indicator te tonen"
    _shot(page, f"zuid-limburg_{width}x{height}_picker_after.png", screenshot_dir)
    after = {"title": _box(page, title)["y"], "tiles": _box(page, tiles)["y"], "scroll": page.evaluate("() => window.scrollY")}
    assert abs(after["scroll"] - before["scroll"]) <= 2, (before, after)
    assert abs(after["title"] - before["title"]) <= 2 and abs(after["tiles"] - before["tiles"]) <= 2, (before, after)
    pick_box, map_box = _box(page, picker), _box(page, page.locator(".bw-map").first)
    assert 0 <= pick_box["y"] and pick_box["y"] + pick_box["height"] <= height, pick_box
    assert 0 <= map_box["y"] < height, map_box
    assert exception_texts(page) == []
