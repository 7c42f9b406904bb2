"""Every region page in the real browser: theme overview, gemeenten table, peers, strip and claims render."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from data_loaders.config import DUCKDB_OFFLINE
from tests.e2e.harness import REGIONS, PageWatch, StreamlitServer, exception_texts, wait_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def members(built_store: Path) -> dict[str, list[str]]:
    """Region id → names of its gemeenten in the default delineation (from the store the server reads)."""
    con = duckdb.connect(str(built_store), read_only=True, config=DUCKDB_OFFLINE)
    try:
        rows = con.execute("""SELECT d.region_id, r.name FROM region_defs d
                              JOIN region_members m ON m.region_id = d.region_id AND m.delineation = d.default_delineation
                              JOIN regions r ON r.region_code = m.gemeente_code""").fetchall()
    finally:
        con.close()
    out: dict[str, list[str]] = {}
    for rid, name in rows:
        out.setdefault(rid, []).append(name)
    return out


@pytest.mark.parametrize("region_id", REGIONS)
def test_region_glance_in_browser(page: Any, dashboard_server: StreamlitServer, screenshot_dir: Path,
                                  members: dict[str, list[str]], region_id: str) -> None:
    watch = PageWatch(page)
    page.goto(dashboard_server.url(f"/{region_id}"), wait_until="domcontentloaded")
    wait_idle(page)
    assert exception_texts(page) == []
    tiles = page.locator(".bw-tile")
    tiles.first.wait_for(state="visible", timeout=60_000)
    assert tiles.count() >= 10, "thema-overzicht ontbreekt"
    assert page.locator(".bw-kpi").count() >= 5, "kerncijfers ontbreken"
    # every tile links to its theme in the profile
    href = tiles.first.get_attribute("href")
    assert href and href.startswith("#thema-") and page.locator(href).count() == 1
    page.get_by_role("heading", name="Vergelijkbare gebieden").wait_for(timeout=30_000)
    assert page.locator('[data-testid="stMain"]').get_by_role("link", name="Vergelijk", exact=True).count() == 5
    # the strip (Vega-Lite) has drawn: a canvas or SVG with marks inside the chart element
    page.wait_for_function("""() => Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]'))
        .some(el => el.querySelector('canvas, svg'))""", timeout=60_000)
    table = page.locator("table.bw-list").first
    table.scroll_into_view_if_needed()
    table.wait_for(state="visible")
    names = table.locator("tbody th[scope='row']").all_inner_texts()
    missing = [name for name in members[region_id] if name not in names]
    assert not missing, f"gemeenten ontbreken in de tabel: {missing[:5]}"
    wait_idle(page)
    if region_id in ("twente", "zuid-limburg", "noord-en-oost-groningen"):
        page.set_viewport_size({"width": 1600, "height": 3000})
        page.screenshot(path=str(screenshot_dir / f"overzicht_{region_id}.png"))
    assert watch.all_problems() == []
