"""Issue 22.4 in a real browser at 1366×768 (and 1024×768): no cut-off legend, table header or evidence label.

Vega draws these charts as SVG: a label cut by Vega's ``labelLimit`` ends in "…", and a label that runs past the
chart's box is cut by the box; both are checked from the SVG text elements. The ranking grid draws its headers on a
canvas, so there the check is on widths: the grid's scroll width must be the sum of the widths the page configures
(so those are the widths drawn), and each header, measured with the grid's own font in the browser, fits its width.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from dashboard.components.evidence import DREMPEL_NL
from dashboard.views.nederland import AREA_PX, METHOD_PX, POSITION_PX, header_px
from tests.e2e.harness import StreamlitServer, wait_charts_drawn, wait_idle

pytestmark = pytest.mark.browser

SIZES = [(1366, 768), (1024, 768)]
CHART = '[data-testid="stVegaLiteChart"]'
# Per Vega chart: its box and every legend and axis label with its box (textContent joins wrapped lines).
JS_LABELS = """(sel) => Array.from(document.querySelectorAll(sel)).map(b => {
  const r = b.getBoundingClientRect();
  const box = t => { const q = t.getBoundingClientRect(); return {text: t.textContent, left: q.left, right: q.right,
                     lines: t.querySelectorAll('tspan').length || 1}; };
  return {left: r.left, right: r.right,
          legend: Array.from(b.querySelectorAll('svg .role-legend-label text')).map(box),
          axis: Array.from(b.querySelectorAll('svg .role-axis-label text')).map(box),
          titles: Array.from(b.querySelectorAll('svg .role-axis-title text')).map(box)};
})"""
# Width of a header label in the grid's header font (Streamlit's glide theme: semibold, 14 px, the body font).
JS_TEXT_PX = """(labels) => { const c = document.createElement('canvas').getContext('2d');
  const family = getComputedStyle(document.querySelector('[data-testid="stApp"]')).fontFamily;
  c.font = `600 14px ${family}`; return labels.map(l => c.measureText(l).width); }"""
GRID_PADDING_PX = 2 * 8 + 8  # the grid's cell padding left and right, plus a margin


@pytest.fixture(params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def sized_page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A page in a window of 1366×768 or 1024×768."""
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
    context.set_default_timeout(60_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def laptop_page(browser: Any) -> Iterator[Any]:
    """A page in a 1366×768 window."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="nl-NL")
    context.set_default_timeout(60_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def _open_region(page: Any, server: StreamlitServer, region: str = "zuid-limburg") -> None:
    page.goto(server.url(f"/{region}"), wait_until="domcontentloaded")
    wait_idle(page)
    wait_charts_drawn(page)
    wait_idle(page)


def _whole_and_inside(chart: dict[str, Any], labels: list[dict[str, Any]]) -> list[str]:
    """Labels cut short by Vega ('…') or running past the chart's box."""
    return [f"{t['text']!r} [{t['left']:.0f}, {t['right']:.0f}] in [{chart['left']:.0f}, {chart['right']:.0f}]"
            for t in labels if t["text"].endswith("…") or t["left"] < chart["left"] - 1 or t["right"] > chart["right"] + 1]


def test_facilities_legend_reads_whole(sized_page: Any, dashboard_server: StreamlitServer) -> None:
    """22.4: the Voorzieningen legend read 'Ne…' (its row ran past the chart); every legend label and axis title is
    whole and inside the chart."""
    page = sized_page
    _open_region(page, dashboard_server)
    charts = page.evaluate(JS_LABELS, CHART)
    (fac,) = [c for c in charts if any(t["text"] == "regio, eerste jaar" for t in c["legend"])]
    assert [t["text"] for t in fac["legend"]] == ["regio, eerste jaar", "regio, laatste jaar", "Nederland"]
    assert _whole_and_inside(fac, fac["legend"] + fac["titles"] + fac["axis"]) == []
    assert "belangrijkoverstapstation" in [t["text"].replace(" ", "") for t in fac["axis"]]  # wrapped, not cut


def test_ranking_headers_read_whole(sized_page: Any, dashboard_server: StreamlitServer) -> None:
    """22.4: the ranking headers read 'Verschil m…' and 'Waar…'; every column is at least as wide as its header."""
    page = sized_page
    page.goto(dashboard_server.url("/?indicator=bbp_per_inwoner&niveau=CR"), wait_until="domcontentloaded")
    wait_idle(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(state="visible")
    wait_idle(page)
    labels = ["Positie", "Gebied", "Waarde", "Verschil met NL", "Methode"]
    widths = [POSITION_PX, AREA_PX, header_px("Waarde"), header_px("Verschil met NL"), METHOD_PX]
    page.wait_for_function("() => document.querySelectorAll("
                           "'[data-testid=\"stDataFrame\"] table[role=\"grid\"] thead th').length >= 2", timeout=20_000)
    drawn = page.evaluate("() => document.querySelector('[data-testid=\"stDataFrame\"] .dvn-scroller').scrollWidth")
    assert abs(drawn - sum(widths)) <= 2, (drawn, widths)  # the grid draws exactly these widths
    if page.viewport_size["width"] >= 1366:  # on the laptop, position, area and value are in view without scrolling
        seen = page.evaluate("() => document.querySelector('[data-testid=\"stDataFrame\"] .dvn-scroller').clientWidth")
        assert sum(widths[:3]) <= seen, (widths[:3], seen)
    shown = page.evaluate("() => Array.from(document.querySelectorAll("
                          "'[data-testid=\"stDataFrame\"] table[role=\"grid\"] thead th')).map(t => t.textContent)")
    assert shown == labels[:len(shown)] and len(shown) >= 2, shown  # the grid's accessible table: the headers in view
    text_px = page.evaluate(JS_TEXT_PX, labels)
    too_narrow = [(label, round(px), width) for label, px, width in zip(labels, text_px, widths, strict=True)
                  if px + GRID_PADDING_PX > width]
    assert too_narrow == []


def test_evidence_chart_labels_whole_and_drempel_explained(sized_page: Any, dashboard_server: StreamlitServer) -> None:
    """22.4: the claim evidence chart cut its labels ('Tevredenheid m…' twice) and said 'drempels' unexplained: every
    y label is whole, inside the chart and different from the others, and the sentence explaining 'drempel' stands
    under the chart."""
    page = sized_page
    _open_region(page, dashboard_server)
    claim = page.locator('[data-testid="stExpander"] summary').filter(
        has_text="De tien regio's uit voetnoot 5 liggen achter").first
    claim.scroll_into_view_if_needed()
    claim.click()
    box = page.locator('[data-testid="stExpander"]').filter(has=page.locator(CHART)).first
    box.locator(CHART).first.wait_for(state="visible")
    wait_idle(page)
    page.wait_for_function("(s) => document.querySelector(s + ' svg .role-axis-label text')",
                           arg=f'[data-testid="stExpander"] {CHART}')
    (chart, *_) = page.evaluate(JS_LABELS, f'[data-testid="stExpander"] {CHART}')
    names = [t for t in chart["axis"] if not t["text"].lstrip("−-").replace(",", "").isdigit()]
    assert len(names) >= 10
    assert _whole_and_inside(chart, names) == []
    texts = [t["text"] for t in names]
    assert len(set(texts)) == len(texts), texts  # no two rows read the same
    tevredenheid = sorted(t.replace(" ", "") for t in texts if t.startswith("Tevredenheid"))
    assert "Tevredenheidmetdehuidigewoning" in tevredenheid and "Tevredenheidmetdewoonomgeving" in tevredenheid
    assert any(t["lines"] > 1 for t in names)  # long names wrap instead of being cut
    captions = box.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
    assert any(DREMPEL_NL in c for c in captions), captions


JS_MAP_CLAIMS = """() => { const cols = document.querySelectorAll('.st-key-map_claims > [data-testid="stLayoutWrapper"] >'
  + ' [data-testid="stHorizontalBlock"] > [data-testid="stColumn"]');
  return Array.from(cols).map(c => { const r = c.getBoundingClientRect(); return [r.left, r.width]; }); }"""


def test_claims_readable_beside_or_under_the_map(sized_page: Any, dashboard_server: StreamlitServer) -> None:
    """At 1024 wide (sidebar open) the claims column beside the map was 210 px wide, an opened claim 5,129 px tall:
    there the claims stand under the map at its full width; at 1366 they stay beside it."""
    page = sized_page
    _open_region(page, dashboard_server)
    (map_left, map_width), (claims_left, claims_width) = page.evaluate(JS_MAP_CLAIMS)
    if page.viewport_size["width"] >= 1366:
        assert claims_left > map_left + map_width - 1 and claims_width >= 300, (map_width, claims_width)
    else:
        assert abs(claims_left - map_left) < 1 and abs(claims_width - map_width) < 1, (map_width, claims_width)
    claim = page.locator('[data-testid="stExpander"] summary').filter(
        has_text="De tien regio's uit voetnoot 5 liggen achter").first
    claim.scroll_into_view_if_needed()
    claim.click()
    box = page.locator('[data-testid="stExpander"]').filter(has=page.locator(CHART)).first
    box.locator(CHART).first.wait_for(state="visible")
    wait_idle(page)
    opened = box.bounding_box()
    assert opened["width"] >= 300, opened  # at 1024 before: 210 px wide, 5,129 px tall (now 564 × 3,689; 1366: 346 × 3,049)
